package echo

import (
	"errors"
	"fmt"
	"io"
	"net"
)

// MaxFrame is the largest payload a server accepts; a longer frame closes the connection.
const MaxFrame = 64 << 20

// Impls lists every implementation Serve knows, in the order reports show them.
var Impls = []string{"kestrel", "kestrel-nospin", "kestrel-noptr", "cloudwego", "stdnet"}

// ErrUnknownImpl is returned by Serve for a name not in Impls.
var ErrUnknownImpl = errors.New("echo: unknown implementation")

// errFrameTooLong closes a connection whose frame exceeds MaxFrame.
var errFrameTooLong = fmt.Errorf("echo: frame longer than %d bytes", MaxFrame)

// Serve starts the framed echo server impl on ln and returns at once; the returned Closer stops it
// and closes ln. Connections are served until the client closes them or the server is closed.
func Serve(impl string, ln net.Listener) (io.Closer, error) {
	switch impl {
	case "stdnet":
		return serveStdNet(ln), nil
	case "cloudwego":
		return serveCloudwego(ln)
	case "kestrel", "kestrel-nospin", "kestrel-noptr":
		return serveKestrel(ln, impl == "kestrel-nospin", impl == "kestrel-noptr")
	}
	return nil, fmt.Errorf("%w %q (have %v)", ErrUnknownImpl, impl, Impls)
}
