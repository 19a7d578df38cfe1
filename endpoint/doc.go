// Package endpoint defines the shape of one RPC call as a function, and middleware as a function that
// wraps it. Clients and servers build their call paths the same way: user middleware, governance (limits,
// retry, circuit breaking, stats) and the transport's final endpoint are all Endpoints joined by Chain.
//
// # Contract
//
// An Endpoint and a Middleware are called from many goroutines at once: both must be safe for
// concurrent use. A Middleware is called once, when the chain is built; the Endpoint it returns is
// called for every request.
//
// req and resp belong to the caller of the Endpoint. A middleware may read them and, before calling
// next, replace what they point to; it must not keep them (or anything they refer to) after it returns,
// because the framework reuses them for the next call. To keep data, copy it.
//
// An Endpoint's error is the call's error. Errors from the framework satisfy errors.Is and errors.As
// against the sentinels and types of the package that produced them.
package endpoint
