//! The cold-start benchmark of LendVerify's Lambda `bootstrap`.
//!
//! A bench run starts the `bootstrap` binary as Lambda would (a clean environment with the
//! variables Lambda sets, `_HANDLER` naming the function) against two local servers:
//!
//! - [`runtime_api`]: the Lambda Runtime API (`/2018-06-01/runtime/invocation/next`, `.../response`,
//!   `.../error`), which hands out one real event per function ([`scenarios`]): an API Gateway REST
//!   proxy event with Cognito authorizer claims for the HTTP functions, an SQS batch carrying
//!   Textract's SNS completion notification for the consumer;
//! - [`stub`]: the AWS APIs the functions call (DynamoDB JSON 1.0, Rekognition and Textract JSON
//!   1.1, S3 REST), answered with canned responses shaped as the services answer (Textract's are
//!   the recorded real responses in `tests/fixtures/aws-recorded/`).
//!
//! [`measure`] times one cold start per call: init (spawn to the first `GET .../next`), CPU time to
//! the first idle, the first and a warm invocation (event delivered to response posted), the warm
//! CPU of every route of the function, and the peak RSS. [`report`] turns repeated cold starts into
//! medians and the markdown table `make bench` writes to `build/bench.md`.

pub mod events;
pub mod fixture;
pub mod measure;
pub mod report;
pub mod runtime_api;
pub mod scenarios;
pub mod stats;
pub mod stub;

pub use measure::{Bench, BenchError, ColdStart, Invoke, Options};
pub use scenarios::Scenario;
