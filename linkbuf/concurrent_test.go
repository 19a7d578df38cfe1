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

// payload returns the deterministic body of message i: its length varies from 0 to a few blocks (and
// now and then past the 64 KiB seal size), and its bytes depend on i.
func payload(i int, scratch []byte) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	var n int
	switch r.IntN(10) {
	case 0:
		n = linkbuf.SealSize + r.IntN(4096)
	case 1, 2:
		n = r.IntN(3 * linkbuf.MinBlockSize)
	default:
		n = r.IntN(300)
	}
	p := scratch[:0]
	for j := range n {
		p = append(p, byte(i*31+j*7))
	}
	return p
}

// TestConcurrentProducerConsumer runs one writer goroutine and one reader goroutine on one Buffer, the
// way a connection's input buffer is filled by the reactor while a handler reads it. Run it with -race.
func TestConcurrentProducerConsumer(t *testing.T) {
	messages := 20000
	if testing.Short() {
		messages = 3000
	}
	// Linked (WriteDirect) bytes must not change until read: take them from one immutable table.
	linked := make([]byte, 3*linkbuf.MinBlockSize)
	for i := range linked {
		linked[i] = byte(i*13 + 5)
	}
	out0, in0 := linkbuf.PoolStats()
	b := linkbuf.New()
	var done atomic.Int64 // messages the consumer has checked
	var releasers sync.WaitGroup
	var wg sync.WaitGroup
	wg.Add(1)
	errc := make(chan error, 1)
	go func() { // producer
		defer wg.Done()
		r := rand.New(rand.NewPCG(1, 2))
		var scratch []byte
		for i := range messages {
			body := payload(i, scratch[:0])
			scratch = body
			var hdr [4]byte
			binary.BigEndian.PutUint32(hdr[:], uint32(len(body)))
			switch r.IntN(5) {
			case 0: // one Malloc for header and body
				p, err := b.Malloc(4 + len(body))
				if err != nil {
					errc <- err
					return
				}
				copy(p, hdr[:])
				copy(p[4:], body)
			case 1: // copies
				_, _ = b.WriteBinary(hdr[:])
				_, _ = b.WriteString(string(body))
			case 2: // Book/BookAck (implicitly flushes)
				if b.MallocLen() != 0 {
					_ = b.Flush()
				}
				msg := append(hdr[:], body...)
				for len(msg) > 0 {
					p := b.Book(1 + r.IntN(len(msg)))
					k := copy(p, msg[:min(len(msg), 1+r.IntN(len(p)))])
					b.BookAck(k)
					msg = msg[k:]
				}
			case 3: // codec style: Malloc the message plus slack, link the body's first k bytes from
				// an immutable table in place, write the rest after them, MallocAck the slack away.
				// The body then starts with the table's bytes (the consumer accepts that form).
				p, err := b.Malloc(4 + len(body) + 8)
				if err != nil {
					errc <- err
					return
				}
				k := min(len(body), len(linked))
				copy(p, hdr[:])
				if err := b.WriteDirect(linked[:k], len(p)-4); err != nil {
					errc <- err
					return
				}
				copy(p[4:], body[k:])
				if err := b.MallocAck(b.MallocLen() - 8 - k); err != nil {
					errc <- err
					return
				}
			default: // Malloc too much, then MallocAck the rest away
				before := b.MallocLen()
				p, _ := b.Malloc(4 + len(body) + 100)
				copy(p, hdr[:])
				copy(p[4:], body)
				if err := b.MallocAck(before + 4 + len(body)); err != nil {
					errc <- err
					return
				}
			}
			if r.IntN(3) == 0 {
				_ = b.Flush()
			}
			for i-int(done.Load()) > 64 { // keep the producer at most 64 messages ahead
				if r.IntN(3) == 0 {
					_ = b.Flush()
				}
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
	r := rand.New(rand.NewPCG(3, 4))
	var scratch []byte
	var vecs [][]byte
	for i := range messages {
		want := payload(i, scratch[:0])
		scratch = want
		wait(4)
		h, err := b.Peek(4)
		if err != nil {
			t.Fatal(err)
		}
		n := int(binary.BigEndian.Uint32(h))
		if n != len(want) {
			t.Fatalf("message %d: length %d, want %d", i, n, len(want))
		}
		wait(4 + n)
		var got []byte
		switch r.IntN(4) {
		case 0:
			_ = b.Skip(4)
			got, err = b.Next(n)
		case 1:
			_ = b.Skip(4)
			var c linkbuf.Reader
			c, err = b.Slice(n)
			if err == nil {
				got, err = c.ReadBinary(n)
				// The child's blocks may be shared with blocks the producer still writes and the
				// consumer releases: let a third goroutine drop them.
				releasers.Add(1)
				go func() { defer releasers.Done(); _ = c.Release() }()
			}
		case 2:
			vecs = b.Vectors(vecs[:0], 64)
			var all []byte
			for _, v := range vecs {
				if len(all) >= 4+n {
					break
				}
				all = append(all, v...)
			}
			if len(all) < 4+n {
				t.Fatalf("message %d: Vectors cover %d bytes, want at least %d", i, len(all), 4+n)
			}
			got = all[4 : 4+n]
			err = b.Skip(4 + n)
		default:
			var p []byte
			p, err = b.ReadBinary(4 + n)
			if err == nil {
				got = p[4:]
			}
		}
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !bytes.Equal(got, want) && !matchesLinked(got, want, linked) {
			t.Fatalf("message %d (%d bytes): got %v..., want %v...", i, n, head(got), head(want))
		}
		if r.IntN(4) == 0 {
			_ = b.Release()
		}
		done.Store(int64(i + 1))
	}
	wg.Wait()
	releasers.Wait()
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
	if b.Len() != 0 {
		t.Fatalf("%d bytes left over", b.Len())
	}
	_ = b.Release()
	b.Free()
	out1, in1 := linkbuf.PoolStats()
	if out1-out0 != in1-in0 {
		t.Fatalf("pool leak: %d blocks out, %d back", out1-out0, in1-in0)
	}
}

// matchesLinked accepts a codec-style message, whose first bytes the producer replaced with the table's.
func matchesLinked(got, want, linked []byte) bool {
	k := min(len(want), len(linked))
	return len(got) == len(want) && bytes.Equal(got[:k], linked[:k]) && bytes.Equal(got[k:], want[k:])
}
