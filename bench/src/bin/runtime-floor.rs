//! `runtime-floor`: the least any Rust Lambda function on `provided.al2023` runs — the Runtime API
//! client and a current-thread tokio runtime, answering every event with a fixed API Gateway
//! response. No configuration, no AWS SDK, no trust store.
//!
//! Built with the Lambda release profile, its init on the bench harness is the floor under any
//! per-function binary: `make bench-floor` runs it beside the multi-call `bootstrap`, and the gap
//! (less the trust store, which every function needs) bounds what splitting the binary could save
//! (README, "One binary, not twelve").

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::{json, Value};

fn main() -> Result<(), Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(lambda_runtime::run(service_fn(
            |_: LambdaEvent<Value>| async move {
                Ok::<_, Error>(json!({ "statusCode": 200, "headers": {}, "body": "{}" }))
            },
        )))
}
