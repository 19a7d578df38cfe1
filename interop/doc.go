// Package interop checks that Kestrel's Thrift codecs and Apache Thrift Go (v0.17.0) agree on the
// wire, byte for byte where the format fixes the bytes and value for value where it does not (field
// order, map order).
//
// It is a module of its own, so the framework's module never depends on Apache Thrift. All of its
// checks are tests: `cd interop && go test -race ./...`.
//
// # What is generated
//
// testdata/ThriftTest.thrift is ../thrift/idl/testdata/ThriftTest.thrift, Apache's test/ThriftTest.thrift
// (the IDL every Apache Thrift language binding is cross-tested with), minus what Apache Thrift Go 0.17
// cannot take: the CrazyNesting.list_field whose map keys are sets (Go cannot use a slice as a map key,
// THRIFT-2063; Apache's own Go tests drop that line too) and the uuid field and method (uuid came after
// 0.17). From it, `go generate` writes
//
//   - internal/apache/thrifttest: Apache's Go code (`thrift --gen go`, then gofmt), and
//   - internal/kestrel/thrifttest: Kestrel's code (`kestrel gen -protocol both`).
//
// Both are checked in, Kestrel's with its service stubs (thrifttest/thrifttest and
// thrifttest/secondservice: NewClient, NewServer). TestApacheGenerated regenerates the Apache code into
// a temporary directory and fails on any difference, when the thrift compiler (0.17) is on PATH;
// TestKestrelGenerated does the same for Kestrel's, sub-packages included.
//
// # What is checked
//
// For every struct, union and exception of the IDL, in Binary and in Compact: seeded random values
// (internal/randval) round-trip Apache → Kestrel → Apache and Kestrel → Apache → Kestrel unchanged;
// Kestrel's precomputed lengths equal the bytes written; every truncated prefix of a valid encoding is
// an error, never a panic. Message headers (strict and old non-strict Binary, Compact) and
// TApplicationException are checked in both directions as well.
//
// The packages below this one check whole RPCs over loopback TCP, each in its own test binary:
//
//   - rpc: an Apache Thrift Go client calls every method of ThriftTest on a Kestrel server, over Framed,
//     Buffered and THeader (zlib once), Binary and Compact; a Kestrel client calls Apache's TSimpleServer
//     over the same matrix; both also concurrently. The handlers (internal/testserver) answer as
//     Apache's cross-language test server does.
//   - faults: a server process killed or shut down mid-call, garbage replies, a server that never
//     answers or stalls mid-reply, duplicate replies, and requests announcing frames far over the
//     server's limit; with goroutine and descriptor counts checked after each.
//   - kitex: KiteX TTHeader frames built byte by byte from shared/wire.md §1 and §7, sent to a Kestrel
//     server, and answered by hand to a Kestrel client (KiteX itself cannot be installed here).
//   - theader: Kestrel's THeader frame codec against Apache's THeaderTransport.
package interop
