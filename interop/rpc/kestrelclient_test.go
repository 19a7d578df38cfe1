package rpc_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/kestrel-rpc/kestrel/client"
	kt "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest"
	ktclient "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest/thrifttest"
	"github.com/kestrel-rpc/kestrel/interop/internal/randval"
	"github.com/kestrel-rpc/kestrel/interop/internal/testserver"
	"github.com/kestrel-rpc/kestrel/metainfo"
	kthrift "github.com/kestrel-rpc/kestrel/thrift"
	"github.com/kestrel-rpc/kestrel/transport"
)

// apacheServer is one way an Apache TSimpleServer can serve: its transport and protocol factories, and
// the Kestrel client options that speak the same.
type apacheServer struct {
	name      string
	kind      transport.Kind
	proto     transport.Protocol
	transport func() thrift.TTransportFactory
	protocol  func() thrift.TProtocolFactory
}

func binaryFactory() thrift.TProtocolFactory {
	return thrift.NewTBinaryProtocolFactoryConf(&thrift.TConfiguration{})
}

func compactFactory() thrift.TProtocolFactory {
	return thrift.NewTCompactProtocolFactoryConf(&thrift.TConfiguration{})
}

func framedFactory() thrift.TTransportFactory {
	return thrift.NewTFramedTransportFactoryConf(thrift.NewTTransportFactory(), &thrift.TConfiguration{})
}

func bufferedFactory() thrift.TTransportFactory { return thrift.NewTBufferedTransportFactory(8192) }

func theaderFactory() thrift.TTransportFactory {
	return thrift.NewTHeaderTransportFactoryConf(nil, &thrift.TConfiguration{})
}

func theaderProtocolFactory() thrift.TProtocolFactory {
	return thrift.NewTHeaderProtocolFactoryConf(&thrift.TConfiguration{})
}

// apacheServers is every transport Kestrel's client offers that Apache serves, with both protocols.
// Apache's THeader server answers in the protocol the request came in.
var apacheServers = []apacheServer{
	{"framed-binary", transport.Framed, transport.Binary, framedFactory, binaryFactory},
	{"framed-compact", transport.Framed, transport.Compact, framedFactory, compactFactory},
	{"buffered-binary", transport.Buffered, transport.Binary, bufferedFactory, binaryFactory},
	{"buffered-compact", transport.Buffered, transport.Compact, bufferedFactory, compactFactory},
	{"theader-binary", transport.THeader, transport.Binary, theaderFactory, theaderProtocolFactory},
	{"theader-compact", transport.THeader, transport.Compact, theaderFactory, theaderProtocolFactory},
}

