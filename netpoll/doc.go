// Package netpoll is Kestrel's network reactor: epoll on Linux, kqueue on the BSDs and macOS, and a
// fallback on the standard net package elsewhere, all behind one API. It serves connections whose input
// and output are linkbuf buffers, and knows nothing of RPC.
//
// A server builds an EventLoop with an OnRequest handler and calls Serve with a net.Listener (TCP or
// unix). A client calls DialConnection (or a Dialer) and reads replies with Reader().Next, which blocks
// until the bytes are there. Both get a Connection: a net.Conn with Reader, Writer, close callbacks and
// read, write and idle timeouts.
//
// # Pollers
//
// A PollerGroup runs N pollers, each a goroutine waiting on its own epoll instance; connections are
// spread over them round-robin. N defaults to one per 20 CPUs, at least one: a poller only moves bytes
// between sockets and buffers, and hands the rest to workers, so one poller keeps many cores busy.
// Default returns the process's shared group; NewPollerGroup builds others (for isolation, or for the
// experimental switches below). There is no package-level configuration.
//
// # Triggering
//
// Every connection is registered once, edge-triggered, for input, output and peer half-close
// (EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET; EV_CLEAR on kqueue), and never modified until it is removed.
// Level-triggered mode would force an epoll_ctl to arm EPOLLOUT whenever a write fills the socket buffer
// and another to disarm it, and would report a readable connection again on every epoll_wait until its
// handler caught up; edge triggering costs one epoll_ctl per connection lifetime and wakes the poller
// once per arrival. The price is the obligation to drain: on an input edge the poller reads until the
// socket is empty, which for a stream socket a short read already proves (any later byte raises a new
// edge), so a typical request costs one read(2). Output edges are ignored unless a write is pending.
//
// # Waiting
//
// A poller calls epoll_wait with timeout 0 as long as the previous call returned events, through a raw
// system call that skips the scheduler's bookkeeping. When a call returns nothing, the poller yields
// (runtime.Gosched) so that the handlers it just woke can run on its P, and then blocks in epoll_wait
// with timeout -1 through Syscall6, so that the runtime hands the thread's P to other goroutines while it
// blocks. Under load the poller thus never sleeps and wakes; when idle it costs nothing.
//
// The poller also yields after every batch of events that woke handlers. A raw system call keeps the P,
// so with GOMAXPROCS=1 (a server pinned to one CPU) a poller that kept finding events would leave the
// workers it woke queued until a poll came back empty or the runtime preempted it: the yield lets them
// answer before the next poll, which halved the median and 90th-percentile scheduling latency of the
// handlers in the pinned echo benchmark (docs/benchmarks-netpoll.md).
//
// # Finding the connection
//
// The address of the connection travels in the 8-byte epoll_event.data word: the hot path has no
// descriptor-to-connection lookup at all. The kernel's copy of that address is invisible to the garbage
// collector, so each poller also keeps every registered connection in a table; a removed connection
// leaves the table only between two epoll_wait calls, once no event can name it any more. Go heap
// objects never move, and the address is turned back into a pointer by a typed load, which the race
// detector's checkptr accepts: the race build runs exactly this code. On kqueue systems, whose udata
// word differs in type from system to system, the poller indexes a slice by descriptor instead.
//
// # Experimental
//
// PollerOptions.ExperimentalNoSpin (always block in epoll_wait) and
// PollerOptions.ExperimentalNoDataPointer (find connections through a mutex-guarded map keyed by
// descriptor) switch the two techniques above off, so that a benchmark in any package can measure what
// each buys: build a group with NewPollerGroup and pass it in Options.PollerGroup and
// Dialer.PollerGroup. They are for measurement only and may be removed.
//
// # Buffers
//
// The poller reads straight into the tail of the connection's input linkbuf.Buffer (Book, then BookAck,
// which publishes the bytes), doubling its read size from 4 KiB up to 64 KiB while reads fill it and
// halving it when what an edge brought in all is under a quarter of it, so that a frame that fits takes
// one read(2) once the size has settled. The output buffer is filled by the writer (Malloc,
// WriteString, WriteDirect to link caller-owned bytes) and sent with write(2), or writev of up to 32
// slices taken with Vectors, then Skip and Release; the slice and iovec arrays are borrowed from a pool
// per send, not owned by the connection.
//
// An idle connection holds no buffer block. Flush gives the output blocks back once everything went
// out. The input blocks go back when the handler's task ends with every input byte consumed and
// released (no slice from Next, Peek or Slice still live): the worker then frees them under a small
// handshake with the poller, which produces into the buffer (a state word that either side takes;
// the worker skips the shrink when the poller is reading, the poller waits out a shrink). A server
// connection then costs about 2 KB of heap between requests.
//
// # Writing and back-pressure
//
// Flush sends from the caller's goroutine: it writes until the output buffer is empty and returns.
// Only when the socket buffer is full does it leave the rest to the poller, which finishes on the next
// output edge; a Flush in between just appends. When more than Options.MaxOutputBuffer bytes (4 MiB by
// default) wait for a slow reader, Flush blocks until the backlog drops under the bound, or returns
// ErrTimeout once the write timeout passes (the bytes stay queued). Memory per connection is thus
// bounded by the bound plus one message.
//
// # Handlers
//
// OnRequest runs on a bounded pool of reused goroutines (Options.MaxWorkers), never on a poller and
// never twice at once for one connection. It is called when input is readable and no OnRequest runs,
// and called again while it consumed input and input remains; a call that consumed nothing (a partial
// frame it only peeked at) waits for more bytes. Reads inside it block until their bytes arrive, so a
// handler may simply read a whole frame. A non-nil error closes the connection. An idle connection
// costs no goroutine.
//
// # Ownership
//
// Slices from Reader().Next and Peek stay valid until Release, including after the connection closed:
// a server connection's input buffer is freed when its handler is done, a client connection's when
// Close is called. Slices linked with WriteDirect must not change until the write completed. After a
// close every write fails with ErrConnClosed.
//
// # Concurrency
//
// One goroutine reads and one goroutine writes a connection at a time, possibly different ones. Close,
// IsActive, AddCloseCallback, SetOnRequest and the timeout setters are safe from any goroutine. Closing
// is coordinated by reference gates, so a Close racing a read, a write or the poller never frees a
// buffer or closes a descriptor under them. Close callbacks run once, in the order added, never on a
// poller.
//
// # Faults
//
// A peer that half-closes gives readers io.EOF once the buffered bytes are used up (a handler still
// processes what arrived first); a reset gives the system error (errors.Is(err, syscall.ECONNRESET)).
// Accept failures from exhausted descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) are retried
// after a short sleep, so the server keeps serving the connections it has.
//
// # Portability
//
// The epoll build covers Linux, the kqueue build macOS and the BSDs. Elsewhere a fallback on the net
// package keeps the same API; there, each connection has a reading goroutine and Flush writes with
// blocking writes.
package netpoll
