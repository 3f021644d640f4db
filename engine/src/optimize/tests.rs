//! Unit tests of window planning: SPEC section 5's worked example and its twin, hand-computed
//! bucket capacities on a dated plan, the time limit, and a property test against brute-force
//! enumeration on small random plans.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::instance::{Assignment, Instance};
use super::*;
use crate::model::{Calendar, Estimate, Link, LinkKind, Release, Task, Team, TimeOff};

fn team(id: &str, capacity: u32) -> Team {
    Team::new(id, capacity)
}

fn task(id: &str, team: Option<usize>, demand: u32, duration: f64, preds: &[usize]) -> Task {
    let mut task = Task::new(id, Estimate::Fixed { value: duration });
    if let Some(k) = team {
        task = task.on_team(k, demand);
    }
    task.after = preds
        .iter()
        .map(|&pred| Link::new(pred, LinkKind::FS, 0.0))
        .collect();
    task
}

fn release(
    id: &str,
    tasks: &[usize],
    windows: Vec<When>,
    target: Option<When>,
    value: f64,
) -> Release {
    let mut release = Release::new(id, tasks.to_vec());
    release.target = target;
    release.windows = windows;
    release.value = value;
    release
}

fn plan(
    start: Option<NaiveDate>,
    teams: Vec<Team>,
    tasks: Vec<Task>,
    releases: Vec<Release>,
) -> Plan {
    let mut plan = Plan::new("test");
    plan.start = start;
    plan.teams = teams;
    plan.tasks = tasks;
    plan.releases = releases;
    plan
}

fn p(x: f64) -> When {
    When::Period(x)
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// SPEC section 5's worked example; `optional_b` false gives its twin.
fn worked_example(optional_b: bool) -> Plan {
    let mut b = task("b", Some(0), 1, 4.0, &[]);
    b.optional = optional_b;
    plan(
        None,
        vec![team("be", 1)],
        vec![
            task("a", Some(0), 1, 4.0, &[]),
            b,
            task("c", Some(0), 1, 3.0, &[]),
        ],
        vec![
            release("r1", &[0, 1], vec![p(5.0), p(10.0)], Some(p(5.0)), 10.0),
            release("r2", &[2], vec![p(5.0), p(10.0)], Some(p(10.0)), 1.0),
        ],
    )
}

fn exact() -> WindowsOptions {
    WindowsOptions { time_limit: None }
}

#[test]
fn worked_example_cuts_b_and_ships_both_on_time() {
    let r = plan_windows(&worked_example(true), &exact()).unwrap();
    assert_eq!(r.windows, vec![p(5.0), p(10.0)]);
    let r1 = &r.releases[0];
    assert_eq!(
        (r1.window, r1.on_time, r1.unscheduled),
        (Some(p(5.0)), true, false)
    );
    assert_eq!(r1.cut, vec!["b".to_string()]);
    let r2 = &r.releases[1];
    assert_eq!(
        (r2.window, r2.on_time, r2.unscheduled),
        (Some(p(10.0)), true, false)
    );
    assert!(r2.cut.is_empty());
    assert!(r.overload.is_empty());
    assert!(r.status.optimal);
    assert_eq!(r.objective.on_time_value, 11.0);
    assert_eq!(r.objective.window_sum, 3);
    assert_eq!(r.objective.cut_work, 4.0);
    // a in bucket 1 (4 of 5), c in bucket 2 (3 of 5; 1 carried over).
    let be: Vec<(f64, f64)> = r.load.iter().map(|l| (l.work, l.capacity)).collect();
    assert_eq!(be, vec![(4.0, 5.0), (3.0, 5.0)]);
}

#[test]
fn worked_example_twin_without_optional() {
    let r = plan_windows(&worked_example(false), &exact()).unwrap();
    let r1 = &r.releases[0];
    assert_eq!(
        (r1.window, r1.on_time, r1.unscheduled),
        (Some(p(10.0)), false, false)
    );
    assert!(r1.cut.is_empty());
    let r2 = &r.releases[1];
    assert_eq!((r2.window, r2.on_time, r2.unscheduled), (None, false, true));
    assert_eq!(r2.unplaced, vec!["c".to_string()]);
    assert_eq!(r.overload.len(), 1);
    let o = &r.overload[0];
    assert_eq!(
        (o.team.as_str(), o.by_window, o.missing),
        ("be", p(10.0), 1.0)
    );
    assert_eq!(o.message, "be lacks 1 unit by 10");
    assert!(r.status.optimal);
}

#[test]
fn json_shape_matches_the_spec() {
    let r = plan_windows(&worked_example(true), &exact()).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["windows"], serde_json::json!([5.0, 10.0]));
    assert_eq!(v["releases"][0]["id"], "r1");
    assert_eq!(v["releases"][0]["window"], 5.0);
    assert_eq!(v["releases"][0]["on_time"], true);
    assert_eq!(v["releases"][0]["cut"], serde_json::json!(["b"]));
    assert_eq!(v["load"][0]["team"], "be");
    assert_eq!(v["load"][0]["window"], 5.0);
    assert_eq!(v["load"][0]["work"], 4.0);
    assert_eq!(v["load"][0]["capacity"], 5.0);
    assert_eq!(v["overload"], serde_json::json!([]));
}

