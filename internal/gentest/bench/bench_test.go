package bench_test

import (
	"strconv"
	"testing"

	"github.com/kestrel-rpc/kestrel/internal/gentest/bench"
	"github.com/kestrel-rpc/kestrel/internal/gentest/gentesting"
	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
)

func TestFixtureSizes(t *testing.T) {
	if n := newMixed().BLength(); n < 800 || n > 1300 {
		t.Errorf("mixed is %d bytes, want about 1 KB", n)
	}
	if n := newNested().BLength(); n < 18<<10 || n > 23<<10 {
		t.Errorf("nested is %d bytes, want about 20 KB", n)
	}
}

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		v    gentesting.Codec
		new  func() thrift.FastCodec
		same bool // no maps: FastWriteNocopy bytes equal FastWrite's
	}{
		{"MyTest/8", newMyTest(8), func() thrift.FastCodec { return bench.NewMyTest() }, true},
		{"MyTest/131072", newMyTest(131072), func() thrift.FastCodec { return bench.NewMyTest() }, true},
		{"Mixed", newMixed(), func() thrift.FastCodec { return bench.NewMixed() }, false},
		{"Nested", newNested(), func() thrift.FastCodec { return bench.NewNested() }, true},
		{"BinaryPayload/6B", newPayload(6), func() thrift.FastCodec { return bench.NewBinaryPayload() }, true},
		{"BinaryPayload/64KB", newPayload(64 << 10), func() thrift.FastCodec { return bench.NewBinaryPayload() }, true},
		{"I64List", &bench.I64List{V: []int64{1, -1, 1 << 62}}, func() thrift.FastCodec { return bench.NewI64List() }, true},
		{"I32List", &bench.I32List{V: []int32{1, -1, 1 << 30}}, func() thrift.FastCodec { return bench.NewI32List() }, true},
		{"Echo", &bench.Echo{Msg: "hello"}, func() thrift.FastCodec { return bench.NewEcho() }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gentesting.CheckBinary(t, c.v, c.new)
			gentesting.CheckNocopy(t, c.v, c.new, c.same)
			cc := c.v.(thrift.CompactCodec)
			gentesting.CheckCompact(t, cc, func() thrift.CompactCodec { return c.new().(thrift.CompactCodec) })
		})
	}
}

func TestRandom(t *testing.T) {
	news := []func() gentesting.Codec{
		func() gentesting.Codec { return new(bench.MyTest) },
		func() gentesting.Codec { return new(bench.Mixed) },
		func() gentesting.Codec { return new(bench.Nested) },
		func() gentesting.Codec { return new(bench.BinaryPayload) },
		func() gentesting.Codec { return new(bench.EchoServiceEchoArgs) },
		func() gentesting.Codec { return new(bench.EchoServiceEchoResult) },
	}
	for seed := uint64(0); seed < 100; seed++ {
		f := gentesting.NewFiller(seed)
		for _, nw := range news {
			v := nw()
			f.Fill(v)
			gentesting.CheckBinary(t, v, func() thrift.FastCodec { return nw() })
			gentesting.CheckNocopy(t, v, func() thrift.FastCodec { return nw() }, false)
		}
	}
}

// TestFixedFieldsFirst checks the field order FastWrite promises: Mixed's id (1, i64) then age (4,
// i32) come before name (2, string).
func TestFixedFieldsFirst(t *testing.T) {
	v := newMixed()
	b := make([]byte, v.BLength())
	v.FastWrite(b)
	if b[0] != byte(thrift.I64) || b[1] != 0 || b[2] != 1 {
		t.Fatalf("first field header % x, want I64 id 1", b[:3])
	}
	if b[11] != byte(thrift.I32) || b[13] != 4 {
		t.Fatalf("second field header % x, want I32 id 4", b[11:14])
	}
}

func BenchmarkMyTest(b *testing.B) {
	v := newMyTest(131072)
	benchCodec(b, "size=131072", v, func() thrift.FastCodec { return bench.NewMyTest() })
}

