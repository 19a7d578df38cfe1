package endpoint_test

import (
	"context"
	"fmt"

	"github.com/kestrel-rpc/kestrel/endpoint"
)

type echoReq struct{ Msg string }
type echoResp struct{ Msg string }

// A logging middleware and a handler, chained the way a server chains them.
func ExampleChain() {
	logging := func(name string) endpoint.Middleware {
		return func(next endpoint.Endpoint) endpoint.Endpoint {
			return func(ctx context.Context, req, resp any) error {
				fmt.Println(name, "before")
				err := next(ctx, req, resp)
				fmt.Println(name, "after:", resp.(*echoResp).Msg)
				return err
			}
		}
	}
	handler := func(_ context.Context, req, resp any) error {
		resp.(*echoResp).Msg = "echo " + req.(*echoReq).Msg
		return nil
	}
	call := endpoint.Chain(logging("outer"), logging("inner"))(handler)
	var resp echoResp
	err := call(context.Background(), &echoReq{Msg: "hi"}, &resp)
	fmt.Println(resp.Msg, err)
	// Output:
	// outer before
	// inner before
	// inner after: echo hi
	// outer after: echo hi
	// echo hi <nil>
}
