package framed_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/transport/framed"
)

func BenchmarkFrame(b *testing.B) {
	for _, bc := range []struct {
		name string
		size int
	}{{"size=64B", 64}, {"size=1KB", 1 << 10}, {"size=64KB", 64 << 10}} {
		b.Run(bc.name, func(b *testing.B) {
			m := message(bc.size)
			buf := linkbuf.New()
			defer buf.Free()
			b.ReportAllocs()
			b.SetBytes(int64(len(m) + framed.HeaderLen))
			for b.Loop() {
				p, _ := framed.AppendFrame(buf, len(m))
				copy(p, m)
				_ = buf.Flush()
				if _, err := framed.ReadFrame(buf, 0); err != nil {
					b.Fatal(err)
				}
				_ = buf.Release()
			}
		})
	}
}
