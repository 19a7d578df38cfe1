// Package loadgen is Kestrel's lean load generator: the client side of every side-by-side benchmark in
// bench/ and of `kestrel demo`. It is built so that it is not what a benchmark measures.
//
// # Model
//
// Run drives Config.Conns TCP connections in ping-pong: each connection writes one request, waits for
// the complete reply, records the round trip's latency and writes the next request. On Linux one
// goroutine serves every connection through its own epoll instance (golang.org/x/sys/unix) over
// non-blocking sockets, so the generator costs one thread and no scheduler work per request; requests
// are encoded once per connection, buffers are preallocated, and latencies go into a fixed-size
// log-linear Histogram, so a request allocates nothing. Elsewhere a fallback on the standard net
// package runs one goroutine per connection with the same accounting.
//
// A run has three phases: dialing (every connection, bounded by Config.DialTimeout), warm-up
// (Config.Warmup; replies are not recorded) and the measured window, which ends after Config.Duration
// or once Config.Requests replies have been recorded, whichever comes first. Run always stops by
// itself: Config.Timeout bounds the whole run, and a connection that fails is counted in
// Result.Errors and dropped, never retried.
//
// # Framing
//
// A Codec writes the request bytes and tells, from a prefix of the reply, how long the reply is. The
// default, Framed, is a 4-byte big-endian length followed by the payload (the framed echo of
// DESIGN.md §6); later benchmarks plug in TTHeader or Thrift codecs. A codec whose requests carry a
// sequence number also implements Sequencer and has it rewritten in place before each request; one whose
// replies are not copies of its requests (an RPC call) implements ReplyChecker to have each reply checked.
//
// # Measuring
//
// Run does not change process-wide settings. A benchmark driver should run it in a process of its
// own with GOMAXPROCS=1, pinned to a CPU other than the server's (taskset -c 1), and may use
// Config.OnMeasure to sample the server's CPU time exactly when the measured window opens.
// Result.CPU is the generator process's own CPU time over the window: CPU / Duration near 1 means
// the generator, not the server, was the bottleneck.
package loadgen
