package codec

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"
	"google.golang.org/protobuf/proto"
)

// codec is one way of encoding the messages. writer and reader return the operation to time, or nil
// when the codec does not apply to the message (the copy and scalar baselines only apply to lists).
type codec struct {
	name   string
	writer func(tb testing.TB, m *message) func() error
	reader func(tb testing.TB, m *message) func() error
}

// codecs in the order they run; kestrel_test.go adds Kestrel's.
var codecs = []codec{
	{"apache", apacheWriter, apacheReader},
	{"protobuf", protoWriter, protoReader},
	{"copy", copyWriter, copyReader},
	{"scalar", scalarWriter, scalarReader},
}

var (
	messagesOnce sync.Once
	allMessages  []*message
)

func messages(tb testing.TB) []*message {
	messagesOnce.Do(func() { allMessages = buildMessages(tb) })
	if allMessages == nil {
		tb.Fatal("building the messages failed earlier")
	}
	return allMessages
}

// BenchmarkWrite encodes each message with each codec into a reused buffer.
func BenchmarkWrite(b *testing.B) {
	for _, m := range messages(b) {
		b.Run("msg="+m.name, func(b *testing.B) {
			for _, c := range codecs {
				if op := c.writer(b, m); op != nil {
					b.Run("codec="+c.name, func(b *testing.B) { measure(b, len(m.wire), op) })
				}
			}
		})
	}
}

// BenchmarkRead decodes each message with each codec into a fresh value.
func BenchmarkRead(b *testing.B) {
	for _, m := range messages(b) {
		b.Run("msg="+m.name, func(b *testing.B) {
			for _, c := range codecs {
				if op := c.reader(b, m); op != nil {
					b.Run("codec="+c.name, func(b *testing.B) { measure(b, len(m.wire), op) })
				}
			}
		})
	}
}

// apacheWriter: TBinaryProtocol over a TMemoryBuffer that is reset, not reallocated.
func apacheWriter(_ testing.TB, m *message) func() error {
	mem := thrift.NewTMemoryBufferLen(len(m.wire))
	p := thrift.NewTBinaryProtocolConf(mem, nil)
	ctx := context.Background()
	return func() error {
		mem.Reset()
		return m.apache.Write(ctx, p)
	}
}

// apacheReader: TBinaryProtocol over a reused TMemoryBuffer pointed at the encoded bytes (no copy).
func apacheReader(_ testing.TB, m *message) func() error {
	mem := &thrift.TMemoryBuffer{Buffer: new(bytes.Buffer)}
	p := thrift.NewTBinaryProtocolConf(mem, nil)
	ctx := context.Background()
	return func() error {
		*mem.Buffer = *bytes.NewBuffer(m.wire)
		return m.newApache().Read(ctx, p)
	}
}

// protoWriter: MarshalAppend into a reused buffer.
func protoWriter(_ testing.TB, m *message) func() error {
	buf := make([]byte, 0, len(m.pbWire))
	opts := proto.MarshalOptions{}
	return func() (err error) {
		buf, err = opts.MarshalAppend(buf[:0], m.proto)
		return err
	}
}

func protoReader(_ testing.TB, m *message) func() error {
	return func() error { return proto.Unmarshal(m.pbWire, m.newProto()) }
}

// copyWriter copies the message's encoded bytes into a reused buffer: the floor for any list writer.
func copyWriter(_ testing.TB, m *message) func() error {
	if m.i64 == nil && m.i32 == nil {
		return nil
	}
	dst := make([]byte, len(m.wire))
	return func() error {
		copy(dst, m.wire)
		return nil
	}
}

// copyReader copies the encoded bytes into a fresh slice, as a reader fills a fresh value.
var sink []byte

func copyReader(_ testing.TB, m *message) func() error {
	if m.i64 == nil && m.i32 == nil {
		return nil
	}
	return func() error {
		sink = append([]byte(nil), m.wire...)
		return nil
	}
}

// listHeader is the Binary encoding of `struct {1: list<T> V}` up to the first element.
const listHeader = 3 + 5

// scalarWriter writes the list struct with a tight big-endian loop, one element at a time.
func scalarWriter(_ testing.TB, m *message) func() error {
	if m.i64 == nil && m.i32 == nil {
		return nil
	}
	dst := make([]byte, len(m.wire))
	return func() error {
		scalarEncode(dst, m)
		return nil
	}
}

