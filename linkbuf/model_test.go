package linkbuf_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
)

// chooser is where a model run takes its decisions from: a seeded generator, or fuzz bytes.
type chooser interface {
	// intn returns a number in [0, n), n > 0.
	intn(n int) int
	// exhausted reports whether the run should stop.
	exhausted() bool
}

type randChooser struct {
	r     *rand.Rand
	steps int
}

func (c *randChooser) intn(n int) int  { return c.r.IntN(n) }
func (c *randChooser) exhausted() bool { c.steps--; return c.steps < 0 }

type byteChooser struct{ data []byte }

func (c *byteChooser) intn(n int) int {
	if len(c.data) == 0 {
		return 0
	}
	v := int(c.data[0])
	if n > 256 && len(c.data) > 1 {
		v = v<<8 | int(c.data[1])
		c.data = c.data[1:]
	}
	c.data = c.data[1:]
	return v % n
}
func (c *byteChooser) exhausted() bool { return len(c.data) == 0 }

// heldSlice is a slice returned by Next or Peek, checked again just before the Release that ends it.
type heldSlice struct {
	got, want []byte
}

// model drives a Buffer and a plain byte model side by side.
type model struct {
	t        testing.TB
	c        chooser
	b        *linkbuf.Buffer
	pending  []byte // written, not flushed
	readable []byte // flushed, not read
	region   []byte // the last Malloc region (for rewriting its tail after WriteDirect)
	regRem   int    // bytes of that region after the last insertion point (lastMalloc)
	held     []heldSlice
	children []childReader
	seq      byte
	log      []string
}

type childReader struct {
	r    linkbuf.Reader
	want []byte
}

func (m *model) fill(p []byte) {
	for i := range p {
		m.seq++
		if m.seq == 251 {
			m.seq = 1
		}
		p[i] = m.seq
	}
}

func (m *model) fresh(n int) []byte {
	p := make([]byte, n)
	m.fill(p)
	return p
}

// size picks a length from 0 up to a little more than three blocks, with a bias to small and to the
// lengths around block boundaries.
func (m *model) size() int {
	switch m.c.intn(8) {
	case 0, 1, 2:
		return m.c.intn(17)
	case 3, 4:
		return m.c.intn(600)
	case 5:
		return linkbuf.MinBlockSize - 8 + m.c.intn(17)
	case 6:
		return m.c.intn(3*linkbuf.MinBlockSize + 100)
	default:
		if m.c.intn(8) == 0 {
			return linkbuf.SealSize - 4 + m.c.intn(8)
		}
		return m.c.intn(2 * linkbuf.MinBlockSize)
	}
}

func (m *model) fatalf(format string, args ...any) {
	m.t.Helper()
	tail := m.log
	if len(tail) > 30 {
		tail = tail[len(tail)-30:]
	}
	m.t.Fatalf("%s\nlast ops:\n%v", fmt.Sprintf(format, args...), tail)
}

func (m *model) logf(format string, args ...any) {
	m.log = append(m.log, fmt.Sprintf(format, args...))
}

func (m *model) check() {
	m.t.Helper()
	if got := m.b.Len(); got != len(m.readable) {
		m.fatalf("Len = %d, model %d", got, len(m.readable))
	}
	if got := m.b.MallocLen(); got != len(m.pending) {
		m.fatalf("MallocLen = %d, model %d", got, len(m.pending))
	}
	if m.b.IsEmpty() != (len(m.readable) == 0) {
		m.fatalf("IsEmpty = %v with %d readable", m.b.IsEmpty(), len(m.readable))
	}
}

// readSize picks a read length, sometimes past the end.
func (m *model) readSize() int {
	if m.c.intn(10) == 0 {
		return len(m.readable) + 1 + m.c.intn(5)
	}
	if len(m.readable) == 0 {
		return 0
	}
	switch m.c.intn(3) {
	case 0:
		return len(m.readable)
	case 1:
		return m.c.intn(min(len(m.readable), 32) + 1)
	default:
		return m.c.intn(len(m.readable) + 1)
	}
}

// expectRead checks the outcome of a read of n bytes: an error past the end (nothing consumed), else the
// model's bytes.
func (m *model) expectRead(op string, n int, got []byte, err error) bool {
	m.t.Helper()
	if n > len(m.readable) {
		if !errors.Is(err, linkbuf.ErrNotEnough) {
			m.fatalf("%s(%d) with %d readable: err = %v, want ErrNotEnough", op, n, len(m.readable), err)
		}
		m.check()
		return false
	}
	if err != nil {
		m.fatalf("%s(%d): %v", op, n, err)
	}
	if !bytes.Equal(got, m.readable[:n]) {
		m.fatalf("%s(%d) = %v..., want %v...", op, n, head(got), head(m.readable[:n]))
	}
	return true
}

