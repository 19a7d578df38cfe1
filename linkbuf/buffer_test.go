package linkbuf_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/kestrel-rpc/kestrel/linkbuf"
)

func mustFlush(t *testing.T, b *linkbuf.Buffer) {
	t.Helper()
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
}

func seq(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i%251 + 1)
	}
	return p
}

// filled returns a buffer holding p flushed, written with a copy.
func filled(t *testing.T, p []byte) *linkbuf.Buffer {
	t.Helper()
	b := linkbuf.New()
	if _, err := b.WriteBinary(p); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, b)
	return b
}

func TestNegativeSizes(t *testing.T) {
	b := filled(t, seq(10))
	defer b.Free()
	reads := []struct {
		name string
		call func() error
	}{
		{"Next", func() error { _, err := b.Next(-1); return err }},
		{"Peek", func() error { _, err := b.Peek(-1); return err }},
		{"Skip", func() error { return b.Skip(-1) }},
		{"ReadString", func() error { _, err := b.ReadString(-1); return err }},
		{"ReadBinary", func() error { _, err := b.ReadBinary(-1); return err }},
		{"Slice", func() error { _, err := b.Slice(-1); return err }},
		{"Malloc", func() error { _, err := b.Malloc(-1); return err }},
		{"MallocAck", func() error { return b.MallocAck(-1) }},
		{"WriteDirect", func() error { return b.WriteDirect([]byte("x"), -1) }},
	}
	for _, tc := range reads {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, linkbuf.ErrNegativeSize) {
				t.Fatalf("err = %v, want ErrNegativeSize", err)
			}
			if b.Len() != 10 || b.MallocLen() != 0 {
				t.Fatalf("state changed: Len %d, MallocLen %d", b.Len(), b.MallocLen())
			}
		})
	}
}

func TestReadPastLen(t *testing.T) {
	// 5000 bytes: the data spans two 4 KiB blocks, so the checks cover both paths.
	for _, size := range []int{0, 1, 10, 5000} {
		b := filled(t, seq(size))
		n := size + 1
		cases := []struct {
			name string
			call func() error
		}{
			{"Next", func() error { _, err := b.Next(n); return err }},
			{"Peek", func() error { _, err := b.Peek(n); return err }},
			{"Skip", func() error { return b.Skip(n) }},
			{"ReadString", func() error { _, err := b.ReadString(n); return err }},
			{"ReadBinary", func() error { _, err := b.ReadBinary(n); return err }},
			{"Slice", func() error { _, err := b.Slice(n); return err }},
		}
		for _, tc := range cases {
			if err := tc.call(); !errors.Is(err, linkbuf.ErrNotEnough) {
				t.Fatalf("size %d: %s(%d) err = %v, want ErrNotEnough", size, tc.name, n, err)
			}
			if b.Len() != size {
				t.Fatalf("size %d: %s past Len consumed bytes: Len = %d", size, tc.name, b.Len())
			}
		}
		// Nothing was consumed: everything still reads back.
		got, err := b.ReadBinary(size)
		if err != nil || !bytes.Equal(got, seq(size)) {
			t.Fatalf("size %d: read after failed reads: %v", size, err)
		}
		b.Free()
	}
}

func TestSkipPastLenMatchesBothSentinels(t *testing.T) {
	b := filled(t, seq(3))
	err := b.Skip(4)
	if !errors.Is(err, linkbuf.ErrNotEnough) || !errors.Is(err, linkbuf.ErrNegativeSize) {
		t.Fatalf("Skip past Len: %v", err)
	}
}

