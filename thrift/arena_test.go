package thrift

import (
	"errors"
	"testing"
	"unsafe"
)

func TestStructArena(t *testing.T) {
	body := encode("binary", &node{t: STRUCT, kids: []*node{{t: STRING, id: 1, s: "hello"}, {t: I32, id: 2, i: 7}}})
	big := encode("binary", &node{t: STRUCT, kids: []*node{{t: STRING, id: 1, s: string(make([]byte, ArenaCopyAll))}}})
	trailing := func(b []byte, n int) []byte { return append(append([]byte{}, b...), make([]byte, n)...) }
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"short input is copied whole", trailing(body, 3), string(trailing(body, 3))},
		{"short malformed input is copied whole", body[:len(body)-1], string(body[:len(body)-1])},
		{"empty input", nil, ""},
		{"long input: the struct only", trailing(big, 100), string(big)},
		{"long input, truncated struct", big[:len(big)-1], ""},
		{"long input, bad field type", append([]byte{0x7f, 0, 1}, make([]byte, ArenaCopyAll)...), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Binary.StructArena(tt.in); got != tt.want {
				t.Fatalf("StructArena = %d bytes, want %d", len(got), len(tt.want))
			}
		})
	}
}

func TestArenaAt(t *testing.T) {
	tests := []struct {
		arena string
		off   int
		want  string
	}{
		{"abcdef", 0, "abcdef"},
		{"abcdef", 2, "cdef"},
		{"abcdef", 6, ""},
		{"abcdef", 9, ""},
		{"abcdef", -1, ""},
		{"", 0, ""},
	}
	for _, tt := range tests {
		if got := ArenaAt(tt.arena, tt.off); got != tt.want {
			t.Errorf("ArenaAt(%q, %d) = %q, want %q", tt.arena, tt.off, got, tt.want)
		}
	}
}

func TestReadStringAt(t *testing.T) {
	// Two strings, "ab" at offset 0 and "xyz" at offset 6.
	b := hx(0, 0, 0, 2, "ab", 0, 0, 0, 3, "xyz")
	whole := string(b)
	tests := []struct {
		name    string
		off     int
		arena   string
		base    int
		want    string
		n       int
		aliased bool  // the result is a substring of arena
		err     error // sentinel, or nil
	}{
		{"first, in arena", 0, whole, 0, "ab", 6, true, nil},
		{"second, in arena", 6, whole, 0, "xyz", 7, true, nil},
		{"no arena copies", 6, "", 0, "xyz", 7, false, nil},
		{"arena too short copies", 6, whole[:12], 0, "xyz", 7, false, nil},
		{"arena of the second string", 6, whole[6:], 6, "xyz", 7, true, nil},
		{"arena after the string's start copies", 0, whole[6:], 6, "ab", 6, false, nil},
		{"arena before the string copies", 6, whole[:6], 0, "xyz", 7, false, nil},
		{"truncated length", 11, whole, 0, "", 0, false, ErrTruncated},
		{"off at end", len(b), whole, 0, "", 0, false, ErrTruncated},
		{"off past end", len(b) + 1, whole, 0, "", 0, false, ErrTruncated},
		{"negative off", -1, whole, 0, "", 0, false, ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := Binary.ReadStringAt(b, tt.off, tt.arena, tt.base)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want || n != tt.n {
				t.Fatalf("ReadStringAt = %q, %d, %v; want %q, %d", got, n, err, tt.want, tt.n)
			}
			if in := inside(got, tt.arena); in != tt.aliased {
				t.Fatalf("substring of the arena: %v, want %v", in, tt.aliased)
			}
		})
	}
	// A negative length and one beyond MaxStringLen are refused as ReadString refuses them.
	for _, bad := range [][]byte{hx(0xff, 0xff, 0xff, 0xfe, "ab"), hx(0x7f, 0, 0, 0)} {
		_, _, want := Binary.ReadString(bad)
		if _, _, err := Binary.ReadStringAt(bad, 0, string(bad), 0); err == nil || err.Error() != want.Error() {
			t.Errorf("ReadStringAt(% x) err = %v, want %v", bad, err, want)
		}
	}
}

// inside reports whether s (non-empty) lies in arena's memory.
func inside(s, arena string) bool {
	if s == "" || arena == "" {
		return false
	}
	p, a := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(arena)))
	return p >= a && p < a+uintptr(len(arena))
}

// FuzzReadStringAt: for any input and offset, ReadStringAt with the input's arena (and without one)
// agrees with ReadString on the bytes at the offset, and StructArena is a copy of a prefix of the input
// that covers the struct whenever Skip measures one.
func FuzzReadStringAt(f *testing.F) {
	f.Add(hx(0, 0, 0, 2, "ab", 0, 0, 0, 3, "xyz"), uint8(6))
	f.Add(encode("binary", &node{t: STRUCT, kids: []*node{{t: STRING, id: 1, s: "hello"}}}), uint8(3))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff}, uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, off8 uint8) {
		off := int(off8)
		if off > len(b) {
			off = len(b)
		}
		want, wn, werr := Binary.ReadString(b[off:])
		for _, base := range []int{0, off / 2, off} {
			for _, arena := range []string{string(b[base:]), "", string(b[base : base+(len(b)-base)/2])} {
				got, n, err := Binary.ReadStringAt(b, off, arena, base)
				if got != want || n != wn || (err == nil) != (werr == nil) {
					t.Fatalf("ReadStringAt(%d, arena %d bytes at %d) = %q, %d, %v; ReadString = %q, %d, %v", off, len(arena), base, got, n, err, want, wn, werr)
				}
			}
		}
		a := Binary.StructArena(b)
		if a != string(b[:len(a)]) {
			t.Fatalf("StructArena is not a copy of the start of the input")
		}
		if sn, err := Binary.Skip(b, STRUCT); err == nil && len(a) < sn {
			t.Fatalf("StructArena = %d bytes, Skip measures %d", len(a), sn)
		}
	})
}
