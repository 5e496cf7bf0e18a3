//! Cloud Run entry point: listen on $HOST:$PORT (HOST defaults to 0.0.0.0, as Cloud Run needs),
//! drain on SIGTERM, exit 0.
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::json;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

use ocr_service::config::Config;
use ocr_service::engine::Engine;
use ocr_service::log::log;
use ocr_service::server::{serve, AppState};

#[tokio::main]
async fn main() -> ExitCode {
    return_freed_buffers_to_the_os();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            log("ERROR", &message, None, json!({}));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    let engine = Engine::from_config(&config)?;
    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", config.host, config.port))?;
    log(
        "INFO",
        "listening",
        None,
        json!({ "host": config.host, "port": config.port, "engine": engine.name(), "model": config.model }),
    );
    let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let shutdown = async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    serve(listener, Arc::new(AppState::new(config, engine)), shutdown)
        .await
        .map_err(|e| e.to_string())?;
    log("INFO", "stopped", None, json!({}));
    Ok(())
}

/// glibc raises its mmap threshold after each large free (up to 32 MiB); image buffers then come
/// from heap arenas that keep their pages, and RSS creeps past the memory budget. A fixed
/// threshold sends every large buffer through mmap, back to the OS when freed.
fn return_freed_buffers_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 4);
    }
}
