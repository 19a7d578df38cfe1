package rpc_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"

	at "github.com/kestrel-rpc/kestrel/interop/internal/apache/thrifttest"
	"github.com/kestrel-rpc/kestrel/interop/internal/randval"
	"github.com/kestrel-rpc/kestrel/interop/internal/testserver"
	"github.com/kestrel-rpc/kestrel/transport"
)

// apacheClient is one way Apache's Go library can talk to a Kestrel server: a transport wrapped around
// the socket and a protocol on top, and the framing and protocol Kestrel's server must detect.
type apacheClient struct {
	name     string
	kind     transport.Kind
	proto    transport.Protocol
	open     func(sock thrift.TTransport) (thrift.TProtocol, error)
	tHeaders bool // THeader: the client sends headers the server must see as metainfo
}

func binaryOn(strict bool) func(thrift.TTransport) thrift.TProtocol {
	return func(tr thrift.TTransport) thrift.TProtocol {
		return thrift.NewTBinaryProtocolConf(tr, &thrift.TConfiguration{TBinaryStrictRead: thrift.BoolPtr(strict), TBinaryStrictWrite: thrift.BoolPtr(strict)})
	}
}

func compactOn(tr thrift.TTransport) thrift.TProtocol {
	return thrift.NewTCompactProtocolConf(tr, &thrift.TConfiguration{})
}

func framedWith(p func(thrift.TTransport) thrift.TProtocol) func(thrift.TTransport) (thrift.TProtocol, error) {
	return func(sock thrift.TTransport) (thrift.TProtocol, error) {
		return p(thrift.NewTFramedTransportConf(sock, &thrift.TConfiguration{})), nil
	}
}

func bufferedWith(p func(thrift.TTransport) thrift.TProtocol) func(thrift.TTransport) (thrift.TProtocol, error) {
	return func(sock thrift.TTransport) (thrift.TProtocol, error) {
		return p(thrift.NewTBufferedTransport(sock, 8192)), nil
	}
}

func theaderWith(id thrift.THeaderProtocolID, zlib bool) func(thrift.TTransport) (thrift.TProtocol, error) {
	return func(sock thrift.TTransport) (thrift.TProtocol, error) {
		conf := &thrift.TConfiguration{THeaderProtocolID: thrift.THeaderProtocolIDPtrMust(id)}
		p := thrift.NewTHeaderProtocolConf(thrift.NewTHeaderTransportConf(sock, conf), conf)
		if zlib {
			if err := p.AddTransform(thrift.TransformZlib); err != nil {
				return nil, err
			}
		}
		return p, nil
	}
}

// apacheClients is every transport Apache offers that Kestrel serves, with both protocols; THeader
// with zlib once; and the old non-strict Binary header that TBinaryProtocol writes with strictWrite off.
var apacheClients = []apacheClient{
	{name: "framed-binary", kind: transport.Framed, proto: transport.Binary, open: framedWith(binaryOn(true))},
	{name: "framed-compact", kind: transport.Framed, proto: transport.Compact, open: framedWith(compactOn)},
	{name: "buffered-binary", kind: transport.Buffered, proto: transport.Binary, open: bufferedWith(binaryOn(true))},
	{name: "buffered-compact", kind: transport.Buffered, proto: transport.Compact, open: bufferedWith(compactOn)},
	{name: "theader-binary", kind: transport.THeader, proto: transport.Binary, open: theaderWith(thrift.THeaderProtocolBinary, false), tHeaders: true},
	{name: "theader-compact", kind: transport.THeader, proto: transport.Compact, open: theaderWith(thrift.THeaderProtocolCompact, false), tHeaders: true},
	{name: "theader-compact-zlib", kind: transport.THeader, proto: transport.Compact, open: theaderWith(thrift.THeaderProtocolCompact, true), tHeaders: true},
	{name: "framed-binary-nonstrict", kind: transport.Framed, proto: transport.Binary, open: framedWith(binaryOn(false))},
	{name: "buffered-binary-nonstrict", kind: transport.Buffered, proto: transport.Binary, open: bufferedWith(binaryOn(false))},
}

