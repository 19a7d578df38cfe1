package gentesting

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
)

// maxPrefixes bounds how many truncated prefixes the checks try on long encodings.
const maxPrefixes = 600

// prefixes returns the prefix lengths to try for an encoding of n bytes: all of them up to maxPrefixes,
// else the first and last ones and an even spread in between (fewer for encodings over 64 KB).
func prefixes(n int) []int {
	if n <= maxPrefixes {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	edge, middle := 200, 200
	if n > 1<<16 {
		edge, middle = 40, 20 // each try decodes up to n bytes
	}
	var out []int
	for i := 0; i < edge; i++ {
		out = append(out, i, n-1-i)
	}
	step := (n - 2*edge) / middle
	for i := edge; i < n-edge; i += step {
		out = append(out, i)
	}
	return out
}

// CheckBinary encodes v with BLength and FastWrite, checks the sizes agree, decodes into fresh() and
// checks the result equals v (reflect.DeepEqual), and checks that every truncated prefix of the
// encoding fails to decode. It returns the encoding.
func CheckBinary(t testing.TB, v thrift.FastCodec, fresh func() thrift.FastCodec) []byte {
	t.Helper()
	n := v.BLength()
	b := make([]byte, n+16)
	for i := range b {
		b[i] = 0xA5 // FastWrite must not leave anything unwritten inside BLength
	}
	w := v.FastWrite(b[:n])
	if w != n {
		t.Fatalf("%T: FastWrite wrote %d bytes, BLength said %d", v, w, n)
	}
	for _, c := range b[n:] {
		if c != 0xA5 {
			t.Fatalf("%T: FastWrite wrote past BLength", v)
		}
	}
	b = b[:n]
	got := fresh()
	r, err := got.FastRead(b)
	if err != nil {
		t.Fatalf("%T: FastRead: %v", v, err)
	}
	if r != n {
		t.Fatalf("%T: FastRead consumed %d of %d bytes", v, r, n)
	}
	if !reflect.DeepEqual(v, got) {
		t.Fatalf("%T: round trip changed the value:\n got %+v\nwant %+v", v, got, v)
	}
	for _, i := range prefixes(n) {
		if _, err := fresh().FastRead(b[:i]); err == nil {
			t.Fatalf("%T: FastRead of a %d-byte prefix of %d bytes succeeded", v, i, n)
		}
	}
	checkAppend(t, v, fresh, b)
	return b
}

// checkAppend checks FastAppend: after a prefix, into a slice too short (so that it grows, once or
// entry by entry) and into one with room to spare (so that it must not reallocate), it appends
// BLength() bytes, leaves the prefix alone, and they are FastWrite's bytes (want) or decode to v: with
// maps, entries come in another order and the fields holding maps are written last.
func checkAppend(t testing.TB, v thrift.FastCodec, fresh func() thrift.FastCodec, want []byte) {
	t.Helper()
	a, ok := v.(thrift.Appender)
	if !ok {
		t.Fatalf("%T: no FastAppend", v)
	}
	n := len(want)
	prefix := []byte("prefix")
	for _, room := range []int{0, 1, n / 2, n + 64} {
		b := make([]byte, len(prefix), len(prefix)+room)
		copy(b, prefix)
		out := a.FastAppend(b)
		if len(out) != len(prefix)+n {
			t.Fatalf("%T: FastAppend with room for %d appended %d bytes, BLength is %d", v, room, len(out)-len(prefix), n)
		}
		if !bytes.Equal(out[:len(prefix)], prefix) {
			t.Fatalf("%T: FastAppend changed the bytes before it", v)
		}
		if room >= n && &out[0] != &b[0] {
			t.Fatalf("%T: FastAppend reallocated with room for %d bytes, needing %d", v, room, n)
		}
		enc := out[len(prefix):]
		if bytes.Equal(enc, want) {
			continue
		}
		got := fresh()
		if r, err := got.FastRead(enc); err != nil || r != n {
			t.Fatalf("%T: FastRead of FastAppend's bytes: %d of %d bytes, %v", v, r, n, err)
		}
		if !reflect.DeepEqual(v, got) {
			t.Fatalf("%T: FastAppend round trip changed the value:\n got %+v\nwant %+v", v, got, v)
		}
	}
}

// CheckCompact is CheckBinary for the Compact codec; v and fresh() must implement thrift.CompactCodec.
func CheckCompact(t testing.TB, v thrift.CompactCodec, fresh func() thrift.CompactCodec) []byte {
	t.Helper()
	n := v.CompactLength()
	b := make([]byte, n+16)
	w := v.CompactWrite(b[:n])
	if w != n {
		t.Fatalf("%T: CompactWrite wrote %d bytes, CompactLength said %d", v, w, n)
	}
	b = b[:n]
	got := fresh()
	r, err := got.CompactRead(b)
	if err != nil {
		t.Fatalf("%T: CompactRead: %v", v, err)
	}
	if r != n {
		t.Fatalf("%T: CompactRead consumed %d of %d bytes", v, r, n)
	}
	if !reflect.DeepEqual(v, got) {
		t.Fatalf("%T: compact round trip changed the value:\n got %+v\nwant %+v", v, got, v)
	}
	for _, i := range prefixes(n) {
		if _, err := fresh().CompactRead(b[:i]); err == nil {
			t.Fatalf("%T: CompactRead of a %d-byte prefix of %d bytes succeeded", v, i, n)
		}
	}
	return b
}

// Codec is what every generated struct implements with the Binary protocol.
type Codec interface {
	thrift.FastCodec
	thrift.NocopyCodec
}

// CheckNocopy writes v with FastWriteNocopy into a real *linkbuf.Buffer, the way a transport does
// (Malloc, write, MallocAck the wire size, Flush), once into a region of BLengthNocopy bytes and once
// into one of BLength bytes, and returns the flushed bytes. When sameBytes is set they must equal
// FastWrite's output; otherwise (maps iterate in random order) they must decode, with fresh(), to a
// value equal to v.
func CheckNocopy(t testing.TB, v Codec, fresh func() thrift.FastCodec, sameBytes bool) []byte {
	t.Helper()
	n := v.BLength()
	if k := v.BLengthNocopy(); k > n || k < 1 {
		t.Fatalf("%T: BLengthNocopy %d, BLength %d", v, k, n)
	}
	checkNocopy(t, v, fresh, sameBytes, n)
	return checkNocopy(t, v, fresh, sameBytes, v.BLengthNocopy())
}

func checkNocopy(t testing.TB, v Codec, fresh func() thrift.FastCodec, sameBytes bool, size int) []byte {
	t.Helper()
	n := v.BLength()
	want := make([]byte, n)
	v.FastWrite(want)

	buf := linkbuf.New()
	if _, err := buf.WriteString("head"); err != nil { // something before the message, like a frame header
		t.Fatal(err)
	}
	before := buf.MallocLen()
	mem, err := buf.Malloc(size)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.FastWriteNocopy(mem, buf); got != n {
		t.Fatalf("%T: FastWriteNocopy returned %d, BLength %d", v, got, n)
	}
	if err := buf.MallocAck(before + n); err != nil {
		t.Fatalf("%T: MallocAck of the wire size after FastWriteNocopy into %d bytes: %v", v, size, err)
	}
	if err := buf.Flush(); err != nil {
		t.Fatal(err)
	}
	all, err := buf.Next(buf.Len())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(all, []byte("head")) || len(all) != 4+n {
		t.Fatalf("%T: linked buffer holds %d bytes, want 4+%d", v, len(all), n)
	}
	got := append([]byte(nil), all[4:]...)
	if err := buf.Release(); err != nil {
		t.Fatal(err)
	}
	if sameBytes {
		if !bytes.Equal(got, want) {
			t.Fatalf("%T: FastWriteNocopy bytes differ from FastWrite's", v)
		}
		return got
	}
	dec := fresh()
	if _, err := dec.FastRead(got); err != nil {
		t.Fatalf("%T: FastRead of FastWriteNocopy output: %v", v, err)
	}
	if !reflect.DeepEqual(v, dec) {
		t.Fatalf("%T: FastWriteNocopy output decodes to a different value", v)
	}
	return got
}
