//! Wires the handler to the Lambda Runtime API. The logic lives in `handler.rs`.

mod handler;

use lambda_runtime::{Error, run, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    run(service_fn(handler::handle)).await
}
