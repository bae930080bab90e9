//! The emulators the local stage runs: moto, and the project's Rekognition/Textract emulator.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use tokio::process::{Child, Command};

/// A free loopback port, chosen by the OS.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// A child process that is killed when dropped, so Ctrl-C or a failed test leaves nothing behind.
pub struct Service {
    pub name: &'static str,
    pub url: String,
    child: Child,
}

impl Service {
    /// Stops the process and waits for it, so the port is free again.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

async fn wait_ready(name: &str, child: &mut Child, url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait()? {
            bail!("{name} exited during start-up ({status}); see its log");
        }
        if client
            .get(url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{name} did not answer {url} within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn log_file(log_dir: &Path, name: &str) -> anyhow::Result<Stdio> {
    std::fs::create_dir_all(log_dir)?;
    let file = std::fs::File::create(log_dir.join(format!("{name}.log")))
        .with_context(|| format!("creating the {name} log in {}", log_dir.display()))?;
    Ok(Stdio::from(file))
}

/// Starts `moto_server` on loopback, through `lendverify_emulator.moto_server`, which serves
/// DynamoDB requests one at a time (moto's transactions are not atomic under concurrency).
pub async fn start_moto(
    repo_root: &Path,
    venv: &Path,
    port: u16,
    log_dir: &Path,
) -> anyhow::Result<Service> {
    let program = venv.join("bin/moto_server");
    if !program.exists() {
        bail!(
            "{} is missing: run `make setup` (it installs moto[server] into the project venv)",
            program.display()
        );
    }
    let mut child = Command::new(venv.join("bin/python"))
        .args(["-m", "lendverify_emulator.moto_server"])
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("PYTHONPATH", repo_root.join("emulator"))
        .stdout(log_file(log_dir, "moto")?)
        .stderr(log_file(log_dir, "moto.err")?)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let url = format!("http://127.0.0.1:{port}");
    wait_ready("moto", &mut child, &format!("{url}/moto-api/")).await?;
    Ok(Service {
        name: "moto",
        url,
        child,
    })
}

/// The liveness stream's TLS certificate (self-signed, for 127.0.0.1) and the base64 SHA-256 of
/// its public key, which a test's Chromium trusts with `--ignore-certificate-errors-spki-list`.
pub struct LivenessTls {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub spki_sha256: String,
}

/// Generates the liveness stream's certificate into `dir` (with the emulator's `tls` module).
pub async fn liveness_tls(
    repo_root: &Path,
    venv: &Path,
    dir: &Path,
) -> anyhow::Result<LivenessTls> {
    let python = venv.join("bin/python");
    let output = Command::new(&python)
        .args(["-m", "lendverify_emulator.tls"])
        .arg(dir)
        .current_dir(repo_root.join("emulator"))
        .env("PYTHONPATH", repo_root.join("emulator"))
        .output()
        .await
        .with_context(|| {
            format!(
                "generating the liveness TLS certificate with {}",
                python.display()
            )
        })?;
    if !output.status.success() {
        bail!(
            "generating the liveness TLS certificate failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(LivenessTls {
        cert: dir.join("liveness-cert.pem"),
        key: dir.join("liveness-key.pem"),
        spki_sha256: String::from_utf8_lossy(&output.stdout).trim().to_string(),
    })
}

/// Starts the Rekognition/Textract emulator, pointed at moto for S3 and SNS, with the Face
/// Liveness stream (wss) on `liveness_port` under `tls`.
pub async fn start_emulator(
    repo_root: &Path,
    venv: &Path,
    port: u16,
    moto_url: &str,
    log_dir: &Path,
    liveness_port: u16,
    tls: &LivenessTls,
) -> anyhow::Result<Service> {
    let python = venv.join("bin/python");
    let mut child = Command::new(&python)
        .args(["-m", "lendverify_emulator", "--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .arg("--liveness-port")
        .arg(liveness_port.to_string())
        .arg("--tls-cert")
        .arg(&tls.cert)
        .arg("--tls-key")
        .arg(&tls.key)
        .current_dir(repo_root.join("emulator"))
        .env("PYTHONPATH", repo_root.join("emulator"))
        .env("AWS_ENDPOINT_URL", moto_url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .stdout(log_file(log_dir, "emulator")?)
        .stderr(log_file(log_dir, "emulator.err")?)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting the emulator with {}", python.display()))?;
    let url = format!("http://127.0.0.1:{port}");
    wait_ready("emulator", &mut child, &format!("{url}/_emulator/health")).await?;
    Ok(Service {
        name: "emulator",
        url,
        child,
    })
}
