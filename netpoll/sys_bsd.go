//go:build (darwin || dragonfly || freebsd || netbsd || openbsd) && !netpollstd

// System calls of the kqueue build. It needs no unsafe: the kqueue poller (poll_bsd.go) finds
// connections by descriptor, not by address.
package netpoll

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sysRead reads into p.
func sysRead(fd int, p []byte) (int, syscall.Errno) {
	n, err := unix.Read(fd, p)
	if err != nil {
		return 0, errnoOf(err)
	}
	return n, 0
}

// sysWritev writes the slices of vecs in order until one is written partly or the socket is full. The
// BSD build writes slice by slice (x/sys offers no allocation-free writev there); the iov argument keeps
// the Linux signature.
func sysWritev(fd int, vecs [][]byte, _ []unix.Iovec) (int, syscall.Errno) {
	total := 0
	for _, v := range vecs {
		if len(v) == 0 {
			continue
		}
		n, err := unix.Write(fd, v)
		if n > 0 {
			total += n
		}
		if err != nil {
			if total > 0 {
				return total, 0
			}
			return 0, errnoOf(err)
		}
		if n < len(v) {
			break
		}
	}
	return total, 0
}

func errnoOf(err error) syscall.Errno {
	if e, ok := err.(syscall.Errno); ok {
		return e
	}
	return syscall.EIO
}

// sysAccept accepts a connection and makes it non-blocking and close-on-exec (BSD accept has no
// flags argument on every system).
func sysAccept(fd int) (int, unix.Sockaddr, error) {
	syscall.ForkLock.RLock()
	nfd, sa, err := unix.Accept(fd)
	if err == nil {
		unix.CloseOnExec(nfd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, nil, err
	}
	if err := unix.SetNonblock(nfd, true); err != nil {
		_ = unix.Close(nfd)
		return -1, nil, err
	}
	return nfd, sa, nil
}
