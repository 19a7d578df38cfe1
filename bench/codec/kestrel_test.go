package codec

import (
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	kthrift "github.com/kestrel-rpc/kestrel/thrift"
)

// kmsg is what kestrel gen generates for every struct: thrift.FastCodec, thrift.NocopyCodec and
// thrift.Appender.
type kmsg interface {
	kthrift.FastCodec
	kthrift.NocopyCodec
	kthrift.Appender
}

func init() {
	codecs = append(codecs,
		codec{"kestrel", kestrelWriter, kestrelReader},
		codec{"kestrel-nocopy", kestrelNocopyWriter, func(testing.TB, *message) func() error { return nil }},
		codec{"kestrel-append", kestrelAppendWriter, func(testing.TB, *message) func() error { return nil }},
	)
}

// kestrelAppendWriter: FastAppend into a reused buffer, the way protobuf's writer here uses
// MarshalAppend: one pass, each map ranged once.
func kestrelAppendWriter(_ testing.TB, m *message) func() error {
	buf := make([]byte, 0, len(m.wire))
	v := m.kestrel
	return func() error {
		buf = v.FastAppend(buf[:0])
		return nil
	}
}

// kestrelWriter: BLength, then FastWrite into a reused buffer.
func kestrelWriter(_ testing.TB, m *message) func() error {
	buf := make([]byte, 0, len(m.wire))
	v := m.kestrel
	return func() error {
		n := v.BLength()
		if cap(buf) < n {
			buf = make([]byte, n)
		}
		v.FastWrite(buf[:n])
		return nil
	}
}

// kestrelReader: FastRead into a fresh value.
func kestrelReader(_ testing.TB, m *message) func() error {
	return func() error {
		_, err := m.newKestrel().FastRead(m.wire)
		return err
	}
}

// kestrelNocopyWriter writes the binary messages the way a connection does: one Malloc of
// BLengthNocopy bytes in a linked buffer (the payload is linked, so it needs no room), FastWriteNocopy
// linking the payload in place, MallocAck of the wire size, Flush; then the reader side takes the
// message and releases it, so the buffer's memory is reused.
func kestrelNocopyWriter(_ testing.TB, m *message) func() error {
	if m.name != "binary6m" && m.name != "binary6b" {
		return nil
	}
	buf := linkbuf.New()
	return func() error {
		_, err := nocopyWrite(buf, m.kestrel)
		if err != nil {
			return err
		}
		if err := buf.Skip(buf.Len()); err != nil {
			return err
		}
		return buf.Release()
	}
}

// nocopyWrite appends v to buf with FastWriteNocopy and flushes it, as thrift.NocopyCodec describes; it
// returns the message size.
func nocopyWrite(buf *linkbuf.Buffer, v kmsg) (int, error) {
	before := buf.MallocLen()
	b, err := buf.Malloc(v.BLengthNocopy())
	if err != nil {
		return 0, err
	}
	n := v.FastWriteNocopy(b, buf)
	if err := buf.MallocAck(before + n); err != nil {
		return 0, err
	}
	return n, buf.Flush()
}

// TestKestrelSameValues: Kestrel's value of each message is Apache's, and both its writers produce
// bytes that Apache decodes back to that value.
func TestKestrelSameValues(t *testing.T) {
	for _, m := range messages(t) {
		t.Run(m.name, func(t *testing.T) {
			b := make([]byte, m.kestrel.BLength())
			if n := m.kestrel.FastWrite(b); n != len(b) {
				t.Fatalf("FastWrite wrote %d bytes, BLength says %d", n, len(b))
			}
			back := m.newApache()
			if err := apacheDecode(b, back); err != nil || !equalApache(back, m.apache) {
				t.Fatalf("apache read of kestrel's bytes: err %v, equal %v", err, equalApache(back, m.apache))
			}
			if a := m.kestrel.FastAppend(nil); len(a) != len(b) {
				t.Fatalf("FastAppend wrote %d bytes, BLength says %d", len(a), len(b))
			} else if back = m.newApache(); apacheDecode(a, back) != nil || !equalApache(back, m.apache) {
				t.Fatal("apache read of kestrel's FastAppend bytes: not the value")
			}

			buf := linkbuf.New()
			n, err := nocopyWrite(buf, m.kestrel)
			if err != nil {
				t.Fatal(err)
			}
			nb, err := buf.Next(n)
			if err != nil {
				t.Fatal(err)
			}
			back = m.newApache()
			if err := apacheDecode(nb, back); err != nil || !equalApache(back, m.apache) {
				t.Fatalf("apache read of kestrel's no-copy bytes: err %v", err)
			}
			if buf.Len() != 0 {
				t.Fatalf("%d bytes left in the buffer after the message", buf.Len())
			}
			if err := buf.Release(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
