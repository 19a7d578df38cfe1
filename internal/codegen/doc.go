// Package codegen turns parsed Thrift IDL (package thrift/idl) into Go code that uses Kestrel's Thrift
// runtime (package thrift). It is the engine behind `kestrel gen`.
//
// # Pipeline
//
// Generate walks a Document and the documents it includes, plans one Go package per Thrift file (import
// path from the `go` namespace, else from the file name), builds a model of each file (Go names and
// types of every declaration, the fields of the synthesized Args/Result structs of each service
// function) and prints the model with printer code into source that go/format then formats. The output
// is byte-for-byte deterministic: nothing iterates over a Go map while printing.
//
// # What the generated code looks like
//
// Every struct, union and exception gets BLength, FastWrite, FastRead and FastWriteNocopy (Binary
// protocol, package thrift's FastCodec and NocopyCodec) and, with ProtocolCompact or ProtocolBoth,
// CompactLength, CompactWrite and CompactRead. FastWrite writes fixed-size fields first, then the
// variable-size ones, into a buffer presized with BLength. FastRead skips unknown fields and fields whose
// wire type does not match, tracks required fields in a bitset and bounds struct nesting by
// thrift.MaxDepth. Its allocation tricks, each noted in the generated code:
//
//   - list<struct> and set<struct> decode into one backing array, not one allocation per element;
//   - list<i64>, list<i32> and their sets decode (and encode) in one SIMD byte-swapping call;
//   - the strings of a Binary container (list<string>, map<string,string>, nested containers) are
//     substrings of one string holding a copy of the container's bytes: one allocation instead of one
//     per string. A string kept from such a container keeps the container's bytes alive.
//
// Services get <Service><Method>Args and <Service><Method>Result structs and a <Service>ServiceInfo
// variable; client and server stubs are left to a later printer over the same model (serviceModel).
package codegen
