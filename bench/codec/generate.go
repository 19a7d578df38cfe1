package codec

// Regenerate the three codecs' code from bench.thrift (Apache Thrift, Kestrel) and bench.proto
// (protobuf). Needs thrift 0.17 and protoc with protoc-gen-go v1.36.10 on PATH (see docs/benchmarks-codec.md).
//
//go:generate rm -rf apachebench
//go:generate thrift -out . --gen go:package=apachebench,skip_remote bench.thrift
//go:generate gofmt -w apachebench
//go:generate protoc --go_out=. --go_opt=module=github.com/kestrel-rpc/kestrel/bench/codec bench.proto
//go:generate rm -rf kestrelgen
//go:generate sh -c "cd ../.. && go run ./cmd/kestrel gen -out bench/codec/kestrelgen -module github.com/kestrel-rpc/kestrel/bench/codec/kestrelgen -protocol both bench/codec/bench.thrift"
