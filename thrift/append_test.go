package thrift_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/kestrel-rpc/kestrel/thrift"
)

func TestGrow(t *testing.T) {
	for _, tc := range []struct{ len, cap, off, n int }{
		{0, 0, 0, 0}, {0, 0, 0, 10}, {5, 5, 5, 1}, {5, 16, 5, 11}, {5, 16, 5, 12}, {5, 16, 3, 13}, {8, 64, 8, 1000},
	} {
		b := make([]byte, tc.len, tc.cap)
		for i := range b {
			b[i] = byte(i + 1)
		}
		g := thrift.Grow(b, tc.off, tc.n)
		if len(g) != cap(g) || len(g) < tc.off+tc.n {
			t.Errorf("%+v: len %d cap %d, want len = cap >= %d", tc, len(g), cap(g), tc.off+tc.n)
		}
		if !bytes.Equal(g[:tc.off], b[:tc.off]) {
			t.Errorf("%+v: the first off bytes changed", tc)
		}
		reused := tc.cap > 0 && &g[0] == &b[:1][0]
		if fits := tc.off+tc.n <= tc.cap; fits != reused && tc.cap > 0 {
			t.Errorf("%+v: reused the array %v, want %v", tc, reused, fits)
		}
	}
}

func TestGrowAmortized(t *testing.T) {
	var b []byte
	reallocs := 0
	for i := range 1 << 16 {
		g := thrift.Grow(b, i, 1)
		if cap(g) != cap(b) {
			reallocs++
		}
		g[i] = byte(i)
		b = g[:i+1]
	}
	if reallocs > 40 {
		t.Errorf("%d reallocations for 65536 one-byte appends", reallocs)
	}
	for i, c := range b {
		if c != byte(i) {
			t.Fatalf("byte %d is %d", i, c)
		}
	}
}

func ExampleGrow() {
	// What generated FastAppend does for one string: grow by its size, write, cut to what was written.
	b := []byte("head")
	off := len(b)
	b = thrift.Grow(b, off, thrift.Binary.StringLength("hi"))
	off += thrift.Binary.WriteString(b[off:], "hi")
	fmt.Printf("% x\n", b[:off])
	// Output: 68 65 61 64 00 00 00 02 68 69
}
