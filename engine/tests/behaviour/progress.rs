//! SPEC section 6, rule by rule, against closed forms: done work is history, remaining work by
//! `remaining`, by `progress` and by the conditional rule, closed and occurred risks,
//! `not_before` and `due`, dated and undated plans.

use chrono::NaiveDate;
use shipdate_engine::dispatch::{schedule_with, Method};
use shipdate_engine::model::{Plan, TaskState};
use shipdate_engine::schedule::ScheduleReport;
use shipdate_engine::{SimulateOptions, Simulation};

use super::util::plan;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn schedule(p: &Plan) -> ScheduleReport {
    schedule_with(p, &Method::PriorityRule, None).expect("a schedule")
}

fn simulate(p: &Plan, ignore_capacity: bool) -> Simulation {
    let options = SimulateOptions {
        iterations: 40_000,
        seed: 7,
        ignore_capacity,
        ..SimulateOptions::default()
    };
    shipdate_engine::simulate(p, &options).expect("a simulation")
}

fn task<'a>(s: &'a ScheduleReport, id: &str) -> &'a shipdate_engine::schedule::TaskSchedule {
    s.tasks.iter().find(|t| t.id == id).expect("the task")
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!(
        (a - b).abs() <= tol,
        "{what}: {a} is not within {tol} of {b}"
    );
}

#[test]
fn a_done_task_frees_its_teams_capacity_at_the_status_date() {
    // One person; `a` finished on the status date itself. `b` (same team, no link) may start
    // at the status date: done work holds no capacity at or after it.
    let p = plan(
        "[plan]\nname = \"p\"\nstart = 2027-01-04\nstatus_date = 2027-01-18\n\
         [teams.be]\ncapacity = 1\n\
         [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 5\nstarted = 2027-01-11\ndone = 2027-01-18\n\
         [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 3\n",
    );
    let s = schedule(&p);
    let (a, b) = (task(&s, "a"), task(&s, "b"));
    assert_eq!(a.start_date, Some(date("2027-01-11")));
    assert_eq!(a.finish_date, Some(date("2027-01-18")));
    assert_eq!(a.state, Some(TaskState::Done));
    assert_eq!(a.remaining, Some(0.0));
    assert_eq!(b.start_date, Some(date("2027-01-18")));
    assert_eq!(b.finish_date, Some(date("2027-01-20")));
    assert_eq!(
        s.status_date,
        Some(shipdate_engine::model::When::Date(date("2027-01-18")))
    );
}

#[test]
fn a_successor_of_done_work_starts_at_the_status_date_not_before() {
    // Undated: `a` ran over [0, 3); the status is 10; `b` after `a` starts at 10, not at 3.
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 10\n\
         [[tasks]]\nid = \"a\"\nestimate = 3\nstarted = 0\ndone = 3\n\
         [[tasks]]\nid = \"b\"\nestimate = 2\nafter = [\"a\"]\n",
    );
    let s = schedule(&p);
    assert_eq!((task(&s, "a").start, task(&s, "a").finish), (0.0, 3.0));
    assert_eq!((task(&s, "b").start, task(&s, "b").finish), (10.0, 12.0));
    let sim = simulate(&p, true);
    assert_eq!(sim.makespan.p50, 12.0);
    assert_eq!(sim.makespan.p95, 12.0);
    // A done task without `started` starts its single-point duration before its finish.
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 10\n\
         [[tasks]]\nid = \"a\"\nestimate = 3\ndone = 8\n",
    );
    assert_eq!(task(&schedule(&p), "a").start, 5.0);
}

#[test]
fn done_work_is_history_not_sampled_and_no_risk_applies() {
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 10\n\
         [[tasks]]\nid = \"a\"\nestimate = { low = 1, likely = 5, high = 30 }\nstarted = 1\ndone = 4\n\
         [[risks]]\nid = \"r\"\nprobability = 1\nimpact = 20\ntasks = [\"a\"]\n",
    );
    let sim = simulate(&p, true);
    assert_eq!((sim.makespan.p10, sim.makespan.p95), (4.0, 4.0));
}

