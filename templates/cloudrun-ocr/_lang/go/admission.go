package main

import (
	"context"
	"errors"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

var errQueueFull = errors.New("queue full")

// fifo hands out weighted units first come, first served, with at most maxWaiting requests waiting:
// a big request is not starved by a stream of small ones, and a flood is refused instead of queued.
type fifo struct {
	sem        *semaphore.Weighted
	size       int64
	waiting    atomic.Int64
	maxWaiting int64
}

func newFIFO(size int64, maxWaiting int) *fifo {
	return &fifo{sem: semaphore.NewWeighted(size), size: size, maxWaiting: int64(maxWaiting)}
}

// acquire takes n units, waiting until ctx ends; errQueueFull when too many already wait.
func (f *fifo) acquire(ctx context.Context, n int64) error {
	if f.sem.TryAcquire(n) {
		return nil
	}
	if f.waiting.Add(1) > f.maxWaiting {
		f.waiting.Add(-1)
		return errQueueFull
	}
	defer f.waiting.Add(-1)
	return f.sem.Acquire(ctx, n)
}

func (f *fifo) release(n int64) { f.sem.Release(n) }

// receiveBudget counts body bytes held by requests still uploading or waiting. It never waits:
// a full budget answers 429 at once, so slow uploads cannot pile up behind each other.
type receiveBudget struct {
	size int64
	used atomic.Int64
}

func (b *receiveBudget) tryTake(n int64) bool {
	if b.used.Add(n) > b.size {
		b.used.Add(-n)
		return false
	}
	return true
}

func (b *receiveBudget) give(n int64) { b.used.Add(-n) }
