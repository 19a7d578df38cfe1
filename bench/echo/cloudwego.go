package echo

import (
	"context"
	"encoding/binary"
	"net"
	"time"

	"github.com/cloudwego/netpoll"
)

// cloudwegoServer serves with cloudwego/netpoll's EventLoop.
type cloudwegoServer struct {
	evl  netpoll.EventLoop
	done chan struct{}
}

func serveCloudwego(ln net.Listener) (*cloudwegoServer, error) {
	evl, err := netpoll.NewEventLoop(cloudwegoOnRequest)
	if err != nil {
		return nil, err
	}
	s := &cloudwegoServer{evl: evl, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = evl.Serve(ln)
	}()
	return s, nil
}

// cloudwegoOnRequest answers one frame: Next for the header and the payload (blocking until they
// arrive), one Malloc for the reply, Flush. netpoll calls it again while input remains.
func cloudwegoOnRequest(_ context.Context, conn netpoll.Connection) error {
	r, w := conn.Reader(), conn.Writer()
	hdr, err := r.Next(4)
	if err != nil {
		return err
	}
	n := int(binary.BigEndian.Uint32(hdr))
	if n > MaxFrame {
		_ = conn.Close() // an OnRequest error alone does not close the connection
		return errFrameTooLong
	}
	payload, err := r.Next(n)
	if err != nil {
		return err
	}
	out, err := w.Malloc(4 + n)
	if err != nil {
		return err
	}
	binary.BigEndian.PutUint32(out, uint32(n))
	copy(out[4:], payload)
	if err := r.Release(); err != nil {
		return err
	}
	return w.Flush()
}

// Close shuts the event loop down (closing the listener) and waits for Serve to return.
func (s *cloudwegoServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.evl.Shutdown(ctx)
	<-s.done
	return err
}