#[test]
fn remaining_work_by_remaining() {
    // Started at 2, status 5, remaining uniform on [2, 6]: finishes at 5 + R.
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 5\n\
         [[tasks]]\nid = \"a\"\nestimate = 10\nstarted = 2\n\
         remaining = { dist = \"uniform\", low = 2, high = 6 }\n",
    );
    let s = schedule(&p);
    let a = task(&s, "a");
    assert_eq!((a.start, a.finish, a.remaining), (2.0, 9.0, Some(4.0)));
    assert_eq!(a.state, Some(TaskState::InProgress));
    let sim = simulate(&p, true);
    close(sim.makespan.mean, 5.0 + 4.0, 0.03, "mean");
    close(sim.makespan.p80, 5.0 + 2.0 + 0.8 * 4.0, 0.03, "P80");
}

#[test]
fn remaining_work_by_progress_is_the_unfinished_share_of_the_estimate() {
    // Estimate uniform on [10, 20], 60% done: remaining is 0.4 x U[10, 20] = U[4, 8].
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 5\n\
         [[tasks]]\nid = \"a\"\nestimate = { dist = \"uniform\", low = 10, high = 20 }\n\
         started = 0\nprogress = 0.6\n",
    );
    let s = schedule(&p);
    close(task(&s, "a").finish, 5.0 + 0.4 * 15.0, 1e-9, "schedule");
    let sim = simulate(&p, true);
    close(
        sim.makespan.mean,
        5.0 + 6.0,
        0.03,
        "mean of (1-p) x uniform",
    );
    close(
        sim.makespan.p80,
        5.0 + 4.0 + 0.8 * 4.0,
        0.03,
        "P80 of (1-p) x uniform",
    );
}

#[test]
fn remaining_work_by_the_conditional_rule_is_uniform_on_zero_to_high_less_elapsed() {
    // Estimate uniform on [4, 10], started at 0, status 6: E = 6, so the remaining work is
    // uniform on [0, 10 - 6] = [0, 4]; `schedule` takes its median, 2.
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 6\n\
         [[tasks]]\nid = \"a\"\nestimate = { dist = \"uniform\", low = 4, high = 10 }\nstarted = 0\n",
    );
    let s = schedule(&p);
    close(
        task(&s, "a").finish,
        6.0 + 2.0,
        1e-6,
        "median of the conditional remaining",
    );
    close(task(&s, "a").remaining.unwrap(), 2.0, 1e-6, "remaining");
    let sim = simulate(&p, true);
    close(sim.makespan.mean, 6.0 + 2.0, 0.03, "mean");
    close(sim.makespan.p80, 6.0 + 0.8 * 4.0, 0.03, "P80");
    close(sim.makespan.p10, 6.0 + 0.1 * 4.0, 0.03, "P10");
}

#[test]
fn the_conditional_rule_on_a_pert_estimate_keeps_its_median_in_schedule_and_simulate() {
    // Both paths invert the same truncated distribution: their medians agree.
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 5\n\
         [[tasks]]\nid = \"a\"\nestimate = { low = 2, likely = 6, high = 14 }\nstarted = 0\n",
    );
    let s = schedule(&p);
    let sim = simulate(&p, true);
    close(task(&s, "a").finish, sim.makespan.p50, 0.05, "medians");
    assert!(sim.makespan.p10 >= 5.0 && sim.makespan.p95 <= 5.0 + 9.0 + 1e-9);
}

