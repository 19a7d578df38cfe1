package thrift

import (
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

// BenchmarkListI64 compares the bulk (SIMD) list<i64> path with a per-element WriteI64/ReadI64 loop,
// which is what a naive generator would emit, and with Compact's per-element varints.
func BenchmarkListI64(b *testing.B) {
	for _, size := range benchSizes {
		v := make([]int64, size)
		for i := range v {
			v[i] = int64(i) * 0x01020304
		}
		buf := make([]byte, 5+8*size)
		wire := int64(len(buf))
		b.Run("binary/write/simd/"+sizeName(size), func(b *testing.B) {
			b.SetBytes(wire)
			b.ReportAllocs()
			for b.Loop() {
				sinkN = Binary.WriteI64List(buf, v)
			}
		})
		b.Run("binary/write/loop/"+sizeName(size), func(b *testing.B) {
			b.SetBytes(wire)
			b.ReportAllocs()
			for b.Loop() {
				n := Binary.WriteListBegin(buf, I64, len(v))
				for _, x := range v {
					n += Binary.WriteI64(buf[n:], x)
				}
				sinkN = n
			}
		})
		Binary.WriteI64List(buf, v)
		dst := make([]int64, size)
		b.Run("binary/read/simd/"+sizeName(size), func(b *testing.B) {
			b.SetBytes(wire)
			b.ReportAllocs()
			for b.Loop() {
				dst, sinkN, _ = Binary.ReadI64ListInto(dst, buf)
			}
		})
		b.Run("binary/read/loop/"+sizeName(size), func(b *testing.B) {
			b.SetBytes(wire)
			b.ReportAllocs()
			for b.Loop() {
				_, sz, n, _ := Binary.ReadListBegin(buf)
				dst = dst[:0]
				for range sz {
					x, m, err := Binary.ReadI64(buf[n:])
					if err != nil {
						b.Fatal(err)
					}
					dst = append(dst, x)
					n += m
				}
				sinkN = n
			}
		})
		cbuf := make([]byte, Compact.ListBeginLength(size)+10*size)
		cn := Compact.WriteListBegin(cbuf, I64, size)
		for _, x := range v {
			cn += Compact.WriteI64(cbuf[cn:], x)
		}
		b.Run("compact/write/"+sizeName(size), func(b *testing.B) {
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
		b.Run("compact/read/"+sizeName(size), func(b *testing.B) {
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