func TestUnflushedIsNotReadable(t *testing.T) {
	b := linkbuf.New()
	p, _ := b.Malloc(8)
	copy(p, "abcdefgh")
	_, _ = b.WriteString("ij")
	if b.Len() != 0 || b.MallocLen() != 10 {
		t.Fatalf("before Flush: Len %d, MallocLen %d", b.Len(), b.MallocLen())
	}
	if _, err := b.Next(1); !errors.Is(err, linkbuf.ErrNotEnough) {
		t.Fatalf("Next before Flush: %v", err)
	}
	mustFlush(t, b)
	if b.Len() != 10 || b.MallocLen() != 0 {
		t.Fatalf("after Flush: Len %d, MallocLen %d", b.Len(), b.MallocLen())
	}
	if s, _ := b.ReadString(10); s != "abcdefghij" {
		t.Fatalf("ReadString = %q", s)
	}
}

func TestZeroLength(t *testing.T) {
	var b linkbuf.Buffer // the zero value works
	if p, err := b.Next(0); err != nil || len(p) != 0 {
		t.Fatalf("Next(0) = %v, %v", p, err)
	}
	if p, err := b.Peek(0); err != nil || len(p) != 0 {
		t.Fatalf("Peek(0) = %v, %v", p, err)
	}
	if err := b.Skip(0); err != nil {
		t.Fatal(err)
	}
	if s, err := b.ReadString(0); err != nil || s != "" {
		t.Fatalf("ReadString(0) = %q, %v", s, err)
	}
	if p, err := b.ReadBinary(0); err != nil || len(p) != 0 {
		t.Fatalf("ReadBinary(0) = %v, %v", p, err)
	}
	r, err := b.Slice(0)
	if err != nil || r.Len() != 0 {
		t.Fatalf("Slice(0) = %v, %v", r, err)
	}
	_ = r.Release()
	if p, err := b.Malloc(0); err != nil || len(p) != 0 {
		t.Fatalf("Malloc(0) = %v, %v", p, err)
	}
	if err := b.WriteDirect(nil, 0); err != nil {
		t.Fatal(err)
	}
	if n, err := b.WriteString(""); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	if n, err := b.WriteBinary(nil); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	if err := b.MallocAck(0); err != nil {
		t.Fatal(err)
	}
	if err := b.Append(linkbuf.New()); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 0 || b.MallocLen() != 0 || !b.IsEmpty() {
		t.Fatalf("Len %d, MallocLen %d", b.Len(), b.MallocLen())
	}
	if v := b.Vectors(nil, 8); len(v) != 0 {
		t.Fatalf("Vectors of an empty buffer = %d slices", len(v))
	}
	if err := b.Release(); err != nil {
		t.Fatal(err)
	}
	b.Shrink()
	b.Free()
	if nb := linkbuf.NewFromBytes(nil); nb.Len() != 0 {
		t.Fatalf("NewFromBytes(nil).Len = %d", nb.Len())
	}
}

func TestMallocAck(t *testing.T) {
	tests := []struct {
		name    string
		write   func(b *linkbuf.Buffer)
		ack     int
		want    string
		wantErr error
	}{
		{"past malloced", func(b *linkbuf.Buffer) { _, _ = b.Malloc(4) }, 5, "", linkbuf.ErrNegativeSize},
		{"keep all", func(b *linkbuf.Buffer) { p, _ := b.Malloc(4); copy(p, "abcd") }, 4, "abcd", nil},
		{"keep none", func(b *linkbuf.Buffer) { _, _ = b.Malloc(4) }, 0, "", nil},
		{"into first of two Mallocs", func(b *linkbuf.Buffer) {
			p, _ := b.Malloc(3)
			copy(p, "abc")
			_, _ = b.Malloc(5000)
		}, 2, "ab", nil},
		{"drops a linked slice", func(b *linkbuf.Buffer) {
			p, _ := b.Malloc(6)
			copy(p, "abcdef")
			_ = b.WriteDirect([]byte("LINKED"), 3)
		}, 4, "abcL", nil},
		{"inside the tail after a link", func(b *linkbuf.Buffer) {
			p, _ := b.Malloc(6)
			copy(p, "abcdef")
			_ = b.WriteDirect([]byte("XY"), 3)
		}, 6, "abcXYd", nil},
		{"after flushed bytes", func(b *linkbuf.Buffer) {
			_, _ = b.WriteString("flushed")
			_ = b.Flush()
			_, _ = b.WriteString("pending")
		}, 3, "flushedpen", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := linkbuf.New()
			defer b.Free()
			tc.write(b)
			before := b.MallocLen()
			err := b.MallocAck(tc.ack)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("MallocAck(%d) = %v, want %v", tc.ack, err, tc.wantErr)
			}
			if err != nil {
				if b.MallocLen() != before {
					t.Fatalf("failed MallocAck changed MallocLen %d -> %d", before, b.MallocLen())
				}
				return
			}
			mustFlush(t, b)
			if got, _ := b.ReadString(b.Len()); got != tc.want {
				t.Fatalf("stream = %q, want %q", got, tc.want)
			}
			// The buffer keeps working after the cut.
			_, _ = b.WriteString("more")
			mustFlush(t, b)
			if got, _ := b.ReadString(4); got != "more" {
				t.Fatalf("write after MallocAck read back %q", got)
			}
		})
	}
}

