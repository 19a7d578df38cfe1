package linkbuf

import (
	"strconv"
	"sync/atomic"

	"github.com/kestrel-rpc/kestrel/internal/invariants"
	"github.com/kestrel-rpc/kestrel/internal/unsafex"
)

// Node recycling: the consumer's Release keeps the nodes it frees and hands them to the producer in
// batches of at least handoffBatch through one atomic pointer (one atomic store per batch, one swap when
// the producer takes it), instead of a sync.Pool Put and Get per node. A buffer starts doing so once its
// producer has taken cacheAfter nodes from the pool, so that a short-lived Buffer gives its few nodes
// back to the pool; it keeps at most about 3*maxCachedNodes (its own list, the batch handed over, the
// consumer's list), and Free gives them all back.
const (
	handoffBatch   = 16
	maxCachedNodes = 64
	cacheAfter     = 16
)

// node is one link of the chain: the bytes buf[start:end] of a block (or of caller memory), which sit at
// offset base of the stream.
//
// Who may touch what: buf, start, base, id and mem are set before the node's bytes are published and
// then fixed. end, limit, next and borrowed belong to the producer while the node is the flush node (the
// node holding the end of the flushed bytes, Buffer.flushNode) or lies after it; once a Flush has moved
// the flush node past a node, the producer never touches that node again. A Flush stores the id of the
// new flush node (Buffer.pflush, only when it moved) before the total of flushed bytes (Buffer.total),
// and the consumer loads them in the opposite order. So in a node before the flush node it loaded, the
// consumer may read end and next freely: they are final. In the flush node itself it reads only up to
// the total: every flushed byte past its base lies in that node. A Flush thus costs one atomic store,
// plus one when it leaves nodes behind, however many.
type node struct {
	buf   []byte
	start int
	end   int
	// limit is where the producer's writable space in buf ends (limit >= end). It equals end for caller
	// memory and for a node whose block's remaining space now belongs to a later node.
	limit int
	// base is the stream offset of buf[start] (counted like Buffer.total).
	base int
	// id tells the node from the other nodes of its chain: the producer numbers the nodes it links
	// (Buffer.seq), and the root is 0. It is set before the node is published and then fixed.
	id   uint64
	next *node
	// mem is the pooled block viewed by buf, or nil for caller memory (which is never pooled).
	mem *block
	// borrowed is true when the node holds no reference of its own to mem: a later node of the same
	// chain over the same block holds it (WriteDirect hands the reference of the node it splits on to
	// the node after the link). The chain is released in order, so the block outlives the node. Code
	// that moves a later node to another chain (Append) or drops it (MallocAck) first gives a borrowed
	// node a reference of its own. The producer's tail node is never borrowed.
	borrowed bool
	// free is true while the node sits in the pool or a buffer's node lists; only maintained under
	// -tags invariants.
	free bool
}

// readEnd returns how far the consumer may read in n, given the total of flushed bytes and the id of the
// flush node loaded before (see node).
func (n *node) readEnd(total int, flush uint64) int {
	if n.id != flush {
		return n.end
	}
	return n.start + max(total-n.base, 0)
}

// Buffer is a linked buffer: a chain of blocks, read from the front and written at the back. It
// implements Reader and Writer. The zero value is an empty buffer ready to use; New returns the same.
//
// A Buffer must not be copied after first use. See the package comment for ownership and concurrency.
type Buffer struct {
	// root starts the chain, so neither side has to create the chain's first link for the other.
	root node

	// Producer side.
	tail       *node  // the node written to; nil until the producer's first call
	ptotal     int    // the producer's copy of total
	flushNode  *node  // the node holding the end of the flushed bytes
	flushOff   int    // where the flushed bytes end in flushNode
	mallocLen  int    // bytes added since the last Flush
	lastMalloc int    // bytes of the last Malloc region still at the end of tail (for WriteDirect)
	booked     int    // size of the space handed out by the last Book
	seq        uint64 // the id of the last node numbered by newNode
	pfree      *node  // the producer's free nodes, linked by next
	poolNodes  int    // nodes the producer took from the pool, counted up to cacheAfter

	_ [64]byte // keep the producer's and consumer's fields off each other's cache lines

	// total counts every byte ever flushed. The producer alone stores it; the consumer loads it.
	total atomic.Int64
	// pflush is the id of the producer's flushNode as of the last Flush that moved it; see node.
	pflush atomic.Uint64
	// handoff holds a batch of free nodes from the consumer's Release for the producer: only the
	// consumer stores a batch into it, only when it is empty, and only the producer empties it.
	handoff atomic.Pointer[node]
	// cacheNodes tells the consumer to keep freed nodes for the producer; the producer sets it once.
	cacheNodes atomic.Bool

	_ [36]byte

	// Consumer side.
	head     *node  // oldest node not yet released; nil until the consumer's first call
	rnode    *node  // node holding the read position
	roff     int    // read position in rnode.buf
	rend     int    // end of the bytes of rnode known to be readable (rend <= rnode's flushed end)
	consumed int    // every byte ever consumed: Len is total - consumed
	rtotal   int    // total as last loaded by sync
	rflush   uint64 // the id of the flush node as last loaded by sync
	copies   *block // blocks holding copies of reads that spanned nodes, freed by Release
	cfree    *node  // nodes freed by Release, not yet handed to the producer, linked by next
	cfreeN   int    // length of cfree
}

