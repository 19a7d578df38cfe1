// Command rpcserver runs one echo server of package bench/rpc for bench/cmd/rpcbench:
//
//	rpcserver -server grpc|apache|kestrel|framed-echo [-addr 127.0.0.1:0]
//	          [-cpuprofile file] [-trace file] [-schedlat]
//
// -cpuprofile and -trace record a pprof CPU profile and a runtime/trace execution trace from start to
// exit; both are written when stdin closes (rpcbench -cpuprofile/-trace close it and wait before
// killing). -schedlat prints, when stdin closes, the quantiles of the runtime's scheduling latency on
// stderr.
//
// It prints "listening <addr>" once it serves, then answers the "stats" and "gc" commands of
// bench/internal/benchproc on stdin, one line each. It exits when stdin closes or it is killed; the
// driver kills it by PID after each run.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"

	"github.com/kestrel-rpc/kestrel/bench/internal/benchproc"
	"github.com/kestrel-rpc/kestrel/bench/rpc"
)

func main() {
	name := flag.String("server", "kestrel", fmt.Sprintf("server: one of %v", rpc.Servers))
	addr := flag.String("addr", "127.0.0.1:0", "TCP address to listen on")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	traceFile := flag.String("trace", "", "write an execution trace to this file")
	schedLat := flag.Bool("schedlat", false, "print scheduling latency quantiles on stderr at exit")
	flag.Parse()
	stop, err := benchproc.StartProfiles(*cpuProfile, *traceFile)
	if err == nil {
		err = run(*name, *addr)
		err = errors.Join(err, stop())
		if *schedLat {
			benchproc.PrintSchedLatency(os.Stderr, *name)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rpcserver:", err)
		os.Exit(1)
	}
}

func run(name, addr string) error {
	benchproc.RaiseNoFile() // 1000 callers
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv, err := rpc.Serve(name, ln)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer srv.Close()
	return benchproc.ServeCommands(ln.Addr(), os.Stdin, os.Stdout)
}
