//! Wires the handler to the Lambda Runtime API. The logic lives in `handler.rs`.

mod handler;

use lambda_http::{Error, Request, run, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // Read once per cold start, not per request; set it in svl.json `environment`.
    let greeting = std::env::var("GREETING").unwrap_or_else(|_| "Hello".to_owned());
    run(service_fn(|request: Request| {
        handler::handle(request, &greeting)
    }))
    .await
}
