//go:build !race

package bench_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/internal/gentest/bench"
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

// TestReadAllocs holds FastRead to its allocation budget: the Go values it must create and one copy of
// the message for all its strings (thrift.StructArena), no allocation per string.
func TestReadAllocs(t *testing.T) {
	for _, c := range []struct {
		name  string
		v     thrift.FastCodec
		fresh func() thrift.FastCodec
		max   float64
	}{
		// Mixed, arena, the 12-entry map (four: header, directory, table, groups), tags, Address,
		// nickname pointer; before the arena there were 8 more, one per string field and container arena.
		{"Mixed", newMixed(), func() thrift.FastCodec { return new(bench.Mixed) }, 9},
		// Echo and the arena that holds its one string.
		{"Echo", &bench.Echo{Msg: "hello"}, func() thrift.FastCodec { return new(bench.Echo) }, 2},
		// MyTest, Ano, Nums: no strings, no arena.
		{"MyTest", newMyTest(1024), func() thrift.FastCodec { return new(bench.MyTest) }, 3},
	} {
		b := make([]byte, c.v.BLength())
		c.v.FastWrite(b)
		a := testing.AllocsPerRun(100, func() {
			if _, err := c.fresh().FastRead(b); err != nil {
				t.Fatal(err)
			}
		})
		if a > c.max {
			t.Errorf("%s: FastRead allocates %v times, budget %v", c.name, a, c.max)
		}
	}
}
