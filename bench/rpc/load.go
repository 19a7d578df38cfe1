package rpc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kestrel-rpc/kestrel/internal/loadgen"
)

// Clients lists the load Load knows:
//
//   - grpc: grpc-go's generated client over one grpc.ClientConn (one HTTP/2 connection) shared by every
//     caller, grpc-go's usual shape;
//   - grpc-conns: the same with a ClientConn (and connection) per caller, like the Thrift clients;
//   - apache: Apache Thrift Go 0.17's generated client, Framed + Binary, one client and connection per
//     caller goroutine (Apache's clients are not safe for concurrent use);
//   - kestrel: Kestrel's generated client (TTHeader + Binary), one client shared by every caller, its
//     long-connection pool sized to the callers;
//   - loadgen: internal/loadgen's single-threaded epoll generator with the FramedEcho codec, a
//     connection per caller: a whole Framed Binary Echo call per request, each reply checked;
//   - framed: internal/loadgen with its bare Framed codec, for the framed-echo server.
var Clients = []string{"grpc", "grpc-conns", "apache", "kestrel", "loadgen", "framed"}

// Impl is one implementation of the benchmark: a server and the load that drives it.
type Impl struct {
	Name, Server, Client string
}

// Impls lists the benchmark's implementations in the order reports show them (issue 4's matrix, plus
// two baselines: Apache's server under the same lean load as Kestrel's, and the bare framed echo).
var Impls = []Impl{
	{"grpc", "grpc", "grpc"},
	{"apache", "apache", "apache"},
	{"kestrel", "kestrel", "kestrel"},
	{"kestrel-apache", "kestrel", "apache"},
	{"kestrel-loadgen", "kestrel", "loadgen"},
	{"apache-loadgen", "apache", "loadgen"},
	{"framed-echo", "framed-echo", "framed"},
}

// ExtraImpls are implementations that LookupImpl knows but the default matrix leaves out.
var ExtraImpls = []Impl{
	{"grpc-conns", "grpc", "grpc-conns"},
}

// LookupImpl returns the implementation called name.
func LookupImpl(name string) (Impl, error) {
	all := append(Impls[:len(Impls):len(Impls)], ExtraImpls...)
	for _, im := range all {
		if im.Name == name {
			return im, nil
		}
	}
	names := make([]string, len(all))
	for i, im := range all {
		names[i] = im.Name
	}
	return Impl{}, fmt.Errorf("%w: implementation %q (have %s)", ErrUnknown, name, strings.Join(names, ","))
}

// LoadConfig describes one load run.
type LoadConfig struct {
	// Client is one of Clients.
	Client string
	// Addr is the server's host:port.
	Addr string
	// Callers is the number of concurrent callers, each in ping-pong (one call at a time).
	Callers int
	// Size is the message's length in bytes.
	Size int
	// Warmup runs the load before the measured window; Duration is the window's length.
	Warmup, Duration time.Duration
	// CallTimeout bounds each call of the RPC clients (zero: 5 s), so that a run always ends.
	CallTimeout time.Duration
	// OnMeasure, if set, is called when the measured window opens.
	OnMeasure func()
}

// Load drives the load cfg describes and returns what it measured, in loadgen's terms: replies
// recorded in the window, their latency (from the call's start to its return), and the process's CPU
// time over the window. A caller whose call fails is counted in Errors and stops; Load fails when
// every caller has.
func Load(ctx context.Context, cfg LoadConfig) (loadgen.Result, error) {
	if cfg.Callers < 1 || cfg.Size < 0 || cfg.Duration <= 0 || cfg.Warmup < 0 {
		return loadgen.Result{}, fmt.Errorf("%w: callers %d, size %d, duration %v, warm-up %v", loadgen.ErrConfig,
			cfg.Callers, cfg.Size, cfg.Duration, cfg.Warmup)
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = 5 * time.Second
	}
	switch cfg.Client {
	case "loadgen", "framed":
		var codec loadgen.Codec = loadgen.Framed{}
		if cfg.Client == "loadgen" {
			codec = FramedEcho{}
		}
		return loadgen.Run(ctx, loadgen.Config{Addr: cfg.Addr, Conns: cfg.Callers, Size: cfg.Size, Warmup: cfg.Warmup,
			Duration: cfg.Duration, Codec: codec, OnMeasure: cfg.OnMeasure})
	}
	msg := Payload(cfg.Size)
	var c rpcClient
	var err error
	switch cfg.Client {
	case "grpc", "grpc-conns":
		c, err = newGRPCClient(cfg.Addr, cfg.CallTimeout, cfg.Client == "grpc-conns")
	case "apache":
		c, err = newApacheClient(cfg.Addr, cfg.CallTimeout)
	case "kestrel":
		c, err = newKestrelClient(cfg.Addr, cfg.Callers, cfg.CallTimeout)
	default:
		err = fmt.Errorf("%w: client %q (have %v)", ErrUnknown, cfg.Client, Clients)
	}
	if err != nil {
		return loadgen.Result{}, err
	}
	defer c.Close()
	return drive(ctx, &cfg, c, msg)
}

