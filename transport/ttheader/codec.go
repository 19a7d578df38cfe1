package ttheader

import (
	"encoding/binary"

	"github.com/kestrel-rpc/kestrel/internal/unsafex"
	"github.com/kestrel-rpc/kestrel/transport/internal/headerframe"
)

// format is the fixed part of the frame, shared with the other header format.
var format = headerframe.Format{
	Magic: Magic, Truncated: ErrTruncated, TooLarge: ErrTooLarge, BadMagic: ErrBadMagic, BadHeader: ErrBadHeader,
}

// Frame layout constants.
const (
	// Magic is the TTHeader magic, the 16 bits at offset 4 of a frame.
	Magic = 0x1000
	// PrefixSize is the number of leading bytes IsTTHeader and FrameLength need.
	PrefixSize = headerframe.PrefixSize
	// FixedSize is the size of the fixed part of a frame: LENGTH, MAGIC, FLAGS, SEQUENCE NUMBER and
	// HEADER SIZE. The header-info area starts at this offset.
	FixedSize = headerframe.FixedSize
	// MinFrameSize is the smallest valid frame: the fixed part and a 4-byte header-info area.
	MinFrameSize = headerframe.MinFrameSize
	// MaxHeaderInfoSize is the largest header-info area HEADER SIZE (in 4-byte words) can describe.
	MaxHeaderInfoSize = 4 * 0xFFFF
	// MaxFrameSizeLimit is the largest frame the LENGTH field can describe under KiteX's rules
	// (LENGTH ≤ 0x3FFFFFFF), including LENGTH itself.
	MaxFrameSizeLimit = headerframe.MaxFrameSizeLimit
	// DefaultMaxFrameSize is the frame size limit FrameLength applies when given none: 16 MiB.
	DefaultMaxFrameSize = headerframe.DefaultMaxFrameSize
)

// Info block ids.
const (
	infoPadding    = 0x00
	infoKeyValue   = 0x01
	infoIntKeyVal  = 0x10
	infoACLToken   = 0x11
	maxUint16Value = 0xFFFF
)

// IsTTHeader reports whether prefix, the first bytes of a frame, carries the TTHeader magic at offset
// 4. It needs PrefixSize bytes and returns false on fewer.
func IsTTHeader(prefix []byte) bool {
	return format.Is(prefix)
}

// FrameLength returns the size of the whole frame that prefix starts, LENGTH field included, so the
// caller can read exactly that many bytes and pass them to Decode. prefix needs PrefixSize bytes. The
// frame must carry the TTHeader magic, have LENGTH's top bit clear, be at least MinFrameSize bytes
// and at most maxFrameSize bytes (DefaultMaxFrameSize if maxFrameSize ≤ 0; never more than
// MaxFrameSizeLimit). Errors wrap ErrTruncated, ErrBadMagic, ErrTooLarge or ErrBadHeader.
func FrameLength(prefix []byte, maxFrameSize int) (int, error) {
	return format.FrameLength(prefix, maxFrameSize)
}

// Decode parses one complete frame (from the LENGTH field to the end of the payload, exactly) into h
// and returns the payload, a subslice of frame. h is reset first; its slices are reused. The strings
// stored in h alias frame (see Header). Decode does not look into the payload: use PayloadIsFramed
// and PayloadKind for that.
//
// Decode checks every length against the frame before using it, never panics and, once h's slices
// have grown to the frame's needs, does not allocate. Errors wrap ErrTruncated, ErrBadMagic or
// ErrBadHeader; on error h holds whatever was decoded before the fault.
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

// decodeInfo parses the header-info area a (offsets in errors are relative to the frame).
func decodeInfo(a []byte, h *Header) error {
	h.Protocol = ProtocolID(a[0])
	nt := int(a[1])
	i := 2
	if i+nt > len(a) {
		return errorf(ErrTruncated, "%d transform ids at offset %d exceed the header-info area", nt, FixedSize+i)
	}
	h.Transforms = append(h.Transforms, a[i:i+nt]...)
	i += nt
	for i < len(a) {
		id := a[i]
		at := i
		i++
		switch id {
		case infoPadding:
		case infoKeyValue:
			n, err := u16(a, i, "string key-value count")
			if err != nil {
				return err
			}
			i += 2
			// Every entry takes at least 4 bytes: check before growing the slice.
			if n*4 > len(a)-i {
				return errorf(ErrTruncated, "%d string key-value entries at offset %d exceed the header-info area", n, FixedSize+at)
			}
			h.StrInfo = growStr(h.StrInfo, n)
			for range n {
				var k, v string
				if k, i, err = str16(a, i, "string key"); err != nil {
					return err
				}
				if v, i, err = str16(a, i, "string value"); err != nil {
					return err
				}
				h.StrInfo = append(h.StrInfo, StrPair{Key: k, Value: v})
			}
		case infoIntKeyVal:
			n, err := u16(a, i, "int key-value count")
			if err != nil {
				return err
			}
			i += 2
			if n*4 > len(a)-i {
				return errorf(ErrTruncated, "%d int key-value entries at offset %d exceed the header-info area", n, FixedSize+at)
			}
			h.IntInfo = growInt(h.IntInfo, n)
			for range n {
				k, err := u16(a, i, "int key")
				if err != nil {
					return err
				}
				var v string
				if v, i, err = str16(a, i+2, "int value"); err != nil {
					return err
				}
				h.IntInfo = append(h.IntInfo, IntPair{Key: IntKey(k), Value: v})
			}
		case infoACLToken:
			var err error
			if h.ACLToken, i, err = str16(a, i, "ACL token"); err != nil {
				return err
			}
		default:
			return errorf(ErrBadHeader, "unknown info id %#02x at offset %d", id, FixedSize+at)
		}
	}
	return nil
}

