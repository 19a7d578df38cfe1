// Package rpc holds the RPC echo benchmark of DESIGN.md §6 and issue 4: the servers that
// bench/cmd/rpcserver runs and the load that bench/cmd/rpcbench drives against them, one process each.
//
// The service is echo.thrift's EchoService (request and response {1: string msg}) and its protobuf twin
// echo.proto; generate.go regenerates the three libraries' code (apacheecho, pbecho, kestrelgen), which
// is checked in. Serve starts a server by name (Servers), Load runs a client by name (Clients) for a
// warm-up and a measured window, and Impls pairs them into the benchmark's implementations.
//
// The goroutine clients (grpc, apache, kestrel) run one goroutine per caller in ping-pong and time each
// call from its start to its return; internal/loadgen's clients (loadgen, framed) drive one connection
// per caller from a single epoll thread, FramedEcho putting whole Framed Binary Echo calls on the wire.
// Every client checks every answer.
//
// BenchmarkKestrelCall (alloc_test.go) measures one Kestrel call's allocations on the client side and
// on the server side separately, pairing each with a raw peer that allocates nothing.
package rpc
