//! `shipdate throughput` on real CSV files: the counts, the plan line, the forecasts at
//! constant throughput, located errors and the JSON shape.

use serde_json::Value;

use crate::util::{path, scratch, shipdate};

/// Writes `text` to a fresh scratch file `name` for test `test`: its path.
fn csv(test: &str, name: &str, text: &str) -> String {
    let file = scratch(&format!("throughput_cli_{test}")).join(name);
    std::fs::write(&file, text).expect("write csv");
    file.to_string_lossy().into_owned()
}

/// A Linear-shaped export: items finished over the two weeks that end on Friday 4 December
/// 2026 (Saturday 21 November to Friday 4 December), one on a weekend, one unfinished and
/// one before the window.
const KNOWN: &str = "\
ID,Title,Status,Created,Completed
ENG-1,a,Done,2026-11-02T09:00:00.000Z,2026-11-23T10:00:00.000Z
ENG-2,b,Done,2026-11-02T09:00:00.000Z,2026-11-23T17:30:00.000Z
ENG-3,\"c, with a comma\",Done,2026-11-02T09:00:00.000Z,2026-11-25T11:00:00.000Z
ENG-4,d,Done,2026-11-02T09:00:00.000Z,2026-11-28T12:00:00.000Z
ENG-5,e,Done,2026-11-02T09:00:00.000Z,2026-12-01T09:00:00.000Z
ENG-6,f,Done,2026-11-02T09:00:00.000Z,2026-12-01T15:00:00.000Z
ENG-7,g,Done,2026-11-02T09:00:00.000Z,2026-12-01T16:00:00.000Z
ENG-8,h,Done,2026-11-02T09:00:00.000Z,2026-12-04T16:00:00.000Z
ENG-9,i,In Progress,2026-11-02T09:00:00.000Z,
ENG-10,j,Done,2026-11-02T09:00:00.000Z,2026-11-20T10:00:00.000Z
";

