package main

import "os"

// Example_run runs the example program.
func Example_run() {
	if err := run(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// encoded "echo" call: 8270 bytes
	// decoded CALL echo seq=1: msg 8192 bytes, seq 7, priority HIGH, samples [1 2 3]
}