#[test]
fn dated_bucket_capacity_counts_working_days_strictly_before_each_window() {
    // Mon 2027-01-04 start; windows Tue 01-12 and Tue 01-26; a holiday on Thu 01-14 and
    // team time off (capacity 1) on Mon 01-18 and Tue 01-19.
    let mut cal = Calendar::standard();
    cal.holidays = vec![d("2027-01-14")];
    let mut be = team("be", 2);
    be.time_off = vec![TimeOff {
        from: When::Date(d("2027-01-18")),
        to: When::Date(d("2027-01-19")),
        capacity: 1,
    }];
    let mut pl = plan(
        Some(d("2027-01-04")),
        vec![be],
        vec![
            task("a", Some(0), 2, 5.0, &[]),
            task("b", Some(0), 1, 9.0, &[0]),
        ],
        vec![release(
            "r",
            &[1],
            vec![When::Date(d("2027-01-12")), When::Date(d("2027-01-26"))],
            Some(When::Date(d("2027-01-26"))),
            1.0,
        )],
    );
    pl.calendars = vec![cal];
    let r = plan_windows(&pl, &exact()).unwrap();
    // Bucket 1: Jan 4-8 and 11 = 6 days x 2 = 12. Bucket 2: Jan 12, 13, 15, 18-22, 25 = 9
    // days x 2 = 18, minus 1 on each of Jan 18 and 19 = 16.
    let caps: Vec<f64> = r.load.iter().map(|l| l.capacity).collect();
    assert_eq!(caps, vec![12.0, 16.0]);
    // a (work 10) fits bucket 1 but b (9) cannot also fit there (19 > 12): both ride the
    // 26th's train (19 <= 28).
    assert_eq!(r.tasks[0].window, Some(When::Date(d("2027-01-26"))));
    assert_eq!(r.tasks[1].window, Some(When::Date(d("2027-01-26"))));
    assert_eq!(r.releases[0].window, Some(When::Date(d("2027-01-26"))));
    assert!(r.releases[0].on_time);
}

#[test]
fn dated_overload_is_reported_in_capacity_days() {
    let pl = plan(
        Some(d("2027-01-04")),
        vec![team("backend", 1)],
        vec![task("a", Some(0), 1, 8.0, &[])],
        vec![release(
            "r",
            &[0],
            vec![When::Date(d("2027-01-12"))],
            None,
            1.0,
        )],
    );
    let r = plan_windows(&pl, &exact()).unwrap();
    assert!(r.releases[0].unscheduled);
    assert_eq!(r.overload.len(), 1);
    assert_eq!(r.overload[0].missing, 2.0);
    assert_eq!(
        r.overload[0].message,
        "backend lacks 2 capacity-days by 2027-01-12"
    );
}

#[test]
fn no_windows_is_an_error() {
    let pl = plan(
        None,
        vec![team("be", 1)],
        vec![task("a", Some(0), 1, 1.0, &[])],
        vec![release("r", &[0], Vec::new(), None, 1.0)],
    );
    assert_eq!(plan_windows(&pl, &exact()), Err(WindowsError::NoWindows));
}

