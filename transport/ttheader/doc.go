// Package ttheader encodes and decodes KiteX's TTHeader frames (magic 0x1000) on []byte, byte for
// byte as KiteX writes and reads them. spec.md in this directory describes the format as Kestrel
// implements it.
//
// # Reading
//
// A transport peeks PrefixSize bytes, checks IsTTHeader, asks FrameLength for the whole frame's size,
// reads exactly that many bytes (one Next) and calls Decode, which fills a reused Header and returns
// the payload. Message and PayloadKind then tell the payload's form (with or without the inner
// 4-byte length of TTHeaderFramed, KiteX's default) and encoding (Thrift Binary, Compact or
// Kitex-Protobuf, whose message header DecodeProtobuf parses).
//
// # Writing
//
// Size gives the header's encoded size; the caller allocates Size+payload bytes once (Malloc), Encode
// fills the header and returns where the payload starts. PayloadSize and PutPayloadLength write the
// framed form's inner length; EncodeProtobuf writes a Kitex-Protobuf message header.
//
// # Ownership
//
// Decode does not copy: the strings it stores in a Header alias the frame, and live only as long as
// the frame's bytes. Header.CopyStrings and Header.Clone detach them.
//
// # Errors
//
// Errors wrap one of ErrTruncated, ErrTooLarge, ErrBadMagic, ErrBadHeader and ErrBadPayload (test
// with errors.Is) and say where the fault is. No function panics on any input bytes; Encode and
// EncodeProtobuf panic only on a buffer shorter than the size they were told to fill, or a header
// that Size rejected.
//
// # Concurrency
//
// The functions are safe for concurrent use; a Header is not.
package ttheader