func TestWriteDirect(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789"), 1000) // 10 KB, more than a block
	tests := []struct {
		name  string
		write func(t *testing.T, b *linkbuf.Buffer) error
		want  string
	}{
		{"api example", func(t *testing.T, b *linkbuf.Buffer) error {
			buf, _ := b.Malloc(5)
			copy(buf, "abcde")
			return b.WriteDirect([]byte("PP"), 3) // buf[:2], p, buf[2:5]
		}, "abPPcde"},
		{"twice in one region", func(t *testing.T, b *linkbuf.Buffer) error {
			buf, _ := b.Malloc(6)
			copy(buf, "abcdef")
			if err := b.WriteDirect([]byte("P"), 4); err != nil { // ab P cdef
				return err
			}
			return b.WriteDirect([]byte("Q"), 1) // ab P cde Q f
		}, "abPcdeQf"},
		{"at the region's end, then Malloc continues", func(t *testing.T, b *linkbuf.Buffer) error {
			buf, _ := b.Malloc(2)
			copy(buf, "ab")
			if err := b.WriteDirect([]byte("P"), 0); err != nil {
				return err
			}
			p, _ := b.Malloc(2)
			copy(p, "cd")
			return nil
		}, "abPcd"},
		{"codec pattern", func(t *testing.T, b *linkbuf.Buffer) error {
			// Malloc the message's full size, write up to the string, link it, write on at the same
			// offset, then MallocAck away the len(str) unused bytes at the end.
			str := []byte("STRING")
			before := b.MallocLen()
			size := 4 + len(str) + 3
			buf, _ := b.Malloc(size)
			off := copy(buf, "hdr:")
			if err := b.WriteDirect(str, len(buf)-off); err != nil {
				return err
			}
			copy(buf[off:], "end")
			return b.MallocAck(before + size)
		}, "hdr:STRINGend"},
		{"large caller slice", func(t *testing.T, b *linkbuf.Buffer) error {
			buf, _ := b.Malloc(2)
			copy(buf, "<>")
			return b.WriteDirect(big, 1)
		}, "<" + string(big) + ">"},
		{"without Malloc", func(t *testing.T, b *linkbuf.Buffer) error {
			_, _ = b.WriteString("x")
			return b.WriteDirect([]byte("y"), 0)
		}, "xy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := linkbuf.New()
			defer b.Free()
			if err := tc.write(t, b); err != nil {
				t.Fatal(err)
			}
			if b.MallocLen() != len(tc.want) {
				t.Fatalf("MallocLen = %d, want %d", b.MallocLen(), len(tc.want))
			}
			mustFlush(t, b)
			if got, _ := b.ReadString(b.Len()); got != tc.want {
				t.Fatalf("stream = %.40q, want %.40q", got, tc.want)
			}
		})
	}
}

