package buffered_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport/buffered"
)

// binaryMsg builds a strict Binary CALL whose args struct holds a string of strLen bytes, an i64, a
// list<i32> of 3 elements and a nested struct.
func binaryMsg(name string, seq int32, strLen int) []byte {
	p := thrift.Binary
	b := make([]byte, 256+len(name)+strLen)
	n := p.WriteMessageBegin(b, name, thrift.CALL, seq)
	n += p.WriteFieldBegin(b[n:], thrift.STRING, 1)
	n += p.WriteString(b[n:], strings.Repeat("s", strLen))
	n += p.WriteFieldBegin(b[n:], thrift.I64, 2)
	n += p.WriteI64(b[n:], -42)
	n += p.WriteFieldBegin(b[n:], thrift.LIST, 3)
	n += p.WriteListBegin(b[n:], thrift.I32, 3)
	for i := range 3 {
		n += p.WriteI32(b[n:], int32(i))
	}
	n += p.WriteFieldBegin(b[n:], thrift.STRUCT, 4)
	n += p.WriteFieldBegin(b[n:], thrift.I32, 1)
	n += p.WriteI32(b[n:], 7)
	n += p.WriteFieldStop(b[n:])
	n += p.WriteFieldStop(b[n:])
	return b[:n]
}

// compactMsg is binaryMsg's message in the Compact protocol.
func compactMsg(name string, seq int32, strLen int) []byte {
	p := thrift.Compact
	b := make([]byte, 256+len(name)+strLen)
	n := p.WriteMessageBegin(b, name, thrift.CALL, seq)
	n += p.WriteFieldBegin(b[n:], thrift.STRING, 1, 0)
	n += p.WriteString(b[n:], strings.Repeat("s", strLen))
	n += p.WriteFieldBegin(b[n:], thrift.I64, 2, 1)
	n += p.WriteI64(b[n:], -42)
	n += p.WriteFieldBegin(b[n:], thrift.LIST, 3, 2)
	n += p.WriteListBegin(b[n:], thrift.I32, 3)
	for i := range 3 {
		n += p.WriteI32(b[n:], int32(i))
	}
	n += p.WriteFieldBegin(b[n:], thrift.STRUCT, 4, 3)
	n += p.WriteFieldBegin(b[n:], thrift.I32, 1, 0)
	n += p.WriteI32(b[n:], 7)
	n += p.WriteFieldStop(b[n:])
	n += p.WriteFieldStop(b[n:])
	return b[:n]
}

type protoCase struct {
	name  string
	proto buffered.Skipper
	msg   func(name string, seq int32, strLen int) []byte
}

var protos = []protoCase{{"binary", thrift.Binary, binaryMsg}, {"compact", thrift.Compact, compactMsg}}

func TestMessageLength(t *testing.T) {
	for _, pc := range protos {
		t.Run(pc.name, func(t *testing.T) {
			m := pc.msg("echo", 1, 10)
			for k := range len(m) {
				if _, err := buffered.MessageLength(m[:k], pc.proto); !errors.Is(err, thrift.ErrTruncated) {
					t.Fatalf("MessageLength(%d of %d bytes) err = %v, want ErrTruncated", k, len(m), err)
				}
			}
			n, err := buffered.MessageLength(append(m, 0xde, 0xad), pc.proto)
			if n != len(m) || err != nil {
				t.Fatalf("MessageLength = %d, %v; want %d", n, err, len(m))
			}
			bad := append([]byte(nil), m...)
			bad[1] ^= 0x07 // break the version
			if _, err := buffered.MessageLength(bad, pc.proto); !errors.Is(err, buffered.ErrBadMessage) ||
				!errors.Is(err, thrift.ErrBadVersion) {
				t.Fatalf("MessageLength(bad version) err = %v", err)
			}
		})
	}
}

// TestReadMessageSplit writes two back-to-back messages into a Buffer split at every byte boundary:
// before the first message is complete ReadMessage fails with ErrNotEnough and consumes nothing.
func TestReadMessageSplit(t *testing.T) {
	for _, pc := range protos {
		for _, strLen := range []int{0, 30, 9000} { // 9000: past InitialPeek, exercises the doubling
			t.Run(fmt.Sprintf("%s/str=%d", pc.name, strLen), func(t *testing.T) {
				m1, m2 := pc.msg("first", 1, strLen), pc.msg("second", 2, 5)
				wire := append(append([]byte(nil), m1...), m2...)
				step := 1
				if strLen > 100 {
					step = 293 // keep the run short; still crosses every doubling boundary
				}
				for k := 0; k <= len(wire); k += step {
					buf := linkbuf.New()
					_, _ = buf.WriteBinary(wire[:k])
					_ = buf.Flush()
					got, err := buffered.ReadMessage(buf, pc.proto, 0)
					if k < len(m1) {
						if !errors.Is(err, linkbuf.ErrNotEnough) || buf.Len() != k {
							t.Fatalf("k=%d: err = %v, Len = %d; want ErrNotEnough, nothing consumed", k, err, buf.Len())
						}
						_, _ = buf.WriteBinary(wire[k:])
						_ = buf.Flush()
						got, err = buffered.ReadMessage(buf, pc.proto, 0)
					}
					if err != nil || !bytes.Equal(got, m1) {
						t.Fatalf("k=%d: first message: %d bytes, %v", k, len(got), err)
					}
					if k == len(wire) || k < len(m1) {
						got, err = buffered.ReadMessage(buf, pc.proto, 0)
						if err != nil || !bytes.Equal(got, m2) {
							t.Fatalf("k=%d: second message: %d bytes, %v", k, len(got), err)
						}
					}
					buf.Free()
				}
			})
		}
	}
}

