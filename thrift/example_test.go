package thrift_test

import (
	"errors"
	"fmt"

	"github.com/kestrel-rpc/kestrel/thrift"
)

// Size first, one buffer, then write: the pattern generated code follows.
func ExampleBinaryProtocol() {
	p := thrift.Binary
	name, id, tags := "kestrel", int64(42), []int64{1, 2, 3}
	size := p.MessageBeginLength("Get") +
		thrift.FieldBeginLength + thrift.I64Length + // fixed-size fields first
		thrift.FieldBeginLength + p.StringLength(name) +
		thrift.FieldBeginLength + thrift.ListBeginLength + len(tags)*thrift.I64Length +
		thrift.FieldStopLength
	b := make([]byte, size)
	n := p.WriteMessageBegin(b, "Get", thrift.CALL, 1)
	n += p.WriteFieldBegin(b[n:], thrift.I64, 2)
	n += p.WriteI64(b[n:], id)
	n += p.WriteFieldBegin(b[n:], thrift.STRING, 1)
	n += p.WriteString(b[n:], name)
	n += p.WriteFieldBegin(b[n:], thrift.LIST, 3)
	n += p.WriteI64List(b[n:], tags)
	n += p.WriteFieldStop(b[n:])
	fmt.Println(n == size)

	method, typ, seq, off, _ := p.ReadMessageBegin(b)
	fmt.Println(method, typ, seq)
	for {
		t, fid, m, err := p.ReadFieldBegin(b[off:])
		if err != nil {
			panic(err)
		}
		off += m
		if t == thrift.STOP {
			break
		}
		switch {
		case fid == 1 && t == thrift.STRING:
			s, m, _ := p.ReadString(b[off:])
			fmt.Println("name:", s)
			off += m
		case fid == 2 && t == thrift.I64:
			v, m, _ := p.ReadI64(b[off:])
			fmt.Println("id:", v)
			off += m
		case fid == 3 && t == thrift.LIST:
			v, m, _ := p.ReadI64List(b[off:])
			fmt.Println("tags:", v)
			off += m
		default:
			m, _ := p.Skip(b[off:], t)
			off += m
		}
	}
	// Output:
	// true
	// Get CALL 1
	// id: 42
	// name: kestrel
	// tags: [1 2 3]
}

// Compact field headers are delta-encoded against the previous field id; bools live in the header.
func ExampleCompactProtocol() {
	c := thrift.Compact
	b := make([]byte, 32)
	n := c.WriteFieldBegin(b, thrift.I32, 1, 0) // delta 1: one byte
	n += c.WriteI32(b[n:], 150)
	n += c.WriteBoolField(b[n:], 20, 1, true) // delta 19: long form
	n += c.WriteFieldStop(b[n:])
	fmt.Printf("% x\n", b[:n])

	var last int16
	for off := 0; ; {
		t, id, v, m, _ := c.ReadFieldBegin(b[off:], last)
		off += m
		if t == thrift.STOP {
			break
		}
		last = id
		if t == thrift.BOOL {
			fmt.Println(id, t, v)
			continue
		}
		x, m, _ := c.ReadI32(b[off:])
		off += m
		fmt.Println(id, t, x)
	}
	// Output:
	// 15 ac 02 01 28 00
	// 1 I32 150
	// 20 BOOL true
}

// Skip measures values without decoding them; bad input is a *ProtocolError wrapping a sentinel.
func ExampleBinaryProtocol_Skip() {
	list := []byte{byte(thrift.STRING), 0, 0, 0, 2, 0, 0, 0, 1, 'a', 0, 0, 0, 0}
	n, err := thrift.Binary.Skip(list, thrift.LIST)
	fmt.Println(n, err)

	_, err = thrift.Binary.Skip(list[:10], thrift.LIST)
	fmt.Println(errors.Is(err, thrift.ErrTruncated))
	fmt.Println(err)
	// Output:
	// 14 <nil>
	// true
	// thrift binary: string length at offset 10: need 4 bytes, have 0: thrift: truncated input
}

func ExampleApplicationException() {
	e := thrift.NewApplicationException(thrift.UnknownMethod, "unknown method Foo")
	b := make([]byte, e.BLength())
	e.FastWrite(b)

	var got thrift.ApplicationException
	if _, err := got.FastRead(b); err != nil {
		panic(err)
	}
	fmt.Println(got.String())
	// Output:
	// ApplicationException(unknown method): unknown method Foo
}

// One copy of a struct's bytes for all its strings: what generated FastRead does.
func ExampleBinaryProtocol_StructArena() {
	p := thrift.Binary
	first, second := "ada", "lovelace"
	b := make([]byte, 2*thrift.FieldBeginLength+p.StringLength(first)+p.StringLength(second)+thrift.FieldStopLength)
	n := p.WriteFieldBegin(b, thrift.STRING, 1)
	n += p.WriteString(b[n:], first)
	n += p.WriteFieldBegin(b[n:], thrift.STRING, 2)
	n += p.WriteString(b[n:], second)
	p.WriteFieldStop(b[n:])

	arena := p.StructArena(b) // one allocation
	var got []string
	for off := 0; ; {
		t, _, n, err := p.ReadFieldBegin(b[off:])
		if err != nil || t == thrift.STOP {
			break
		}
		off += n
		s, n, err := p.ReadStringAt(b, off, arena, 0) // a substring of arena: no allocation
		if err != nil {
			break
		}
		off += n
		got = append(got, s)
	}
	clear(b) // the strings do not alias the input
	fmt.Println(got, len(arena))
	// Output: [ada lovelace] 26
}
