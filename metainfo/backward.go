package metainfo

import (
	"context"
	"strings"
	"sync"
)

// backwardStore holds the backward values of one call. It is written and read under mu: a handler may
// hand its context to other goroutines.
type backwardStore struct {
	mu    sync.Mutex
	pairs []Pair // wire keys ("RPC_BACKWARD_k")
}

func (s *backwardStore) set(wire, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.pairs {
		if s.pairs[i].Key == wire {
			s.pairs[i].Value = v
			return
		}
	}
	s.pairs = append(s.pairs, Pair{Key: wire, Value: v})
}

func (s *backwardStore) get(k string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.pairs {
		if s.pairs[i].Key[len(PrefixBackward):] == k {
			return s.pairs[i].Value, true
		}
	}
	return "", false
}

// Two stores, so that a server handler's own downstream call cannot leak its downstream's backward
// values into the reply to its caller.
type (
	backwardRecvKey struct{} // client: values received in the reply
	backwardSendKey struct{} // server: values to send in the reply
)

func storeOf(ctx context.Context, key any) *backwardStore {
	s, _ := ctx.Value(key).(*backwardStore)
	return s
}

// WithBackwardValues returns a context in which a call collects the backward values its server sends
// (see RecvBackwardValue). A client calls it before the call.
func WithBackwardValues(ctx context.Context) context.Context {
	return context.WithValue(ctx, backwardRecvKey{}, new(backwardStore))
}

// RecvBackwardValue returns the backward value k the server sent in reply to a call made with a
// context from WithBackwardValues.
func RecvBackwardValue(ctx context.Context, k string) (string, bool) {
	if s := storeOf(ctx, backwardRecvKey{}); s != nil {
		return s.get(k)
	}
	return "", false
}

// RecvAllBackwardValues returns every backward value received (see RecvBackwardValue), or nil.
func RecvAllBackwardValues(ctx context.Context) map[string]string {
	s := storeOf(ctx, backwardRecvKey{})
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pairs) == 0 {
		return nil
	}
	m := make(map[string]string, len(s.pairs))
	for _, p := range s.pairs {
		m[p.Key[len(PrefixBackward):]] = p.Value
	}
	return m
}

// SetBackwardFromWire stores the "RPC_BACKWARD_k" pairs of a reply into ctx's WithBackwardValues store
// and reports whether ctx has one. The client framework calls it after decoding the reply header.
func SetBackwardFromWire(ctx context.Context, pairs []Pair) bool {
	s := storeOf(ctx, backwardRecvKey{})
	if s == nil {
		return false
	}
	for _, p := range pairs {
		if len(p.Key) > len(PrefixBackward) && p.Value != "" && strings.HasPrefix(p.Key, PrefixBackward) {
			s.set(p.Key, p.Value)
		}
	}
	return true
}

// WithBackwardValuesToSend returns a context in which a handler can send backward values to its caller
// (SendBackwardValue). The server framework calls it for each request whose caller may read them.
func WithBackwardValuesToSend(ctx context.Context) context.Context {
	return context.WithValue(ctx, backwardSendKey{}, new(backwardStore))
}

// SendBackwardValue records k=v to be sent back to the caller in the reply, and reports whether ctx
// allows it (it comes from WithBackwardValuesToSend and k and v are not empty).
func SendBackwardValue(ctx context.Context, k, v string) bool {
	s := storeOf(ctx, backwardSendKey{})
	if s == nil || k == "" || v == "" {
		return false
	}
	s.set(PrefixBackward+k, v)
	return true
}

// AppendBackwardWire appends the backward values a handler sent (SendBackwardValue) as
// "RPC_BACKWARD_k" pairs. The server framework calls it when encoding the reply header.
func AppendBackwardWire(dst []Pair, ctx context.Context) []Pair {
	s := storeOf(ctx, backwardSendKey{})
	if s == nil {
		return dst
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append(dst, s.pairs...)
}
