//! Wires the handler to the Lambda Runtime API in response-streaming mode. The logic lives in
//! `handler.rs`.

mod handler;

use lambda_http::{Error, Request, run_with_streaming_response, service_fn};
use std::time::Duration;

/// The pause between two chunks.
const INTERVAL: Duration = Duration::from_millis(300);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // Read once per cold start, not per request; set it in svl.json `environment`.
    let greeting = std::env::var("GREETING").unwrap_or_else(|_| "Hello".to_owned());
    let stream = handler::Stream {
        greeting,
        interval: INTERVAL,
    };
    run_with_streaming_response(service_fn(|request: Request| {
        handler::handle(request, stream.clone())
    }))
    .await
}
