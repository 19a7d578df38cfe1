package client

import (
	"context"
	"errors"
	"sync/atomic"
)

// ErrNoAddress is the cause of a call that has nowhere to go.
var ErrNoAddress = errors.New("client: no address to call")

// Picker chooses the address ("host:port") of each call. It is the seam for service discovery and load
// balancing; WithHostPorts installs a round robin over a fixed list. It must be safe for concurrent use.
type Picker interface {
	Pick(ctx context.Context) (addr string, err error)
}

// roundRobin is the Picker of WithHostPorts.
type roundRobin struct {
	addrs []string
	next  atomic.Uint32
}

func (r *roundRobin) Pick(context.Context) (string, error) {
	if len(r.addrs) == 0 {
		return "", ErrNoAddress
	}
	if len(r.addrs) == 1 {
		return r.addrs[0], nil
	}
	return r.addrs[int(r.next.Add(1)-1)%len(r.addrs)], nil
}
