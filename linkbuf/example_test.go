package linkbuf_test

import (
	"encoding/binary"
	"fmt"

	"github.com/kestrel-rpc/kestrel/linkbuf"
)

// A writer encodes a length-prefixed message with one Malloc and flushes it; a reader takes the
// message with Peek and Next, then releases the memory.
func Example() {
	buf := linkbuf.New()
	defer buf.Free()

	// Writer side.
	msg := "hello, kestrel"
	p, _ := buf.Malloc(4 + len(msg))
	binary.BigEndian.PutUint32(p, uint32(len(msg)))
	copy(p[4:], msg)
	fmt.Println("before Flush:", buf.Len(), "readable,", buf.MallocLen(), "pending")
	_ = buf.Flush()

	// Reader side.
	h, _ := buf.Peek(4)
	n := int(binary.BigEndian.Uint32(h))
	_ = buf.Skip(4)
	body, _ := buf.Next(n) // zero copy: a view of the block p was written to
	fmt.Printf("read %q\n", body)
	_ = buf.Release() // body must not be used after this
	fmt.Println("left:", buf.Len())
	// Output:
	// before Flush: 0 readable, 18 pending
	// read "hello, kestrel"
	// left: 0
}

// WriteDirect links a caller-owned slice into a Malloc'd region without copying it, the way the Thrift
// codec writes a large string: Malloc the message's full size, write up to the string, link the string,
// go on writing at the same offset, and drop the unused end with MallocAck.
func ExampleBuffer_WriteDirect() {
	buf := linkbuf.New()
	defer buf.Free()

	str := []byte("a large caller-owned string")
	before := buf.MallocLen()
	size := 4 + len(str) + 4 // length prefix, string, a trailing field
	p, _ := buf.Malloc(size)
	binary.BigEndian.PutUint32(p, uint32(len(str)))
	off := 4
	_ = buf.WriteDirect(str, len(p)-off) // p[:4], str, p[4:]
	copy(p[off:], "TAIL")                // keep writing at the same offset
	_ = buf.MallocAck(before + size)     // drop the len(str) bytes never used at the region's end
	_ = buf.Flush()

	all, _ := buf.ReadBinary(buf.Len())
	fmt.Printf("%d bytes: %q\n", len(all), all[4:])
	// Output:
	// 35 bytes: "a large caller-owned stringTAIL"
}

// Slice hands part of the stream to another owner: the returned Reader keeps its blocks alive after
// the parent's Release and frees them at its own.
func ExampleBuffer_Slice() {
	buf := linkbuf.New()
	_, _ = buf.WriteString("header|payload")
	_ = buf.Flush()

	_ = buf.Skip(len("header|"))
	payload, _ := buf.Slice(len("payload"))
	_ = buf.Release()
	buf.Free()

	s, _ := payload.ReadString(payload.Len())
	fmt.Println(s)
	_ = payload.Release()
	// Output:
	// payload
}
