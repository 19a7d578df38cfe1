package rpc_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/kestrel-rpc/kestrel/client"
	at "github.com/kestrel-rpc/kestrel/interop/internal/apache/thrifttest"
	kt "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest"
	ktclient "github.com/kestrel-rpc/kestrel/interop/internal/kestrel/thrifttest/thrifttest"
	"github.com/kestrel-rpc/kestrel/interop/internal/testserver"
	"github.com/kestrel-rpc/kestrel/transport"
)

const concurrentCalls = 40

// TestConcurrentApacheClients: Apache clients of every transport and protocol call one Kestrel server
// at the same time, each on its own connection; the server tells each connection's framing apart and
// answers every call with its own values.
func TestConcurrentApacheClients(t *testing.T) {
	addr := startKestrel(t, &testserver.Kestrel{})
	var wg sync.WaitGroup
	errs := make(chan error, len(apacheClients))
	for i, cc := range apacheClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- apacheLoad(addr, cc, i)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func apacheLoad(addr string, cc apacheClient, id int) error {
	sock := thrift.NewTSocketConf(addr, &thrift.TConfiguration{ConnectTimeout: hang, SocketTimeout: hang})
	if err := sock.Open(); err != nil {
		return err
	}
	defer sock.Close()
	proto, err := cc.open(sock)
	if err != nil {
		return err
	}
	c := at.NewThriftTestClient(thrift.NewTStandardClient(proto, proto))
	ctx := context.Background()
	for j := range concurrentCalls {
		want := &at.Xtruct{StringThing: fmt.Sprintf("%s #%d", cc.name, j), ByteThing: int8(id), I32Thing: int32(j), I64Thing: int64(id)<<32 | int64(j)}
		got, err := c.TestStruct(ctx, want)
		if err != nil {
			return fmt.Errorf("%s: call %d: %w", cc.name, j, err)
		}
		if ok, where := apacheVals.Equal(got, want); !ok {
			return fmt.Errorf("%s: call %d: got %+v, want %+v (at %s)", cc.name, j, got, want, where)
		}
	}
	return nil
}

// TestConcurrentKestrelClient: one Kestrel client, used by several goroutines at once, calls Apache's
// TSimpleServer (a goroutine per connection) over each transport; its pool opens connections as
// needed and every caller gets its own answer.
func TestConcurrentKestrelClient(t *testing.T) {
	const callers = 6
	for _, sc := range apacheServers {
		t.Run(sc.name, func(t *testing.T) {
			addr := startApache(t, sc.transport(), sc.protocol(), &testserver.Apache{})
			c, err := ktclient.NewClient("ThriftTest", client.WithHostPorts(addr), client.WithTransport(sc.kind),
				client.WithProtocol(sc.proto), client.WithRPCTimeout(hang))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var wg sync.WaitGroup
			errs := make(chan error, callers)
			for i := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- kestrelLoad(c, sc.kind, i)
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func kestrelLoad(c kt.ThriftTest, kind transport.Kind, id int) error {
	ctx := context.Background()
	for j := range concurrentCalls {
		want := &kt.Xtruct{StringThing: fmt.Sprintf("%v caller %d #%d", kind, id, j), ByteThing: int8(id), I32Thing: int32(j), I64Thing: int64(id)<<32 | int64(j)}
		got, err := c.TestStruct(ctx, want)
		if err != nil {
			return fmt.Errorf("caller %d, call %d: %w", id, j, err)
		}
		if ok, where := kestrelVals.Equal(got, want); !ok {
			return fmt.Errorf("caller %d, call %d: got %+v, want %+v (at %s)", id, j, got, want, where)
		}
	}
	return nil
}