func head(p []byte) []byte { return p[:min(len(p), 16)] }

func (m *model) verifyHeld() {
	m.t.Helper()
	for _, h := range m.held {
		if !bytes.Equal(h.got, h.want) {
			m.fatalf("a slice from Next/Peek changed before Release: %v..., want %v...", head(h.got), head(h.want))
		}
	}
	m.held = m.held[:0]
}

func (m *model) step() {
	m.t.Helper()
	b := m.b
	switch op := m.c.intn(22); op {
	case 0, 1, 2: // Malloc + fill
		n := m.size()
		p, err := b.Malloc(n)
		if err != nil || len(p) != n {
			m.fatalf("Malloc(%d) = len %d, %v", n, len(p), err)
		}
		m.fill(p)
		m.logf("Malloc(%d)", n)
		m.pending = append(m.pending, p...)
		m.region, m.regRem = p, n
	case 3: // MallocAck
		n := m.c.intn(len(m.pending) + 1)
		if m.c.intn(8) == 0 {
			n = len(m.pending) + 1 + m.c.intn(3)
		}
		err := b.MallocAck(n)
		m.logf("MallocAck(%d) of %d", n, len(m.pending))
		if n > len(m.pending) {
			if !errors.Is(err, linkbuf.ErrNegativeSize) {
				m.fatalf("MallocAck past MallocLen: %v", err)
			}
			break
		}
		if err != nil {
			m.fatalf("MallocAck(%d): %v", n, err)
		}
		m.pending = m.pending[:n]
		m.region, m.regRem = nil, 0
	case 4:
		p := m.fresh(m.size())
		if n, err := b.WriteString(string(p)); n != len(p) || err != nil {
			m.fatalf("WriteString = %d, %v", n, err)
		}
		m.logf("WriteString(%d)", len(p))
		m.pending = append(m.pending, p...)
		m.region, m.regRem = nil, 0
	case 5:
		p := m.fresh(m.size())
		if n, err := b.WriteBinary(p); n != len(p) || err != nil {
			m.fatalf("WriteBinary = %d, %v", n, err)
		}
		m.logf("WriteBinary(%d)", len(p))
		m.pending = append(m.pending, p...)
		m.region, m.regRem = nil, 0
	case 6, 7: // WriteDirect
		p := m.fresh(m.size())
		c := 0
		if m.regRem > 0 {
			c = m.c.intn(m.regRem + 1)
		}
		bad := m.c.intn(10) == 0
		if bad {
			if m.c.intn(2) == 0 {
				c = -1 - m.c.intn(3)
			} else {
				c = m.regRem + 1 + m.c.intn(3)
			}
		}
		err := b.WriteDirect(p, c)
		m.logf("WriteDirect(%d, %d) regRem %d", len(p), c, m.regRem)
		if bad {
			if !errors.Is(err, linkbuf.ErrNegativeSize) {
				m.fatalf("WriteDirect with remainCap %d of %d: %v", c, m.regRem, err)
			}
			break
		}
		if err != nil {
			m.fatalf("WriteDirect(%d, %d): %v", len(p), c, err)
		}
		at := len(m.pending) - c
		m.pending = append(m.pending[:at:at], append(p, m.pending[at:]...)...)
		m.regRem = c
		if m.regRem == 0 {
			m.region = nil
		}
	case 8: // rewrite what is left of the region after the last insertion point
		if m.regRem == 0 {
			break
		}
		tail := m.region[len(m.region)-m.regRem:]
		m.fill(tail)
		copy(m.pending[len(m.pending)-m.regRem:], tail)
		m.logf("rewrite region tail %d", m.regRem)
	case 9:
		m.appendOther()
	case 10, 11:
		if err := b.Flush(); err != nil {
			m.fatalf("Flush: %v", err)
		}
		m.logf("Flush %d", len(m.pending))
		m.readable = append(m.readable, m.pending...)
		m.pending = nil
		m.region, m.regRem = nil, 0
	case 12, 13:
		n := m.readSize()
		p, err := b.Next(n)
		m.logf("Next(%d) of %d", n, len(m.readable))
		if m.expectRead("Next", n, p, err) {
			m.held = append(m.held, heldSlice{p, m.readable[:n:n]})
			m.readable = m.readable[n:]
		}
	case 14:
		n := m.readSize()
		p, err := b.Peek(n)
		m.logf("Peek(%d) of %d", n, len(m.readable))
		if m.expectRead("Peek", n, p, err) {
			m.held = append(m.held, heldSlice{p, m.readable[:n:n]})
		}
	case 15:
		n := m.readSize()
		err := b.Skip(n)
		m.logf("Skip(%d) of %d", n, len(m.readable))
		if n > len(m.readable) {
			if !errors.Is(err, linkbuf.ErrNotEnough) || !errors.Is(err, linkbuf.ErrNegativeSize) {
				m.fatalf("Skip past Len: %v", err)
			}
			break
		}
		if err != nil {
			m.fatalf("Skip(%d): %v", n, err)
		}
		m.readable = m.readable[n:]
	case 16:
		n := m.readSize()
		var p []byte
		var err error
		if m.c.intn(2) == 0 {
			var s string
			s, err = b.ReadString(n)
			p = []byte(s)
			m.logf("ReadString(%d) of %d", n, len(m.readable))
		} else {
			p, err = b.ReadBinary(n)
			m.logf("ReadBinary(%d) of %d", n, len(m.readable))
		}
		if m.expectRead("ReadString/ReadBinary", n, p, err) {
			m.readable = m.readable[n:]
		}
	case 17:
		n := m.readSize()
		r, err := b.Slice(n)
		m.logf("Slice(%d) of %d", n, len(m.readable))
		if n > len(m.readable) {
			if !errors.Is(err, linkbuf.ErrNotEnough) {
				m.fatalf("Slice past Len: %v", err)
			}
			break
		}
		if err != nil {
			m.fatalf("Slice(%d): %v", n, err)
		}
		want := m.readable[:n:n]
		m.readable = m.readable[n:]
		if m.c.intn(2) == 0 {
			m.readChild(r, want)
		} else {
			m.children = append(m.children, childReader{r, want})
		}
	case 18:
		m.release()
	case 19: // Book/BookAck, only with nothing pending as the contract asks
		if len(m.pending) != 0 {
			break
		}
		p := b.Book(m.size())
		k := m.c.intn(len(p) + 1)
		m.fill(p[:k])
		m.readable = append(m.readable, p[:k]...)
		b.BookAck(k)
		m.logf("Book %d, BookAck(%d)", len(p), k)
		m.region, m.regRem = nil, 0
	case 20:
		vs := b.Vectors(nil, 1+m.c.intn(4))
		var all []byte
		for _, v := range vs {
			if len(v) == 0 {
				m.fatalf("Vectors returned an empty slice")
			}
			all = append(all, v...)
		}
		if !bytes.HasPrefix(m.readable, all) || (len(all) == 0) != (len(m.readable) == 0) {
			m.fatalf("Vectors = %d bytes in %d slices, not a prefix of the %d readable", len(all), len(vs), len(m.readable))
		}
		m.logf("Vectors %d slices, %d bytes", len(vs), len(all))
	case 21:
		switch m.c.intn(4) {
		case 0:
			m.verifyHeld()
			b.Free()
			m.logf("Free")
			m.pending, m.readable = nil, nil
			m.region, m.regRem = nil, 0
		case 1:
			m.release()
			b.Shrink()
			m.logf("Shrink")
		default:
			m.readChildren()
		}
	}
	m.check()
}

