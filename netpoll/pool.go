package netpoll

import (
	"sync"
	"time"
)

// workerPool runs tasks on a bounded set of reused goroutines. A task goes to a parked worker if there
// is one, else to a new worker while fewer than max run, else to a FIFO queue that busy workers drain.
// Workers park after their task and exit after idle without work, so an idle server holds no
// goroutines beyond its pollers. submit never blocks, so pollers may call it.
type workerPool struct {
	max  int
	idle time.Duration

	mu      sync.Mutex
	parked  []*worker // LIFO: the most recently parked worker is warmest
	queue   []func()  // FIFO from head
	head    int
	running int
	stopped bool
	wg      sync.WaitGroup
}

type worker struct {
	wake chan func() // capacity 1; nil func means exit
}

func newWorkerPool(max int, idle time.Duration) *workerPool {
	return &workerPool{max: max, idle: idle}
}

// submit runs f on a worker. After stop it runs f on a new goroutine, so late close callbacks still run.
func (p *workerPool) submit(f func()) {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		go f()
		return
	}
	if n := len(p.parked); n > 0 {
		w := p.parked[n-1]
		p.parked[n-1] = nil
		p.parked = p.parked[:n-1]
		p.mu.Unlock()
		w.wake <- f // never blocks: a parked worker has an empty channel and nobody else sends
		return
	}
	if p.running < p.max {
		p.running++
		p.wg.Add(1)
		p.mu.Unlock()
		go p.work(&worker{wake: make(chan func(), 1)}, f)
		return
	}
	p.queue = append(p.queue, f)
	p.mu.Unlock()
}

func (p *workerPool) work(w *worker, f func()) {
	defer p.wg.Done()
	timer := time.NewTimer(p.idle)
	timer.Stop()
	for {
		f()
		f = nil
		p.mu.Lock()
		if p.head < len(p.queue) {
			f = p.queue[p.head]
			p.queue[p.head] = nil
			p.head++
			if p.head == len(p.queue) {
				p.queue, p.head = p.queue[:0], 0
			}
			p.mu.Unlock()
			continue
		}
		if p.stopped {
			p.running--
			p.mu.Unlock()
			return
		}
		p.parked = append(p.parked, w)
		p.mu.Unlock()
		timer.Reset(p.idle)
		select {
		case f = <-w.wake:
			timer.Stop()
		case <-timer.C:
			p.mu.Lock()
			if p.unpark(w) {
				p.running--
				p.mu.Unlock()
				return
			}
			p.mu.Unlock()
			f = <-w.wake // a submit took us off the list and is sending
		}
		if f == nil {
			return
		}
	}
}

// unpark removes w from the parked list; it reports false if a submit or stop already removed it.
// p.mu must be held.
func (p *workerPool) unpark(w *worker) bool {
	for i, x := range p.parked {
		if x == w {
			copy(p.parked[i:], p.parked[i+1:])
			p.parked[len(p.parked)-1] = nil
			p.parked = p.parked[:len(p.parked)-1]
			return true
		}
	}
	return false
}

// stop makes every worker exit once the queue is empty and its current task returned. wait waits for
// that; stop itself does not block.
func (p *workerPool) stop() {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	parked := p.parked
	p.parked = nil
	p.running -= len(parked)
	p.mu.Unlock()
	for _, w := range parked {
		w.wake <- nil
	}
}

// wait blocks until every worker exited.
func (p *workerPool) wait() { p.wg.Wait() }
