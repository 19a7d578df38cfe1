//go:build !race

package metainfo_test

import (
	"context"
	"testing"

	"github.com/kestrel-rpc/kestrel/metainfo"
)

func TestAllocs(t *testing.T) {
	bg := context.Background()
	one := metainfo.WithValue(bg, "k", "v")
	wire := []metainfo.Pair{{"RPC_TRANSIT_a", "1"}, {"RPC_PERSIST_b", "2"}}
	srv := metainfo.FromWire(bg, wire)
	dst := make([]metainfo.Pair, 0, 8)
	for _, tt := range []struct {
		name string
		max  float64
		f    func()
	}{
		{"WithValue", 2, func() { _ = metainfo.WithValue(one, "k2", "v") }}, // context + wire key
		{"GetValue", 0, func() { _, _ = metainfo.GetValue(srv, "a") }},
		{"GetValue/empty", 0, func() { _, _ = metainfo.GetValue(bg, "a") }},
		{"FromWire/2", 1, func() { _ = metainfo.FromWire(bg, wire) }},
		{"FromWire/none", 0, func() { _ = metainfo.FromWire(bg, nil) }},
		{"AppendWire/forward", 0, func() { _ = metainfo.AppendWire(dst[:0], srv) }},
		{"RangeValues", 0, func() { metainfo.RangeValues(srv, func(k, v string) bool { return true }) }},
	} {
		if n := testing.AllocsPerRun(100, tt.f); n > tt.max {
			t.Errorf("%s allocates %v times, budget %v", tt.name, n, tt.max)
		}
	}
}
