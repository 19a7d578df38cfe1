package theader

import (
	"github.com/kestrel-rpc/kestrel/internal/unsafex"
	"github.com/kestrel-rpc/kestrel/transport/internal/headerframe"
)

// format is the fixed part of the frame, shared with the other header format.
var format = headerframe.Format{
	Magic: Magic, Truncated: ErrTruncated, TooLarge: ErrTooLarge, BadMagic: ErrBadMagic, BadHeader: ErrBadHeader,
}

// Frame layout constants.
const (
	// Magic is the THeader magic, the 16 bits at offset 4 of a frame.
	Magic = 0x0FFF
	// PrefixSize is the number of leading bytes IsTHeader and FrameLength need.
	PrefixSize = headerframe.PrefixSize
	// FixedSize is the size of the fixed part of a frame: LENGTH, MAGIC, FLAGS, SEQUENCE NUMBER and
	// HEADER SIZE. The header area starts at this offset.
	FixedSize = headerframe.FixedSize
	// MinFrameSize is the smallest valid frame: the fixed part and a 4-byte header area.
	MinFrameSize = headerframe.MinFrameSize
	// MaxHeaderInfoSize is the largest header area HEADER SIZE (in 4-byte words) can describe.
	MaxHeaderInfoSize = 4 * 0xFFFF
	// MaxFrameSizeLimit is the largest frame Apache Thrift accepts (LENGTH ≤ 0x3FFFFFFF), including
	// LENGTH itself.
	MaxFrameSizeLimit = headerframe.MaxFrameSizeLimit
	// DefaultMaxFrameSize is the frame size limit FrameLength and Untransform apply when given none:
	// 16 MiB.
	DefaultMaxFrameSize = headerframe.DefaultMaxFrameSize
)

// IsTHeader reports whether prefix, the first bytes of a frame, carries the THeader magic at offset
// 4. It needs PrefixSize bytes and returns false on fewer.
func IsTHeader(prefix []byte) bool {
	return format.Is(prefix)
}

// FrameLength returns the size of the whole frame that prefix starts, LENGTH field included. prefix
// needs PrefixSize bytes. The frame must carry the THeader magic, have LENGTH's top bit clear, be at
// least MinFrameSize bytes and at most maxFrameSize bytes (DefaultMaxFrameSize if maxFrameSize ≤ 0;
// never more than MaxFrameSizeLimit). Errors wrap ErrTruncated, ErrBadMagic, ErrTooLarge or
// ErrBadHeader.
func FrameLength(prefix []byte, maxFrameSize int) (int, error) {
	return format.FrameLength(prefix, maxFrameSize)
}

// Decode parses one complete frame (from the LENGTH field to the end of the payload, exactly) into h
// and returns the payload as it is on the wire, a subslice of frame: if h.Transforms is not empty,
// pass it to Untransform to get the message. h is reset first; its slices are reused, and the strings
// stored in h alias frame (see Header).
//
// As in Apache Thrift, the info blocks end at the first block id other than INFO_KEYVALUE (the zero
// padding, or an id this implementation does not know): the rest of the header area is skipped.
//
// Decode checks every length against the frame before using it, never panics and, once h's slices
// have grown to the frame's needs, does not allocate. Errors wrap ErrTruncated, ErrBadMagic or
// ErrBadHeader.
func Decode(frame []byte, h *Header) (payload []byte, err error) {
	h.Reset()
	flags, seq, end, err := format.Decode(frame)
	if err != nil {
		return nil, err
	}
	h.Flags, h.SeqID = flags, seq
	if err := decodeInfo(frame[FixedSize:end], h); err != nil {
		return nil, err
	}
	return frame[end:], nil
}

// uvarint32 reads an unsigned LEB128 varint of at most 5 bytes and 32 bits at a[i:].
func uvarint32(a []byte, i int, what string) (uint32, int, error) {
	if i < len(a) && a[i] < 0x80 { // one byte: every id and most lengths
		return uint32(a[i]), i + 1, nil
	}
	var v uint32
	for s := 0; s < 5; s++ {
		if i >= len(a) {
			return 0, i, errorf(ErrTruncated, "%s at offset %d: header area ends inside a varint", what, FixedSize+i)
		}
		b := a[i]
		i++
		if s == 4 && b > 0x0F {
			return 0, i, errorf(ErrBadHeader, "%s at offset %d: varint exceeds 32 bits", what, FixedSize+i-1)
		}
		v |= uint32(b&0x7F) << (7 * s)
		if b < 0x80 {
			return v, i, nil
		}
	}
	panic("unreachable") // the 5th byte is ≤ 0x0F, so the loop returned
}

func varString(a []byte, i int, what string) (string, int, error) {
	n, i, err := uvarint32(a, i, what)
	if err != nil {
		return "", i, err
	}
	if int64(n) > int64(len(a)-i) {
		return "", i, errorf(ErrTruncated, "%s of %d bytes at offset %d exceeds the header area", what, n, FixedSize+i)
	}
	return unsafex.BytesToString(a[i : i+int(n)]), i + int(n), nil
}

