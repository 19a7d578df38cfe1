package thrift

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var benchSizes = []int{8, 1024, 131072}

func sizeName(n int) string { return "size=" + strconv.Itoa(n) }

var sinkI64 int64
var sinkStr string
var sinkN int

func BenchmarkI64(b *testing.B) {
	buf := make([]byte, 16)
	b.Run("binary/write", func(b *testing.B) {
		b.SetBytes(8)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			sinkN = Binary.WriteI64(buf, int64(i))
		}
	})
	b.Run("binary/read", func(b *testing.B) {
		Binary.WriteI64(buf, 1<<40)
		b.SetBytes(8)
		b.ReportAllocs()
		for b.Loop() {
			sinkI64, sinkN, _ = Binary.ReadI64(buf)
		}
	})
	b.Run("compact/write", func(b *testing.B) {
		b.SetBytes(int64(Compact.I64Length(1 << 40)))
		b.ReportAllocs()
		for b.Loop() {
			sinkN = Compact.WriteI64(buf, 1<<40)
		}
	})
	b.Run("compact/read", func(b *testing.B) {
		b.SetBytes(int64(Compact.WriteI64(buf, 1<<40)))
		b.ReportAllocs()
		for b.Loop() {
			sinkI64, sinkN, _ = Compact.ReadI64(buf)
		}
	})
}

func BenchmarkString(b *testing.B) {
	for _, size := range benchSizes {
		s := strings.Repeat("k", size)
		buf := make([]byte, size+8)
		b.Run("binary/write/"+sizeName(size), func(b *testing.B) {
			b.SetBytes(int64(Binary.StringLength(s)))
			b.ReportAllocs()
			for b.Loop() {
				sinkN = Binary.WriteString(buf, s)
			}
		})
		b.Run("binary/read/"+sizeName(size), func(b *testing.B) {
			Binary.WriteString(buf, s)
			b.SetBytes(int64(Binary.StringLength(s)))
			b.ReportAllocs()
			for b.Loop() {
				sinkStr, sinkN, _ = Binary.ReadString(buf)
			}
		})
		b.Run("compact/write/"+sizeName(size), func(b *testing.B) {
			b.SetBytes(int64(Compact.StringLength(s)))
			b.ReportAllocs()
			for b.Loop() {
				sinkN = Compact.WriteString(buf, s)
			}
		})
		b.Run("compact/read/"+sizeName(size), func(b *testing.B) {
			Compact.WriteString(buf, s)
			b.SetBytes(int64(Compact.StringLength(s)))
			b.ReportAllocs()
			for b.Loop() {
				sinkStr, sinkN, _ = Compact.ReadString(buf)
			}
		})
	}
}

// listSizes are the list lengths of BenchmarkList: 8 to 64 elements is the range of the issue's
// small-list target, 1024 and 131072 those of DESIGN.md §6.
var listSizes = []int{8, 16, 64, 1024, 131072}

