//! LendVerify's Lambda functions.
//!
//! Every HTTP function goes through [`handle`]: it finds the route API Gateway matched, checks
//! that this function owns it, runs the handler and turns any [`ApiError`] into
//! `application/problem+json`. Handlers only parse, call the domain and adapters, and answer.

pub mod access;
pub mod applications;
pub mod audit;
pub mod consumer;
pub mod dispatcher;
pub mod documents;
pub mod erasure;
pub mod identity;
pub mod liveness;
pub mod review;
pub mod routes;
pub mod state;
pub mod uploads;
pub mod web;

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use lendverify_core::ApiError;
use routes::{Function, Operation};
use tracing::Instrument;

pub use state::AppState;

fn resource_path(req: &Request) -> Option<String> {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(ctx)) => ctx.resource_path.clone(),
        _ => None,
    }
}

fn request_id(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(ctx)) => ctx.request_id.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Serves one API request. `only` is the function this Lambda is; the local stage passes `None`
/// because it serves every route.
pub async fn handle(state: &AppState, only: Option<Function>, req: Request) -> Response<Body> {
    let instance = req.uri().path().to_string();
    let application_id = req
        .path_parameters_ref()
        .and_then(|p| p.first("applicationId"))
        .unwrap_or_default()
        .to_string();
    let span = tracing::info_span!(
        "request",
        request_id = %request_id(&req),
        application_id = %application_id,
        method = %req.method(),
        resource = tracing::field::Empty,
    );
    async move {
        let route = resource_path(&req)
            .and_then(|resource| routes::by_resource(req.method(), &resource))
            .filter(|route| only.is_none_or(|f| f == route.function));
        let result = match route {
            Some(route) => {
                tracing::Span::current().record("resource", route.resource);
                run(state, route.operation, &req).await
            }
            None => Err(ApiError::NotFound { resource: "route" }),
        };
        let mut response = match result {
            Ok(response) => response,
            Err(err) => web::problem(&err, &instance),
        };
        web::allow_origin(&mut response, &state.settings.allowed_origin);
        tracing::info!(status = response.status().as_u16(), "answered");
        response
    }
    .instrument(span)
    .await
}

async fn run(
    state: &AppState,
    operation: Operation,
    req: &Request,
) -> Result<Response<Body>, ApiError> {
    match operation {
        Operation::CreateApplication => applications::create(state, req).await,
        Operation::ListApplications => applications::list(state, req).await,
        Operation::GetApplication => applications::get(state, req).await,
        Operation::EraseApplication => erasure::erase(state, req).await,
        Operation::GiveConsent => applications::consent(state, req).await,
        Operation::CreateLivenessSession => liveness::create(state, req).await,
        Operation::GetLivenessResults => liveness::get(state, req).await,
        Operation::CreateUploadUrl => uploads::create(state, req).await,
        Operation::VerifyIdentity => identity::verify(state, req).await,
        Operation::StartLendingAnalysis => documents::start(state, req).await,
        Operation::GetLendingAnalysisResults => documents::get(state, req).await,
        Operation::ListApplicationEvents => applications::events(state, req).await,
        Operation::ListReviewCases => review::list(state, req).await,
        Operation::GetReviewCase => review::get(state, req).await,
        Operation::DecideReviewCase => review::decide(state, req).await,
        Operation::ListReviewCaseEvents => review::events(state, req).await,
    }
}

/// JSON logs for CloudWatch, filtered by `RUST_LOG` (default `info`). Fields carry ids only:
/// no biometric data, document numbers or image bytes are ever logged.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .try_init();
}
