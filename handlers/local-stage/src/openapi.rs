//! What API Gateway does before a handler runs, read from the OpenAPI document it imports
//! (`modules/api/openapi.yaml.tftpl`): the request validators and the gateway responses. The
//! stage renders the same template Terraform renders and keeps no copy of either.

use std::collections::HashMap;

use anyhow::{anyhow, bail, Context};
use axum::response::{IntoResponse, Response as AxumResponse};
use http::{HeaderName, HeaderValue, Method, StatusCode};
use serde_json::Value;

/// The template Terraform's `templatefile` renders into the REST API's body.
pub const TEMPLATE: &str = include_str!("../../../modules/api/openapi.yaml.tftpl");

/// The content type whose model API Gateway validates a body against. A request without a
/// Content-Type is taken as this one; a request of another type is not validated (API Gateway
/// validates only against the model of the request's content type) and reaches the handler.
const VALIDATED_MEDIA_TYPE: &str = "application/json";

/// The gateway response types the local stage answers with, named as in the document's
/// `x-amazon-apigateway-gateway-responses`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseType {
    /// No ID token, or one the user pool authorizer does not accept.
    Unauthorized,
    /// The authorizer denies a caller it identified (not reached by a Cognito user pool
    /// authorizer without scopes, which answers every token it rejects with UNAUTHORIZED).
    AccessDenied,
    /// A web ACL rule blocked the request.
    WafFiltered,
    /// No such resource (API Gateway's "Missing Authentication Token").
    MissingAuthenticationToken,
    /// The body does not match the operation's model under a `validateRequestBody` validator.
    BadRequestBody,
    /// The body is over API Gateway's 10 MB payload limit.
    RequestTooLarge,
    /// A content type no mapping template accepts (not reached by the `aws_proxy` integrations,
    /// whose handlers answer an unsupported content type themselves).
    UnsupportedMediaType,
    /// The integration could not be invoked.
    Default5xx,
}

impl ResponseType {
    pub const ALL: [ResponseType; 8] = [
        ResponseType::Unauthorized,
        ResponseType::AccessDenied,
        ResponseType::WafFiltered,
        ResponseType::MissingAuthenticationToken,
        ResponseType::BadRequestBody,
        ResponseType::RequestTooLarge,
        ResponseType::UnsupportedMediaType,
        ResponseType::Default5xx,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ResponseType::Unauthorized => "UNAUTHORIZED",
            ResponseType::AccessDenied => "ACCESS_DENIED",
            ResponseType::WafFiltered => "WAF_FILTERED",
            ResponseType::MissingAuthenticationToken => "MISSING_AUTHENTICATION_TOKEN",
            ResponseType::BadRequestBody => "BAD_REQUEST_BODY",
            ResponseType::RequestTooLarge => "REQUEST_TOO_LARGE",
            ResponseType::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ResponseType::Default5xx => "DEFAULT_5XX",
        }
    }

    /// `$context.error.messageString`: API Gateway's own message for the type, as it writes it
    /// (a JSON string, quotes included).
    fn message_string(self) -> &'static str {
        match self {
            ResponseType::Unauthorized => "\"Unauthorized\"",
            ResponseType::AccessDenied => "\"User is not authorized to access this resource\"",
            ResponseType::WafFiltered => "\"Forbidden\"",
            ResponseType::MissingAuthenticationToken => "\"Missing Authentication Token\"",
            ResponseType::BadRequestBody => "\"Invalid request body\"",
            ResponseType::RequestTooLarge => "\"Request Too Long\"",
            ResponseType::UnsupportedMediaType => "\"Unsupported Media Type\"",
            ResponseType::Default5xx => "\"Internal server error\"",
        }
    }

    /// The status API Gateway gives a type whose response does not set `statusCode`.
    fn default_status(self) -> StatusCode {
        match self {
            ResponseType::Unauthorized => StatusCode::UNAUTHORIZED,
            ResponseType::AccessDenied | ResponseType::WafFiltered => StatusCode::FORBIDDEN,
            ResponseType::MissingAuthenticationToken => StatusCode::FORBIDDEN,
            ResponseType::BadRequestBody => StatusCode::BAD_REQUEST,
            ResponseType::RequestTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ResponseType::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ResponseType::Default5xx => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The DEFAULT_4XX or DEFAULT_5XX response a type falls back to when the document does not
    /// declare it, as API Gateway does (with the type's own status).
    fn fallback(self) -> &'static str {
        if self.default_status().is_server_error() {
            "DEFAULT_5XX"
        } else {
            "DEFAULT_4XX"
        }
    }
}

