//! `shipdate check` through the real binary: the table with located offenders, JSON, and the
//! exit status with `--strict`.

use serde_json::Value;

use crate::util::{data, scratch, shipdate, shipdate_stdin, EXAMPLE};

/// A plan that passes every check that runs.
const CLEAN: &str = "[plan]\nname = \"clean\"\n[teams.be]\ncapacity = 1\n\
                     [[tasks]]\nid = \"start\"\nkind = \"milestone\"\n\
                     [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\nafter = [\"start\"]\n\
                     [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\nafter = [\"a\"]\n\
                     [[releases]]\nid = \"r\"\ntasks = [\"b\"]\ntarget = 10\n";

/// The example's one lead: `dunning` starts 2 days before `billing` finishes.
const DUNNING_LINK: &str = "after = [{ task = \"billing\", type = \"FS\", lag = -2 }]";

fn example_json() -> Value {
    let r = shipdate(&["check", EXAMPLE, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("JSON")
}

fn by_key<'a>(v: &'a Value, key: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("check {key}"))
}

#[test]
fn the_example_reports_its_lead_located_at_the_link() {
    let r = shipdate(&["check", EXAMPLE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let text = std::fs::read_to_string(EXAMPLE).unwrap();
    let line = text
        .lines()
        .position(|l| l == DUNNING_LINK)
        .expect("the example's lead")
        + 1;
    let expected = format!("{EXAMPLE}:{line}:10: leads: `dunning`: FS -2 from `billing`");
    assert!(
        r.stdout.lines().any(|l| l == expected),
        "no `{expected}` in\n{}",
        r.stdout
    );
    let leads = r
        .stdout
        .lines()
        .find(|l| l.contains("Leads (negative lags)"))
        .expect("a row for leads");
    assert!(
        leads.contains("FAIL") && leads.contains("dunning"),
        "{leads}"
    );
    for skipped in ["Invalid dates", "Missed tasks", "(BEI)"] {
        let row = r
            .stdout
            .lines()
            .find(|l| l.contains(skipped))
            .unwrap_or_else(|| panic!("a row for {skipped}"));
        assert!(row.contains("skipped"), "{row}");
    }
}

#[test]
fn json_has_the_fourteen_checks_with_closed_counts() {
    let v = example_json();
    assert_eq!(v["plan"], "Checkout 2027");
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 14);
    for (k, c) in checks.iter().enumerate() {
        assert_eq!(c["number"], k + 1);
        for field in [
            "key",
            "name",
            "threshold",
            "count",
            "total",
            "status",
            "subjects",
        ] {
            assert!(!c[field].is_null(), "{field} in {c}");
        }
    }
    let leads = by_key(&v, "leads");
    assert_eq!(leads["count"], 1);
    assert_eq!(leads["status"], "fail");
    assert_eq!(leads["subjects"][0]["id"], "dunning");
    assert_eq!(leads["subjects"][0]["detail"], "FS -2 from `billing`");
    assert_eq!(leads["subjects"][0]["pos"]["column"], 10);
    assert_eq!(by_key(&v, "bei")["status"], "skipped");
    // The example's teamless tasks are gates and milestones: no work without a team.
    assert_eq!(by_key(&v, "resources")["count"], 0);
    let failed = checks.iter().filter(|c| c["status"] == "fail").count();
    assert_eq!(v["failed"], failed);
    let counted = v["failed"].as_u64().unwrap()
        + v["passed"].as_u64().unwrap()
        + v["skipped"].as_u64().unwrap();
    assert_eq!(counted, 14);
}

#[test]
fn strict_exits_3_on_a_failed_check_and_0_on_a_clean_plan() {
    let r = shipdate(&["check", EXAMPLE, "--strict"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stdout.contains("Leads (negative lags)"), "{}", r.stdout);
    assert!(r.stderr.contains("health check(s) failed"), "{}", r.stderr);
    let r = shipdate_stdin(&["check", "-", "--strict"], Some(CLEAN));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("0 failed"), "{}", r.stdout);
    let r = shipdate_stdin(&["check", "-", "--strict", "--format", "json"], Some(CLEAN));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["failed"], 0);
}

#[test]
fn long_days_sets_the_high_duration_and_float_threshold() {
    let r = shipdate_stdin(
        &[
            "check",
            "-",
            "--strict",
            "--long-days",
            "2.5",
            "--format",
            "json",
        ],
        Some(CLEAN),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let long = by_key(&v, "high_duration");
    assert_eq!(
        (long["count"].as_u64(), long["total"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(long["subjects"][0]["id"], "a");
    let r = shipdate(&["check", EXAMPLE, "--long-days", "0"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn a_plan_with_errors_exits_2() {
    let r = shipdate(&["check", &data("bad-four-errors.toml")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn the_html_report_has_the_same_checks() {
    let dir = scratch("check-report");
    let out = dir.join("report.html");
    let r = shipdate(&["report", EXAMPLE, "-n", "100", "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&out).unwrap();
    let at = page
        .find("<section id=\"health\">")
        .expect("a health section");
    let section = &page[at..at + page[at..].find("</section>").unwrap()];
    assert!(
        section.contains("10 passed, 1 failed, 3 skipped"),
        "{section}"
    );
    assert_eq!(section.matches("<tr><td class=\"num\">").count(), 14);
    assert!(section.contains("Leads (negative lags)"), "{section}");
    assert!(
        section.contains("checkout.toml:257:10</code> Leads (negative lags): <code>dunning</code> FS -2 from `billing`"),
        "{section}"
    );
}
