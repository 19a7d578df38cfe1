package metainfo_test

import (
	"context"
	"fmt"

	"github.com/kestrel-rpc/kestrel/metainfo"
)

// Values travel from a client to a server and on to the server's own downstream call.
func Example() {
	// Client: one value for the next hop, one for every hop.
	ctx := metainfo.WithValue(context.Background(), "tenant", "blue")
	ctx = metainfo.WithPersistentValue(ctx, "trace", "abc")
	wire := metainfo.AppendWire(nil, ctx) // goes into the TTHeader string key-values

	// Server: the framework restores them on the handler's context.
	srv := metainfo.FromWire(context.Background(), wire)
	tenant, _ := metainfo.GetValue(srv, "tenant")
	trace, _ := metainfo.GetPersistentValue(srv, "trace")
	fmt.Println("server sees:", tenant, trace)

	// The server's downstream call forwards only the persistent value.
	fmt.Println("server forwards:", metainfo.AppendWire(nil, srv))
	// Output:
	// server sees: blue abc
	// server forwards: [{RPC_PERSIST_trace abc}]
}

// A server handler sends a value back to its caller in the reply.
func ExampleSendBackwardValue() {
	srv := metainfo.WithBackwardValuesToSend(context.Background()) // done by the server framework
	metainfo.SendBackwardValue(srv, "cost", "12ms")                // in the handler
	reply := metainfo.AppendBackwardWire(nil, srv)                 // into the reply header

	cli := metainfo.WithBackwardValues(context.Background()) // the client asks for backward values
	metainfo.SetBackwardFromWire(cli, reply)                 // done by the client framework
	v, ok := metainfo.RecvBackwardValue(cli, "cost")
	fmt.Println(reply, v, ok)
	// Output: [{RPC_BACKWARD_cost 12ms}] 12ms true
}