func (m *model) release() {
	m.t.Helper()
	m.verifyHeld()
	if err := m.b.Release(); err != nil {
		m.fatalf("Release: %v", err)
	}
	m.logf("Release")
	if m.c.intn(4) == 0 {
		m.readChildren()
	}
}

func (m *model) readChildren() {
	m.t.Helper()
	for _, c := range m.children {
		m.readChild(c.r, c.want)
	}
	m.children = m.children[:0]
}

// readChild reads a Reader from Slice to its end in random pieces and releases it.
func (m *model) readChild(r linkbuf.Reader, want []byte) {
	m.t.Helper()
	if r.Len() != len(want) {
		m.fatalf("child Len = %d, want %d", r.Len(), len(want))
	}
	var held []heldSlice
	for len(want) > 0 {
		n := 1 + m.c.intn(len(want))
		if m.c.intn(3) == 0 {
			n = len(want)
		}
		p, err := r.Next(n)
		if err != nil || !bytes.Equal(p, want[:n]) {
			m.fatalf("child Next(%d) = %v..., %v; want %v...", n, head(p), err, head(want[:n]))
		}
		held = append(held, heldSlice{p, want[:n]})
		want = want[n:]
	}
	if _, err := r.Next(1); !errors.Is(err, linkbuf.ErrNotEnough) {
		m.fatalf("child read past its end: %v", err)
	}
	for _, h := range held {
		if !bytes.Equal(h.got, h.want) {
			m.fatalf("child slice changed before its Release")
		}
	}
	if err := r.Release(); err != nil {
		m.fatalf("child Release: %v", err)
	}
	if err := r.Release(); err != nil {
		m.fatalf("child second Release: %v", err)
	}
}

