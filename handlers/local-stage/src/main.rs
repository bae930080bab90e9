//! `make local`: runs the local stage until Ctrl-C.

use std::path::PathBuf;

use anyhow::Context;
use lendverify_local_stage::{LocalStage, Options};

fn port(name: &str, default: u16) -> anyhow::Result<u16> {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .with_context(|| format!("{name} must be a port number")),
        Err(_) => Ok(default),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    lendverify_functions::init_tracing();
    let repo_root = std::env::var("LENDVERIFY_ROOT")
        .map(PathBuf::from)
        .or_else(|_| std::env::current_dir())?;
    let mut options = Options::for_repo(repo_root);
    options.api_port = port("LOCAL_API_PORT", 8080)?;
    options.moto_port = port("LOCAL_MOTO_PORT", 5000)?;
    options.emulator_port = port("LOCAL_EMULATOR_PORT", 5001)?;
    options.web_port = port("LOCAL_WEB_PORT", 8081)?;
    options.liveness_port = port("LOCAL_LIVENESS_PORT", 5002)?;
    // A second stage beside `make local` (make smoke-local) keeps its own state, logs and stage.json.
    if let Ok(dir) = std::env::var("LOCAL_STAGE_DIR") {
        options.work_dir = PathBuf::from(dir);
    }

    eprintln!("starting moto, the emulator and terraform apply of environments/local ...");
    let work_dir = options.work_dir.clone();
    let stage = LocalStage::start(options).await?;
    // `make token` and `make smoke-local` read this to find this run's API, moto and user pool;
    // it is written once the stage is ready.
    let description = serde_json::json!({
        "region": lendverify_local_stage::REGION,
        "apiUrl": stage.api_url,
        "motoUrl": stage.moto_url,
        "emulatorUrl": stage.emulator_url,
        "webUrl": stage.web_url,
        "livenessUrl": stage.liveness_url,
        "livenessCertSpki": stage.liveness_spki_sha256,
        "userPoolId": stage.outputs.user_pool_id,
        "userPoolClientId": stage.outputs.user_pool_client_id,
        "reviewersGroup": stage.outputs.handler_environment.get("REVIEWERS_GROUP"),
    });
    std::fs::write(work_dir.join("stage.json"), description.to_string())?;
    let api = &stage.api_url;
    let web = stage
        .web_url
        .clone()
        .unwrap_or_else(|| "not served: no web/dist (make web-build)".into());
    println!(
        "\nLendVerify local stage is up.\n\
         \n  web app:   {web}\n  API:       {api}\n  moto:      {moto}\n  emulator:  {emulator}\n\
         \nGet a token and create an application:\n\
         \n  TOKEN=$(make -s token USER_EMAIL=alice@example.com)\
         \n  curl -s -X POST {api}/applications -H \"Authorization: Bearer $TOKEN\" \\\
         \n       -H 'Content-Type: application/json' \\\
         \n       -d '{{\"applicant\":{{\"givenName\":\"Ana\",\"familyName\":\"Silva\",\"dateOfBirth\":\"1990-04-12\"}}}}'\n\
         \nCtrl-C stops every process this started.",
        moto = stage.moto_url,
        emulator = stage.emulator_url,
    );
    // Ctrl-C, or a SIGTERM from a supervisor: either way every child process is stopped.
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result?,
        _ = terminate.recv() => {}
    }
    eprintln!("stopping ...");
    stage.stop().await;
    Ok(())
}
