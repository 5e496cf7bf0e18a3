use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio::time::{sleep, timeout_at, Instant};

use crate::config::Config;
use crate::engine::{ApiError, OcrResult};
use crate::preprocess;

const PROMPT: &str = "Transcribe all text in this image exactly as written, preserving line breaks. \
Do not translate, summarize or describe the image. If there is no text, return an empty string.";

/// Calls the generateContent REST API (https://ai.google.dev/api/generate-content) with an API key.
pub struct GeminiEngine {
    http: reqwest::Client,
    url: String,
    api_key: String,
    model: String,
    call_timeout: Duration,
    max_retries: u32,
    max_side: u32,
    /// Global cap on Gemini calls in flight.
    slots: Arc<Semaphore>,
}

impl GeminiEngine {
    pub fn new(config: &Config) -> Result<Self, String> {
        let api_key = config.api_key.clone().ok_or("OCR_ENGINE=gemini needs GEMINI_API_KEY")?;
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(config.max_concurrent)
            .build()
            .map_err(|e| format!("http client: {e}"))?;
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
            max_side: config.max_side,
            slots: Arc::new(Semaphore::new(config.max_concurrent)),
        })
    }

    pub async fn recognize(
        &self,
        image: Vec<u8>,
        mime: &'static str,
        deadline: Instant,
    ) -> Result<OcrResult, ApiError> {
        let max_side = self.max_side;
        let (image, mime) = tokio::task::spawn_blocking(move || preprocess::shrink(image, mime, max_side))
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "preprocess_failed",
                    "could not prepare the image",
                )
            })?;
        let body = request_body(&image, mime);
        let _slot = timeout_at(deadline, self.slots.acquire())
            .await
            .map_err(|_| ApiError::timeout())?;
        let mut attempt = 0;
        loop {
            let call = self
                .http
                .post(&self.url)
                .header("x-goog-api-key", &self.api_key)
                .json(&body)
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
                    .with_cause(e))
                }
                Ok(Ok(response)) => response,
            };
            let status = response.status();
            let bytes = match timeout_at(deadline, response.bytes()).await {
                Err(_) => return Err(ApiError::timeout()),
                Ok(Err(e)) if e.is_timeout() => return Err(ApiError::timeout()),
                Ok(Err(_)) => return Err(ApiError::unusable("the model's answer was cut off")),
                Ok(Ok(bytes)) => bytes,
            };
            if status.is_success() {
                return self.parse(&bytes);
            }
            if status != StatusCode::TOO_MANY_REQUESTS && !status.is_server_error() {
                return Err(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "model_rejected_request",
                    format!("the model answered {status}"),
                )
                .with_cause(String::from_utf8_lossy(&bytes)));
            }
            let delay = retry_delay(&bytes).unwrap_or_else(|| Duration::from_millis(500 << attempt.min(6)));
            if attempt >= self.max_retries || Instant::now() + delay > deadline {
                if status == StatusCode::TOO_MANY_REQUESTS {
                    let mut error = ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "model_overloaded",
                        "the model keeps answering 429; retry later",
                    );
                    error.retry_after = Some(delay.max(Duration::from_secs(1)));
                    return Err(error);
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

    fn parse(&self, bytes: &[u8]) -> Result<OcrResult, ApiError> {
        let response: GenerateResponse = serde_json::from_slice(bytes)
            .map_err(|_| ApiError::unusable("the model's answer is not generateContent JSON"))?;
        let text: String = response
            .candidates
            .into_iter()
            .flatten()
            .take(1)
            .flat_map(|c| c.content.and_then(|c| c.parts).unwrap_or_default())
            .filter_map(|p| p.text)
            .collect();
        if text.is_empty() {
            return Err(ApiError::unusable("the model returned no text"));
        }
        let answer: ModelAnswer = serde_json::from_str(&text)
            .map_err(|_| ApiError::unusable("the model's answer is not the requested JSON"))?;
        Ok(OcrResult {
            text: answer.text,
            lines: answer.lines,
            language: answer.language.filter(|l| !l.is_empty()),
            model: response.model_version.unwrap_or_else(|| self.model.clone()),
        })
    }
}

/// The generateContent request: image inline (bare base64, no `data:` prefix), temperature 0 and a
/// response schema so the answer is JSON we can parse instead of prose.
pub fn request_body(image: &[u8], mime: &str) -> Value {
    json!({
        "contents": [{
            "role": "user",
            "parts": [
                { "inline_data": { "mime_type": mime, "data": base64::engine::general_purpose::STANDARD.encode(image) } },
                { "text": PROMPT }
            ]
        }],
        "generationConfig": {
            "temperature": 0,
            "responseMimeType": "application/json",
            "responseSchema": {
                "type": "OBJECT",
                "properties": {
                    "text": { "type": "STRING", "description": "all text, lines separated by \\n" },
                    "lines": { "type": "ARRAY", "items": { "type": "STRING" } },
                    "language": { "type": "STRING", "description": "BCP-47 code of the main language" }
                },
                "required": ["text"]
            }
        }
    })
}

/// google.rpc.RetryInfo in the error details: `"retryDelay": "1.5s"`.
fn retry_delay(error_body: &[u8]) -> Option<Duration> {
    let error: GoogleError = serde_json::from_slice(error_body).ok()?;
    error.error.details.iter().find_map(|d| {
        let is_retry_info = d.get("@type")?.as_str()?.ends_with("google.rpc.RetryInfo");
        let seconds: f64 = d.get("retryDelay")?.as_str()?.strip_suffix('s')?.parse().ok()?;
        (is_retry_info && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
    })
}

#[derive(Deserialize)]
struct GenerateResponse {
    candidates: Option<Vec<Candidate>>,
    #[serde(rename = "modelVersion")]
    model_version: Option<String>,
}

#[derive(Deserialize)]
struct Candidate {
    content: Option<Content>,
}

#[derive(Deserialize)]
struct Content {
    parts: Option<Vec<Part>>,
}

#[derive(Deserialize)]
struct Part {
    text: Option<String>,
}

#[derive(Deserialize)]
struct ModelAnswer {
    text: String,
    #[serde(default)]
    lines: Vec<String>,
    language: Option<String>,
}

#[derive(Deserialize)]
struct GoogleError {
    error: GoogleErrorBody,
}

#[derive(Deserialize)]
struct GoogleErrorBody {
    #[serde(default)]
    details: Vec<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_retry_info() {
        let body = br#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[
            {"@type":"type.googleapis.com/google.rpc.QuotaFailure"},
            {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}"#;
        assert_eq!(retry_delay(body), Some(Duration::from_millis(1500)));
        assert_eq!(retry_delay(b"not json"), None);
    }
}
