use std::time::Duration;

/// Gemini refuses inline requests over 20 MB; base64 grows the image by 4/3.
pub const GEMINI_INLINE_LIMIT: u64 = 20_000_000;
/// The largest upload whose base64 plus the prompt and JSON still fits GEMINI_INLINE_LIMIT.
pub const GEMINI_MAX_UPLOAD: u64 = (GEMINI_INLINE_LIMIT - 64 * 1024) / 4 * 3;

/// Read once from the environment (Cloud Run sets PORT; secrets arrive as env vars).
/// Deliberately not `Debug`: it holds the API key, which must never reach a log line.
#[derive(Clone)]
pub struct Config {
    /// HOST: address to listen on; Cloud Run needs 0.0.0.0, svl dev sets 127.0.0.1
    pub host: String,
    pub port: u16,
    /// OCR_ENGINE: gemini | tesseract
    pub engine: String,
    /// OCR_MAX_UPLOAD_BYTES: 14 MiB for gemini (base64 must fit its 20 MB inline limit), 20 MiB for tesseract
    pub max_upload_bytes: usize,
    /// OCR_QUEUE_SIZE: requests that may wait for memory or a model slot before 429
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
    /// GEMINI_RPM: client-side token bucket, so a burst never trips the project's quota
    pub gemini_rpm: u32,
    /// OCR_MAX_RETRY_WAIT_MS: the longest backoff or RetryInfo delay a request sits through
    pub max_retry_wait: Duration,
    /// OCR_REQUEST_TIMEOUT_MS: the whole request including retries, then 504
    pub request_budget: Duration,
    /// OCR_BODY_TIMEOUT_MS: the whole body must arrive within this, then 408
    pub body_timeout: Duration,
    /// OCR_HEADER_TIMEOUT_MS: a client must finish its request headers within this (slowloris)
    pub header_timeout: Duration,
    /// GOOGLE_CLOUD_PROJECT: for trace links in logs
    pub project: Option<String>,
    /// OCR_MAX_SIDE: images are downscaled so the long side is at most this many pixels
    pub max_side: u32,
    /// OCR_MAX_PIXELS: images whose header declares more are refused before any decode
    pub max_pixels: u64,
    /// OCR_MEMORY_LIMIT_MIB: the instance memory (svl.json cloudrun.memory)
    pub memory_limit_mib: u64,
    /// OCR_MEMORY_BUDGET_BYTES: what requests may hold at once (bodies + decode work)
    pub memory_budget_bytes: u64,
    pub tesseract_lang: String,
    /// OCR_TESSERACT_MEMORY_MIB: RLIMIT_AS of the tesseract child
    pub tesseract_memory_mib: u64,
    /// OCR_TESSERACT_TIMEOUT_MS: the child is killed after this
    pub tesseract_timeout: Duration,
}

/// What the process needs before any request: code, runtime, TLS, idle connections' buffers.
/// Measured idle RSS is ~10 MiB; the rest is headroom for allocator slack and hyper's buffers.
pub const BASELINE_MIB: u64 = 64;
/// Requests may hold this share of what is left above the baseline.
pub const BUDGET_SHARE: f64 = 0.75;

impl Config {
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Tests pass their own lookup instead of mutating the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let set = |name: &str| get(name).filter(|v| !v.is_empty());
        let text = |name: &str, default: &str| set(name).unwrap_or_else(|| default.to_string());
        // Values are never echoed: an env value could be a misplaced secret.
        let optional = |name: &str| -> Result<Option<u64>, String> {
            set(name)
                .map(|v| v.parse().map_err(|_| format!("{name} is not a non-negative integer")))
                .transpose()
        };
        let number = |name: &str, default: u64| optional(name).map(|v| v.unwrap_or(default));
        let positive = |name: &str, default: u64| match number(name, default)? {
            0 => Err(format!("{name} must be at least 1")),
            n => Ok(n),
        };
        let millis = |name: &str, default: u64| positive(name, default).map(Duration::from_millis);

