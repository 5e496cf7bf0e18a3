use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tokio::time::Instant;

use crate::config::Config;
use crate::gemini::GeminiEngine;
use crate::tesseract::TesseractEngine;

#[derive(Debug, Serialize)]
pub struct OcrResult {
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub model: String,
}

/// An error the client sees as `{ "error": { "code", "message" } }`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Sent as Retry-After (whole seconds, rounded up).
    pub retry_after: Option<Duration>,
    /// Logged for operators, never sent to the client.
    pub cause: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            cause: None,
        }
    }

    pub fn with_cause(mut self, cause: impl ToString) -> Self {
        self.cause = Some(cause.to_string());
        self
    }

    pub fn unusable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, "model_answer_unusable", message)
    }

    pub fn timeout() -> Self {
        Self::new(
            StatusCode::GATEWAY_TIMEOUT,
            "engine_timeout",
            "the OCR engine did not answer in time",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(serde_json::json!({ "error": { "code": self.code, "message": self.message } }));
        let mut response = (self.status, body).into_response();
        if let Some(after) = self.retry_after {
            let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        response
    }
}

/// The engines, as an enum rather than a trait object: two variants, no async-trait boxing.
pub enum Engine {
    Gemini(GeminiEngine),
    Tesseract(TesseractEngine),
}

impl Engine {
    pub fn from_config(config: &Config) -> Result<Self, String> {
        match config.engine.as_str() {
            "tesseract" => Ok(Engine::Tesseract(TesseractEngine::new(&config.tesseract_lang))),
            _ => GeminiEngine::new(config).map(Engine::Gemini),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Engine::Gemini(_) => "gemini",
            Engine::Tesseract(_) => "tesseract",
        }
    }

    pub async fn recognize(
        &self,
        image: Vec<u8>,
        mime: &'static str,
        deadline: Instant,
    ) -> Result<OcrResult, ApiError> {
        match self {
            Engine::Gemini(g) => g.recognize(image, mime, deadline).await,
            Engine::Tesseract(t) => t.recognize(image, mime, deadline).await,
        }
    }
}