#[test]
fn a_release_without_window_rules_ships_in_any_window() {
    let pl = plan(
        None,
        vec![team("be", 1)],
        vec![
            task("a", Some(0), 1, 3.0, &[]),
            task("b", Some(0), 1, 6.0, &[]),
        ],
        vec![
            release("trains", &[0], vec![p(4.0), p(8.0), p(12.0)], None, 1.0),
            release("free", &[1], Vec::new(), None, 1.0),
        ],
    );
    let r = plan_windows(&pl, &exact()).unwrap();
    // a (3) by 4; b (6) needs 9 of cumulative capacity: by 12.
    assert_eq!(r.releases[0].window_number, Some(1));
    assert_eq!(r.releases[1].window_number, Some(3));
}

#[test]
fn zero_time_limit_still_returns_a_feasible_plan() {
    let pl = random_like_big_plan();
    let r = plan_windows(
        &pl,
        &WindowsOptions {
            time_limit: Some(0.0),
        },
    )
    .unwrap();
    let setup = build_instance(&pl, &Timeline::new(&pl)).unwrap();
    let a = assignment_of(&setup, &r);
    assert_eq!(setup.instance.check(&a), Ok(()));
    assert!(!r.status.optimal);
    assert!(r.status.stopped_at.is_some());
}

/// A plan large enough that nothing is decided without the solver.
fn random_like_big_plan() -> Plan {
    let teams = vec![team("a", 2), team("b", 3)];
    let mut tasks = Vec::new();
    for i in 0..40 {
        let preds: Vec<usize> = if i >= 3 && i % 3 != 0 {
            vec![i - 3]
        } else {
            vec![]
        };
        let mut t = task(
            &format!("t{i}"),
            Some(i % 2),
            1,
            (1 + (i * 7) % 5) as f64,
            &preds,
        );
        t.optional = i % 4 == 1;
        tasks.push(t);
    }
    let releases = (0..4)
        .map(|r| {
            let ts: Vec<usize> = (0..40).filter(|i| i % 4 == r).collect();
            release(
                &format!("r{r}"),
                &ts,
                (1..=6).map(|w| p(5.0 * w as f64)).collect(),
                Some(p(5.0 * (r + 2) as f64)),
                (r + 1) as f64,
            )
        })
        .collect();
    plan(None, teams, tasks, releases)
}

fn assignment_of(setup: &Setup, r: &WindowsReport) -> Assignment {
    let _ = &setup.instance;
    Assignment {
        bucket: r
            .tasks
            .iter()
            .map(|t| t.window_number.map(|n| n - 1))
            .collect(),
        ship: r
            .releases
            .iter()
            .map(|x| x.window_number.map(|n| n - 1))
            .collect(),
    }
}

#[test]
fn greedy_and_elastic_starts_are_feasible() {
    let pl = random_like_big_plan();
    let setup = build_instance(&pl, &Timeline::new(&pl)).unwrap();
    let inst: &Instance = &setup.instance;
    assert_eq!(inst.check(&greedy::greedy(inst)), Ok(()));
    for a in greedy::release_greedy(inst) {
        assert_eq!(inst.check(&a), Ok(()));
    }
    // The elastic start is feasible once its extra capacity is added.
    let a = greedy::elastic_start(inst);
    let extra = greedy::extra_capacity(inst, &a);
    let mut bigger = inst.clone();
    for (k, row) in extra.iter().enumerate() {
        for (b, e) in row.iter().enumerate() {
            bigger.cap[k][b] += e;
        }
    }
    assert_eq!(bigger.check(&a), Ok(()));
}

// ---- The property test: the solver's objective equals brute-force enumeration. ----

