//! One cold start of every function on the bench harness (`bench/`): the `bootstrap` cargo builds
//! for this test, started as Lambda starts it, against a local Lambda Runtime API serving each
//! function's real events and a local stub answering its AWS calls. `make bench` runs the same
//! harness many times on a release build and times it; this test only checks that it still works,
//! so the benchmark cannot rot unnoticed. It uses the debug build cargo test makes anyway, so it
//! adds seconds, not a release build's minutes.

use std::collections::BTreeSet;
use std::time::Duration;

use http::Method;
use lendverify_bench::{Bench, Options};
use lendverify_functions::routes::{self, Function, ROUTES};

fn log_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("lendverify-cold-start-{}", std::process::id()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_function_cold_starts_and_answers_each_of_its_events() {
    let dir = log_dir();
    let mut options = Options::new(env!("CARGO_BIN_EXE_bootstrap"), &dir);
    // A debug build on a busy CI machine: generous, the test is about answers, not speed.
    options.timeout = Duration::from_secs(60);
    let mut bench = Bench::start(options)
        .await
        .expect("local Runtime API and AWS stub");
    let scenarios = bench.scenarios();

    let handlers: BTreeSet<&str> = scenarios.iter().map(|s| s.handler).collect();
    let functions: BTreeSet<&str> = Function::ALL.iter().map(|f| f.handler_name()).collect();
    assert_eq!(handlers, functions, "one scenario per function");

    for scenario in &scenarios {
        let run = bench
            .cold_start(scenario, true)
            .await
            .unwrap_or_else(|e| panic!("cold start: {e}"));
        assert!(run.init > Duration::ZERO && run.init_cpu > Duration::ZERO);
        assert!(run.peak_rss_kib > 0);
        assert_eq!(run.routes.len(), scenario.routes.len());
        assert_eq!(
            run.first.aws_calls.len(),
            1,
            "{}: the first invocation is measured with one AWS call, made {:?}",
            scenario.handler,
            run.first.aws_calls
        );
        if scenario.one_call.is_some() {
            assert!(
                run.first_primary.aws_calls.len() > 1,
                "{}: a one-call event stands in only for a main event that makes more",
                scenario.handler
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every API route is benchmarked, by the function that serves it.
#[test]
fn the_scenarios_cover_the_route_table() {
    let bench_routes: BTreeSet<(String, String, &str)> =
        lendverify_bench::scenarios::all(&lendverify_bench::fixture::Fixture::default())
            .iter()
            .flat_map(|s| {
                s.routes.iter().filter_map(move |r| {
                    let (method, resource) = r.name.split_once(' ')?;
                    resource
                        .starts_with('/')
                        .then(|| (method.to_string(), resource.to_string(), s.handler))
                })
            })
            .collect();
    let table: BTreeSet<(String, String, &str)> = ROUTES
        .iter()
        .map(|r| {
            (
                r.method.to_string(),
                r.resource.to_string(),
                r.function.handler_name(),
            )
        })
        .collect();
    assert_eq!(bench_routes, table);
    for (method, resource, handler) in &bench_routes {
        let method: Method = method.parse().expect("method");
        let route = routes::by_resource(&method, resource).expect("route");
        assert_eq!(route.function.handler_name(), *handler);
    }
}
