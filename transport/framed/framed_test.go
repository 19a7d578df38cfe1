package framed_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport/framed"
)

func hdr(n int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }

func TestFrameLength(t *testing.T) {
	tests := []struct {
		name     string
		in       []byte
		maxFrame int
		want     int
		err      error
	}{
		{"one byte", hdr(1), 0, 1, nil},
		{"default limit", hdr(framed.DefaultMaxFrame), 0, framed.DefaultMaxFrame, nil},
		{"over default limit", hdr(framed.DefaultMaxFrame + 1), 0, 0, framed.ErrTooLarge},
		{"negative limit means default", hdr(framed.DefaultMaxFrame + 1), -1, 0, framed.ErrTooLarge},
		{"custom limit", hdr(100), 100, 100, nil},
		{"over custom limit", hdr(101), 100, 0, framed.ErrTooLarge},
		{"max int32 under huge limit", hdr(math.MaxInt32), math.MaxInt32, math.MaxInt32, nil},
		{"zero", hdr(0), 0, 0, framed.ErrBadLength},
		{"negative", hdr(-1), 0, 0, framed.ErrBadLength},
		{"min int32", hdr(math.MinInt32), 0, 0, framed.ErrBadLength},
		{"short", []byte{0, 0, 1}, 0, 0, framed.ErrShortHeader},
		{"empty", nil, 0, 0, framed.ErrShortHeader},
		{"longer prefix", append(hdr(5), 1, 2, 3), 0, 5, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := framed.FrameLength(tt.in, tt.maxFrame)
			if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("FrameLength(% x, %d) = %d, %v; want %d, %v", tt.in, tt.maxFrame, got, err, tt.want, tt.err)
			}
		})
	}
}

// message is a strict Binary CALL with one string field of size bytes.
func message(size int) []byte {
	s := string(bytes.Repeat([]byte{'x'}, size))
	b := make([]byte, thrift.Binary.MessageBeginLength("echo")+thrift.FieldBeginLength+thrift.Binary.StringLength(s)+1)
	n := thrift.Binary.WriteMessageBegin(b, "echo", thrift.CALL, 1)
	n += thrift.Binary.WriteFieldBegin(b[n:], thrift.STRING, 1)
	n += thrift.Binary.WriteString(b[n:], s)
	thrift.Binary.WriteFieldStop(b[n:])
	return b
}

func TestRoundTrip(t *testing.T) {
	buf := linkbuf.New()
	defer buf.Free()
	var msgs [][]byte
	for _, size := range []int{0, 1, 100, 4000, 9000, 70000} {
		m := message(size)
		msgs = append(msgs, m)
		p, err := framed.AppendFrame(buf, len(m))
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != len(m) {
			t.Fatalf("AppendFrame returned %d bytes, want %d", len(p), len(m))
		}
		copy(p, m)
	}
	if err := buf.Flush(); err != nil {
		t.Fatal(err)
	}
	for i, m := range msgs {
		got, err := framed.ReadFrame(buf, 0)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !bytes.Equal(got, m) {
			t.Fatalf("frame %d: got %d bytes, want %d", i, len(got), len(m))
		}
		if _, err := thrift.Binary.SkipMessage(got); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	if buf.Len() != 0 {
		t.Fatalf("%d bytes left", buf.Len())
	}
}

// TestReadFrameSplit feeds a frame one byte at a time: every incomplete state is ErrNotEnough and
// consumes nothing.
func TestReadFrameSplit(t *testing.T) {
	m := message(300)
	wire := append(hdr(int32(len(m))), m...)
	buf := linkbuf.New()
	defer buf.Free()
	for i, c := range wire {
		if _, err := framed.ReadFrame(buf, 0); !errors.Is(err, linkbuf.ErrNotEnough) {
			t.Fatalf("after %d bytes: err = %v, want ErrNotEnough", i, err)
		}
		if buf.Len() != i {
			t.Fatalf("after %d bytes: Len = %d (consumed on error)", i, buf.Len())
		}
		_, _ = buf.WriteBinary([]byte{c})
		_ = buf.Flush()
	}
	got, err := framed.ReadFrame(buf, 0)
	if err != nil || !bytes.Equal(got, m) {
		t.Fatalf("ReadFrame = %d bytes, %v", len(got), err)
	}
}

func TestReadFrameErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []byte
		max  int
		err  error
	}{
		{"too large", hdr(1 << 30), 0, framed.ErrTooLarge},
		{"over limit", append(hdr(10), make([]byte, 10)...), 9, framed.ErrTooLarge},
		{"negative", hdr(-5), 0, framed.ErrBadLength},
		{"zero", hdr(0), 0, framed.ErrBadLength},
		{"short header", []byte{0, 0}, 0, linkbuf.ErrNotEnough},
		{"short body", append(hdr(10), 1, 2, 3), 0, linkbuf.ErrNotEnough},
	} {
		t.Run(tt.name, func(t *testing.T) {
			buf := linkbuf.NewFromBytes(tt.in)
			if _, err := framed.ReadFrame(buf, tt.max); !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if buf.Len() != len(tt.in) {
				t.Fatalf("consumed on error: Len %d, want %d", buf.Len(), len(tt.in))
			}
		})
	}
}

