package linkbuf_test

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kestrel-rpc/kestrel/linkbuf"
)

// The tests of this file cover how a Buffer recycles its nodes (the consumer's Release hands them to the
// producer in batches) and how a link shares the block it splits (the node before the link borrows the
// block reference of the node after it).

// writeLinked writes one message the way FastWriteNocopy does for a large binary: a header malloced
// with room for the trailer, the payload linked in place, the trailer written after the link, Flush.
func writeLinked(t testing.TB, b *linkbuf.Buffer, hdr, payload, trailer []byte) {
	t.Helper()
	p, err := b.Malloc(len(hdr) + len(trailer))
	if err != nil {
		t.Fatal(err)
	}
	copy(p, hdr)
	if err := b.WriteDirect(payload, len(trailer)); err != nil {
		t.Fatal(err)
	}
	copy(p[len(hdr):], trailer)
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
}

// churnBlocks takes and fills blocks of the default size from other buffers, so that a block given back
// to the pool too early is reused and overwritten.
func churnBlocks() {
	var bufs []*linkbuf.Buffer
	for range 64 {
		o := linkbuf.New()
		p, _ := o.Malloc(linkbuf.MinBlockSize)
		for i := range p {
			p[i] = 0xee
		}
		bufs = append(bufs, o)
	}
	for _, o := range bufs {
		o.Free()
	}
}

func TestLinkedMessagesRecycleNodes(t *testing.T) {
	out0, in0 := linkbuf.PoolStats()
	b := linkbuf.New()
	payload := seq(1 << 16)
	for i := range 1000 {
		hdr := []byte{byte(i), byte(i >> 8), 3, 4, 5, 6, 7}
		writeLinked(t, b, hdr, payload[i:i+1000], []byte{0})
		want := append(append(append([]byte{}, hdr...), payload[i:i+1000]...), 0)
		got, err := b.Next(len(want))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("message %d: %v, equal %v", i, err, bytes.Equal(got, want))
		}
		if err := b.Release(); err != nil {
			t.Fatal(err)
		}
		if c := b.CachedNodes(); c > linkbuf.MaxCachedNodes {
			t.Fatalf("message %d: %d cached nodes, want at most %d", i, c, linkbuf.MaxCachedNodes)
		}
	}
	if !b.CachesNodes() {
		t.Fatal("a buffer that linked 1000 messages does not keep its nodes")
	}
	if b.CachedNodes() == 0 {
		t.Fatal("no node kept for the producer")
	}
	// Three nodes per message (header, link, trailer) with the trailer's node reused by the next
	// message: the chain stays short once released.
	if n := b.Nodes(); n > 3 {
		t.Fatalf("%d nodes left in the chain after Release, want at most 3", n)
	}
	b.Free()
	if c := b.CachedNodes(); c != 0 {
		t.Fatalf("Free left %d cached nodes", c)
	}
	if out1, in1 := linkbuf.PoolStats(); out1-out0 != in1-in0 {
		t.Fatalf("pool leak: %d blocks out, %d back", out1-out0, in1-in0)
	}
	// The buffer works after Free, still recycling.
	writeLinked(t, b, []byte("hd"), payload[:100], []byte("tr"))
	if got, err := b.ReadBinary(104); err != nil || string(got[:2]) != "hd" || string(got[102:]) != "tr" {
		t.Fatalf("after Free: %q, %v", got, err)
	}
	_ = b.Release()
	b.Free()
}

func TestShortLivedBufferGivesNodesToPool(t *testing.T) {
	for range 10 {
		b := linkbuf.NewFromBytes(seq(100))
		if _, err := b.Next(100); err != nil {
			t.Fatal(err)
		}
		_ = b.Release()
		if b.CachesNodes() || b.CachedNodes() != 0 {
			t.Fatalf("a one-message buffer keeps %d nodes (caching %v)", b.CachedNodes(), b.CachesNodes())
		}
	}
	// A Reader from Slice neither.
	b := linkbuf.New()
	defer b.Free()
	for i := range 3 * linkbuf.CacheAfter {
		writeLinked(t, b, []byte{byte(i)}, seq(50), []byte{1})
	}
	c, err := b.Slice(b.Len())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Next(c.Len()); err != nil {
		t.Fatal(err)
	}
	_ = c.Release()
	if cb := c.(*linkbuf.Buffer); cb.CachesNodes() || cb.CachedNodes() != 0 {
		t.Fatalf("a Slice reader keeps %d nodes (caching %v)", cb.CachedNodes(), cb.CachesNodes())
	}
}

// TestMallocAckDropsBlockHolder: a link splits the block, and the node before the link borrows the
// block reference of the node after it. MallocAck dropping that node must leave the block alive for
// the node before, whose bytes a reader still holds.
func TestMallocAckDropsBlockHolder(t *testing.T) {
	out0, in0 := linkbuf.PoolStats()
	b := linkbuf.New()
	first := seq(32)
	_, _ = b.WriteBinary(first)
	mustFlush(t, b)
	q, err := b.Next(16) // a slice into the block
	if err != nil {
		t.Fatal(err)
	}
	p, _ := b.Malloc(64)
	copy(p, "head")
	if err := b.WriteDirect(seq(5000), 16); err != nil {
		t.Fatal(err)
	}
	for _, keep := range []int{0, 2} { // drop the link and the holder; then the same after a re-link
		if err := b.MallocAck(keep); err != nil {
			t.Fatal(err)
		}
		churnBlocks()
		if !bytes.Equal(q, first[:16]) {
			t.Fatalf("keep %d: a read slice changed after MallocAck dropped the block's holder", keep)
		}
		p, _ = b.Malloc(8)
		copy(p, "more")
		if err := b.WriteDirect(seq(4096), 4); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.MallocAck(2); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, b)
	got, err := b.ReadBinary(b.Len())
	if want := append(append([]byte{}, first[16:]...), "mo"...); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %q, %v; want %q", got, err, want)
	}
	_ = b.Release()
	b.Free()
	if out1, in1 := linkbuf.PoolStats(); out1-out0 != in1-in0 {
		t.Fatalf("pool leak: %d blocks out, %d back", out1-out0, in1-in0)
	}
}

