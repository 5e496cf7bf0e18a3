use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;

use crate::config::Config;
use crate::engine::{ApiError, Engine};
use crate::log::{log, trace_field};
use crate::sniff::sniff_image;

/// Cloud Run sends SIGTERM and kills the instance 10 s later: leave a margin to flush logs.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(9);

pub struct AppState {
    pub config: Config,
    pub engine: Engine,
    /// Requests being served or queued; full → 429.
    admission: Semaphore,
}

impl AppState {
    pub fn new(config: Config, engine: Engine) -> Self {
        let admission = Semaphore::new(config.max_concurrent + config.queue_size);
        AppState {
            config,
            engine,
            admission,
        }
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    let limit = state.config.max_upload_bytes;
    Router::new()
        .route("/health", get(health))
        .route("/v1/ocr", post(ocr))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests finish for
/// at most DRAIN_TIMEOUT.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let draining = Arc::new(Notify::new());
    let notify = draining.clone();
    let server = axum::serve(listener, router(state)).with_graceful_shutdown(async move {
        shutdown.await;
        notify.notify_one();
    });
    tokio::select! {
        result = server => result,
        _ = async { draining.notified().await; tokio::time::sleep(DRAIN_TIMEOUT).await } => {
            log("WARNING", "drain timed out; in-flight requests were cut", None, json!({}));
            Ok(())
        }
    }
}

async fn health(State(state): State<Arc<AppState>>) -> Response {
    Json(json!({ "status": "ok", "engine": state.engine.name() })).into_response()
}

async fn ocr(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let start = Instant::now();
    let trace = trace_field(request.headers(), state.config.project.as_deref());
    let outcome = async {
        let _slot = state.admission.try_acquire().map_err(|_| {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "queue_full",
                "too many requests in flight on this instance",
            );
            e.retry_after = Some(Duration::from_secs(1));
            e
        })?;
        let image = read_image(request, state.config.max_upload_bytes).await?;
        let mime = sniff_image(&image).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "not_an_image",
                "send PNG, JPEG, WebP, HEIC/HEIF or PDF bytes",
            )
        })?;
        let bytes = image.len();
        let result = state
            .engine
            .recognize(image, mime, start + state.config.request_budget)
            .await?;
        Ok::<_, ApiError>((result, mime, bytes))
    }
    .await;
    let ms = start.elapsed().as_millis() as u64;
    match outcome {
        Ok((result, mime, bytes)) => {
            log(
                "INFO",
                "ocr done",
                trace.as_deref(),
                json!({ "engine": state.engine.name(), "mime": mime, "bytes": bytes, "durationMs": ms }),
            );
            let mut body = serde_json::to_value(&result).unwrap_or_default();
            body["engine"] = state.engine.name().into();
            body["durationMs"] = ms.into();
            Json(body).into_response()
        }
        Err(e) => {
            let severity = if e.status.is_server_error() { "ERROR" } else { "WARNING" };
            log(
                severity,
                &e.message,
                trace.as_deref(),
                json!({ "code": e.code, "status": e.status.as_u16(), "cause": e.cause }),
            );
            e.into_response()
        }
    }
}

/// The raw body, or the multipart field "file"; DefaultBodyLimit bounds both.
async fn read_image(request: Request, limit: usize) -> Result<Vec<u8>, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("upload is over {limit} bytes (OCR_MAX_UPLOAD_BYTES)"),
        )
    };
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let image = if is_multipart {
        let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart", m);
        let mut form = Multipart::from_request(request, &())
            .await
            .map_err(|e| bad(e.body_text()))?;
        loop {
            match form.next_field().await {
                Ok(Some(field)) if field.name() == Some("file") => {
                    let data = field.bytes().await.map_err(|e| {
                        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                            too_large()
                        } else {
                            bad(e.body_text())
                        }
                    })?;
                    break data.to_vec();
                }
                Ok(Some(_)) => continue,
                Ok(None) => {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "missing_file",
                        "multipart body has no field named file",
                    ))
                }
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(e) => return Err(bad(e.body_text())),
            }
        }
    } else {
        let body = Bytes::from_request(request, &()).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "could not read the request body",
                )
            }
        })?;
        body.to_vec()
    };
    if image.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "empty_body",
            "the request has no image bytes",
        ));
    }
    Ok(image)
}
