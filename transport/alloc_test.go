//go:build !race

package transport_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/transport"
)

func TestDetectAllocs(t *testing.T) {
	for _, in := range [][]byte{binaryMsg(), compactMsg(), frame(binaryMsg()), frame(nonStrictMsg()), header(0x1000, 0),
		[]byte(transport.HTTP2Preface)} {
		if n := testing.AllocsPerRun(100, func() { _, _, _, _ = transport.Detect(in) }); n != 0 {
			t.Errorf("Detect(% x) allocates %v times", in, n)
		}
		buf := linkbuf.NewFromBytes(in)
		if n := testing.AllocsPerRun(100, func() { _, _, _ = transport.Sniff(buf) }); n != 0 {
			t.Errorf("Sniff(% x) allocates %v times", in, n)
		}
	}
}
