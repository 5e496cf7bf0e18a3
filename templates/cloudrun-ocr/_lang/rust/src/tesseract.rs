use std::process::Stdio;
use std::sync::Arc;

use axum::http::StatusCode;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;
use tokio::sync::Semaphore;
use tokio::time::{timeout_at, Instant};

use crate::engine::{ApiError, OcrResult};

/// Runs Debian's tesseract CLI (apt-get install tesseract-ocr): offline, no key.
/// Leptonica reads PNG, JPEG and WebP; HEIC and PDF are Gemini-only.
pub struct TesseractEngine {
    lang: String,
    /// One tesseract per core: more only thrash.
    slots: Arc<Semaphore>,
}

impl TesseractEngine {
    pub fn new(lang: &str) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        TesseractEngine {
            lang: lang.to_string(),
            slots: Arc::new(Semaphore::new(cores)),
        }
    }

    pub async fn recognize(
        &self,
        image: Vec<u8>,
        mime: &'static str,
        deadline: Instant,
    ) -> Result<OcrResult, ApiError> {
        if matches!(mime, "image/heic" | "image/heif" | "application/pdf") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_by_engine",
                format!("{mime} needs OCR_ENGINE=gemini; tesseract reads PNG, JPEG and WebP"),
            ));
        }
        let _slot = timeout_at(deadline, self.slots.acquire())
            .await
            .map_err(|_| ApiError::timeout())?;
        let mut child = Command::new("tesseract")
            .args(["stdin", "stdout", "-l", &self.lang])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|_| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "engine_missing",
                    "tesseract is not installed: apt-get install tesseract-ocr, or use OCR_ENGINE=gemini",
                )
            })?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let feed = tokio::spawn(async move {
            let _ = stdin.write_all(&image).await;
        });
        let output = timeout_at(deadline, child.wait_with_output())
            .await
            .map_err(|_| ApiError::timeout())?
            .map_err(|e| ApiError::unusable(format!("tesseract failed: {e}")))?;
        let _ = feed.await;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(ApiError::unusable(format!("tesseract failed: {}", stderr.trim())));
        }
        let text = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        Ok(OcrResult {
            text,
            lines,
            language: None,
            model: format!("tesseract-{}", self.lang),
        })
    }
}
