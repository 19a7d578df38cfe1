package bench_test

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/kestrel-rpc/kestrel/internal/gentest/bench"
)

// TestFastReadArena: FastRead's strings are copies, not views of the input (overwriting the input
// leaves the value intact), and they all lie in one allocation of at most the message's size: the
// struct arena (thrift.StructArena), shared by nested structs and containers.
func TestFastReadArena(t *testing.T) {
	want := newMixed()
	b := make([]byte, want.BLength())
	want.FastWrite(b)
	got := new(bench.Mixed)
	if _, err := got.FastRead(b); err != nil {
		t.Fatal(err)
	}
	in := uintptr(unsafe.Pointer(&b[0]))
	var strs []string
	strs = append(strs, got.Name, got.Email, got.Bio, *got.Nickname, got.Address.Street, got.Address.City, got.Address.Country)
	strs = append(strs, got.Tags...)
	for k, v := range got.Labels {
		strs = append(strs, k, v)
	}
	lo, hi := ^uintptr(0), uintptr(0)
	for _, s := range strs {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		if p >= in && p < in+uintptr(len(b)) {
			t.Fatalf("%q aliases the input", s)
		}
		lo, hi = min(lo, p), max(hi, p+uintptr(len(s)))
	}
	if hi-lo > uintptr(len(b)) {
		t.Errorf("the strings span %d bytes, more than the %d-byte message: not one arena", hi-lo, len(b))
	}
	clear(b)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded value changed with the input or differs: %+v", got)
	}
}