#[test]
fn known_completions_give_the_exact_per_day_counts_and_mean() {
    let file = csv("known", "linear.csv", KNOWN);
    let r = shipdate(&["throughput", &file, "--weeks", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Mon 23: 2, Wed 25: 1, Sat 28 counts on Mon 30: 1, Tue 1: 3, Fri 4: 1; zeros between.
    assert!(
        r.stdout
            .contains("throughput = { per = \"day\", samples = [2, 0, 1, 0, 0, 1, 3, 0, 0, 1] }\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(&format!(
        "{file}: 9 finished item(s) in column \"Completed\", 1 not finished\n"
    )));
    assert!(r.stdout.contains(
        "History: Sat 2026-11-21 to Fri 2026-12-04, 10 working days (Monday to Friday), 8 item(s) finished\n"
    ));
    assert!(r.stdout.contains(
        "  week to Fri 2026-11-27:  Mon 2  Tue 0  Wed 1  Thu 0  Fri 0  (3)\n  \
         week to Fri 2026-12-04:  Mon 1  Tue 3  Wed 0  Thu 0  Fri 1  (5)\n"
    ));
    // 8 items over 10 working days.
    assert!(r.stdout.contains("Mean:       0.8 items per working day\n"));
    // Moving ranges 2 1 1 0 1 2 3 0 1: mean 11/9; upper 0.8 + 2.66 x 11/9 = 4.051.
    assert!(r.stdout.contains(
        "Limits:     0 to 4.051 (natural process limits: mean ± 2.66 × mean moving range 1.222)\n"
    ));
    assert!(r
        .stdout
        .contains("Stability:  stable: every sample is inside the process limits\n"));
    // Ten samples: the small-sample warning, in the report and on standard error.
    assert!(
        r.stdout.contains("Samples:    10 (fewer than 11"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains(&format!("{file}: warning: only 10 sample(s)")),
        "{}",
        r.stderr
    );

    // Per week: the same two weeks, 3 and 5.
    let r = shipdate(&["throughput", &file, "--weeks", "2", "--per", "week"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("throughput = { per = \"week\", samples = [3, 5] }\n"));
    assert!(r.stdout.contains("Mean:       4 items per week\n"));
}

/// Two items finished on every working day of the two weeks ending Friday 4 December 2026.
fn two_a_day() -> String {
    let mut text = String::from("Issue key,Status,Resolved\n");
    let mut key = 0;
    for day in ["11/23", "11/24", "11/25", "11/26", "11/27"]
        .iter()
        .chain(&["11/30", "12/01", "12/02", "12/03", "12/04"])
    {
        for _ in 0..2 {
            key += 1;
            // Azure DevOps and Jira on US locales write month/day/year with a time.
            text += &format!("K-{key},Done,{day}/2026 3:45:00 PM\n");
        }
    }
    text
}

#[test]
fn when_and_how_many_at_constant_throughput_are_exact() {
    let file = csv("constant", "two-a-day.csv", &two_a_day());
    let r = shipdate(&[
        "throughput",
        &file,
        "--weeks",
        "2",
        "--items",
        "10",
        "--by",
        "2026-12-16",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("samples = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]"));
    // 10 items at 2 a working day: Mon 7 to Fri 11 December, at every likelihood.
    assert!(
        r.stdout.contains(
            "  50% likely  by Fri 2026-12-11\n  85% likely  by Fri 2026-12-11\n  \
             95% likely  by Fri 2026-12-11\n"
        ),
        "{}",
        r.stdout
    );
    // By Wed 16 December: 8 working days at 2 a day.
    assert!(r
        .stdout
        .contains("How many by Wed 2026-12-16? (8 working day(s)"));
    assert!(r.stdout.contains(
        "  50% likely  at least 16 item(s)\n  85% likely  at least 16 item(s)\n  \
         95% likely  at least 16 item(s)\n"
    ));
    // One item more needs one day more: Monday 14th.
    let r = shipdate(&["throughput", &file, "--weeks", "2", "--items", "11"]);
    assert!(
        r.stdout.contains("  95% likely  by Mon 2026-12-14\n"),
        "{}",
        r.stdout
    );
    // Per week: 10 a week spread over its 5 working days is the same pace.
    let r = shipdate(&[
        "throughput",
        &file,
        "--weeks",
        "2",
        "--per",
        "week",
        "--items",
        "10",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["when"]["dates"]["p95"], "2026-12-11");
}

#[test]
fn a_row_it_cannot_read_is_a_located_error_with_exit_2() {
    let file = csv(
        "bad",
        "bad.csv",
        "Issue key,Status,Resolved\nA-1,Done,2026-12-01\nA-2,Done,yesterday\nA-3,Open,\n\
         A-4,Done,31/Feb/26 1:00 PM\n",
    );
    let r = shipdate(&["throughput", &file]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "{file}:3:10: error: cannot read \"yesterday\" in column \"Resolved\" as a date"
        )),
        "{}",
        r.stderr
    );
    assert!(lines[1].starts_with(&format!(
        "{file}:5:10: error: cannot read \"31/Feb/26 1:00 PM\""
    )));
    // The summary names what the file is: a tracker's export, not a plan.
    assert_eq!(lines[2], format!("{file}: 2 error(s) in the CSV export"));
    // A column name given with a typo: the near miss is suggested.
    let r = shipdate(&["throughput", &file, "--column", "resolvd"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(&format!(
            "{file}:1:1: error: no column named \"resolvd\" in the header (did you mean \"Resolved\"?)"
        )),
        "{}",
        r.stderr
    );
    // A header with a typo and no --column: the near-miss header is suggested.
    let file = csv("bad", "typo.csv", "key,Resolvd\nA-1,2026-12-01\n");
    let r = shipdate(&["throughput", &file]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("(did you mean --column \"Resolvd\"?"),
        "{}",
        r.stderr
    );
    // A date on the command line that is not one is a usage error.
    let r = shipdate(&["throughput", &file, "--by", "soon"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--by `soon` is not a date"));
}

#[test]
fn json_holds_the_whole_analysis() {
    let file = csv("json", "linear.csv", KNOWN);
    let r = shipdate(&[
        "throughput",
        &file,
        "--weeks",
        "2",
        "--items",
        "5",
        "--by",
        "2026-12-11",
        "--seed",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["column"], "Completed");
    assert_eq!(
        (v["finished"].as_u64(), v["unfinished"].as_u64()),
        (Some(9), Some(1))
    );
    let h = &v["history"];
    assert_eq!(h["per"], "day");
    assert_eq!(
        h["samples"],
        serde_json::json!([2.0, 0.0, 1.0, 0.0, 0.0, 1.0, 3.0, 0.0, 0.0, 1.0])
    );
    assert_eq!(h["periods"][0], "2026-11-23");
    assert_eq!(h["periods"][9], "2026-12-04");
    assert_eq!(
        (h["from"].as_str(), h["to"].as_str()),
        (Some("2026-11-21"), Some("2026-12-04"))
    );
    assert_eq!(h["items"], 8);
    assert_eq!(
        v["plan_line"],
        "throughput = { per = \"day\", samples = [2, 0, 1, 0, 0, 1, 3, 0, 0, 1] }"
    );
    assert_eq!(v["mean"], 0.8);
    assert_eq!(v["limits"]["lower"], 0.0);
    assert!((v["limits"]["upper"].as_f64().unwrap() - (0.8 + 2.66 * 11.0 / 9.0)).abs() < 1e-9);
    assert_eq!(v["outside"], serde_json::json!([]));
    assert_eq!(v["stability"], "stable");
    assert_eq!(v["few_samples"], true);
    assert!((v["coverage"].as_f64().unwrap() - 9.0 / 11.0).abs() < 1e-12);
    assert_eq!(v["when"]["items"], 5);
    let dates = &v["when"]["dates"];
    assert!(dates["p50"].as_str() <= dates["p85"].as_str());
    assert!(dates["p85"].as_str() <= dates["p95"].as_str());
    assert_eq!(v["how_many"]["by"], "2026-12-11");
    assert_eq!(v["how_many"]["working_days"], 5);
    let c = &v["how_many"]["counts"];
    assert!(c["p50"].as_u64() >= c["p85"].as_u64() && c["p85"].as_u64() >= c["p95"].as_u64());
    assert_eq!(
        (v["iterations"].as_u64(), v["seed"].as_u64()),
        (Some(10_000), Some(3))
    );
    assert_eq!(v["warnings"][0]["severity"], "warning");
    // The same seed, the same forecast.
    let again = shipdate(&[
        "throughput",
        &file,
        "--weeks",
        "2",
        "--items",
        "5",
        "--by",
        "2026-12-11",
        "--seed",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(again.stdout, r.stdout);
}

#[test]
fn the_jira_example_reads_whole() {
    let file = path("examples/throughput-jira.csv");
    let r = shipdate(&[
        "throughput",
        &file,
        "--items",
        "40",
        "--by",
        "2027-01-29",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["column"], "Resolved");
    assert_eq!(v["unfinished"], 4);
    let samples: Vec<f64> = v["history"]["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_f64().unwrap())
        .collect();
    // Twelve weeks of working days, every finished item inside them.
    assert_eq!(samples.len(), 60);
    assert_eq!(samples.iter().sum::<f64>(), v["finished"].as_f64().unwrap());
    assert_eq!(v["history"]["to"], "2026-12-04");
    assert!(v["when"]["dates"]["p50"].is_string());
}

#[test]
fn chart_writes_the_run_chart() {
    let dir = scratch("throughput_cli_chart");
    let input = dir.join("linear.csv");
    std::fs::write(&input, KNOWN).expect("write csv");
    let chart = dir.join("run.svg");
    let (input, chart) = (input.to_str().unwrap(), chart.to_str().unwrap());
    let r = shipdate(&["throughput", input, "--weeks", "2", "--chart", chart]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("wrote {chart}")), "{}", r.stderr);
    let svg = std::fs::read_to_string(chart).expect("the chart");
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    assert_eq!(svg.matches("<circle class=\"sample").count(), 10);
    for class in ["run", "mean", "upper-limit", "lower-limit"] {
        assert_eq!(
            svg.matches(&format!("class=\"{class}\"")).count(),
            1,
            "{class}"
        );
    }
    assert!(svg.contains("<title>Tue 2026-12-01: 3</title>"));
    // The chart may not replace the input.
    let r = shipdate(&["throughput", input, "--chart", input]);
    assert_eq!(r.code, 2);
    assert_eq!(std::fs::read_to_string(input).unwrap(), KNOWN);
}

/// SPEC section 9 in plans: an item-sized task's errors exit 2 at their line and column, the
/// warnings go to standard error with exit 0, and the example plan simulates.
#[test]
fn plans_with_item_sized_tasks_validate_and_simulate() {
    let dir = scratch("throughput_cli_plans");
    let example = std::fs::read_to_string(path("examples/throughput.toml")).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        example.replace("items = 12\n", "items = 12\nestimate = 3\n"),
    )
    .unwrap();
    let r = shipdate(&["validate", &bad.to_string_lossy()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("bad.toml:49:9: error: task `facets`: has both `items` and `estimate`"),
        "{}",
        r.stderr
    );
    let few = dir.join("few.toml");
    std::fs::write(
        &few,
        "[plan]\nname = \"x\"\n[teams.t]\ncapacity = 1\n\
         throughput = { per = \"day\", samples = [1, 2, 9] }\n\
         [[tasks]]\nid = \"a\"\nteam = \"t\"\nitems = 4\n",
    )
    .unwrap();
    let r = shipdate(&["validate", &few.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 item-sized"), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("few.toml:3:1: warning: team `t` has 3 throughput samples"),
        "{}",
        r.stderr
    );
    let r = shipdate(&["schedule", &few.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Four items at the mean of 4 a day.
    assert!(
        r.stdout.starts_with("x: makespan 1 periods"),
        "{}",
        r.stdout
    );
    let r = shipdate(&[
        "simulate",
        &path("examples/throughput.toml"),
        "-n",
        "2000",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["releases"][0]["id"], "search-1");
}

#[test]
fn burn_up_draws_the_fan_of_the_when_question() {
    let dir = scratch("throughput_cli_burn_up");
    let file = csv("burn_up", "two-a-day.csv", &two_a_day());
    let fan = dir.join("fan.svg");
    let fan = fan.to_str().unwrap();
    let r = shipdate(&[
        "throughput",
        &file,
        "--weeks",
        "2",
        "--items",
        "10",
        "--burn-up",
        fan,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let svg = std::fs::read_to_string(fan).expect("the fan");
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    assert!(
        svg.contains("Items done by each working day, Dec 07 to Dec 11"),
        "{svg}"
    );
    // Two a day: every band is the same straight line, from 0 to the goal in five days.
    let points = |class: &str| {
        let at = svg
            .find(&format!("class=\"{class}\" points=\""))
            .expect(class);
        let rest = &svg[at + class.len() + 17..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let p50 = points("p50");
    assert_eq!(p50.split(' ').count(), 6, "{p50}");
    assert_eq!((points("p85"), points("p95")), (p50.clone(), p50.clone()));
    assert_eq!(svg.matches("class=\"goal\"").count(), 1);
    // The fan answers --items: without it, no fan.
    let r = shipdate(&["throughput", &file, "--burn-up", fan]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("--items"), "{}", r.stderr);
}
