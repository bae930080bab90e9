//! `lendverify-bench`: repeated cold starts of every function, medians, and `build/bench.md`.
//!
//! ```text
//! lendverify-bench --bootstrap target/release/bootstrap [--runs 20] [--out build/bench.md]
//!                  [--json build/bench.json] [--only HANDLER]... [--binary HANDLER=PATH]...
//!                  [--artifact 'LABEL=PATH']... [--no-routes] [--env NAME=VALUE]... [--command TEXT]
//! ```
//! Runs are interleaved (every function once, then again), so drift on a shared machine spreads
//! over all functions instead of landing on one.

use std::path::PathBuf;
use std::process::ExitCode;

use lendverify_bench::report::{self, thousands, Context};
use lendverify_bench::{Bench, Options};
use serde_json::json;

struct Args {
    options: Options,
    runs: usize,
    out: PathBuf,
    json: Option<PathBuf>,
    only: Vec<String>,
    artifacts: Vec<(String, PathBuf)>,
    routes: bool,
    command: Option<String>,
}

fn usage() -> String {
    "usage: lendverify-bench --bootstrap PATH [--runs N] [--out FILE] [--json FILE] [--only HANDLER]... [--binary HANDLER=PATH]... [--artifact LABEL=PATH]... [--env NAME=VALUE]... [--no-routes] [--command TEXT]".into()
}

fn split_pair(value: &str) -> Result<(String, String), String> {
    value
        .split_once('=')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .ok_or_else(|| format!("expected NAME=VALUE, got '{value}'"))
}

fn parse(argv: Vec<String>) -> Result<Args, String> {
    let mut bootstrap = None;
    let mut args = Args {
        options: Options::new("", "build/bench/logs"),
        runs: 20,
        out: PathBuf::from("build/bench.md"),
        json: None,
        only: Vec::new(),
        artifacts: Vec::new(),
        routes: true,
        command: None,
    };
    let mut it = argv.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--bootstrap" => bootstrap = Some(PathBuf::from(value()?)),
            "--runs" => args.runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--out" => args.out = value()?.into(),
            "--json" => args.json = Some(value()?.into()),
            "--only" => args.only.push(value()?),
            "--binary" => {
                let (handler, path) = split_pair(&value()?)?;
                args.options.binaries.insert(handler, path.into());
            }
            "--artifact" => {
                let (label, path) = split_pair(&value()?)?;
                args.artifacts.push((label, path.into()));
            }
            "--env" => args.options.env.push(split_pair(&value()?)?),
            "--log-dir" => args.options.log_dir = value()?.into(),
            "--no-routes" => args.routes = false,
            "--command" => args.command = Some(value()?),
            "-h" | "--help" => return Err(usage()),
            other => return Err(format!("unknown argument {other}\n{}", usage())),
        }
    }
    args.options.bootstrap = bootstrap.ok_or_else(usage)?;
    if args.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    Ok(args)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn host() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cores} × {cpu}, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// Today's date (UTC), from the civil-from-days algorithm (no date crate needed for one line).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn artifact_line(label: &str, path: &PathBuf) -> String {
    match std::fs::metadata(path) {
        Ok(meta) => format!(
            "{label} `{}`: {} bytes ({:.2} MiB)",
            path.display(),
            thousands(meta.len()),
            meta.len() as f64 / 1_048_576.0
        ),
        Err(_) => format!("{label} `{}`: not built", path.display()),
    }
}

