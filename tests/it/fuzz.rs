//! The fuzz targets (fuzz/common), bounded, on every test run: every corpus file and every
//! input that once failed (fuzz/regressions/) must run without a panic or a hang, and so must
//! a fixed-seed batch of mutants per target. Longer runs by hand: `cargo run --release
//! --example fuzz -- --seconds 600`, or `cargo +nightly fuzz run TARGET` in fuzz/.

#[path = "../../fuzz/common/mod.rs"]
mod common;

use std::path::Path;
use std::time::Duration;

use common::runner::{self, Settings};
use common::Target;

fn seeds(dir: &str, target: Target) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(dir);
    runner::files_in(&root.join(target.name()))
        .into_iter()
        .filter(|p| p.extension().and_then(|e| e.to_str()) != Some("txt"))
        .map(|p| std::fs::read(p).expect("read a fuzz input"))
        .collect()
}

fn settings(iterations: u64) -> Settings {
    Settings {
        iterations,
        duration: Duration::from_secs(120),
        seed: 20261205,
        timeout: Duration::from_secs(30),
        out: None,
    }
}

fn check(target: Target, seeds: &[Vec<u8>], iterations: u64) {
    let o = runner::fuzz(target, seeds, &settings(iterations));
    let report: Vec<String> = o
        .failures
        .iter()
        .map(|f| {
            format!(
                "{}\n--- input ---\n{}",
                f.what,
                String::from_utf8_lossy(&f.input)
            )
        })
        .collect();
    assert!(
        o.failures.is_empty(),
        "{}: {}",
        target.name(),
        report.join("\n\n")
    );
    assert_eq!(o.executions, seeds.len() as u64 + iterations);
}

#[test]
fn every_target_has_a_corpus_that_it_accepts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for target in Target::ALL {
        let files = runner::files_in(&root.join(target.name()));
        assert!(!files.is_empty(), "no corpus for {}", target.name());
        let mut good = 0;
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).expect("read a corpus file");
            // Every corpus file reads as a plan but the deliberately broken ones (bad*), which
            // are there to start the mutator from errors; those must be refused.
            let broken = name.starts_with("bad");
            assert_eq!(
                common::run(target, &bytes),
                !broken,
                "{}/{name}",
                target.name()
            );
            good += usize::from(!broken);
        }
        assert!(
            good > 0,
            "{}: no corpus file reads as a plan",
            target.name()
        );
    }
}

#[test]
fn generated_plans_are_valid() {
    let mut rng = common::Rng::new(3);
    for _ in 0..300 {
        let data: Vec<u8> = (0..rng.below(200)).map(|_| rng.next_u64() as u8).collect();
        let plan = common::generate_plan(&data);
        if let Err(e) = shipdate_engine::io::parse_str(&plan, shipdate_engine::io::Format::Toml) {
            panic!("{e:?}\n{plan}");
        }
    }
}

/// Found by `fuzz_readers_bounded` (json): a plan calendar that is not defined, in a plan
/// that defines no calendar and has a team, panicked (index out of bounds) instead of being
/// reported.
#[test]
fn an_unknown_plan_calendar_without_calendars_is_a_located_error() {
    use shipdate_engine::io::{parse_str, Format};
    let toml = "[plan]\nname = \"x\"\nstart = 2027-01-04\ncalendar = \"office\"\n\n[teams.t]\ncapacity = 1\n";
    let json = r#"{"plan": {"name": "x", "start": "2027-01-04", "calendar": "office"}, "teams": {"t": {"capacity": 1}}}"#;
    for (src, format, at) in [(toml, Format::Toml, (4, 12)), (json, Format::Json, (1, 59))] {
        let errors = parse_str(src, format).expect_err("an unknown calendar");
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = &errors[0];
        assert_eq!(e.message, "unknown calendar `office` for [plan]");
        let pos = e.pos.expect("located");
        assert_eq!((pos.line, pos.column), at);
    }
}

#[test]
fn regressions_run_clean() {
    for target in Target::ALL {
        check(target, &seeds("regressions", target), 0);
    }
}

#[test]
fn fuzz_readers_bounded() {
    for target in [
        Target::Toml,
        Target::Json,
        Target::Mspdi,
        Target::Csv,
        Target::Psplib,
        Target::Rcp,
    ] {
        check(target, &seeds("corpus", target), 400);
    }
}

#[test]
fn fuzz_pipeline_bounded() {
    check(Target::Pipeline, &seeds("corpus", Target::Pipeline), 60);
}