/// One gateway response as the document declares it: status (none for DEFAULT_4XX and
/// DEFAULT_5XX, which keep the status of the error they answer), static headers and the
/// `application/json` body template.
#[derive(Clone, Debug)]
pub struct GatewayResponse {
    pub status: Option<StatusCode>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body_template: String,
}

/// The request context the body templates read.
pub struct RequestContext<'a> {
    /// `$context.path`: the stage name and the request path (`/local/applications`).
    pub path: &'a str,
    pub request_id: &'a str,
}

impl GatewayResponse {
    /// The body API Gateway sends: the template with the `$context` variables it uses.
    pub fn body(&self, response_type: ResponseType, context: &RequestContext) -> String {
        self.body_template
            .replace(
                "$context.error.messageString",
                response_type.message_string(),
            )
            .replace("$context.requestId", context.request_id)
            .replace("$context.path", context.path)
    }
}

/// The JSON Schema of one operation's body, compiled once.
struct BodyValidator {
    schema: jsonschema::Validator,
    /// A body is required (`requestBody.required`): an empty one fails validation.
    required: bool,
}

/// The parts of the rendered document the stage acts on.
pub struct ApiDocument {
    responses: HashMap<String, GatewayResponse>,
    /// By method and resource path (`/applications/{applicationId}/consent`).
    body_validators: HashMap<(Method, String), BodyValidator>,
}

/// The template rendered as Terraform renders it for this origin. The other variables are the
/// integrations' and the authorizer's ARNs, which the stage does not read (it dispatches by
/// route and verifies tokens itself), so they stay as written.
pub fn render(allowed_origin: &str) -> String {
    TEMPLATE.replace("${allowed_origin}", allowed_origin)
}

impl ApiDocument {
    pub fn for_origin(allowed_origin: &str) -> anyhow::Result<Self> {
        let document: Value = serde_yaml_ng::from_str(&render(allowed_origin))
            .context("parsing the OpenAPI document")?;
        Self::from_document(&document)
    }

    pub fn from_document(document: &Value) -> anyhow::Result<Self> {
        Ok(Self {
            responses: gateway_responses(document)?,
            body_validators: body_validators(document)?,
        })
    }

    /// The response API Gateway sends for this type: the declared one, else the DEFAULT_4XX or
    /// DEFAULT_5XX one with the type's own status.
    pub fn gateway_response(&self, response_type: ResponseType) -> Option<&GatewayResponse> {
        self.responses
            .get(response_type.name())
            .or_else(|| self.responses.get(response_type.fallback()))
    }

    /// The answer API Gateway gives instead of invoking the integration.
    pub fn respond(&self, response_type: ResponseType, context: &RequestContext) -> AxumResponse {
        let Some(declared) = self.gateway_response(response_type) else {
            return response_type.default_status().into_response();
        };
        let status = declared.status.unwrap_or(response_type.default_status());
        let mut response = (status, declared.body(response_type, context)).into_response();
        let headers = response.headers_mut();
        for (name, value) in &declared.headers {
            headers.insert(name.clone(), value.clone());
        }
        response
    }

