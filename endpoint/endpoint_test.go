package endpoint_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/kestrel-rpc/kestrel/endpoint"
)

// record returns a middleware that appends "name>" before calling next and "<name" after.
func record(log *[]string, name string) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req, resp any) error {
			*log = append(*log, name+">")
			err := next(ctx, req, resp)
			*log = append(*log, "<"+name)
			return err
		}
	}
}

func TestChainOrder(t *testing.T) {
	errEnd := errors.New("end")
	for _, tt := range []struct {
		names []string
		want  []string
	}{
		{nil, []string{"e"}},
		{[]string{"a"}, []string{"a>", "e", "<a"}},
		{[]string{"a", "b", "c"}, []string{"a>", "b>", "c>", "e", "<c", "<b", "<a"}},
	} {
		var log []string
		var mws []endpoint.Middleware
		for _, n := range tt.names {
			mws = append(mws, record(&log, n))
		}
		e := endpoint.Chain(mws...)(func(context.Context, any, any) error {
			log = append(log, "e")
			return errEnd
		})
		if err := e(context.Background(), nil, nil); !errors.Is(err, errEnd) {
			t.Fatalf("%v: err = %v", tt.names, err)
		}
		if !reflect.DeepEqual(log, tt.want) {
			t.Fatalf("%v: order %v, want %v", tt.names, log, tt.want)
		}
	}
}

func TestChainCopiesSlice(t *testing.T) {
	var log []string
	mws := []endpoint.Middleware{record(&log, "a")}
	mw := endpoint.Chain(mws...)
	mws[0] = record(&log, "changed")
	_ = mw(func(context.Context, any, any) error { return nil })(context.Background(), nil, nil)
	if want := []string{"a>", "<a"}; !reflect.DeepEqual(log, want) {
		t.Fatalf("log %v, want %v", log, want)
	}
}

func TestChainShortCircuitAndValues(t *testing.T) {
	errRefused := errors.New("refused")
	refuse := func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req, resp any) error {
			if req.(*int) == nil {
				return errRefused
			}
			return next(ctx, req, resp)
		}
	}
	double := endpoint.Endpoint(func(_ context.Context, req, resp any) error {
		*resp.(*int) = 2 * *req.(*int)
		return nil
	})
	e := endpoint.Chain(refuse)(double)
	var nilReq *int
	if err := e(context.Background(), nilReq, new(int)); !errors.Is(err, errRefused) {
		t.Fatalf("err = %v, want refused", err)
	}
	req, resp := 21, 0
	if err := e(context.Background(), &req, &resp); err != nil || resp != 42 {
		t.Fatalf("resp = %d, %v", resp, err)
	}
}

func TestChainConcurrent(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	count := func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req, resp any) error {
			mu.Lock()
			calls++
			mu.Unlock()
			return next(ctx, req, resp)
		}
	}
	e := endpoint.Chain(count, count)(func(context.Context, any, any) error { return nil })
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				_ = e(context.Background(), nil, nil)
			}
		})
	}
	wg.Wait()
	if calls != 2*8*100 {
		t.Fatalf("calls = %d", calls)
	}
}