var (
	_ Reader = (*Buffer)(nil)
	_ Writer = (*Buffer)(nil)
)

// New returns an empty Buffer.
func New() *Buffer { return new(Buffer) }

// NewFromBytes returns a Buffer whose readable bytes are p, without copying them. The Buffer never
// writes to p and never puts it into a pool: Release and Free merely drop their reference to it. The
// caller must not change p until the bytes have been read and released. More bytes may be written after
// p as to any Buffer.
func NewFromBytes(p []byte) *Buffer {
	b := New()
	if len(p) > 0 {
		b.linkCaller(p)
		_ = b.Flush()
	}
	return b
}

// LinkBuffer returns b. It lets a *Buffer stand wherever a type exposing its buffer is expected (see
// Writer.Append).
func (b *Buffer) LinkBuffer() *Buffer { return b }

func (b *Buffer) initWriter() {
	b.tail = &b.root
	b.flushNode = &b.root
}

func (b *Buffer) initReader() {
	b.head = &b.root
	b.rnode = &b.root
}

// ---- Writer ----

// Malloc returns n writable bytes at the end of the stream. They come from the current block when it has
// room, else from a new block of n's size class: a region is never split across blocks.
func (b *Buffer) Malloc(n int) ([]byte, error) {
	if t := b.tail; t != nil && uint(n) <= uint(t.limit-t.end) {
		s := t.end
		e := s + n
		t.end = e
		b.mallocLen += n
		b.lastMalloc = n
		return t.buf[s:e:e], nil
	}
	return b.mallocSlow(n)
}

func (b *Buffer) mallocSlow(n int) ([]byte, error) {
	if n < 0 {
		return nil, ErrNegativeSize
	}
	if b.tail == nil {
		b.initWriter()
		if n == 0 {
			b.lastMalloc = 0
			return b.root.buf[:0:0], nil
		}
	}
	t := b.newBlockNode(n)
	t.end = n
	b.mallocLen += n
	b.lastMalloc = n
	return t.buf[:n:n], nil
}

// newBlockNode links a new node over a block of at least max(n, the default block size) bytes.
func (b *Buffer) newBlockNode(n int) *node {
	blk := getBlock(max(n, minBlockSize))
	nd := b.newNode()
	nd.buf = blk.buf
	nd.mem = blk
	nd.limit = len(blk.buf)
	nd.base = b.ptotal + b.mallocLen
	b.tail.next = nd
	b.tail = nd
	return nd
}

// newNode returns a cleared node for the producer, numbered: from its own free list, else from the
// batch the consumer handed over, else from the pool.
func (b *Buffer) newNode() *node {
	n := b.pfree
	if n == nil || invariants.Enabled {
		return b.newNodeSlow()
	}
	b.pfree = n.next
	n.next = nil
	b.seq++
	n.id = b.seq
	return n
}

func (b *Buffer) newNodeSlow() *node {
	n := b.pfree
	if n == nil {
		if b.handoff.Load() == nil {
			return b.poolNode()
		}
		n = b.handoff.Swap(nil)
	}
	b.pfree = n.next
	n.next = nil
	b.seq++
	n.id = b.seq
	if invariants.Enabled {
		if !n.free {
			panic("linkbuf: node taken from a free list is still in use")
		}
		n.free = false
	}
	return n
}

