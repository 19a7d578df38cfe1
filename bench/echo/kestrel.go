package echo

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"time"

	"github.com/kestrel-rpc/kestrel/netpoll"
)

// kestrelServer serves with Kestrel's netpoll EventLoop on a poller group of its own, so that the
// variants can switch the reactor's techniques off.
type kestrelServer struct {
	group *netpoll.PollerGroup
	evl   *netpoll.EventLoop
	done  chan struct{}
}

func serveKestrel(ln net.Listener, noSpin, noDataPointer bool) (*kestrelServer, error) {
	g, err := netpoll.NewPollerGroup(netpoll.PollerOptions{
		ExperimentalNoSpin:        noSpin,
		ExperimentalNoDataPointer: noDataPointer,
	})
	if err != nil {
		return nil, err
	}
	evl, err := netpoll.NewEventLoopWithOptions(kestrelOnRequest, netpoll.Options{PollerGroup: g})
	if err != nil {
		_ = g.Close()
		return nil, err
	}
	s := &kestrelServer{group: g, evl: evl, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = evl.Serve(ln)
	}()
	return s, nil
}

// kestrelOnRequest answers one frame: Next for the header and the payload (blocking until they
// arrive), one Malloc for the reply, Release, Flush. The event loop calls it again while input remains.
func kestrelOnRequest(_ context.Context, conn netpoll.Connection) error {
	r, w := conn.Reader(), conn.Writer()
	hdr, err := r.Next(4)
	if err != nil {
		return err
	}
	n := int(binary.BigEndian.Uint32(hdr))
	if n > MaxFrame {
		return errFrameTooLong // a non-nil error closes the connection
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

// Close shuts the event loop down (closing the listener and connections), then the poller group.
func (s *kestrelServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.evl.Shutdown(ctx)
	<-s.done
	if errors.Is(err, netpoll.ErrEventLoopClosed) {
		err = nil
	}
	return errors.Join(err, s.group.Close())
}
