use std::time::Duration;

/// Read once from the environment (Cloud Run sets PORT; secrets arrive as env vars).
/// Deliberately not `Debug`: it holds the API key, which must never reach a log line.
#[derive(Clone)]
pub struct Config {
    /// HOST: address to listen on; Cloud Run needs 0.0.0.0, svl dev sets 127.0.0.1
    pub host: String,
    pub port: u16,
    /// OCR_ENGINE: gemini | tesseract
    pub engine: String,
    /// OCR_MAX_UPLOAD_BYTES, default 20 MiB (Cloud Run caps requests at 32 MiB)
    pub max_upload_bytes: usize,
    /// OCR_QUEUE_SIZE: requests that may wait for a model slot before 429
    pub queue_size: usize,
    pub model: String,
    /// GEMINI_BASE_URL: tests point it at a local server
    pub base_url: String,
    pub api_key: Option<String>,
    /// GEMINI_TIMEOUT_MS: per attempt
    pub call_timeout: Duration,
    pub max_retries: u32,
    /// GEMINI_MAX_CONCURRENCY: global cap on calls in flight
    pub max_concurrent: usize,
    /// OCR_REQUEST_TIMEOUT_MS: the whole request including retries, then 504
    pub request_budget: Duration,
    /// GOOGLE_CLOUD_PROJECT: for trace links in logs
    pub project: Option<String>,
    /// OCR_MAX_SIDE: images are downscaled so the long side is at most this many pixels
    pub max_side: u32,
    pub tesseract_lang: String,
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Tests pass their own lookup instead of mutating the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let text = |name: &str, default: &str| {
            get(name)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string())
        };
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match get(name).filter(|v| !v.is_empty()) {
                None => Ok(default),
                Some(v) => v
                    .parse()
                    .map_err(|_| format!("{name}={v:?} is not a non-negative integer")),
            }
        };
        let port = number("PORT", 8080)?;
        let config = Config {
            host: text("HOST", "0.0.0.0"),
            port: u16::try_from(port).map_err(|_| format!("PORT={port} is not a TCP port"))?,
            engine: text("OCR_ENGINE", "gemini"),
            max_upload_bytes: number("OCR_MAX_UPLOAD_BYTES", 20 << 20)? as usize,
            queue_size: number("OCR_QUEUE_SIZE", 100)? as usize,
            model: text("GEMINI_MODEL", "gemini-2.5-flash-lite"),
            base_url: text("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com"),
            api_key: get("GEMINI_API_KEY").filter(|v| !v.is_empty()),
            call_timeout: Duration::from_millis(number("GEMINI_TIMEOUT_MS", 30_000)?),
            max_retries: number("GEMINI_MAX_RETRIES", 3)? as u32,
            max_concurrent: number("GEMINI_MAX_CONCURRENCY", 80)? as usize,
            request_budget: Duration::from_millis(number("OCR_REQUEST_TIMEOUT_MS", 60_000)?),
            project: get("GOOGLE_CLOUD_PROJECT").filter(|v| !v.is_empty()),
            max_side: number("OCR_MAX_SIDE", 2048)? as u32,
            tesseract_lang: text("TESSERACT_LANG", "eng"),
        };
        if config.max_upload_bytes > 32 << 20 {
            return Err(format!(
                "OCR_MAX_UPLOAD_BYTES={} is above Cloud Run's 32 MiB request limit",
                config.max_upload_bytes
            ));
        }
        if config.max_concurrent == 0 {
            return Err("GEMINI_MAX_CONCURRENCY must be at least 1".into());
        }
        match config.engine.as_str() {
            "tesseract" => {}
            "gemini" if config.api_key.is_none() => {
                return Err("OCR_ENGINE=gemini needs GEMINI_API_KEY; use OCR_ENGINE=tesseract to work offline".into())
            }
            "gemini" => {}
            other => {
                return Err(format!(
                    "OCR_ENGINE={other:?} is not supported: use gemini or tesseract"
                ))
            }
        }
        Ok(config)
    }
}
