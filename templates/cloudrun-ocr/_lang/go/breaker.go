package main

import (
	"sync"
	"time"
)

const (
	breakerFirstBackoff = time.Second
	breakerMaxBackoff   = 60 * time.Second
)

// breaker is shared by all requests of the instance: once Gemini says it is overloaded (429 or 503),
// no request calls it until the delay Gemini asked for (RetryInfo) or an exponential backoff has
// passed; then one request probes (half-open) and its answer closes or reopens the breaker.
// Without it every request of a quota-exhausted instance would spend its own calls and retries.
type breaker struct {
	mu        sync.Mutex
	openUntil time.Time // zero: closed
	probing   bool      // half-open and a probe is in flight
	backoff   time.Duration
	now       func() time.Time
}

func newBreaker() *breaker { return &breaker{now: time.Now} }

// openFor is how long the breaker stays open from now (0 when it lets calls through).
func (b *breaker) openFor() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return max(0, b.openUntil.Sub(b.now()))
}

// allow says whether a call may go out now, else for how long the caller should stay away.
func (b *breaker) allow() (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	switch {
	case b.openUntil.IsZero():
		return true, 0
	case now.Before(b.openUntil):
		return false, b.openUntil.Sub(now)
	case b.probing:
		return false, time.Second
	}
	b.probing = true
	return true, 0
}

// answered records that Gemini answered something other than overload: it is reachable again.
func (b *breaker) answered() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.openUntil, b.probing, b.backoff = time.Time{}, false, 0
}

// abandoned records a call that got no answer (timeout, network): a probe slot is freed, the
// state is unchanged.
func (b *breaker) abandoned() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
}

// overloaded opens the breaker for retryInfo (when Gemini sent one) or the next backoff step and
// returns how long it stays open. Concurrent 429s of one episode count once: while already open
// only a longer RetryInfo extends it.
func (b *breaker) overloaded(retryInfo time.Duration) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if !now.Before(b.openUntil) {
		b.backoff = min(max(breakerFirstBackoff, 2*b.backoff), breakerMaxBackoff)
		delay := b.backoff
		if retryInfo > 0 {
			delay = retryInfo
		}
		b.openUntil = now.Add(delay)
	} else if until := now.Add(retryInfo); until.After(b.openUntil) {
		b.openUntil = until
	}
	b.probing = false
	return b.openUntil.Sub(now)
}
