package loadgen

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Errors returned by Run and Config.Validate. Compare with errors.Is.
var (
	// ErrConfig means a Config field is out of range; the wrapped message names the field.
	ErrConfig = errors.New("loadgen: invalid config")
	// ErrAllFailed means every connection failed (at dial time or later) before the run could end
	// normally. The Result returned with it still holds what was measured until then.
	ErrAllFailed = errors.New("loadgen: every connection failed")
	// ErrBadReply means a reply did not parse, did not match the request (Config.Verify) or arrived
	// with extra bytes after it, which a ping-pong server never sends.
	ErrBadReply = errors.New("loadgen: bad reply")
)

// Defaults applied by Run to zero Config fields.
const (
	DefaultSize        = 128
	DefaultDuration    = time.Second
	DefaultDialTimeout = 5 * time.Second
	// MaxConns bounds Config.Conns; the process's RLIMIT_NOFILE must allow as many descriptors.
	MaxConns = 1 << 20
	// MaxMessage bounds a request's and a reply's length, so a corrupt length prefix cannot make the
	// generator allocate without limit.
	MaxMessage = 64 << 20
)

// Config describes one run. The zero value is not usable (Addr is required); every other zero field
// takes the default documented on it.
type Config struct {
	// Addr is the server's TCP address, host:port. Required.
	Addr string
	// Conns is the number of connections, each in ping-pong. Zero means 1.
	Conns int
	// Size is the payload size in bytes handed to Codec.AppendRequest. Zero means DefaultSize (128);
	// for a zero-length payload use a codec that ignores Size.
	Size int
	// Duration is the length of the measured window. Zero means DefaultDuration, unless Requests is set,
	// in which case only Requests (and Timeout) end the run.
	Duration time.Duration
	// Requests, if positive, ends the measured window once that many replies have been recorded.
	Requests int64
	// Warmup runs the load before the measured window; its replies are not recorded. Zero means none.
	Warmup time.Duration
	// Timeout bounds the whole run (dialing, warm-up and window). Zero means DialTimeout + Warmup +
	// Duration + 10s when Duration bounds the window, and DialTimeout + Warmup + 1 minute otherwise.
	Timeout time.Duration
	// DialTimeout bounds the dialing of all connections. Zero means DefaultDialTimeout.
	DialTimeout time.Duration
	// Codec frames requests and delimits replies. Nil means Framed{}.
	Codec Codec
	// Verify checks that each reply is byte for byte the request (an echo server). It costs a
	// comparison per reply, so benchmarks leave it off.
	Verify bool
	// OnMeasure, if set, is called once from Run's goroutine when the measured window opens (after
	// dialing and warm-up). Drivers use it to sample the server's CPU time. It must return quickly.
	OnMeasure func()
}

// Codec frames the requests a connection sends and delimits the replies it receives. Implementations
// must be safe for concurrent use by several connections (the fallback engine runs one goroutine per
// connection); they usually hold no state at all.
type Codec interface {
	// AppendRequest appends one complete request carrying size payload bytes to dst and returns the
	// extended slice. Run calls it once per connection and sends the same bytes on every request
	// (see Sequencer).
	AppendRequest(dst []byte, size int) ([]byte, error)
	// ReplyLen reports the total length in bytes of the reply that prefix begins: 0 with a nil error
	// when the prefix is too short to tell, an error when it cannot begin a valid reply. It must not
	// retain prefix.
	ReplyLen(prefix []byte) (int, error)
}

// Sequencer is implemented by codecs whose requests carry a sequence number (TTHeader, Thrift message
// headers). Before each request after the first, Run calls SetSequence on the request bytes that
// AppendRequest produced, so the request is updated in place rather than encoded again.
type Sequencer interface {
	SetSequence(req []byte, seq int32)
}

// ReplyChecker is implemented by codecs whose replies are not byte copies of their requests (an RPC
// reply carries its own message type and result), so that the generator checks what it counts. Run
// calls CheckReply with the request as sent (sequence number included) and the complete reply, on every
// reply, whatever Config.Verify says; an error fails the connection like any bad reply and should wrap
// ErrBadReply. Neither slice may be retained.
type ReplyChecker interface {
	CheckReply(req, reply []byte) error
}

