//go:build !race

package framed_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/transport/framed"
)

func TestAllocs(t *testing.T) {
	m := message(1000)
	buf := linkbuf.New()
	defer buf.Free()
	n := testing.AllocsPerRun(100, func() {
		p, err := framed.AppendFrame(buf, len(m))
		if err != nil {
			panic(err)
		}
		copy(p, m)
		_ = buf.Flush()
		if _, err := framed.ReadFrame(buf, 0); err != nil {
			panic(err)
		}
		_ = buf.Release()
	})
	if n != 0 {
		t.Fatalf("AppendFrame+ReadFrame allocate %v times", n)
	}
}
