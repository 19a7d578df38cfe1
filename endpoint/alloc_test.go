//go:build !race

package endpoint_test

import (
	"context"
	"testing"

	"github.com/kestrel-rpc/kestrel/endpoint"
)

func pass(next endpoint.Endpoint) endpoint.Endpoint {
	return func(ctx context.Context, req, resp any) error { return next(ctx, req, resp) }
}

func TestCallAllocs(t *testing.T) {
	e := endpoint.Chain(pass, pass, pass)(func(context.Context, any, any) error { return nil })
	req, resp := new(int), new(int)
	ctx := context.Background()
	if n := testing.AllocsPerRun(100, func() { _ = e(ctx, req, resp) }); n != 0 {
		t.Fatalf("a call through 3 middleware allocates %v times", n)
	}
}
