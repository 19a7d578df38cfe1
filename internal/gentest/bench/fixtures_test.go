package bench_test

import (
	"strconv"
	"strings"

	"github.com/kestrel-rpc/kestrel/internal/gentest/bench"
)

// newMyTest returns DESIGN.md §6's MyTest with n Nums.
func newMyTest(n int) *bench.MyTest {
	v := &bench.MyTest{Num: 42, Ano: &bench.Ano{Num: 7}, Nums: make([]int64, n)}
	for i := range v.Nums {
		v.Nums[i] = int64(i) * 0x0102030405
	}
	return v
}

// newMixed returns the ~1 KB mixed request.
func newMixed() *bench.Mixed {
	nick := "kes"
	v := &bench.Mixed{
		Id: 1234567890123, Name: "Ada Lovelace", Email: "ada@example.com", Age: 36, Score: 98.25, Active: true,
		Labels:   map[string]string{},
		Tags:     []string{"engineer", "mathematician", "writer", "analyst", "poet"},
		Address:  &bench.Address{Street: "12 St James's Square", City: "London", Country: "United Kingdom", Zip: 10001},
		Nickname: &nick, Status: bench.Status_ACTIVE, CreatedAt: 1700000000000,
		Bio: strings.Repeat("Analytical engines weave algebraic patterns. ", 10),
	}
	for i := 0; i < 12; i++ {
		v.Labels["label-key-"+strconv.Itoa(i)] = "label-value-" + strconv.Itoa(i*i)
	}
	return v
}

// newNested returns the ~20 KB nested struct: 100 items.
func newNested() *bench.Nested {
	v := &bench.Nested{Id: 99, Owner: "warehouse-7", Items: make([]*bench.Item, 100)}
	for i := range v.Items {
		v.Items[i] = &bench.Item{
			Id: int64(i), Name: "item-name-" + strconv.Itoa(i) + "-" + strings.Repeat("x", 120),
			Price: float64(i) * 1.25, Quantity: int32(i * 3), Codes: []int32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		}
	}
	return v
}

func newPayload(n int) *bench.BinaryPayload {
	v := &bench.BinaryPayload{Data: make([]byte, n)}
	for i := range v.Data {
		v.Data[i] = byte(i * 7)
	}
	return v
}
