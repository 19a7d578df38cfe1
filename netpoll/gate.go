package netpoll

import "sync/atomic"

// A gate counts the users of a resource (a file descriptor, a buffer) and runs its release exactly once,
// when release was requested (shut) and the last user has left. It is what lets Close run concurrently
// with a read or a write without freeing memory or closing a descriptor under a system call.
//
// The state word holds the user count in its low bits, gateShut once release was requested and
// gateDone once the release ran.
type gate struct {
	state atomic.Int64
	// strict gates refuse new users as soon as they are shut (file descriptors: no write after Close);
	// lenient gates admit users until the release ran (input buffers: bytes that arrived before the
	// close stay readable).
	strict bool
}

const (
	gateShut = int64(1) << 62
	gateDone = int64(1) << 61
	gateRefs = gateDone - 1
)

// acquire registers a user. It reports false when the resource is gone (or, for a strict gate, going).
func (g *gate) acquire() bool {
	for {
		s := g.state.Load()
		if s&gateDone != 0 || (g.strict && s&gateShut != 0) {
			return false
		}
		if g.state.CompareAndSwap(s, s+1) {
			return true
		}
	}
}

// release unregisters a user. It reports true when the caller must now free the resource (it was the
// last user after shut).
func (g *gate) release() bool {
	s := g.state.Add(-1)
	return s == gateShut && g.state.CompareAndSwap(gateShut, gateShut|gateDone)
}

// shut requests the release. It reports true when the caller must free the resource now (no users);
// otherwise the last user's release reports true. Only the first call can report true.
func (g *gate) shut() bool {
	for {
		s := g.state.Load()
		if s&gateShut != 0 {
			return false
		}
		if g.state.CompareAndSwap(s, s|gateShut) {
			return s&gateRefs == 0 && g.state.CompareAndSwap(gateShut, gateShut|gateDone)
		}
	}
}
