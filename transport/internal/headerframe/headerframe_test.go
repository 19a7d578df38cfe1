package headerframe

import (
	"errors"
	"testing"
)

var (
	errTrunc = errors.New("trunc")
	errLarge = errors.New("large")
	errMagic = errors.New("magic")
	errBad   = errors.New("bad")
	testFmt  = Format{Magic: 0x1234, Truncated: errTrunc, TooLarge: errLarge, BadMagic: errMagic, BadHeader: errBad}
)

// frame builds a frame with an area of area bytes and payload bytes of payload.
func frame(area, payload int) []byte {
	b := make([]byte, FixedSize+area+payload)
	testFmt.PutFixed(b, 0xBEEF, -7, area, payload)
	return b
}

func TestRoundTrip(t *testing.T) {
	b := frame(8, 5)
	if n, err := testFmt.FrameLength(b[:PrefixSize], 0); err != nil || n != len(b) {
		t.Fatalf("FrameLength = %d, %v; want %d", n, err, len(b))
	}
	flags, seq, end, err := testFmt.Decode(b)
	if err != nil || flags != 0xBEEF || seq != -7 || end != FixedSize+8 {
		t.Fatalf("Decode = %#x, %d, %d, %v", flags, seq, end, err)
	}
}

func TestErrors(t *testing.T) {
	ok := frame(4, 0)
	topBit := append([]byte(nil), ok...)
	topBit[0] |= 0x80
	zeroArea := append([]byte(nil), ok...)
	zeroArea[12], zeroArea[13] = 0, 0
	bigArea := append([]byte(nil), ok...)
	bigArea[13] = 9
	tests := []struct {
		name string
		b    []byte
		max  int
		want error
	}{
		{"short prefix", ok[:7], 0, errTrunc},
		{"wrong magic", append([]byte{0, 0, 0, 14, 0x10, 0}, ok[6:]...), 0, errMagic},
		{"top bit", topBit, 0, errBad},
		{"over the limit", ok, len(ok) - 1, errLarge},
	}
	for _, tt := range tests {
		if _, err := testFmt.FrameLength(tt.b, tt.max); !errors.Is(err, tt.want) {
			t.Errorf("FrameLength(%s) = %v, want %v", tt.name, err, tt.want)
		}
	}
	small := frame(0, 0)
	if _, err := testFmt.FrameLength(small, 0); !errors.Is(err, errBad) {
		t.Errorf("frame below MinFrameSize: %v", err)
	}
	decodeTests := []struct {
		name string
		b    []byte
		want error
	}{
		{"truncated fixed part", ok[:FixedSize-1], errTrunc},
		{"one byte missing", ok[:len(ok)-1], errTrunc},
		{"trailing byte", append(append([]byte(nil), ok...), 0), errBad},
		{"zero header size", zeroArea, errBad},
		{"area beyond frame", bigArea, errTrunc},
		{"top bit", topBit, errBad},
	}
	for _, tt := range decodeTests {
		if _, _, _, err := testFmt.Decode(tt.b); !errors.Is(err, tt.want) {
			t.Errorf("Decode(%s) = %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := testFmt.CheckPayload(4, MaxFrameSizeLimit); !errors.Is(err, errLarge) {
		t.Errorf("CheckPayload of an unframeable payload: %v", err)
	}
	if err := testFmt.CheckPayload(4, -1); !errors.Is(err, errLarge) {
		t.Errorf("CheckPayload of a negative payload: %v", err)
	}
}

func TestBeginZeroesPadding(t *testing.T) {
	b := make([]byte, 64)
	for i := range b {
		b[i] = 0xAA // a reused, dirty buffer
	}
	got := testFmt.Begin(b, 5, 1, 2, 10)
	if len(got) != HeaderSize(5) || HeaderSize(5) != FixedSize+8 {
		t.Fatalf("Begin returned %d bytes, HeaderSize(5) = %d; want %d", len(got), HeaderSize(5), FixedSize+8)
	}
	if got[FixedSize+4] != 0xAA {
		t.Fatal("Begin touched the info bytes the caller fills")
	}
	for i := FixedSize + 5; i < len(got); i++ {
		if got[i] != 0 {
			t.Fatalf("padding byte %d = %#x, want 0", i, got[i])
		}
	}
	if n, err := testFmt.FrameLength(got, 0); err != nil || n != len(got)+10 {
		t.Fatalf("FrameLength of the begun frame = %d, %v; want %d", n, err, len(got)+10)
	}
}
