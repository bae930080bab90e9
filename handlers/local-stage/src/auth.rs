//! Verifies Cognito ID tokens the way API Gateway's Cognito user pool authorizer does: RS256
//! signature against the pool's JWKS, issuer, audience (the app client) and `token_use`.

use anyhow::Context;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

#[derive(Clone)]
pub struct Authorizer {
    jwks: JwkSet,
    validation: Validation,
}

impl Authorizer {
    /// Fetches the user pool's JWKS from moto (`/{poolId}/.well-known/jwks.json`, as Cognito
    /// serves it from the issuer URL).
    pub async fn from_moto(
        moto_url: &str,
        region: &str,
        user_pool_id: &str,
        client_id: &str,
    ) -> anyhow::Result<Self> {
        let jwks: JwkSet = reqwest::get(format!("{moto_url}/{user_pool_id}/.well-known/jwks.json"))
            .await?
            .error_for_status()?
            .json()
            .await
            .context("reading the user pool's JWKS")?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[format!(
            "https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        )]);
        validation.set_audience(&[client_id]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        Ok(Self { jwks, validation })
    }

    /// The verified claims of a bearer token as API Gateway passes them to the Lambda, or `None`
    /// (401).
    pub fn claims(&self, authorization: Option<&str>) -> Option<Map<String, Value>> {
        let token = authorization?
            .strip_prefix("Bearer ")
            .unwrap_or(authorization?)
            .trim();
        let header = decode_header(token).ok()?;
        let jwk = match &header.kid {
            Some(kid) => self.jwks.find(kid)?,
            None => self.jwks.keys.first()?,
        };
        let key = DecodingKey::from_jwk(jwk).ok()?;
        let data = decode::<Map<String, Value>>(token, &key, &self.validation).ok()?;
        (data.claims.get("token_use").and_then(Value::as_str) == Some("id"))
            .then(|| as_gateway_claims(data.claims))
    }
}

/// API Gateway REST's Cognito authorizer hands every claim to the Lambda as a string: numbers and
/// booleans as their text, and a list (`cognito:groups`) as its items joined by commas. The
/// handlers read them that way on AWS, so the local stage passes them the same way.
pub fn as_gateway_claims(claims: Map<String, Value>) -> Map<String, Value> {
    claims
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text,
                Value::Array(items) => items
                    .iter()
                    .map(|item| match item {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            (name, Value::String(text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_claim_reaches_the_lambda_as_a_string() {
        let claims = json!({
            "sub": "abc",
            "exp": 1_700_000_000,
            "email_verified": true,
            "cognito:groups": ["reviewers", "admins"],
        });
        let Value::Object(claims) = claims else {
            unreachable!()
        };
        assert_eq!(
            Value::Object(as_gateway_claims(claims)),
            json!({
                "sub": "abc",
                "exp": "1700000000",
                "email_verified": "true",
                "cognito:groups": "reviewers,admins",
            })
        );
    }
}