#[test]
fn started_work_runs_from_the_later_of_status_and_links() {
    // `b` started out of sequence at 1; its predecessor `a` (not done) finishes at 8, after the
    // status 4: b's remaining work waits for it.
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 4\n\
         [[tasks]]\nid = \"a\"\nestimate = 8\nstarted = 0\nremaining = 4\n\
         [[tasks]]\nid = \"b\"\nestimate = 5\nafter = [\"a\"]\nstarted = 1\nremaining = 2\n",
    );
    let s = schedule(&p);
    assert_eq!(task(&s, "a").finish, 8.0);
    assert_eq!((task(&s, "b").start, task(&s, "b").finish), (1.0, 10.0));
    let warnings = shipdate_engine::lint::lint(&p);
    assert!(
        warnings
            .iter()
            .any(|w| w.message.contains("progress out of sequence")),
        "{warnings:?}"
    );
}

#[test]
fn closed_risks_never_fire_and_occurred_risks_always_do() {
    let src = |status: &str| {
        format!(
            "[plan]\nname = \"p\"\n\
             [[tasks]]\nid = \"a\"\nestimate = 5\n\
             [[risks]]\nid = \"r\"\nprobability = 0.5\nimpact = 3\ntasks = [\"a\"]\nstatus = \"{status}\"\n"
        )
    };
    let closed = plan(&src("closed"));
    let sim = simulate(&closed, true);
    assert_eq!(sim.risks[0].fired, 0.0);
    assert_eq!(sim.makespan.p95, 5.0);
    assert_eq!(schedule(&closed).makespan, 5.0);
    let occurred = plan(&src("occurred"));
    let sim = simulate(&occurred, true);
    assert_eq!(sim.risks[0].fired, 1.0);
    assert_eq!(sim.makespan.p10, 8.0);
    // `schedule` adds the single-point impact: the risk is work now.
    assert_eq!(schedule(&occurred).makespan, 8.0);
    let open = plan(&src("open"));
    assert_eq!(schedule(&open).makespan, 5.0);
    close(simulate(&open, true).risks[0].fired, 0.5, 0.01, "open risk");
}

#[test]
fn not_before_holds_a_start_and_due_is_met_or_missed() {
    let p = plan(
        "[plan]\nname = \"p\"\nstart = 2027-01-04\n\
         [[tasks]]\nid = \"a\"\nestimate = 2\nnot_before = 2027-01-16\ndue = 2027-01-19\n\
         [[tasks]]\nid = \"b\"\nestimate = 2\ndue = 2027-01-04\n",
    );
    let s = schedule(&p);
    // 2027-01-16 is a Saturday: the next working day.
    assert_eq!(task(&s, "a").start_date, Some(date("2027-01-18")));
    assert_eq!(task(&s, "a").finish_date, Some(date("2027-01-19")));
    assert_eq!(task(&s, "a").due_met, Some(true));
    assert_eq!(task(&s, "b").due_met, Some(false));
    let sim = simulate(&p, true);
    assert_eq!(sim.tasks[0].due_probability, Some(1.0));
    assert_eq!(sim.tasks[1].due_probability, Some(0.0));
}

#[test]
fn due_probability_is_the_share_of_finishes_by_the_deadline() {
    // Undated: finish uniform on [0, 10], due 4: met with probability 0.4.
    let p = plan(
        "[plan]\nname = \"p\"\n\
         [[tasks]]\nid = \"a\"\nestimate = { dist = \"uniform\", low = 0, high = 10 }\ndue = 4\n",
    );
    let sim = simulate(&p, true);
    close(
        sim.tasks[0].due_probability.unwrap(),
        0.4,
        0.01,
        "due probability",
    );
    assert_eq!(schedule(&p).tasks[0].due_met, Some(false));
}

