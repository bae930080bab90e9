//! Medians over repeated cold starts, and the markdown `make bench` writes to `build/bench.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::measure::ColdStart;
use crate::stats::{median, percentile};

/// The targets: median init, and median first invocation with one AWS call, per function.
pub const INIT_TARGET_MS: f64 = 5.0;
pub const FIRST_INVOCATION_TARGET_MS: f64 = 2.0;

/// Memory at which Lambda gives a function one full vCPU (the Lambda developer guide: "at 1,769
/// MB, a function has the equivalent of one vCPU"); CPU share scales linearly below it.
pub const ONE_VCPU_MB: f64 = 1769.0;

/// Wall time of CPU-bound work of `cpu_ms` at `memory_mb`, if the CPU share is memory / 1,769 MB.
pub fn at_memory(cpu_ms: f64, memory_mb: u32) -> f64 {
    cpu_ms * (ONE_VCPU_MB / f64::from(memory_mb)).max(1.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One function's medians.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionSummary {
    pub handler: String,
    pub runs: usize,
    /// The first invocation's event (the one-call event) and the AWS calls it made.
    pub first_route: String,
    pub first_calls: Vec<String>,
    /// The main event and its AWS calls.
    pub route: String,
    pub route_calls: Vec<String>,
    pub init_ms: f64,
    pub init_p90_ms: f64,
    pub init_cpu_ms: f64,
    pub first_ms: f64,
    pub first_cpu_ms: f64,
    /// The main event's first run.
    pub route_first_ms: f64,
    pub route_first_cpu_ms: f64,
    pub warm_ms: f64,
    pub warm_cpu_ms: f64,
    pub peak_rss_mib: f64,
}

impl FunctionSummary {
    pub fn meets_init_target(&self) -> bool {
        self.init_ms <= INIT_TARGET_MS
    }

    /// The target is for a first invocation with one AWS call.
    pub fn meets_first_invocation_target(&self) -> bool {
        self.first_calls.len() == 1 && self.first_ms <= FIRST_INVOCATION_TARGET_MS
    }

    pub fn meets_targets(&self) -> bool {
        self.meets_init_target() && self.meets_first_invocation_target()
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

/// One route's warm medians.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteSummary {
    pub handler: String,
    pub route: String,
    pub calls: Vec<String>,
    pub warm_ms: f64,
    pub warm_cpu_ms: f64,
}

fn med(values: impl Iterator<Item = f64>) -> f64 {
    median(&values.collect::<Vec<_>>()).unwrap_or(f64::NAN)
}

/// Summaries per function, in the order the functions first appear in `runs`.
pub fn summarize(runs: &[ColdStart]) -> (Vec<FunctionSummary>, Vec<RouteSummary>) {
    let mut order: Vec<&str> = Vec::new();
    let mut by_handler: BTreeMap<&str, Vec<&ColdStart>> = BTreeMap::new();
    for run in runs {
        if !by_handler.contains_key(run.handler.as_str()) {
            order.push(&run.handler);
        }
        by_handler.entry(&run.handler).or_default().push(run);
    }
    let mut functions = Vec::new();
    let mut routes = Vec::new();
    for handler in order {
        let runs = &by_handler[handler];
        let init: Vec<f64> = runs.iter().map(|r| ms(r.init)).collect();
        functions.push(FunctionSummary {
            handler: handler.to_string(),
            runs: runs.len(),
            first_route: runs[0].first.route.clone(),
            first_calls: runs[0].first.aws_calls.clone(),
            route: runs[0].first_primary.route.clone(),
            route_calls: runs[0].first_primary.aws_calls.clone(),
            init_ms: median(&init).unwrap_or(f64::NAN),
            init_p90_ms: percentile(&init, 90.0).unwrap_or(f64::NAN),
            init_cpu_ms: med(runs.iter().map(|r| ms(r.init_cpu))),
            first_ms: med(runs.iter().map(|r| ms(r.first.wall))),
            first_cpu_ms: med(runs.iter().map(|r| ms(r.first.cpu))),
            route_first_ms: med(runs.iter().map(|r| ms(r.first_primary.wall))),
            route_first_cpu_ms: med(runs.iter().map(|r| ms(r.first_primary.cpu))),
            warm_ms: med(runs.iter().map(|r| ms(r.warm.wall))),
            warm_cpu_ms: med(runs.iter().map(|r| ms(r.warm.cpu))),
            peak_rss_mib: med(runs.iter().map(|r| r.peak_rss_kib as f64 / 1024.0)),
        });
        let route_count = runs.iter().map(|r| r.routes.len()).max().unwrap_or(0);
        for i in 0..route_count {
            let samples: Vec<_> = runs.iter().filter_map(|r| r.routes.get(i)).collect();
            routes.push(RouteSummary {
                handler: handler.to_string(),
                route: samples[0].route.clone(),
                calls: samples[0].aws_calls.clone(),
                warm_ms: med(samples.iter().map(|s| ms(s.wall))),
                warm_cpu_ms: med(samples.iter().map(|s| ms(s.cpu))),
            });
        }
    }
    (functions, routes)
}

/// What the report says about where and how it was measured.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub date: String,
    pub command: String,
    pub host: String,
    pub binary: String,
    /// Artifact lines, e.g. "`build/lambda/bootstrap.zip` (arm64): 3,460,242 bytes".
    pub artifacts: Vec<String>,
    pub load_before: String,
    pub load_after: String,
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn calls(list: &[String]) -> String {
    if list.is_empty() {
        return "0".into();
    }
    let mut counted: Vec<(String, usize)> = Vec::new();
    for call in list {
        match counted.iter_mut().find(|(c, _)| c == call) {
            Some((_, n)) => *n += 1,
            None => counted.push((call.clone(), 1)),
        }
    }
    let names: Vec<String> = counted
        .into_iter()
        .map(|(c, n)| if n > 1 { format!("{c} ×{n}") } else { c })
        .collect();
    format!("{}: {}", list.len(), names.join(", "))
}

pub fn markdown(
    context: &Context,
    functions: &[FunctionSummary],
    routes: &[RouteSummary],
) -> String {
    let mut out = String::new();
    let runs = functions.iter().map(|f| f.runs).min().unwrap_or(0);
    let _ = writeln!(out, "# Cold starts of the Lambda bootstrap\n");
    let _ = writeln!(out, "- command: `{}`", context.command);
    let _ = writeln!(out, "- date: {}; host: {}", context.date, context.host);
    let _ = writeln!(out, "- binary measured: {}", context.binary);
    for artifact in &context.artifacts {
        let _ = writeln!(out, "- {artifact}");
    }
    let _ = writeln!(
        out,
        "- load average (1/5/15 min) before: {}; after: {}",
        context.load_before, context.load_after
    );
    let _ = writeln!(
        out,
        "- medians of {runs} cold starts per function, functions interleaved; targets: init ≤ {INIT_TARGET_MS} ms, first invocation with one AWS call ≤ {FIRST_INVOCATION_TARGET_MS} ms"
    );
    let _ = writeln!(
        out,
        "- a new process is handed the function's one-call event first (its main event when that makes one AWS call), then its main event (its first run: the other SDK clients are built), then the main event again (warm)\n"
    );
    let _ = writeln!(
        out,
        "| function | init ms (p90) | CPU to first idle ms | first invocation: one-call event | first invocation ms (CPU) | main event: AWS calls | its first run ms (CPU) | warm ms (CPU) | peak RSS MiB | init / first target |"
    );
    let _ = writeln!(
        out,
        "| --- | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | --- |"
    );
    for f in functions {
        let _ = writeln!(
            out,
            "| `{}` | {:.2} ({:.2}) | {:.2} | {} ({}) | {:.2} ({:.2}) | {} ({}) | {:.2} ({:.2}) | {:.2} ({:.2}) | {:.1} | {} / {} |",
            f.handler,
            f.init_ms,
            f.init_p90_ms,
            f.init_cpu_ms,
            f.first_route,
            calls(&f.first_calls),
            f.first_ms,
            f.first_cpu_ms,
            f.route,
            calls(&f.route_calls),
            f.route_first_ms,
            f.route_first_cpu_ms,
            f.warm_ms,
            f.warm_cpu_ms,
            f.peak_rss_mib,
            verdict(f.meets_init_target()),
            verdict(f.meets_first_invocation_target()),
        );
    }
    if !routes.is_empty() {
        let _ = writeln!(
            out,
            "\n## Every route, warm, and what its CPU time means at 128 / 256 / 512 MB\n"
        );
        let _ = writeln!(
            out,
            "Lambda's CPU share is memory / {ONE_VCPU_MB} MB of one vCPU, so CPU-bound work of c ms takes about c × 1769 / MB ms of wall time (plus the AWS calls' own latency, which memory does not change). The first rows are each function's CPU-bound init.\n"
        );
        let _ = writeln!(
            out,
            "| function | route / phase | AWS calls | warm ms | CPU ms | at 128 MB | at 256 MB | at 512 MB |"
        );
        let _ = writeln!(
            out,
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"
        );
        for f in functions {
            let _ = writeln!(
                out,
                "| `{}` | init (CPU to first idle) | 0 | {:.2} | {:.2} | {:.0} | {:.0} | {:.0} |",
                f.handler,
                f.init_ms,
                f.init_cpu_ms,
                at_memory(f.init_cpu_ms, 128),
                at_memory(f.init_cpu_ms, 256),
                at_memory(f.init_cpu_ms, 512),
            );
        }
        for r in routes {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {:.2} | {:.2} | {:.1} | {:.1} | {:.1} |",
                r.handler,
                r.route,
                calls(&r.calls),
                r.warm_ms,
                r.warm_cpu_ms,
                at_memory(r.warm_cpu_ms, 128),
                at_memory(r.warm_cpu_ms, 256),
                at_memory(r.warm_cpu_ms, 512),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Invoke;

    fn invoke(route: &str, wall_us: u64, cpu_us: u64, calls: &[&str]) -> Invoke {
        Invoke {
            route: route.into(),
            wall: Duration::from_micros(wall_us),
            cpu: Duration::from_micros(cpu_us),
            aws_calls: calls.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn run(handler: &str, init_us: u64) -> ColdStart {
        ColdStart {
            handler: handler.into(),
            init: Duration::from_micros(init_us),
            init_cpu: Duration::from_micros(init_us / 2),
            first: invoke("GET /x", 1500, 900, &["Query"]),
            first_primary: invoke("GET /a", 2500, 1900, &["Query", "GetItem"]),
            warm: invoke("GET /a", 500, 300, &["Query", "GetItem"]),
            routes: vec![
                invoke("GET /a", 400, 250, &["Query"]),
                invoke(
                    "DELETE /a",
                    900,
                    600,
                    &["Query", "DeleteItem", "DeleteItem"],
                ),
            ],
            peak_rss_kib: 8 * 1024,
        }
    }

    #[test]
    fn medians_per_function_and_route() {
        let runs = vec![
            run("a", 3000),
            run("b", 9000),
            run("a", 5000),
            run("a", 4000),
        ];
        let (functions, routes) = summarize(&runs);
        assert_eq!(functions.len(), 2);
        assert_eq!(functions[0].handler, "a");
        assert_eq!(functions[0].runs, 3);
        assert!((functions[0].init_ms - 4.0).abs() < 1e-9);
        assert!((functions[0].init_p90_ms - 5.0).abs() < 1e-9);
        assert!((functions[0].first_ms - 1.5).abs() < 1e-9);
        assert!((functions[0].peak_rss_mib - 8.0).abs() < 1e-9);
        assert!((functions[0].route_first_ms - 2.5).abs() < 1e-9);
        assert!(functions[0].meets_targets());
        assert!(!functions[1].meets_targets(), "9 ms init misses 5 ms");
        assert_eq!(routes.len(), 4);
        assert_eq!(routes[1].route, "DELETE /a");
        assert!((routes[1].warm_cpu_ms - 0.6).abs() < 1e-9);
    }

    #[test]
    fn the_first_invocation_target_is_for_one_aws_call() {
        let mut two_calls = run("a", 3000);
        two_calls.first = invoke("GET /a", 1500, 900, &["Query", "GetItem"]);
        let (functions, _) = summarize(&[two_calls]);
        assert!(!functions[0].meets_first_invocation_target());
    }

    #[test]
    fn memory_scales_cpu_bound_time() {
        assert!((at_memory(1.0, 128) - 13.8203125).abs() < 1e-9);
        assert!((at_memory(1.0, 1769) - 1.0).abs() < 1e-9);
        assert!(
            (at_memory(1.0, 3538) - 1.0).abs() < 1e-9,
            "no faster than one vCPU for one thread"
        );
    }

    #[test]
    fn markdown_table() {
        let (functions, routes) = summarize(&[run("a", 3000)]);
        let text = markdown(
            &Context {
                command: "make bench".into(),
                ..Default::default()
            },
            &functions,
            &routes,
        );
        assert!(text.contains("| `a` | 3.00 (3.00) | 1.50 | GET /x (1: Query) | 1.50 (0.90) | GET /a (2: Query, GetItem) | 2.50 (1.90) | 0.50 (0.30) | 8.0 | met / met |"), "{text}");
        assert!(
            text.contains("| `a` | DELETE /a | 3: Query, DeleteItem ×2 |"),
            "{text}"
        );
        assert_eq!(thousands(3_460_242), "3,460,242");
        assert_eq!(thousands(999), "999");
    }
}