// BenchmarkList compares, for list<i64> and list<i32>, the bulk path that generated code uses
// (impl=simd) with the per-element path it would otherwise use (impl=perelem), on the same bytes:
//
//   - write, simd: WriteListBegin, then WriteI64s/WriteI32s (what kestrel gen emits);
//   - write, perelem: WriteListBegin, then `off += WriteI64(b[off:], e)` per element, the generator's
//     output for a list without the fast path (as for list<i16>); WriteI64 inlines, so this is a tight
//     loop with a bounds check per element, not a call per element;
//   - read, simd: ReadI64ListInto/ReadI32ListInto into a reused slice;
//   - read, perelem: the generator's per-element read, ReadListBegin, the element-type check, then
//     ReadI64/ReadI32 with its error check per element, into the same reused slice.
//
// Reads reuse their slice so that neither side allocates: at 8 elements an allocation would cost
// more than either conversion.
func BenchmarkList(b *testing.B) {
	for _, size := range listSizes {
		v64 := make([]int64, size)
		v32 := make([]int32, size)
		for i := range v64 {
			v64[i] = int64(uint64(i) * 0x9e3779b97f4a7c15)
			v32[i] = int32(i) * -0x61c88647
		}
		buf64 := make([]byte, 5+8*size)
		buf32 := make([]byte, 5+4*size)
		name := func(elem, op, impl string) string {
			return "elem=" + elem + "/op=" + op + "/impl=" + impl + "/" + sizeName(size)
		}
		b.Run(name("i64", "write", "simd"), func(b *testing.B) {
			b.SetBytes(int64(len(buf64)))
			for b.Loop() {
				off := Binary.WriteListBegin(buf64, I64, len(v64))
				off += Binary.WriteI64s(buf64[off:], v64)
				sinkN = off
			}
		})
		b.Run(name("i64", "write", "perelem"), func(b *testing.B) {
			b.SetBytes(int64(len(buf64)))
			for b.Loop() {
				off := Binary.WriteListBegin(buf64, I64, len(v64))
				for _, e := range v64 {
					off += Binary.WriteI64(buf64[off:], e)
				}
				sinkN = off
			}
		})
		b.Run(name("i32", "write", "simd"), func(b *testing.B) {
			b.SetBytes(int64(len(buf32)))
			for b.Loop() {
				off := Binary.WriteListBegin(buf32, I32, len(v32))
				off += Binary.WriteI32s(buf32[off:], v32)
				sinkN = off
			}
		})
		b.Run(name("i32", "write", "perelem"), func(b *testing.B) {
			b.SetBytes(int64(len(buf32)))
			for b.Loop() {
				off := Binary.WriteListBegin(buf32, I32, len(v32))
				for _, e := range v32 {
					off += Binary.WriteI32(buf32[off:], e)
				}
				sinkN = off
			}
		})
		dst64 := make([]int64, size)
		dst32 := make([]int32, size)
		b.Run(name("i64", "read", "simd"), func(b *testing.B) {
			b.SetBytes(int64(len(buf64)))
			for b.Loop() {
				var err error
				if dst64, sinkN, err = Binary.ReadI64ListInto(dst64, buf64); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name("i64", "read", "perelem"), func(b *testing.B) {
			b.SetBytes(int64(len(buf64)))
			for b.Loop() {
				n, err := readI64sPerElem(dst64, buf64)
				if err != nil {
					b.Fatal(err)
				}
				sinkN = n
			}
		})
		b.Run(name("i32", "read", "simd"), func(b *testing.B) {
			b.SetBytes(int64(len(buf32)))
			for b.Loop() {
				var err error
				if dst32, sinkN, err = Binary.ReadI32ListInto(dst32, buf32); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name("i32", "read", "perelem"), func(b *testing.B) {
			b.SetBytes(int64(len(buf32)))
			for b.Loop() {
				n, err := readI32sPerElem(dst32, buf32)
				if err != nil {
					b.Fatal(err)
				}
				sinkN = n
			}
		})
	}
}

// readI64sPerElem is the generator's per-element read of a list<i64> (its output for a list without
// the fast path), decoding into l, which must have the list's length: the benchmark reuses it.
func readI64sPerElem(l []int64, b []byte) (int, error) {
	et, size, n, err := Binary.ReadListBegin(b)
	if err != nil {
		return 0, err
	}
	off := n
	if size > 0 && et != I64 {
		return off, &ProtocolError{Proto: "binary", What: "list element type", Offset: off, Detail: et.String(), Err: ErrBadType}
	}
	l = l[:size]
	for i := range l {
		v, n, err := Binary.ReadI64(b[off:])
		if err != nil {
			return off, err
		}
		off += n
		l[i] = v
	}
	return off, nil
}

// readI32sPerElem is readI64sPerElem for a list<i32>.
func readI32sPerElem(l []int32, b []byte) (int, error) {
	et, size, n, err := Binary.ReadListBegin(b)
	if err != nil {
		return 0, err
	}
	off := n
	if size > 0 && et != I32 {
		return off, &ProtocolError{Proto: "binary", What: "list element type", Offset: off, Detail: et.String(), Err: ErrBadType}
	}
	l = l[:size]
	for i := range l {
		v, n, err := Binary.ReadI32(b[off:])
		if err != nil {
			return off, err
		}
		off += n
		l[i] = v
	}
	return off, nil
}

// BenchmarkCompactListI64 is Compact's per-element varint list<i64>, for comparison with BenchmarkList.
func BenchmarkCompactListI64(b *testing.B) {
	for _, size := range []int{8, 1024, 131072} {
		v := make([]int64, size)
		for i := range v {
			v[i] = int64(i) * 0x01020304
		}
		dst := make([]int64, size)
		cbuf := make([]byte, Compact.ListBeginLength(size)+10*size)
		cn := Compact.WriteListBegin(cbuf, I64, size)
		for _, x := range v {
			cn += Compact.WriteI64(cbuf[cn:], x)
		}
		b.Run("write/"+sizeName(size), func(b *testing.B) {
			b.SetBytes(int64(cn))
			b.ReportAllocs()
			for b.Loop() {
				n := Compact.WriteListBegin(cbuf, I64, len(v))
				for _, x := range v {
					n += Compact.WriteI64(cbuf[n:], x)
				}
				sinkN = n
			}
		})
		b.Run("read/"+sizeName(size), func(b *testing.B) {
			b.SetBytes(int64(cn))
			b.ReportAllocs()
			for b.Loop() {
				_, sz, n, _ := Compact.ReadListBegin(cbuf)
				dst = dst[:0]
				for range sz {
					x, m, err := Compact.ReadI64(cbuf[n:])
					if err != nil {
						b.Fatal(err)
					}
					dst = append(dst, x)
					n += m
				}
				sinkN = n
			}
		})
	}
}

// TestListPerElemBaseline checks that BenchmarkList's per-element baselines compute what the bulk
// paths compute: the same bytes written, the same values read.
func TestListPerElemBaseline(t *testing.T) {
	for _, size := range []int{0, 1, 7, 8, 9, 64, 1000} {
		v64 := make([]int64, size)
		v32 := make([]int32, size)
		for i := range v64 {
			v64[i] = int64(uint64(i+1) * 0x9e3779b97f4a7c15)
			v32[i] = int32(i+1) * -0x61c88647
		}
		bulk, loop := make([]byte, 5+8*size), make([]byte, 5+8*size)
		n := Binary.WriteListBegin(bulk, I64, size)
		n += Binary.WriteI64s(bulk[n:], v64)
		m := Binary.WriteListBegin(loop, I64, size)
		for _, e := range v64 {
			m += Binary.WriteI64(loop[m:], e)
		}
		if n != m || !bytes.Equal(bulk, loop) {
			t.Fatalf("i64 size %d: bulk and per-element writes differ", size)
		}
		got := make([]int64, size)
		if k, err := readI64sPerElem(got, bulk); err != nil || k != n || !slices.Equal(got, v64) {
			t.Fatalf("i64 size %d: per-element read: %d, %v", size, k, err)
		}
		bulk, loop = bulk[:5+4*size], loop[:5+4*size]
		n = Binary.WriteListBegin(bulk, I32, size)
		n += Binary.WriteI32s(bulk[n:], v32)
		m = Binary.WriteListBegin(loop, I32, size)
		for _, e := range v32 {
			m += Binary.WriteI32(loop[m:], e)
		}
		if n != m || !bytes.Equal(bulk, loop) {
			t.Fatalf("i32 size %d: bulk and per-element writes differ", size)
		}
		got32 := make([]int32, size)
		if k, err := readI32sPerElem(got32, bulk); err != nil || k != n || !slices.Equal(got32, v32) {
			t.Fatalf("i32 size %d: per-element read: %d, %v", size, k, err)
		}
	}
}

// BenchmarkSkip measures a nested struct, as Buffered framing and unknown fields do.
func BenchmarkSkip(b *testing.B) {
	n := &node{t: STRUCT, kids: []*node{
		{t: I64, id: 1, i: 12345}, {t: STRING, id: 2, s: strings.Repeat("s", 64)},
		{t: LIST, id: 3, kt: I64, kids: []*node{{t: I64, i: 1}, {t: I64, i: 2}, {t: I64, i: 3}}},
		{t: MAP, id: 4, kt: STRING, vt: STRUCT, kids: []*node{{t: STRING, s: "k"}, {t: STRUCT, kids: []*node{{t: I32, id: 1, i: 7}}}}},
	}}
	for _, sk := range skippers {
		enc := encode(sk.name, n)
		b.Run(sk.name, func(b *testing.B) {
			b.SetBytes(int64(len(enc)))
			b.ReportAllocs()
			for b.Loop() {
				sinkN, _ = sk.skip(enc, STRUCT)
			}
		})
	}
}
