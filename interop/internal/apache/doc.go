// Package apache holds, in thrifttest/, the code Apache Thrift's compiler (0.17, `thrift --gen go`)
// generates from ../../testdata/ThriftTest.thrift: the Apache side of the interop tests. See
// ../../generate.go.
package apache
