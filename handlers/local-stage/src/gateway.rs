//! The local API Gateway: turns an HTTP request into the REST API proxy event API Gateway would
//! send (resource, path parameters, authorizer claims) and runs the same handler the Lambda runs.
//! Before that it answers as API Gateway does from the OpenAPI document it imports: the web
//! ACL's block, unknown routes, the authorizer, the payload limit and the request validators,
//! each with the document's gateway response.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body as AxumBody;
use axum::extract::{Request as AxumRequest, State};
use axum::response::{IntoResponse, Response as AxumResponse};
use base64::Engine;
use http_body_util::BodyExt;
use lambda_http::Body;
use lendverify_functions::{handle, routes, AppState};
use serde_json::{json, Map, Value};

use crate::auth::Authorizer;
use crate::openapi::{ApiDocument, RequestContext, ResponseType};
use crate::waf;

/// API Gateway's own payload limit.
pub const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The stage the local stage serves (`$context.stage`, and the first segment of `$context.path`).
pub const STAGE: &str = "local";

pub struct Gateway {
    pub state: AppState,
    pub authorizer: Authorizer,
    /// The rendered OpenAPI document's validators and gateway responses.
    pub document: ApiDocument,
}

impl Gateway {
    /// API Gateway in front of these handlers, with the document rendered for their web origin.
    pub fn new(state: AppState, authorizer: Authorizer) -> anyhow::Result<Self> {
        let document = ApiDocument::for_origin(&state.settings.allowed_origin)?;
        Ok(Self {
            state,
            authorizer,
            document,
        })
    }
}

fn to_axum(response: lambda_http::Response<Body>) -> AxumResponse {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Empty => Vec::new(),
        Body::Text(text) => text.into_bytes(),
        Body::Binary(bytes) => bytes,
        _ => Vec::new(),
    };
    AxumResponse::from_parts(parts, AxumBody::from(bytes))
}

/// The methods a path has, as the OPTIONS and ANY mock integrations of the OpenAPI document list
/// them (`GET,POST,OPTIONS`); `None` for a path the API does not have.
fn allowed_methods(path: &str) -> Option<String> {
    let methods: Vec<&str> = [
        http::Method::GET,
        http::Method::POST,
        http::Method::PUT,
        http::Method::DELETE,
    ]
    .iter()
    .filter(|m| matches!(routes::match_path(m, path), Ok(Some(_))))
    .map(http::Method::as_str)
    .collect();
    (!methods.is_empty()).then(|| format!("{},OPTIONS", methods.join(",")))
}

/// The document's ANY mock integration: a method the path does not have is a 405 naming the
/// ones it has, with the same body and headers.
fn method_not_allowed(path: &str, allow: String, origin: &str) -> AxumResponse {
    (
        http::StatusCode::METHOD_NOT_ALLOWED,
        [
            (http::header::ALLOW, allow),
            (
                http::header::CONTENT_TYPE,
                lendverify_core::error::PROBLEM_CONTENT_TYPE.to_string(),
            ),
            (http::header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.to_string()),
            (http::header::VARY, "Origin".to_string()),
        ],
        json!({"type": "about:blank", "title": "Method Not Allowed", "status": 405, "instance": path})
            .to_string(),
    )
        .into_response()
}

/// The CORS preflight API Gateway's mock integrations answer: the web origin, the path's methods,
/// the headers the app sends; 404 for a path the API does not have.
fn preflight(path: &str, origin: &str) -> Option<AxumResponse> {
    let methods = allowed_methods(path)?;
    let allow_headers = if path == "/applications" {
        "Authorization,Content-Type,Idempotency-Key"
    } else {
        "Authorization,Content-Type"
    };
    (
        http::StatusCode::NO_CONTENT,
        [
            (
                http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
                origin.to_string(),
            ),
            (http::header::ACCESS_CONTROL_ALLOW_METHODS, methods),
            (
                http::header::ACCESS_CONTROL_ALLOW_HEADERS,
                allow_headers.to_string(),
            ),
            (http::header::ACCESS_CONTROL_MAX_AGE, "600".to_string()),
            (http::header::VARY, "Origin".to_string()),
        ],
    )
        .into_response()
        .into()
}

/// The request body, or the gateway response that refuses it: REQUEST_TOO_LARGE past API
/// Gateway's payload limit. A body over the limit is still read to its end (and dropped) so the
/// client, still sending, reads the 413 rather than a connection reset under its upload.
async fn read_body(mut body: AxumBody) -> Result<Vec<u8>, ResponseType> {
    let mut bytes = Vec::new();
    let mut too_large = false;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| ResponseType::BadRequestBody)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        too_large = too_large || bytes.len() + data.len() > MAX_PAYLOAD_BYTES;
        if !too_large {
            bytes.extend_from_slice(&data);
        }
    }
    if too_large {
        Err(ResponseType::RequestTooLarge)
    } else {
        Ok(bytes)
    }
}

