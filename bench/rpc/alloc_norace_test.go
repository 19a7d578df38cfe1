//go:build !race

package rpc

import (
	"testing"
)

// TestKestrelCallAllocs prints the allocations of one Kestrel call per side at 1 KB, and checks that the
// split is sound: the raw peers allocate nothing, and client + server account for both. It asserts no
// budget (the benchmark and docs/benchmarks.md report against issue 4's); run it with -v to read them.
func TestKestrelCallAllocs(t *testing.T) {
	for _, kind := range kinds {
		allocs := make(map[string]float64)
		for _, side := range sideNames {
			call := setupSide(t, side, kind, 1024)
			for range 100 {
				if err := call(); err != nil {
					t.Fatal(err)
				}
			}
			allocs[side] = testing.AllocsPerRun(500, func() {
				if err := call(); err != nil {
					panic(err)
				}
			})
		}
		t.Logf("transport=%v size=1KB allocs per call: client %v, server %v, both %v, control %v", kind,
			allocs["client"], allocs["server"], allocs["both"], allocs["none"])
		if allocs["none"] != 0 {
			t.Errorf("%v: the raw peers allocate %v per call: the split does not isolate the sides", kind, allocs["none"])
		}
		if d := allocs["both"] - allocs["client"] - allocs["server"]; d < -1 || d > 1 {
			t.Errorf("%v: client %v + server %v != both %v", kind, allocs["client"], allocs["server"], allocs["both"])
		}
	}
}