func TestWriteDirectRemainCapPastMalloc(t *testing.T) {
	b := linkbuf.New()
	defer b.Free()
	if err := b.WriteDirect([]byte("x"), 1); !errors.Is(err, linkbuf.ErrNegativeSize) {
		t.Fatalf("WriteDirect with no Malloc: %v", err)
	}
	_, _ = b.Malloc(100)
	_, _ = b.Malloc(3)
	if err := b.WriteDirect([]byte("x"), 4); !errors.Is(err, linkbuf.ErrNegativeSize) {
		t.Fatalf("remainCap past the last Malloc: %v", err)
	}
	if err := b.WriteDirect([]byte("x"), 2); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteDirect([]byte("y"), 3); !errors.Is(err, linkbuf.ErrNegativeSize) {
		t.Fatalf("remainCap past what is left after an insertion: %v", err)
	}
	_, _ = b.WriteString("copy")
	if err := b.WriteDirect([]byte("y"), 1); !errors.Is(err, linkbuf.ErrNegativeSize) {
		t.Fatalf("remainCap after a copying write: %v", err)
	}
	if b.MallocLen() != 108 {
		t.Fatalf("failed WriteDirects changed MallocLen to %d", b.MallocLen())
	}
}

func TestWriteDirectIsNotCopied(t *testing.T) {
	p := []byte("linked in place")
	b := linkbuf.New()
	defer b.Free()
	_ = b.WriteDirect(p, 0)
	mustFlush(t, b)
	got, _ := b.Next(len(p))
	if &got[0] != &p[0] {
		t.Fatal("Next of linked bytes returned a copy")
	}
}

func TestNewFromBytes(t *testing.T) {
	p := []byte("caller bytes")
	out0, in0 := linkbuf.PoolStats()
	b := linkbuf.NewFromBytes(p)
	got, err := b.Next(6)
	if err != nil || string(got) != "caller" || &got[0] != &p[0] {
		t.Fatalf("Next = %q, %v (zero copy: %v)", got, err, err == nil && &got[0] == &p[0])
	}
	_ = b.Release()
	b.Free()
	if out1, in1 := linkbuf.PoolStats(); out1 != out0 || in1 != in0 {
		t.Fatalf("caller bytes went through the pools: out %d, in %d", out1-out0, in1-in0)
	}
	if string(p) != "caller bytes" {
		t.Fatalf("caller bytes changed: %q", p)
	}
}

func TestNextZeroCopyWithinBlockCopyAcross(t *testing.T) {
	b := linkbuf.New()
	defer b.Free()
	// Two Mallocs that cannot share a block: the read of both spans blocks.
	p1, _ := b.Malloc(linkbuf.MinBlockSize - 10)
	copy(p1, seq(len(p1)))
	p2, _ := b.Malloc(100)
	copy(p2, seq(100))
	mustFlush(t, b)
	a, _ := b.Next(5)
	if &a[0] != &p1[0] {
		t.Fatal("read within a block was copied")
	}
	all, err := b.Next(len(p1) - 5 + 100)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte(nil), p1[5:]...), p2...)
	if !bytes.Equal(all, want) {
		t.Fatal("read across blocks returned wrong bytes")
	}
	if &all[0] == &p1[5] {
		t.Fatal("read across blocks was not copied")
	}
}

func TestReleaseTwiceAndFreeThenReuse(t *testing.T) {
	out0, in0 := linkbuf.PoolStats()
	b := filled(t, seq(3*linkbuf.MinBlockSize))
	if _, err := b.Next(2*linkbuf.MinBlockSize + 7); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := b.Release(); err != nil {
			t.Fatal(err)
		}
	}
	rest, _ := b.Next(b.Len())
	if !bytes.Equal(rest, seq(3 * linkbuf.MinBlockSize)[2*linkbuf.MinBlockSize+7:]) {
		t.Fatal("bytes after two Releases are wrong")
	}
	b.Free()
	b.Free()
	if out1, in1 := linkbuf.PoolStats(); out1-out0 != in1-in0 {
		t.Fatalf("after Free: %d blocks out, %d back", out1-out0, in1-in0)
	}
	// Reuse after Free.
	_, _ = b.WriteString("again")
	mustFlush(t, b)
	if s, err := b.ReadString(5); s != "again" || err != nil {
		t.Fatalf("after Free: %q, %v", s, err)
	}
	b.Free()
}

