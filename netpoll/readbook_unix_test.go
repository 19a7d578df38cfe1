//go:build (linux || darwin || dragonfly || freebsd || netbsd || openbsd) && !netpollstd

package netpoll

import (
	"strconv"
	"testing"
)

// readsPerFrame replays the poller's read loop for frames of size bytes arriving one per input edge,
// with the read size policy of onReadable and buffers exactly as large as the booked size (Book may
// hand out more, never less), and returns the reads the last frame took and the read size before and
// after it.
func readsPerFrame(size, frames int) (reads, before, after int) {
	book := minReadBook
	for range frames {
		before, reads = book, 0
		got := 0
		for {
			n := min(size-got, book)
			reads++
			got += n
			if n < book {
				book = drainedReadBook(book, got)
				break
			}
			book = filledReadBook(book)
		}
	}
	return reads, before, book
}

// TestReadBookPolicy checks that the adaptive read size settles: once warmed up, a frame that fits
// under maxReadBook takes one read(2) and the size no longer moves; larger frames take the fewest
// reads of maxReadBook.
func TestReadBookPolicy(t *testing.T) {
	tests := []struct {
		size      int
		wantReads int
	}{
		{size: 4 + 128, wantReads: 1},
		{size: 4 + 1<<10, wantReads: 1},
		{size: 4 + 4<<10, wantReads: 1},
		{size: 4 + 16<<10, wantReads: 1}, // was 2: a 16 KiB read, then a 4-byte one that halved the size
		{size: 4 + 60<<10, wantReads: 1},
		{size: 4 + 64<<10, wantReads: 2},
		{size: 200_000, wantReads: 4},
	}
	for _, tt := range tests {
		t.Run("size="+strconv.Itoa(tt.size), func(t *testing.T) {
			reads, before, after := readsPerFrame(tt.size, 20)
			if reads != tt.wantReads {
				t.Errorf("%d reads per frame after warm-up, want %d", reads, tt.wantReads)
			}
			if before != after {
				t.Errorf("read size still moving after warm-up: %d -> %d", before, after)
			}
			if after < minReadBook || after > maxReadBook {
				t.Errorf("read size %d outside [%d, %d]", after, minReadBook, maxReadBook)
			}
		})
	}
}

// TestReadBookShrinks checks that the read size comes back down when frames become small.
func TestReadBookShrinks(t *testing.T) {
	book := maxReadBook
	for range 10 {
		book = drainedReadBook(book, 100)
	}
	if book != minReadBook {
		t.Fatalf("read size %d after small edges, want %d", book, minReadBook)
	}
	if got := drainedReadBook(minReadBook, 1); got != minReadBook {
		t.Fatalf("read size went under the minimum: %d", got)
	}
	if got := filledReadBook(maxReadBook); got != maxReadBook {
		t.Fatalf("read size went over the maximum: %d", got)
	}
}
