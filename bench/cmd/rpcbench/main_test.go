package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/bench/rpc"
)

// TestMain lets the test binary stand in for rpcbench's own load process, which the driver starts by
// re-executing itself.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-loader" {
		os.Exit(loaderMain(os.Args[2:]))
	}
	os.Exit(m.Run())
}

// TestDriveSmoke runs a tiny matrix end to end: build the server, start it per run, load it from a
// separate process, print the table and benchmark lines.
func TestDriveSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs processes")
	}
	server := filepath.Join(t.TempDir(), "rpcserver")
	build := exec.Command("go", "build", "-o", server, "github.com/kestrel-rpc/kestrel/bench/cmd/rpcserver")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var impls []rpc.Impl
	for _, name := range []string{"kestrel", "kestrel-loadgen", "grpc"} {
		im, err := rpc.LookupImpl(name)
		if err != nil {
			t.Fatal(err)
		}
		impls = append(impls, im)
	}
	o := &options{
		count: 1, duration: 200 * time.Millisecond, warmup: 50 * time.Millisecond,
		impls: impls, sizes: []int{128}, callers: 4, extra: []int{1}, extraSize: 1024, server: server,
	}
	var out, log bytes.Buffer
	if err := drive(ctx, o, &out, &log); err != nil {
		t.Fatalf("drive: %v\nlog:\n%s", err, log.String())
	}
	s := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\s+4\s+128B\s+kestrel\s+[1-9]\d*\s`),
		regexp.MustCompile(`(?m)^\s+1\s+1KB\s+grpc\s+[1-9]\d*\s`),
		regexp.MustCompile(`(?m)^BenchmarkRPCEcho/impl=kestrel-loadgen/size=128B/callers=4 [1-9]\d* [0-9.]+ ns/op [0-9.]+ qps [0-9.]+ us/req-cpu .* [0-9]+ rss-B [0-9.]+ loadgen-cpu-%$`),
		regexp.MustCompile(`(?m)^BenchmarkRPCEcho/impl=grpc/size=1KB/callers=1 `),
	} {
		if !want.MatchString(s) {
			t.Errorf("output lacks %v:\n%s", want, s)
		}
	}
}
