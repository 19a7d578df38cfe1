package codec

import (
	"bytes"
	"os"
	"testing"
)

// TestIDLIsTheFixture: bench.thrift is the code generator's fixture, byte for byte, so the benchmarks
// measure the messages the generator is tested with.
func TestIDLIsTheFixture(t *testing.T) {
	ours, err := os.ReadFile("bench.thrift")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := os.ReadFile("../../internal/gentest/idl/bench.thrift")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours, theirs) {
		t.Fatal("bench.thrift differs from internal/gentest/idl/bench.thrift: copy it, update bench.proto to match, and run `go generate`")
	}
}