// poolNode returns a node from the pool and, once the producer has taken cacheAfter of them, asks the
// consumer to keep the nodes it frees for the producer.
func (b *Buffer) poolNode() *node {
	if b.poolNodes < cacheAfter {
		if b.poolNodes++; b.poolNodes == cacheAfter {
			b.cacheNodes.Store(true)
		}
	}
	n := getNode()
	b.seq++
	n.id = b.seq
	return n
}

// recycle drops the reference of h (a node the consumer is done with) to its memory, clears h and keeps
// it for the producer. The caller has checked that the consumer's list has room.
func (b *Buffer) recycle(h *node) {
	if h.mem != nil && !h.borrowed {
		h.mem.unref()
	}
	if invariants.Enabled && h.free {
		panic("linkbuf: double release of a node")
	}
	*h = node{free: true, next: b.cfree}
	b.cfree = h
	b.cfreeN++
}

// ownRefs gives every borrowing node from first to last (last reachable from first by next) a block
// reference of its own, before the nodes after last are dropped or moved to another chain.
func ownRefs(first, last *node) {
	for h := first; ; h = h.next {
		if h.borrowed {
			h.borrowed = false
			h.mem.refs.Add(1)
		}
		if h == last {
			return
		}
	}
}

// freeNodes returns a list of nodes linked by next to the pool.
func freeNodes(n *node) {
	for n != nil {
		nx := n.next
		n.next = nil
		if invariants.Enabled {
			n.free = false // putNode checks and sets it again
		}
		putNode(n)
		n = nx
	}
}

// MallocLen returns the number of bytes added since the last Flush.
func (b *Buffer) MallocLen() int { return b.mallocLen }

// MallocAck keeps the first n of the bytes added since the last Flush and drops the rest, returning
// their blocks to the pools. It ends the last Malloc region: WriteDirect then needs remainCap 0.
func (b *Buffer) MallocAck(n int) error {
	if n < 0 || n > b.mallocLen {
		return ErrNegativeSize
	}
	b.lastMalloc = 0
	b.booked = 0
	if n == b.mallocLen {
		return nil
	}
	x, from, keep := b.flushNode, b.flushOff, n
	for keep > x.end-from {
		keep -= x.end - from
		x = x.next
		from = x.start
	}
	x.end = from + keep
	if x.mem == nil {
		x.limit = x.end
	}
	if x.next != nil {
		// The nodes after x are dropped, and with them the block reference a node up to x may borrow
		// (nodes before the flush node cannot: a split makes the borrowing node and its holder together,
		// and a Flush moves the flush node onto the holder or past it).
		ownRefs(b.flushNode, x)
	}
	for d := x.next; d != nil; {
		nx := d.next
		putNode(d)
		d = nx
	}
	x.next = nil
	b.tail = x
	b.mallocLen = n
	return nil
}

// WriteDirect links p into the stream without copying it, remainCap bytes before the end of the last
// Malloc region (see Writer). remainCap must lie in [0, size of what is left of that region]; after
// anything but Malloc or WriteDirect (a copy, MallocAck, Flush, Book) only 0 is allowed, and p is then
// linked at the end of the stream.
func (b *Buffer) WriteDirect(p []byte, remainCap int) error {
	if uint(remainCap) > uint(b.lastMalloc) {
		return ErrNegativeSize
	}
	if len(p) == 0 {
		b.lastMalloc = remainCap // the (empty) insertion point moved to remainCap before the region's end
		return nil
	}
	if b.tail == nil {
		b.initWriter()
	}
	t := b.tail
	if remainCap == 0 && t.limit == t.end {
		b.linkCaller(p)
		return nil
	}
	// Split t around the insertion point: t keeps the bytes before it, p follows, and a new node over the
	// same block takes the remainCap bytes after it together with the block's free space. c takes over
	// t's reference to the block (t is read and released before c), so the split costs no atomic add.
	c := b.newNode()
	c.buf = t.buf
	c.mem = t.mem
	t.borrowed = true
	c.start = t.end - remainCap
	c.end = t.end
	c.limit = t.limit
	t.end = c.start
	t.limit = c.start
	b.mallocLen -= remainCap // the region's tail moves behind p
	b.linkCaller(p)
	c.base = b.ptotal + b.mallocLen
	b.mallocLen += remainCap
	b.tail.next = c
	b.tail = c
	b.lastMalloc = remainCap
	return nil
}

