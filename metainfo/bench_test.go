package metainfo_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/kestrel-rpc/kestrel/metainfo"
)

// BenchmarkHop measures one server hop: receive the caller's values, read one, forward them.
func BenchmarkHop(b *testing.B) {
	for _, n := range []int{0, 1, 2, 8} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			ctx := context.Background()
			for i := range n {
				if i%2 == 0 {
					ctx = metainfo.WithValue(ctx, fmt.Sprint("t", i), "value")
				} else {
					ctx = metainfo.WithPersistentValue(ctx, fmt.Sprint("p", i), "value")
				}
			}
			wire := metainfo.AppendWire(nil, ctx)
			dst := make([]metainfo.Pair, 0, 16)
			b.ReportAllocs()
			for b.Loop() {
				srv := metainfo.FromWire(context.Background(), wire)
				_, _ = metainfo.GetValue(srv, "t0")
				dst = metainfo.AppendWire(dst[:0], srv)
			}
		})
	}
}

func BenchmarkWithValue(b *testing.B) {
	for _, n := range []int{0, 2, 8} {
		b.Run(fmt.Sprintf("existing=%d", n), func(b *testing.B) {
			ctx := context.Background()
			for i := range n {
				ctx = metainfo.WithValue(ctx, fmt.Sprint("k", i), "v")
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = metainfo.WithValue(ctx, "key", "value")
			}
		})
	}
}

func BenchmarkGetValue(b *testing.B) {
	for _, n := range []int{1, 8} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			ctx := context.Background()
			for i := range n {
				ctx = metainfo.WithValue(ctx, fmt.Sprint("k", i), "v")
			}
			ctx = context.WithValue(ctx, otherKey{}, 1) // a context layer above, as in a real call
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := metainfo.GetValue(ctx, "k0"); !ok {
					b.Fatal("missing")
				}
			}
		})
	}
}
