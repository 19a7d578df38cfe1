package callinfo_test

import (
	"context"
	"testing"

	"github.com/kestrel-rpc/kestrel/callinfo"
)

func BenchmarkNewRelease(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ci := callinfo.New()
		ci.Method = "echo"
		ci.Release()
	}
}

func BenchmarkFromContext(b *testing.B) {
	ci := callinfo.New()
	defer ci.Release()
	ctx := callinfo.NewContext(context.Background(), ci)
	b.ReportAllocs()
	for b.Loop() {
		if callinfo.FromContext(ctx) == nil {
			b.Fatal("nil")
		}
	}
}