// linkCaller links caller memory p (non-empty) at the end of the chain.
func (b *Buffer) linkCaller(p []byte) {
	if b.tail == nil {
		b.initWriter()
	}
	nd := b.newNode()
	nd.buf = p[:len(p):len(p)]
	nd.end = len(p)
	nd.limit = len(p)
	nd.base = b.ptotal + b.mallocLen
	b.tail.next = nd
	b.tail = nd
	b.mallocLen += len(p)
	b.lastMalloc = 0
}

// WriteString copies s into the stream, filling the current block before taking a new one.
func (b *Buffer) WriteString(s string) (int, error) {
	b.write(unsafex.StringToBytes(s))
	return len(s), nil
}

// WriteBinary copies p into the stream, filling the current block before taking a new one.
func (b *Buffer) WriteBinary(p []byte) (int, error) {
	b.write(p)
	return len(p), nil
}

func (b *Buffer) write(p []byte) {
	if b.tail == nil {
		b.initWriter()
	}
	t := b.tail
	k := copy(t.buf[t.end:t.limit], p)
	t.end += k
	b.mallocLen += k
	if rest := p[k:]; len(rest) > 0 {
		nd := b.newBlockNode(len(rest))
		nd.end = copy(nd.buf, rest)
		b.mallocLen += len(rest)
	}
	b.lastMalloc = 0
}

// Append moves everything written to w and not yet read (flushed or not) onto the end of b, without
// copying: the blocks change hands. The moved bytes count in b's MallocLen and become readable at b's
// next Flush. w is left empty and usable; slices from w's earlier reads stay valid until w's Release.
// w must not be used concurrently with Append, and w must not be b.
func (b *Buffer) Append(w Writer) error {
	var src *Buffer
	switch v := w.(type) {
	case *Buffer:
		src = v
	case interface{ LinkBuffer() *Buffer }:
		src = v.LinkBuffer()
	}
	if src == nil || src == b {
		return ErrUnsupported
	}
	b.lastMalloc = 0
	if src.tail == nil {
		src.initWriter()
	}
	if src.rnode == nil {
		src.initReader()
	}
	if b.tail == nil {
		b.initWriter()
	}
	pos := b.ptotal + b.mallocLen // stream offset of the first moved byte in b
	x, off := src.rnode, src.roff
	// The nodes that stay in src (up to x) must not borrow a reference held by a node that moves.
	ownRefs(src.head, x)
	var first, last *node
	moved := 0
	if x.end > off {
		// x was partly read: the unread part moves as a new node over the same memory, so that slices
		// of the read part stay valid until src's Release.
		y := b.newNode()
		y.buf = x.buf
		y.mem = x.mem
		if x.mem != nil {
			x.mem.refs.Add(1)
		}
		y.start = off
		y.base = pos
		y.end = x.end
		y.limit = x.end
		if x == src.tail {
			y.limit = x.limit
		}
		first, last = y, y
		moved = y.end - off
	}
	if nx := x.next; nx != nil {
		if first == nil {
			first = nx
		} else {
			last.next = nx
		}
		for nd := nx; nd != nil; nd = nd.next {
			nd.base = pos + moved
			b.seq++
			nd.id = b.seq // unique in b's chain
			moved += nd.end - nd.start
			last = nd
		}
	}
	// Leave src empty: x ends where it was read up to, and nothing after it is writable.
	x.next = nil
	x.end = off
	x.limit = off
	src.tail, src.flushNode, src.flushOff = x, x, off
	src.pflush.Store(x.id)
	src.mallocLen, src.lastMalloc, src.booked = 0, 0, 0
	src.rend = off
	src.ptotal, src.rtotal = src.consumed, src.consumed
	src.total.Store(int64(src.consumed))
	if first == nil {
		return nil
	}
	b.tail.next = first
	b.tail = last
	b.mallocLen += moved
	b.lastMalloc = 0
	return nil
}