func TestAppendFrameErrors(t *testing.T) {
	buf := linkbuf.New()
	defer buf.Free()
	if _, err := framed.AppendFrame(buf, -1); !errors.Is(err, framed.ErrBadLength) {
		t.Errorf("AppendFrame(-1) err = %v", err)
	}
	if _, err := framed.AppendFrame(buf, math.MaxInt32); !errors.Is(err, framed.ErrTooLarge) {
		t.Errorf("AppendFrame(MaxInt32) err = %v", err)
	}
	if buf.MallocLen() != 0 {
		t.Errorf("MallocLen = %d after errors", buf.MallocLen())
	}
}

// TestAppendFrameNocopy links a large string into the frame the way FastWriteNocopy does.
func TestAppendFrameNocopy(t *testing.T) {
	buf := linkbuf.New()
	defer buf.Free()
	str := bytes.Repeat([]byte("big"), 2000)
	size := 4 + len(str) + 1 // string length, string, trailing byte
	before := buf.MallocLen()
	p, err := framed.AppendFrame(buf, size)
	if err != nil {
		t.Fatal(err)
	}
	binary.BigEndian.PutUint32(p, uint32(len(str)))
	if err := buf.WriteDirect(str, len(p)-4); err != nil {
		t.Fatal(err)
	}
	p[4] = 0x7f // the byte after the string, written at the offset where the string was linked
	if err := buf.MallocAck(before + framed.HeaderLen + size); err != nil {
		t.Fatal(err)
	}
	_ = buf.Flush()
	got, err := framed.ReadFrame(buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(binary.BigEndian.AppendUint32(nil, uint32(len(str))), str...), 0x7f)
	if !bytes.Equal(got, want) {
		t.Fatalf("frame differs: %d bytes, want %d", len(got), len(want))
	}
}

func FuzzReadFrame(f *testing.F) {
	f.Add(append(hdr(int32(len(message(3)))), message(3)...), 0)
	f.Add(hdr(-1), 0)
	f.Add(append(hdr(2), 1, 2, 3), 1)
	f.Fuzz(func(t *testing.T, in []byte, maxFrame int) {
		buf := linkbuf.NewFromBytes(in)
		got, err := framed.ReadFrame(buf, maxFrame)
		if err != nil {
			if buf.Len() != len(in) {
				t.Fatalf("consumed on error %v", err)
			}
			return
		}
		n, err := framed.FrameLength(in, maxFrame)
		if err != nil || n != len(got) || buf.Len() != len(in)-4-n || !bytes.Equal(got, in[4:4+n]) {
			t.Fatalf("ReadFrame = %d bytes; FrameLength = %d, %v", len(got), n, err)
		}
	})
}
