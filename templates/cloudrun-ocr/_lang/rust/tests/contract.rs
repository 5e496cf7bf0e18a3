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

// ---- hostile input -------------------------------------------------------------------------

/// A PNG that declares `width`×`height` but carries one tiny IDAT: no pixels are allocated.
fn png_header_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        png.extend((data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend(kind);
        png.extend(data);
        let crc = crc32fast::hash(&png[start..]);
        png.extend(crc.to_be_bytes());
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0, 0, 0, 0, 1]);
    chunk(b"IEND", &[]);
    png
}

fn host(service: &str) -> String {
    service.trim_start_matches("http://").to_string()
}

/// Reads what the server sends until it closes, bounded; returns the status code.
async fn status_until_closed(stream: &mut tokio::net::TcpStream) -> Option<u16> {
    use tokio::io::AsyncReadExt;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection")
        .ok()?;
    let text = String::from_utf8_lossy(&answer);
    text.split(' ').nth(1)?.parse().ok()
}

#[tokio::test]
async fn header_bombs_are_refused_before_decoding() {
    let fake = fake_gemini(|_| candidates(r#"{"text":"x"}"#)).await;
    let service = start_service(&fake.url, &[]).await;
    for side in [12_000, 50_000] {
        let (status, _, body) = post_image(&service, png_header_bomb(side, side), "image/png").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert_eq!(body["error"]["code"], "too_many_pixels");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("{side}×{side}")) && message.contains("OCR_MAX_PIXELS"),
            "{message}"
        );
    }
    // Under the pixel budget but over this instance's work memory: named, not attempted.
    let service = start_service(
        &fake.url,
        &[("OCR_MAX_PIXELS", "200000000"), ("OCR_MEMORY_LIMIT_MIB", "256")],
    )
    .await;
    let (status, _, body) = post_image(&service, png_header_bomb(12_000, 12_000), "image/png").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"]["code"], "too_large_for_instance");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("OCR_MEMORY_LIMIT_MIB"));
    assert_eq!(fake.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn truncated_images_are_422_and_tiff_is_converted() {
    let fake = fake_gemini(|_| candidates(r#"{"text":"tiff text"}"#)).await;
    let service = start_service(&fake.url, &[]).await;
    let mut truncated = test_png();
    truncated.truncate(truncated.len() / 2);
    let (status, _, body) = post_image(&service, truncated, "image/png").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_image"))
    );
    assert_eq!(body["error"]["message"], "the image could not be decoded");
    assert_eq!(fake.calls.load(Ordering::SeqCst), 0);

    let png = image::load_from_memory(&test_png()).unwrap();
    let mut tiff = Cursor::new(Vec::new());
    png.write_to(&mut tiff, image::ImageFormat::Tiff).unwrap();
    let (status, _, body) = post_image(&service, tiff.into_inner(), "application/octet-stream").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = &fake.requests.lock().unwrap()[0].2;
    assert_eq!(
        sent["contents"][0]["parts"][0]["inline_data"]["mime_type"], "image/png",
        "Gemini reads no TIFF"
    );
}

#[tokio::test]
async fn a_trickling_body_gets_408_while_others_are_served() {
    use tokio::io::AsyncWriteExt;
    let fake = fake_gemini(|_| candidates(r#"{"text":"still served"}"#)).await;
    let service = start_service(&fake.url, &[("OCR_BODY_TIMEOUT_MS", "500")]).await;
    let mut trickler = tokio::net::TcpStream::connect(host(&service)).await.unwrap();
    trickler
        .write_all(b"POST /v1/ocr HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n\x89")
        .await
        .unwrap();
    let (status, _, body) = post_image(&service, test_png(), "image/png").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(status_until_closed(&mut trickler).await, Some(408));
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    use tokio::io::AsyncWriteExt;
    let fake = fake_gemini(|_| candidates(r#"{"text":"x"}"#)).await;
    let service = start_service(&fake.url, &[("OCR_HEADER_TIMEOUT_MS", "300")]).await;
    let mut slow = tokio::net::TcpStream::connect(host(&service)).await.unwrap();
    slow.write_all(b"POST /v1/ocr HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let started = Instant::now();
    let status = status_until_closed(&mut slow).await;
    assert!(matches!(status, None | Some(408)), "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn uploads_past_the_receive_budget_get_429_busy() {
    use tokio::io::AsyncWriteExt;
    let fake = fake_gemini(|_| candidates(r#"{"text":"x"}"#)).await;
    // A third of 12 MiB for bodies: room for two 1.5 MiB uploads, not three.
    let service = start_service(
        &fake.url,
        &[
            ("OCR_MEMORY_BUDGET_BYTES", "12582912"),
            ("OCR_BODY_TIMEOUT_MS", "60000"),
        ],
    )
    .await;
    let mut upload = test_png();
    upload.resize(1536 * 1024, 0);
    let mut uploads = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (address, upload) = (host(&service), upload.clone());
        uploads.spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
            let head = format!(
                "POST /v1/ocr HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
                upload.len() + 1
            );
            // One byte short: a held upload never completes. A refused one may be cut off
            // mid-write (the server closes), so write errors are expected.
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&upload).await;
            status_until_closed(&mut stream).await
        });
    }
    // At least two are refused (429, or a reset when the server closed on unread bytes).
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let refused = tokio::time::timeout(Duration::from_secs(20), uploads.join_next())
            .await
            .expect("uploads past the budget are refused at once")
            .unwrap()
            .unwrap();
        assert!(matches!(refused, None | Some(429)), "{refused:?}");
        statuses.push(refused);
    }
    // While bodies hold most of the budget, a normal upload is still served.
    let (status, _, body) = post_image(&service, test_png(), "image/png").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, retry_after, body) = post_image(&service, upload.clone(), "image/png").await;
    if status == StatusCode::TOO_MANY_REQUESTS {
        assert_eq!(body["error"]["code"], "busy");
        assert_eq!(retry_after.as_deref(), Some("1"));
        statuses.push(Some(429));
    }
    assert!(
        statuses.contains(&Some(429)),
        "{statuses:?}: one refusal arrives as 429 busy"
    );
    uploads.abort_all();
}

#[tokio::test]
async fn long_retry_info_answers_at_once_and_opens_the_breaker() {
    let fake = fake_gemini(|_| google_error(StatusCode::TOO_MANY_REQUESTS, Some("45s"))).await;
    let service = start_service(&fake.url, &[("OCR_REQUEST_TIMEOUT_MS", "60000")]).await;
    let started = Instant::now();
    let (status, retry_after, body) = post_image(&service, test_png(), "image/png").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "model_overloaded");
    assert_eq!(retry_after.as_deref(), Some("45"));
    assert!(started.elapsed() < Duration::from_secs(5), "no 45 s wait");
    assert_eq!(fake.calls.load(Ordering::SeqCst), 1);
    // Open: the next requests are answered without calling Gemini.
    for _ in 0..3 {
        let (status, retry_after, _) = post_image(&service, test_png(), "image/png").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let seconds: u64 = retry_after.unwrap().parse().unwrap();
        assert!((40..=45).contains(&seconds), "{seconds}");
    }
    assert_eq!(fake.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn quota_exhaustion_costs_at_most_one_call_per_request() {
    let fake = fake_gemini(|_| google_error(StatusCode::TOO_MANY_REQUESTS, None)).await;
    let service = start_service(&fake.url, &[("GEMINI_MAX_RETRIES", "0")]).await;
    let wave = || {
        let service = service.clone();
        futures_join((0..10).map(move |_| {
            let service = service.clone();
            tokio::spawn(async move { post_image(&service, test_png(), "image/png").await })
        }))
    };
    for (status, _, body) in wave().await {
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, Some("model_overloaded"))
        );
    }
    let first = fake.calls.load(Ordering::SeqCst);
    assert!((1..=10).contains(&first), "{first} calls for 10 requests");
    for (status, _, _) in wave().await {
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    }
    assert_eq!(
        fake.calls.load(Ordering::SeqCst),
        first,
        "no calls while the breaker is open"
    );
}

async fn futures_join<T: Send + 'static>(tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        out.push(task.await.unwrap());
    }
    out
}

#[tokio::test]
async fn refusals_are_422_with_the_reason() {
    let answers = [
        json!({ "candidates": [{ "finishReason": "SAFETY" }] }),
        json!({ "promptFeedback": { "blockReason": "PROHIBITED_CONTENT" } }),
    ];
    for (answer, reason) in answers.into_iter().zip(["SAFETY", "PROHIBITED_CONTENT"]) {
        let fake = fake_gemini(move |_| Json(answer.clone()).into_response()).await;
        let service = start_service(&fake.url, &[]).await;
        let (status, _, body) = post_image(&service, test_png(), "image/png").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["code"], "model_refused");
        assert_eq!(body["error"]["reason"], reason);
        assert_eq!(body["error"]["message"], format!("the model stopped: {reason}"));
        assert_eq!(fake.calls.load(Ordering::SeqCst), 1, "a refusal is not retried");
    }
}