/// The objective levels of a placement, computed straight from the plan (not from
/// [`Instance`]): (scheduled value, unplaced required work, unplaced zero-work required
/// tasks, on-time value, window sum, cut work, cut zero-work tasks). `None` when the
/// placement breaks a constraint.
fn brute_levels(pl: &Plan, windows: &[f64], bucket: &[Option<usize>]) -> Option<Lv> {
    let nb = windows.len();
    let work = |t: &Task| t.estimate.point() * t.demand as f64;
    // Precedence; a cut or unplaced predecessor leaves its successors out.
    for (s, t) in pl.tasks.iter().enumerate() {
        for l in &t.after {
            match (bucket[l.pred], bucket[s]) {
                (None, Some(_)) => return None,
                (Some(bp), Some(bs)) if bp > bs => return None,
                _ => {}
            }
        }
    }
    // Cumulative capacity: capacity x bucket length, summed up to each window.
    for (k, tm) in pl.teams.iter().enumerate() {
        let mut load = 0.0;
        for (b, &w) in windows.iter().enumerate() {
            load += pl
                .tasks
                .iter()
                .enumerate()
                .filter(|(i, t)| t.team == Some(k) && bucket[*i] == Some(b))
                .map(|(_, t)| work(t))
                .sum::<f64>();
            if load > tm.capacity as f64 * w + 1e-9 {
                return None;
            }
        }
    }
    let (mut sched, mut on_time, mut wsum) = (0.0, 0.0, 0);
    for r in &pl.releases {
        // Ships in its first own window at or after its last placed task, if every required
        // task is placed.
        let mut latest = Some(0usize);
        for &t in &r.tasks {
            match bucket[t] {
                Some(b) => latest = latest.map(|l| l.max(b)),
                None if !pl.tasks[t].optional => latest = None,
                None => {}
            }
        }
        let ship = latest.and_then(|l| {
            (l..nb).find(|&b| r.windows.iter().any(|w| *w == When::Period(windows[b])))
        });
        match ship {
            Some(b) => {
                sched += r.value;
                let ok = match r.target {
                    Some(When::Period(tg)) => windows[b] <= tg,
                    _ => true,
                };
                if ok {
                    on_time += r.value;
                }
                wsum += b + 1;
            }
            None => wsum += nb + 1,
        }
    }
    let (mut unplaced, mut unplaced_free, mut cut, mut cut_free) = (0.0, 0, 0.0, 0);
    for (i, t) in pl.tasks.iter().enumerate() {
        if bucket[i].is_none() {
            let w = work(t);
            match (t.optional, w > 0.0) {
                (true, true) => cut += w,
                (true, false) => cut_free += 1,
                (false, true) => unplaced += w,
                (false, false) => unplaced_free += 1,
            }
        }
    }
    Some((sched, unplaced, unplaced_free, on_time, wsum, cut, cut_free))
}

type Lv = (f64, f64, usize, f64, usize, f64, usize);

/// `Greater` when `a` is better.
fn better(a: &Lv, b: &Lv) -> std::cmp::Ordering {
    let f = |x: f64, y: f64| {
        if (x - y).abs() < 1e-9 {
            std::cmp::Ordering::Equal
        } else {
            x.partial_cmp(&y).unwrap()
        }
    };
    f(a.0, b.0)
        .then(f(b.1, a.1))
        .then(b.2.cmp(&a.2))
        .then(f(a.3, b.3))
        .then(b.4.cmp(&a.4))
        .then(f(b.5, a.5))
        .then(b.6.cmp(&a.6))
}

fn brute_force(pl: &Plan, windows: &[f64]) -> Lv {
    let n = pl.tasks.len();
    let nb = windows.len();
    let mut best: Option<Lv> = None;
    let mut choice = vec![0usize; n]; // 0 = left out, 1..=nb = bucket
    loop {
        let bucket: Vec<Option<usize>> = choice.iter().map(|&c| c.checked_sub(1)).collect();
        if let Some(l) = brute_levels(pl, windows, &bucket) {
            if best.as_ref().is_none_or(|b| better(&l, b).is_gt()) {
                best = Some(l);
            }
        }
        let mut i = 0;
        loop {
            if i == n {
                return best.expect("leaving everything out is always feasible");
            }
            choice[i] += 1;
            if choice[i] <= nb {
                break;
            }
            choice[i] = 0;
            i += 1;
        }
    }
}

/// (team, demand, duration, optional, predecessors)
type CaseTask = (Option<usize>, u32, f64, bool, Vec<usize>);
/// (tasks, window indices, target window index, value)
type CaseRelease = (Vec<usize>, Vec<usize>, Option<usize>, f64);

