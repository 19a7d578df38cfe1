package callinfo_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kestrel-rpc/kestrel/callinfo"
	"github.com/kestrel-rpc/kestrel/endpoint"
	"github.com/kestrel-rpc/kestrel/transport"
)

// The framework fills an Info and puts it on the context; a middleware reads it.
func Example() {
	logging := func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req, resp any) error {
			err := next(ctx, req, resp)
			ci := callinfo.FromContext(ctx) // read-only
			fmt.Printf("%s.%s over %v/%v seq=%d err=%v\n", ci.CalleeService, ci.Method, ci.Kind, ci.Protocol, ci.SeqID, err)
			return err
		}
	}
	handler := func(context.Context, any, any) error { return nil }
	call := endpoint.Chain(logging)(handler)

	// What the server framework does for each request.
	ci := callinfo.New()
	ci.CalleeService, ci.Method, ci.SeqID = "Echo", "echo", 7
	ci.Kind, ci.Protocol = transport.Framed, transport.Binary
	ci.Start = time.Now()
	_ = call(callinfo.NewContext(context.Background(), ci), nil, nil)
	ci.Release()
	// Output: Echo.echo over framed/binary seq=7 err=<nil>
}
