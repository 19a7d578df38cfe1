// Package bench holds Kestrel's side-by-side benchmarks against its peers (cloudwego/netpoll, the
// standard net package, Apache Thrift Go, grpc-go, google.golang.org/protobuf). It is a module of its
// own so that the framework's module never depends on a peer. docs/benchmarks.md records each result
// with the command that produced it.
package bench
