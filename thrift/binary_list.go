package thrift

import "encoding/binary"

// WriteI64List writes a list<i64> header and its elements, byte-swapped in bulk: 5 + 8*len(v) bytes.
func (BinaryProtocol) WriteI64List(b []byte, v []int64) int {
	n := 5 + 8*len(v)
	_ = b[n-1]
	b[0] = byte(I64)
	binary.BigEndian.PutUint32(b[1:], uint32(len(v)))
	putInt64s(b[5:n], v)
	return n
}

// WriteI32List writes a list<i32> header and its elements, byte-swapped in bulk: 5 + 4*len(v) bytes.
func (BinaryProtocol) WriteI32List(b []byte, v []int32) int {
	n := 5 + 4*len(v)
	_ = b[n-1]
	b[0] = byte(I32)
	binary.BigEndian.PutUint32(b[1:], uint32(len(v)))
	putInt32s(b[5:n], v)
	return n
}

// ReadI64List reads a list<i64> (or set<i64>) header and its elements into a new slice. The header must
// not have been read already. A non-empty list of another element type is ErrBadType.
func (p BinaryProtocol) ReadI64List(b []byte) ([]int64, int, error) {
	return p.ReadI64ListInto(nil, b)
}

// ReadI64ListInto is ReadI64List reusing dst's capacity when it suffices. The result is never nil, so an
// empty list reads as an empty, non-nil slice.
func (BinaryProtocol) ReadI64ListInto(dst []int64, b []byte) ([]int64, int, error) {
	size, err := fixedListHeader(b, I64, 8)
	if err != nil {
		return dst[:0], 0, err
	}
	if dst == nil || cap(dst) < size {
		dst = make([]int64, size)
	}
	dst = dst[:size]
	int64s(dst, b[5:])
	return dst, 5 + 8*size, nil
}

// ReadI32List reads a list<i32> (or set<i32>) header and its elements into a new slice. The header must
// not have been read already. A non-empty list of another element type is ErrBadType.
func (p BinaryProtocol) ReadI32List(b []byte) ([]int32, int, error) {
	return p.ReadI32ListInto(nil, b)
}

// ReadI32ListInto is ReadI32List reusing dst's capacity when it suffices. The result is never nil.
func (BinaryProtocol) ReadI32ListInto(dst []int32, b []byte) ([]int32, int, error) {
	size, err := fixedListHeader(b, I32, 4)
	if err != nil {
		return dst[:0], 0, err
	}
	if dst == nil || cap(dst) < size {
		dst = make([]int32, size)
	}
	dst = dst[:size]
	int32s(dst, b[5:])
	return dst, 5 + 4*size, nil
}

// fixedListHeader checks a list/set header of elements of type want, elemSize bytes each, against the
// bytes that follow it, and returns the size.
func fixedListHeader(b []byte, want TType, elemSize int) (int, error) {
	if len(b) < 5 {
		return 0, errTruncated(proBinary, "list header", 0, 5, len(b))
	}
	size := int32(binary.BigEndian.Uint32(b[1:]))
	if TType(b[0]) != want && size != 0 {
		return 0, newError(proBinary, "list element type", 0, ErrBadType,
			"got "+TType(b[0]).String()+", want "+want.String())
	}
	if size < 0 || int(size) > (len(b)-5)/elemSize {
		if size >= 0 && int(size) <= len(b)-5 {
			return 0, errTruncated(proBinary, "list elements", 5, int(size)*elemSize, len(b)-5)
		}
		return 0, errSize(proBinary, "list size", 1, int64(size), len(b)-5, false)
	}
	return int(size), nil
}
