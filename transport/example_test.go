package transport_test

import (
	"fmt"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/transport"
)

// Detect asks for more bytes until the prefix decides.
func ExampleDetect() {
	stream := []byte{0x00, 0x00, 0x00, 0x11, 0x80, 0x01, 0x00, 0x01} // a Framed strict Binary CALL
	for n := 0; ; {
		kind, proto, need, err := transport.Detect(stream[:n])
		if err != nil {
			fmt.Println(err)
			return
		}
		if need == 0 {
			fmt.Println(n, "bytes:", kind, proto)
			break
		}
		fmt.Println(n, "bytes: need", need)
		n = need
	}
	_, _, _, err := transport.Detect([]byte("GET / HTTP/1.1\r\n"))
	fmt.Println(err)
	// Output:
	// 0 bytes: need 1
	// 1 bytes: need 6
	// 6 bytes: framed binary
	// transport: unknown protocol: bad first byte in first bytes 47
}

// Sniff peeks at a connection's first bytes without consuming them.
func ExampleSniff() {
	buf := linkbuf.NewFromBytes([]byte(transport.HTTP2Preface))
	kind, _, err := transport.Sniff(buf)
	fmt.Println(kind, err, buf.Len())
	// Output: http2 <nil> 24
}
