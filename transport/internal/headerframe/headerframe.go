package headerframe

import (
	"encoding/binary"
	"fmt"
)

// Layout constants shared by both formats.
const (
	// PrefixSize is the number of leading bytes Is and FrameLength need: LENGTH and MAGIC+FLAGS.
	PrefixSize = 8
	// FixedSize is the size of the fixed part; the header-info area starts at this offset.
	FixedSize = 14
	// MinFrameSize is the smallest valid frame: the fixed part and a 4-byte header-info area.
	MinFrameSize = FixedSize + 4
	// MaxFrameSizeLimit is the largest frame LENGTH may describe (LENGTH ≤ 0x3FFFFFFF, top bits
	// clear), LENGTH itself included.
	MaxFrameSizeLimit = 0x3FFFFFFF + 4
	// DefaultMaxFrameSize is the limit FrameLength applies when given none: 16 MiB.
	DefaultMaxFrameSize = 16 << 20
)

// Format is one header format: its magic and the sentinels its errors wrap.
type Format struct {
	Magic     uint16
	Truncated error // the bytes end before what they announce
	TooLarge  error // a frame above the limit, or a payload that cannot be framed
	BadMagic  error // the bytes at offset 4 are not Magic
	BadHeader error // a length field contradicting the frame
}

// Is reports whether prefix carries f's magic at offset 4. It needs PrefixSize bytes and returns
// false on fewer.
func (f *Format) Is(prefix []byte) bool {
	return len(prefix) >= PrefixSize && binary.BigEndian.Uint16(prefix[4:]) == f.Magic
}

// FrameLength returns the size of the whole frame that prefix starts, LENGTH included, checked against
// the magic, LENGTH's top bit, MinFrameSize and maxFrameSize (DefaultMaxFrameSize if ≤ 0, never above
// MaxFrameSizeLimit). Nothing is allocated on the strength of the length.
func (f *Format) FrameLength(prefix []byte, maxFrameSize int) (int, error) {
	if len(prefix) < PrefixSize {
		return 0, errorf(f.Truncated, "frame prefix is %d bytes, need %d", len(prefix), PrefixSize)
	}
	if !f.Is(prefix) {
		return 0, f.badMagic(prefix)
	}
	if maxFrameSize <= 0 {
		maxFrameSize = DefaultMaxFrameSize
	}
	maxFrameSize = min(maxFrameSize, MaxFrameSizeLimit)
	length := binary.BigEndian.Uint32(prefix)
	if length&0x80000000 != 0 {
		return 0, errorf(f.BadHeader, "LENGTH %#08x has its top bit set", length)
	}
	size := int(length) + 4
	if size > maxFrameSize {
		return 0, errorf(f.TooLarge, "frame of %d bytes exceeds the limit of %d", size, maxFrameSize)
	}
	if size < MinFrameSize {
		return 0, errorf(f.BadHeader, "frame of %d bytes is below the minimum of %d", size, MinFrameSize)
	}
	return size, nil
}

// Decode checks the fixed part of one complete frame (LENGTH must count exactly the bytes after it)
// and returns its FLAGS, SEQUENCE NUMBER and the offset where the header-info area ends, which is
// where the payload starts. The area itself is frame[FixedSize:areaEnd].
func (f *Format) Decode(frame []byte) (flags uint16, seq int32, areaEnd int, err error) {
	if len(frame) < FixedSize {
		return 0, 0, 0, errorf(f.Truncated, "frame is %d bytes, the fixed header needs %d", len(frame), FixedSize)
	}
	if !f.Is(frame) {
		return 0, 0, 0, f.badMagic(frame)
	}
	length := binary.BigEndian.Uint32(frame)
	if length&0x80000000 != 0 {
		return 0, 0, 0, errorf(f.BadHeader, "LENGTH %#08x has its top bit set", length)
	}
	if follow := len(frame) - 4; int(length) != follow {
		if int(length) > follow {
			return 0, 0, 0, errorf(f.Truncated, "LENGTH says %d bytes follow, frame has %d", length, follow)
		}
		return 0, 0, 0, errorf(f.BadHeader, "LENGTH says %d bytes follow, frame has %d (pass exactly one frame)", length, follow)
	}
	areaSize := int(binary.BigEndian.Uint16(frame[12:])) * 4
	if areaSize == 0 {
		return 0, 0, 0, errorf(f.BadHeader, "HEADER SIZE is 0, need at least 1 (4 bytes)")
	}
	areaEnd = FixedSize + areaSize
	if areaEnd > len(frame) {
		return 0, 0, 0, errorf(f.Truncated, "header-info area of %d bytes at offset %d exceeds the %d-byte frame",
			areaSize, FixedSize, len(frame))
	}
	return binary.BigEndian.Uint16(frame[6:]), int32(binary.BigEndian.Uint32(frame[8:])), areaEnd, nil
}

// HeaderSize returns the bytes of the fixed part plus a header-info area of info bytes padded to a
// multiple of 4: where the payload starts.
func HeaderSize(info int) int { return FixedSize + (info+3)&^3 }

// Begin starts a frame in b whose header-info area holds info bytes (padded to 4) and whose payload is
// payloadLen bytes: it checks that they can be framed (panicking otherwise, since a wrong LENGTH would
// corrupt the connection), writes the fixed part and returns b[:HeaderSize(info)] with the padding
// zeroed, for the caller to fill the area from offset FixedSize.
func (f *Format) Begin(b []byte, info int, flags uint16, seq int32, payloadLen int) []byte {
	area := (info + 3) &^ 3
	if err := f.CheckPayload(area, payloadLen); err != nil {
		panic(err)
	}
	b = b[:FixedSize+area]
	f.PutFixed(b, flags, seq, area, payloadLen)
	clear(b[FixedSize+info:])
	return b
}

// CheckPayload returns an error wrapping TooLarge if a header-info area of area bytes (a multiple of
// 4) and a payload of payloadLen bytes cannot form one frame.
func (f *Format) CheckPayload(area, payloadLen int) error {
	if payloadLen < 0 || payloadLen > MaxFrameSizeLimit-FixedSize-area {
		return errorf(f.TooLarge, "payload of %d bytes cannot be framed", payloadLen)
	}
	return nil
}

// PutFixed writes the fixed part into b[:FixedSize] for a header-info area of area bytes (a multiple of
// 4, at most 4×0xFFFF) followed by payloadLen bytes; CheckPayload must have accepted them.
func (f *Format) PutFixed(b []byte, flags uint16, seq int32, area, payloadLen int) {
	_ = b[FixedSize-1]
	binary.BigEndian.PutUint32(b, uint32(FixedSize+area-4+payloadLen))
	binary.BigEndian.PutUint16(b[4:], f.Magic)
	binary.BigEndian.PutUint16(b[6:], flags)
	binary.BigEndian.PutUint32(b[8:], uint32(seq))
	binary.BigEndian.PutUint16(b[12:], uint16(area/4))
}

func (f *Format) badMagic(b []byte) error {
	return errorf(f.BadMagic, "magic %#04x, want %#04x", binary.BigEndian.Uint16(b[4:]), f.Magic)
}

func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
