package theader

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// cat concatenates bytes, byte slices and strings, so vectors can be written field by field.
func cat(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case int:
			b = append(b, byte(v))
		case byte:
			b = append(b, v)
		case rune:
			b = append(b, byte(v))
		case []byte:
			b = append(b, v...)
		case string:
			b = append(b, v...)
		default:
			panic(fmt.Sprintf("cat: %T", p))
		}
	}
	return b
}

// echoCall is a strict Binary CALL message "Echo", seqID 1, with an empty args struct: 17 bytes.
var echoCall = cat(
	0x80, 0x01, 0x00, 0x01, // version 1, type CALL
	0x00, 0x00, 0x00, 0x04, "Echo", // method name
	0x00, 0x00, 0x00, 0x01, // seqID 1
	0x00, // STOP
)

// compactCall is the same call in Compact: 9 bytes.
var compactCall = cat(0x82, 0x21, 0x01, 0x04, "Echo", 0x00) // id, type CALL|version 1, seqID 1, name, STOP

// zlibEchoCall is echoCall as a zlib stream holding one stored (uncompressed) deflate block, written
// by hand so the vector does not depend on a compressor's choices: 28 bytes.
var zlibEchoCall = cat(
	0x78, 0x01, // zlib header: deflate, 32K window, FCHECK
	0x01,       // BFINAL, BTYPE 00 (stored)
	0x11, 0x00, // LEN 17, little-endian
	0xEE, 0xFF, // NLEN
	echoCall,
	0x13, 0xD0, 0x02, 0x07, // Adler-32 of echoCall, big-endian
)

// apacheBinaryCall is what Apache Thrift Go's THeaderTransport writes for a Binary call with no
// headers: protocol 0, no transforms, two padding bytes.
var apacheBinaryCall = cat(
	0x00, 0x00, 0x00, 0x1F, // LENGTH 31 = 10 + 4 + 17
	0x0F, 0xFF, // MAGIC
	0x00, 0x00, // FLAGS
	0x00, 0x00, 0x00, 0x01, // SEQUENCE NUMBER 1
	0x00, 0x01, // HEADER SIZE 1 word
	0x00,       // varint PROTOCOL ID 0 (Binary)
	0x00,       // varint NUM TRANSFORMS 0
	0x00, 0x00, // padding
	echoCall,
)

// compactWithHeaders carries a Compact call and two string headers; the header area is exactly 24
// bytes, so there is no padding.
var compactWithHeaders = cat(
	0x00, 0x00, 0x00, 0x2B, // LENGTH 43 = 10 + 24 + 9
	0x0F, 0xFF, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x06, // 6 words = 24 bytes
	0x02, // PROTOCOL ID 2 (Compact)
	0x00, // no transforms
	0x01, // INFO_KEYVALUE
	0x02, // 2 entries
	0x03, "foo", 0x03, "bar",
	0x05, "hello", 0x05, "world",
	compactCall,
)

// zlibWithHeader has the zlib transform, one header and a flag set.
var zlibWithHeader = cat(
	0x00, 0x00, 0x00, 0x32, // LENGTH 50 = 10 + 12 + 28
	0x0F, 0xFF, 0x00, 0x01, // MAGIC, FLAGS 1
	0x7F, 0xFF, 0xFF, 0xFF, // SEQUENCE NUMBER MaxInt32
	0x00, 0x03, // 3 words = 12 bytes
	0x00,       // Binary
	0x01, 0x01, // one transform: zlib
	0x01, 0x01, 0x01, "k", 0x01, "v", // INFO_KEYVALUE, 1 entry, k=v
	0x00, 0x00, 0x00, // padding: 9 → 12
	zlibEchoCall,
)

// unknownInfoSkipped has an info block id Apache does not know after a valid one: parsing stops
// there and the rest of the header area is skipped, as Apache does.
var unknownInfoSkipped = cat(
	0x00, 0x00, 0x00, 0x1B, // LENGTH 27 = 10 + 12 + 5
	0x0F, 0xFF, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x09,
	0x00, 0x03,
	0x00, 0x00,
	0x01, 0x01, 0x01, "a", 0x00, // a = ""
	0x02, 0x01, 0x01, 0x7F, // fbthrift's PKEYVALUE (2): skipped, with whatever follows
	0x00, // padding
	"12345",
)

type vector struct {
	name    string
	frame   []byte
	want    *Header
	payload []byte // as on the wire
	msg     []byte // after Untransform
	exact   bool   // Encode(want) reproduces frame byte for byte
}