// Payload is the message of size bytes every client sends: the repeating pattern loadgen's codecs use.
func Payload(size int) string {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return string(b)
}

// rpcClient is one client library's side of the benchmark.
type rpcClient interface {
	// caller returns the call one caller goroutine makes in a loop: an Echo of msg whose answer it
	// checks, bounded by the client's own idiom for a call timeout (LoadConfig.CallTimeout). It may
	// dial (Apache: a connection per caller).
	caller(msg string) (func(ctx context.Context) error, error)
	Close() error
}

// Phases of a drive run.
const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseStop
)

// drive runs cfg.Callers goroutines in ping-pong through c: a warm-up, then the measured window.
func drive(ctx context.Context, cfg *LoadConfig, c rpcClient, msg string) (loadgen.Result, error) {
	calls := make([]func(context.Context) error, cfg.Callers)
	for i := range calls {
		call, err := c.caller(msg)
		if err != nil {
			return loadgen.Result{}, fmt.Errorf("caller %d: %w", i, err)
		}
		calls[i] = call
	}
	var (
		phase   atomic.Int32
		mu      sync.Mutex
		hist    loadgen.Histogram
		errs    atomic.Int64
		live    atomic.Int64
		lastErr atomic.Value
		wg      sync.WaitGroup
	)
	allFailed := make(chan struct{})
	live.Store(int64(len(calls)))
	for _, call := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for phase.Load() != phaseStop {
				start := time.Now()
				err := call(ctx)
				d := time.Since(start)
				if err != nil {
					if phase.Load() != phaseStop { // a call cut short by the end of the run is no error
						errs.Add(1)
						lastErr.Store(err)
					}
					if live.Add(-1) == 0 {
						close(allFailed)
					}
					return
				}
				if phase.Load() == phaseMeasure {
					mu.Lock()
					hist.Record(d)
					mu.Unlock()
				}
			}
		}()
	}
	sleep := func(d time.Duration) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-allFailed:
			return loadgen.ErrAllFailed
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := sleep(cfg.Warmup)
	var r loadgen.Result
	if err == nil {
		if cfg.OnMeasure != nil {
			cfg.OnMeasure()
		}
		cpu0, start := processCPU(), time.Now()
		phase.Store(phaseMeasure)
		err = sleep(cfg.Duration)
		phase.Store(phaseStop)
		r.Duration, r.CPU = time.Since(start), processCPU()-cpu0
	}
	phase.Store(phaseStop)
	waited := make(chan struct{})
	go func() { wg.Wait(); close(waited) }()
	t := time.NewTimer(cfg.CallTimeout + time.Second)
	defer t.Stop()
	select {
	case <-waited:
	case <-t.C:
		return r, errors.New("rpc: callers did not stop within the call timeout")
	}
	r.Requests, r.Errors, r.Conns = hist.Count(), errs.Load(), cfg.Callers
	if r.Duration > 0 {
		r.QPS = float64(r.Requests) / r.Duration.Seconds()
	}
	r.Mean, r.Max = hist.Mean(), hist.Max()
	r.P50, r.P90, r.P99, r.P999 = hist.Quantile(0.50), hist.Quantile(0.90), hist.Quantile(0.99), hist.Quantile(0.999)
	if err != nil {
		if e, ok := lastErr.Load().(error); ok {
			err = fmt.Errorf("%w (last: %w)", err, e)
		}
		return r, err
	}
	return r, nil
}

// processCPU returns the user+system CPU time the process has used so far.
func processCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// errMismatch is a reply whose message is not the one sent.
var errMismatch = errors.New("rpc: the echoed message differs from the one sent")
