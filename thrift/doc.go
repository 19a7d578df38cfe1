// Package thrift is Kestrel's Thrift runtime: the Binary and Compact protocols on []byte, the
// ApplicationException, and the small contract that generated code (kestrel gen) is written against.
//
// # Design: size first, one allocation
//
// A message is encoded in two passes over the generated struct. The first computes its exact size
// (FastCodec.BLength, CompactCodec.CompactLength), the caller obtains one buffer of that size (from
// linkbuf.Writer.Malloc, so usually no allocation at all), and the second pass writes into it. Writers
// therefore never grow or check a buffer: each one is a few stores after the one bounds check Go makes,
// small enough to inline into generated code (WriteI64 is binary.BigEndian.PutUint64). Generated code
// writes fixed-size fields first, so their offsets are constants and their checks merge.
//
// Readers work on a []byte that holds the whole message, check each length once against what is left
// and return (value, bytes consumed, error). Strings and binaries are copied out: a decoded struct never
// aliases the buffer, which goes back to its pool as soon as decoding ends. Generated FastRead copies a
// struct's bytes once (StructArena) and makes its strings substrings of that copy (ReadStringAt,
// ArenaAt): one allocation for all of them, at the price of keeping the copy alive as long as any of
// them is.
//
// Large strings need not be copied on write either: NocopyCodec.FastWriteNocopy (and
// BinaryProtocol.WriteStringNocopy) link values of NocopyThreshold bytes or more into a linkbuf.Writer
// with WriteDirect instead of copying them, and NocopyCodec.BLengthNocopy sizes the Malloc without them,
// so a large payload never has to fit in the buffer's blocks.
//
// Size first suits a linked buffer, where Malloc wants the size, but it ranges each map twice, and
// ranging a Go map has a fixed cost larger than writing a few short entries. Appender.FastAppend
// encodes into a []byte in one pass instead: the fields without maps are sized and written as
// FastWrite does, then the fields holding maps grow the slice (Grow) an entry at a time.
//
// Lists of i64 and i32 are byte-swapped in bulk by internal/simd (WriteI64s, ReadI64List, ...), in one
// call from generated code into the assembly kernel.
//
// # Contract for generated code
//
// Generated files declare `const _ = thrift.SupportPackageIsVersion1`. Structs implement FastCodec,
// NocopyCodec and Appender for the Binary protocol, and CompactCodec when Compact support is generated. They call the
// Binary and Compact values' methods for every item, the size constants (I64Length, FieldBeginLength,
// ...) and the Length methods for sizes, Skip for unknown fields, NewRequiredFieldError and
// NewUnionError for semantic errors, and describe services with ServiceInfo/MethodInfo.
//
// Compact field headers are delta-encoded: the caller carries the previous field id of the struct
// (0 at its start) into WriteFieldBegin/WriteBoolField/ReadFieldBegin. A Compact bool field has its
// value in the header (ReadFieldBegin returns it) and nothing after it.
//
// The Binary protocol writes the strict message header and reads both the strict and the old
// non-strict one. ReadMessageBeginNocopy returns a method name that aliases the input, so a server can
// dispatch without allocating.
//
// Thrift's i8 (byte) is written and read by WriteI8 and ReadI8: go vet expects io.ByteWriter and
// io.ByteReader signatures from methods called WriteByte and ReadByte.
//
// # Errors and limits
//
// Every reader error is a *ProtocolError naming the item and the offset (relative to the slice the
// reader was given) and wrapping a sentinel for errors.Is: ErrTruncated (input ends early, including a
// length or container size beyond the remaining bytes), ErrTooLarge (a string beyond MaxStringLen),
// ErrNegativeSize, ErrBadType, ErrBadVersion, ErrBadVarint, ErrBadValue or ErrDepth. Its TypeID gives
// the ApplicationException code a server answers with. No reader allocates before checking the length
// it allocates for, and none panics on any input.
//
// The limits are constants, not configuration: strings, binaries and names are at most MaxStringLen
// (64 MiB) bytes; a container holds at most as many elements as there are bytes left; Skip follows
// structs and containers at most MaxDepth (64) levels deep.
//
// Skip is reflection-free and allocation-free; SkipMessage measures a whole message, which is how a
// Buffered (unframed) transport finds where a message ends.
package thrift
