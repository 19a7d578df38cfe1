package linkbuf

func init() { countBlocks = true }

// NoBlockCounting turns the pool counters off for a benchmark (so it measures what production runs) and
// returns the function that turns them back on. Call it only while no other goroutine uses the package.
func NoBlockCounting() (restore func()) {
	countBlocks = false
	return func() { countBlocks = true }
}

// PoolStats exposes the pool counters to the tests: blocks handed out and blocks given back.
func PoolStats() (out, in int64) { return poolStats() }

// Sizes exposes the block sizes the tests reason about.
const (
	MinBlockSize  = minBlockSize
	MaxPooledSize = maxPooledSize
	SealSize      = sealSize
)

// ClassOf exposes the size-class function.
func ClassOf(n int) int { return classOf(n) }

// BlockSizeOfClass returns the size of the blocks of class c.
func BlockSizeOfClass(c int) int { return minBlockSize << c }

// Nodes returns the number of nodes from the oldest unreleased one to the end of the chain.
func (b *Buffer) Nodes() int {
	n := b.head
	if n == nil {
		n = &b.root
	}
	k := 0
	for ; n != nil; n = n.next {
		k++
	}
	return k
}