// TestApacheClientKestrelServer: an Apache Thrift Go client calls every method of ThriftTest on a
// Kestrel server, over each transport and protocol; every value comes back unchanged, declared
// exceptions arrive as Apache's generated exception types, an undeclared error and an unknown method
// as TApplicationException, a oneway call reaches the handler and leaves the connection in step, and
// the server detected the framing and protocol the client used.
func TestApacheClientKestrelServer(t *testing.T) {
	for _, cc := range apacheClients {
		t.Run(cc.name, func(t *testing.T) {
			rec := &recorder{}
			oneway := make(chan int32, 1)
			addr := startKestrel(t, &testserver.Kestrel{Oneway: oneway, Seen: rec.kestrel})

			sock := thrift.NewTSocketConf(addr, &thrift.TConfiguration{ConnectTimeout: hang, SocketTimeout: hang})
			if err := sock.Open(); err != nil {
				t.Fatal(err)
			}
			defer sock.Close()
			proto, err := cc.open(sock)
			if err != nil {
				t.Fatal(err)
			}
			std := thrift.NewTStandardClient(proto, proto)
			c := at.NewThriftTestClient(std)
			ctx := context.Background()
			if cc.tHeaders {
				// Apache's client writes the headers the context lists.
				ctx = thrift.SetHeader(ctx, "RPC_TRANSIT_from", "apache")
				ctx = thrift.SetHeader(ctx, "RPC_PERSIST_trace", "t-1")
				ctx = thrift.SetHeader(ctx, "not-metainfo", "x")
				ctx = thrift.SetWriteHeaderList(ctx, []string{"RPC_TRANSIT_from", "RPC_PERSIST_trace", "not-metainfo"})
			}

			apacheCalls(t, ctx, c, oneway)

			t.Run("unknownMethod", func(t *testing.T) {
				_, err := std.Call(ctx, "noSuchMethod", at.NewThriftTestTestVoidArgs(), at.NewThriftTestTestVoidResult())
				if ae := asApacheAppEx(t, err); ae.TypeId() != thrift.UNKNOWN_METHOD {
					t.Errorf("type %d (%v), want UNKNOWN_METHOD", ae.TypeId(), ae)
				}
				if got, err := c.TestI32(ctx, 7); err != nil || got != 7 {
					t.Errorf("after an unknown method: testI32(7) = %d, %v", got, err)
				}
			})

			t.Run("server-saw", func(t *testing.T) {
				s, ok := rec.get("testVoid")
				if !ok {
					t.Fatal("the handler never saw testVoid")
				}
				if s.kind != cc.kind || s.proto != cc.proto {
					t.Errorf("the server detected %v %v, the client spoke %v %v", s.kind, s.proto, cc.kind, cc.proto)
				}
				if cc.tHeaders {
					if s.values["from"] != "apache" || s.persistent["trace"] != "t-1" || len(s.values)+len(s.persistent) != 2 {
						t.Errorf("metainfo from THeader headers: transient %v, persistent %v; want from=apache, trace=t-1 and nothing else", s.values, s.persistent)
					}
				}
			})
		})
	}
}

