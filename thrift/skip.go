package thrift

import "encoding/binary"

// binaryFixed is the Binary encoded size of the fixed-size types (0 for the others).
var binaryFixed = [256]int{BOOL: 1, I08: 1, I16: 2, I32: 4, I64: 8, DOUBLE: 8, TUUID: 16}

// Skip returns the encoded size of the value of type t at the start of b, checking it as it goes: a
// length beyond the input, an unknown type or nesting deeper than MaxDepth is an error. It allocates
// nothing and does not recurse beyond MaxDepth. Skip(b, STRUCT) measures a whole struct, STOP included.
func (BinaryProtocol) Skip(b []byte, t TType) (int, error) {
	return skipBinary(b, 0, t, MaxDepth)
}

// SkipMessage returns the size of the whole message at the start of b: header and body struct. A
// Buffered transport uses it to find where a message ends; errors.Is(err, ErrTruncated) then means
// "read more".
func (p BinaryProtocol) SkipMessage(b []byte) (int, error) {
	_, _, _, n, err := p.ReadMessageBeginNocopy(b)
	if err != nil {
		return 0, err
	}
	return skipBinary(b, n, STRUCT, MaxDepth)
}

// skipBinary skips the value of type t at b[off:] and returns the offset after it. Errors carry
// offsets relative to b.
func skipBinary(b []byte, off int, t TType, depth int) (int, error) {
	if sz := binaryFixed[t]; sz != 0 {
		if len(b)-off < sz {
			return 0, errTruncated(proBinary, t.String(), off, sz, len(b)-off)
		}
		return off + sz, nil
	}
	switch t {
	case STRING:
		if len(b)-off < 4 {
			return 0, errTruncated(proBinary, "string length", off, 4, len(b)-off)
		}
		l := int32(binary.BigEndian.Uint32(b[off:]))
		if l < 0 || int(l) > len(b)-off-4 || l > MaxStringLen {
			return 0, errSize(proBinary, "string length", off, int64(l), len(b)-off-4, true)
		}
		return off + 4 + int(l), nil
	case STRUCT:
		if depth == 0 {
			return 0, errDepth(proBinary, off)
		}
		for {
			if off >= len(b) {
				return 0, errTruncated(proBinary, "field header", off, 1, 0)
			}
			ft := TType(b[off])
			if ft == STOP {
				return off + 1, nil
			}
			if len(b)-off < 3 {
				return 0, errTruncated(proBinary, "field header", off, 3, len(b)-off)
			}
			if !validData[ft] {
				return 0, errType(proBinary, "field type", off, byte(ft))
			}
			// Fast paths for the common fields; anything short goes to skipBinary for its error.
			if sz := binaryFixed[ft]; sz != 0 && len(b)-off-3 >= sz {
				off += 3 + sz
				continue
			}
			var err error
			if ft == STRING {
				if off, err = skipStrings(b, off+3, 1); err != nil {
					return 0, err
				}
				continue
			}
			if off, err = skipBinary(b, off+3, ft, depth-1); err != nil {
				return 0, err
			}
		}
	case LIST, SET:
		if depth == 0 {
			return 0, errDepth(proBinary, off)
		}
		what := "list"
		if t == SET {
			what = "set"
		}
		elem, size, n, err := readListHeader(b[off:], what)
		if err != nil {
			return 0, withOffset(err, off)
		}
		off += n
		if sz := binaryFixed[elem]; sz != 0 {
			if size > (len(b)-off)/sz {
				return 0, errTruncated(proBinary, what+" elements", off, size*sz, len(b)-off)
			}
			return off + size*sz, nil
		}
		if elem == STRING {
			return skipStrings(b, off, size)
		}
		for i := 0; i < size; i++ {
			if off, err = skipBinary(b, off, elem, depth-1); err != nil {
				return 0, err
			}
		}
		return off, nil
	case MAP:
		if depth == 0 {
			return 0, errDepth(proBinary, off)
		}
		k, v, size, n, err := Binary.ReadMapBegin(b[off:])
		if err != nil {
			return 0, withOffset(err, off)
		}
		off += n
		if ks, vs := binaryFixed[k], binaryFixed[v]; ks != 0 && vs != 0 {
			if size > (len(b)-off)/(ks+vs) {
				return 0, errTruncated(proBinary, "map entries", off, size*(ks+vs), len(b)-off)
			}
			return off + size*(ks+vs), nil
		}
		if k == STRING && v == STRING {
			return skipStrings(b, off, 2*size)
		}
		for i := 0; i < size; i++ {
			if off, err = skipBinary(b, off, k, depth-1); err != nil {
				return 0, err
			}
			if off, err = skipBinary(b, off, v, depth-1); err != nil {
				return 0, err
			}
		}
		return off, nil
	}
	return 0, errType(proBinary, "value type", off, byte(t))
}

