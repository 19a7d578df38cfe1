package endpoint_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/kestrel-rpc/kestrel/endpoint"
)

func passThrough(next endpoint.Endpoint) endpoint.Endpoint {
	return func(ctx context.Context, req, resp any) error { return next(ctx, req, resp) }
}

func BenchmarkChain(b *testing.B) {
	for _, depth := range []int{1, 4, 16} {
		mws := make([]endpoint.Middleware, depth)
		for i := range mws {
			mws[i] = passThrough
		}
		e := endpoint.Chain(mws...)(func(context.Context, any, any) error { return nil })
		req, resp := new(int), new(int)
		ctx := context.Background()
		b.Run("depth="+strconv.Itoa(depth), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = e(ctx, req, resp)
			}
		})
	}
}
