package buffered_test

import (
	"fmt"
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/transport/buffered"
)

func BenchmarkReadMessage(b *testing.B) {
	for _, pc := range protos {
		for _, size := range []struct {
			name string
			n    int
		}{{"size=64B", 32}, {"size=1KB", 1 << 10}, {"size=64KB", 64 << 10}} {
			b.Run(fmt.Sprintf("proto=%s/%s", pc.name, size.name), func(b *testing.B) {
				m := pc.msg("echo", 1, size.n)
				buf := linkbuf.New()
				defer buf.Free()
				b.ReportAllocs()
				b.SetBytes(int64(len(m)))
				for b.Loop() {
					_, _ = buf.WriteBinary(m)
					_ = buf.Flush()
					if _, err := buffered.ReadMessage(buf, pc.proto, 0); err != nil {
						b.Fatal(err)
					}
					_ = buf.Release()
				}
			})
		}
	}
}
