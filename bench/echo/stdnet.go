package echo

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
)

// stdServer is the goroutine-per-connection server on the standard net package.
type stdServer struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func serveStdNet(ln net.Listener) *stdServer {
	s := &stdServer{ln: ln, conns: make(map[net.Conn]struct{})}
	s.wg.Add(1)
	go s.accept()
	return s
}

func (s *stdServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return // closed
		}
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			_ = echoConn(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			_ = c.Close()
		}()
	}
}

// echoConn answers frames on c until it fails. The buffer is allocated on the first frame and grown to
// the next power of two when a longer frame comes, then reused.
func echoConn(c net.Conn) error {
	var buf []byte
	var hdr [4]byte
	for {
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint32(hdr[:]))
		if n > MaxFrame {
			return errFrameTooLong
		}
		if 4+n > len(buf) {
			size := 256
			for size < 4+n {
				size *= 2
			}
			buf = make([]byte, size)
		}
		copy(buf, hdr[:])
		if _, err := io.ReadFull(c, buf[4:4+n]); err != nil {
			return err
		}
		if _, err := c.Write(buf[:4+n]); err != nil {
			return err
		}
	}
}

// Close stops accepting, closes every connection and waits for their goroutines.
func (s *stdServer) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}