// TestKestrelClientApacheServer: Kestrel's client calls every method of ThriftTest on Apache's
// TSimpleServer, over each transport and protocol; every value comes back unchanged, declared
// exceptions arrive as Kestrel's generated exception types, an undeclared error and an unknown method
// as *thrift.ApplicationException, a oneway call reaches the handler and leaves the connection in step,
// and over THeader the caller's metainfo arrives as THeader headers.
func TestKestrelClientApacheServer(t *testing.T) {
	for _, sc := range apacheServers {
		t.Run(sc.name, func(t *testing.T) {
			rec := &recorder{}
			oneway := make(chan int32, 1)
			addr := startApache(t, sc.transport(), sc.protocol(), &testserver.Apache{Oneway: oneway, Seen: rec.apache})
			opts := []client.Option{
				client.WithHostPorts(addr),
				client.WithTransport(sc.kind),
				client.WithProtocol(sc.proto),
				client.WithRPCTimeout(hang),
			}
			c, err := ktclient.NewClient("ThriftTest", opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close() // before the server's Stop, which waits for the connections to end
			ctx := context.Background()
			if sc.kind == transport.THeader {
				ctx = metainfo.WithValue(ctx, "from", "kestrel")
				ctx = metainfo.WithPersistentValue(ctx, "trace", "t-2")
			}

			kestrelCalls(t, ctx, c, oneway)

			t.Run("unknownMethod", func(t *testing.T) {
				// A service info with one method Apache's processor does not have.
				void := kt.ThriftTestServiceInfo.Method("testVoid")
				info := &kthrift.ServiceInfo{Name: "ThriftTest", Methods: []kthrift.MethodInfo{{
					Name: "noSuchMethod", NewArgs: void.NewArgs, NewResult: void.NewResult, Handler: void.Handler,
				}}}
				raw, err := client.New(info, opts...)
				if err != nil {
					t.Fatal(err)
				}
				defer raw.Close()
				err = raw.Call(ctx, "noSuchMethod", kt.NewThriftTestTestVoidArgs(), kt.NewThriftTestTestVoidResult())
				var ae *kthrift.ApplicationException
				if !errors.As(err, &ae) || ae.Type != kthrift.UnknownMethod {
					t.Fatalf("got %T %v, want ApplicationException UNKNOWN_METHOD", err, err)
				}
				// The exception left the connection in step.
				err = raw.Call(ctx, "noSuchMethod", kt.NewThriftTestTestVoidArgs(), kt.NewThriftTestTestVoidResult())
				if !errors.As(err, &ae) || ae.Type != kthrift.UnknownMethod {
					t.Fatalf("second call: got %T %v, want ApplicationException UNKNOWN_METHOD", err, err)
				}
			})

			if sc.kind == transport.THeader {
				t.Run("server-saw", func(t *testing.T) {
					s, ok := rec.get("testVoid")
					if !ok {
						t.Fatal("the handler never saw testVoid")
					}
					if s.values["RPC_TRANSIT_from"] != "kestrel" || s.values["RPC_PERSIST_trace"] != "t-2" {
						t.Errorf("THeader headers %v; want RPC_TRANSIT_from=kestrel and RPC_PERSIST_trace=t-2", s.values)
					}
				})
			}
		})
	}
}

// kestrelCalls calls every method of ThriftTest through c and checks the answers.
func kestrelCalls(t *testing.T, ctx context.Context, c kt.ThriftTest, oneway <-chan int32) {
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
		vals := []*kt.Xtruct{{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5}, {}}
		for i := range randomStructs {
			v := new(kt.Xtruct)
			randval.New(uint64(i), kestrelVals).Fill(v)
			vals = append(vals, v)
		}
		for _, v := range vals {
			got, err := c.TestStruct(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, kestrelVals, "testStruct", got, v)
		}
	})
	t.Run("testNest", func(t *testing.T) {
		vals := []*kt.Xtruct2{{ByteThing: 1, StructThing: &kt.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5}, I32Thing: 5}}
		for i := range randomStructs {
			v := new(kt.Xtruct2)
			randval.New(uint64(i), kestrelVals).Fill(v)
			vals = append(vals, v)
		}
		for _, v := range vals {
			got, err := c.TestNest(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, kestrelVals, "testNest", got, v)
		}
	})
	t.Run("testMap", func(t *testing.T) {
		for _, v := range i32Maps {
			got, err := c.TestMap(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, kestrelVals, "testMap", got, v)
		}
	})
	t.Run("testStringMap", func(t *testing.T) {
		for _, v := range strMaps {
			got, err := c.TestStringMap(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, kestrelVals, "testStringMap", got, v)
		}
	})
	t.Run("testSet", func(t *testing.T) {
		for _, v := range i32Sets {
			got, err := c.TestSet(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, kestrelVals, "testSet", got, v)
		}
	})
	t.Run("testList", func(t *testing.T) {
		for _, v := range i32Sets {
			got, err := c.TestList(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, kestrelVals, "testList", got, v)
		}
	})
	t.Run("testEnum", func(t *testing.T) {
		for _, v := range enums {
			if got, err := c.TestEnum(ctx, kt.Numberz(v)); err != nil || got != kt.Numberz(v) {
				t.Errorf("testEnum(%d): %d, %v", v, got, err)
			}
		}
	})
	t.Run("testTypedef", func(t *testing.T) {
		for _, v := range typedefs {
			if got, err := c.TestTypedef(ctx, kt.UserId(v)); err != nil || got != kt.UserId(v) {
				t.Errorf("testTypedef(%d): %d, %v", v, got, err)
			}
		}
	})
	t.Run("testMapMap", func(t *testing.T) {
		got, err := c.TestMapMap(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, kestrelVals, "testMapMap", got, map[int32]map[int32]int32{
			-4: {-4: -4, -3: -3, -2: -2, -1: -1},
			4:  {1: 1, 2: 2, 3: 3, 4: 4},
		})
	})
	t.Run("testInsanity", func(t *testing.T) {
		arg := &kt.Insanity{
			UserMap: map[kt.Numberz]kt.UserId{kt.Numberz_FIVE: 5, kt.Numberz_EIGHT: 8},
			Xtructs: []*kt.Xtruct{
				{StringThing: "Goodbye4", ByteThing: 4, I32Thing: 4, I64Thing: 4},
				{StringThing: "Hello2", ByteThing: 2, I32Thing: 2, I64Thing: 2},
			},
		}
		got, err := c.TestInsanity(ctx, arg)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, kestrelVals, "testInsanity", got, map[kt.UserId]map[kt.Numberz]*kt.Insanity{
			1: {kt.Numberz_TWO: arg, kt.Numberz_THREE: arg},
			2: {kt.Numberz_SIX: {}},
		})
	})
	t.Run("testMulti", func(t *testing.T) {
		got, err := c.TestMulti(ctx, 42, 4242, 424242, map[int16]string{1: "x", -1: "y"}, kt.Numberz_ONE, 5)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, kestrelVals, "testMulti", got, &kt.Xtruct{StringThing: "Hello2", ByteThing: 42, I32Thing: 4242, I64Thing: 424242})
	})
	t.Run("testException", func(t *testing.T) {
		err := c.TestException(ctx, "Xception")
		var x *kt.Xception
		if !errors.As(err, &x) {
			t.Fatalf("testException(Xception): %T %v, want *Xception", err, err)
		}
		equal(t, kestrelVals, "testException(Xception)", x, &kt.Xception{ErrorCode: 1001, Message: "Xception"})

		err = c.TestException(ctx, "TException")
		var ae *kthrift.ApplicationException
		if !errors.As(err, &ae) {
			t.Fatalf("testException(TException): %T %v, want *thrift.ApplicationException", err, err)
		}
		if ae.Type != kthrift.InternalError || !strings.Contains(ae.Message, testserver.ErrTException.Error()) {
			t.Errorf("testException(TException): type %d, %q; want INTERNAL_ERROR mentioning %q", ae.Type, ae.Message, testserver.ErrTException)
		}

		if err := c.TestException(ctx, "success"); err != nil {
			t.Errorf("testException(success): %v", err)
		}
	})
	t.Run("testMultiException", func(t *testing.T) {
		_, err := c.TestMultiException(ctx, "Xception", "test 1")
		var x *kt.Xception
		if !errors.As(err, &x) {
			t.Fatalf("testMultiException(Xception): %T %v, want *Xception", err, err)
		}
		equal(t, kestrelVals, "testMultiException(Xception)", x, &kt.Xception{ErrorCode: 1001, Message: "This is an Xception"})

		_, err = c.TestMultiException(ctx, "Xception2", "test 2")
		var x2 *kt.Xception2
		if !errors.As(err, &x2) {
			t.Fatalf("testMultiException(Xception2): %T %v, want *Xception2", err, err)
		}
		equal(t, kestrelVals, "testMultiException(Xception2)", x2, &kt.Xception2{ErrorCode: 2002, StructThing: &kt.Xtruct{StringThing: "This is an Xception2"}})

		got, err := c.TestMultiException(ctx, "no", "test 3")
		if err != nil {
			t.Fatal(err)
		}
		equal(t, kestrelVals, "testMultiException(no)", got, &kt.Xtruct{StringThing: "test 3"})
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
