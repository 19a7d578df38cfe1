package buffered_test

import (
	"errors"
	"fmt"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport/buffered"
)

// A server reads unframed Binary messages as they arrive.
func Example() {
	b := make([]byte, thrift.Binary.MessageBeginLength("ping")+1)
	n := thrift.Binary.WriteMessageBegin(b, "ping", thrift.CALL, 1)
	thrift.Binary.WriteFieldStop(b[n:])

	buf := linkbuf.New()
	defer buf.Free()
	_, _ = buf.WriteBinary(b[:10]) // the first bytes arrive
	_ = buf.Flush()
	_, err := buffered.ReadMessage(buf, thrift.Binary, 0)
	fmt.Println("incomplete:", errors.Is(err, linkbuf.ErrNotEnough))

	_, _ = buf.WriteBinary(b[10:]) // the rest arrives
	_ = buf.Flush()
	msg, err := buffered.ReadMessage(buf, thrift.Binary, 0)
	name, _, seq, _, _ := thrift.Binary.ReadMessageBeginNocopy(msg)
	fmt.Println(len(msg), err, name, seq)
	// Output:
	// incomplete: true
	// 17 <nil> ping 1
}
