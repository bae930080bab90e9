//! The error table is complete and its documentation is generated from it.
//!
//! - Every SDK call in the adapters is an operation of the table, and every operation of the
//!   table is called: a new call cannot slip in without its errors.
//! - Every error the service model of a called operation declares has a row of that operation:
//!   the Rust SDK's own error enum (read from the SDK crate this workspace compiles, found with
//!   `cargo metadata`), and botocore's `service-2.json` from the project venv. An SDK upgrade
//!   that adds an error fails here until the error has an answer.
//! - The SDK retries exactly the codes the table says it does (`aws-runtime`'s classifier lists,
//!   and errors a model marks retryable).
//! - `docs/errors.md` and the README's "Errors" section are what the table renders.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use lendverify_aws::error::docs;
use lendverify_aws::error::table::{Op, Scope, Service, ROWS, SDK_RETRIED_CODES};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The source directory of every package of the workspace's dependency graph, by name.
fn package_dirs() -> BTreeMap<String, PathBuf> {
    // Only this machine's platform: the sources of other platforms' crates are not downloaded.
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc).arg("-vV").output().expect("rustc -vV");
    let host = String::from_utf8_lossy(&version.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("host triple");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host])
        .arg("--manifest-path")
        .arg(root().join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| {
            let name = p["name"].as_str()?.to_string();
            let manifest = PathBuf::from(p["manifest_path"].as_str()?);
            Some((name, manifest.parent()?.to_path_buf()))
        })
        .collect()
}

/// Every `.rs` file below `dir`, in submodule folders too.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The error codes the SDK's deserializer of an operation maps to a variant of its error enum
/// (`"ThrottlingException" => crate::operation::get_item::GetItemError::ThrottlingException`).
fn sdk_error_codes(sdk: &Path, op: Op) -> BTreeSet<String> {
    let method = op.sdk_method();
    let source = read(&sdk.join(format!("src/protocol_serde/shape_{method}.rs")));
    // rustfmt wraps long arms (`"Code" => {` on one line, the path on the next): compare with
    // whitespace collapsed.
    let source = source.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut codes = BTreeSet::new();
    for marker in [
        format!("\" => crate::operation::{method}::"),
        format!("\" => {{ crate::operation::{method}::"),
    ] {
        for (at, _) in source.match_indices(&marker) {
            let before = &source[..at];
            let open = before.rfind('"').expect("opening quote");
            codes.insert(before[open + 1..].to_string());
        }
    }
    // Cross-check with the enum itself, so a change in the generated code cannot make the
    // parse above find nothing and pass.
    let module = read(&sdk.join(format!("src/operation/{method}.rs")));
    // The operation module's one error enum (`GetItemError`, `AnalyzeIDError`).
    let enum_start = module
        .match_indices("pub enum ")
        .map(|(at, _)| at)
        .find(|at| {
            module[*at..]
                .lines()
                .next()
                .is_some_and(|l| l.ends_with("Error {"))
        })
        .unwrap_or_else(|| panic!("no error enum for {}", op.name()));
    let variants = module[enum_start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with('}'))
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| {
            let name: String = l.chars().take_while(char::is_ascii_alphanumeric).collect();
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && l[name.len()..].starts_with('(')
                && name != "Unhandled"
        })
        .count();
    assert_eq!(
        codes.len(),
        variants,
        "{}: {codes:?} read from the deserializer, {variants} variants in the enum",
        op.name()
    );
    codes
}

/// botocore's declared errors per operation (the wire code: `error.code` when the shape has one),
/// or `None` without the project venv.
fn botocore_error_codes() -> Option<BTreeMap<String, BTreeSet<String>>> {
    let python = root().join(".tools/venv/bin/python");
    if !python.exists() {
        eprintln!(
            "no {}: botocore not checked (run make setup)",
            python.display()
        );
        return None;
    }
    let ops: Vec<(String, String)> = Op::ALL
        .iter()
        .map(|op| {
            (
                op.service().botocore_name().to_string(),
                op.name().to_string(),
            )
        })
        .collect();
    let script = r#"
import json, sys
import botocore.session
session = botocore.session.get_session()
out = {}
for service, name in json.loads(sys.argv[1]):
    op = session.get_service_model(service).operation_model(name)
    out[service + ":" + name] = [e.metadata.get("error", {}).get("code") or e.name for e in op.error_shapes]
print(json.dumps(out))
"#;
    let out = Command::new(python)
        .args(["-c", script, &serde_json::to_string(&ops).unwrap()])
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "botocore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("botocore JSON"))
}

fn op_rows(op: Op) -> BTreeSet<&'static str> {
    ROWS.iter()
        .filter(|r| r.scope == Scope::Op(op))
        .map(|r| r.code)
        .collect()
}

