// Package theader encodes and decodes Apache Thrift's THeader frames (magic 0x0FFF), as written by
// Apache Thrift's THeaderTransport (doc/specs/HeaderFormat.md) and fbthrift header clients, on []byte.
// It is the sibling of package ttheader: KiteX's TTHeader grew from THeader but uses fixed-width fields
// instead of varints, so the two are separate codecs told apart by their magic at offset 4.
//
// # Frame
//
//	LENGTH(4) MAGIC 0x0FFF(2) FLAGS(2) SEQUENCE NUMBER(4) HEADER SIZE/4(2)
//	varint32 PROTOCOL ID, varint32 NUM TRANSFORMS, NUM TRANSFORMS × varint32 transform id,
//	info blocks: varint32 id; id 1 (INFO_KEYVALUE) is a varint32 count of (varint-length key,
//	varint-length value) pairs; the first other id (the zero padding included) ends the header,
//	zero padding to a multiple of 4, then the payload.
//
// # Reading and writing
//
// Reading: FrameLength on the first PrefixSize bytes, read the frame, Decode into a reused Header,
// then Untransform the payload (a no-op without transforms; zlib is inflated, bounded by a size limit).
// Writing: Transform the message (a copy without transforms; skip it then), Size, one allocation for
// header and payload, Encode, copy the payload after the header.
//
// # Ownership
//
// Decode does not copy: Header.Info strings alias the frame. Header.CopyStrings and Header.Clone
// detach them. Untransform returns the payload itself when there is nothing to undo.
//
// # Errors
//
// Errors wrap one of ErrTruncated, ErrTooLarge, ErrBadMagic, ErrBadHeader, ErrUnsupportedTransform and
// ErrBadPayload (test with errors.Is). No function panics on any input bytes; Encode panics only on a
// buffer shorter than Size or a header Size rejected.
//
// # Concurrency
//
// The functions are safe for concurrent use; a Header is not.
package theader
