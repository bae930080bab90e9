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

    /// The verified claims of a bearer token, or `None` (401).
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
        (data.claims.get("token_use").and_then(Value::as_str) == Some("id")).then_some(data.claims)
    }
}
