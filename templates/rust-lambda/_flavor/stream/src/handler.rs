//! A streamed response for a function URL with `InvokeMode: RESPONSE_STREAM`.
//!
//! `GET /?name=Ada&chunks=4` answers 200 at once, then writes one JSON line per chunk, `interval`
//! apart, each with the time it was written (`at_ms`, Unix milliseconds), so a client can see the
//! first line arrive before the last is written. A bad `chunks` gets a 400, not a Lambda error.

use lambda_http::http::{StatusCode, header};
use lambda_http::lambda_runtime::streaming::{Body, channel};
use lambda_http::{Error, Request, RequestExt, Response};
use serde_json::json;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const DEFAULT_CHUNKS: u32 = 4;
pub const MAX_CHUNKS: u32 = 20;

/// What every request shares: the greeting and the pause between chunks.
#[derive(Clone)]
pub struct Stream {
    pub greeting: String,
    pub interval: Duration,
}

pub async fn handle(request: Request, stream: Stream) -> Result<Response<Body>, Error> {
    let params = request.query_string_parameters_ref();
    let name = params
        .and_then(|p| p.first("name"))
        .unwrap_or("world")
        .to_owned();
    let count = match params.and_then(|p| p.first("chunks")) {
        None => DEFAULT_CHUNKS,
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if (1..=MAX_CHUNKS).contains(&n) => n,
            _ => {
                let message = format!("'chunks' must be a number from 1 to {MAX_CHUNKS}");
                return error(StatusCode::BAD_REQUEST, &message);
            }
        },
    };
    let message = format!("{}, {name}!", stream.greeting);
    let lines = (1..=count)
        .map(|index| (index, count, message.clone()))
        .collect::<Vec<_>>();
    let (mut tx, body) = channel();
    // The status and headers go out when this returns; the lines follow as they are written.
    tokio::spawn(async move {
        for (index, count, message) in lines {
            if index > 1 {
                tokio::time::sleep(stream.interval).await;
            }
            let line = chunk_line(index, count, &message, unix_ms());
            if tx.send_data(line.into()).await.is_err() {
                break; // the response was dropped: nobody is reading
            }
        }
    });
    let mut response = ndjson(StatusCode::OK, body);
    // Sent as the prelude's `cookies`, which the function URL turns into Set-Cookie.
    response.headers_mut().insert(
        header::SET_COOKIE,
        header::HeaderValue::from_static("streamed=1; Path=/; HttpOnly"),
    );
    Ok(response)
}

/// One line of the stream: which chunk it is, the message and when it was written.
pub fn chunk_line(index: u32, count: u32, message: &str, at_ms: u128) -> String {
    format!(
        "{}\n",
        json!({ "chunk": index, "of": count, "message": message, "at_ms": at_ms })
    )
}

fn error(status: StatusCode, message: &str) -> Result<Response<Body>, Error> {
    let (mut tx, body) = channel();
    let line = format!("{}\n", json!({ "error": message }));
    tokio::spawn(async move {
        // An error only if nobody reads the response any more.
        let _ = tx.send_data(line.into()).await;
    });
    Ok(ndjson(status, body))
}

fn ndjson(status: StatusCode, body: Body) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(body)
        .expect("status and header are valid")
}

fn unix_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::HashMap;

    fn stream() -> Stream {
        Stream {
            greeting: "Hello".to_owned(),
            interval: Duration::ZERO,
        }
    }

    fn get(query: &[(&str, &str)]) -> Request {
        let params: HashMap<String, String> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Request::default().with_query_string_parameters(params)
    }

    async fn lines(response: Response<Body>) -> Vec<Value> {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8(bytes.to_vec())
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).expect("each line is JSON"))
            .collect()
    }

    #[tokio::test]
    async fn streams_the_chunks_in_order_with_their_times() {
        let response = handle(get(&[("name", "Ada"), ("chunks", "3")]), stream())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/x-ndjson"
        );
        assert_eq!(
            response.headers()[header::SET_COOKIE],
            "streamed=1; Path=/; HttpOnly"
        );
        let lines = lines(response).await;
        assert_eq!(lines.len(), 3);
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(line["chunk"], i + 1);
            assert_eq!(line["of"], 3);
            assert_eq!(line["message"], "Hello, Ada!");
        }
        let times: Vec<u64> = lines.iter().map(|l| l["at_ms"].as_u64().unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    }

    #[tokio::test]
    async fn sends_four_chunks_to_the_world_by_default() {
        let lines = lines(handle(get(&[]), stream()).await.unwrap()).await;
        assert_eq!(lines.len(), DEFAULT_CHUNKS as usize);
        assert_eq!(lines[0]["message"], "Hello, world!");
    }

    #[tokio::test]
    async fn rejects_a_bad_chunk_count() {
        for bad in ["0", "21", "many"] {
            let response = handle(get(&[("chunks", bad)]), stream()).await.unwrap();
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "chunks={bad}");
            let lines = lines(response).await;
            assert!(lines[0]["error"].as_str().unwrap().contains("chunks"));
        }
    }

    #[test]
    fn a_chunk_line_is_one_json_line() {
        assert_eq!(
            chunk_line(2, 4, "Hi, Ada!", 1_700_000_000_123),
            "{\"at_ms\":1700000000123,\"chunk\":2,\"message\":\"Hi, Ada!\",\"of\":4}\n"
        );
    }

    #[tokio::test]
    async fn handles_the_sample_function_url_event() {
        // The same JSON `svl invoke` sends, parsed the way the runtime parses it.
        let request = lambda_http::request::from_str(include_str!("../events/get.json")).unwrap();
        let lines = lines(handle(request, stream()).await.unwrap()).await;
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[2]["message"], "Hello, Ada!");
    }
}
