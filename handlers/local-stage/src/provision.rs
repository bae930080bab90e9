//! Provisions the local stage with the product's own Terraform: `environments/local`, applied
//! to moto.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context};
use serde::Deserialize;
use tokio::process::Command;

/// The outputs of `environments/local` the local stage needs.
#[derive(Clone, Debug, Deserialize)]
pub struct Outputs {
    /// The handlers' environment variables, exactly as Terraform sets them on the Lambdas.
    pub handler_environment: HashMap<String, String>,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    pub queue_url: String,
    /// The decision deliveries queue `deliver-decision-events` drains (output
    /// `decision_queue_url`); `None` while `environments/local` has no such output.
    pub decision_queue_url: Option<String>,
}

#[derive(Deserialize)]
struct Output<T> {
    value: T,
}

#[derive(Deserialize)]
struct RawOutputs {
    handler_environment: Output<HashMap<String, String>>,
    user_pool_id: Output<String>,
    user_pool_client_id: Output<String>,
    queue_url: Output<String>,
    #[serde(default)]
    decision_queue_url: Option<Output<String>>,
}

/// Runs terraform through `scripts/terraform-env.sh`, which points it at the provider mirror and
/// fails loudly when terraform or the provider is missing.
async fn terraform(repo_root: &Path, work_dir: &Path, args: &str) -> anyhow::Result<String> {
    let script = format!(
        "set -euo pipefail; source scripts/terraform-env.sh; terraform -chdir=environments/local {args}"
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(repo_root)
        // Each run keeps its own working directory and state: moto starts empty every time, so
        // yesterday's state would describe resources that no longer exist.
        .env("TF_DATA_DIR", work_dir.join(".terraform"))
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .await
        .context("running bash for terraform")?;
    if !output.status.success() {
        bail!(
            "terraform {args} failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Applies `environments/local` against moto and returns its outputs. `web_origins` are the web
/// app's origins (the first is the API's CORS origin).
pub async fn apply(
    repo_root: &Path,
    work_dir: &Path,
    moto_url: &str,
    web_origins: &[String],
) -> anyhow::Result<Outputs> {
    std::fs::create_dir_all(work_dir)?;
    let state = work_dir.join("terraform.tfstate");
    let _ = std::fs::remove_file(&state);
    terraform(repo_root, work_dir, "init -input=false -no-color").await?;
    let origins = serde_json::to_string(web_origins)?;
    let vars = format!(
        "-var moto_endpoint={moto_url} -var 'web_origins={origins}' -state={}",
        state.display()
    );
    terraform(
        repo_root,
        work_dir,
        &format!("apply -auto-approve -input=false -no-color {vars}"),
    )
    .await?;
    let json = terraform(
        repo_root,
        work_dir,
        &format!("output -json -state={}", state.display()),
    )
    .await?;
    let raw: RawOutputs =
        serde_json::from_str(&json).context("reading the outputs of environments/local")?;
    Ok(Outputs {
        handler_environment: raw.handler_environment.value,
        user_pool_id: raw.user_pool_id.value,
        user_pool_client_id: raw.user_pool_client_id.value,
        queue_url: raw.queue_url.value,
        decision_queue_url: raw.decision_queue_url.map(|o| o.value),
    })
}
