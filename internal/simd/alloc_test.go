//go:build !race

package simd

import "testing"

// TestZeroAllocs asserts that the conversions never allocate: the assembly
// kernels are //go:noescape, so the caller's slices stay where they are.
func TestZeroAllocs(t *testing.T) {
	for _, n := range []int{0, 3, 8, 64, 1024} {
		b := make([]byte, 8*n)
		i64 := make([]int64, n)
		i32 := make([]int32, n)
		tests := []struct {
			name string
			f    func()
		}{
			{"PutInt64s", func() { PutInt64s(b, i64) }},
			{"Int64s", func() { Int64s(i64, b) }},
			{"PutInt32s", func() { PutInt32s(b, i32) }},
			{"Int32s", func() { Int32s(i32, b) }},
		}
		for _, tt := range tests {
			if allocs := testing.AllocsPerRun(100, tt.f); allocs != 0 {
				t.Errorf("%s(n=%d): %v allocs per run, want 0", tt.name, n, allocs)
			}
		}
	}
}