// scalarEncode writes `struct {1: list<T> V}` holding m's list into b (len(b) == len(m.wire)).
func scalarEncode(b []byte, m *message) {
	b[0], b[1], b[2] = byte(thrift.LIST), 0, 1
	if m.i64 != nil {
		b[3] = byte(thrift.I64)
		binary.BigEndian.PutUint32(b[4:], uint32(len(m.i64)))
		e := b[listHeader : listHeader+8*len(m.i64)]
		for i, v := range m.i64 {
			binary.BigEndian.PutUint64(e[8*i:], uint64(v))
		}
	} else {
		b[3] = byte(thrift.I32)
		binary.BigEndian.PutUint32(b[4:], uint32(len(m.i32)))
		e := b[listHeader : listHeader+4*len(m.i32)]
		for i, v := range m.i32 {
			binary.BigEndian.PutUint32(e[4*i:], uint32(v))
		}
	}
	b[len(b)-1] = 0 // stop
}

var (
	sink64 []int64
	sink32 []int32
)

// scalarReader decodes the list into a fresh slice with a tight big-endian loop.
func scalarReader(_ testing.TB, m *message) func() error {
	if m.i64 == nil && m.i32 == nil {
		return nil
	}
	return func() error {
		b := m.wire
		n := int(binary.BigEndian.Uint32(b[4:]))
		b = b[listHeader:]
		if m.i64 != nil {
			if len(b) < 8*n {
				return errors.New("short list")
			}
			out := make([]int64, n)
			for i := range out {
				out[i] = int64(binary.BigEndian.Uint64(b[8*i:]))
			}
			sink64 = out
		} else {
			if len(b) < 4*n {
				return errors.New("short list")
			}
			out := make([]int32, n)
			for i := range out {
				out[i] = int32(binary.BigEndian.Uint32(b[4*i:]))
			}
			sink32 = out
		}
		return nil
	}
}

// TestMessages checks that the messages are what the benchmarks claim: the sizes of DESIGN.md §6, and
// the same values in protobuf as in Thrift.
func TestMessages(t *testing.T) {
	want := map[string][2]int{ // Thrift Binary size bounds
		"mytest1m":  {1 << 20, 1<<20 + 64},
		"mixed1k":   {mixedSize, mixedSize + 256},
		"nested20k": {nestedSize, nestedSize + 1024},
		"binary6m":  {binarySize, binarySize + 16},
		"binary6b":  {6, 16},
		"echo1k":    {1 << 10, 1<<10 + 16},
	}
	for _, m := range messages(t) {
		t.Run(m.name, func(t *testing.T) {
			if w, ok := want[m.name]; ok && (len(m.wire) < w[0] || len(m.wire) > w[1]) {
				t.Errorf("Thrift size %d, want %d..%d", len(m.wire), w[0], w[1])
			}
			// protobuf carries the same values: decode its bytes and copy back into Apache's types.
			p := m.newProto()
			if err := proto.Unmarshal(m.pbWire, p); err != nil {
				t.Fatal(err)
			}
			back := m.newApache()
			if err := copyValue(reflect.ValueOf(back), reflect.ValueOf(p)); err != nil {
				t.Fatal(err)
			}
			if !equalApache(back, m.apache) {
				t.Errorf("protobuf's value differs from Thrift's")
			}
			// Apache's encoding decodes to the value itself.
			again := m.newApache()
			if err := apacheDecode(m.wire, again); err != nil || !equalApache(again, m.apache) {
				t.Errorf("Apache round trip: err %v, equal %v", err, equalApache(again, m.apache))
			}
		})
	}
}

// TestBaselines checks that every codec's operations succeed and that the baselines compute what they
// stand for (the scalar loops produce Apache's bytes and values).
func TestBaselines(t *testing.T) {
	for _, m := range messages(t) {
		for _, c := range codecs {
			for kind, mk := range map[string]func(testing.TB, *message) func() error{"write": c.writer, "read": c.reader} {
				if op := mk(t, m); op != nil {
					if err := op(); err != nil {
						t.Errorf("%s %s %s: %v", m.name, c.name, kind, err)
					}
				}
			}
		}
		if m.i64 == nil && m.i32 == nil {
			continue
		}
		sink64, sink32 = nil, nil
		if err := scalarReader(t, m)(); err != nil {
			t.Fatal(err)
		}
		if (m.i64 != nil && !reflect.DeepEqual(sink64, m.i64)) || (m.i32 != nil && !reflect.DeepEqual(sink32, m.i32)) {
			t.Errorf("%s: the scalar reader decodes other values", m.name)
		}
		got := make([]byte, len(m.wire))
		scalarEncode(got, m)
		if !bytes.Equal(got, m.wire) {
			t.Errorf("%s: the scalar writer writes other bytes than Apache", m.name)
		}
	}
}

// equalApache compares two Apache values of the same message.
func equalApache(a, b thrift.TStruct) bool { return reflect.DeepEqual(a, b) }
