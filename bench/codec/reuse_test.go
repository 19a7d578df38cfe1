package codec

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"
	kthrift "github.com/kestrel-rpc/kestrel/thrift"
)

// BenchmarkReadReuse decodes the 131072-element lists into a reused slice with every reader that can
// reuse one, so that no codec allocates: what is left is each reader's per-element work. BenchmarkRead
// allocates a fresh 1 MB / 512 KB slice per op in every codec and baseline alike, and on this message
// allocation, zeroing and the collector are most of each figure.
//
//   - kestrel-into: the struct header by hand, then thrift.Binary.ReadI64ListInto / ReadI32ListInto
//     (the call generated FastRead makes, with a destination) into the reused slice;
//   - apache-into: Apache's per-element path, TBinaryProtocol's ReadListBegin and one ReadI64 / ReadI32
//     per element, into the reused slice (what Apache's generated ReadField does, minus its make);
//   - scalar-into: a tight binary.BigEndian loop into the reused slice;
//   - copy-into: copy of the encoded bytes into a reused []byte, the floor.
func BenchmarkReadReuse(b *testing.B) {
	for _, m := range messages(b) {
		if (m.i64 == nil && m.i32 == nil) || (len(m.i64) < 1<<17 && len(m.i32) < 1<<17) {
			continue
		}
		b.Run("msg="+m.name, func(b *testing.B) {
			for _, c := range reuseReaders {
				d64, d32 := make([]int64, len(m.i64)), make([]int32, len(m.i32))
				b.Run("codec="+c.name, func(b *testing.B) { measure(b, len(m.wire), c.reader(m, &d64, &d32)) })
			}
		})
	}
}

var reuseReaders = []struct {
	name   string
	reader func(m *message, d64 *[]int64, d32 *[]int32) func() error // decodes into *d64 or *d32
}{
	{"apache-into", apacheIntoReader},
	{"copy-into", copyIntoReader},
	{"scalar-into", scalarIntoReader},
	{"kestrel-into", kestrelIntoReader},
}

func kestrelIntoReader(m *message, d64 *[]int64, d32 *[]int32) func() error {
	return func() error {
		b := m.wire
		t, id, n, err := kthrift.Binary.ReadFieldBegin(b)
		if err != nil {
			return err
		}
		if t != kthrift.LIST || id != 1 {
			return errors.New("unexpected field")
		}
		off := n
		if m.i64 != nil {
			*d64, n, err = kthrift.Binary.ReadI64ListInto(*d64, b[off:])
		} else {
			*d32, n, err = kthrift.Binary.ReadI32ListInto(*d32, b[off:])
		}
		if err != nil {
			return err
		}
		off += n
		if off >= len(b) || b[off] != 0 {
			return errors.New("no STOP after the list")
		}
		return nil
	}
}

func apacheIntoReader(m *message, d64 *[]int64, d32 *[]int32) func() error {
	mem := &thrift.TMemoryBuffer{Buffer: new(bytes.Buffer)}
	p := thrift.NewTBinaryProtocolConf(mem, nil)
	ctx := context.Background()
	return func() error {
		*mem.Buffer = *bytes.NewBuffer(m.wire)
		if _, err := p.ReadStructBegin(ctx); err != nil {
			return err
		}
		if _, t, id, err := p.ReadFieldBegin(ctx); err != nil || t != thrift.LIST || id != 1 {
			return errors.New("unexpected field")
		}
		_, size, err := p.ReadListBegin(ctx)
		if err != nil {
			return err
		}
		if m.i64 != nil {
			if size > cap(*d64) {
				*d64 = make([]int64, size)
			}
			d := (*d64)[:size]
			for i := range d {
				if d[i], err = p.ReadI64(ctx); err != nil {
					return err
				}
			}
			*d64 = d
		} else {
			if size > cap(*d32) {
				*d32 = make([]int32, size)
			}
			d := (*d32)[:size]
			for i := range d {
				if d[i], err = p.ReadI32(ctx); err != nil {
					return err
				}
			}
			*d32 = d
		}
		if err := p.ReadListEnd(ctx); err != nil {
			return err
		}
		if _, t, _, err := p.ReadFieldBegin(ctx); err != nil || t != thrift.STOP {
			return errors.New("no STOP after the list")
		}
		return p.ReadStructEnd(ctx)
	}
}

func scalarIntoReader(m *message, d64 *[]int64, d32 *[]int32) func() error {
	return func() error {
		b := m.wire
		n := int(binary.BigEndian.Uint32(b[4:]))
		b = b[listHeader:]
		if m.i64 != nil {
			if len(b) < 8*n || n > cap(*d64) {
				return errors.New("short list")
			}
			d := (*d64)[:n]
			for i := range d {
				d[i] = int64(binary.BigEndian.Uint64(b[8*i:]))
			}
			*d64 = d
		} else {
			if len(b) < 4*n || n > cap(*d32) {
				return errors.New("short list")
			}
			d := (*d32)[:n]
			for i := range d {
				d[i] = int32(binary.BigEndian.Uint32(b[4*i:]))
			}
			*d32 = d
		}
		return nil
	}
}

func copyIntoReader(m *message, _ *[]int64, _ *[]int32) func() error {
	dst := make([]byte, len(m.wire))
	return func() error {
		copy(dst, m.wire)
		return nil
	}
}

// TestReuseReaders: the reusing readers decode the lists' values (the copy reader excepted: it only
// copies bytes). The destinations start zeroed, so a reader that decodes nothing fails.
func TestReuseReaders(t *testing.T) {
	for _, m := range messages(t) {
		if m.i64 == nil && m.i32 == nil {
			continue
		}
		for _, c := range reuseReaders {
			if c.name == "copy-into" {
				continue
			}
			d64, d32 := make([]int64, len(m.i64)), make([]int32, len(m.i32))
			if err := c.reader(m, &d64, &d32)(); err != nil {
				t.Errorf("%s %s: %v", m.name, c.name, err)
			}
			if !slices.Equal(d64, m.i64) || !slices.Equal(d32, m.i32) {
				t.Errorf("%s %s: decoded other values", m.name, c.name)
			}
		}
	}
}
