package main

import (
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
	if want := "sent 100 oneway events; total of clicks: 5050\n"; string(out) != want {
		t.Fatalf("output %q, want %q", out, want)
	}
}
