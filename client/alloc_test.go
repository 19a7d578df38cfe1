//go:build !race

package client_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/client"
	"github.com/kestrel-rpc/kestrel/codec"
	"github.com/kestrel-rpc/kestrel/endpoint"
	bench "github.com/kestrel-rpc/kestrel/internal/gentest/bench"
	"github.com/kestrel-rpc/kestrel/internal/gentest/bench/echoservice"
	"github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
)

// TestClientAllocs measures the client's steady-state allocations per call of the echo service
// against a hand-rolled responder that allocates nothing itself (it patches the sequence id into a
// pre-encoded reply), so every allocation counted is the client's. The budget is 2, both in decoding
// the reply: the *bench.Echo the result points to, and the one string arena all its strings share
// (thrift.StructArena). The call's args/result pair, its callinfo.Info, the connection and its
// buffers are pooled.
func TestClientAllocs(t *testing.T) {
	for _, size := range []int{128, 1 << 10, 16 << 10} {
		t.Run(sizeName(size), func(t *testing.T) {
			msg := strings.Repeat("e", size)
			addr := startAllocResponder(t, msg)
			c, err := echoservice.NewClient("EchoService", client.WithHostPorts(addr))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			req := &bench.Echo{Msg: msg}
			ctx := context.Background()
			call := func() {
				resp, err := c.Echo(ctx, req)
				if err != nil || len(resp.Msg) != size {
					t.Fatalf("Echo: %v", err)
				}
			}
			for range 100 {
				call()
			}
			got := testing.AllocsPerRun(2000, call)
			t.Logf("client allocations per call, %d-byte echo: %v", size, got)
			if got > 2 {
				t.Fatalf("%v allocations per call, budget 2", got)
			}
		})
	}
}

// startAllocResponder answers every TTHeader echo request with the same pre-encoded reply, its
// sequence id patched in, without allocating.
func startAllocResponder(t *testing.T, msg string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Encode the reply twice, with two sequence ids, to find where the ids sit.
	enc := func(seq int32) []byte {
		m := &codec.Message{Kind: transport.TTHeader, Protocol: transport.Binary, FramedPayload: true,
			Name: "echo", Type: thrift.REPLY, SeqID: seq}
		return encodeMessage(t, m, &bench.EchoServiceEchoResult{Success: &bench.Echo{Msg: msg}})
	}
	reply, other := enc(0), enc(-1)
	var seqAt []int
	for i := range reply {
		if reply[i] != other[i] && (len(seqAt) == 0 || i >= seqAt[len(seqAt)-1]+4) {
			seqAt = append(seqAt, i)
		}
	}
	if len(seqAt) != 2 {
		t.Fatalf("found %d sequence ids in the reply", len(seqAt))
	}
	var wg sync.WaitGroup
	serve := func(conn net.Conn) {
		defer wg.Done()
		defer conn.Close()
		reply := bytes.Clone(reply)
		frame := make([]byte, 1<<20)
		for {
			if _, err := io.ReadFull(conn, frame[:4]); err != nil {
				return
			}
			n := int(binary.BigEndian.Uint32(frame))
			if _, err := io.ReadFull(conn, frame[4:4+n]); err != nil {
				return
			}
			seq := frame[8:12] // TTHeader SEQUENCE NUMBER
			for _, at := range seqAt {
				copy(reply[at:at+4], seq)
			}
			if _, err := conn.Write(reply); err != nil {
				return
			}
		}
	}
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Add(1)
			go serve(conn)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// TestClientAllocsVariants bounds what a context with a deadline and a middleware add to a call. A
// context that can be canceled costs context.AfterFunc's two allocations (its hook context and the stop
// function), which wake the call's blocked read on cancel; a middleware chain costs the context that
// carries the call's *callinfo.Info. An RPC timeout set on the client costs nothing.
func TestClientAllocsVariants(t *testing.T) {
	msg := strings.Repeat("e", 1<<10)
	addr := startAllocResponder(t, msg)
	deadlineCtx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	pass := func(next endpoint.Endpoint) endpoint.Endpoint { return next }
	for _, v := range []struct {
		name   string
		ctx    context.Context
		opts   []client.Option
		budget float64
	}{
		{"rpc timeout", context.Background(), []client.Option{client.WithRPCTimeout(time.Second)}, 2},
		{"context deadline", deadlineCtx, nil, 4},
		{"middleware", context.Background(), []client.Option{client.WithMiddleware(pass)}, 3},
	} {
		t.Run(v.name, func(t *testing.T) {
			c, err := echoservice.NewClient("EchoService", append(v.opts, client.WithHostPorts(addr))...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			req := &bench.Echo{Msg: msg}
			call := func() {
				if _, err := c.Echo(v.ctx, req); err != nil {
					t.Fatal(err)
				}
			}
			for range 100 {
				call()
			}
			got := testing.AllocsPerRun(1000, call)
			t.Logf("client allocations per call with %s: %v", v.name, got)
			if got > v.budget {
				t.Fatalf("%v allocations per call, budget %v", got, v.budget)
			}
		})
	}
}
