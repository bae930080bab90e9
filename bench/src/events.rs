//! The events Lambda hands the functions: API Gateway REST (v1) proxy events, built the way
//! `handlers/local-stage/src/gateway.rs` and API Gateway build them (resource, concrete path, path
//! parameters, the Cognito authorizer's claims), and SQS batches.

use serde_json::{json, Map, Value};

/// An API request, before it becomes a proxy event.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    pub method: &'static str,
    /// The API Gateway resource, with `{name}` path parameters.
    pub resource: &'static str,
    pub params: Vec<(&'static str, String)>,
    pub body: Option<String>,
    pub headers: Vec<(&'static str, String)>,
    /// The `cognito:groups` claim, as the authorizer passes it (a string), if any.
    pub groups: Option<&'static str>,
}

impl ApiRequest {
    pub fn new(method: &'static str, resource: &'static str) -> Self {
        Self {
            method,
            resource,
            params: Vec::new(),
            body: None,
            headers: Vec::new(),
            groups: None,
        }
    }

    pub fn param(mut self, name: &'static str, value: &str) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    /// The caller's Cognito groups (`cognito:groups`).
    pub fn groups(mut self, groups: &'static str) -> Self {
        self.groups = Some(groups);
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body.to_string());
        self.headers
            .push(("content-type", "application/json".to_string()));
        self
    }

    /// The concrete path: the resource with its parameters filled in.
    pub fn path(&self) -> String {
        self.params
            .iter()
            .fold(self.resource.to_string(), |path, (name, value)| {
                path.replace(&format!("{{{name}}}"), value)
            })
    }

    /// The REST API proxy event, with the claims a Cognito user pool authorizer passes on.
    pub fn event(&self, sub: &str, request_id: &str) -> Value {
        let path = self.path();
        let mut authorizer_claims = claims(sub);
        if let Some(groups) = self.groups {
            authorizer_claims["cognito:groups"] = json!(groups);
        }
        let mut headers = vec![
            ("accept", "application/json".to_string()),
            (
                "authorization",
                "Bearer eyJraWQiOiJiZW5jaCJ9.e30.c2ln".to_string(),
            ),
            (
                "host",
                "abc123.execute-api.us-east-1.amazonaws.com".to_string(),
            ),
            ("origin", "https://app.example.com".to_string()),
            ("user-agent", "Mozilla/5.0 (bench)".to_string()),
            (
                "x-amzn-trace-id",
                "Root=1-67891233-abcdef012345678912345678".to_string(),
            ),
            ("x-forwarded-for", "203.0.113.7".to_string()),
            ("x-forwarded-port", "443".to_string()),
            ("x-forwarded-proto", "https".to_string()),
        ];
        headers.extend(self.headers.iter().cloned());
        let single: Map<String, Value> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
            .collect();
        let multi: Map<String, Value> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), json!([v])))
            .collect();
        let params: Map<String, Value> = self
            .params
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
            .collect();
        json!({
            "resource": self.resource,
            "path": path,
            "httpMethod": self.method,
            "headers": single,
            "multiValueHeaders": multi,
            "queryStringParameters": null,
            "multiValueQueryStringParameters": null,
            "pathParameters": if params.is_empty() { Value::Null } else { Value::Object(params) },
            "stageVariables": null,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "abc123",
                "resourceId": "r35x1d",
                "resourcePath": self.resource,
                "httpMethod": self.method,
                "extendedRequestId": "bench-extended-request-id",
                "requestTime": "27/Nov/2026:09:10:00 +0000",
                "requestTimeEpoch": 1_795_770_600_000_u64,
                "path": format!("/prod{path}"),
                "stage": "prod",
                "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
                "domainPrefix": "abc123",
                "requestId": request_id,
                "protocol": "HTTP/1.1",
                "identity": { "sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0 (bench)" },
                "authorizer": { "claims": authorizer_claims },
            },
            "body": self.body,
            "isBase64Encoded": false,
        })
    }
}

/// The claims of a Cognito ID token as the REST API authorizer passes them (all strings).
pub fn claims(sub: &str) -> Value {
    json!({
        "sub": sub,
        "email_verified": "true",
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench",
        "cognito:username": sub,
        "origin_jti": "0f1e2d3c-4b5a-4697-8879-6a5b4c3d2e1f",
        "aud": "benchclientid0123456789",
        "event_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "token_use": "id",
        "auth_time": "1795770000",
        "exp": "Fri Nov 27 10:10:00 UTC 2026",
        "iat": "Fri Nov 27 09:10:00 UTC 2026",
        "jti": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
        "email": "applicant@example.com",
    })
}

/// An SQS batch of one record whose body is `body`, from the lending completion queue.
pub fn sqs_event(body: &str, message_id: &str) -> Value {
    json!({
        "Records": [{
            "messageId": message_id,
            "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
            "body": body,
            "attributes": {
                "ApproximateReceiveCount": "1",
                "SentTimestamp": "1795770540000",
                "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                "ApproximateFirstReceiveTimestamp": "1795770540001",
            },
            "messageAttributes": {},
            "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:bench-lending-completion",
            "awsRegion": "us-east-1",
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_event_carries_resource_path_parameters_and_claims() {
        let request = ApiRequest::new(
            "GET",
            "/applications/{applicationId}/documents/{documentId}",
        )
        .param("applicationId", "a1")
        .param("documentId", "d1");
        let event = request.event("user-1", "req-1");
        assert_eq!(event["path"], json!("/applications/a1/documents/d1"));
        assert_eq!(
            event["requestContext"]["resourcePath"],
            json!("/applications/{applicationId}/documents/{documentId}")
        );
        assert_eq!(event["pathParameters"]["documentId"], json!("d1"));
        assert_eq!(
            event["requestContext"]["authorizer"]["claims"]["sub"],
            json!("user-1")
        );
        assert_eq!(event["body"], Value::Null);
    }

    #[test]
    fn json_bodies_are_declared() {
        let event = ApiRequest::new("POST", "/applications")
            .json(json!({ "a": 1 }))
            .event("u", "r");
        assert_eq!(event["headers"]["content-type"], json!("application/json"));
        assert_eq!(event["body"], json!("{\"a\":1}"));
        assert_eq!(event["pathParameters"], Value::Null);
    }

    #[test]
    fn sqs_batch_has_one_record() {
        let event = sqs_event("{}", "m-1");
        assert_eq!(event["Records"][0]["messageId"], json!("m-1"));
        assert_eq!(event["Records"][0]["eventSource"], json!("aws:sqs"));
    }
}
