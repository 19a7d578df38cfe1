package ttheader_test

import (
	"fmt"

	"github.com/kestrel-rpc/kestrel/transport/ttheader"
)

// A server reads a KiteX request: size the frame from its first bytes, decode the header, then look
// into the payload.
func Example() {
	frame := []byte{
		0x00, 0x00, 0x00, 0x29, // LENGTH 41
		0x10, 0x00, 0x00, 0x00, // MAGIC, FLAGS
		0x00, 0x00, 0x00, 0x05, // SEQUENCE NUMBER
		0x00, 0x03, // HEADER SIZE: 12 bytes
		0x00, 0x00, // PROTOCOL ID binary, no transforms
		0x10, 0x00, 0x01, 0x00, 0x09, 0x00, 0x02, 'H', 'i', // int key 9 (ToMethod) = "Hi"
		0x00,                   // padding
		0x00, 0x00, 0x00, 0x0F, // inner length (TTHeaderFramed)
		0x80, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 'H', 'i', 0x00, 0x00, 0x00, 0x05, 0x00, // CALL Hi
	}
	if !ttheader.IsTTHeader(frame) {
		return
	}
	n, err := ttheader.FrameLength(frame, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	var h ttheader.Header // reused for every frame of the connection
	payload, err := ttheader.Decode(frame[:n], &h)
	if err != nil {
		fmt.Println(err)
		return
	}
	method, _ := h.Int(ttheader.ToMethod)
	msg, framed := ttheader.Message(payload)
	fmt.Println(n, h.SeqID, method, framed, ttheader.PayloadKind(payload), len(msg))
	// Output: 45 5 Hi true thrift-binary 15
}

// A client writes a request header and a framed payload into one buffer.
func ExampleEncode() {
	msg := []byte{0x80, 0x01, 0x00, 0x01, 0, 0, 0, 2, 'H', 'i', 0, 0, 0, 5, 0}
	h := ttheader.Header{SeqID: 5}
	h.SetInt(ttheader.ToMethod, "Hi")
	h.SetStr(ttheader.PrefixTransient+"tenant", "a")

	size, err := ttheader.Size(&h)
	if err != nil {
		fmt.Println(err)
		return
	}
	payloadLen := ttheader.PayloadSize(len(msg), true)
	buf := make([]byte, size+payloadLen) // in Kestrel: one linkbuf Malloc
	off := ttheader.Encode(buf, &h, payloadLen)
	off += ttheader.PutPayloadLength(buf[off:], len(msg))
	copy(buf[off:], msg)
	fmt.Printf("% x\n", buf[:size])
	// Output: 00 00 00 45 10 00 00 00 00 00 00 05 00 0a 00 00 01 00 01 00 12 52 50 43 5f 54 52 41 4e 53 49 54 5f 74 65 6e 61 6e 74 00 01 61 10 00 01 00 09 00 02 48 69 00 00 00
}

// A Kitex-Protobuf payload is recognised by its magic, whatever the header's protocol id says.
func ExampleDecodeProtobuf() {
	payload := []byte{
		0x00, 0x00, 0x00, 0x10, // inner length 16
		0x90, 0x01, 0x00, 0x02, // magic, REPLY
		0x00, 0x00, 0x00, 0x02, 'H', 'i', // method
		0x00, 0x00, 0x00, 0x05, // seqID
		0x0A, 0x00, // protobuf body
	}
	if ttheader.PayloadKind(payload) == ttheader.KindProtobuf {
		ph, body, err := ttheader.DecodeProtobuf(payload)
		fmt.Println(ph.Type, ph.Method, ph.SeqID, len(body), err)
	}
	// Output: 2 Hi 5 2 <nil>
}