// appendOther writes into a second buffer (flushing and partly reading it at random) and appends it.
func (m *model) appendOther() {
	m.t.Helper()
	w := linkbuf.New()
	var wread []heldSlice
	var unread []byte
	for k := m.c.intn(4); k > 0; k-- {
		p := m.fresh(m.size())
		if m.c.intn(2) == 0 {
			_, _ = w.WriteBinary(p)
		} else {
			q, _ := w.Malloc(len(p))
			copy(q, p)
		}
		unread = append(unread, p...)
		if m.c.intn(2) == 0 {
			_ = w.Flush()
			if n := m.c.intn(w.Len() + 1); n > 0 && m.c.intn(2) == 0 {
				got, err := w.Next(n)
				if err != nil || !bytes.Equal(got, unread[:n]) {
					m.fatalf("helper buffer Next(%d): %v", n, err)
				}
				wread = append(wread, heldSlice{got, unread[:n:n]})
				unread = unread[n:]
			}
		}
	}
	var err error
	if m.c.intn(2) == 0 {
		err = m.b.Append(w)
	} else {
		err = m.b.Append(wrapped{w})
	}
	if err != nil {
		m.fatalf("Append: %v", err)
	}
	m.logf("Append(%d)", len(unread))
	m.pending = append(m.pending, unread...)
	m.region, m.regRem = nil, 0
	if w.Len() != 0 || w.MallocLen() != 0 {
		m.fatalf("Append left Len %d, MallocLen %d in its argument", w.Len(), w.MallocLen())
	}
	// w stays usable and its earlier slices stay valid until its Release.
	p := m.fresh(1 + m.c.intn(100))
	_, _ = w.WriteBinary(p)
	_ = w.Flush()
	got, err := w.Next(len(p))
	if err != nil || !bytes.Equal(got, p) {
		m.fatalf("helper buffer after Append: Next = %v, %v", head(got), err)
	}
	for _, h := range wread {
		if !bytes.Equal(h.got, h.want) {
			m.fatalf("Append invalidated a slice of its argument before its Release")
		}
	}
	_ = w.Release()
	w.Free()
}

// wrapped exposes a Buffer the way a connection's writer does.
type wrapped struct{ b *linkbuf.Buffer }

func (w wrapped) LinkBuffer() *linkbuf.Buffer               { return w.b }
func (w wrapped) Malloc(n int) ([]byte, error)              { return w.b.Malloc(n) }
func (w wrapped) MallocLen() int                            { return w.b.MallocLen() }
func (w wrapped) MallocAck(n int) error                     { return w.b.MallocAck(n) }
func (w wrapped) WriteDirect(p []byte, remainCap int) error { return w.b.WriteDirect(p, remainCap) }
func (w wrapped) WriteString(s string) (int, error)         { return w.b.WriteString(s) }
func (w wrapped) WriteBinary(p []byte) (int, error)         { return w.b.WriteBinary(p) }
func (w wrapped) Append(o linkbuf.Writer) error             { return w.b.Append(o) }
func (w wrapped) Flush() error                              { return w.b.Flush() }

// finish reads everything left, releases, frees, and checks that every block went back.
func (m *model) finish() {
	m.t.Helper()
	if err := m.b.Flush(); err != nil {
		m.fatalf("final Flush: %v", err)
	}
	m.readable = append(m.readable, m.pending...)
	m.pending = nil
	p, err := m.b.ReadBinary(len(m.readable))
	if err != nil || !bytes.Equal(p, m.readable) {
		m.fatalf("final read of %d bytes: %v", len(m.readable), err)
	}
	m.readable = nil
	m.release()
	m.readChildren()
	m.b.Free()
	m.b.Free()
}

func runModel(t testing.TB, c chooser) {
	t.Helper()
	out0, in0 := linkbuf.PoolStats()
	m := &model{t: t, c: c}
	if c.intn(4) == 0 {
		p := m.fresh(m.size())
		m.b = linkbuf.NewFromBytes(p)
		m.readable = append([]byte(nil), p...)
	} else {
		m.b = new(linkbuf.Buffer)
	}
	m.check()
	for !c.exhausted() {
		m.step()
	}
	m.finish()
	out1, in1 := linkbuf.PoolStats()
	if out1-out0 != in1-in0 {
		t.Fatalf("pool leak: %d blocks out, %d back", out1-out0, in1-in0)
	}
}

func TestModel(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 50
	}
	for seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			runModel(t, &randChooser{r: rand.New(rand.NewPCG(uint64(seed), 0x5eed)), steps: 400})
		})
	}
}

func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 10, 12, 18})
	f.Add([]byte{1, 200, 6, 3, 9, 13, 5, 200, 17, 10, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			data = data[:4096]
		}
		runModel(t, &byteChooser{data: data})
	})
}
