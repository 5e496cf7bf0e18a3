//! One circuit breaker for every request to Gemini: when it says 429/503, nobody calls it again
//! until it said we may (RetryInfo) or a doubling backoff has passed; then one probe goes first.
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Closed,
    Open {
        until: Instant,
    },
    /// The open time has passed and one call is on its way to find out whether Gemini is back.
    Probing,
}

pub struct Breaker {
    inner: Mutex<Inner>,
}

struct Inner {
    state: State,
    /// The backoff used when Gemini gives no RetryInfo; doubles with each failed probe.
    backoff: Duration,
}

/// Permission for one call. Dropping it without a verdict (timeout, cancelled request) counts
/// as a failed probe, so a hung probe never leaves the breaker stuck half-open.
pub struct CallPermit<'a> {
    breaker: &'a Breaker,
    probe: bool,
    settled: bool,
}

impl Breaker {
    pub fn new() -> Self {
        Breaker {
            inner: Mutex::new(Inner {
                state: State::Closed,
                backoff: FIRST_BACKOFF,
            }),
        }
    }

    /// A call may go now, or not for the returned time.
    pub fn permit(&self, now: Instant) -> Result<CallPermit<'_>, Duration> {
        let mut inner = self.inner.lock().unwrap();
        let probe = match inner.state {
            State::Closed => false,
            State::Open { until } if now < until => return Err(until - now),
            State::Open { .. } => {
                inner.state = State::Probing;
                true
            }
            // The probe's answer decides; the others are told to come back in a second.
            State::Probing => return Err(Duration::from_secs(1)),
        };
        Ok(CallPermit {
            breaker: self,
            probe,
            settled: false,
        })
    }

    fn open(&self, inner: &mut Inner, now: Instant, retry_info: Option<Duration>) -> Duration {
        let delay = retry_info.unwrap_or(inner.backoff);
        inner.backoff = (inner.backoff * 2).min(MAX_BACKOFF);
        let until = now + delay;
        // Concurrent failures never shorten an opening already announced.
        inner.state = match inner.state {
            State::Open { until: known } if known > until => State::Open { until: known },
            _ => State::Open { until },
        };
        delay
    }
}

impl Default for Breaker {
    fn default() -> Self {
        Self::new()
    }
}

impl CallPermit<'_> {
    /// Gemini answered (anything but overload): it is reachable and within quota.
    pub fn succeeded(mut self) {
        self.settled = true;
        let mut inner = self.breaker.inner.lock().unwrap();
        inner.state = State::Closed;
        inner.backoff = FIRST_BACKOFF;
    }

    /// Gemini said 429/503: open for RetryInfo's delay or the backoff. Returns the open time.
    pub fn overloaded(mut self, now: Instant, retry_info: Option<Duration>) -> Duration {
        self.settled = true;
        let mut inner = self.breaker.inner.lock().unwrap();
        self.breaker.open(&mut inner, now, retry_info)
    }
}

impl Drop for CallPermit<'_> {
    fn drop(&mut self) {
        if self.probe && !self.settled {
            let mut inner = self.breaker.inner.lock().unwrap();
            self.breaker.open(&mut inner, Instant::now(), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_for_retry_info_then_lets_one_probe_through() {
        let breaker = Breaker::new();
        let t0 = Instant::now();
        let first = breaker.permit(t0).unwrap();
        let _concurrent = breaker.permit(t0).unwrap();
        assert_eq!(
            first.overloaded(t0, Some(Duration::from_secs(45))),
            Duration::from_secs(45)
        );
        assert_eq!(
            breaker.permit(t0 + Duration::from_secs(5)).err(),
            Some(Duration::from_secs(40))
        );
        let probe = breaker.permit(t0 + Duration::from_secs(45)).unwrap();
        assert!(
            breaker.permit(t0 + Duration::from_secs(45)).is_err(),
            "one probe at a time"
        );
        probe.succeeded();
        assert!(breaker.permit(t0 + Duration::from_secs(46)).is_ok());
    }

    #[test]
    fn failed_probes_double_the_backoff_up_to_a_minute() {
        let breaker = Breaker::new();
        let mut now = Instant::now();
        let mut opened = Vec::new();
        for _ in 0..8 {
            let delay = breaker.permit(now).unwrap().overloaded(now, None);
            opened.push(delay.as_secs());
            now += delay;
        }
        assert_eq!(opened, [1, 2, 4, 8, 16, 32, 60, 60]);
        let probe = breaker.permit(now).unwrap();
        drop(probe); // a probe that never answered reopens, from the real clock
        assert!(breaker.permit(Instant::now()).is_err());
    }
}
