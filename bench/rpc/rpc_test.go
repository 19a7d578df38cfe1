package rpc

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/internal/loadgen"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startServer serves name on a loopback port until the test ends.
func startServer(t testing.TB, name string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Serve(name, ln)
	if err != nil {
		_ = ln.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("closing %s: %v", name, err)
		}
	})
	return ln.Addr().String()
}

// TestImpls runs every implementation whose server and client exist for a moment, checking that calls
// complete and are answered right.
func TestImpls(t *testing.T) {
	for _, im := range append(Impls[:len(Impls):len(Impls)], ExtraImpls...) {
		t.Run(im.Name, func(t *testing.T) {
			addr := startServer(t, im.Server)
			for _, size := range []int{0, 1024, 70000} {
				measured := false
				r, err := Load(testCtx(t), LoadConfig{Client: im.Client, Addr: addr, Callers: 3, Size: size,
					Warmup: 10 * time.Millisecond, Duration: 100 * time.Millisecond, OnMeasure: func() { measured = true }})
				if err != nil {
					t.Fatalf("size %d: %v", size, err)
				}
				if r.Requests == 0 || r.Errors != 0 || r.QPS <= 0 || r.P50 <= 0 || r.P99 < r.P50 || !measured {
					t.Errorf("size %d: %+v (OnMeasure called: %v)", size, r, measured)
				}
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	if _, err := Load(testCtx(t), LoadConfig{Client: "grpc", Addr: "127.0.0.1:1", Callers: 0, Duration: time.Second}); !errors.Is(err, loadgen.ErrConfig) {
		t.Errorf("0 callers: %v", err)
	}
	if _, err := Load(testCtx(t), LoadConfig{Client: "nope", Addr: "127.0.0.1:1", Callers: 1, Duration: time.Second}); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown client: %v", err)
	}
	if _, err := Serve("nope", nil); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown server: %v", err)
	}
	if _, err := LookupImpl("nope"); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown impl: %v", err)
	}
	if im, err := LookupImpl("kestrel-apache"); err != nil || im.Server != "kestrel" || im.Client != "apache" {
		t.Errorf("LookupImpl(kestrel-apache) = %+v, %v", im, err)
	}
}

// TestLoadAllFail: a server that closes every connection ends an RPC client's run with ErrAllFailed,
// promptly.
func TestLoadAllFail(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	start := time.Now()
	_, err = Load(testCtx(t), LoadConfig{Client: "apache", Addr: ln.Addr().String(), Callers: 2, Size: 8,
		Warmup: 10 * time.Second, Duration: 10 * time.Second})
	if !errors.Is(err, loadgen.ErrAllFailed) {
		t.Errorf("err = %v, want ErrAllFailed", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("the run did not end promptly")
	}
}

func TestFramedEcho(t *testing.T) {
	var c FramedEcho
	req, err := c.AppendRequest(nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0, 0, 0, 33, 0x80, 1, 0, 1, 0, 0, 0, 4, 'E', 'c', 'h', 'o', 0, 0, 0, 0,
		0x0C, 0, 1, 0x0B, 0, 1, 0, 0, 0, 5, 'a', 'b', 'c', 'd', 'e', 0, 0}
	if string(req) != string(want) {
		t.Fatalf("request\n%x, want\n%x", req, want)
	}
	if n, err := c.ReplyLen(req[:3]); n != 0 || err != nil {
		t.Errorf("ReplyLen(3 bytes) = %d, %v", n, err)
	}
	if n, err := c.ReplyLen(req); n != len(req) || err != nil {
		t.Errorf("ReplyLen = %d, %v", n, err)
	}
	if _, err := c.ReplyLen([]byte{0xFF, 0, 0, 0}); !errors.Is(err, loadgen.ErrBadReply) {
		t.Errorf("ReplyLen(huge) = %v", err)
	}
	c.SetSequence(req, 7)
	if binary.BigEndian.Uint32(req[16:]) != 7 {
		t.Errorf("SetSequence did not write the seqid: %x", req)
	}
	reply := func(mangle func([]byte) []byte) []byte {
		b := append([]byte(nil), req...)
		b[7] = 2            // REPLY
		b[21], b[22] = 0, 0 // success
		return mangle(b)
	}
	if err := c.CheckReply(req, reply(func(b []byte) []byte { return b })); err != nil {
		t.Errorf("good reply: %v", err)
	}
	for name, mangle := range map[string]func([]byte) []byte{
		"call":      func(b []byte) []byte { b[7] = 1; return b },
		"exception": func(b []byte) []byte { b[7] = 3; return b },
		"seqid":     func(b []byte) []byte { b[19]++; return b },
		"name":      func(b []byte) []byte { b[12] = 'e'; return b },
		"field":     func(b []byte) []byte { b[22] = 1; return b },
		"payload":   func(b []byte) []byte { b[31] = 'x'; return b },
		"short":     func(b []byte) []byte { return b[:len(b)-1] },
	} {
		if err := c.CheckReply(req, reply(mangle)); !errors.Is(err, loadgen.ErrBadReply) {
			t.Errorf("%s: CheckReply = %v, want ErrBadReply", name, err)
		}
	}
}