        let engine = text("OCR_ENGINE", "gemini");
        let port = number("PORT", 8080)?;
        let memory_limit_mib = match optional("OCR_MEMORY_LIMIT_MIB")? {
            Some(0) => return Err("OCR_MEMORY_LIMIT_MIB must be at least 1".into()),
            Some(mib) => mib,
            None => detected_memory_limit_mib().unwrap_or(512),
        };
        if memory_limit_mib <= BASELINE_MIB {
            return Err(format!(
                "OCR_MEMORY_LIMIT_MIB must be above {BASELINE_MIB} (the service's own baseline); give the service more memory"
            ));
        }
        let derived_budget = ((memory_limit_mib - BASELINE_MIB) as f64 * BUDGET_SHARE) as u64 * 1024 * 1024;
        let upload_default = if engine == "gemini" { 14 << 20 } else { 20 << 20 };
        let config = Config {
            host: text("HOST", "0.0.0.0"),
            port: u16::try_from(port).map_err(|_| "PORT is not a TCP port".to_string())?,
            max_upload_bytes: positive("OCR_MAX_UPLOAD_BYTES", upload_default)? as usize,
            queue_size: number("OCR_QUEUE_SIZE", 100)? as usize,
            model: text("GEMINI_MODEL", "gemini-2.5-flash-lite"),
            base_url: text("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com"),
            api_key: set("GEMINI_API_KEY"),
            call_timeout: millis("GEMINI_TIMEOUT_MS", 30_000)?,
            max_retries: number("GEMINI_MAX_RETRIES", 3)?.min(10) as u32,
            max_concurrent: positive("GEMINI_MAX_CONCURRENCY", 80)? as usize,
            gemini_rpm: positive("GEMINI_RPM", 4000)?.min(u64::from(u32::MAX)) as u32,
            max_retry_wait: Duration::from_millis(number("OCR_MAX_RETRY_WAIT_MS", 10_000)?),
            request_budget: millis("OCR_REQUEST_TIMEOUT_MS", 60_000)?,
            body_timeout: millis("OCR_BODY_TIMEOUT_MS", 10_000)?,
            header_timeout: millis("OCR_HEADER_TIMEOUT_MS", 10_000)?,
            project: set("GOOGLE_CLOUD_PROJECT"),
            max_side: positive("OCR_MAX_SIDE", 2048)?.min(16_384) as u32,
            max_pixels: positive("OCR_MAX_PIXELS", 25_000_000)?,
            memory_limit_mib,
            memory_budget_bytes: positive("OCR_MEMORY_BUDGET_BYTES", derived_budget)?,
            tesseract_lang: text("TESSERACT_LANG", "eng"),
            tesseract_memory_mib: positive("OCR_TESSERACT_MEMORY_MIB", (memory_limit_mib / 2).min(1024))?,
            tesseract_timeout: millis("OCR_TESSERACT_TIMEOUT_MS", 20_000)?,
            engine,
        };
        if config.max_upload_bytes > 32 << 20 {
            return Err("OCR_MAX_UPLOAD_BYTES is above Cloud Run's 32 MiB request limit".into());
        }
        if config.memory_budget_bytes < 4 << 20 {
            return Err("OCR_MEMORY_BUDGET_BYTES must be at least 4 MiB".into());
        }
        match config.engine.as_str() {
            "tesseract" => {}
            "gemini" if config.api_key.is_none() => {
                return Err("OCR_ENGINE=gemini needs GEMINI_API_KEY; use OCR_ENGINE=tesseract to work offline".into())
            }
            "gemini" if config.max_upload_bytes as u64 > GEMINI_MAX_UPLOAD => {
                return Err(format!(
                    "OCR_MAX_UPLOAD_BYTES is above {GEMINI_MAX_UPLOAD}, the most whose base64 fits Gemini's 20 MB inline request limit"
                ))
            }
            "gemini" => {}
            _ => return Err("OCR_ENGINE is not supported: use gemini or tesseract".into()),
        }
        Ok(config)
    }

    /// Bytes in flight for bodies being received (a third), the rest for decoding and model
    /// requests. Separate pools: bodies waiting for work can never starve the work they wait for.
    pub fn receive_budget_bytes(&self) -> u64 {
        self.memory_budget_bytes / 3
    }

    pub fn work_budget_bytes(&self) -> u64 {
        self.memory_budget_bytes - self.receive_budget_bytes()
    }
}

/// The container's memory limit: cgroup v2, else v1 (which reports ~2^63 when unlimited).
fn detected_memory_limit_mib() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok()?.trim().parse::<u64>().ok();
    read("/sys/fs/cgroup/memory.max")
        .or_else(|| read("/sys/fs/cgroup/memory/memory.limit_in_bytes").filter(|&b| b < 1 << 40))
        .map(|bytes| bytes >> 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(env: &[(&str, &str)]) -> Result<Config, String> {
        Config::from_lookup(|k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn gemini_upload_limit_fits_the_inline_limit_after_base64() {
        let c = config(&[("GEMINI_API_KEY", "k"), ("OCR_MEMORY_LIMIT_MIB", "512")]).unwrap();
        assert_eq!(c.max_upload_bytes, 14 << 20);
        assert!((c.max_upload_bytes as u64).div_ceil(3) * 4 + 64 * 1024 < GEMINI_INLINE_LIMIT);
        let err = config(&[("GEMINI_API_KEY", "k"), ("OCR_MAX_UPLOAD_BYTES", "20971520")])
            .err()
            .unwrap();
        assert!(err.contains(&GEMINI_MAX_UPLOAD.to_string()), "{err}");
        let t = config(&[("OCR_ENGINE", "tesseract")]).unwrap();
        assert_eq!(t.max_upload_bytes, 20 << 20);
    }

    #[test]
    fn budget_is_derived_from_the_limit_and_errors_never_echo_values() {
        let c = config(&[("OCR_ENGINE", "tesseract"), ("OCR_MEMORY_LIMIT_MIB", "512")]).unwrap();
        assert_eq!(c.memory_budget_bytes, 336 << 20);
        assert_eq!(c.tesseract_memory_mib, 256);
        let err = config(&[("OCR_ENGINE", "tesseract"), ("OCR_MAX_PIXELS", "sk-secret")])
            .err()
            .unwrap();
        assert!(!err.contains("sk-secret"), "{err}");
        let err = config(&[("OCR_ENGINE", "sk-secret")]).err().unwrap();
        assert!(!err.contains("sk-secret"), "{err}");
    }
}
