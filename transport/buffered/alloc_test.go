//go:build !race

package buffered_test

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/transport/buffered"
)

func TestAllocs(t *testing.T) {
	for _, pc := range protos {
		m := pc.msg("echo", 1, 100)
		buf := linkbuf.New()
		n := testing.AllocsPerRun(100, func() {
			_, _ = buf.WriteBinary(m)
			_ = buf.Flush()
			if _, err := buffered.ReadMessage(buf, pc.proto, 0); err != nil {
				panic(err)
			}
			_ = buf.Release()
		})
		buf.Free()
		if n != 0 {
			t.Errorf("%s: ReadMessage allocates %v times", pc.name, n)
		}
	}
}
