package faults_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/kestrel-rpc/kestrel/client"
	at "github.com/kestrel-rpc/kestrel/interop/internal/apache/thrifttest"
	kt "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest"
	ktsvc "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest/thrifttest"
	"github.com/kestrel-rpc/kestrel/netpoll"
	"github.com/kestrel-rpc/kestrel/server"
)

// hang bounds every wait that is not itself under test: a hang detector, never a synchronisation.
const hang = 10 * time.Second

// rawServer is a loopback TCP listener whose connections a test function serves byte by byte.
type rawServer struct {
	ln       net.Listener
	accepted atomic.Int32
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
}

// startRaw serves each accepted connection with serve (on its own goroutine) until the test ends; then
// it closes the listener and every connection and waits for the serve calls to return.
func startRaw(t *testing.T, serve func(c net.Conn)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *rawServer) addr() string { return s.ln.Addr().String() }

// readFrame reads one length-prefixed frame (Framed, TTHeader and THeader all start with the length)
// and returns the bytes after the length.
func readFrame(c net.Conn) ([]byte, error) {
	c.SetReadDeadline(time.Now().Add(hang))
	var n [4]byte
	if _, err := io.ReadFull(c, n[:]); err != nil {
		return nil, err
	}
	frame := make([]byte, binary.BigEndian.Uint32(n[:]))
	_, err := io.ReadFull(c, frame)
	return frame, err
}

// awaitClose reads c until the peer closes it, and reports whether it did within hang.
func awaitClose(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(hang))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// apacheMessage encodes a message with Apache's strict TBinaryProtocol.
func apacheMessage(t *testing.T, name string, typ thrift.TMessageType, seq int32, body thrift.TStruct) []byte {
	t.Helper()
	ctx := context.Background()
	buf := thrift.NewTMemoryBuffer()
	p := thrift.NewTBinaryProtocolConf(buf, &thrift.TConfiguration{})
	if err := p.WriteMessageBegin(ctx, name, typ, seq); err != nil {
		t.Fatal(err)
	}
	if err := body.Write(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteMessageEnd(ctx); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// parseCall decodes a strict-Binary testString call with Apache's library.
func parseCall(msg []byte) (name string, typ thrift.TMessageType, seq int32, args *at.ThriftTestTestStringArgs, err error) {
	ctx := context.Background()
	buf := thrift.NewTMemoryBuffer()
	buf.Write(msg)
	p := thrift.NewTBinaryProtocolConf(buf, &thrift.TConfiguration{})
	if name, typ, seq, err = p.ReadMessageBegin(ctx); err != nil {
		return
	}
	args = at.NewThriftTestTestStringArgs()
	err = args.Read(ctx, p)
	return
}

// frame prefixes msg with its length, as Framed does.
func frame(msg []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(msg))), msg...)
}

// newClient returns a ThriftTest client of addr on group; the test closes it when it ends.
func newClient(t *testing.T, addr string, group *netpoll.PollerGroup, opts ...client.Option) ktsvc.Client {
	t.Helper()
	c, err := ktsvc.NewClient("ThriftTest", append([]client.Option{client.WithHostPorts(addr), client.WithPollerGroup(group)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startKestrelServer serves h on group at a loopback port until the test ends (then shuts it down),
// logging into log (nil: nowhere), and returns the server and its address.
func startKestrelServer(t *testing.T, h kt.ThriftTest, group *netpoll.PollerGroup, log io.Writer) (*server.Server, string) {
	t.Helper()
	if log == nil {
		log = io.Discard
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := ktsvc.NewServer(h, server.WithPollerGroup(group), server.WithLogger(slog.New(slog.NewTextHandler(log, nil))))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hang)
		defer cancel()
		srv.Shutdown(ctx)
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(hang):
			t.Error("Serve did not return after Shutdown")
		}
	})
	return srv, ln.Addr().String()
}
