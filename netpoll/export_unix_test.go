//go:build (linux || darwin || dragonfly || freebsd || netbsd || openbsd) && !netpollstd

package netpoll

import "golang.org/x/sys/unix"

// SetAcceptFunc replaces the accept(2) of l's raw accept path (tests inject EMFILE with it).
func SetAcceptFunc(l *EventLoop, f func(fd int) (int, unix.Sockaddr, error)) { l.accept = f }

// SysAccept is the real accept of the raw path.
var SysAccept = sysAccept
