package theader_test

import (
	"fmt"

	"github.com/kestrel-rpc/kestrel/transport/theader"
)

// A server reads an Apache Thrift THeader request with one string header.
func Example() {
	frame := []byte{
		0x00, 0x00, 0x00, 0x1B, // LENGTH 27
		0x0F, 0xFF, 0x00, 0x00, // MAGIC, FLAGS
		0x00, 0x00, 0x00, 0x01, // SEQUENCE NUMBER
		0x00, 0x02, // HEADER SIZE: 8 bytes
		0x02, 0x00, // varint PROTOCOL ID (Compact), no transforms
		0x01, 0x01, 0x01, 'k', 0x01, 'v', // INFO_KEYVALUE: k=v
		0x82, 0x21, 0x01, 0x04, 'E', 'c', 'h', 'o', 0x00, // Compact CALL Echo
	}
	n, err := theader.FrameLength(frame, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	var h theader.Header
	payload, err := theader.Decode(frame[:n], &h)
	if err != nil {
		fmt.Println(err)
		return
	}
	msg, err := theader.Untransform(nil, &h, payload, 0) // no transforms: msg is payload
	v, _ := h.Get("k")
	fmt.Println(n, h.Protocol == theader.ProtocolCompact, v, len(msg), err)
	// Output: 31 true v 9 <nil>
}

// A zlib-compressed reply: transform the message first, then size and write the header.
func ExampleTransform() {
	msg := []byte{0x80, 0x01, 0x00, 0x02, 0, 0, 0, 4, 'E', 'c', 'h', 'o', 0, 0, 0, 1, 0}
	h := theader.Header{SeqID: 1, Transforms: []theader.TransformID{theader.TransformZlib}}
	payload, err := theader.Transform(nil, &h, msg)
	if err != nil {
		fmt.Println(err)
		return
	}
	size, err := theader.Size(&h)
	if err != nil {
		fmt.Println(err)
		return
	}
	frame := make([]byte, size+len(payload))
	copy(frame[theader.Encode(frame, &h, len(payload)):], payload)

	var got theader.Header
	p, _ := theader.Decode(frame, &got)
	back, err := theader.Untransform(nil, &got, p, 0)
	fmt.Println(got.Transforms, string(back[8:12]), err)
	// Output: [1] Echo <nil>
}
