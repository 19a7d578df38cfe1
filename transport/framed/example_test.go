package framed_test

import (
	"errors"
	"fmt"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/transport/framed"
)

// A client writes a frame with one Malloc; a server reads it with one Next.
func Example() {
	buf := linkbuf.New()
	defer buf.Free()

	msg := []byte("a thrift message")
	p, _ := framed.AppendFrame(buf, len(msg))
	copy(p, msg) // a codec would FastWrite into p
	_ = buf.Flush()

	got, err := framed.ReadFrame(buf, 0)
	fmt.Printf("%q %v\n", got, err)
	_ = buf.Release()

	// A hostile length is refused before anything is allocated for it.
	_, err = framed.ReadFrame(linkbuf.NewFromBytes([]byte{0x7f, 0xff, 0xff, 0xff}), 0)
	fmt.Println(errors.Is(err, framed.ErrTooLarge), err)
	// Output:
	// "a thrift message" <nil>
	// true framed: frame too large: 2147483647 bytes, limit 16777216
}
