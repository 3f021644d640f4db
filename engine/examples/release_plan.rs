//! A release plan built in code, checked, scheduled, simulated and planned onto deploy
//! windows through the crate's front door.
//!
//! ```sh
//! cargo run -p shipdate-engine --example release_plan
//! ```
//!
//! Prints the schedule, the Monte Carlo risk and the window plan; exits with status 1 if the
//! plan it builds has an error.

use chrono::NaiveDate;
use shipdate_engine::model::{
    Cadence, Calendar, Estimate, Link, LinkKind, Plan, Release, Risk, Task, TaskKind, Team, When,
};
use shipdate_engine::{
    plan_windows, schedule, simulate, validate, Severity, SimulateOptions, WindowsOptions,
};

/// A task of `team` (index into the plan's teams) with a three-point estimate, after `after`.
fn task(
    id: &str,
    team: Option<usize>,
    (low, likely, high): (f64, f64, f64),
    after: Vec<Link>,
) -> Task {
    let mut t = Task::new(id, Estimate::Pert { low, likely, high });
    t.team = team;
    t.demand = u32::from(team.is_some());
    t.after = after;
    t
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// Two teams, six tasks, a risk, and one release that deploys on Thursdays.
fn build() -> Plan {
    const BACKEND: Option<usize> = Some(0);
    const WEB: Option<usize> = Some(1);
    let fs = |pred| Link::new(pred, LinkKind::FS, 0.0);
    let mut kickoff = task("kickoff", None, (0.0, 0.0, 0.0), Vec::new());
    kickoff.kind = TaskKind::Milestone;
    kickoff.estimate = Estimate::Fixed { value: 0.0 };
    let tasks = vec![
        kickoff,
        task("schema", BACKEND, (2.0, 3.0, 6.0), vec![fs(0)]),
        task("api", BACKEND, (6.0, 8.0, 14.0), vec![fs(1)]),
        // The web work starts two days after the API work starts (SS with a lag).
        task(
            "ui",
            WEB,
            (5.0, 7.0, 12.0),
            vec![Link::new(2, LinkKind::SS, 2.0)],
        ),
        task("e2e", WEB, (2.0, 3.0, 5.0), vec![fs(2), fs(3)]),
        task("launch", BACKEND, (1.0, 1.0, 2.0), vec![fs(4)]),
    ];
    let mut release = Release::new("checkout-v2", vec![5]);
    release.target = Some(When::Date(date(2027, 2, 12)));
    release.cadence = Some(Cadence::Weekly {
        weekdays: [false, false, false, true, false, false, false],
        every_weeks: 1,
        from: date(2027, 1, 4),
    });
    let mut plan = Plan::new("Checkout v2");
    plan.start = Some(date(2027, 1, 4));
    plan.calendars = vec![Calendar {
        id: "office".to_string(),
        workdays: [true, true, true, true, true, false, false],
        holidays: vec![date(2027, 1, 18)],
    }];
    plan.teams = vec![Team::new("backend", 1), Team::new("web", 1)];
    plan.tasks = tasks;
    let impact = Estimate::Pert {
        low: 2.0,
        likely: 4.0,
        high: 8.0,
    };
    plan.risks = vec![Risk::new("vendor-sdk", 0.3, impact, vec![3])];
    plan.releases = vec![release];
    plan
}

fn main() -> std::process::ExitCode {
    let plan = build();
    let found = validate(&plan);
    for d in &found {
        println!("{:?}: {}", d.severity, d.message);
    }
    if found.iter().any(|d| d.severity == Severity::Error) {
        return std::process::ExitCode::FAILURE;
    }

    let report = schedule(&plan);
    println!(
        "schedule of {} (makespan {} working days)",
        plan.name, report.makespan
    );
    for t in &report.tasks {
        let dates = match (t.start_date, t.finish_date) {
            (Some(s), Some(f)) => format!("{s} .. {f}"),
            _ => String::new(),
        };
        let critical = if t.critical { "  critical" } else { "" };
        println!(
            "  {:<8} {:>5} .. {:>5}  {dates}{critical}",
            t.id, t.start, t.finish
        );
    }
    for r in &report.releases {
        println!(
            "  release {}: ready {:?}, deploys {:?}, on time: {:?}",
            r.id, r.ready_date, r.deploy_date, r.on_time
        );
    }

    let options = SimulateOptions {
        iterations: 5000,
        seed: 7,
        ..SimulateOptions::default()
    };
    let sim = simulate(&plan, &options).expect("a valid plan and at least one iteration");
    println!(
        "simulation ({} iterations, seed {}): finish P50 {:.1}, P80 {:.1}, P95 {:.1} working days",
        sim.iterations, sim.seed, sim.makespan.p50, sim.makespan.p80, sim.makespan.p95
    );
    for r in &sim.releases {
        if let Some(p) = r.on_time_probability {
            println!("  release {}: on time with probability {:.2}", r.id, p);
        }
    }
    for risk in &sim.risks {
        if let Some(effect) = risk.p80_effect {
            println!(
                "  risk {}: fired in {:.0}% of iterations, moves the P80 by {effect:.1} days",
                risk.id,
                100.0 * risk.fired
            );
        }
    }

    let windows = plan_windows(&plan, &WindowsOptions::default()).expect("the release has windows");
    for r in &windows.releases {
        println!(
            "  window plan: {} rides window {:?} ({:?}), on time: {}",
            r.id, r.window_number, r.window, r.on_time
        );
    }
    std::process::ExitCode::SUCCESS
}