// apacheCalls calls every method of ThriftTest through c and checks the answers.
func apacheCalls(t *testing.T, ctx context.Context, c *at.ThriftTestClient, oneway <-chan int32) {
	t.Run("testVoid", func(t *testing.T) {
		if err := c.TestVoid(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("testString", func(t *testing.T) {
		for _, v := range strs {
			if got, err := c.TestString(ctx, v); err != nil || got != v {
				t.Errorf("testString(%.40q): %.40q, %v", v, got, err)
			}
		}
	})
	t.Run("testBool", func(t *testing.T) {
		for _, v := range bools {
			if got, err := c.TestBool(ctx, v); err != nil || got != v {
				t.Errorf("testBool(%v): %v, %v", v, got, err)
			}
		}
	})
	t.Run("testByte", func(t *testing.T) {
		for _, v := range bytesV {
			if got, err := c.TestByte(ctx, v); err != nil || got != v {
				t.Errorf("testByte(%d): %d, %v", v, got, err)
			}
		}
	})
	t.Run("testI32", func(t *testing.T) {
		for _, v := range i32s {
			if got, err := c.TestI32(ctx, v); err != nil || got != v {
				t.Errorf("testI32(%d): %d, %v", v, got, err)
			}
		}
	})
	t.Run("testI64", func(t *testing.T) {
		for _, v := range i64s {
			if got, err := c.TestI64(ctx, v); err != nil || got != v {
				t.Errorf("testI64(%d): %d, %v", v, got, err)
			}
		}
	})
	t.Run("testDouble", func(t *testing.T) {
		for _, v := range doubles {
			if got, err := c.TestDouble(ctx, v); err != nil || math.Float64bits(got) != math.Float64bits(v) {
				t.Errorf("testDouble(%v): %v, %v", v, got, err)
			}
		}
	})
	t.Run("testBinary", func(t *testing.T) {
		for _, v := range binaries {
			got, err := c.TestBinary(ctx, v)
			if err != nil || string(got) != string(v) {
				t.Errorf("testBinary(%d bytes): %d bytes, %v", len(v), len(got), err)
			}
		}
	})
	t.Run("testStruct", func(t *testing.T) {
		vals := []*at.Xtruct{{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5}, {}}
		for i := range randomStructs {
			v := new(at.Xtruct)
			randval.New(uint64(i), apacheVals).Fill(v)
			vals = append(vals, v)
		}
		for _, v := range vals {
			got, err := c.TestStruct(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, apacheVals, "testStruct", got, v)
		}
	})
	t.Run("testNest", func(t *testing.T) {
		vals := []*at.Xtruct2{{ByteThing: 1, StructThing: &at.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5}, I32Thing: 5}}
		for i := range randomStructs {
			v := new(at.Xtruct2)
			randval.New(uint64(i), apacheVals).Fill(v)
			vals = append(vals, v)
		}
		for _, v := range vals {
			got, err := c.TestNest(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, apacheVals, "testNest", got, v)
		}
	})
	t.Run("testMap", func(t *testing.T) {
		for _, v := range i32Maps {
			got, err := c.TestMap(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, apacheVals, "testMap", got, v)
		}
	})
	t.Run("testStringMap", func(t *testing.T) {
		for _, v := range strMaps {
			got, err := c.TestStringMap(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, apacheVals, "testStringMap", got, v)
		}
	})
	t.Run("testSet", func(t *testing.T) {
		for _, v := range i32Sets {
			got, err := c.TestSet(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, apacheVals, "testSet", got, v)
		}
	})
	t.Run("testList", func(t *testing.T) {
		for _, v := range i32Sets {
			got, err := c.TestList(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, apacheVals, "testList", got, v)
		}
	})
	t.Run("testEnum", func(t *testing.T) {
		for _, v := range enums {
			if got, err := c.TestEnum(ctx, at.Numberz(v)); err != nil || got != at.Numberz(v) {
				t.Errorf("testEnum(%d): %d, %v", v, got, err)
			}
		}
	})
	t.Run("testTypedef", func(t *testing.T) {
		for _, v := range typedefs {
			if got, err := c.TestTypedef(ctx, at.UserId(v)); err != nil || got != at.UserId(v) {
				t.Errorf("testTypedef(%d): %d, %v", v, got, err)
			}
		}
	})
	t.Run("testMapMap", func(t *testing.T) {
		got, err := c.TestMapMap(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, apacheVals, "testMapMap", got, map[int32]map[int32]int32{
			-4: {-4: -4, -3: -3, -2: -2, -1: -1},
			4:  {1: 1, 2: 2, 3: 3, 4: 4},
		})
	})
	t.Run("testInsanity", func(t *testing.T) {
		arg := &at.Insanity{
			UserMap: map[at.Numberz]at.UserId{at.Numberz_FIVE: 5, at.Numberz_EIGHT: 8},
			Xtructs: []*at.Xtruct{
				{StringThing: "Goodbye4", ByteThing: 4, I32Thing: 4, I64Thing: 4},
				{StringThing: "Hello2", ByteThing: 2, I32Thing: 2, I64Thing: 2},
			},
		}
		got, err := c.TestInsanity(ctx, arg)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, apacheVals, "testInsanity", got, map[at.UserId]map[at.Numberz]*at.Insanity{
			1: {at.Numberz_TWO: arg, at.Numberz_THREE: arg},
			2: {at.Numberz_SIX: {}},
		})
	})
	t.Run("testMulti", func(t *testing.T) {
		got, err := c.TestMulti(ctx, 42, 4242, 424242, map[int16]string{1: "x", -1: "y"}, at.Numberz_ONE, 5)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, apacheVals, "testMulti", got, &at.Xtruct{StringThing: "Hello2", ByteThing: 42, I32Thing: 4242, I64Thing: 424242})
	})
	t.Run("testException", func(t *testing.T) {
		err := c.TestException(ctx, "Xception")
		var x *at.Xception
		if !errors.As(err, &x) {
			t.Fatalf("testException(Xception): %T %v, want *Xception", err, err)
		}
		equal(t, apacheVals, "testException(Xception)", x, &at.Xception{ErrorCode: 1001, Message: "Xception"})

		err = c.TestException(ctx, "TException")
		ae := asApacheAppEx(t, err)
		if ae.TypeId() != thrift.INTERNAL_ERROR || !strings.Contains(ae.Error(), testserver.ErrTException.Error()) {
			t.Errorf("testException(TException): type %d, %q; want INTERNAL_ERROR mentioning %q", ae.TypeId(), ae.Error(), testserver.ErrTException)
		}

		if err := c.TestException(ctx, "success"); err != nil {
			t.Errorf("testException(success): %v", err)
		}
	})
	t.Run("testMultiException", func(t *testing.T) {
		_, err := c.TestMultiException(ctx, "Xception", "test 1")
		var x *at.Xception
		if !errors.As(err, &x) {
			t.Fatalf("testMultiException(Xception): %T %v, want *Xception", err, err)
		}
		equal(t, apacheVals, "testMultiException(Xception)", x, &at.Xception{ErrorCode: 1001, Message: "This is an Xception"})

		_, err = c.TestMultiException(ctx, "Xception2", "test 2")
		var x2 *at.Xception2
		if !errors.As(err, &x2) {
			t.Fatalf("testMultiException(Xception2): %T %v, want *Xception2", err, err)
		}
		equal(t, apacheVals, "testMultiException(Xception2)", x2, &at.Xception2{ErrorCode: 2002, StructThing: &at.Xtruct{StringThing: "This is an Xception2"}})

		got, err := c.TestMultiException(ctx, "no", "test 3")
		if err != nil {
			t.Fatal(err)
		}
		equal(t, apacheVals, "testMultiException(no)", got, &at.Xtruct{StringThing: "test 3"})
	})
	t.Run("testOneway", func(t *testing.T) {
		for _, v := range []int32{1, 0} {
			if err := c.TestOneway(ctx, v); err != nil {
				t.Fatal(err)
			}
			onewayArrives(t, oneway, v)
		}
		// No reply came: the next call reads its own reply, not a stray one.
		if got, err := c.TestString(ctx, "after oneway"); err != nil || got != "after oneway" {
			t.Errorf("after testOneway: testString = %q, %v", got, err)
		}
	})
}
