//! `bootstrap`: the one binary behind every LendVerify Lambda function.
//!
//! Lambda sets `_HANDLER` from the function's `handler` attribute; one zip therefore serves all
//! functions, is built once, and its SHA-256 is promoted unchanged from dev to prod.
//!
//! Cold start (measured by `make bench`, see the README): init reads the configuration and starts
//! the runtime loop, nothing more. SDK clients are built by the first request that needs them, and
//! TLS trusts the Mozilla roots compiled into the binary (`lendverify_aws::https`): no CA bundle
//! is read or decoded.

use std::convert::Infallible;

use lambda_http::Request;
use lambda_runtime::{service_fn, LambdaEvent};
use lendverify_functions::routes::Function;
use lendverify_functions::{consumer, dispatcher, erasure, handle, init_tracing, AppState};

fn main() -> Result<(), lambda_runtime::Error> {
    // Changes the process environment, so before the runtime (or anything else) starts a thread.
    lendverify_aws::use_system_ca_bundle();
    // One thread: Lambda hands an environment one event at a time, and below 1,769 MB a function
    // has less than one vCPU, so worker threads could not run in parallel anyway; the current-
    // thread runtime starts ~0.5 ms faster and smaller. Concurrent AWS calls within one event
    // (`tokio::join!`) still overlap, as I/O.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let handler = std::env::var("_HANDLER").unwrap_or_default();
    let function = Function::from_handler_name(&handler).ok_or_else(|| {
        format!(
            "_HANDLER is '{handler}'; expected one of: {}",
            Function::ALL.map(Function::handler_name).join(", ")
        )
    })?;
    // Fails the init phase (and so the deployment's first invoke) with the variable's name.
    let state: &'static AppState = Box::leak(Box::new(AppState::from_env().await?));

    match function {
        Function::LendingAnalysisCompleted => {
            lambda_runtime::run(service_fn(
                move |event: LambdaEvent<aws_lambda_events::event::sqs::SqsEvent>| async move {
                    Ok::<_, Infallible>(consumer::handle_batch(state, event.payload).await)
                },
            ))
            .await
        }
        Function::DeliverDecisionEvents => {
            lambda_runtime::run(service_fn(
                move |event: LambdaEvent<aws_lambda_events::event::sqs::SqsEvent>| async move {
                    Ok::<_, Infallible>(dispatcher::handle_batch(state, event.payload).await)
                },
            ))
            .await
        }
        Function::SweepErasures => {
            // An EventBridge scheduled event; its content does not matter. An error fails the
            // invocation, and the next run repeats whatever is still due.
            lambda_runtime::run(service_fn(
                move |_: LambdaEvent<serde_json::Value>| async move {
                    erasure::sweep(state).await.map_err(|err| {
                        err.log_as_ours("sweep-erasures");
                        lambda_runtime::Error::from(err.to_string())
                    })
                },
            ))
            .await
        }
        http_function => {
            lambda_http::run(service_fn(move |req: Request| async move {
                Ok::<_, Infallible>(handle(state, Some(http_function), req).await)
            }))
            .await
        }
    }
}
