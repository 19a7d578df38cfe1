//go:build !race

package bench_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/thrift"
)

// TestWriteAllocs asserts that BLength and FastWrite allocate nothing.
func TestWriteAllocs(t *testing.T) {
	for _, c := range []struct {
		name string
		v    thrift.FastCodec
	}{
		{"MyTest", newMyTest(1024)},
		{"Mixed", newMixed()},
		{"Nested", newNested()},
		{"BinaryPayload", newPayload(1 << 10)},
	} {
		buf := make([]byte, c.v.BLength())
		if a := testing.AllocsPerRun(100, func() { c.v.FastWrite(buf[:c.v.BLength()]) }); a != 0 {
			t.Errorf("%s: BLength+FastWrite allocates %v times", c.name, a)
		}
		cc := c.v.(thrift.CompactCodec)
		cbuf := make([]byte, cc.CompactLength())
		if a := testing.AllocsPerRun(100, func() { cc.CompactWrite(cbuf[:cc.CompactLength()]) }); a != 0 {
			t.Errorf("%s: CompactLength+CompactWrite allocates %v times", c.name, a)
		}
	}
}
