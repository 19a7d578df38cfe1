package linkbuf

import (
	"math/bits"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/kestrel-rpc/kestrel/internal/invariants"
)

// Block sizes. Pooled blocks come in powers of two from minBlockSize to maxPooledSize; a larger request
// gets a block of exactly its size that the garbage collector reclaims.
const (
	minBlockShift = 12                               // 4 KiB
	minBlockSize  = 1 << minBlockShift               // smallest block, and the default for Malloc and Book
	numClasses    = 15                               // 4 KiB << 14 = 64 MiB
	maxPooledSize = minBlockSize << (numClasses - 1) // largest pooled block
	sealSize      = 64 << 10                         // a flushed tail block this large is not written again
	unpooled      = -1                               // class of a block too large for the pools
	poisonByte    = 0xd7                             // fills released blocks under -tags invariants
)

// block is a piece of memory shared by the nodes that view it. refs counts those nodes (plus one for a
// block that backs a copied read); the block goes back to its pool when refs drops to zero.
type block struct {
	buf   []byte
	refs  atomic.Int32
	class int8
	// free is true while the block sits in a pool; only maintained under -tags invariants.
	free bool
	// link chains the copy blocks of a Buffer's reads that spanned blocks, to free them at Release.
	link *block
}

var (
	blockPools [numClasses]sync.Pool
	nodePool   = sync.Pool{New: func() any { return &node{free: true} }}

	// Statistics for the tests: blocks handed out and blocks given back (pooled or, for unpooled ones,
	// dropped). They are kept only when countBlocks is set, which only the test binary does (in an init
	// function, before any goroutine runs), so production pays no atomic add per block.
	countBlocks bool
	statsOut    padded
	statsIn     padded
)

// padded keeps the two counters on separate cache lines: one is bumped by a buffer's producer, the other
// mostly by its consumer.
type padded struct {
	_ [64]byte
	n atomic.Int64
}

// classOf returns the size class holding n bytes (n >= 0), or unpooled.
func classOf(n int) int {
	if n <= minBlockSize {
		return 0
	}
	if n > maxPooledSize {
		return unpooled
	}
	return bits.Len(uint(n-1)) - minBlockShift
}

// getBlock returns a block of at least n bytes (its whole capacity usable) with refs = 1.
func getBlock(n int) *block {
	if countBlocks {
		statsOut.n.Add(1)
	}
	c := classOf(n)
	if c == unpooled {
		blk := &block{buf: make([]byte, n), class: unpooled}
		blk.refs.Store(1)
		return blk
	}
	blk, _ := blockPools[c].Get().(*block)
	if blk == nil {
		blk = &block{buf: make([]byte, minBlockSize<<c), class: int8(c)}
	} else if invariants.Enabled {
		if !blk.free {
			panic("linkbuf: block taken from the pool is still in use")
		}
		for i, v := range blk.buf {
			if v != poisonByte {
				panic("linkbuf: released block was written to after its release (byte " + strconv.Itoa(i) + ")")
			}
		}
		blk.free = false
	}
	blk.refs.Store(1)
	return blk
}

// unref drops one reference to blk and returns it to its pool when none is left.
func (blk *block) unref() {
	r := blk.refs.Add(-1)
	if r > 0 {
		return
	}
	if r < 0 {
		panic("linkbuf: block released more times than referenced")
	}
	putBlock(blk)
}

func putBlock(blk *block) {
	if countBlocks {
		statsIn.n.Add(1)
	}
	blk.link = nil
	if blk.class == unpooled {
		blk.buf = nil
		return
	}
	if invariants.Enabled {
		if blk.free {
			panic("linkbuf: double release of a block")
		}
		blk.free = true
		for i := range blk.buf {
			blk.buf[i] = poisonByte
		}
	}
	blockPools[blk.class].Put(blk)
}

// getNode returns a cleared node.
func getNode() *node {
	n := nodePool.Get().(*node)
	if invariants.Enabled {
		if !n.free {
			panic("linkbuf: node taken from the pool is still in use")
		}
		n.free = false
	}
	return n
}

// putNode drops n's reference to its memory (unless it borrows one) and returns n to the pool.
func putNode(n *node) {
	if n.mem != nil && !n.borrowed {
		n.mem.unref()
	}
	if invariants.Enabled {
		if n.free {
			panic("linkbuf: double release of a node")
		}
	}
	*n = node{free: true}
	nodePool.Put(n)
}

// poolStats reports how many blocks were handed out and how many came back since the process started.
func poolStats() (out, in int64) {
	return statsOut.n.Load(), statsIn.n.Load()
}
