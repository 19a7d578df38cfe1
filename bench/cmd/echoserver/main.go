// Command echoserver runs one framed echo server of package bench/echo for bench/cmd/echobench:
//
//	echoserver -impl kestrel|kestrel-nospin|kestrel-noptr|cloudwego|stdnet [-addr 127.0.0.1:0]
//
// It prints "listening <addr>" once it serves, then obeys one command per line on stdin, answering each
// with one line on stdout:
//
//	stats   "stats mallocs=<n> heap=<bytes> goroutines=<n>" (runtime.MemStats, no GC)
//	gc      runs a GC, returns freed memory to the OS, then answers like stats
//
// It exits when stdin closes or it is killed; the driver kills it by PID after each run.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"

	"github.com/kestrel-rpc/kestrel/bench/echo"
)

func main() {
	impl := flag.String("impl", "stdnet", fmt.Sprintf("server implementation: one of %v", echo.Impls))
	addr := flag.String("addr", "127.0.0.1:0", "TCP address to listen on")
	flag.Parse()
	if err := run(*impl, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "echoserver:", err)
		os.Exit(1)
	}
}

func run(impl, addr string) error {
	raiseNoFile()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv, err := echo.Serve(impl, ln)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer srv.Close()
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, "listening %s\n", ln.Addr())
	if err := out.Flush(); err != nil {
		return err
	}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		switch cmd := sc.Text(); cmd {
		case "gc":
			runtime.GC()
			debug.FreeOSMemory()
			fallthrough
		case "stats":
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			fmt.Fprintf(out, "stats mallocs=%d heap=%d goroutines=%d\n", m.Mallocs, m.HeapInuse, runtime.NumGoroutine())
		default:
			fmt.Fprintf(out, "error unknown command %q\n", cmd)
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
	return sc.Err()
}

// raiseNoFile lifts RLIMIT_NOFILE so the idle-connection run's 10 000 connections fit (root may raise
// the hard limit too; otherwise the soft limit goes up to the hard one).
func raiseNoFile() {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return
	}
	const want = 1 << 17
	if lim.Cur >= want {
		return
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: want, Max: max(want, lim.Max)}); err != nil {
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: lim.Max, Max: lim.Max})
	}
}
