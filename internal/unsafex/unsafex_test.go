package unsafex

import (
	"testing"
	"unsafe"
)

func TestRoundTripSharesMemory(t *testing.T) {
	b := []byte("kestrel")
	s := BytesToString(b)
	if s != "kestrel" {
		t.Fatalf("BytesToString = %q", s)
	}
	if unsafe.StringData(s) != &b[0] {
		t.Fatal("BytesToString copied")
	}
	back := StringToBytes(s)
	if string(back) != "kestrel" || &back[0] != &b[0] || cap(back) != len(s) {
		t.Fatalf("StringToBytes = %q (cap %d), shares=%v", back, cap(back), &back[0] == &b[0])
	}
}

func TestEmpty(t *testing.T) {
	if BytesToString(nil) != "" || BytesToString([]byte{}) != "" {
		t.Fatal("empty slice must give empty string")
	}
	if StringToBytes("") != nil {
		t.Fatal("empty string must give nil slice")
	}
}

func TestZeroAllocs(t *testing.T) {
	b := []byte("no allocation here")
	var sink string
	if n := testing.AllocsPerRun(100, func() { sink = BytesToString(b) }); n != 0 {
		t.Fatalf("BytesToString allocs = %v", n)
	}
	_ = sink
}