func TestSliceOutlivesParent(t *testing.T) {
	out0, in0 := linkbuf.PoolStats()
	data := seq(3 * linkbuf.MinBlockSize)
	b := filled(t, data)
	_, _ = b.Next(10)
	r, err := b.Slice(2 * linkbuf.MinBlockSize)
	if err != nil {
		t.Fatal(err)
	}
	rest, _ := b.ReadBinary(b.Len())
	_ = b.Release()
	b.Free()
	// The parent has given everything back; the child still holds its blocks.
	got, err := r.Next(r.Len())
	if err != nil || !bytes.Equal(got, data[10:10+2*linkbuf.MinBlockSize]) {
		t.Fatalf("child after parent's Free: %v", err)
	}
	if !bytes.Equal(rest, data[10+2*linkbuf.MinBlockSize:]) {
		t.Fatal("parent read after Slice is wrong")
	}
	_ = r.Release()
	_ = r.Release()
	if out1, in1 := linkbuf.PoolStats(); out1-out0 != in1-in0 {
		t.Fatalf("after the child's Release: %d blocks out, %d back", out1-out0, in1-in0)
	}
}

func TestAppend(t *testing.T) {
	b := linkbuf.New()
	defer b.Free()
	_, _ = b.WriteString("head|")
	w := linkbuf.New()
	_, _ = w.WriteString("read|")
	_ = w.Flush()
	_, _ = w.WriteString("flushed|")
	_ = w.Flush()
	_, _ = w.WriteString("pending")
	got, _ := w.Next(5)
	if err := b.Append(w); err != nil {
		t.Fatal(err)
	}
	if string(got) != "read|" {
		t.Fatalf("slice of the appended buffer changed: %q", got)
	}
	if w.Len() != 0 || w.MallocLen() != 0 {
		t.Fatalf("Append left Len %d, MallocLen %d", w.Len(), w.MallocLen())
	}
	if b.Len() != 0 || b.MallocLen() != len("head|flushed|pending") {
		t.Fatalf("Append: Len %d, MallocLen %d", b.Len(), b.MallocLen())
	}
	_, _ = b.WriteString("|tail")
	mustFlush(t, b)
	if s, _ := b.ReadString(b.Len()); s != "head|flushed|pending|tail" {
		t.Fatalf("stream = %q", s)
	}
	_, _ = w.WriteString("w again")
	_ = w.Flush()
	if s, _ := w.ReadString(w.Len()); s != "w again" {
		t.Fatalf("appended buffer reused: %q", s)
	}
	_ = w.Release()
	w.Free()

	if err := b.Append(b); !errors.Is(err, linkbuf.ErrUnsupported) {
		t.Fatalf("Append to itself: %v", err)
	}
	if err := b.Append(otherWriter{}); !errors.Is(err, linkbuf.ErrUnsupported) {
		t.Fatalf("Append of a foreign Writer: %v", err)
	}
}

// otherWriter is a Writer not backed by a Buffer.
type otherWriter struct{ linkbuf.Writer }

func TestBook(t *testing.T) {
	b := linkbuf.New()
	defer b.Free()
	p := b.Book(10)
	if len(p) < 10 {
		t.Fatalf("Book(10) = %d bytes", len(p))
	}
	n := copy(p, "from the socket")
	if b.Len() != 0 {
		t.Fatal("booked bytes readable before BookAck")
	}
	b.BookAck(n)
	if b.Len() != n {
		t.Fatalf("after BookAck: Len %d, want %d", b.Len(), n)
	}
	q := b.Book(1)
	if &q[0] != &p[n] {
		t.Fatal("Book did not continue in the current block")
	}
	big := b.Book(3 * linkbuf.MinBlockSize)
	if len(big) < 3*linkbuf.MinBlockSize {
		t.Fatalf("Book(12 KiB) = %d bytes", len(big))
	}
	copy(big, "+more")
	b.BookAck(5)
	if s, _ := b.ReadString(b.Len()); s != "from the socket+more" {
		t.Fatalf("stream = %q", s)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("BookAck past the booked space did not panic")
		}
	}()
	b.BookAck(len(b.Book(1)) + 1)
}