#[test]
fn every_modelled_error_of_every_called_operation_has_a_row() {
    let dirs = package_dirs();
    let botocore = botocore_error_codes();
    let mut missing = Vec::new();
    let mut checked = 0;
    for op in Op::ALL {
        let sdk = &dirs[op.service().sdk_crate()];
        let mut modelled = sdk_error_codes(sdk, op);
        if let Some(botocore) = &botocore {
            let key = format!("{}:{}", op.service().botocore_name(), op.name());
            modelled.extend(botocore[&key].iter().cloned());
        }
        let rows = op_rows(op);
        for code in &modelled {
            checked += 1;
            if !rows.contains(code.as_str()) {
                missing.push(format!("{} {code}", op.name()));
            }
        }
        // A row beyond the model documents a known undeclared error, and says so.
        for row in ROWS.iter().filter(|r| r.scope == Scope::Op(op)) {
            if !modelled.contains(row.code) {
                assert!(
                    row.why.starts_with("not in the model"),
                    "{} {}: no model declares it; start its why with \"not in the model\" (or \
                     remove a row the SDK no longer declares)",
                    op.name(),
                    row.code
                );
            }
        }
    }
    assert!(
        missing.is_empty(),
        "modelled errors without an answer in handlers/aws/src/error/table.rs: {missing:#?}"
    );
    assert!(checked > 90, "only {checked} modelled errors found");
}

/// `.client` … `.method(`: the SDK calls in one adapter's source.
fn sdk_calls(source: &str) -> BTreeSet<String> {
    let mut calls = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find(".client") {
        rest = &rest[at + ".client".len()..];
        let after = rest.trim_start();
        let Some(after) = after.strip_prefix('.') else {
            continue;
        };
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if after[name.len()..].starts_with('(') {
            calls.insert(name);
        }
    }
    calls
}

#[test]
fn the_table_lists_exactly_the_operations_the_adapters_call() {
    let src = root().join("handlers/aws/src");
    let mut called = BTreeSet::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            called.extend(sdk_calls(&read(&path)));
        }
    }
    let table: BTreeSet<String> = Op::ALL
        .iter()
        .map(|op| op.sdk_method().to_string())
        .collect();
    assert_eq!(
        called, table,
        "SDK calls in handlers/aws/src versus the operations of the error table"
    );
    // The handlers and the consumer reach AWS only through the adapters.
    for dir in ["handlers/functions/src", "handlers/core/src"] {
        for path in rust_files(&root().join(dir)) {
            let source = read(&path);
            assert!(
                !source.contains("aws_sdk_"),
                "{} calls an SDK directly; go through an adapter in handlers/aws",
                path.display()
            );
        }
    }
}

#[test]
fn sdk_retries_what_the_table_says() {
    let dirs = package_dirs();
    let classifiers = read(&dirs["aws-runtime"].join("src/retries/classifiers.rs"));
    let list = |name: &str| -> BTreeSet<String> {
        let start = classifiers
            .find(&format!("pub const {name}: &[&str] = &["))
            .unwrap_or_else(|| panic!("{name} in aws-runtime"));
        let body = &classifiers[start..];
        let body = &body[body.find("= &[").unwrap() + 4..body.find("];").unwrap()];
        body.split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let mut retried = list("THROTTLING_ERRORS");
    retried.extend(list("TRANSIENT_ERRORS"));
    // Errors a model marks retryable (`retryable_error_kind`), in the SDKs we use.
    for service in Service::ALL {
        let errors = dirs[service.sdk_crate()].join("src/types/error");
        for entry in std::fs::read_dir(errors).unwrap() {
            let source = read(&entry.unwrap().path());
            if source.contains("pub fn retryable_error_kind") {
                let name = source
                    .split("pub struct ")
                    .nth(1)
                    .and_then(|s| s.split(|c: char| !c.is_ascii_alphanumeric()).next())
                    .unwrap()
                    .to_string();
                retried.insert(name);
            }
        }
    }
    let table: BTreeSet<String> = SDK_RETRIED_CODES.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        table, retried,
        "SDK_RETRIED_CODES versus aws-runtime and the models"
    );
}

fn bless() -> bool {
    std::env::var("LENDVERIFY_BLESS").is_ok_and(|v| v == "1")
}

#[test]
fn docs_errors_md_is_generated_from_the_table() {
    let path = root().join("docs/errors.md");
    let rendered = docs::full();
    if bless() {
        std::fs::write(&path, &rendered).unwrap();
    }
    assert!(
        read(&path) == rendered,
        "docs/errors.md differs from the table: LENDVERIFY_BLESS=1 cargo test -p lendverify-aws --test error_table"
    );
}

#[test]
fn the_readme_summary_is_generated_from_the_table() {
    const BEGIN: &str =
        "<!-- error-table:begin (generated by handlers/aws/tests/error_table.rs) -->\n";
    const END: &str = "<!-- error-table:end -->";
    let path = root().join("README.md");
    let readme = read(&path);
    let start = readme
        .find(BEGIN)
        .expect("README.md has the error-table markers")
        + BEGIN.len();
    let end = readme[start..].find(END).expect("end marker") + start;
    let rendered = docs::summary();
    if bless() {
        let updated = format!("{}{rendered}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        readme[start..end] == rendered,
        "README.md's error table differs from the table: LENDVERIFY_BLESS=1 cargo test -p lendverify-aws --test error_table"
    );
}
