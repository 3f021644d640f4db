//! `shipdate report`, `shipdate init` and the plan-quality warnings of `shipdate validate`,
//! through the real binary. (The report's look in a browser: tests/browser/report.test.mjs.)

use std::path::PathBuf;

use shipdate_engine::io::{self, Format};

use crate::util::{shipdate, shipdate_in, EXAMPLE};

fn scratch(name: &str) -> PathBuf {
    crate::util::scratch(&format!("report-{name}"))
}

#[test]
fn the_report_is_one_self_contained_page_with_every_chart() {
    let dir = scratch("page");
    let out = dir.join("r.html");
    let r = shipdate(&[
        "report",
        EXAMPLE,
        "-o",
        out.to_str().unwrap(),
        "-n",
        "1000",
        "--seed",
        "3",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    for id in [
        "gantt",
        "histogram",
        "s-curve",
        "tornado-tasks",
        "tornado-risks",
        "windows-2027.1",
        "windows-2027.2",
        "windows-2027.3",
    ] {
        let at = page
            .find(&format!("<figure id=\"{id}\"><svg "))
            .unwrap_or_else(|| panic!("chart {id}"));
        assert!(page[at..].contains("</svg>"));
    }
    // Nothing to fetch and nothing to run: no scripts, no external URLs, only data: links.
    assert!(!page.to_ascii_lowercase().contains("<script"));
    let mut rest = page.as_str();
    while let Some(i) = rest.find("http") {
        let url = &rest[i..];
        assert!(
            url.starts_with("http://www.w3.org/2000/svg\"") || url.starts_with("http-equiv="),
            "an outside URL: {}",
            &url[..url.len().min(60)]
        );
        rest = &rest[i + 4..];
    }
    for attr in ["src=", "href="] {
        let mut rest = page.as_str();
        while let Some(i) = rest.find(attr) {
            assert!(
                rest[i + attr.len()..].starts_with("\"data:"),
                "{attr} not data:"
            );
            rest = &rest[i + attr.len()..];
        }
    }
    assert!(page.contains("default-src 'none'"));
    // The quality warnings of the plan are in it.
    assert!(page.contains("Plan quality"));
    // The same seed gives the same page; another seed another page.
    let again = dir.join("again.html");
    let other = dir.join("other.html");
    shipdate(&[
        "report",
        EXAMPLE,
        "-o",
        again.to_str().unwrap(),
        "-n",
        "1000",
        "--seed",
        "3",
    ]);
    shipdate(&[
        "report",
        EXAMPLE,
        "-o",
        other.to_str().unwrap(),
        "-n",
        "1000",
        "--seed",
        "4",
    ]);
    assert_eq!(std::fs::read_to_string(&again).unwrap(), page);
    assert_ne!(std::fs::read_to_string(&other).unwrap(), page);
}

#[test]
fn plan_text_is_escaped_everywhere_in_the_report() {
    let dir = scratch("escape");
    let plan = dir.join("evil.toml");
    std::fs::write(
        &plan,
        "[plan]\nname = \"<script>alert(1)</script>\"\n[teams.\"t<b>\"]\ncapacity = 1\n\
         [[tasks]]\nid = \"a\"\nname = \"<img src=x onerror=alert(1)>\"\nteam = \"t<b>\"\nestimate = { low = 1, likely = 2, high = 3 }\n\
         [[risks]]\nid = \"r\"\nprobability = 0.5\nimpact = 1\ntasks = [\"a\"]\n\
         [[releases]]\nid = \"v1\"\ntasks = [\"a\"]\n",
    )
    .unwrap();
    let r = shipdate_in(&dir, &["report", "evil.toml", "-o", "-", "-n", "200"]);
    // `t<b>` is not a valid team id; the plan error is reported, nothing is written.
    assert_eq!(r.code, 2, "{}", r.stderr);
    std::fs::write(
        &plan,
        std::fs::read_to_string(&plan)
            .unwrap()
            .replace("t<b>", "tb"),
    )
    .unwrap();
    let r = shipdate_in(&dir, &["report", "evil.toml", "-o", "-", "-n", "200"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = r.stdout;
    assert!(!page.contains("<img"));
    assert!(!page.contains("<script"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn validate_prints_quality_warnings_and_still_passes() {
    let dir = scratch("lint");
    let plan = dir.join("p.toml");
    std::fs::write(
        &plan,
        "[plan]\nname = \"p\"\nstart = 2027-01-04\n\
         [teams.be]\ncapacity = 1\n\
         [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 4\n\
         [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = { low = 3, likely = 3, high = 3 }\n\
         after = [{ task = \"a\", lag = 12 }]\n\
         [[tasks]]\nid = \"c\"\nestimate = 1\n\
         [[releases]]\nid = \"r\"\ntasks = [\"b\"]\ntarget = 2027-01-08\n",
    )
    .unwrap();
    let r = shipdate_in(&dir, &["validate", "p.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("p.toml: ok"));
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "p.toml:14:10: warning: task `b` has a lag of 12 days after `a` (lags over 10 days usually hide work or waiting: model it as a task)",
            "p.toml:10:1: warning: task `b` has an estimate with a zero range (low = high = 3) (write the single number, or give it a real low and high)",
            "p.toml:15:1: warning: task `c` has no predecessor: it can start on day 0 (link it to what it waits for (`after`), or to a start milestone)",
            "p.toml:15:1: warning: task `c` has no successor: it can slip without moving anything (make a later task or a release depend on it)",
            "p.toml:15:1: warning: task `c` is outside every release: no release needs it (add it (or a task that depends on it) to a release's `tasks`)",
            "p.toml:4:1: warning: team `be` is loaded over capacity: 7 days of work but 5 capacity-days up to the latest target (2027-01-08) (raise its capacity, move work to another team, or move a target)",
        ]
    );
}

#[test]
fn init_writes_a_plan_that_validates_cleanly_and_never_overwrites() {
    let dir = scratch("init");
    let r = shipdate_in(&dir, &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    assert!(text.starts_with("# A shipdate release plan."));
    let plan = io::parse_str(&text, Format::Toml).expect("the starter plan is valid");
    assert!(plan.is_dated() && plan.tasks.len() >= 4 && !plan.releases.is_empty());
    assert!(!plan.risks.is_empty());
    assert!(shipdate_engine::lint::lint(&plan).is_empty());
    let v = shipdate_in(&dir, &["validate", "plan.toml"]);
    assert_eq!(v.code, 0, "{}", v.stderr);
    assert_eq!(v.stderr, "", "no quality warnings");
    for cmd in [
        &["schedule", "plan.toml"][..],
        &["simulate", "plan.toml", "-n", "200"][..],
    ] {
        let r = shipdate_in(&dir, cmd);
        assert_eq!(r.code, 0, "{cmd:?}: {}", r.stderr);
    }
    // A second init, and one onto any existing file, refuse and leave the file alone.
    std::fs::write(dir.join("mine.toml"), "keep me").unwrap();
    for target in [&["init"][..], &["init", "mine.toml"][..]] {
        let r = shipdate_in(&dir, target);
        assert_eq!(r.code, 1, "{target:?}");
        assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("mine.toml")).unwrap(),
        "keep me"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("plan.toml")).unwrap(),
        text
    );
    // Another name works.
    let r = shipdate_in(&dir, &["init", "other.toml"]);
    assert_eq!(r.code, 0);
    assert!(dir.join("other.toml").exists());
}

#[test]
fn init_throughput_writes_an_item_sized_plan_that_validates_cleanly() {
    let dir = scratch("init-throughput");
    let r = shipdate_in(&dir, &["init", "--throughput", "tp.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.join("tp.toml")).unwrap();
    let plan = io::parse_str(&text, Format::Toml).expect("the starter plan is valid");
    assert!(plan.teams.iter().all(|t| t.throughput.is_some()));
    assert!(plan.tasks.iter().filter(|t| t.items.is_some()).count() >= 3);
    assert!(shipdate_engine::lint::lint(&plan).is_empty());
    let v = shipdate_in(&dir, &["validate", "tp.toml"]);
    assert_eq!(v.code, 0, "{}", v.stderr);
    assert_eq!(v.stderr, "", "no quality warnings");
    let s = shipdate_in(&dir, &["simulate", "tp.toml", "-n", "500"]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert!(s.stdout.contains("v1"), "{}", s.stdout);
}