func decodeInfo(a []byte, h *Header) error {
	p, i, err := uvarint32(a, 0, "protocol id")
	if err != nil {
		return err
	}
	h.Protocol = ProtocolID(int32(p))
	nt, i, err := uvarint32(a, i, "transform count")
	if err != nil {
		return err
	}
	if int64(nt) > int64(len(a)-i) { // each id takes at least one byte
		return errorf(ErrTruncated, "%d transform ids at offset %d exceed the header area", nt, FixedSize+i)
	}
	if cap(h.Transforms) < int(nt) {
		h.Transforms = make([]TransformID, 0, nt)
	}
	for range nt {
		var id uint32
		if id, i, err = uvarint32(a, i, "transform id"); err != nil {
			return err
		}
		h.Transforms = append(h.Transforms, TransformID(int32(id)))
	}
	for i < len(a) {
		var id uint32
		if id, i, err = uvarint32(a, i, "info id"); err != nil {
			return err
		}
		if id != InfoKeyValue {
			return nil // padding or an unknown block: Apache skips the rest of the header
		}
		at := i
		var n uint32
		if n, i, err = uvarint32(a, i, "key-value count"); err != nil {
			return err
		}
		if int64(n)*2 > int64(len(a)-i) { // each pair takes at least two bytes
			return errorf(ErrTruncated, "%d key-value entries at offset %d exceed the header area", n, FixedSize+at)
		}
		if cap(h.Info)-len(h.Info) < int(n) {
			h.Info = append(make([]Pair, 0, len(h.Info)+int(n)), h.Info...)
		}
		for range n {
			var k, v string
			if k, i, err = varString(a, i, "key"); err != nil {
				return err
			}
			if v, i, err = varString(a, i, "value"); err != nil {
				return err
			}
			h.Info = append(h.Info, Pair{Key: k, Value: v})
		}
	}
	return nil
}

func uvarintLen(v uint32) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func infoSize(h *Header) (int, error) {
	n := uvarintLen(uint32(h.Protocol)) + uvarintLen(uint32(len(h.Transforms)))
	for _, t := range h.Transforms {
		n += uvarintLen(uint32(t))
	}
	if len(h.Info) > 0 {
		if len(h.Info) > MaxHeaderInfoSize {
			return 0, errorf(ErrTooLarge, "%d key-value entries", len(h.Info))
		}
		n += 1 + uvarintLen(uint32(len(h.Info)))
		for _, p := range h.Info {
			if len(p.Key) > MaxHeaderInfoSize || len(p.Value) > MaxHeaderInfoSize {
				return 0, errorf(ErrTooLarge, "entry %.32q: key or value over %d bytes", p.Key, MaxHeaderInfoSize)
			}
			n += uvarintLen(uint32(len(p.Key))) + len(p.Key) + uvarintLen(uint32(len(p.Value))) + len(p.Value)
		}
	}
	if n > MaxHeaderInfoSize || len(h.Transforms) > MaxHeaderInfoSize {
		return 0, errorf(ErrTooLarge, "header area of %d bytes, at most %d", n, MaxHeaderInfoSize)
	}
	return n, nil
}

// Size returns the number of bytes Encode writes for h: the fixed part (LENGTH to HEADER SIZE) and the
// header area padded to a multiple of 4. The payload follows at that offset. It fails (wrapping
// ErrTooLarge) if the header area would exceed MaxHeaderInfoSize bytes.
func Size(h *Header) (int, error) {
	n, err := infoSize(h)
	if err != nil {
		return 0, err
	}
	return headerframe.HeaderSize(n), nil
}

// Encode writes h as the start of a frame whose payload (as on the wire: after Transform) is
// payloadLen bytes: LENGTH, MAGIC, FLAGS, SEQUENCE NUMBER, HEADER SIZE, then the varint protocol id,
// transform count and ids, one INFO_KEYVALUE block if h.Info is not empty, and zero padding to 4
// bytes, as Apache Thrift writes them. It returns n, the number of bytes written (equal to Size(h));
// the caller writes the payload at b[n:n+payloadLen].
//
// b must hold at least Size(h) bytes, Size(h) must have succeeded, and Size(h)+payloadLen must not
// exceed MaxFrameSizeLimit: Encode panics otherwise. It does not allocate.
func Encode(b []byte, h *Header, payloadLen int) (n int) {
	info, err := infoSize(h)
	if err != nil {
		panic(err)
	}
	b = format.Begin(b, info, h.Flags, h.SeqID, payloadLen)
	i := putUvarint(b, FixedSize, uint32(h.Protocol))
	i = putUvarint(b, i, uint32(len(h.Transforms)))
	for _, t := range h.Transforms {
		i = putUvarint(b, i, uint32(t))
	}
	if len(h.Info) > 0 {
		b[i] = InfoKeyValue
		i = putUvarint(b, i+1, uint32(len(h.Info)))
		for _, p := range h.Info {
			i = putUvarint(b, i, uint32(len(p.Key)))
			i += copy(b[i:], p.Key)
			i = putUvarint(b, i, uint32(len(p.Value)))
			i += copy(b[i:], p.Value)
		}
	}
	return len(b) // Begin zeroed the padding after the info bytes
}

func putUvarint(b []byte, i int, v uint32) int {
	for v >= 0x80 {
		b[i] = byte(v) | 0x80
		v >>= 7
		i++
	}
	b[i] = byte(v)
	return i + 1
}
