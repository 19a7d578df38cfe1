// Package codec benchmarks Kestrel's generated Thrift codec side by side with Apache Thrift Go
// (v0.17.0, TBinaryProtocol) and protobuf (google.golang.org/protobuf), on the messages of DESIGN.md §6,
// all three fed the same values. docs/benchmarks-codec.md has the command, the figures and the targets.
//
// bench.thrift is the code generator's fixture (internal/gentest/bench.thrift), copied unchanged;
// bench.proto mirrors it field for field. The generated code of each lives in its own package
// (apachebench, kestrelgen/bench, pbbench) and is checked in; `go generate` rebuilds it.
package codec