func TestVectors(t *testing.T) {
	b := linkbuf.New()
	defer b.Free()
	_, _ = b.WriteString("abc")
	_ = b.WriteDirect([]byte("DEF"), 0)
	_, _ = b.WriteString("ghi")
	mustFlush(t, b)
	_, _ = b.WriteString("unflushed")
	_, _ = b.Next(1)
	vs := b.Vectors(nil, 8)
	var parts []string
	for _, v := range vs {
		parts = append(parts, string(v))
	}
	if got := strings.Join(parts, "|"); got != "bc|DEF|ghi" {
		t.Fatalf("Vectors = %q", got)
	}
	if vs := b.Vectors(nil, 2); len(vs) != 2 {
		t.Fatalf("Vectors(max 2) = %d slices", len(vs))
	}
	if b.Len() != 8 {
		t.Fatalf("Vectors consumed bytes: Len %d", b.Len())
	}
	_ = b.Skip(8)
	_ = b.Release()
	if !b.IsEmpty() {
		t.Fatal("not empty after Skip")
	}
}

func TestShrink(t *testing.T) {
	out0, in0 := linkbuf.PoolStats()
	b := filled(t, []byte("request"))
	b.Shrink() // unread bytes: nothing happens
	if s, _ := b.ReadString(7); s != "request" {
		t.Fatalf("Shrink with unread bytes lost them: %q", s)
	}
	_ = b.Release()
	if out1, in1 := linkbuf.PoolStats(); out1-out0 == in1-in0 {
		t.Fatal("expected the writer's block to stay after Release")
	}
	b.Shrink()
	if out1, in1 := linkbuf.PoolStats(); out1-out0 != in1-in0 {
		t.Fatalf("after Shrink: %d blocks out, %d back", out1-out0, in1-in0)
	}
	_, _ = b.WriteString("next")
	b.Shrink() // unflushed bytes: nothing happens
	mustFlush(t, b)
	if s, _ := b.ReadString(4); s != "next" {
		t.Fatalf("after Shrink: %q", s)
	}
	b.Free()
}

func TestSizeClasses(t *testing.T) {
	tests := []struct{ n, class int }{
		{0, 0}, {1, 0}, {linkbuf.MinBlockSize, 0}, {linkbuf.MinBlockSize + 1, 1},
		{2 * linkbuf.MinBlockSize, 1}, {10 << 20, 12}, {linkbuf.MaxPooledSize, 14},
		{linkbuf.MaxPooledSize + 1, -1},
	}
	for _, tc := range tests {
		if got := linkbuf.ClassOf(tc.n); got != tc.class {
			t.Errorf("ClassOf(%d) = %d, want %d", tc.n, got, tc.class)
		}
		if tc.class >= 0 && linkbuf.BlockSizeOfClass(tc.class) < tc.n {
			t.Errorf("class %d (%d bytes) cannot hold %d", tc.class, linkbuf.BlockSizeOfClass(tc.class), tc.n)
		}
	}
}

func TestMallocNeverSplits(t *testing.T) {
	b := linkbuf.New()
	defer b.Free()
	_, _ = b.Malloc(linkbuf.MinBlockSize - 100)
	p, _ := b.Malloc(200) // does not fit the 100 bytes left: a new block
	copy(p, seq(200))
	mustFlush(t, b)
	_ = b.Skip(linkbuf.MinBlockSize - 100)
	got, _ := b.Next(200)
	if &got[0] != &p[0] {
		t.Fatal("a Malloc region was split or copied")
	}
}
