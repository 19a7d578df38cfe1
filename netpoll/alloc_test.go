//go:build !race

package netpoll_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

// TestEchoRoundTripAllocs asserts that a framed echo round trip allocates nothing in steady state, on
// the server side (poller, worker hand-off, handler reads and writes) and on the client side alike:
// AllocsPerRun counts the whole process.
func TestEchoRoundTripAllocs(t *testing.T) {
	for _, network := range networks {
		for _, size := range []int{128, 1 << 10, 16 << 10} {
			t.Run(network+"/size="+sizeName(size), func(t *testing.T) {
				addr, _ := startServer(t, network, framedEchoHandler, netpoll.Options{})
				c := dial(t, network, addr)
				payload := pattern(size, 9)
				for range 200 { // warm the pools and the workers
					if err := roundTrip(c, payload); err != nil {
						t.Fatal(err)
					}
				}
				var err error
				allocs := testing.AllocsPerRun(2000, func() {
					if e := roundTrip(c, payload); e != nil {
						err = e
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				if allocs != 0 {
					t.Fatalf("%.2f allocations per echo round trip, want 0", allocs)
				}
			})
		}
	}
}