// Flush makes every byte added so far readable. A tail block of 64 KiB or more is not written again
// after a Flush, so that the consumer can give it back as soon as the message in it has been read.
func (b *Buffer) Flush() error {
	b.lastMalloc = 0
	if b.mallocLen == 0 {
		return nil
	}
	t := b.tail
	if t.mem != nil && len(t.buf) >= sealSize {
		e := b.newNode()
		e.base = b.ptotal + b.mallocLen
		t.next = e
		b.tail = e
		t = e
	}
	// Publish the flush node before the total (see node). Once it is stored the consumer may read past
	// the nodes before it and release them, so the producer must not touch them again.
	if b.flushNode != t {
		b.flushNode = t
		b.pflush.Store(t.id)
	}
	b.flushOff = t.end
	b.ptotal += b.mallocLen
	b.total.Store(int64(b.ptotal))
	b.mallocLen = 0
	b.booked = 0
	return nil
}

// Book returns writable space at the end of the stream, at least min bytes (at least 1): the rest of the
// current block if it is large enough, else a new block of at least max(min, 4 KiB). It is meant for
// reading from a socket straight into the buffer. Nothing becomes readable until BookAck. Book must not
// be used while a Malloc region is pending (MallocLen > 0).
func (b *Buffer) Book(min int) []byte {
	if b.tail == nil {
		b.initWriter()
	}
	min = max(min, 1)
	t := b.tail
	if t.limit-t.end < min {
		t = b.newBlockNode(min)
	}
	b.booked = t.limit - t.end
	b.lastMalloc = 0
	return t.buf[t.end:t.limit:t.limit]
}

// BookAck makes the first n bytes of the space from the last Book readable at once: it is an implicit
// Flush. n outside [0, len of the last Book] is a programming error and panics.
func (b *Buffer) BookAck(n int) {
	if n < 0 || n > b.booked {
		panic("linkbuf: BookAck(" + strconv.Itoa(n) + ") outside the " + strconv.Itoa(b.booked) + " booked bytes")
	}
	if n == 0 {
		return
	}
	b.tail.end += n
	b.mallocLen += n
	b.booked = 0
	_ = b.Flush()
}

// ---- Reader ----

// Len returns the number of flushed bytes not yet read.
func (b *Buffer) Len() int { return int(b.total.Load()) - b.consumed }

// IsEmpty reports whether no flushed byte is left to read.
func (b *Buffer) IsEmpty() bool { return b.Len() == 0 }

// sync loads the flushed total, moves the read position onto a node that still holds unread bytes (or
// that may still get some), sets rend, and returns the number of readable bytes.
func (b *Buffer) sync() int {
	if b.rnode == nil {
		b.initReader()
	}
	total := int(b.total.Load()) // before the flush node: see the note on node
	flush := b.pflush.Load()
	avail := total - b.consumed
	b.rtotal, b.rflush = total, flush
	for {
		r := b.rnode
		end := r.readEnd(total, flush)
		if end > b.roff {
			b.rend = min(end, b.roff+avail)
			return avail
		}
		if r.id == flush {
			// Read up to the flush node: every flushed byte has been read.
			b.rend = b.roff
			return avail
		}
		// r lies before the flush node and is read to its end: r.next is final.
		r = r.next
		b.rnode, b.roff = r, r.start
	}
}

// syncMore is sync for a caller that knows more bytes are readable; it panics rather than loop forever
// should the chain ever disagree with the flushed total.
func (b *Buffer) syncMore() {
	if b.sync(); b.rend == b.roff {
		panic("linkbuf: internal error: flushed bytes not found in the chain")
	}
}

// Next returns the next n bytes and advances past them. Bytes within one node are returned in place;
// bytes spanning nodes are copied once into a pooled block that lives until Release.
func (b *Buffer) Next(n int) ([]byte, error) {
	off := b.roff
	if uint(n-1) < uint(b.rend-off) {
		e := off + n
		b.roff = e
		b.consumed += n
		return b.rnode.buf[off:e:e], nil
	}
	return b.nextSlow(n)
}

func (b *Buffer) nextSlow(n int) ([]byte, error) {
	if n <= 0 {
		if n < 0 {
			return nil, ErrNegativeSize
		}
		return []byte{}, nil
	}
	if n > b.sync() {
		return nil, ErrNotEnough
	}
	off := b.roff
	if n <= b.rend-off {
		e := off + n
		b.roff = e
		b.consumed += n
		return b.rnode.buf[off:e:e], nil
	}
	p := b.copyBlock(n)
	b.read(p)
	return p, nil
}