// Framed is the default Codec: a 4-byte big-endian length followed by that many payload bytes, both for
// the request and for the reply. The payload is a repeating byte pattern.
type Framed struct{}

// AppendRequest implements Codec.
func (Framed) AppendRequest(dst []byte, size int) ([]byte, error) {
	if size < 0 || size > MaxMessage-4 {
		return dst, fmt.Errorf("%w: framed payload size %d out of range [0, %d]", ErrConfig, size, MaxMessage-4)
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(size))
	for i := range size {
		dst = append(dst, byte('a'+i%26))
	}
	return dst, nil
}

// ReplyLen implements Codec.
func (Framed) ReplyLen(prefix []byte) (int, error) {
	if len(prefix) < 4 {
		return 0, nil
	}
	n := binary.BigEndian.Uint32(prefix)
	if n > MaxMessage-4 {
		return 0, fmt.Errorf("%w: frame length %d exceeds %d", ErrBadReply, n, MaxMessage-4)
	}
	return 4 + int(n), nil
}

// Result is what one run measured. Latencies are round trips from the start of a request's write to
// the arrival of its reply's last byte, recorded only inside the measured window.
type Result struct {
	// Requests is the number of replies recorded in the measured window.
	Requests int64
	// Errors counts connections that failed: dial errors, resets, early closes, bad replies.
	Errors int64
	// Conns is the number of connections that were established.
	Conns int
	// Duration is the measured window's actual length.
	Duration time.Duration
	// QPS is Requests / Duration in requests per second.
	QPS float64
	// Mean, P50, P90, P99, P999 and Max summarise the latencies (percentiles within 0.4%).
	Mean, P50, P90, P99, P999, Max time.Duration
	// CPU is the user+system CPU time the whole process spent during the window (zero where the
	// platform does not report it). CPU / Duration is the generator's own utilisation.
	CPU time.Duration
}

// Validate reports whether c can run, naming the first bad field. Run calls it.
func (c *Config) Validate() error {
	switch {
	case c.Addr == "":
		return fmt.Errorf("%w: Addr is empty", ErrConfig)
	case c.Conns < 0 || c.Conns > MaxConns:
		return fmt.Errorf("%w: Conns %d out of range [0, %d]", ErrConfig, c.Conns, MaxConns)
	case c.Size < 0 || c.Size > MaxMessage:
		return fmt.Errorf("%w: Size %d out of range [0, %d]", ErrConfig, c.Size, MaxMessage)
	case c.Duration < 0:
		return fmt.Errorf("%w: Duration %v is negative", ErrConfig, c.Duration)
	case c.Requests < 0:
		return fmt.Errorf("%w: Requests %d is negative", ErrConfig, c.Requests)
	case c.Warmup < 0:
		return fmt.Errorf("%w: Warmup %v is negative", ErrConfig, c.Warmup)
	case c.Timeout < 0:
		return fmt.Errorf("%w: Timeout %v is negative", ErrConfig, c.Timeout)
	case c.DialTimeout < 0:
		return fmt.Errorf("%w: DialTimeout %v is negative", ErrConfig, c.DialTimeout)
	}
	return nil
}

// withDefaults returns a copy of c with every zero field replaced by its default.
func (c Config) withDefaults() Config {
	if c.Conns == 0 {
		c.Conns = 1
	}
	if c.Size == 0 {
		c.Size = DefaultSize
	}
	if c.Duration == 0 && c.Requests == 0 {
		c.Duration = DefaultDuration
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.Timeout == 0 {
		if c.Duration > 0 {
			c.Timeout = c.DialTimeout + c.Warmup + c.Duration + 10*time.Second
		} else {
			c.Timeout = c.DialTimeout + c.Warmup + time.Minute
		}
	}
	if c.Codec == nil {
		c.Codec = Framed{}
	}
	return c
}

// request encodes the request a connection sends, checking the codec's output.
func (c *Config) request() ([]byte, error) {
	req, err := c.Codec.AppendRequest(nil, c.Size)
	if err != nil {
		return nil, err
	}
	if len(req) == 0 || len(req) > MaxMessage {
		return nil, fmt.Errorf("%w: codec produced a %d-byte request, want 1..%d", ErrConfig, len(req), MaxMessage)
	}
	return req, nil
}