fn main() -> ExitCode {
    // Named threads, so a profiler tells the harness from the bootstrap's own `tokio-rt-worker`s.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("bench-harness")
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("bench: cannot start the tokio runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let command = format!("lendverify-bench {}", argv.join(" "));
    let args = match parse(argv) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut bench = match Bench::start(args.options.clone()).await {
        Ok(bench) => bench,
        Err(e) => {
            eprintln!("bench: cannot start the local Runtime API and AWS stub: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scenarios: Vec<_> = bench
        .scenarios()
        .into_iter()
        .filter(|s| args.only.is_empty() || args.only.iter().any(|o| o == s.handler))
        .collect();
    if scenarios.is_empty() {
        eprintln!("bench: no function matches --only {:?}", args.only);
        return ExitCode::from(2);
    }
    let load_before = load_average();
    let mut runs = Vec::new();
    for round in 0..args.runs {
        for scenario in &scenarios {
            match bench.cold_start(scenario, args.routes).await {
                Ok(run) => runs.push(run),
                Err(e) => {
                    eprintln!(
                        "bench: cold start {} of {}: {e}",
                        round + 1,
                        scenario.handler
                    );
                    return ExitCode::FAILURE;
                }
            }
        }
        eprint!("\rbench: {}/{} rounds", round + 1, args.runs);
    }
    eprintln!();
    let load_after = load_average();
    let (functions, routes) = report::summarize(&runs);
    let binary_size = std::fs::metadata(&args.options.bootstrap).map_or(0, |m| m.len());
    let mut binary = format!(
        "`{}` ({} bytes)",
        args.options.bootstrap.display(),
        thousands(binary_size)
    );
    for (handler, path) in &args.options.binaries {
        binary.push_str(&format!("; `{handler}`: `{}`", path.display()));
    }
    let context = Context {
        date: today(),
        command: args.command.clone().unwrap_or(command),
        host: host(),
        binary,
        artifacts: args
            .artifacts
            .iter()
            .map(|(label, path)| artifact_line(label, path))
            .collect(),
        load_before,
        load_after,
    };
    let text = report::markdown(&context, &functions, &routes);
    print!("{text}");
    if let Some(parent) = args.out.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Err(e) = std::fs::write(&args.out, &text) {
        eprintln!("bench: writing {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    if let Some(path) = &args.json {
        let value = json!({
            "date": context.date,
            "host": context.host,
            "functions": functions.iter().map(|f| json!({
                "handler": f.handler, "runs": f.runs,
                "firstRoute": f.first_route, "firstCalls": f.first_calls,
                "route": f.route, "routeCalls": f.route_calls,
                "initMs": f.init_ms, "initP90Ms": f.init_p90_ms, "initCpuMs": f.init_cpu_ms,
                "firstMs": f.first_ms, "firstCpuMs": f.first_cpu_ms,
                "routeFirstMs": f.route_first_ms, "routeFirstCpuMs": f.route_first_cpu_ms,
                "warmMs": f.warm_ms,
                "warmCpuMs": f.warm_cpu_ms, "peakRssMib": f.peak_rss_mib,
            })).collect::<Vec<_>>(),
            "routes": routes.iter().map(|r| json!({
                "handler": r.handler, "route": r.route, "calls": r.calls,
                "warmMs": r.warm_ms, "warmCpuMs": r.warm_cpu_ms,
            })).collect::<Vec<_>>(),
        });
        if let Err(e) = std::fs::write(path, format!("{value:#}\n")) {
            eprintln!("bench: writing {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    eprintln!("bench: wrote {}", args.out.display());
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        let args = parse(
            [
                "--bootstrap",
                "b",
                "--runs",
                "3",
                "--only",
                "applications",
                "--binary",
                "applications=x",
                "--env",
                "RUST_LOG=warn",
                "--no-routes",
            ]
            .map(String::from)
            .to_vec(),
        )
        .unwrap();
        assert_eq!(args.runs, 3);
        assert_eq!(args.only, vec!["applications"]);
        assert_eq!(args.options.binaries["applications"], PathBuf::from("x"));
        assert_eq!(args.options.env, vec![("RUST_LOG".into(), "warn".into())]);
        assert!(!args.routes);
        assert!(
            parse(vec!["--runs".into(), "2".into()]).is_err(),
            "--bootstrap is required"
        );
        assert!(parse(
            ["--bootstrap", "b", "--runs", "0"]
                .map(String::from)
                .to_vec()
        )
        .is_err());
    }

    #[test]
    fn date_is_iso() {
        let date = today();
        assert_eq!(date.len(), 10);
        assert!(date.starts_with("20"));
    }
}
