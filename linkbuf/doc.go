// Package linkbuf provides linked buffers: a byte stream kept as a chain of blocks, written at the back
// and read from the front without copying, the bottom layer of Kestrel's network and codec paths.
//
// A linked buffer never moves bytes to grow. A writer asks for room with Malloc and fills it in place;
// when the current block is too small the buffer links a new block from a pool (sizes are powers of two
// from 4 KiB to 64 MiB, one sync.Pool per size, larger requests allocated exactly), so one Malloc region
// always lies in one block and a codec can encode a message with one Malloc(size). Caller bytes can be
// linked into the chain instead of copied (WriteDirect), and whole chains can be moved from one buffer to
// another (Append). A reader gets slices that point into the blocks (Next, Peek); only a read that spans
// two blocks is copied, once, into a pooled block. Release gives back what has been read.
//
// *Buffer implements both Reader and Writer. For the netpoll reactor it also has Book/BookAck (read a
// socket straight into the buffer), Vectors (writev from it), Free and Shrink (give back all memory).
//
// # Ownership
//
// Slices from Next and Peek point into the buffer's blocks and die at the next Release (or Free); never
// write to them. ReadString and ReadBinary return copies the caller keeps. A Reader from Slice shares
// blocks by reference count: it outlives its parent's Release and frees its share at its own Release.
//
// A slice from Malloc or Book belongs to the caller until the next Flush (BookAck). Bytes given to
// WriteDirect or NewFromBytes stay the caller's: the buffer never writes to them or pools them, and the
// caller must not change them until they have been read and released.
//
// Blocks return to their pools when the last node or Reader viewing them is released; nothing has to
// be freed after an error. A block of 64 KiB or more is used for one flush only, so the memory of a
// large message returns to the pool at the Release after it is read. Free (or Shrink, on an idle
// buffer) also gives back the block the writer would have filled next.
//
// # Concurrency
//
// One goroutine may use the write side (Malloc, MallocLen, MallocAck, WriteDirect, WriteString,
// WriteBinary, Append, Flush, Book, BookAck) while one other goroutine uses the read side (Next, Peek,
// Skip, ReadString, ReadBinary, Slice, Len, IsEmpty, Release, Vectors) of the same Buffer, with no lock:
// Flush publishes the new bytes through one atomic counter (and, when it moved past nodes, the atomic
// id of the node now holding the end of the flushed bytes), and the reader frees only nodes the writer
// has flushed past. Release keeps the nodes it frees and hands them back to the writer in batches, one
// atomic exchange per batch. Free and Shrink need both sides quiet. The block pools are safe for any
// number of goroutines, so Readers from Slice may be released anywhere.
//
// # Invariants
//
// Built with -tags invariants, the package poisons every block it returns to a pool, panics when a
// pooled block was written after its release or is released twice, and checks node reuse the same way.
// It runs the same code with and without -race.
package linkbuf
