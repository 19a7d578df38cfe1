package loadgen

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// echoServer is a framed echo server on the standard net package for the tests: a goroutine per
// connection, one reusable buffer each, no allocation per request.
type echoServer struct {
	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	replies atomic.Int64

	// closeAfter, if positive, makes the server close a connection after that many replies.
	closeAfter int
	// mangle, if set, rewrites each reply before it is sent (it may return a longer slice).
	mangle func(reply []byte) []byte
	// silent makes the server read requests and never answer.
	silent bool
	// onRequest, if set, sees each request's payload.
	onRequest func(payload []byte)
}

// startEcho starts s on 127.0.0.1:0 and stops it when the test ends, checking that every connection
// goroutine has returned.
func startEcho(t testing.TB, s *echoServer) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.ln = ln
	s.conns = make(map[net.Conn]struct{})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns[c] = struct{}{}
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(c)
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				_ = c.Close()
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		s.mu.Lock()
		for c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait() // a leaked connection goroutine hangs the test here
	})
	return ln.Addr().String()
}

func (s *echoServer) serve(c net.Conn) {
	buf := make([]byte, 4096)
	for n := 0; s.closeAfter <= 0 || n < s.closeAfter; n++ {
		if _, err := io.ReadFull(c, buf[:4]); err != nil {
			return
		}
		size := int(binary.BigEndian.Uint32(buf))
		if size+4 > len(buf) {
			if size > MaxMessage {
				return
			}
			b := make([]byte, size+4)
			copy(b, buf[:4])
			buf = b
		}
		if _, err := io.ReadFull(c, buf[4:4+size]); err != nil {
			return
		}
		if s.onRequest != nil {
			s.onRequest(buf[4 : 4+size])
		}
		if s.silent {
			continue
		}
		reply := buf[:4+size]
		if s.mangle != nil {
			reply = s.mangle(reply)
		}
		if _, err := c.Write(reply); err != nil {
			return
		}
		s.replies.Add(1)
	}
}
