package main

import (
	"errors"
	"io"
)

// runGen is written by the Thrift code generator work (issue 3).
func runGen(args []string, stdout, stderr io.Writer) error {
	return errors.New("gen: not built yet")
}