#[test]
fn tasks_not_started_start_at_the_status_date_in_every_kernel() {
    // Two tasks on one person, status 3: the schedule, both simulation kernels and the
    // leveller place nothing before 3.
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 3\n[teams.be]\ncapacity = 1\n\
         [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 2\n\
         [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\n",
    );
    assert_eq!(schedule(&p).makespan, 7.0);
    assert_eq!(shipdate_engine::schedule(&p).makespan, 7.0);
    assert_eq!(simulate(&p, false).makespan.p50, 7.0);
    assert_eq!(simulate(&p, true).makespan.p50, 5.0);
}

#[test]
fn the_errors_of_section_6_are_located_and_name_the_task() {
    let cases = [
        (
            "status = 5\n",
            "estimate = 2\nstarted = 6\n",
            "`started` 6 is after the status date 5",
        ),
        (
            "status = 5\n",
            "estimate = 2\nstarted = 1\ndone = 6\n",
            "`done` 6 is after the status date 5",
        ),
        (
            "status = 5\n",
            "estimate = 2\nstarted = 3\ndone = 2\n",
            "`done` 2 is before `started` 3",
        ),
        (
            "status = 5\n",
            "estimate = 9\nstarted = 1\nprogress = 1\n",
            "`progress` is 1; it must be in [0, 1)",
        ),
        (
            "status = 5\n",
            "estimate = 9\nstarted = 1\nprogress = 0.5\nremaining = 2\n",
            "`remaining` and `progress` are both given",
        ),
        (
            "status = 5\n",
            "estimate = 3\nstarted = 1\n",
            "at least its estimate's upper limit (3)",
        ),
        (
            "",
            "estimate = 3\nstarted = 1\n",
            "`started` needs a status date",
        ),
        ("", "estimate = 3\ndone = 1\n", "`done` needs a status date"),
    ];
    for (head, body, want) in cases {
        let src = format!("[plan]\nname = \"p\"\n{head}[[tasks]]\nid = \"api\"\n{body}");
        let errs =
            shipdate_engine::io::parse_str(&src, shipdate_engine::Format::Toml).expect_err(want);
        let e = errs
            .iter()
            .find(|e| e.message.contains(want))
            .unwrap_or_else(|| panic!("no error `{want}` in {errs:?}"));
        assert!(e.message.starts_with("task `api`"), "{e:?}");
        assert_eq!(e.subject.as_deref(), Some("api"));
        assert!(e.pos.is_some_and(|p| p.line >= 4), "located: {e:?}");
        assert!(e.help.is_some(), "the fix: {e:?}");
    }
}

#[test]
fn every_scheduling_method_honours_history_the_status_time_and_not_before() {
    // One person. `a` is done over [0, 3); `b` started at 2 with 3 left from the status 4;
    // `c` then `d` are waiting; `e` may not start before 12. From 4 on, the person does
    // b, c and d one after another (4 + 3 + 2 + 1 = 10) and e over [12, 13).
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 4\n[teams.be]\ncapacity = 1\n\
         [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\nstarted = 0\ndone = 3\n\
         [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 5\nstarted = 2\nremaining = 3\n\
         [[tasks]]\nid = \"c\"\nteam = \"be\"\nestimate = 2\nafter = [\"a\"]\n\
         [[tasks]]\nid = \"d\"\nteam = \"be\"\nestimate = 1\nafter = [\"c\"]\n\
         [[tasks]]\nid = \"e\"\nteam = \"be\"\nestimate = 1\nnot_before = 12\n",
    );
    let methods = [
        Method::PriorityRule,
        Method::default(),
        Method::Exact(shipdate_engine::leveling::exact::ExactOptions::default()),
    ];
    for m in &methods {
        let s = schedule_with(&p, m, None).expect("a schedule");
        let t = |id: &str| task(&s, id);
        assert_eq!((t("a").start, t("a").finish), (0.0, 3.0), "{m:?}");
        assert_eq!(t("b").start, 2.0, "{m:?}: b keeps its actual start");
        assert!(t("e").start >= 12.0, "{m:?}");
        // From the status time on, the person works on one task at a time.
        let mut spans: Vec<(f64, f64)> = ["b", "c", "d", "e"]
            .iter()
            .map(|id| (t(id).finish - t(id).remaining.unwrap(), t(id).finish))
            .collect();
        spans.sort_by(|x, y| x.0.total_cmp(&y.0));
        assert!(spans[0].0 >= 4.0, "{m:?}: {spans:?}");
        for w in spans.windows(2) {
            assert!(w[0].1 <= w[1].0 + 1e-9, "{m:?}: overlap in {spans:?}");
        }
        assert_eq!(s.makespan, 13.0, "{m:?}");
    }
}

#[test]
fn a_deployed_release_ships_on_its_deployed_date_in_schedule_and_simulate() {
    // `a` is done on 2027-01-06; `b` (in the release too) is still open and runs from the
    // status date 2027-01-18 on; the windows are every Thursday. The release shipped on
    // Friday 2027-01-08 (not a window day): it is ready and deploys that day, in the schedule
    // and in every iteration, on time for a target of 2027-01-08 and late for 2027-01-07.
    let src = |target: &str| {
        format!(
            "[plan]\nname = \"p\"\nstart = 2027-01-04\nstatus_date = 2027-01-18\n\
             [[tasks]]\nid = \"a\"\nestimate = 3\nstarted = 2027-01-04\ndone = 2027-01-06\n\
             [[tasks]]\nid = \"b\"\nestimate = {{ low = 3, likely = 5, high = 9 }}\n\
             [[risks]]\nid = \"x\"\nprobability = 0.5\nimpact = 4\ntasks = [\"b\"]\n\
             [[releases]]\nid = \"r\"\ntasks = [\"a\", \"b\"]\ntarget = {target}\n\
             cadence = {{ weekdays = [\"thu\"] }}\ndeployed = 2027-01-08\n"
        )
    };
    let p = plan(&src("2027-01-08"));
    let s = schedule(&p);
    let r = &s.releases[0];
    assert!(task(&s, "b").finish_date > Some(date("2027-01-20")));
    assert_eq!(r.ready_date, Some(date("2027-01-08")));
    assert_eq!(r.deploy_date, Some(date("2027-01-08")));
    // The end of Friday 2027-01-08 is the start of day 5 (Monday 2027-01-11).
    assert_eq!(r.ready, 5.0);
    assert_eq!(r.on_time, Some(true));
    assert!(!r.unscheduled);
    let sim = simulate(&p, false);
    let rr = &sim.releases[0];
    let d = Some(date("2027-01-08"));
    let dp = rr.deploy_date.expect("deploy dates");
    assert_eq!([dp.p10, dp.p50, dp.p80, dp.p95], [d; 4]);
    let rd = rr.ready_date.expect("ready dates");
    assert_eq!([rd.p10, rd.p50, rd.p95], [date("2027-01-08"); 3]);
    assert_eq!((rr.ready.p50, rr.ready.p95), (5.0, 5.0));
    assert_eq!(rr.on_time_probability, Some(1.0));
    assert_eq!(rr.unscheduled_probability, 0.0);
    assert!(rr.windows.is_empty());
    assert!(sim.risks[0].releases.iter().all(|e| e.p80_effect == 0.0));
    // A day earlier target: late, in both.
    let p = plan(&src("2027-01-07"));
    assert_eq!(schedule(&p).releases[0].on_time, Some(false));
    assert_eq!(
        simulate(&p, true).releases[0].on_time_probability,
        Some(0.0)
    );
    // Undated: deployed = 4 is the ready and deploy time whatever the tasks do.
    let p = plan(
        "[plan]\nname = \"p\"\nstatus = 10\n\
         [[tasks]]\nid = \"a\"\nestimate = 3\nstarted = 0\ndone = 3\n\
         [[tasks]]\nid = \"b\"\nestimate = 6\n\
         [[releases]]\nid = \"r\"\ntasks = [\"a\", \"b\"]\ntarget = 5\nwindows = [8, 20]\ndeployed = 4\n",
    );
    let r = &schedule(&p).releases[0];
    assert_eq!((r.ready, r.deploy, r.on_time), (4.0, Some(4.0), Some(true)));
    let rr = &simulate(&p, true).releases[0];
    let dp = rr.deploy.expect("deploy times");
    assert_eq!([dp.p10, dp.p50, dp.p95], [Some(4.0); 3]);
    assert_eq!(rr.on_time_probability, Some(1.0));
}
