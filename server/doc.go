// Package server is Kestrel's Thrift RPC server. Generated code wraps it: `kestrel gen` writes, per
// service, a sub-package whose NewServer registers a handler on New's Server.
//
// # Serving
//
// The server runs on netpoll: the reactor reads every connection's input, and a bounded pool of
// goroutines (WithMaxWorkers) serves requests; an idle connection costs no goroutine. The first bytes of
// a connection tell its framing — KiteX's TTHeader, Apache's THeader, Framed or Buffered — and its
// protocol, Binary or Compact, and every reply is written the way its request came. A request is read
// with one Next, its arguments are decoded (all their strings in one allocation) and its bytes released
// before the handler runs; the reply is encoded with one Malloc and flushed.
//
// # Failures
//
// A call of an unknown method is answered with TApplicationException UNKNOWN_METHOD, arguments that do
// not decode with PROTOCOL_ERROR, and an error or a panic of the handler with INTERNAL_ERROR (a panic is
// logged with its stack); an exception declared in the IDL travels in the result struct. The connection
// keeps serving in all those cases. A frame longer than WithMaxFrameSize (16 MiB by default), or bytes
// that are not a message, close the connection without allocating the announced size.
//
// # Shutdown
//
// Shutdown stops accepting, closes idle connections, lets the calls in flight finish (their TTHeader
// replies tell the client to drop the connection), and closes the rest when its context ends.
//
// # Context
//
// The handler's context carries the call's *callinfo.Info and the metainfo values the caller sent
// (package metainfo): transient values for this hop, persistent ones to pass on.
package server
