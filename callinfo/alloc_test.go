//go:build !race

package callinfo_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/callinfo"
)

func TestNewReleaseAllocs(t *testing.T) {
	callinfo.New().Release() // warm the pool
	if n := testing.AllocsPerRun(100, func() {
		ci := callinfo.New()
		ci.Method = "echo"
		ci.Release()
	}); n != 0 {
		t.Fatalf("New+Release allocates %v times", n)
	}
}
