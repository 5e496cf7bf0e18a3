use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tokio::time::Instant;

use crate::budget::Queue;
use crate::config::Config;
use crate::gemini::GeminiEngine;
use crate::preprocess::Prepared;
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
    /// The model's finish or block reason, sent as `error.reason`.
    pub reason: Option<String>,
    /// Close the connection after answering: the rest of the body is not worth reading.
    pub close: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            cause: None,
            reason: None,
            close: false,
        }
    }

    pub fn retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    pub fn closing(mut self) -> Self {
        self.close = true;
        self
    }

    pub fn bad_image() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_image",
            "the image could not be decoded",
        )
    }

    pub fn too_large_for_instance(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large_for_instance", message)
    }

    pub fn internal(code: &'static str, message: &str) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, code, message)
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
        let mut error = serde_json::json!({ "code": self.code, "message": self.message });
        if let Some(reason) = self.reason {
            error["reason"] = reason.into();
        }
        let mut response = (self.status, Json(serde_json::json!({ "error": error }))).into_response();
        if self.close {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
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
            "tesseract" => Ok(Engine::Tesseract(TesseractEngine::new(config))),
            _ => GeminiEngine::new(config).map(Engine::Gemini),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Engine::Gemini(_) => "gemini",
            Engine::Tesseract(_) => "tesseract",
        }
    }

    pub async fn recognize(&self, image: Prepared, deadline: Instant, queue: &Queue) -> Result<OcrResult, ApiError> {
        match self {
            Engine::Gemini(g) => g.recognize(image, deadline, queue).await,
            Engine::Tesseract(t) => t.recognize(image, deadline).await,
        }
    }

    /// Whether uploads are decoded and re-encoded here (Gemini) or handed over as they came.
    pub fn decodes_here(&self) -> bool {
        matches!(self, Engine::Gemini(_))
    }
}
