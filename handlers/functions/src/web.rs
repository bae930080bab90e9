//! What every HTTP handler shares: the caller, path parameters, JSON bodies and answers.

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use lendverify_core::error::PROBLEM_CONTENT_TYPE;
use lendverify_core::review::groups_claim_contains;
use lendverify_core::ApiError;
use serde::Serialize;

/// API Gateway accepts 10 MB bodies; ours are small JSON documents, so anything past this is
/// not a legitimate request.
pub const MAX_JSON_BODY_BYTES: usize = 16 * 1024;

/// The authenticated caller: the `sub` claim the Cognito user pool authorizer verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub sub: String,
}

/// Reads the caller from the authorizer claims in the request context. A request without them
/// never passed the authorizer, so it is refused even if API Gateway is misconfigured.
pub fn caller(req: &Request) -> Result<Caller, ApiError> {
    let sub = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(ctx)) => ctx
            .authorizer
            .fields
            .get("claims")
            .and_then(|claims| claims.get("sub"))
            .and_then(|sub| sub.as_str())
            .map(str::to_string),
        _ => None,
    };
    match sub {
        Some(sub) if !sub.is_empty() => Ok(Caller { sub }),
        _ => Err(ApiError::Unauthorized),
    }
}

/// The caller, if they are in the reviewers group (`REVIEWERS_GROUP`), else 403. API Gateway's
/// REST Cognito authorizer passes every claim as a string, a list as `[a b]` (or, depending on
/// the path, `a,b` or JSON `["a","b"]`), so all of these are read, and a real JSON array too.
pub fn reviewer(req: &Request, reviewers_group: &str) -> Result<Caller, ApiError> {
    let caller = caller(req)?;
    let in_group = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(ctx)) => ctx
            .authorizer
            .fields
            .get("claims")
            .and_then(|claims| claims.get("cognito:groups"))
            .is_some_and(|claim| match claim {
                serde_json::Value::Array(names) => names
                    .iter()
                    .any(|name| name.as_str().map(str::trim) == Some(reviewers_group)),
                serde_json::Value::String(text) => groups_claim_contains(text, reviewers_group),
                _ => false,
            }),
        _ => false,
    };
    if in_group {
        Ok(caller)
    } else {
        Err(ApiError::Forbidden(
            "This route is for reviewers only.".to_owned(),
        ))
    }
}

/// A query string parameter, if given.
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref()
        .and_then(|q| q.first(name))
        .map(str::to_string)
}

/// A path parameter API Gateway filled in; a missing one means the route table and the API
/// definition disagree, which is a 404 for the caller.
pub fn path_param(req: &Request, name: &str) -> Result<String, ApiError> {
    req.path_parameters_ref()
        .and_then(|p| p.first(name))
        .map(str::to_string)
        .ok_or(ApiError::NotFound { resource: "route" })
}

/// The request body as bytes, after checking its declared type and size.
pub fn json_body(req: &Request) -> Result<&[u8], ApiError> {
    let bytes: &[u8] = req.body().as_ref();
    if bytes.len() > MAX_JSON_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge(format!(
            "request bodies are limited to {MAX_JSON_BODY_BYTES} bytes"
        )));
    }
    if !bytes.is_empty() {
        let content_type = req
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !(essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")) {
            return Err(ApiError::UnsupportedMediaType(format!(
                "expected application/json, got '{content_type}'"
            )));
        }
    }
    Ok(bytes)
}

/// A JSON answer.
pub fn json<T: Serialize>(status: u16, value: &T) -> Result<Response<Body>, ApiError> {
    let body = serde_json::to_vec(value).map_err(|_| ApiError::Internal)?;
    Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .map_err(|_| ApiError::Internal)
}

/// An empty answer (204).
pub fn no_content() -> Result<Response<Body>, ApiError> {
    Response::builder()
        .status(204)
        .body(Body::Empty)
        .map_err(|_| ApiError::Internal)
}

/// An RFC 9457 problem answer, with `Retry-After` when the error has one (503, a lifting 429).
pub fn problem(err: &ApiError, instance: &str) -> Response<Body> {
    let body = serde_json::to_vec(&err.problem(instance)).unwrap_or_default();
    let mut builder = Response::builder()
        .status(err.status())
        .header(http::header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE);
    if let Some(secs) = err.retry_after() {
        builder = builder.header(http::header::RETRY_AFTER, secs.to_string());
    }
    builder
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::Empty))
}

/// Response headers a browser script may read besides the CORS-safelisted ones: when to retry
/// a 503 or 429, and where a created resource lives. The OpenAPI document's gateway responses
/// expose the same list.
pub const EXPOSED_HEADERS: &str = "Retry-After,Location";

/// CORS for the one web origin. With Lambda proxy integrations API Gateway passes responses
/// through untouched, so the function itself must name the origin, on errors too.
pub fn allow_origin(response: &mut Response<Body>, origin: &str) {
    if let Ok(value) = http::HeaderValue::from_str(origin) {
        let headers = response.headers_mut();
        headers.insert(http::header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            http::header::ACCESS_CONTROL_EXPOSE_HEADERS,
            http::HeaderValue::from_static(EXPOSED_HEADERS),
        );
        headers.insert(http::header::VARY, http::HeaderValue::from_static("Origin"));
    }
}
