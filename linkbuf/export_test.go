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

// CachedNodes returns the number of free nodes b keeps for its producer: the producer's list, the batch
// handed over and the consumer's list. Call it only while neither side is in use.
func (b *Buffer) CachedNodes() int {
	k := 0
	for _, n := range []*node{b.pfree, b.handoff.Load(), b.cfree} {
		for ; n != nil; n = n.next {
			k++
		}
	}
	return k
}

// CachesNodes reports whether b's consumer keeps the nodes it frees for b's producer.
func (b *Buffer) CachesNodes() bool { return b.cacheNodes.Load() }

// MaxCachedNodes bounds CachedNodes, and CacheAfter is how many nodes a producer takes from the pool
// before its buffer starts keeping them.
const (
	MaxCachedNodes = 3 * maxCachedNodes
	CacheAfter     = cacheAfter
)