// connReader imitates a connection's blocking Reader: a Peek or Next of more bytes than have arrived
// waits for the next chunk the client sent. Waiting when the client has sent everything would block
// forever, so it fails the test instead.
type connReader struct {
	*linkbuf.Buffer
	t      *testing.T
	sent   []byte
	chunk  int
	maxAsk int
}

func (c *connReader) wait(n int) {
	c.maxAsk = max(c.maxAsk, n)
	for c.Buffer.Len() < n {
		if len(c.sent) == 0 {
			c.t.Fatalf("asked for %d bytes, only %d will ever arrive: a connection would block forever", n, c.Buffer.Len())
		}
		k := min(c.chunk, len(c.sent))
		_, _ = c.Buffer.WriteBinary(c.sent[:k])
		_ = c.Buffer.Flush()
		c.sent = c.sent[k:]
	}
}

func (c *connReader) Peek(n int) ([]byte, error) { c.wait(n); return c.Buffer.Peek(n) }
func (c *connReader) Next(n int) ([]byte, error) { c.wait(n); return c.Buffer.Next(n) }

func TestReadMessageBlockingReader(t *testing.T) {
	for _, pc := range protos {
		for _, strLen := range []int{0, 5000, 70000} {
			for _, chunk := range []int{1, 7, 1000, 1 << 20} {
				if strLen/chunk > 1000 {
					continue // quadratic by design when bytes trickle in; covered for smaller messages
				}
				t.Run(fmt.Sprintf("%s/str=%d/chunk=%d", pc.name, strLen, chunk), func(t *testing.T) {
					m := pc.msg("echo", 1, strLen)
					c := &connReader{Buffer: linkbuf.New(), t: t, sent: m, chunk: chunk}
					defer c.Free()
					got, err := buffered.ReadMessage(c, pc.proto, 0)
					if err != nil || !bytes.Equal(got, m) {
						t.Fatalf("ReadMessage = %d bytes, %v; want %d", len(got), err, len(m))
					}
					if c.maxAsk > len(m) {
						t.Fatalf("asked for %d bytes of a %d-byte message", c.maxAsk, len(m))
					}
				})
			}
		}
	}
}

func TestReadMessageErrors(t *testing.T) {
	big := binaryMsg("echo", 1, 5000)
	hugeStr := binaryMsg("echo", 1, 0)
	// Claim a 1 MiB string in a short message: the message needs more bytes than will come.
	copy(hugeStr[thrift.Binary.MessageBeginLength("echo")+3:], []byte{0, 0x10, 0, 0})
	tests := []struct {
		name       string
		in         []byte
		proto      buffered.Skipper
		maxMessage int
		err        error
	}{
		{"over limit", big, thrift.Binary, 4096, buffered.ErrTooLarge},
		{"over small limit", big, thrift.Binary, 10, buffered.ErrTooLarge},
		{"limit exactly", big, thrift.Binary, len(big), nil},
		{"claimed string beyond limit", append(hugeStr, make([]byte, 1<<19)...), thrift.Binary, 1 << 19, buffered.ErrTooLarge},
		{"claimed string not arrived", hugeStr, thrift.Binary, 0, linkbuf.ErrNotEnough},
		{"garbage", []byte("GET / HTTP/1.1\r\n\r\n"), thrift.Binary, 0, buffered.ErrBadMessage},
		{"compact as binary", compactMsg("echo", 1, 3), thrift.Binary, 0, buffered.ErrBadMessage},
		{"binary as compact", binaryMsg("echo", 1, 3), thrift.Compact, 0, buffered.ErrBadMessage},
		{"bad field type", append(binaryMsg("x", 1, 0)[:13:13], 0x55, 0, 1, 0), thrift.Binary, 0, thrift.ErrBadType},
		{"empty", nil, thrift.Binary, 0, linkbuf.ErrNotEnough},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := linkbuf.NewFromBytes(tt.in)
			got, err := buffered.ReadMessage(buf, tt.proto, tt.maxMessage)
			if tt.err == nil {
				if err != nil || !bytes.Equal(got, tt.in) {
					t.Fatalf("ReadMessage = %d bytes, %v", len(got), err)
				}
				return
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if buf.Len() != len(tt.in) {
				t.Fatalf("consumed on error: Len %d, want %d", buf.Len(), len(tt.in))
			}
		})
	}
}

func FuzzReadMessage(f *testing.F) {
	f.Add(binaryMsg("echo", 1, 3), false, 0)
	f.Add(compactMsg("echo", 1, 3), true, 0)
	f.Add(binaryMsg("echo", 1, 3000), false, 2000)
	f.Fuzz(func(t *testing.T, in []byte, compact bool, maxMessage int) {
		var proto buffered.Skipper = thrift.Binary
		if compact {
			proto = thrift.Compact
		}
		buf := linkbuf.NewFromBytes(in)
		got, err := buffered.ReadMessage(buf, proto, maxMessage)
		if err != nil {
			if buf.Len() != len(in) {
				t.Fatalf("consumed on error %v", err)
			}
			return
		}
		n, err := buffered.MessageLength(in, proto)
		if err != nil || n != len(got) || !bytes.Equal(got, in[:n]) || buf.Len() != len(in)-n {
			t.Fatalf("ReadMessage = %d bytes; MessageLength = %d, %v", len(got), n, err)
		}
		if maxMessage > 0 && n > maxMessage {
			t.Fatalf("read %d bytes past limit %d", n, maxMessage)
		}
	})
}
