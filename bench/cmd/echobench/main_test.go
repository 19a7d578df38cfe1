package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for echobench's own load and idle processes, which the
// driver starts by re-executing itself.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "-loader":
			os.Exit(loaderMain(os.Args[2:]))
		case "-idler":
			os.Exit(idlerMain(os.Args[2:]))
		}
	}
	os.Exit(m.Run())
}

// TestDriveSmoke runs a tiny matrix end to end: build the server, start it per run, load it from a
// separate process, print the table and benchmark lines.
func TestDriveSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs processes")
	}
	server := filepath.Join(t.TempDir(), "echoserver")
	build := exec.Command("go", "build", "-o", server, "github.com/kestrel-rpc/kestrel/bench/cmd/echoserver")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	o := &options{
		count: 1, duration: 200 * time.Millisecond, warmup: 50 * time.Millisecond,
		impls: []string{"cloudwego", "stdnet"}, sizes: []int{128}, conns: 4, extra: []int{1}, extraSize: 1024,
		idle: 50, server: server,
	}
	var out, log bytes.Buffer
	if err := drive(ctx, o, &out, &log); err != nil {
		t.Fatalf("drive: %v\nlog:\n%s", err, log.String())
	}
	s := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\s+4\s+128B\s+stdnet\s+[1-9]\d*\s`),
		regexp.MustCompile(`(?m)^\s+1\s+1KB\s+cloudwego\s+[1-9]\d*\s`),
		regexp.MustCompile(`(?m)^BenchmarkEcho/impl=stdnet/size=128B/conns=4 [1-9]\d* [0-9.]+ ns/op [0-9.]+ qps [0-9.]+ us/req-cpu .* [0-9]+ rss-B [0-9.]+ loadgen-cpu-%$`),
		regexp.MustCompile(`(?m)^BenchmarkEcho/impl=cloudwego/size=1KB/conns=1 `),
		regexp.MustCompile(`(?m)^BenchmarkIdleConn/impl=stdnet/conns=50 1 -?\d+ B/conn -?\d+ heap-B/conn$`),
		regexp.MustCompile(`(?m)^\s+50\s+cloudwego\s`),
	} {
		if !want.MatchString(s) {
			t.Errorf("output lacks %v:\n%s", want, s)
		}
	}
}

func TestHelpers(t *testing.T) {
	if !strings.Contains(benchLines(nil, nil), "pkg: ") {
		t.Errorf("benchLines lacks its header")
	}
	idle := benchLines(nil, []idleSample{{impl: "x", idleConns: 10, idleRSS1: 1000, idleHeap1: 500}})
	if !strings.Contains(idle, "BenchmarkIdleConn/impl=x/conns=10 1 100 B/conn 50 heap-B/conn\n") {
		t.Errorf("benchLines idle line:\n%s", idle)
	}
}
