//! The HTTP contract, against a local server speaking the real generateContent JSON.
use std::collections::HashMap;
use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine as _;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use ocr_service::config::Config;
use ocr_service::engine::Engine;
use ocr_service::server::{serve, AppState};

type Answer = Arc<dyn Fn(usize) -> Response + Send + Sync>;

struct FakeGemini {
    url: String,
    calls: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<(String, String, Value)>>>,
}

#[derive(Clone)]
struct FakeState {
    answer: Answer,
    calls: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<(String, String, Value)>>>,
}

async fn fake_generate(
    State(s): State<FakeState>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    body: Json<Value>,
) -> Response {
    let key = headers
        .get("x-goog-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    s.requests.lock().unwrap().push((uri.path().to_string(), key, body.0));
    let call = s.calls.fetch_add(1, Ordering::SeqCst);
    let answer = s.answer.clone();
    // The slow case sleeps inside a blocking-safe async wrapper.
    tokio::task::spawn_blocking(move || answer(call)).await.unwrap()
}

async fn fake_gemini(answer: impl Fn(usize) -> Response + Send + Sync + 'static) -> FakeGemini {
    let state = FakeState {
        answer: Arc::new(answer),
        calls: Arc::default(),
        requests: Arc::default(),
    };
    let app = Router::new()
        .route("/v1beta/models/{call}", post(fake_generate))
        .with_state(state.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    FakeGemini {
        url,
        calls: state.calls,
        requests: state.requests,
    }
}

fn candidates(model_text: &str) -> Response {
    Json(json!({
        "candidates": [{ "content": { "role": "model", "parts": [{ "text": model_text }] }, "finishReason": "STOP" }],
        "modelVersion": "gemini-2.5-flash-lite"
    }))
    .into_response()
}

fn google_error(status: StatusCode, retry_delay: Option<&str>) -> Response {
    let details: Vec<Value> = retry_delay
        .map(|d| json!({ "@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": d }))
        .into_iter()
        .collect();
    (
        status,
        Json(json!({ "error": { "code": status.as_u16(), "message": "fake", "status": "FAKE", "details": details } })),
    )
        .into_response()
}

/// Starts the real service on a loopback port with the given env overrides.
async fn start_service(gemini_url: &str, overrides: &[(&str, &str)]) -> String {
    let mut env: HashMap<String, String> = [
        ("OCR_ENGINE", "gemini"),
        ("GEMINI_API_KEY", "test-key-not-secret"),
        ("GEMINI_BASE_URL", gemini_url),
        ("GEMINI_TIMEOUT_MS", "2000"),
        ("GEMINI_MAX_RETRIES", "2"),
        ("OCR_REQUEST_TIMEOUT_MS", "5000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    env.extend(overrides.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config = Config::from_lookup(|k| env.get(k).cloned()).unwrap();
    let engine = Engine::from_config(&config).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(
        listener,
        Arc::new(AppState::new(config, engine)),
        std::future::pending(),
    ));
    url
}

/// A real 120×60 colour PNG with photo-like noise.
fn test_png() -> Vec<u8> {
    let noise = |x: u32, y: u32, c: u32| {
        ((x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503) ^ c).wrapping_mul(2246822519) >> 24) as u8
    };
    let img = image::ImageBuffer::from_fn(120, 60, |x, y| {
        image::Rgb([noise(x, y, 1), noise(x, y, 2), noise(x, y, 3)])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn post_image(service: &str, body: Vec<u8>, content_type: &str) -> (StatusCode, Option<String>, Value) {
    let response = reqwest::Client::new()
        .post(format!("{service}/v1/ocr"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (status, retry_after, response.json().await.unwrap())
}

#[tokio::test]
async fn request_shape_and_canned_answer() {
    let fake = fake_gemini(|_| {
        candidates(r#"{"text":"HELLO OCR\nline two","lines":["HELLO OCR","line two"],"language":"en"}"#)
    })
    .await;
    // A small OCR_MAX_SIDE, so the 120×60 test image is downscaled (and grayed) before sending.
    let service = start_service(&fake.url, &[("OCR_MAX_SIDE", "64")]).await;
    // The header claims JPEG; the bytes are PNG, and PNG is what the model must be told.
    let (status, _, body) = post_image(&service, test_png(), "image/jpeg").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["text"], "HELLO OCR\nline two");
    assert_eq!(body["engine"], "gemini");
    assert_eq!(body["model"], "gemini-2.5-flash-lite");
    assert_eq!(body["language"], "en");
    assert!(body["durationMs"].is_u64());

    let (path, key, request) = fake.requests.lock().unwrap()[0].clone();
    assert_eq!(path, "/v1beta/models/gemini-2.5-flash-lite:generateContent");
    assert_eq!(key, "test-key-not-secret");
    let inline = &request["contents"][0]["parts"][0]["inline_data"];
    assert_eq!(inline["mime_type"], "image/png");
    let data = inline["data"].as_str().unwrap();
    assert!(!data.starts_with("data:"), "inline data must be bare base64");
    let sent = base64::engine::general_purpose::STANDARD.decode(data).unwrap();
    let decoded = image::load_from_memory(&sent).unwrap();
    assert_eq!(decoded.color(), image::ColorType::L8, "the image is sent in grayscale");
    assert_eq!(
        (decoded.width(), decoded.height()),
        (64, 32),
        "downscaled to OCR_MAX_SIDE"
    );
    let generation = &request["generationConfig"];
    assert_eq!(generation["temperature"], 0);
    assert_eq!(generation["responseMimeType"], "application/json");
    assert_eq!(generation["responseSchema"]["type"], "OBJECT");
    assert!(generation["responseSchema"]["properties"]["text"].is_object());
}

#[tokio::test]
async fn multipart_file_field() {
    let fake = fake_gemini(|_| candidates(r#"{"text":"from multipart"}"#)).await;
    let service = start_service(&fake.url, &[]).await;
    let boundary = "XyZboundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.png\"\r\nContent-Type: image/png\r\n\r\n").into_bytes();
    body.extend(test_png());
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let (status, _, body) = post_image(&service, body, &format!("multipart/form-data; boundary={boundary}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["text"], "from multipart");
}

#[tokio::test]
async fn retries_honour_retry_info() {
    let fake = fake_gemini(|call| {
        if call == 0 {
            google_error(StatusCode::TOO_MANY_REQUESTS, Some("0.3s"))
        } else {
            candidates(r#"{"text":"after retry"}"#)
        }
    })
    .await;
    let service = start_service(&fake.url, &[]).await;
    let start = Instant::now();
    let (status, _, body) = post_image(&service, test_png(), "image/png").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["text"], "after retry");
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "retried before RetryInfo's 0.3s"
    );
    assert_eq!(fake.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn persistent_429_becomes_503_with_retry_after() {
    let fake = fake_gemini(|_| google_error(StatusCode::TOO_MANY_REQUESTS, Some("0.05s"))).await;
    let service = start_service(&fake.url, &[]).await;
    let (status, retry_after, body) = post_image(&service, test_png(), "image/png").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "model_overloaded");
    assert_eq!(retry_after.as_deref(), Some("1"));
    assert_eq!(fake.calls.load(Ordering::SeqCst), 3, "1 call + 2 retries");
}

#[tokio::test]
async fn server_error_is_retried() {
    let fake = fake_gemini(|call| {
        if call == 0 {
            google_error(StatusCode::INTERNAL_SERVER_ERROR, None)
        } else {
            candidates(r#"{"text":"recovered"}"#)
        }
    })
    .await;
    let service = start_service(&fake.url, &[]).await;
    let (status, _, body) = post_image(&service, test_png(), "image/png").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["text"], "recovered");
}

#[tokio::test]
async fn garbage_answers_are_502() {
    for garbage in ["Sure! The image says hello.", r#"{"words":["hi"]}"#] {
        let fake = fake_gemini(move |_| candidates(garbage)).await;
        let service = start_service(&fake.url, &[]).await;
        let (status, _, body) = post_image(&service, test_png(), "image/png").await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
        assert_eq!(body["error"]["code"], "model_answer_unusable");
    }
    let fake = fake_gemini(|_| (StatusCode::OK, "<html>not json</html>").into_response()).await;
    let service = start_service(&fake.url, &[]).await;
    let (status, _, _) = post_image(&service, test_png(), "image/png").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
}

#[tokio::test]
async fn slow_model_is_504() {
    let fake = fake_gemini(|_| {
        std::thread::sleep(Duration::from_secs(2));
        candidates(r#"{"text":"too late"}"#)
    })
    .await;
    let service = start_service(&fake.url, &[("GEMINI_TIMEOUT_MS", "200")]).await;
    let start = Instant::now();
    let (status, _, body) = post_image(&service, test_png(), "image/png").await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{body}");
    assert_eq!(body["error"]["code"], "engine_timeout");
    assert!(start.elapsed() < Duration::from_millis(1500));
}

#[tokio::test]
async fn bad_uploads_never_reach_the_model() {
    let fake = fake_gemini(|_| candidates(r#"{"text":"x"}"#)).await;
    let service = start_service(&fake.url, &[("OCR_MAX_UPLOAD_BYTES", "1024")]).await;
    let mut oversize = test_png();
    oversize.extend(vec![0u8; 2048]);
    let cases = [
        (Vec::new(), StatusCode::BAD_REQUEST, "empty_body"),
        (
            b"not an image ".repeat(8),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_an_image",
        ),
        (oversize, StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
    ];
    for (upload, want_status, want_code) in cases {
        let (status, _, body) = post_image(&service, upload, "image/png").await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (want_status, Some(want_code)),
            "{body}"
        );
    }
    assert_eq!(fake.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn queue_full_is_429() {
    let fake = fake_gemini(|_| {
        std::thread::sleep(Duration::from_millis(800));
        candidates(r#"{"text":"x"}"#)
    })
    .await;
    let service = start_service(&fake.url, &[("GEMINI_MAX_CONCURRENCY", "1"), ("OCR_QUEUE_SIZE", "0")]).await;
    let first = tokio::spawn({
        let service = service.clone();
        async move { post_image(&service, test_png(), "image/png").await.0 }
    });
    while fake.calls.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (status, retry_after, body) = post_image(&service, test_png(), "image/png").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "queue_full");
    assert!(retry_after.is_some());
    assert_eq!(first.await.unwrap(), StatusCode::OK);
}

#[tokio::test]
async fn rejected_request_is_502_and_not_retried() {
    let fake = fake_gemini(|_| google_error(StatusCode::FORBIDDEN, None)).await;
    let service = start_service(&fake.url, &[]).await;
    let (status, _, body) = post_image(&service, test_png(), "image/png").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["error"]["code"], "model_rejected_request");
    assert_eq!(fake.calls.load(Ordering::SeqCst), 1, "a 403 must not be retried");
}
