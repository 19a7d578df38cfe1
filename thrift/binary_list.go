package thrift

import (
	"encoding/binary"

	"github.com/kestrel-rpc/kestrel/internal/simd"
)

// WriteI64List writes a list<i64> header and its elements, byte-swapped in bulk: 5 + 8*len(v) bytes.
func (p BinaryProtocol) WriteI64List(b []byte, v []int64) int {
	n := p.WriteListBegin(b, I64, len(v))
	return n + p.WriteI64s(b[n:], v)
}

// WriteI64s writes the elements of a list<i64> or set<i64> without its header, byte-swapped in bulk:
// 8*len(v) bytes. It is small enough to be inlined, so generated code, which writes the header with
// WriteListBegin and then calls it, converts a list with one call, straight into the byte-swap kernel
// (internal/simd); for a short list the calls would cost more than the conversion.
func (BinaryProtocol) WriteI64s(b []byte, v []int64) int {
	simd.PutInt64s(b, v)
	return 8 * len(v)
}

// WriteI32List writes a list<i32> header and its elements, byte-swapped in bulk: 5 + 4*len(v) bytes.
func (p BinaryProtocol) WriteI32List(b []byte, v []int32) int {
	n := p.WriteListBegin(b, I32, len(v))
	return n + p.WriteI32s(b[n:], v)
}

// WriteI32s is WriteI64s for a list<i32> or set<i32>: 4*len(v) bytes.
func (BinaryProtocol) WriteI32s(b []byte, v []int32) int {
	simd.PutInt32s(b, v)
	return 4 * len(v)
}

// ReadI64List reads a list<i64> (or set<i64>) header and its elements into a new slice. The header must
// not have been read already. A non-empty list of another element type is ErrBadType.
func (p BinaryProtocol) ReadI64List(b []byte) ([]int64, int, error) {
	return p.ReadI64ListInto(nil, b)
}

// ReadI64ListInto is ReadI64List reusing dst's capacity when it suffices. The result is never nil, so an
// empty list reads as an empty, non-nil slice.
func (BinaryProtocol) ReadI64ListInto(dst []int64, b []byte) ([]int64, int, error) {
	if len(b) >= 5 {
		size := int(int32(binary.BigEndian.Uint32(b[1:])))
		if uint(size) <= uint(len(b)-5)/8 && (TType(b[0]) == I64 || size == 0) {
			if dst == nil || cap(dst) < size {
				dst = make([]int64, size)
			}
			dst = dst[:size]
			simd.Int64s(dst, b[5:])
			return dst, 5 + 8*size, nil
		}
	}
	return dst[:0], 0, fixedListError(b, I64, 8)
}

// ReadI32List reads a list<i32> (or set<i32>) header and its elements into a new slice. The header must
// not have been read already. A non-empty list of another element type is ErrBadType.
func (p BinaryProtocol) ReadI32List(b []byte) ([]int32, int, error) {
	return p.ReadI32ListInto(nil, b)
}

// ReadI32ListInto is ReadI32List reusing dst's capacity when it suffices. The result is never nil.
func (BinaryProtocol) ReadI32ListInto(dst []int32, b []byte) ([]int32, int, error) {
	if len(b) >= 5 {
		size := int(int32(binary.BigEndian.Uint32(b[1:])))
		if uint(size) <= uint(len(b)-5)/4 && (TType(b[0]) == I32 || size == 0) {
			if dst == nil || cap(dst) < size {
				dst = make([]int32, size)
			}
			dst = dst[:size]
			simd.Int32s(dst, b[5:])
			return dst, 5 + 4*size, nil
		}
	}
	return dst[:0], 0, fixedListError(b, I32, 4)
}

// fixedListError explains why a list/set header of elements of type want, elemSize bytes each, was
// refused: too short, another element type, or a size beyond the bytes that follow.
//
//go:noinline
func fixedListError(b []byte, want TType, elemSize int) error {
	if len(b) < 5 {
		return errTruncated(proBinary, "list header", 0, 5, len(b))
	}
	size := int32(binary.BigEndian.Uint32(b[1:]))
	if TType(b[0]) != want && size != 0 {
		return newError(proBinary, "list element type", 0, ErrBadType,
			"got "+TType(b[0]).String()+", want "+want.String())
	}
	if size >= 0 && int(size) <= len(b)-5 {
		return errTruncated(proBinary, "list elements", 5, int(size)*elemSize, len(b)-5)
	}
	return errSize(proBinary, "list size", 1, int64(size), len(b)-5, false)
}