// TestAppendMovesBlockHolder: Append moves the node holding a split block's reference to another
// buffer, while the node that borrows it stays in the source with bytes a reader holds.
func TestAppendMovesBlockHolder(t *testing.T) {
	out0, in0 := linkbuf.PoolStats()
	src, dst := linkbuf.New(), linkbuf.New()
	first := seq(32)
	_, _ = src.WriteBinary(first)
	mustFlush(t, src)
	q, err := src.Next(8)
	if err != nil {
		t.Fatal(err)
	}
	payload := seq(3000)
	writeLinked(t, src, []byte("header"), payload, []byte("trailer"))
	if err := dst.Append(src); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, dst)
	want := append(append(append(append([]byte{}, first[8:]...), "header"...), payload...), "trailer"...)
	got, err := dst.Next(dst.Len())
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("appended bytes: %v, equal %v", err, bytes.Equal(got, want))
	}
	_ = dst.Release()
	dst.Free()
	churnBlocks()
	if !bytes.Equal(q, first[:8]) {
		t.Fatal("a slice read from the source changed before the source's Release")
	}
	_ = src.Release()
	src.Free()
	if out1, in1 := linkbuf.PoolStats(); out1-out0 != in1-in0 {
		t.Fatalf("pool leak: %d blocks out, %d back", out1-out0, in1-in0)
	}
}

// TestConcurrentLinkedWrites runs the codec's no-copy write (header, linked payload, trailer) on one
// goroutine and the reader on another, releasing after every message, so that nodes go back and forth
// between the two sides all the time. Run it with -race.
func TestConcurrentLinkedWrites(t *testing.T) {
	messages := 30000
	if testing.Short() {
		messages = 5000
	}
	table := seq(2 * linkbuf.MinBlockSize) // linked bytes must not change until read
	out0, in0 := linkbuf.PoolStats()
	b := linkbuf.New()
	var done atomic.Int64
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	// message i: 4-byte length n, then n bytes of the table from offset i%251, then a 1..8-byte trailer of
	// byte(i).
	msg := func(i int) (n, trailer int) {
		return (i * 7919) % (len(table) - 251), 1 + i%8
	}
	go func() { // producer
		defer wg.Done()
		r := rand.New(rand.NewPCG(5, 6))
		for i := range messages {
			n, tr := msg(i)
			p, err := b.Malloc(4 + tr + 16) // 16 bytes of slack, dropped below
			if err != nil {
				errc <- err
				return
			}
			binary.BigEndian.PutUint32(p, uint32(n))
			before := b.MallocLen() - len(p)
			if err := b.WriteDirect(table[i%251:i%251+n], tr+16); err != nil {
				errc <- err
				return
			}
			for j := range tr {
				p[4+j] = byte(i)
			}
			keep := before + 4 + n + tr
			if i%7 == 0 { // now and then drop the link and write the message by copy instead
				keep = before
			}
			if err := b.MallocAck(keep); err != nil {
				errc <- err
				return
			}
			if i%7 == 0 {
				var h [4]byte
				binary.BigEndian.PutUint32(h[:], uint32(n))
				_, _ = b.WriteBinary(h[:])
				_, _ = b.WriteBinary(table[i%251 : i%251+n])
				_, _ = b.WriteBinary(bytes.Repeat([]byte{byte(i)}, tr))
			}
			if r.IntN(4) != 0 {
				_ = b.Flush()
			}
			for i-int(done.Load()) > 32 {
				_ = b.Flush()
				runtime.Gosched()
			}
		}
		_ = b.Flush()
	}()

	deadline := time.Now().Add(2 * time.Minute)
	wait := func(n int) {
		for b.Len() < n {
			if time.Now().After(deadline) {
				t.Fatalf("consumer starved: %d readable, want %d", b.Len(), n)
			}
			select {
			case err := <-errc:
				t.Fatal(err)
			default:
			}
			runtime.Gosched()
		}
	}
	rc := rand.New(rand.NewPCG(7, 8))
	for i := range messages {
		n, tr := msg(i)
		wait(4 + n + tr)
		var got []byte
		var err error
		if rc.IntN(2) == 0 {
			got, err = b.Next(4 + n + tr)
		} else {
			var c linkbuf.Reader
			if c, err = b.Slice(4 + n + tr); err == nil {
				got, err = c.ReadBinary(4 + n + tr)
				_ = c.Release()
			}
		}
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if int(binary.BigEndian.Uint32(got)) != n || !bytes.Equal(got[4:4+n], table[i%251:i%251+n]) ||
			!bytes.Equal(got[4+n:], bytes.Repeat([]byte{byte(i)}, tr)) {
			t.Fatalf("message %d (%d bytes): wrong bytes", i, n)
		}
		_ = b.Release()
		done.Store(int64(i + 1))
	}
	wg.Wait()
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
	if !b.CachesNodes() {
		t.Fatal("the buffer did not start keeping its nodes")
	}
	if c := b.CachedNodes(); c > linkbuf.MaxCachedNodes {
		t.Fatalf("%d cached nodes, want at most %d", c, linkbuf.MaxCachedNodes)
	}
	b.Free()
	if out1, in1 := linkbuf.PoolStats(); out1-out0 != in1-in0 {
		t.Fatalf("pool leak: %d blocks out, %d back", out1-out0, in1-in0)
	}
}
