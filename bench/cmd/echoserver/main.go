// Command echoserver runs one framed echo server of package bench/echo for bench/cmd/echobench:
//
//	echoserver -impl kestrel|kestrel-nospin|kestrel-noptr|cloudwego|stdnet [-addr 127.0.0.1:0]
//	           [-cpuprofile file] [-trace file] [-schedlat]
//
// -cpuprofile and -trace record a pprof CPU profile and a runtime/trace execution trace from start to
// exit; both are written when stdin closes (echobench -cpuprofile/-trace close it and wait before
// killing). -schedlat prints, when stdin closes, the quantiles of the runtime's scheduling latency
// (/sched/latencies:seconds: how long runnable goroutines waited for a P) on stderr.
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
	"errors"
	"flag"
	"fmt"
	"net"
	"os"

	"github.com/kestrel-rpc/kestrel/bench/echo"
	"github.com/kestrel-rpc/kestrel/bench/internal/benchproc"
)

func main() {
	impl := flag.String("impl", "stdnet", fmt.Sprintf("server implementation: one of %v", echo.Impls))
	addr := flag.String("addr", "127.0.0.1:0", "TCP address to listen on")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	traceFile := flag.String("trace", "", "write an execution trace to this file")
	schedLat := flag.Bool("schedlat", false, "print scheduling latency quantiles on stderr at exit")
	flag.Parse()
	stop, err := benchproc.StartProfiles(*cpuProfile, *traceFile)
	if err == nil {
		err = run(*impl, *addr)
		err = errors.Join(err, stop())
		if *schedLat {
			benchproc.PrintSchedLatency(os.Stderr, *impl)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "echoserver:", err)
		os.Exit(1)
	}
}

func run(impl, addr string) error {
	benchproc.RaiseNoFile() // the idle-connection run's 10 000 connections
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
	return benchproc.ServeCommands(ln.Addr(), os.Stdin, os.Stdout)
}
