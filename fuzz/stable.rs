//! Fuzzing with the stable toolchain: `cargo run --release --example fuzz -- [OPTIONS] [TARGET...]`
//!
//! Runs each target (default: all of toml, json, mspdi, csv, psplib, rcp, pipeline) over its
//! corpus (`fuzz/corpus/TARGET/`) and the inputs that once failed (`fuzz/regressions/TARGET/`),
//! then over seeded mutants of them, for `--seconds` (default 60) or `--iterations` per
//! target. A panic is a failure; so is a run longer than `--timeout` (default 20 s), which
//! ends that target's session. Failing inputs are written to `--out` (default
//! `target/fuzz-findings/`) with a `.txt` beside each saying what happened. Exit status 1 if
//! anything failed.
//!
//! `tests/it/fuzz.rs` runs the same loop for a bounded number of mutants on every test run.

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use common::runner::{self, Settings};
use common::Target;

fn usage() -> ExitCode {
    eprintln!(
        "usage: fuzz [--seconds N] [--iterations N] [--seed S] [--timeout SECS] [--out DIR] [TARGET...]\n\
         targets: toml json mspdi csv psplib rcp pipeline"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut settings = Settings {
        iterations: u64::MAX,
        duration: Duration::from_secs(60),
        seed: 1,
        timeout: Duration::from_secs(20),
        out: Some(root.join("target/fuzz-findings")),
    };
    let mut targets = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().and_then(|v| v.parse::<u64>().ok());
        match a.as_str() {
            "--seconds" => match value() {
                Some(v) => settings.duration = Duration::from_secs(v),
                None => return usage(),
            },
            "--iterations" => match value() {
                Some(v) => settings.iterations = v,
                None => return usage(),
            },
            "--seed" => match value() {
                Some(v) => settings.seed = v,
                None => return usage(),
            },
            "--timeout" => match value() {
                Some(v) => settings.timeout = Duration::from_secs(v),
                None => return usage(),
            },
            "--out" => match args.next() {
                Some(v) => settings.out = Some(PathBuf::from(v)),
                None => return usage(),
            },
            name => match Target::from_name(name) {
                Some(t) => targets.push(t),
                None => return usage(),
            },
        }
    }
    if targets.is_empty() {
        targets = Target::ALL.to_vec();
    }
    if let Some(out) = &settings.out {
        let _ = std::fs::create_dir_all(out);
    }
    let mut failed = false;
    for target in targets {
        let seeds = seeds(root, target);
        let o = runner::fuzz(target, &seeds, &settings);
        println!(
            "{:<9} {:>9} executions ({} seeds, {} accepted) in {:.1} s, {:.0}/s: {} failure(s){}",
            target.name(),
            o.executions,
            seeds.len(),
            o.accepted,
            o.elapsed.as_secs_f64(),
            o.executions as f64 / o.elapsed.as_secs_f64().max(1e-9),
            o.failures.len(),
            if o.hung { " (stopped on a hang)" } else { "" }
        );
        for f in &o.failures {
            let at = f
                .saved
                .as_ref()
                .map_or(String::new(), |p| format!(" [{}]", p.display()));
            println!("  {}{at}", f.what);
        }
        failed |= !o.failures.is_empty();
        if o.hung {
            // The hung run's thread cannot be stopped; the rest would share the machine with it.
            println!("stopping: a run hung");
            break;
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The corpus and the regression inputs of a target.
fn seeds(root: &Path, target: Target) -> Vec<Vec<u8>> {
    let fuzz = root.join("fuzz");
    runner::files_in(&fuzz.join("corpus").join(target.name()))
        .into_iter()
        .chain(runner::files_in(
            &fuzz.join("regressions").join(target.name()),
        ))
        .filter(|p| p.extension().and_then(|e| e.to_str()) != Some("txt"))
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}
