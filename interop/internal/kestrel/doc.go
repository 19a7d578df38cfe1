// Package kestrel holds, in thrifttest/, the code `kestrel gen -protocol both` generates from
// ../../testdata/ThriftTest.thrift: the Kestrel side of the interop tests. See ../../generate.go.
package kestrel