func BenchmarkMixed(b *testing.B) {
	benchCodec(b, "size=1KB", newMixed(), func() thrift.FastCodec { return bench.NewMixed() })
}

func BenchmarkNested(b *testing.B) {
	benchCodec(b, "size=20KB", newNested(), func() thrift.FastCodec { return bench.NewNested() })
}

func benchCodec(b *testing.B, size string, v thrift.FastCodec, fresh func() thrift.FastCodec) {
	n := v.BLength()
	buf := make([]byte, n)
	v.FastWrite(buf)
	b.Run("op=write/"+size, func(b *testing.B) {
		b.SetBytes(int64(n))
		b.ReportAllocs()
		for b.Loop() {
			v.FastWrite(buf[:v.BLength()])
		}
	})
	b.Run("op=read/"+size, func(b *testing.B) {
		b.SetBytes(int64(n))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fresh().FastRead(buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBinaryPayloadNocopy writes a BinaryPayload into a linkbuf.Buffer the way a transport does:
// Malloc(BLength), FastWriteNocopy (a 6 MB payload is linked, not copied), MallocAck, Flush, Release.
func BenchmarkBinaryPayloadNocopy(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
	}{{"size=6B", 6}, {"size=6MB", 6 << 20}} {
		v := newPayload(c.n)
		b.Run("op=nocopy/"+c.name, func(b *testing.B) {
			buf := linkbuf.New()
			b.SetBytes(int64(v.BLength()))
			b.ReportAllocs()
			for b.Loop() {
				writeNocopy(b, buf, v)
			}
		})
		b.Run("op=copy/"+c.name, func(b *testing.B) {
			buf := linkbuf.New()
			b.SetBytes(int64(v.BLength()))
			b.ReportAllocs()
			for b.Loop() {
				writeNocopy(b, buf, v, true)
			}
		})
	}
}

func writeNocopy(b *testing.B, buf *linkbuf.Buffer, v *bench.BinaryPayload, copyIt ...bool) {
	n := v.BLength()
	before := buf.MallocLen()
	mem, err := buf.Malloc(n)
	if err != nil {
		b.Fatal(err)
	}
	if len(copyIt) > 0 {
		v.FastWrite(mem)
	} else {
		v.FastWriteNocopy(mem, buf)
	}
	if err := buf.MallocAck(before + n); err != nil {
		b.Fatal(err)
	}
	if err := buf.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := buf.Skip(buf.Len()); err != nil {
		b.Fatal(err)
	}
	if err := buf.Release(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLists covers DESIGN.md §6's list<i64>/list<i32> of 8, 1024 and 131072 elements (the SIMD
// path).
func BenchmarkLists(b *testing.B) {
	for _, n := range []int{8, 1024, 131072} {
		l64 := &bench.I64List{V: make([]int64, n)}
		l32 := &bench.I32List{V: make([]int32, n)}
		for i := 0; i < n; i++ {
			l64.V[i], l32.V[i] = int64(i)<<20, int32(i)<<4
		}
		size := "size=" + strconv.Itoa(n)
		benchCodec(b, "type=i64/"+size, l64, func() thrift.FastCodec { return bench.NewI64List() })
		benchCodec(b, "type=i32/"+size, l32, func() thrift.FastCodec { return bench.NewI32List() })
	}
}

// BenchmarkCompact is BenchmarkMixed and BenchmarkNested in the Compact protocol (KiteX has none).
func BenchmarkCompact(b *testing.B) {
	for _, c := range []struct {
		name  string
		v     thrift.CompactCodec
		fresh func() thrift.CompactCodec
	}{
		{"type=mixed/size=1KB", newMixed(), func() thrift.CompactCodec { return bench.NewMixed() }},
		{"type=nested/size=20KB", newNested(), func() thrift.CompactCodec { return bench.NewNested() }},
	} {
		n := c.v.CompactLength()
		buf := make([]byte, n)
		c.v.CompactWrite(buf)
		b.Run("op=write/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				c.v.CompactWrite(buf[:c.v.CompactLength()])
			}
		})
		b.Run("op=read/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.fresh().CompactRead(buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
