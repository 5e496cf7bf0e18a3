//! Wires the handler to the Lambda Runtime API. The logic lives in `handler.rs`.

mod handler;

use lambda_runtime::{Error, LambdaEvent, run, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // Read once per cold start, not per event; set it in svl.json `environment`.
    let greeting = std::env::var("GREETING").unwrap_or_else(|_| "Hello".to_owned());
    run(service_fn(|event: LambdaEvent<handler::Request>| {
        handler::handle(event, &greeting)
    }))
    .await
}
