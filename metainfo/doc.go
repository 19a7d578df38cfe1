// Package metainfo carries string key-values alongside a call, from caller to callee and back, in the
// form KiteX uses (bytedance/gopkg cloud/metainfo), so Kestrel and KiteX services can pass them to each
// other through TTHeader string keys and gRPC metadata.
//
// # Kinds of values
//
//   - Transient values (WithValue) go to the next hop only. On the wire a key k travels as
//     "RPC_TRANSIT_k". A server receives them as upstream values: GetValue sees them, but they are not
//     sent on to the server's own downstream calls (KiteX's RPC_TRANSIT_UPSTREAM_ semantics).
//   - Persistent values (WithPersistentValue) go to every hop: "RPC_PERSIST_k", received and forwarded.
//   - Backward values go from a server back to its caller in the reply: "RPC_BACKWARD_k". The server's
//     handler sets them with SendBackwardValue; the client reads them with RecvBackwardValue after the
//     call, having asked for them with WithBackwardValues.
//
// An empty key or value is ignored, as in KiteX.
//
// # Wire conversion
//
// The framework converts with AppendWire (client request), FromWire (server request),
// AppendBackwardWire (server reply) and SetBackwardFromWire (client reply). Pair is the neutral form
// the TTHeader and gRPC transports read and write.
//
// # Cost
//
// Forward values live in one immutable snapshot per context: every With or Del copies the (small) list
// of entries into a new context value that embeds its first two entries, so setting one or two values
// costs one allocation for the context plus one for the key's wire form, and receiving any number of
// values from the wire costs one or two allocations whatever their count. Reads walk the list: it is
// meant for a handful of values, as metadata is. Values received from the wire keep their wire keys, so
// forwarding them allocates nothing. No map is built on the call path; GetAllValues and friends, which
// return maps, are for debugging and tests.
//
// # Concurrency
//
// Contexts are immutable and safe to share. The backward stores are locked and may be used from any
// goroutine.
package metainfo
