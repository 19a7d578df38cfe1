package thrift

// Appender is implemented by generated structs: FastAppend appends the value in the Thrift Binary
// protocol to b and returns the extended slice, like protobuf's MarshalAppend. It ranges each map of
// the value once, where BLength and FastWrite range it twice, so it is the faster way to encode into a
// []byte that is reused; the RPC path, which writes into a linked buffer, keeps BLength and FastWrite.
type Appender interface {
	FastAppend(b []byte) []byte
}

// Grow returns b with its first off bytes kept and room for at least n bytes from off: its length is
// its capacity, at least off+n. It reallocates, growing the capacity as append does, only when the
// capacity is short. Generated FastAppend methods call it before each write of known size, then cut
// the result to the bytes written.
func Grow(b []byte, off, n int) []byte {
	if n <= cap(b)-off {
		return b[:cap(b)]
	}
	return growSlow(b, off, n)
}

func growSlow(b []byte, off, n int) []byte {
	b = append(b[:off], make([]byte, n)...)
	return b[:cap(b)]
}
