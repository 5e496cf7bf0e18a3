use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;
use tokio::sync::Semaphore;
use tokio::time::{timeout_at, Instant};

use crate::config::Config;
use crate::engine::{ApiError, OcrResult};
use crate::preprocess::Prepared;

/// Runs Debian's tesseract CLI (apt-get install tesseract-ocr): offline, no key.
/// Leptonica reads PNG, JPEG, WebP and TIFF; HEIC and PDF are Gemini-only.
pub struct TesseractEngine {
    lang: String,
    memory_bytes: u64,
    timeout: Duration,
    /// One tesseract per core: more only thrash.
    slots: Arc<Semaphore>,
}

impl TesseractEngine {
    pub fn new(config: &Config) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        TesseractEngine {
            lang: config.tesseract_lang.clone(),
            memory_bytes: config.tesseract_memory_mib << 20,
            timeout: config.tesseract_timeout,
            slots: Arc::new(Semaphore::new(cores)),
        }
    }

    pub async fn recognize(&self, image: Prepared, deadline: Instant) -> Result<OcrResult, ApiError> {
        let Prepared { bytes: image, mime } = image;
        if matches!(mime, "image/heic" | "image/heif" | "application/pdf") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_by_engine",
                format!("{mime} needs OCR_ENGINE=gemini; tesseract reads PNG, JPEG, WebP and TIFF"),
            ));
        }
        let _slot = timeout_at(deadline, self.slots.acquire())
            .await
            .map_err(|_| ApiError::timeout())?;
        let deadline = deadline.min(Instant::now() + self.timeout);
        let memory = self.memory_bytes as libc::rlim_t;
        let mut command = Command::new("tesseract");
        command
            .args(["stdin", "stdout", "-l", &self.lang])
            // One OpenMP thread: the service runs one tesseract per core already.
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
        unsafe {
            command.pre_exec(move || {
                // Leptonica allocates what a crafted header declares; RLIMIT_AS makes that fail
                // inside tesseract instead of taking the instance's memory.
                let limit = libc::rlimit {
                    rlim_cur: memory,
                    rlim_max: memory,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command.spawn().map_err(|_| {
            ApiError::internal(
                "engine_missing",
                "tesseract is not installed: apt-get install tesseract-ocr, or use OCR_ENGINE=gemini",
            )
        })?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let feed = tokio::spawn(async move {
            let _ = stdin.write_all(&image).await;
        });
        // On timeout the child is dropped, and kill_on_drop kills it.
        let output = timeout_at(deadline, child.wait_with_output())
            .await
            .map_err(|_| ApiError::timeout())?
            .map_err(|e| ApiError::internal("engine_failed", "tesseract could not be run").with_cause(e))?;
        feed.abort();
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let cause = format!("tesseract {}: {}", output.status, stderr.trim());
            // A signal (std::bad_alloc aborts) or leptonica's allocation errors: the rlimit.
            let out_of_memory = output.status.signal().is_some()
                || ["alloc", "memory"]
                    .iter()
                    .any(|w| stderr.to_ascii_lowercase().contains(w));
            return Err(if out_of_memory {
                ApiError::too_large_for_instance(
                    "tesseract ran out of memory on this image: raise OCR_TESSERACT_MEMORY_MIB (and OCR_MEMORY_LIMIT_MIB with svl.json cloudrun.memory), or send fewer pixels",
                )
                .with_cause(cause)
            } else {
                ApiError::bad_image().with_cause(cause)
            });
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
