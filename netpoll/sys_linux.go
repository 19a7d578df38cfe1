//go:build linux && !netpollstd

// This file uses unsafe for three things no safe API offers: passing epoll_event and iovec arrays to
// raw system calls, reading the 8-byte epoll_event.data word (unaligned on amd64, where the kernel
// struct is packed), and carrying a *connection through that word. The invariant that keeps the last
// one GC-safe: every connection whose address the kernel holds is also referenced from its poller's
// table (poll_linux.go) until the poller has dropped it between two epoll_wait calls, so the object is
// alive whenever an event can name it, and Go heap objects never move.
package netpoll

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// epollCtl adds, modifies or deletes fd in the epoll instance epfd, with data in the event's data word.
func epollCtl(epfd, op, fd int, events uint32, data uint64) error {
	var ev unix.EpollEvent
	ev.Events = events
	*(*uint64)(unsafe.Pointer(&ev.Fd)) = data
	_, _, e := unix.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(epfd), uintptr(op), uintptr(fd),
		uintptr(unsafe.Pointer(&ev)), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// epollWait waits for events. With msec == 0 it is a raw system call that never blocks, so it skips the
// scheduler's system-call bookkeeping; otherwise it goes through Syscall6, so that the runtime hands this
// thread's P to other goroutines while the call blocks. epoll_pwait with a nil mask is epoll_wait, and
// exists on every architecture (arm64 has no epoll_wait).
func epollWait(epfd int, events []unix.EpollEvent, msec int) (int, syscall.Errno) {
	var r uintptr
	var e syscall.Errno
	if msec == 0 {
		r, _, e = unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd),
			uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	} else {
		r, _, e = unix.Syscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd),
			uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), uintptr(msec), 0, 0)
	}
	return int(r), e
}

// eventData returns the data word of ev.
func eventData(ev *unix.EpollEvent) uint64 { return *(*uint64)(unsafe.Pointer(&ev.Fd)) }

// connData is the data word that names c.
func connData(c *connection) uint64 { return uint64(uintptr(unsafe.Pointer(c))) }

// dataConn turns a data word from connData back into the connection. The load goes through a typed
// pointer (no uintptr-to-pointer conversion), which keeps checkptr and vet satisfied.
func dataConn(d uint64) *connection { return *(**connection)(unsafe.Pointer(&d)) }

// sysRead reads into p.
func sysRead(fd int, p []byte) (int, syscall.Errno) {
	r, _, e := unix.Syscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), 0
}

// sysWritev writes the slices of vecs with one writev, through the caller's iovec array (at least
// len(vecs) long), which it clears afterwards so that it pins no memory. A single slice goes out with
// write(2), which skips the kernel's import of the iovec array.
func sysWritev(fd int, vecs [][]byte, iov []unix.Iovec) (int, syscall.Errno) {
	if len(vecs) == 1 {
		p := vecs[0]
		r, _, e := unix.Syscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
		if e != 0 {
			return 0, e
		}
		return int(r), 0
	}
	iov = iov[:len(vecs)]
	for i, v := range vecs {
		iov[i].Base = unsafe.SliceData(v)
		iov[i].SetLen(len(v))
	}
	r, _, e := unix.Syscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
	clear(iov)
	if e != 0 {
		return 0, e
	}
	return int(r), 0
}

// sysAccept accepts a connection on the listening socket fd as a non-blocking, close-on-exec descriptor.
func sysAccept(fd int) (int, unix.Sockaddr, error) {
	return unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
}
