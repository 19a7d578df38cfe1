// Package callinfo describes one RPC call: who calls whom, which method, over which transport, how
// big the messages were, how long each stage took, and how it ended. The framework fills an *Info for
// every call, client and server side, and hands it to middleware and tracers on the call's context.
//
// # Shape
//
// Info is a concrete struct with exported fields, not a set of getter and setter interfaces: a read is
// a field load, and there is one type to learn. Infos are pooled: New takes one from a sync.Pool,
// Release resets it and puts it back, so a call costs no allocation for its Info.
//
// # Read-only boundary
//
// The framework (client, server, transports) writes an Info; everything else only reads it.
// Middleware, handlers and stats.Tracer hooks may read any field at any time during the call, from the
// goroutine running the call, and must not write. Nobody may keep an *Info, or the net.Addr and error
// it holds, after the call returns: the framework releases it then, and the next call reuses it. Copy
// the fields you need (the struct copies by value: ci := *info).
//
// Fields that the framework fills as the call proceeds (sizes, timings, Err) are zero until their
// stage has run.
package callinfo
