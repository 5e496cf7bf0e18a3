//! The instance's memory, as two pools of KiB permits (tokio semaphores count in u32):
//! `receive` for bodies as their bytes arrive, `work` for what processing a request allocates.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{timeout_at, Instant};

use crate::config::Config;
use crate::engine::ApiError;

pub fn kib(bytes: u64) -> u32 {
    bytes.div_ceil(1024).min(u64::from(u32::MAX)) as u32
}

pub struct MemoryBudget {
    receive: Arc<Semaphore>,
    work: Arc<Semaphore>,
    work_kib: u32,
    pub queue: Queue,
}

/// Permits held until the request ends; grows as a body arrives.
#[derive(Default)]
pub struct Charge {
    permit: Option<OwnedSemaphorePermit>,
}

impl Charge {
    pub fn kib(&self) -> u32 {
        self.permit.as_ref().map_or(0, |p| p.num_permits() as u32)
    }

    fn add(&mut self, more: OwnedSemaphorePermit) {
        match &mut self.permit {
            Some(held) => held.merge(more),
            None => self.permit = Some(more),
        }
    }
}

impl MemoryBudget {
    pub fn new(config: &Config) -> Self {
        let receive_kib = kib(config.receive_budget_bytes());
        let work_kib = kib(config.work_budget_bytes());
        MemoryBudget {
            receive: Arc::new(Semaphore::new(receive_kib as usize)),
            work: Arc::new(Semaphore::new(work_kib as usize)),
            work_kib,
            queue: Queue::new(config.queue_size),
        }
    }

    /// Raises `charge` to cover `bytes` held for a body, without waiting: a body that cannot be
    /// held now is refused, so tricklers and floods cost others a 429, never a lock-out or an OOM.
    pub fn hold_received(&self, charge: &mut Charge, bytes: u64) -> Result<(), ApiError> {
        let missing = kib(bytes).saturating_sub(charge.kib());
        if missing == 0 {
            return Ok(());
        }
        let more = self.receive.clone().try_acquire_many_owned(missing).map_err(|_| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "busy",
                "this instance is receiving as many uploads as its memory allows; retry shortly",
            )
            .retry_after(Duration::from_secs(1))
            .closing()
        })?;
        charge.add(more);
        Ok(())
    }

    /// Waits in FIFO order (behind at most OCR_QUEUE_SIZE others) until `bytes` of work memory
    /// are free, or the request deadline passes.
    pub async fn admit_work(&self, bytes: u64, deadline: Instant) -> Result<OwnedSemaphorePermit, ApiError> {
        let want = kib(bytes);
        if want > self.work_kib {
            return Err(ApiError::too_large_for_instance(format!(
                "processing this image needs about {} MiB, more than this instance's work budget of {} MiB: lower OCR_MAX_PIXELS to refuse such images up front, or raise OCR_MEMORY_LIMIT_MIB with svl.json cloudrun.memory",
                bytes.div_ceil(1 << 20),
                self.work_kib / 1024
            )));
        }
        if let Ok(permit) = self.work.clone().try_acquire_many_owned(want) {
            return Ok(permit);
        }
        let _place = self.queue.enter()?;
        timeout_at(deadline, self.work.clone().acquire_many_owned(want))
            .await
            .map_err(|_| ApiError::timeout())?
            .map_err(|_| ApiError::timeout())
    }
}

/// Requests waiting for memory or a model slot. A bounded line: past it, 429 at once.
pub struct Queue {
    waiting: AtomicUsize,
    limit: usize,
}

pub struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Queue {
    pub fn new(limit: usize) -> Self {
        Queue {
            waiting: AtomicUsize::new(0),
            limit,
        }
    }

    pub fn enter(&self) -> Result<Place<'_>, ApiError> {
        let ahead = self.waiting.fetch_add(1, Ordering::SeqCst);
        let place = Place(&self.waiting);
        if ahead >= self.limit {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "queue_full",
                "too many requests waiting on this instance",
            )
            .retry_after(Duration::from_secs(1)));
        }
        Ok(place)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(bytes: u64) -> MemoryBudget {
        let config = Config::from_lookup(|k| match k {
            "OCR_ENGINE" => Some("tesseract".into()),
            "OCR_MEMORY_BUDGET_BYTES" => Some(bytes.to_string()),
            "OCR_QUEUE_SIZE" => Some("1".into()),
            _ => None,
        })
        .unwrap();
        MemoryBudget::new(&config)
    }

    #[test]
    fn received_bytes_are_charged_as_they_arrive_until_the_pool_is_empty() {
        let budget = budget(6 << 20); // 2 MiB for bodies
        let mut first = Charge::default();
        budget.hold_received(&mut first, 1).unwrap();
        assert_eq!(first.kib(), 1, "a trickler holding 1 byte holds 1 KiB");
        budget.hold_received(&mut first, 1 << 20).unwrap();
        let mut second = Charge::default();
        budget.hold_received(&mut second, 1 << 20).unwrap();
        let mut third = Charge::default();
        let refused = budget.hold_received(&mut third, 1024).unwrap_err();
        assert_eq!((refused.status, refused.code), (StatusCode::TOO_MANY_REQUESTS, "busy"));
        drop(first);
        budget.hold_received(&mut third, 1024).unwrap();
    }

    #[tokio::test]
    async fn work_waits_in_a_bounded_line_and_refuses_what_never_fits() {
        let budget = budget(6 << 20); // 4 MiB of work
        let deadline = Instant::now() + Duration::from_secs(5);
        let too_big = budget.admit_work(5 << 20, deadline).await.unwrap_err();
        assert_eq!(too_big.code, "too_large_for_instance");
        assert!(too_big.message.contains("OCR_MEMORY_LIMIT_MIB"));
        let held = budget.admit_work(3 << 20, deadline).await.unwrap();
        let waiter = budget.admit_work(2 << 20, deadline);
        tokio::pin!(waiter);
        assert!(
            futures_poll_once(&mut waiter).await.is_none(),
            "waits while memory is held"
        );
        let full = budget.admit_work(2 << 20, deadline).await.unwrap_err();
        assert_eq!(full.code, "queue_full");
        drop(held);
        drop(waiter.await.unwrap());
    }

    async fn futures_poll_once<F: std::future::Future + Unpin>(f: &mut F) -> Option<F::Output> {
        std::future::poll_fn(|cx| match std::pin::Pin::new(&mut *f).poll(cx) {
            std::task::Poll::Ready(v) => std::task::Poll::Ready(Some(v)),
            std::task::Poll::Pending => std::task::Poll::Ready(None),
        })
        .await
    }
}
