package transport_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/transport"
)

func BenchmarkSniff(b *testing.B) {
	for _, bc := range []struct {
		name string
		in   []byte
	}{{"kind=framed", frame(binaryMsg())}, {"kind=ttheader", header(0x1000, 0)}, {"kind=buffered", binaryMsg()}} {
		b.Run(bc.name, func(b *testing.B) {
			buf := linkbuf.NewFromBytes(bc.in)
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.in)))
			for b.Loop() {
				if _, _, err := transport.Sniff(buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
