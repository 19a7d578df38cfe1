// Package faults_test breaks the peer of a Kestrel client or server on purpose, over loopback TCP, and
// checks that the Kestrel side fails the way rpcerr promises, promptly, and leaks neither goroutines
// nor file descriptors: a server process killed (SIGKILL) or shut down mid-call, a server that answers
// garbage, a server that never answers, and a client that announces a frame far over the server's
// limit.
//
// Each test counts goroutines and open descriptors before it starts and waits, boundedly, for both to
// come back after it ends (leakCheck); tests run one at a time, so the counts are the test's own.
package faults_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"testing"

	ktsvc "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest/thrifttest"
	"github.com/kestrel-rpc/kestrel/interop/internal/testserver"
	"github.com/kestrel-rpc/kestrel/server"
)

// childEnv, set to "server", makes the test binary a Kestrel server process (see runChildServer)
// instead of running tests.
const childEnv = "KESTREL_FAULTS_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "server" {
		os.Exit(runChildServer())
	}
	os.Exit(m.Run())
}

// runChildServer serves ThriftTest on a loopback port, prints "addr <host:port>" on stdout, and prints
// "entered" when a testString("block") call reaches the handler, which then never returns. The process
// ends when its stdin closes (the test died) or when the test kills it.
func runChildServer() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	entered := make(chan struct{}, 1)
	h := &blocking{Kestrel: &testserver.Kestrel{}, block: "block", entered: entered, release: make(chan struct{})}
	srv := ktsvc.NewServer(h, server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	go srv.Serve(ln)
	fmt.Fprintf(out, "addr %s\n", ln.Addr())
	out.Flush()
	go func() {
		for range entered {
			fmt.Fprintln(out, "entered")
			out.Flush()
		}
	}()
	io.Copy(io.Discard, os.Stdin)
	srv.Shutdown(context.Background())
	return 0
}

// blocking is the reference handler, except that testString(block) signals entered and then waits
// for release (or its context).
type blocking struct {
	*testserver.Kestrel
	block   string
	entered chan<- struct{}
	release chan struct{}
}

func (h *blocking) TestString(ctx context.Context, v string) (string, error) {
	if v != h.block {
		return h.Kestrel.TestString(ctx, v)
	}
	h.entered <- struct{}{}
	<-h.release
	return v, nil
}