#[derive(Debug, Clone)]
struct Case {
    caps: Vec<u32>,
    tasks: Vec<CaseTask>,
    windows: Vec<f64>,
    releases: Vec<CaseRelease>,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..=2, 4usize..=6)
        .prop_flat_map(|(teams, n)| {
            let caps = prop::collection::vec(1u32..=3, teams);
            let tasks = prop::collection::vec(
                (
                    prop::option::weighted(0.85, 0..teams),
                    1u32..=3,
                    (1u32..=12).prop_map(|x| x as f64 / 2.0),
                    prop::bool::weighted(0.35),
                    prop::collection::vec(prop::bool::weighted(0.25), n),
                ),
                n,
            );
            let windows = prop::collection::btree_set(1u32..=14, 3);
            let rel = (
                prop::collection::btree_set(0..n, 1..=3),
                prop::collection::btree_set(0usize..3, 1..=3),
                prop::option::of(0usize..3),
                prop_oneof![Just(1.0), (1u32..=10).prop_map(|v| v as f64), Just(2.5)],
            );
            (caps, tasks, windows, prop::collection::vec(rel, 2))
        })
        .prop_map(|(caps, raw, windows, rels)| {
            let tasks = raw
                .into_iter()
                .enumerate()
                .map(|(i, (team, demand, dur, opt, links))| {
                    let team = team.map(|k| k % caps.len());
                    let demand = team.map_or(0, |k| 1 + (demand - 1) % caps[k]);
                    let preds = (0..i).filter(|&j| links[j]).collect();
                    (team, demand, dur, opt, preds)
                })
                .collect();
            Case {
                caps,
                tasks,
                windows: windows.into_iter().map(f64::from).collect(),
                releases: rels
                    .into_iter()
                    .map(|(ts, ws, tg, v)| {
                        (ts.into_iter().collect(), ws.into_iter().collect(), tg, v)
                    })
                    .collect(),
            }
        })
}

fn case_plan(c: &Case) -> Plan {
    let teams = c
        .caps
        .iter()
        .enumerate()
        .map(|(k, &cap)| team(&format!("k{k}"), cap))
        .collect();
    let tasks = c
        .tasks
        .iter()
        .enumerate()
        .map(|(i, (tm, dem, dur, opt, preds))| {
            let mut t = task(&format!("t{i}"), *tm, *dem, *dur, preds);
            t.optional = *opt;
            t
        })
        .collect();
    let releases = c
        .releases
        .iter()
        .enumerate()
        .map(|(r, (ts, ws, tg, v))| {
            release(
                &format!("r{r}"),
                ts,
                ws.iter().map(|&w| p(c.windows[w])).collect(),
                tg.map(|w| p(c.windows[w])),
                *v,
            )
        })
        .collect();
    plan(None, teams, tasks, releases)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn solver_objective_equals_brute_force(c in case()) {
        let pl = case_plan(&c);
        let r = plan_windows(&pl, &exact()).unwrap();
        prop_assert!(r.status.optimal);
        // Windows actually used by some release (an unused window is not a bucket).
        let used: std::collections::BTreeSet<usize> =
            c.releases.iter().flat_map(|r| r.1.iter().copied()).collect();
        let windows: Vec<f64> = used.iter().map(|&w| c.windows[w]).collect();
        let want = brute_force(&pl, &windows);
        let free = |cut: bool| r.tasks.iter().filter(|t| t.work <= 0.0 && t.window.is_none() && t.cut == cut).count();
        let got: Lv = (
            r.objective.scheduled_value,
            r.objective.unplaced_work,
            free(false),
            r.objective.on_time_value,
            r.objective.window_sum,
            r.objective.cut_work,
            free(true),
        );
        prop_assert!(better(&got, &want).is_eq(), "solver {:?} vs brute force {:?}", got, want);
        // And the reported placement itself achieves it.
        let bucket: Vec<Option<usize>> = r.tasks.iter().map(|t| t.window_number.map(|n| n - 1)).collect();
        let direct = brute_levels(&pl, &windows, &bucket);
        prop_assert!(direct.is_some_and(|l| better(&l, &want).is_eq()), "placement {:?} gives {:?}", bucket, direct);
    }
}

