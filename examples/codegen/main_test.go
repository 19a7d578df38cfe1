package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/kestrel-rpc/kestrel/examples/codegen/echo"
)

// Example_run runs the example program.
func Example_run() {
	if err := run(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// encoded "echo" call: 8270 bytes
	// decoded CALL echo seq=1: msg 8192 bytes, seq 7, priority HIGH, samples [1 2 3]
}

// Example_fastAppend encodes into one reused []byte, the way a cache or a message-queue producer would:
// FastAppend grows the slice only when it is too short, so after the first value nothing is allocated.
func Example_fastAppend() {
	var buf []byte
	for seq := range int64(3) {
		req := &echo.Request{Msg: strings.Repeat("k", int(seq)), Seq: seq, Samples: []int64{seq, -seq}}
		buf = req.FastAppend(buf[:0])

		back := echo.NewRequest()
		if _, err := back.FastRead(buf); err != nil {
			panic(err)
		}
		fmt.Printf("%d bytes: msg %q, seq %d, samples %v\n", len(buf), back.Msg, back.Seq, back.Samples)
	}
	// Output:
	// 43 bytes: msg "", seq 0, samples [0 0]
	// 44 bytes: msg "k", seq 1, samples [1 -1]
	// 45 bytes: msg "kk", seq 2, samples [2 -2]
}
