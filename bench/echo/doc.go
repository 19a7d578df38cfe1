// Package echo holds the framed echo servers that bench/cmd/echobench compares (DESIGN.md §6, Echo):
// each request is a 4-byte big-endian length and that many payload bytes, and the reply is the same
// frame. Serve starts one implementation on a listener:
//
//   - kestrel: Kestrel's netpoll EventLoop with its defaults; kestrel-nospin and kestrel-noptr switch
//     off its two epoll techniques (PollerOptions.ExperimentalNoSpin, ExperimentalNoDataPointer);
//   - cloudwego: cloudwego/netpoll v0.7.2 in its idiomatic nocopy style (Reader().Next,
//     Writer().Malloc, Flush; one frame per OnRequest call, the library calls again while input
//     remains);
//   - stdnet: the standard net package, a goroutine per connection reading the header and payload
//     into a reusable per-connection buffer (no bufio) and writing the frame back.
//
// Every implementation handles one frame at a time per connection, allocates nothing per request in
// its own code, and closes a connection that sends a frame longer than MaxFrame.
package echo