    /// Whether the operation's request validator lets this body through. `false` is API
    /// Gateway's BAD_REQUEST_BODY. Bodies of operations without body validation, and bodies of
    /// another content type than the model's, pass.
    pub fn body_is_valid(
        &self,
        method: &Method,
        resource: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> bool {
        let Some(validator) = self
            .body_validators
            .get(&(method.clone(), resource.to_string()))
        else {
            return true;
        };
        let media_type = content_type
            .and_then(|value| value.split(';').next())
            .map(|value| value.trim().to_ascii_lowercase());
        if media_type.is_some_and(|media_type| media_type != VALIDATED_MEDIA_TYPE) {
            return true;
        }
        if body.is_empty() {
            return !validator.required;
        }
        serde_json::from_slice::<Value>(body)
            .is_ok_and(|instance| validator.schema.is_valid(&instance))
    }

    /// The operations whose bodies API Gateway validates, as `METHOD resource`.
    pub fn validated_operations(&self) -> Vec<String> {
        let mut operations: Vec<String> = self
            .body_validators
            .keys()
            .map(|(method, resource)| format!("{method} {resource}"))
            .collect();
        operations.sort();
        operations
    }
}

/// `x-amazon-apigateway-gateway-responses`: `statusCode`, the static values of
/// `gatewayresponse.header.*` (`"'value'"`) and the `application/json` template.
fn gateway_responses(document: &Value) -> anyhow::Result<HashMap<String, GatewayResponse>> {
    let declared = document["x-amazon-apigateway-gateway-responses"]
        .as_object()
        .context("the document has no x-amazon-apigateway-gateway-responses")?;
    let mut responses = HashMap::new();
    for (name, response) in declared {
        let status = match response.get("statusCode").and_then(Value::as_str) {
            Some(code) => Some(
                StatusCode::from_bytes(code.as_bytes())
                    .with_context(|| format!("{name}: statusCode {code}"))?,
            ),
            None => None,
        };
        let mut headers = Vec::new();
        if let Some(parameters) = response["responseParameters"].as_object() {
            for (key, value) in parameters {
                let header = key
                    .strip_prefix("gatewayresponse.header.")
                    .with_context(|| format!("{name}: {key} is not a header"))?;
                let value = value
                    .as_str()
                    .and_then(|v| v.strip_prefix('\'')?.strip_suffix('\''))
                    .with_context(|| format!("{name}: {key} is not a static 'value'"))?;
                headers.push((
                    HeaderName::from_bytes(header.as_bytes())?,
                    HeaderValue::from_str(value)?,
                ));
            }
        }
        let body_template = response["responseTemplates"][VALIDATED_MEDIA_TYPE]
            .as_str()
            .with_context(|| format!("{name}: no {VALIDATED_MEDIA_TYPE} template"))?
            .to_string();
        responses.insert(
            name.clone(),
            GatewayResponse {
                status,
                headers,
                body_template,
            },
        );
    }
    Ok(responses)
}

/// One JSON Schema validator per operation whose validator (its own
/// `x-amazon-apigateway-request-validator`, else the document's) has `validateRequestBody`.
/// API Gateway's models are JSON Schema draft 4; `$ref`s into `#/components/schemas` resolve
/// against the document's components, as they do between API Gateway's models.
fn body_validators(document: &Value) -> anyhow::Result<HashMap<(Method, String), BodyValidator>> {
    let validators = document["x-amazon-apigateway-request-validators"]
        .as_object()
        .context("the document has no x-amazon-apigateway-request-validators")?;
    let validates_body = |name: &str| -> anyhow::Result<bool> {
        let validator = validators
            .get(name)
            .ok_or_else(|| anyhow!("no request validator named {name}"))?;
        Ok(validator["validateRequestBody"].as_bool() == Some(true))
    };
    let default_validator = document["x-amazon-apigateway-request-validator"].as_str();
    let paths = document["paths"]
        .as_object()
        .context("the document has no paths")?;
    let mut compiled = HashMap::new();
    for (resource, operations) in paths {
        let Some(operations) = operations.as_object() else {
            bail!("{resource} is not an object");
        };
        for (method, operation) in operations {
            let Ok(method) = method.to_ascii_uppercase().parse::<Method>() else {
                continue;
            };
            let validator = operation["x-amazon-apigateway-request-validator"]
                .as_str()
                .or(default_validator);
            if !validator.map(validates_body).transpose()?.unwrap_or(false) {
                continue;
            }
            let request_body = &operation["requestBody"];
            let Some(schema) = request_body["content"][VALIDATED_MEDIA_TYPE].get("schema") else {
                continue;
            };
            let mut root = schema.clone();
            root.as_object_mut()
                .with_context(|| format!("{method} {resource}: the body schema is not an object"))?
                .insert("components".into(), document["components"].clone());
            let schema = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .build(&root)
                .map_err(|err| anyhow!("{method} {resource}: {err}"))?;
            compiled.insert(
                (method, resource.clone()),
                BodyValidator {
                    schema,
                    required: request_body["required"].as_bool() == Some(true),
                },
            );
        }
    }
    Ok(compiled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ORIGIN: &str = "http://127.0.0.1:8081";

    /// The template as Terraform reads it, parsed here on its own so the expectations come from
    /// the file and not from the code under test.
    fn declared() -> Value {
        serde_yaml_ng::from_str(&TEMPLATE.replace("${allowed_origin}", ORIGIN)).unwrap()
    }

    fn document() -> ApiDocument {
        ApiDocument::for_origin(ORIGIN).unwrap()
    }

    /// The literal parts of a body template around its `$context` variables.
    fn literal_parts(template: &str) -> Vec<String> {
        let mut parts = vec![String::new()];
        let mut rest = template;
        while let Some(start) = rest.find("$context.") {
            parts.last_mut().unwrap().push_str(&rest[..start]);
            let after = &rest[start + "$context.".len()..];
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
                .unwrap_or(after.len());
            parts.push(String::new());
            rest = &after[end..];
        }
        parts.last_mut().unwrap().push_str(rest);
        parts
    }

    async fn answer(response: AxumResponse) -> (StatusCode, http::HeaderMap, Value) {
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        (
            parts.status,
            parts.headers,
            serde_json::from_slice(&bytes).expect("a JSON body"),
        )
    }

    /// Every response type the stage answers with has the status, every header and the body the
    /// template declares (its literal text around the `$context` variables, in order), and the
    /// body is a `Problem` of the same document.
    #[tokio::test]
    async fn every_gateway_response_is_the_templates() {
        let declared = declared();
        let problem = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&json!({
                "$ref": "#/components/schemas/Problem",
                "components": declared["components"].clone(),
            }))
            .unwrap();
        let context = RequestContext {
            path: "/local/applications",
            request_id: "5f1c9a55-0d7e-4b1e-9a0e-2b6f0f3f3f3f",
        };
        for response_type in ResponseType::ALL {
            let template = &declared["x-amazon-apigateway-gateway-responses"][response_type.name()];
            assert!(template.is_object(), "{} is declared", response_type.name());
            let (status, headers, body) = answer(document().respond(response_type, &context)).await;
            let name = response_type.name();
            match template["statusCode"].as_str() {
                Some(code) => assert_eq!(status.as_str(), code, "{name}"),
                // DEFAULT_5XX keeps the status of the error it answers.
                None => assert!(status.is_server_error(), "{name}: {status}"),
            }
            for (key, value) in template["responseParameters"].as_object().unwrap() {
                let header = key.strip_prefix("gatewayresponse.header.").unwrap();
                let value = value.as_str().unwrap().trim_matches('\'');
                assert_eq!(headers[header], value, "{name} {header}");
            }
            let text = body.to_string();
            let body_template = template["responseTemplates"]["application/json"]
                .as_str()
                .unwrap();
            let rendered = document()
                .gateway_response(response_type)
                .unwrap()
                .body(response_type, &context);
            let mut position = 0;
            for literal in literal_parts(body_template) {
                let found = rendered[position..].find(&literal);
                assert!(
                    found.is_some(),
                    "{name}: {literal:?} missing from {rendered}"
                );
                position += found.unwrap() + literal.len();
            }
            assert!(!rendered.contains("$context"), "{name}: {rendered}");
            if body_template.contains("$context.path") {
                assert_eq!(body["instance"], context.path, "{name}");
            }
            assert_eq!(body["requestId"], context.request_id, "{name}");
            assert!(problem.is_valid(&body), "{name}: {text} is not a Problem");
        }
        assert_eq!(
            declared["x-amazon-apigateway-gateway-responses"]["UNAUTHORIZED"]["statusCode"],
            "401"
        );
        assert_eq!(
            declared["x-amazon-apigateway-gateway-responses"]["REQUEST_TOO_LARGE"]["statusCode"],
            "413"
        );
    }

    /// The operations whose validator has `validateRequestBody`, read from the template: its
    /// validators and each operation's choice (the document's default otherwise).
    #[test]
    fn body_validation_follows_the_templates_validators() {
        let declared = declared();
        let validators = &declared["x-amazon-apigateway-request-validators"];
        let default = declared["x-amazon-apigateway-request-validator"]
            .as_str()
            .unwrap();
        let mut expected = Vec::new();
        for (resource, operations) in declared["paths"].as_object().unwrap() {
            for (method, operation) in operations.as_object().unwrap() {
                let validator = operation["x-amazon-apigateway-request-validator"]
                    .as_str()
                    .unwrap_or(default);
                if validators[validator]["validateRequestBody"] == true
                    && operation.get("requestBody").is_some()
                {
                    expected.push(format!("{} {resource}", method.to_ascii_uppercase()));
                }
            }
        }
        expected.sort();
        assert_eq!(document().validated_operations(), expected);
        assert_eq!(
            expected,
            [
                "POST /applications/{applicationId}/documents",
                "POST /applications/{applicationId}/identity-verifications",
                "POST /applications/{applicationId}/uploads",
                "POST /review/cases/{applicationId}/decisions",
                "PUT /applications/{applicationId}/consent",
            ]
        );
    }

    #[test]
    fn bodies_are_checked_against_the_operations_schema() {
        let document = document();
        let json = Some("application/json");
        let valid = |method: Method, resource: &str, content_type, body: Value| {
            document.body_is_valid(&method, resource, content_type, body.to_string().as_bytes())
        };
        let consent = "/applications/{applicationId}/consent";
        assert!(valid(
            Method::PUT,
            consent,
            json,
            json!({"policyVersion": "biometric-2026-11"})
        ));
        // additionalProperties: false, required, pattern
        assert!(!valid(
            Method::PUT,
            consent,
            json,
            json!({"policyVersion": "v1", "x": 1})
        ));
        assert!(!valid(Method::PUT, consent, json, json!({})));
        assert!(!valid(
            Method::PUT,
            consent,
            json,
            json!({"policyVersion": "v 1"})
        ));
        // A missing Content-Type is validated as JSON; parameters do not change the media type.
        assert!(!valid(Method::PUT, consent, None, json!({})));
        assert!(!valid(
            Method::PUT,
            consent,
            Some("Application/JSON; charset=utf-8"),
            json!({})
        ));
        // Not JSON at all, or no body where one is required.
        assert!(!document.body_is_valid(&Method::PUT, consent, json, b"{\"policyVersion\":"));
        assert!(!document.body_is_valid(&Method::PUT, consent, json, b""));
        // Another content type has no model: the handler answers it (415).
        assert!(document.body_is_valid(&Method::PUT, consent, Some("text/plain"), b"x"));

        let uploads = "/applications/{applicationId}/uploads";
        let upload =
            json!({"purpose": "ID_FRONT", "contentType": "image/png", "contentLength": 1000});
        assert!(valid(Method::POST, uploads, json, upload.clone()));
        let mut wrong_type = upload.clone();
        wrong_type["contentType"] = json!("image/gif");
        assert!(!valid(Method::POST, uploads, json, wrong_type));
        let mut zero = upload;
        zero["contentLength"] = json!(0);
        assert!(!valid(Method::POST, uploads, json, zero));

        // $ref to #/components/schemas/Id: a hyphenated UUID.
        let verifications = "/applications/{applicationId}/identity-verifications";
        let id = "0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f";
        assert!(valid(
            Method::POST,
            verifications,
            json,
            json!({"idFrontUploadId": id})
        ));
        assert!(!valid(
            Method::POST,
            verifications,
            json,
            json!({"idFrontUploadId": "upload-1"})
        ));

        // POST /applications is params-only: its handler validates the optional body (422).
        assert!(valid(
            Method::POST,
            "/applications",
            json,
            json!({"applicant": {"givenName": ""}})
        ));
    }
}
