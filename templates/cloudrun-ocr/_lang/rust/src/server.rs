use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::{timeout_at, Instant};

use crate::body::read_upload;
use crate::budget::MemoryBudget;
use crate::config::Config;
use crate::engine::{ApiError, Engine, OcrResult};
use crate::log::{log, trace_field};
use crate::pixels::{check_pixels, read_header};
use crate::preprocess::{prepare, Prepared};
use crate::sniff::sniff_image;

/// Cloud Run sends SIGTERM and kills the instance 10 s later: leave a margin to flush logs.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(9);
/// What a request costs in work memory when nothing is decoded here (tesseract reads the body).
const PASS_THROUGH_COST: u64 = 64 * 1024;

pub struct AppState {
    pub config: Config,
    pub engine: Engine,
    budget: MemoryBudget,
    /// Decoding is CPU-bound: one per core, in spawn_blocking, or it only thrashes.
    decoders: Arc<Semaphore>,
}

impl AppState {
    pub fn new(config: Config, engine: Engine) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        AppState {
            budget: MemoryBudget::new(&config),
            decoders: Arc::new(Semaphore::new(cores)),
            config,
            engine,
        }
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    let limit = state.config.max_upload_bytes;
    Router::new()
        .route("/health", get(health))
        .route("/v1/ocr", post(ocr))
        // For the multipart parser, which runs on a body already read (and bounded) by body.rs.
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// Serves HTTP/1 until `shutdown` resolves, then stops accepting and lets in-flight requests
/// finish for at most DRAIN_TIMEOUT. hyper directly rather than axum::serve: only hyper's
/// builder can time out slow headers.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Go's ReadHeaderTimeout: a client trickling its headers is cut off.
    let header_timeout = state.config.header_timeout;
    let app = router(state);
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: keep serving the connections we have.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => {
            log("WARNING", "drain timed out; in-flight requests were cut", None, json!({}));
        }
    }
    Ok(())
}

async fn health(State(state): State<Arc<AppState>>) -> Response {
    Json(json!({ "status": "ok", "engine": state.engine.name() })).into_response()
}

async fn ocr(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let start = Instant::now();
    let trace = trace_field(request.headers(), state.config.project.as_deref());
    let outcome = recognize(&state, request, start).await;
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
                json!({ "code": e.code, "status": e.status.as_u16(), "cause": e.cause, "durationMs": ms }),
            );
            e.into_response()
        }
    }
}

/// The pipeline: body (receive budget) → type → pixel budget → work budget → decode (one per
/// core) → engine. Each step refuses what the next could not afford.
async fn recognize(
    state: &AppState,
    request: Request,
    start: Instant,
) -> Result<(OcrResult, &'static str, usize), ApiError> {
    let config = &state.config;
    let deadline = start + config.request_budget;
    let upload = read_upload(request, config.max_upload_bytes, &state.budget, config.body_timeout).await?;
    let image = upload.bytes;
    let received = upload.charge;
    let mime = sniff_image(&image).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_an_image",
            "send PNG, JPEG, WebP, TIFF, HEIC/HEIF or PDF bytes",
        )
    })?;
    let header = read_header(&image, mime)?;
    if let Some(header) = &header {
        check_pixels(header, config.max_pixels)?;
    }
    let bytes = image.len();
    let decodes_here = state.engine.decodes_here();
    let cost = match &header {
        Some(h) if decodes_here => h.work_bytes(bytes as u64, config.max_side),
        // HEIC/PDF go to Gemini as they are, in base64.
        None if decodes_here => bytes as u64 / 3 * 4 + PASS_THROUGH_COST,
        _ => PASS_THROUGH_COST,
    };
    let work = state.budget.admit_work(cost, deadline).await?;
    let (prepared, _work, _received) = if decodes_here && header.is_some() {
        let decoder = timeout_at(deadline, state.decoders.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::timeout())?
            .map_err(|_| ApiError::timeout())?;
        let max_side = config.max_side;
        // The permits (and the body's) travel with the decode: if the client goes away, they are
        // released when the memory is, not when the handler is dropped.
        let (prepared, work, received) = tokio::task::spawn_blocking(move || {
            let prepared = prepare(image, mime, header.as_ref(), max_side, cost);
            drop(decoder);
            (prepared, work, received)
        })
        .await
        .map_err(|_| ApiError::internal("preprocess_failed", "could not prepare the image"))?;
        (prepared?, work, received)
    } else {
        (Prepared { bytes: image, mime }, work, received)
    };
    let result = state.engine.recognize(prepared, deadline, &state.budget.queue).await?;
    Ok((result, mime, bytes))
}
