use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::Semaphore;
use tokio::time::{sleep, timeout_at, Instant};

use crate::breaker::Breaker;
use crate::budget::Queue;
use crate::config::{Config, GEMINI_INLINE_LIMIT};
use crate::engine::{ApiError, OcrResult};
use crate::generate_content::{parse_answer, read_error, request_body};
use crate::preprocess::Prepared;

/// Calls the generateContent REST API (https://ai.google.dev/api/generate-content) with an API
/// key, behind a token bucket (GEMINI_RPM) and one circuit breaker shared by all requests.
pub struct GeminiEngine {
    http: reqwest::Client,
    url: String,
    api_key: String,
    model: String,
    call_timeout: Duration,
    max_retries: u32,
    max_retry_wait: Duration,
    /// Global cap on Gemini calls in flight.
    slots: Arc<Semaphore>,
    limiter: DefaultDirectRateLimiter,
    clock: DefaultClock,
    breaker: Breaker,
}

/// How long a retried call needs at least, so a retry that cannot finish is not started.
const CALL_AT_LEAST: Duration = Duration::from_secs(1);

fn overloaded(after: Duration, message: &str) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "model_overloaded", message)
        .retry_after(after.max(Duration::from_secs(1)))
}

impl GeminiEngine {
    pub fn new(config: &Config) -> Result<Self, String> {
        let api_key = config.api_key.clone().ok_or("OCR_ENGINE=gemini needs GEMINI_API_KEY")?;
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(config.max_concurrent)
            .build()
            .map_err(|e| format!("http client: {e}"))?;
        let rpm = NonZeroU32::new(config.gemini_rpm).ok_or("GEMINI_RPM must be at least 1")?;
        // A burst of a second's worth: smooth enough for per-minute quotas, no stall at start.
        let burst = NonZeroU32::new((config.gemini_rpm / 60).max(1)).expect("at least 1");
        Ok(GeminiEngine {
            http,
            url: format!(
                "{}/v1beta/models/{}:generateContent",
                config.base_url.trim_end_matches('/'),
                config.model
            ),
            api_key,
            model: config.model.clone(),
            call_timeout: config.call_timeout,
            max_retries: config.max_retries,
            max_retry_wait: config.max_retry_wait,
            slots: Arc::new(Semaphore::new(config.max_concurrent)),
            limiter: RateLimiter::direct(Quota::per_minute(rpm).allow_burst(burst)),
            clock: DefaultClock::default(),
            breaker: Breaker::new(),
        })
    }

    pub async fn recognize(&self, image: Prepared, deadline: Instant, queue: &Queue) -> Result<OcrResult, ApiError> {
        let body = request_body(&image.bytes, image.mime);
        drop(image);
        if body.len() as u64 > GEMINI_INLINE_LIMIT {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large_for_model",
                format!(
                    "the request would be {} bytes in base64, over Gemini's 20 MB inline limit: send a smaller image",
                    body.len()
                ),
            ));
        }
        let body = Bytes::from(body); // retries share it
        let _slot = match self.slots.try_acquire() {
            Ok(slot) => slot,
            Err(_) => {
                let _place = queue.enter()?;
                timeout_at(deadline, self.slots.acquire())
                    .await
                    .map_err(|_| ApiError::timeout())?
                    .map_err(|_| ApiError::timeout())?
            }
        };
        let mut attempt = 0;
        loop {
            self.take_token(deadline).await?;
            let permit = self
                .breaker
                .permit(Instant::now())
                .map_err(|wait| overloaded(wait, "the model is overloaded or out of quota; retry later"))?;
            let (status, answer) = self.call(body.clone(), deadline).await?;
            if status.is_success() {
                permit.succeeded();
                let answer = parse_answer(&answer)?;
                return Ok(OcrResult {
                    text: answer.text,
                    lines: answer.lines,
                    language: answer.language,
                    model: answer.model_version.unwrap_or_else(|| self.model.clone()),
                });
            }
            let (is_overload, retry_info) = read_error(status, &answer);
            if !is_overload && !status.is_server_error() {
                permit.succeeded();
                return Err(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "model_rejected_request",
                    format!("the model answered {status}"),
                )
                .with_cause(String::from_utf8_lossy(&answer)));
            }
            let delay = if is_overload {
                permit.overloaded(Instant::now(), retry_info)
            } else {
                permit.succeeded();
                retry_info.unwrap_or_else(|| Duration::from_millis(500 << attempt.min(6)))
            };
            let fits = delay <= self.max_retry_wait && Instant::now() + delay + CALL_AT_LEAST <= deadline;
            if attempt >= self.max_retries || !fits {
                if is_overload {
                    return Err(
                        overloaded(delay, "the model is overloaded or out of quota; retry later")
                            .with_cause(format!("{status} after {} calls", attempt + 1)),
                    );
                }
                return Err(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "model_unavailable",
                    format!("the model answered {status} after {} attempts", attempt + 1),
                ));
            }
            sleep(delay).await;
            attempt += 1;
        }
    }

    /// One call: its status and body, or why there is none.
    async fn call(&self, body: Bytes, deadline: Instant) -> Result<(StatusCode, Bytes), ApiError> {
        let call = self
            .http
            .post(&self.url)
            .header("x-goog-api-key", &self.api_key)
            .header("content-type", "application/json")
            .body(body)
            .timeout(self.call_timeout)
            .send();
        let response = match timeout_at(deadline, call).await {
            Err(_) => return Err(ApiError::timeout()),
            Ok(Err(e)) if e.is_timeout() => return Err(ApiError::timeout()),
            Ok(Err(e)) => {
                return Err(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "model_unreachable",
                    "could not reach the model",
                )
                .with_cause(e.without_url()))
            }
            Ok(Ok(response)) => response,
        };
        let status = StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        match timeout_at(deadline, response.bytes()).await {
            Err(_) => Err(ApiError::timeout()),
            Ok(Err(e)) if e.is_timeout() => Err(ApiError::timeout()),
            Ok(Err(_)) => Err(ApiError::unusable("the model's answer was cut off")),
            Ok(Ok(bytes)) => Ok((status, bytes)),
        }
    }

    /// Waits for a token of the GEMINI_RPM bucket, but only while the request can still use it.
    async fn take_token(&self, deadline: Instant) -> Result<(), ApiError> {
        loop {
            let Err(not_until) = self.limiter.check() else {
                return Ok(());
            };
            let wait = not_until.wait_time_from(self.clock.now());
            if Instant::now() + wait > deadline {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "rate_limited",
                    "this service's Gemini request rate (GEMINI_RPM) is used up; retry later",
                )
                .retry_after(wait));
            }
            sleep(wait).await;
        }
    }
}
