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
// Every struct, union and exception gets BLength, FastWrite, FastRead, BLengthNocopy and FastWriteNocopy
// (Binary protocol, package thrift's FastCodec and NocopyCodec) and, with ProtocolCompact or
// ProtocolBoth, CompactLength, CompactWrite and CompactRead. FastWrite writes fixed-size fields first,
// then the variable-size ones, into a buffer presized with BLength; FastWriteNocopy needs only
// BLengthNocopy bytes, the strings and binaries it links left out. FastAppend (thrift.Appender)
// appends to a []byte in one pass: it ranges each map once, writing the fields that hold maps last and
// growing the slice per entry, where BLength and FastWrite range every map twice. FastRead skips unknown fields and fields whose
// wire type does not match, tracks required fields in a bitset and bounds struct nesting by
// thrift.MaxDepth. Its allocation tricks, each noted in the generated code:
//
//   - list<struct> and set<struct> decode into one backing array, not one allocation per element;
//   - list<i64>, list<i32> and their sets decode (and encode) in one SIMD byte-swapping call; the
//     writer prints the header with WriteListBegin and the elements with WriteI64s/WriteI32s, which
//     inline, so that a short list costs one call, into the kernel;
//   - Binary FastRead decodes a struct that holds strings (directly, in containers or in structs of
//     the same Go package) and no bulk data (binaries, containers of numbers) with a struct arena:
//     one string holding a copy of the struct's bytes (thrift.StructArena), which every string of the
//     struct, its nested structs and its containers is a substring of (thrift.ReadStringAt,
//     thrift.ArenaAt). One allocation for all of a message's strings instead of one per string; the
//     trade-off is retention: a string kept from the value keeps the whole encoding (at most
//     thrift.ArenaCopyAll bytes more for a short input) alive. Without a struct arena, the strings of
//     a Binary container (list<string>, map<string,string>, nested containers) still share one copy
//     of the container's bytes. The unexported fastRead takes the arena as a parameter ("" for none).
//
// Services get <Service><Method>Args and <Service><Method>Result structs and a <Service>ServiceInfo
// variable; client and server stubs are left to a later printer over the same model (serviceModel).
package codegen
