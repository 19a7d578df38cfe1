package endpoint

import "context"

// Endpoint performs one call: on a client it sends req and fills resp, on a server it runs the handler
// that reads req and fills resp. See the package comment for ownership and concurrency.
type Endpoint func(ctx context.Context, req, resp any) error

// Middleware wraps an Endpoint with behaviour of its own (logging, limits, retries, ...) and returns
// the Endpoint to call instead. The returned Endpoint normally calls next once; it may call it several
// times (retry) or not at all (a limiter refusing the call, a cache answering it). A Middleware must be
// safe for concurrent use, and so must the Endpoint it returns.
type Middleware func(next Endpoint) Endpoint

// Chain joins middleware into one. The first is the outermost: Chain(a, b, c)(e) is a(b(c(e))), so a
// request passes a, then b, then c, then reaches e, and the result comes back through c, b and a. Chain
// of nothing returns its Endpoint unchanged. Chain keeps its own copy of mws: changing the slice
// afterwards does not change the chain.
func Chain(mws ...Middleware) Middleware {
	mws = append([]Middleware(nil), mws...)
	return func(next Endpoint) Endpoint {
		for i := len(mws) - 1; i >= 0; i-- {
			next = mws[i](next)
		}
		return next
	}
}
