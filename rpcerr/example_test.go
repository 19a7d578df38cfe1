package rpcerr_test

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/kestrel-rpc/kestrel/rpcerr"
)

// A caller branches on the sentinel and can still reach the cause.
func Example() {
	err := error(rpcerr.New(rpcerr.ErrConnection, "read", "10.0.0.7:8888", syscall.ECONNRESET))
	switch {
	case rpcerr.IsTimeout(err):
		fmt.Println("timed out")
	case errors.Is(err, rpcerr.ErrConnection):
		fmt.Println("connection failed; reset:", errors.Is(err, syscall.ECONNRESET))
	}
	// Output: connection failed; reset: true
}
