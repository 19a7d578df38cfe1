package callinfo

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/kestrel-rpc/kestrel/internal/invariants"
	"github.com/kestrel-rpc/kestrel/transport"
)

// Info describes one call. See the package comment for who writes it and how long it lives.
type Info struct {
	// CallerService is the service making the call ("" if unknown, e.g. a client that does not name
	// itself). CallerMethod is the caller's own method that made the call, if known.
	CallerService string
	CallerMethod  string
	// CalleeService is the service called: its IDL service name on the server, the target's service
	// name on the client.
	CalleeService string
	// Method is the method called, as it appears in the Thrift message.
	Method string
	// PeerAddr is the remote end: the server's address on the client, the client's on the server. It
	// may be nil before a client has picked an instance.
	PeerAddr net.Addr
	// Kind and Protocol are the framing and the payload protocol of the call.
	Kind     transport.Kind
	Protocol transport.Protocol
	// SeqID is the message's sequence id.
	SeqID int32
	// Oneway is true for a oneway call (no reply).
	Oneway bool
	// ReqSize and RespSize are the sizes on the wire of the request and the reply, framing included.
	ReqSize, RespSize int
	// Start is when the call began: when the client entered Call, or when the server had read the
	// request's first byte.
	Start time.Time
	// RPCTimeout is the call's whole deadline relative to Start; 0 means none.
	RPCTimeout time.Duration
	// Stage durations. On the server: Read (the request's bytes), Decode, Handler, Encode, Write (until
	// Flush returned). On the client: Encode, Write, then Read (from Flush to the reply's last byte, so
	// it includes the server's time and the network), Decode; Handler is 0.
	Read, Decode, Handler, Encode, Write time.Duration
	// Err is the call's error: transport, protocol or handler (an *thrift.ApplicationException, a
	// declared exception, ...); nil on success.
	Err error

	released bool // set by Release; checked under the invariants build tag
}

var pool = sync.Pool{New: func() any { return new(Info) }}

// New returns a zeroed Info from the pool. Release it when the call is done.
func New() *Info {
	i := pool.Get().(*Info)
	i.released = false
	return i
}

// Reset sets every field to its zero value, dropping the references it held.
func (i *Info) Reset() { *i = Info{} }

// Release resets i and returns it to the pool. i must not be used afterwards; releasing it twice
// corrupts later calls (built with -tags invariants, a second Release panics).
func (i *Info) Release() {
	if invariants.Enabled && i.released {
		panic("callinfo: Info released twice")
	}
	i.Reset()
	i.released = true
	pool.Put(i)
}

// infoKey is the context key of the call's *Info.
type infoKey struct{}

// NewContext returns a context that carries ci; FromContext returns it.
func NewContext(ctx context.Context, ci *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, ci)
}

// FromContext returns the *Info of the call ctx belongs to, or nil if there is none. The caller must
// treat it as read-only (see the package comment).
func FromContext(ctx context.Context) *Info {
	ci, _ := ctx.Value(infoKey{}).(*Info)
	return ci
}
