package main

import (
	"bytes"
	"io"
	"os"
	"testing"
)

func TestRun(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	err = run()
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := "Hello, Kestrel!\ndeclared exception: tell me your name\n"
	if !bytes.Equal(out, []byte(want)) {
		t.Fatalf("output %q, want %q", out, want)
	}
}