// copyBlock returns n bytes of a pooled block that lives until the next Release.
func (b *Buffer) copyBlock(n int) []byte {
	blk := getBlock(n)
	blk.link = b.copies
	b.copies = blk
	return blk.buf[:n:n]
}

// Peek returns the next n bytes without advancing. Like Next, it copies only bytes spanning nodes.
func (b *Buffer) Peek(n int) ([]byte, error) {
	if n <= 0 {
		if n < 0 {
			return nil, ErrNegativeSize
		}
		return []byte{}, nil
	}
	if off := b.roff; n <= b.rend-off {
		return b.rnode.buf[off : off+n : off+n], nil
	}
	if n > b.sync() {
		return nil, ErrNotEnough
	}
	if off := b.roff; n <= b.rend-off {
		return b.rnode.buf[off : off+n : off+n], nil
	}
	p := b.copyBlock(n)
	b.peek(p)
	return p, nil
}

// Skip advances past the next n bytes. Skipping past the readable bytes returns an error that matches
// both ErrNotEnough and ErrNegativeSize, and skips nothing.
func (b *Buffer) Skip(n int) error {
	if off := b.roff; uint(n) <= uint(b.rend-off) {
		b.roff = off + n
		b.consumed += n
		return nil
	}
	if n < 0 {
		return ErrNegativeSize
	}
	if n > b.sync() {
		return errSkipPastEnd
	}
	b.skip(n)
	return nil
}

// errSkipPastEnd is a read past Len (ErrNotEnough, as for every read) and a Skip past what exists
// (ErrNegativeSize, as api.go words it).
var errSkipPastEnd = &skipError{}

type skipError struct{}

func (*skipError) Error() string { return "linkbuf: skip past the readable bytes" }

func (*skipError) Is(target error) bool { return target == ErrNotEnough || target == ErrNegativeSize }

// ReadBinary returns a copy of the next n bytes, owned by the caller, and advances past them.
func (b *Buffer) ReadBinary(n int) ([]byte, error) {
	if n < 0 {
		return nil, ErrNegativeSize
	}
	if n > b.rend-b.roff && n > b.sync() {
		return nil, ErrNotEnough
	}
	p := make([]byte, n)
	b.read(p)
	return p, nil
}

// ReadString returns a copy of the next n bytes as a string and advances past them.
func (b *Buffer) ReadString(n int) (string, error) {
	p, err := b.ReadBinary(n)
	if err != nil {
		return "", err
	}
	return unsafex.BytesToString(p), nil
}

// read copies len(p) bytes into p and consumes them. The caller has checked that they are readable.
func (b *Buffer) read(p []byte) {
	for len(p) > 0 {
		if b.roff == b.rend {
			b.syncMore()
		}
		off := b.roff
		k := copy(p, b.rnode.buf[off:b.rend])
		b.roff = off + k
		b.consumed += k
		p = p[k:]
	}
}

// skip consumes n bytes. The caller has checked that they are readable.
func (b *Buffer) skip(n int) {
	for n > 0 {
		if b.roff == b.rend {
			b.syncMore()
		}
		k := min(n, b.rend-b.roff)
		b.roff += k
		b.consumed += k
		n -= k
	}
}

// peek copies len(p) bytes into p without consuming them. The caller has called sync and checked that
// they are readable.
func (b *Buffer) peek(p []byte) {
	r, off, end := b.rnode, b.roff, b.rend
	for {
		k := copy(p, r.buf[off:end])
		p = p[k:]
		if len(p) == 0 {
			return
		}
		r = r.next
		off, end = r.start, r.readEnd(b.rtotal, b.rflush)
	}
}