/// Builds the REST API (v1) proxy event for this request.
fn proxy_event(
    request_id: &str,
    request: &http::request::Parts,
    resource: &str,
    path_parameters: &[(String, String)],
    claims: Map<String, Value>,
    body: &[u8],
) -> Value {
    let path = request.uri.path();
    let method = request.method.as_str();
    let headers = &request.headers;
    let query = request.uri.query();
    let mut single = Map::new();
    let mut multi: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in headers {
        let value = value.to_str().unwrap_or_default().to_string();
        single.insert(name.to_string(), Value::String(value.clone()));
        multi.entry(name.to_string()).or_default().push(value);
    }
    let mut query_single = Map::new();
    let mut query_multi: HashMap<String, Vec<String>> = HashMap::new();
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        query_single.insert(k.to_string(), Value::String(v.to_string()));
        query_multi
            .entry(k.to_string())
            .or_default()
            .push(v.to_string());
    }
    let (body, is_base64) = match std::str::from_utf8(body) {
        _ if body.is_empty() => (Value::Null, false),
        Ok(text) => (Value::String(text.to_string()), false),
        Err(_) => (
            Value::String(base64::engine::general_purpose::STANDARD.encode(body)),
            true,
        ),
    };
    let params: Map<String, Value> = path_parameters
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": if query_single.is_empty() { Value::Null } else { Value::Object(query_single) },
        "multiValueQueryStringParameters": if query_multi.is_empty() { Value::Null } else { json!(query_multi) },
        "pathParameters": if params.is_empty() { Value::Null } else { Value::Object(params) },
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "resourceId": "local",
            "resourcePath": resource,
            "httpMethod": method,
            "path": format!("/{STAGE}{path}"),
            "stage": STAGE,
            "requestId": request_id,
            "protocol": "HTTP/1.1",
            "identity": { "sourceIp": "127.0.0.1" },
            "authorizer": { "claims": claims },
        },
        "body": body,
        "isBase64Encoded": is_base64,
    })
}

/// Answers one request in API Gateway's order: the payload limit and the web ACL before
/// routing, then the route, the authorizer, the request validator and the integration.
pub async fn serve(State(gateway): State<Arc<Gateway>>, request: AxumRequest) -> AxumResponse {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let origin = gateway.state.settings.allowed_origin.as_str();
    let request_id = uuid::Uuid::new_v4().to_string();
    let context_path = format!("/{STAGE}{path}");
    let refuse = |response_type| {
        gateway.document.respond(
            response_type,
            &RequestContext {
                path: &context_path,
                request_id: &request_id,
            },
        )
    };
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(response_type) => return refuse(response_type),
    };
    if waf::blocks(&parts, &body) {
        return refuse(ResponseType::WafFiltered);
    }
    if parts.method == http::Method::OPTIONS {
        return preflight(&path, origin)
            .unwrap_or_else(|| refuse(ResponseType::MissingAuthenticationToken));
    }
    let (route, params) = match routes::match_path(&parts.method, &path) {
        Ok(Some(found)) => found,
        Ok(None) => return refuse(ResponseType::MissingAuthenticationToken),
        Err(routes::MethodNotAllowed) => {
            let allow = allowed_methods(&path).unwrap_or_default();
            return method_not_allowed(&path, allow, origin);
        }
    };
    // Every route has the Cognito authorizer, as in the OpenAPI document.
    let authorization = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(claims) = gateway.authorizer.claims(authorization) else {
        return refuse(ResponseType::Unauthorized);
    };
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if !gateway
        .document
        .body_is_valid(&parts.method, route.resource, content_type, &body)
    {
        return refuse(ResponseType::BadRequestBody);
    }
    let event = proxy_event(&request_id, &parts, route.resource, &params, claims, &body);
    let request = match lambda_http::request::from_str(&event.to_string()) {
        Ok(request) => request,
        Err(err) => {
            tracing::error!(error = %err, "could not build the proxy event");
            return refuse(ResponseType::Default5xx);
        }
    };
    to_axum(handle(&gateway.state, None, request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The preflight and 405 answers list the methods the OpenAPI document's mock integrations
    /// list for the same path (their `Access-Control-Allow-Methods` and `Allow`).
    #[test]
    fn allowed_methods_match_the_openapi_mocks() {
        let document = include_str!("../../../modules/api/openapi.yaml.tftpl");
        let mut path = String::new();
        let mut checked = 0;
        for line in document.lines() {
            if let Some(p) = line.strip_prefix("  /").and_then(|p| p.strip_suffix(':')) {
                path = format!("/{p}")
                    .split('/')
                    .map(|s| {
                        if s.starts_with('{') {
                            "0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f"
                        } else {
                            s
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/");
            }
            for header in ["Access-Control-Allow-Methods", "Allow"] {
                let prefix = format!("method.response.header.{header}: \"'");
                if let Some(methods) = line.trim().strip_prefix(&prefix) {
                    let methods = methods.trim_end_matches("'\"");
                    assert_eq!(allowed_methods(&path).as_deref(), Some(methods), "{path}");
                    checked += 1;
                }
            }
        }
        assert_eq!(
            checked, 28,
            "a preflight and an ANY mock for each of the 14 paths"
        );
    }

    #[test]
    fn an_undeclared_method_is_405_with_allow() {
        let response = method_not_allowed("/applications", "GET,POST,OPTIONS".into(), "http://x");
        assert_eq!(response.status(), http::StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()[http::header::ALLOW], "GET,POST,OPTIONS");
        assert_eq!(
            response.headers()[http::header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
}
