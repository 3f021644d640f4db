//! `shipdate simulate` run as a real process.

fn shipdate(args: &[&str]) -> std::process::Output {
    crate::util::command(args)
        .output()
        .expect("the binary runs")
}

const EXAMPLE: &str = "examples/checkout.toml";

#[test]
fn json_is_byte_identical_for_any_thread_count() {
    for extra in [&[][..], &["--ignore-capacity", "--sampling", "lhs"][..]] {
        let run = |threads: Option<&str>| {
            let mut args = vec![
                "simulate", EXAMPLE, "-n", "4000", "--seed", "11", "--format", "json",
            ];
            args.extend_from_slice(extra);
            if let Some(t) = threads {
                args.extend_from_slice(&["--threads", t]);
            }
            let out = shipdate(&args);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        let one = run(Some("1"));
        assert!(!one.is_empty());
        assert_eq!(one, run(Some("2")), "--threads 2 differs from --threads 1");
        assert_eq!(
            one,
            run(None),
            "the default thread count differs from --threads 1"
        );
        let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
        assert_eq!(v["iterations"], 4000);
        assert_eq!(v["seed"], 11);
        for key in ["mean", "p10", "p50", "p80", "p90", "p95"] {
            assert!(v["makespan"][key].is_f64(), "makespan.{key}");
        }
        let r = &v["releases"][0];
        assert!(r["ready"]["p80"].is_f64());
        assert!(r["deploy_date"]["p50"].is_string());
        assert!(r["on_time_probability"].is_f64() && r["on_time_se"].is_f64());
        assert!(r["unscheduled_probability"].is_f64());
        assert!(r["windows"][0]["date"].is_string() && r["windows"][0]["probability"].is_f64());
        assert!(v["tasks"][0]["criticality"].is_f64() && v["tasks"][0]["sensitivity"].is_f64());
        assert!(v["risks"][0]["fired"].is_f64() && v["risks"][0]["p80_effect"].is_f64());
    }
}

#[test]
fn a_different_seed_gives_different_numbers_and_the_same_seed_the_same() {
    let run = |seed: &str| {
        shipdate(&[
            "simulate", EXAMPLE, "-n", "500", "--seed", seed, "--format", "json",
        ])
        .stdout
    };
    assert_eq!(run("3"), run("3"));
    assert_ne!(run("3"), run("4"));
}

#[test]
fn the_table_answers_a_release_manager() {
    let out = shipdate(&["simulate", EXAMPLE, "-n", "2000"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "2000 simulated futures",
        "seed 1",
        "80% likely",
        "Releases",
        "on time",
        "Deploy window odds",
        "Top task drivers",
        "Risk drivers",
        "When all work is done",
        "P50",
        "P80",
        "P95",
        "shipdate simulate examples/checkout.toml -n 2000 --seed 1",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    // Dates, not offsets, for a dated plan.
    assert!(text.contains("2027-"), "{text}");
    // No progress bar or other noise on stdout, nothing on stderr when not a terminal.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn errors_and_exit_codes() {
    let out = shipdate(&["simulate", EXAMPLE, "-n", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 1"));
    let out = shipdate(&["simulate", "tests/data/bad-four-errors.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = shipdate(&["simulate", EXAMPLE, "--sampling", "sobol"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap rejects an unknown sampling"
    );
}

#[test]
fn undated_plans_report_periods() {
    let dir = std::env::temp_dir().join(format!("shipdate-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("undated.toml");
    std::fs::write(
        &path,
        "[plan]\nname = \"u\"\n[[tasks]]\nid = \"a\"\nestimate = { low = 1, likely = 2, high = 4 }\n\
         [[releases]]\nid = \"r\"\ntasks = [\"a\"]\nwindows = [2, 3, 5]\n",
    )
    .unwrap();
    let out = shipdate(&[
        "simulate",
        path.to_str().unwrap(),
        "-n",
        "1000",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("finish_date").is_none());
    assert!(v["releases"][0].get("deploy_date").is_none());
    assert!(v["releases"][0]["deploy"]["p50"].is_f64());
    assert!(v["releases"][0]["windows"][0]["period"].is_f64());
    let out = shipdate(&["simulate", path.to_str().unwrap(), "-n", "1000"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("periods"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

/// `--no-risk-effects` leaves out only the per-risk P80 effects: every other number is the
/// same, and the table says what was not measured.
#[test]
fn no_risk_effects_changes_nothing_else() {
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["simulate", EXAMPLE, "-n", "2000", "--format", "json"];
        args.extend_from_slice(extra);
        let out = shipdate(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (mut with, mut without) = (json(&[]), json(&["--no-risk-effects"]));
    let (rw, ro) = (
        with["risks"].as_array().unwrap().clone(),
        without["risks"].as_array().unwrap().clone(),
    );
    assert_eq!(rw.len(), 3);
    for (a, b) in rw.iter().zip(&ro) {
        assert_eq!((&a["id"], &a["fired"]), (&b["id"], &b["fired"]));
        assert!(a["p80_effect"].is_number() && b.get("p80_effect").is_none());
    }
    with["risks"] = serde_json::Value::Null;
    without["risks"] = serde_json::Value::Null;
    assert_eq!(with, without);
    let table = shipdate(&["simulate", EXAMPLE, "-n", "2000", "--no-risk-effects"]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("was not measured: --no-risk-effects"),
        "{text}"
    );
    assert!(!text.contains("Risk drivers"), "{text}");
}
