//go:build invariants

package callinfo_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/callinfo"
)

func TestDoubleReleasePanics(t *testing.T) {
	ci := callinfo.New()
	ci.Release()
	defer func() {
		if recover() == nil {
			t.Fatal("second Release did not panic")
		}
	}()
	ci.Release()
}