// Slice returns a Reader over the next n bytes and advances past them. The Reader (a *Buffer) shares the
// blocks, holding its own references: it stays valid after b's Release and frees its share at its own
// Release (or Free).
func (b *Buffer) Slice(n int) (Reader, error) {
	if n < 0 {
		return nil, ErrNegativeSize
	}
	if n > b.sync() {
		return nil, ErrNotEnough
	}
	c := New()
	c.initWriter()
	r, off, end := b.rnode, b.roff, b.rend
	for left := n; left > 0; {
		if k := min(end-off, left); k > 0 {
			nd := getNode()
			nd.buf = r.buf
			if nd.mem = r.mem; nd.mem != nil {
				nd.mem.refs.Add(1)
			}
			nd.start, nd.end, nd.limit = off, off+k, off+k
			nd.base = n - left
			c.seq++
			nd.id = c.seq
			c.tail.next = nd
			c.tail = nd
			left -= k
			if left == 0 {
				break
			}
		}
		r = r.next
		off, end = r.start, r.readEnd(b.rtotal, b.rflush)
	}
	// End the chain with an empty node, so that Flush moves the flush node past every node holding bytes
	// and the child's own Release frees them all.
	if n > 0 {
		e := getNode()
		e.base = n
		c.seq++
		e.id = c.seq
		c.tail.next = e
		c.tail = e
		c.mallocLen = n
		_ = c.Flush()
		b.skip(n)
	}
	return c, nil
}

// Release returns to the pools the memory of every byte read so far, except the block the producer may
// still write to, and the copies made for reads that spanned blocks. Slices from Next and Peek die.
func (b *Buffer) Release() error {
	for c := b.copies; c != nil; {
		nx := c.link
		c.unref()
		c = nx
	}
	b.copies = nil
	if b.rnode == nil {
		return nil
	}
	b.sync()
	cache := b.cacheNodes.Load()
	for h := b.head; h != b.rnode; {
		nx := h.next
		switch {
		case h == &b.root:
			h.next = nil
		case cache && b.cfreeN < maxCachedNodes:
			b.recycle(h)
		default:
			putNode(h)
		}
		h = nx
	}
	b.head = b.rnode
	if b.cfreeN >= handoffBatch && b.handoff.Load() == nil {
		b.handoff.Store(b.cfree)
		b.cfree, b.cfreeN = nil, 0
	}
	return nil
}

// Vectors appends to dst up to max slices that cover the readable bytes from the read position on, in
// order, without consuming them, and returns the extended slice (for writev). They stay valid until the
// bytes are skipped and released.
func (b *Buffer) Vectors(dst [][]byte, max int) [][]byte {
	avail := b.sync()
	r, off, end := b.rnode, b.roff, b.rend
	for k := 0; k < max && avail > 0; {
		if end > off {
			dst = append(dst, r.buf[off:end:end])
			avail -= end - off
			k++
			if avail == 0 {
				break
			}
		}
		r = r.next
		off = r.start
		end = min(r.readEnd(b.rtotal, b.rflush), off+avail)
	}
	return dst
}

// Free returns every block to the pools, read or not, flushed or not, and leaves b empty and usable. It
// is idempotent. Neither side may be in use concurrently, and slices from b die. Readers returned by
// Slice are not affected.
func (b *Buffer) Free() {
	for c := b.copies; c != nil; {
		nx := c.link
		c.unref()
		c = nx
	}
	b.copies = nil
	n := b.head
	if n == nil {
		n = &b.root
	}
	for n != nil {
		nx := n.next
		if n != &b.root {
			putNode(n)
		}
		n = nx
	}
	b.root.next = nil
	b.root.end = 0
	b.root.borrowed = false
	freeNodes(b.pfree)
	freeNodes(b.handoff.Swap(nil))
	freeNodes(b.cfree)
	b.pfree, b.cfree, b.cfreeN = nil, nil, 0
	b.tail, b.flushNode, b.flushOff, b.ptotal = nil, nil, 0, 0
	b.mallocLen, b.lastMalloc, b.booked = 0, 0, 0
	b.total.Store(0)
	b.pflush.Store(0)
	b.head, b.rnode, b.roff, b.rend, b.consumed, b.rtotal, b.rflush = nil, nil, 0, 0, 0, 0, 0
}

// Shrink gives every block back to the pools, the producer's current block included, when nothing is
// left to read, to flush or to fill from a Book, so that an idle connection holds no memory; else it does
// nothing. Like Free it requires that neither side be in use concurrently and that slices from earlier
// reads be dead (call it after Release).
func (b *Buffer) Shrink() {
	if b.Len() == 0 && b.mallocLen == 0 && b.booked == 0 {
		b.Free()
	}
}