/// A window on or before the plan's start date can take no release: `schedule` deploys in a
/// window strictly after the ready date, which is never before the start. Window planning
/// placed a release there "on time".
#[test]
fn windows_on_or_before_the_start_are_not_open() {
    let w = |s: &str| When::Date(d(s));
    let pl = plan(
        Some(d("2027-01-04")),
        vec![team("be", 1)],
        vec![
            task("a", Some(0), 1, 2.0, &[]),
            task("b", Some(0), 1, 0.0, &[]),
        ],
        vec![
            release(
                "r1",
                &[0],
                vec![w("2026-12-01"), w("2027-01-04"), w("2027-01-12")],
                Some(w("2027-01-12")),
                1.0,
            ),
            release(
                "r2",
                &[1],
                vec![w("2026-12-01"), w("2027-01-04")],
                None,
                1.0,
            ),
        ],
    );
    let r = plan_windows(&pl, &exact()).unwrap();
    assert_eq!(r.windows, vec![w("2027-01-12")]);
    assert_eq!(r.releases[0].window, Some(w("2027-01-12")));
    assert!(r.releases[0].on_time);
    // r2's work is none, yet it has no window to ship in: unscheduled, as `schedule` says.
    assert!(r.releases[1].unscheduled && r.releases[1].window.is_none());
    let s = crate::dispatch::schedule(&pl);
    assert_eq!(s.releases[0].deploy_date, Some(d("2027-01-12")));
    assert!(s.releases[1].unscheduled && s.releases[1].deploy_date.is_none());
    // With only such windows there is nothing to plan.
    let mut only_past = pl.clone();
    only_past.releases.remove(0);
    assert_eq!(
        plan_windows(&only_past, &exact()),
        Err(WindowsError::NoWindows)
    );
    let why = WindowsError::NoWindows.diagnostics(&only_past);
    assert!(
        why[0].message.contains("on or before the plan's start"),
        "{why:?}"
    );
}

/// Undated: a window at 0 is open (work of none is ready at 0), one before it is not.
#[test]
fn undated_windows_before_zero_are_not_open() {
    let pl = plan(
        None,
        vec![team("be", 1)],
        vec![task("a", Some(0), 1, 0.0, &[])],
        vec![release("r", &[0], vec![p(-3.0), p(0.0)], None, 1.0)],
    );
    let r = plan_windows(&pl, &exact()).unwrap();
    assert_eq!(r.windows, vec![p(0.0)]);
    assert_eq!(r.releases[0].window, Some(p(0.0)));
    let s = crate::dispatch::schedule(&pl);
    assert_eq!(s.releases[0].deploy, Some(0.0));
}

/// A deployed release (SPEC section 6) is reported as shipped, not planned: no window, on time
/// when deployed on or before its target; its tasks are not held back for it. The others
/// are planned as without it.
#[test]
fn a_deployed_release_is_reported_not_planned() {
    let w = |s: &str| When::Date(d(s));
    let make = |deployed: Option<When>| {
        let mut pl = plan(
            Some(d("2027-01-04")),
            vec![team("be", 1)],
            vec![
                task("a", Some(0), 1, 2.0, &[]),
                task("b", Some(0), 1, 3.0, &[]),
            ],
            vec![
                release(
                    "r1",
                    &[0],
                    vec![w("2027-01-12"), w("2027-01-26")],
                    Some(w("2027-01-20")),
                    1.0,
                ),
                release("r2", &[1], vec![w("2027-01-26")], None, 1.0),
            ],
        );
        pl.releases[0].deployed = deployed;
        pl
    };
    let planned = plan_windows(&make(None), &exact()).unwrap();
    assert_eq!(planned.releases[0].window, Some(w("2027-01-12")));
    assert_eq!(planned.releases[0].deployed, None);
    for (deployed, on_time) in [("2027-01-19", true), ("2027-01-21", false)] {
        let r = plan_windows(&make(Some(w(deployed))), &exact()).unwrap();
        let r1 = &r.releases[0];
        assert_eq!(r1.deployed, Some(w(deployed)));
        assert_eq!((r1.window, r1.window_number), (None, None));
        assert_eq!((r1.on_time, r1.unscheduled), (on_time, false));
        assert_eq!(r.releases[1], planned.releases[1]);
    }
}
