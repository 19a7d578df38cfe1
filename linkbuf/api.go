package linkbuf

import "errors"

// Errors returned by Reader and Writer methods. They are sentinels: compare with errors.Is.
var (
	// ErrNotEnough means a read asked for more bytes than the buffer holds.
	ErrNotEnough = errors.New("linkbuf: not enough data")
	// ErrNegativeSize means a size argument was negative, or MallocAck/Skip went past what exists.
	ErrNegativeSize = errors.New("linkbuf: negative or out-of-range size")
	// ErrUnsupported means Append was given a Writer that is not backed by a *Buffer.
	ErrUnsupported = errors.New("linkbuf: unsupported writer")
)

// Reader is the read side of a linked buffer: zero-copy where the bytes asked for lie in one block.
//
// # Ownership
//
// Slices returned by Next and Peek (and the bytes behind a Reader from Slice) stay valid until the next
// Release; after that the memory may be reused. The caller must not write to them. ReadString and
// ReadBinary return copies that the caller owns forever.
//
// # Concurrency
//
// One goroutine reads. It may run concurrently with one goroutine using the Writer side of the same
// buffer; Len counts only flushed bytes, so it never sees a half-written message.
//
// # Blocking
//
// A *Buffer never blocks: a read of more than Len bytes returns ErrNotEnough and consumes nothing. The
// Reader of a network connection (package netpoll) instead waits until the bytes arrive, the read
// timeout fires or the connection closes.
type Reader interface {
	// Next returns the next n bytes and advances past them. If they span blocks they are copied once
	// into a pooled slice that the buffer owns until Release.
	Next(n int) ([]byte, error)
	// Peek returns the next n bytes without advancing.
	Peek(n int) ([]byte, error)
	// Skip advances past the next n bytes.
	Skip(n int) error
	// ReadString returns a copy of the next n bytes as a string and advances past them.
	ReadString(n int) (string, error)
	// ReadBinary returns a copy of the next n bytes and advances past them.
	ReadBinary(n int) ([]byte, error)
	// Slice returns a Reader over the next n bytes, sharing their memory without copying, and advances
	// past them. The returned Reader owns references to its blocks: its own Release frees them, and
	// releasing the parent does not invalidate it.
	Slice(n int) (Reader, error)
	// Len returns the number of readable bytes.
	Len() int
	// Release returns the memory of every byte read so far to the pools. Slices from Next and Peek die.
	Release() error
}

// Writer is the write side of a linked buffer. Writes become readable only at Flush.
//
// # Ownership
//
// A slice from Malloc belongs to the caller until the next Flush (or Malloc past MallocAck); the caller
// fills it in place. Slices given to WriteDirect are linked in, not copied: the caller must not change
// them until the bytes have been read and released (for a connection: until the write completed).
//
// # Concurrency
//
// One goroutine writes. See Reader for the one concurrent reader allowed.
type Writer interface {
	// Malloc returns n writable bytes at the end of the stream, contiguous, from a pooled block.
	Malloc(n int) ([]byte, error)
	// MallocLen returns the number of bytes added to the stream since the last Flush: malloced, copied
	// and linked (WriteDirect) bytes alike.
	MallocLen() int
	// MallocAck keeps the first n of the MallocLen bytes added since the last Flush and discards the
	// rest (n > MallocLen is ErrNegativeSize).
	MallocAck(n int) error
	// WriteDirect links p into the stream without copying it. remainCap is how many bytes of the most
	// recent Malloc'd region lie *after* the point where p is inserted: the caller malloced room for a
	// message, wrote the part before p, and wants the last remainCap bytes of that region to follow p.
	// So `buf, _ := w.Malloc(a+c); w.WriteDirect(p, c)` yields buf[:a], p, buf[a:a+c]. It may be called
	// again on the same region: remainCap then counts from the new insertion point to the region's end
	// (`w.WriteDirect(q, c2)` with c2 < c yields buf[:a], p, buf[a:a+c-c2], q, buf[a+c-c2:a+c]).
	//
	// This is how a codec links a large string in place: it mallocs the message's full size, writes up to
	// the string's length prefix, calls WriteDirect(str, len(buf)-offset), and goes on writing at the same
	// offset; the region then ends with len(str) unused bytes, dropped by MallocAck(before+messageSize)
	// where before was MallocLen() ahead of the Malloc.
	WriteDirect(p []byte, remainCap int) error
	// WriteString copies s into the stream.
	WriteString(s string) (int, error)
	// WriteBinary copies b into the stream.
	WriteBinary(b []byte) (int, error)
	// Append moves everything written to w (flushed or not) onto the end of this stream, without
	// copying; w is left empty. w must be a *Buffer or implement interface{ LinkBuffer() *Buffer },
	// else ErrUnsupported.
	Append(w Writer) error
	// Flush makes everything written so far readable (for a connection: sends it).
	Flush() error
}