var vectors = []vector{
	{"apache binary call", apacheBinaryCall, &Header{SeqID: 1}, echoCall, echoCall, true},
	{"compact with headers", compactWithHeaders,
		&Header{SeqID: 1, Protocol: ProtocolCompact, Info: []Pair{{"foo", "bar"}, {"hello", "world"}}},
		compactCall, compactCall, true},
	{"zlib with header", zlibWithHeader,
		&Header{Flags: 1, SeqID: 0x7FFFFFFF, Transforms: []TransformID{TransformZlib}, Info: []Pair{{"k", "v"}}},
		zlibEchoCall, echoCall, true},
	{"unknown info skipped", unknownInfoSkipped, &Header{SeqID: 9, Info: []Pair{{"a", ""}}}, []byte("12345"), []byte("12345"), false},
}

func sameHeader(got, want *Header) error {
	if got.Flags != want.Flags || got.SeqID != want.SeqID || got.Protocol != want.Protocol {
		return fmt.Errorf("fixed fields: got flags=%#x seq=%d proto=%d, want flags=%#x seq=%d proto=%d",
			got.Flags, got.SeqID, got.Protocol, want.Flags, want.SeqID, want.Protocol)
	}
	if !slices.Equal(got.Transforms, want.Transforms) {
		return fmt.Errorf("transforms %v, want %v", got.Transforms, want.Transforms)
	}
	cmp := func(a, b Pair) int {
		switch {
		case a.Key != b.Key && a.Key < b.Key, a.Key == b.Key && a.Value < b.Value:
			return -1
		case a == b:
			return 0
		}
		return 1
	}
	g, w := slices.SortedFunc(slices.Values(got.Info), cmp), slices.SortedFunc(slices.Values(want.Info), cmp)
	if !slices.Equal(g, w) {
		return fmt.Errorf("info %q, want %q", g, w)
	}
	return nil
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			var h Header
			payload, err := Decode(v.frame, &h)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if err := sameHeader(&h, v.want); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(payload, v.payload) {
				t.Fatalf("payload % x, want % x", payload, v.payload)
			}
			msg, err := Untransform(nil, &h, payload, 0)
			if err != nil || !bytes.Equal(msg, v.msg) {
				t.Fatalf("Untransform = % x, %v; want % x", msg, err, v.msg)
			}
			if n, err := FrameLength(v.frame[:PrefixSize], 0); err != nil || n != len(v.frame) {
				t.Fatalf("FrameLength = %d, %v", n, err)
			}
			if !IsTHeader(v.frame) {
				t.Fatal("IsTHeader = false")
			}
			if v.exact {
				size, err := Size(v.want)
				if err != nil {
					t.Fatal(err)
				}
				out := make([]byte, size+len(v.payload))
				if n := Encode(out, v.want, len(v.payload)); n != size {
					t.Fatalf("Encode wrote %d, Size said %d", n, size)
				}
				copy(out[size:], v.payload)
				if !bytes.Equal(out, v.frame) {
					t.Fatalf("Encode(want)\n% x\nwant\n% x", out, v.frame)
				}
			}
		})
	}
}

func TestTruncatedPrefixes(t *testing.T) {
	for _, v := range vectors {
		var h Header
		for n := range len(v.frame) {
			p := v.frame[:n]
			if _, err := Decode(p, &h); !errors.Is(err, ErrTruncated) {
				t.Errorf("%s: prefix %d: err = %v, want ErrTruncated", v.name, n, err)
			}
			if n < FixedSize {
				continue
			}
			patched := bytes.Clone(p)
			patched[0], patched[1], patched[2], patched[3] = 0, 0, byte((n-4)>>8), byte(n-4)
			headerEnd := len(v.frame) - len(v.payload)
			_, err := Decode(patched, &h)
			if n < headerEnd && !errors.Is(err, ErrTruncated) {
				t.Errorf("%s: patched prefix %d: err = %v, want ErrTruncated", v.name, n, err)
			}
			if n >= headerEnd && err != nil {
				t.Errorf("%s: patched prefix %d (shorter payload): %v", v.name, n, err)
			}
		}
	}
	// A zlib payload cut anywhere fails to inflate.
	h := Header{Transforms: []TransformID{TransformZlib}}
	for n := range len(zlibEchoCall) {
		if _, err := Untransform(nil, &h, zlibEchoCall[:n], 0); !errors.Is(err, ErrBadPayload) {
			t.Errorf("zlib prefix %d: %v, want ErrBadPayload", n, err)
		}
	}
}
