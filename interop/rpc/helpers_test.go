// Package rpc_test runs whole RPCs between Kestrel and Apache Thrift Go v0.17.0 over loopback TCP, in
// both directions: an Apache client (code from Apache's compiler) calls every method of ThriftTest on a
// Kestrel server, and a Kestrel client (code from kestrel gen) calls an Apache TSimpleServer, over
// every transport and protocol both speak. The servers answer as Apache's cross-language test server
// does (../internal/testserver).
package rpc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/kestrel-rpc/kestrel/callinfo"
	"github.com/kestrel-rpc/kestrel/interop/internal/apache/thrifttest"
	kt "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest"
	ktserver "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest/thrifttest"
	"github.com/kestrel-rpc/kestrel/interop/internal/randval"
	"github.com/kestrel-rpc/kestrel/metainfo"
	"github.com/kestrel-rpc/kestrel/server"
	"github.com/kestrel-rpc/kestrel/transport"
)

// hang bounds every wait of these tests: it is a hang detector, never a synchronisation.
const hang = 10 * time.Second

// apacheVals compares values of Apache's generated types, kestrelVals of Kestrel's: like
// reflect.DeepEqual, except that nil and empty containers are equal where a field is not optional.
var (
	apacheVals  = randval.Config{}
	kestrelVals = randval.Config{IsUnion: func(t reflect.Type) bool {
		_, ok := reflect.PointerTo(t).MethodByName("CountSetFields")
		return ok
	}}
)

// equal fails t unless got and want hold the same Thrift value.
func equal(t *testing.T, cfg randval.Config, what string, got, want any) {
	t.Helper()
	if ok, where := cfg.Equal(got, want); !ok {
		t.Errorf("%s: got %s, want %s (they differ at %q)", what, show(got), show(want), where)
	}
}

// show formats v for a failure message, cut short.
func show(v any) string {
	s := strings.ReplaceAll(strings.TrimSpace(fmt.Sprintf("%+v", v)), "\n", " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// The values every scalar and container method is called with: zero, ±1, the extremes of each width,
// multi-byte and invalid UTF-8, empty containers and containers of 15 or more elements (Compact's long
// list header), and a string (128 KiB) and a binary (256 KiB) that span several 64 KiB reads. Doubles
// are compared bit for bit, so -0 and NaN must come back as they went.
var (
	strs     = []string{"", "Hello, 世界", "\xff\xfe not UTF-8", strings.Repeat("0123456789abcdef", 1<<13)}
	bools    = []bool{true, false}
	bytesV   = []int8{math.MinInt8, -1, 0, 1, math.MaxInt8}
	i32s     = []int32{math.MinInt32, -1, 0, 1, 1 << 20, math.MaxInt32}
	i64s     = []int64{math.MinInt64, -1, 0, 1, 1<<53 + 1, math.MaxInt64}
	doubles  = []float64{0, math.Copysign(0, -1), -5.2098523, 1.0 / 3, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	binaries = [][]byte{{}, allBytes(), bytes.Repeat([]byte{0xca, 0xfe, 0xba, 0xbe}, 1<<16)}
	i32Sets  = [][]int32{{}, {-2, -1, 0, 1, 2}, seq(-7, 20)}
	i32Maps  = []map[int32]int32{{}, {0: -10, 1: -9, 2: -8, 3: -7, 4: -6}, mapOf(seq(-100, 20))}
	strMaps  = []map[string]string{{}, {"a": "2", "b": "blah", "some": "thing", "": "", "ünï": "çødé"}}
	// enums includes 7, which Numberz does not declare: an enum travels as an i32, and neither side may
	// reject or change a value it does not know.
	enums    = []int64{1, 2, 3, 5, 6, 8, 7}
	typedefs = []int64{309858235082523, -1, 0}
)

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func seq(from int32, n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = from + int32(i)
	}
	return s
}

func mapOf(keys []int32) map[int32]int32 {
	m := make(map[int32]int32, len(keys))
	for _, k := range keys {
		m[k] = -k
	}
	return m
}

// randomStructs is how many seeded random values each struct method is called with, besides the
// literal ones.
const randomStructs = 3

// recorder keeps what a server's handler saw of each call: the framing and protocol Kestrel's server
// detected, and the metainfo (Kestrel) or THeader headers (Apache) that came with the call.
type recorder struct {
	mu   sync.Mutex
	last map[string]seen
}

type seen struct {
	kind       transport.Kind
	proto      transport.Protocol
	values     map[string]string // metainfo.GetAllValues on Kestrel, the THeader read headers on Apache
	persistent map[string]string
}

func (r *recorder) get(method string) (seen, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.last[method]
	return s, ok
}

func (r *recorder) put(method string, s seen) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		r.last = map[string]seen{}
	}
	r.last[method] = s
}

func (r *recorder) kestrel(ctx context.Context, method string) {
	var s seen
	if ci := callinfo.FromContext(ctx); ci != nil {
		s.kind, s.proto = ci.Kind, ci.Protocol
	}
	s.values = metainfo.GetAllValues(ctx)
	s.persistent = metainfo.GetAllPersistentValues(ctx)
	r.put(method, s)
}

func (r *recorder) apache(ctx context.Context, method string) {
	s := seen{values: map[string]string{}}
	for _, k := range thrift.GetReadHeaderList(ctx) {
		s.values[k], _ = thrift.GetHeader(ctx, k)
	}
	r.put(method, s)
}

// quietLogger drops the server's log: these tests provoke warnings on purpose.
var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// startKestrel serves h as ThriftTest on a loopback port until the test ends, and returns the address.
func startKestrel(t *testing.T, h kt.ThriftTest, opts ...server.Option) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := ktserver.NewServer(h, append([]server.Option{server.WithLogger(quietLogger)}, opts...)...)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hang)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(hang):
			t.Error("Serve did not return after Shutdown")
		}
	})
	return ln.Addr().String()
}

// startApache serves h as ThriftTest with Apache's TSimpleServer, the transport and protocol factories
// given, on a loopback port until the test ends, and returns the address.
func startApache(t *testing.T, tf thrift.TTransportFactory, pf thrift.TProtocolFactory, h thrifttest.ThriftTest) string {
	t.Helper()
	sock, err := thrift.NewTServerSocket("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := thrift.NewTSimpleServer4(thrifttest.NewThriftTestProcessor(h), sock, tf, pf)
	srv.SetLogger(func(string) {})
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.AcceptLoop()
	}()
	t.Cleanup(func() {
		srv.Stop() // waits for the connections to end: close the clients first
		select {
		case <-done:
		case <-time.After(hang):
			t.Error("the Apache server's accept loop did not end")
		}
	})
	return sock.Addr().String()
}

// onewayArrives fails t unless the handler's oneway channel receives want.
func onewayArrives(t *testing.T, ch <-chan int32, want int32) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Errorf("testOneway: the handler got %d, want %d", got, want)
		}
	case <-time.After(hang):
		t.Errorf("testOneway(%d) never reached the handler", want)
	}
}

// asApacheAppEx returns err's TApplicationException, or fails t.
func asApacheAppEx(t *testing.T, err error) thrift.TApplicationException {
	t.Helper()
	var ae thrift.TApplicationException
	if !errors.As(err, &ae) {
		t.Fatalf("got %T %v, want a TApplicationException", err, err)
	}
	return ae
}