func u16(a []byte, i int, what string) (int, error) {
	if i+2 > len(a) {
		return 0, errorf(ErrTruncated, "%s at offset %d: header-info area ends", what, FixedSize+i)
	}
	return int(binary.BigEndian.Uint16(a[i:])), nil
}

func str16(a []byte, i int, what string) (string, int, error) {
	if i+2 > len(a) {
		return "", i, errorf(ErrTruncated, "%s length at offset %d: header-info area ends", what, FixedSize+i)
	}
	n := int(binary.BigEndian.Uint16(a[i:]))
	i += 2
	if n > len(a)-i {
		return "", i, errorf(ErrTruncated, "%s of %d bytes at offset %d exceeds the header-info area", what, n, FixedSize+i)
	}
	return unsafex.BytesToString(a[i : i+n]), i + n, nil
}

func growStr(s []StrPair, n int) []StrPair {
	if cap(s)-len(s) < n {
		s = append(make([]StrPair, 0, len(s)+n), s...)
	}
	return s
}

func growInt(s []IntPair, n int) []IntPair {
	if cap(s)-len(s) < n {
		s = append(make([]IntPair, 0, len(s)+n), s...)
	}
	return s
}

// infoSize is the unpadded size of h's header-info area, or an error if h cannot be encoded.
func infoSize(h *Header) (int, error) {
	if len(h.Transforms) > 0xFF {
		return 0, errorf(ErrTooLarge, "%d transforms, at most 255", len(h.Transforms))
	}
	n := 2 + len(h.Transforms)
	if h.ACLToken != "" {
		if len(h.ACLToken) > maxUint16Value {
			return 0, errorf(ErrTooLarge, "ACL token of %d bytes, at most 65535", len(h.ACLToken))
		}
		n += 3 + len(h.ACLToken)
	}
	if len(h.StrInfo) > 0 {
		if len(h.StrInfo) > maxUint16Value {
			return 0, errorf(ErrTooLarge, "%d string key-value entries, at most 65535", len(h.StrInfo))
		}
		n += 3
		for _, p := range h.StrInfo {
			if len(p.Key) > maxUint16Value || len(p.Value) > maxUint16Value {
				return 0, errorf(ErrTooLarge, "string entry %.32q: key or value over 65535 bytes", p.Key)
			}
			n += 4 + len(p.Key) + len(p.Value)
		}
	}
	if len(h.IntInfo) > 0 {
		if len(h.IntInfo) > maxUint16Value {
			return 0, errorf(ErrTooLarge, "%d int key-value entries, at most 65535", len(h.IntInfo))
		}
		n += 3
		for _, p := range h.IntInfo {
			if len(p.Value) > maxUint16Value {
				return 0, errorf(ErrTooLarge, "int entry %d: value over 65535 bytes", p.Key)
			}
			n += 4 + len(p.Value)
		}
	}
	if n > MaxHeaderInfoSize {
		return 0, errorf(ErrTooLarge, "header-info area of %d bytes, at most %d", n, MaxHeaderInfoSize)
	}
	return n, nil
}

// Size returns the number of bytes Encode writes for h: the fixed part (LENGTH to HEADER SIZE) and the
// header-info area padded to a multiple of 4. The payload follows at that offset. It fails (wrapping
// ErrTooLarge) if h cannot be encoded: a string over 65535 bytes, more than 65535 entries of a kind,
// more than 255 transforms, or a header-info area over MaxHeaderInfoSize bytes.
func Size(h *Header) (int, error) {
	n, err := infoSize(h)
	if err != nil {
		return 0, err
	}
	return headerframe.HeaderSize(n), nil
}

// Encode writes h as the start of a frame whose payload is payloadLen bytes: LENGTH (covering header
// and payload), MAGIC, FLAGS, SEQUENCE NUMBER, HEADER SIZE and the header-info area in KiteX's order
// (ACL token, string key-values, int key-values, zero padding to 4 bytes). It returns n, the number of
// bytes written (equal to Size(h)); the caller writes the payload at b[n:n+payloadLen].
//
// b must hold at least Size(h) bytes, Size(h) must have succeeded, and Size(h)+payloadLen must not
// exceed MaxFrameSizeLimit: Encode panics otherwise, since writing a wrong length would corrupt the
// connection. It does not allocate.
func Encode(b []byte, h *Header, payloadLen int) (n int) {
	info, err := infoSize(h)
	if err != nil {
		panic(err)
	}
	b = format.Begin(b, info, h.Flags, h.SeqID, payloadLen)
	b[14] = byte(h.Protocol)
	b[15] = byte(len(h.Transforms))
	i := 16 + copy(b[16:], h.Transforms)
	if h.ACLToken != "" {
		b[i] = infoACLToken
		i = putStr16(b, i+1, h.ACLToken)
	}
	if len(h.StrInfo) > 0 {
		b[i] = infoKeyValue
		binary.BigEndian.PutUint16(b[i+1:], uint16(len(h.StrInfo)))
		i += 3
		for _, p := range h.StrInfo {
			i = putStr16(b, i, p.Key)
			i = putStr16(b, i, p.Value)
		}
	}
	if len(h.IntInfo) > 0 {
		b[i] = infoIntKeyVal
		binary.BigEndian.PutUint16(b[i+1:], uint16(len(h.IntInfo)))
		i += 3
		for _, p := range h.IntInfo {
			binary.BigEndian.PutUint16(b[i:], uint16(p.Key))
			i = putStr16(b, i+2, p.Value)
		}
	}
	return len(b) // Begin zeroed the padding after the info bytes
}

func putStr16(b []byte, i int, s string) int {
	binary.BigEndian.PutUint16(b[i:], uint16(len(s)))
	return i + 2 + copy(b[i+2:], s)
}
