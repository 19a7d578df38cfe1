// Package client is Kestrel's Thrift RPC client. Generated code wraps it: `kestrel gen` writes, per
// service, a sub-package whose NewClient returns a typed Client built on New and Call.
//
// # A call
//
// Call runs the middleware chain (WithMiddleware) around the transport: it picks an address (a Picker;
// WithHostPorts installs a round robin), takes a connection from the pool (long connections by
// default, WithShortConnection for one per call), encodes the request in the chosen framing
// (TTHeader by default, THeader, Framed or Buffered) and protocol (Binary or Compact) with one Malloc,
// linking large strings and binaries instead of copying them, flushes, reads the reply frame with one
// Next and decodes it. A connection serves one call at a time (ping-pong).
//
// # Deadlines
//
// A call ends at the sooner of its RPC timeout (WithRPCTimeout) and its context's deadline; canceling
// the context abandons it. A call that fails or times out closes its connection: a pooled connection
// never holds half of an old reply.
//
// # Errors
//
// Errors wrap the sentinels of package rpcerr (timeout, canceled, connect, connection, protocol), so
// errors.Is sorts them; the server's TApplicationException is a *thrift.ApplicationException
// (errors.As); an exception declared in the IDL arrives in the result struct and the generated client
// returns it as its own type.
//
// # Metadata
//
// Values set on the context with package metainfo travel in the TTHeader (and THeader) string keys as
// KiteX writes them; the header also carries the callee service and method (KiteX's ToService and
// ToMethod keys), the caller (WithCallerService) and the RPC timeout in milliseconds.
package client
