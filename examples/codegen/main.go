package main

//go:generate go run github.com/kestrel-rpc/kestrel/cmd/kestrel gen -out . -module github.com/kestrel-rpc/kestrel/examples/codegen echo.thrift

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kestrel-rpc/kestrel/examples/codegen/echo"
	"github.com/kestrel-rpc/kestrel/linkbuf"
	"github.com/kestrel-rpc/kestrel/thrift"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "codegen:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	high := echo.Priority_HIGH
	req := &echo.Request{
		Msg:      strings.Repeat("kestrel ", 1024), // 8 KB: linked into the buffer, not copied
		Seq:      7,
		Priority: &high,
		Samples:  []int64{1, 2, 3},
	}
	method := echo.EchoServiceInfo.Methods[0]

	// Encode: message header + args struct, sized up front.
	args := echo.NewEchoEchoArgs()
	args.Req = req
	size := thrift.Binary.MessageBeginLength(method.Name) + args.BLength()
	buf := linkbuf.New()
	before := buf.MallocLen()
	mem, err := buf.Malloc(size)
	if err != nil {
		return err
	}
	off := thrift.Binary.WriteMessageBegin(mem, method.Name, thrift.CALL, 1)
	off += args.FastWriteNocopy(mem[off:], buf)
	if err := buf.MallocAck(before + off); err != nil {
		return err
	}
	if err := buf.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "encoded %q call: %d bytes\n", method.Name, buf.Len())

	// Decode: the whole frame in one Next, then FastRead.
	frame, err := buf.Next(buf.Len())
	if err != nil {
		return err
	}
	name, typ, seq, n, err := thrift.Binary.ReadMessageBegin(frame)
	if err != nil {
		return err
	}
	got, ok := method.NewArgs().(*echo.EchoEchoArgs)
	if !ok {
		return fmt.Errorf("unexpected args type %T", method.NewArgs())
	}
	if _, err := got.FastRead(frame[n:]); err != nil {
		return err
	}
	fmt.Fprintf(w, "decoded %s %s seq=%d: msg %d bytes, seq %d, priority %v, samples %v\n",
		typ, name, seq, len(got.Req.Msg), got.Req.Seq, got.Req.GetPriority(), got.Req.Samples)
	return buf.Release()
}
