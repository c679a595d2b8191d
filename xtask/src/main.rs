//! `cargo xtask schemas [--check]`: writes (or checks) `schemas/*.json` and `schemas/openapi.json`.

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
        _ => {
            eprintln!("usage: cargo xtask schemas [--check]");
            ExitCode::from(2)
        }
    }
}