// skipStrings skips n Binary strings at b[off:] and returns the offset after them: the loop of
// skipBinary(STRING) without the calls. A bad length goes to skipBinary for its error.
func skipStrings(b []byte, off, n int) (int, error) {
	for ; n > 0; n-- {
		if len(b)-off < 4 {
			return skipBinary(b, off, STRING, 1)
		}
		l := binary.BigEndian.Uint32(b[off:])
		if l > uint32(len(b)-off-4) || l > MaxStringLen {
			return skipBinary(b, off, STRING, 1)
		}
		off += 4 + int(l)
	}
	return off, nil
}

//go:noinline
func errDepth(proto string, off int) error {
	return newError(proto, "nested value", off, ErrDepth, "deeper than "+itoa(MaxDepth))
}

// compactFixed is the Compact encoded size of the fixed-size types as container elements (0 for the
// others: varints, strings, containers).
var compactFixed = [256]int{BOOL: 1, I08: 1, DOUBLE: 8, TUUID: 16}

// Skip returns the encoded size of the value of type t at the start of b, checking it as it goes (see
// BinaryProtocol.Skip). Skip(b, STRUCT) measures a whole struct, STOP included. Skip(b, BOOL) returns 0:
// a bool field's value lives in its field header, so an unknown bool field has nothing left to skip
// (bool container elements are skipped with their container).
func (CompactProtocol) Skip(b []byte, t TType) (int, error) {
	if t == BOOL {
		return 0, nil
	}
	return skipCompact(b, 0, t, MaxDepth)
}

// SkipMessage returns the size of the whole message at the start of b: header and body struct (see
// BinaryProtocol.SkipMessage).
func (p CompactProtocol) SkipMessage(b []byte) (int, error) {
	_, _, _, n, err := p.ReadMessageBeginNocopy(b)
	if err != nil {
		return 0, err
	}
	return skipCompact(b, n, STRUCT, MaxDepth)
}

// skipCompact skips the value of type t at b[off:] (a BOOL being a 1-byte container element) and
// returns the offset after it. Errors carry offsets relative to b.
func skipCompact(b []byte, off int, t TType, depth int) (int, error) {
	if sz := compactFixed[t]; sz != 0 {
		if len(b)-off < sz {
			return 0, errTruncated(proCompact, t.String(), off, sz, len(b)-off)
		}
		return off + sz, nil
	}
	switch t {
	case I16, I32:
		_, n, err := uvarint32(b, off, t.String())
		return off + n, err
	case I64:
		_, n, err := uvarint64(b, off, "i64")
		return off + n, err
	case STRING:
		l, m, err := compactLen(b[off:], "string length")
		if err != nil {
			return 0, withOffset(err, off)
		}
		return off + m + l, nil
	case STRUCT:
		if depth == 0 {
			return 0, errDepth(proCompact, off)
		}
		for {
			if off >= len(b) {
				return 0, errTruncated(proCompact, "field header", off, 1, 0)
			}
			h := b[off]
			if h == ctStop {
				return off + 1, nil
			}
			ft := fromCompact[h&0x0f]
			if ft == STOP {
				return 0, errType(proCompact, "field type", off, h&0x0f)
			}
			start := off
			off++
			if h>>4 == 0 { // long form: zigzag varint id
				u, n, err := uvarint32(b, off, "field id")
				if err != nil {
					return 0, err
				}
				if v := unzigzag32(u); v != int32(int16(v)) {
					return 0, newError(proCompact, "field id", start+1, ErrBadVarint, itoa(int64(v))+" overflows i16")
				}
				off += n
			}
			if ft == BOOL {
				continue // value in the header
			}
			var err error
			if off, err = skipCompact(b, off, ft, depth-1); err != nil {
				return 0, err
			}
		}
	case LIST, SET:
		if depth == 0 {
			return 0, errDepth(proCompact, off)
		}
		what := "list"
		if t == SET {
			what = "set"
		}
		elem, size, n, err := compactListHeader(b[off:], what)
		if err != nil {
			return 0, withOffset(err, off)
		}
		off += n
		if sz := compactFixed[elem]; sz != 0 {
			if size > (len(b)-off)/sz {
				return 0, errTruncated(proCompact, what+" elements", off, size*sz, len(b)-off)
			}
			return off + size*sz, nil
		}
		for i := 0; i < size; i++ {
			if off, err = skipCompact(b, off, elem, depth-1); err != nil {
				return 0, err
			}
		}
		return off, nil
	case MAP:
		if depth == 0 {
			return 0, errDepth(proCompact, off)
		}
		k, v, size, n, err := Compact.ReadMapBegin(b[off:])
		if err != nil {
			return 0, withOffset(err, off)
		}
		off += n
		if ks, vs := compactFixed[k], compactFixed[v]; ks != 0 && vs != 0 {
			if size > (len(b)-off)/(ks+vs) {
				return 0, errTruncated(proCompact, "map entries", off, size*(ks+vs), len(b)-off)
			}
			return off + size*(ks+vs), nil
		}
		for i := 0; i < size; i++ {
			if off, err = skipCompact(b, off, k, depth-1); err != nil {
				return 0, err
			}
			if off, err = skipCompact(b, off, v, depth-1); err != nil {
				return 0, err
			}
		}
		return off, nil
	}
	return 0, errType(proCompact, "value type", off, byte(t))
}
