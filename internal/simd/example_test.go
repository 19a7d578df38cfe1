package simd_test

import (
	"fmt"

	"github.com/kestrel-rpc/kestrel/internal/simd"
)

func Example() {
	nums := []int64{0x0102030405060708, -1}
	wire := make([]byte, 8*len(nums)) // the codec sizes the destination first
	simd.PutInt64s(wire, nums)
	fmt.Printf("% x\n", wire)

	back := make([]int64, len(wire)/8) // and checks the length it reads
	simd.Int64s(back, wire)
	fmt.Println(back[0] == nums[0], back[1])
	// Output:
	// 01 02 03 04 05 06 07 08 ff ff ff ff ff ff ff ff
	// true -1
}
