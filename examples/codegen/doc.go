// Command codegen shows the code `kestrel gen` writes, used the way Kestrel's transports use it: a
// request is encoded as a Thrift Binary CALL message into a linkbuf.Buffer (one Malloc of the exact
// size, no-copy linking of large strings), then read back and decoded with FastRead.
//
// The echo package is generated from echo.thrift; regenerate it with `go generate ./examples/codegen`.
package main
