//! `cargo xtask schemas [--check]`: writes (or checks) `schemas/*.json` and `schemas/openapi.json`.
//! `cargo xtask api [--check]`: writes (or checks) the public-API snapshot of each guarded library crate.
//! `cargo xtask conformance`: how many of upstream's operations are served, and whether they conform.
//! `cargo xtask bench [--quick] [...]`: builds the server and the benchmark in release and runs
//! `csms-bench run` (see `crates/csms-bench`) with the remaining arguments.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::workspace_root();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["schemas"] => match xtask::write(&root) {
            Ok(written) => {
                println!("wrote {} files into schemas/", written);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        ["schemas", "--check"] => match xtask::check(&root) {
            Ok(()) => {
                println!("schemas/ is up to date");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e:#}");
                ExitCode::FAILURE
            }
        },
        ["api"] => api(&root, false),
        ["api", "--check"] => api(&root, true),
        ["bench", rest @ ..] => bench(&root, rest),
        ["conformance"] => conformance(&root),
        _ => {
            eprintln!(
                "usage: cargo xtask schemas [--check] | cargo xtask api [--check] | cargo xtask conformance | cargo xtask bench [--quick] [csms-bench run options]"
            );
            ExitCode::from(2)
        }
    }
}

/// Writes each guarded crate's public-API snapshot, or (`check`) fails with the difference when the
/// crate's surface changed since its snapshot was written.
fn api(root: &std::path::Path, check: bool) -> ExitCode {
    let mut changed = false;
    for krate in xtask::api::GUARDED {
        let path = root.join(xtask::api::snapshot_path(krate));
        let now = match xtask::api::public_api(root, krate) {
            Ok(now) => now,
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        if !check {
            if let Err(e) = std::fs::write(&path, &now) {
                eprintln!("error: writing {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("{krate}: {} lines in {}", now.lines().count(), xtask::api::snapshot_path(krate));
            continue;
        }
        if before == now {
            println!("{krate}: public API unchanged ({} lines)", now.lines().count());
            continue;
        }
        changed = true;
        let (old, new): (std::collections::BTreeSet<_>, std::collections::BTreeSet<_>) =
            (before.lines().collect(), now.lines().collect());
        eprintln!("{krate}: the public API changed since {}:", xtask::api::snapshot_path(krate));
        for line in old.difference(&new) {
            eprintln!("  - {line}");
        }
        for line in new.difference(&old) {
            eprintln!("  + {line}");
        }
    }
    if changed {
        eprintln!(
            "if the change is meant (a removal or change breaks callers: say so), run `cargo xtask api`"
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Prints how many of upstream's operations are served, and what does not conform; fails if anything
/// served does not.
fn conformance(root: &std::path::Path) -> ExitCode {
    use xtask::conformance;
    let ours = conformance::ours();
    let mut conforming = true;
    for package in conformance::PACKAGES {
        let verdicts = match conformance::upstream_operations(root, package) {
            Ok(upstream) => conformance::check(package, &upstream, &ours),
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        print!("{}", conformance::report(package, &verdicts));
        conforming &= verdicts.values().all(|v| v.problems.is_empty());
    }
    if conforming { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn bench(root: &std::path::Path, rest: &[&str]) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "--quiet", "-p", "csms-server", "-p", "csms-bench"])
        .status();
    if !built.is_ok_and(|s| s.success()) {
        eprintln!("error: building csms-server and csms-bench in release failed");
        return ExitCode::FAILURE;
    }
    let status = std::process::Command::new(root.join("target/release/csms-bench"))
        .current_dir(root)
        .arg("run")
        .args(rest)
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: running csms-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
