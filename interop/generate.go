package interop

// Regenerate the checked-in code from the IDL the Thrift parser is tested with. The grep drops what
// Apache Thrift Go 0.17 cannot take: the one line of ThriftTest.thrift that Go cannot represent (a map
// keyed by sets; Apache's test/go/Makefile.am drops it too), and the uuid field and method, a type that
// came after 0.17. Needs the thrift compiler 0.17 on PATH (`make deps`).
//
//go:generate sh -c "grep -v -e 'list.*map.*list.*map' -e uuid ../thrift/idl/testdata/ThriftTest.thrift > testdata/ThriftTest.thrift"
//go:generate rm -rf internal/apache/thrifttest
//go:generate thrift -out internal/apache --gen go:package_prefix=github.com/kestrel-rpc/kestrel/interop/internal/apache/,skip_remote testdata/ThriftTest.thrift
//go:generate gofmt -w internal/apache/thrifttest
//go:generate rm -rf internal/kestrel/thrifttest
//go:generate sh -c "cd .. && go run ./cmd/kestrel gen -out interop/internal/kestrel -module github.com/kestrel-rpc/kestrel/interop/internal/kestrel -protocol both interop/testdata/ThriftTest.thrift"
