//! Synthetic plans for benchmarks and tests, from a seed.
//!
//! - [`rcpsp`]: a ProGen-like resource-constrained project (Kolisch, Sprecher and Drexl 1995):
//!   a dummy start and end job, `jobs` real jobs with durations 1 to 10, a random acyclic
//!   network with about `complexity` arcs per job (at most three successors per job), four
//!   renewable resources each used by a job with probability `factor` (demands 1 to 10), and
//!   capacities set by the resource strength `strength`: `R_k = K_min + round(RS (K_max -
//!   K_min))`, `K_min` the largest single demand, `K_max` the peak usage of the earliest-start
//!   schedule. The parameters of PSPLIB's J30, J60 and J120 sets can be used.
//! - [`release_plan`]: a dated release plan of the kind `shipdate` reads: teams with
//!   capacities, a holiday calendar, time off, tasks with three-point estimates, links of
//!   every type, and releases over consecutive slices of the work.
//!
//! Both are deterministic for a seed (the same generator as the leveller).

use chrono::NaiveDate;

use super::ga::Rng;
use crate::model::{
    Calendar, Estimate, Link, LinkKind, Plan, Release, Task, TaskKind, Team, TimeOff, When,
};

/// ProGen-like parameters (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RcpspParams {
    /// Real jobs (the two dummies come on top).
    pub jobs: usize,
    /// Network complexity: average arcs per job (PSPLIB: 1.5, 1.8, 2.1).
    pub complexity: f64,
    /// Resource factor: share of the four resources a job uses (0.25 to 1).
    pub factor: f64,
    /// Resource strength (0 tight to 1 loose).
    pub strength: f64,
}

/// A ProGen-like instance as an undated plan: tasks `"1"`..`"jobs + 2"` (the first and last are
/// milestones), teams `"R1"`..`"R4"`, like a PSPLIB file read by [`crate::io`].
pub fn rcpsp(params: RcpspParams, seed: u64) -> Plan {
    let mut rng = Rng::new(seed ^ 0x00c0_ffee);
    let n = params.jobs;
    let total = n + 2;
    let end = n + 1;
    let dur: Vec<u32> = (0..total)
        .map(|j| {
            if j == 0 || j == end {
                0
            } else {
                1 + rng.below(10) as u32
            }
        })
        .collect();
    let preds = random_arcs(&params, &mut rng);
    let req = random_demands(&params, &mut rng);
    let caps = capacities(&params, &dur, &preds, &req);
    rcpsp_plan(n, seed, &dur, &preds, &req, &caps)
}

/// The arcs of a ProGen-like network over `params.jobs` real jobs and the two dummies: each
/// job's predecessors.
fn random_arcs(params: &RcpspParams, rng: &mut Rng) -> Vec<Vec<usize>> {
    let n = params.jobs;
    let total = n + 2;
    let end = n + 1;
    // Arcs between real jobs: each job i (in index order) draws successors among later jobs.
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); total];
    let target_arcs = ((params.complexity * total as f64).round() as usize).max(n);
    let mut arcs = 0;
    // First, every real job but the first three gets one predecessor among earlier real jobs.
    for j in 4..=n {
        let lo = 1.max(j.saturating_sub(n / 3 + 3));
        let i = lo + rng.below(j - lo);
        if succs[i].len() < 3 && !succs[i].contains(&j) {
            succs[i].push(j);
            preds[j].push(i);
            arcs += 1;
        }
    }
    // Then random forward arcs until the complexity is reached.
    let mut tries = 0;
    while arcs + 6 < target_arcs && tries < 50 * total {
        tries += 1;
        let i = 1 + rng.below(n);
        if i >= n || succs[i].len() >= 3 {
            continue;
        }
        let span = (n - i).min(n / 4 + 4);
        let j = i + 1 + rng.below(span);
        if j > n || succs[i].contains(&j) || preds[j].len() >= 3 {
            continue;
        }
        // Skip arcs implied by a path (redundant).
        if reaches(&succs, i, j) {
            continue;
        }
        succs[i].push(j);
        preds[j].push(i);
        arcs += 1;
    }
    // Dummies: start precedes every job without a predecessor, end follows every job without a
    // successor.
    for j in 1..=n {
        if preds[j].is_empty() {
            succs[0].push(j);
            preds[j].push(0);
        }
        if succs[j].is_empty() {
            succs[j].push(end);
            preds[end].push(j);
        }
    }
    if n == 0 {
        succs[0].push(end);
        preds[end].push(0);
    }
    preds
}

/// Each job's demand on the four resources (none for the dummies; every real job uses one).
fn random_demands(params: &RcpspParams, rng: &mut Rng) -> Vec<[u32; 4]> {
    let total = params.jobs + 2;
    let end = params.jobs + 1;
    let mut req = vec![[0u32; 4]; total];
    for r in req.iter_mut().take(end).skip(1) {
        let mut any = false;
        for q in r.iter_mut() {
            if rng.unit() < params.factor {
                *q = 1 + rng.below(10) as u32;
                any = true;
            }
        }
        if !any {
            r[rng.below(4)] = 1 + rng.below(10) as u32;
        }
    }
    req
}

/// The resource capacities: between the largest single demand and the peak usage of the
/// earliest-start schedule, by the resource strength.
fn capacities(
    params: &RcpspParams,
    dur: &[u32],
    preds: &[Vec<usize>],
    req: &[[u32; 4]],
) -> Vec<u32> {
    let total = dur.len();
    // Earliest starts, then the peak usage of that schedule per resource.
    let mut es = vec![0u32; total];
    for j in 0..total {
        for &i in &preds[j] {
            es[j] = es[j].max(es[i] + dur[i]);
        }
    }
    let horizon = (0..total).map(|j| es[j] + dur[j]).max().unwrap_or(0) as usize;
    (0..4)
        .map(|k| {
            let kmin = req.iter().map(|r| r[k]).max().unwrap_or(0);
            let mut usage = vec![0u32; horizon + 1];
            for j in 0..total {
                for t in es[j]..es[j] + dur[j] {
                    usage[t as usize] += req[j][k];
                }
            }
            let kmax = usage.iter().copied().max().unwrap_or(0);
            let cap = f64::from(kmin) + (params.strength * f64::from(kmax - kmin)).round();
            (cap as u32).max(kmin).max(1)
        })
        .collect()
}

/// The instance as an undated plan (see [`rcpsp`]).
fn rcpsp_plan(
    n: usize,
    seed: u64,
    dur: &[u32],
    preds: &[Vec<usize>],
    req: &[[u32; 4]],
    caps: &[u32],
) -> Plan {
    let total = dur.len();
    let teams = (0..4)
        .map(|k| Team {
            id: format!("R{}", k + 1),
            name: None,
            capacity: caps[k],
            calendar: 0,
            time_off: Vec::new(),
            pos: None,
        })
        .collect();
    let tasks = (0..total)
        .map(|j| {
            let used: Vec<(usize, u32)> = (0..4)
                .filter(|&k| req[j][k] > 0)
                .map(|k| (k, req[j][k]))
                .collect();
            let (team, demand, extra) = match used.split_first() {
                Some((&(k, q), rest)) => (Some(k), q, rest.to_vec()),
                None => (None, 0, Vec::new()),
            };
            Task {
                id: (j + 1).to_string(),
                name: None,
                team,
                demand,
                extra_demands: extra,
                estimate: Estimate::Fixed {
                    value: f64::from(dur[j]),
                },
                after: preds[j]
                    .iter()
                    .map(|&i| Link {
                        pred: i,
                        kind: LinkKind::FS,
                        lag: 0.0,
                        pos: None,
                    })
                    .collect(),
                kind: if dur[j] == 0 {
                    TaskKind::Milestone
                } else {
                    TaskKind::Work
                },
                optional: false,
                pos: None,
                actual: Default::default(),
                dates: Default::default(),
            }
        })
        .collect();
    Plan {
        name: format!("rcpsp-{n}-{seed}"),
        start: None,
        calendars: vec![Calendar::standard()],
        default_calendar: 0,
        teams,
        tasks,
        risks: Vec::new(),
        correlations: Vec::new(),
        releases: Vec::new(),
        status: None,
    }
}

/// Whether `to` is reachable from `from` along `succs`.
fn reaches(succs: &[Vec<usize>], from: usize, to: usize) -> bool {
    let mut stack = vec![from];
    let mut seen = vec![false; succs.len()];
    while let Some(i) = stack.pop() {
        if i == to {
            return true;
        }
        for &k in &succs[i] {
            if k <= to && !seen[k] {
                seen[k] = true;
                stack.push(k);
            }
        }
    }
    false
}

/// A dated release plan with `tasks` tasks, `teams` teams and `releases` releases: a standard
/// calendar with a few holidays, one team on its own calendar, some time off, three-point
/// estimates of 1 to 10 days, about two links per task (mostly FS, some SS, FF and SF, some
/// lags), tasks assigned to releases in slices of the file order.
pub fn release_plan(tasks: usize, teams: usize, releases: usize, seed: u64) -> Plan {
    let mut rng = Rng::new(seed ^ 0x0005_41b1_da7e);
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).expect("a date");
    let day = |d: i64| start + chrono::TimeDelta::days(d);
    let holidays: Vec<NaiveDate> = [25, 88, 130, 200, 280, 359]
        .iter()
        .map(|&d| day(d))
        .collect();
    let calendars = vec![
        Calendar {
            id: "standard".into(),
            workdays: [true, true, true, true, true, false, false],
            holidays: holidays.clone(),
        },
        Calendar {
            id: "four-day".into(),
            workdays: [true, true, true, true, false, false, false],
            holidays,
        },
    ];
    let team_list: Vec<Team> = (0..teams.max(1))
        .map(|k| {
            let capacity = 2 + rng.below(4) as u32;
            let time_off = (0..2)
                .map(|_| {
                    let from = 10 + rng.below(300) as i64;
                    TimeOff {
                        from: When::Date(day(from)),
                        to: When::Date(day(from + 4 + rng.below(10) as i64)),
                        capacity: rng.below(capacity as usize) as u32,
                    }
                })
                .collect();
            Team {
                id: format!("team{k}"),
                name: None,
                capacity,
                calendar: usize::from(k == 1),
                time_off,
                pos: None,
            }
        })
        .collect();
    let kinds = [LinkKind::FS, LinkKind::SS, LinkKind::FF, LinkKind::SF];
    let task_list: Vec<Task> = (0..tasks)
        .map(|j| {
            let team = rng.below(team_list.len());
            let likely = 1 + rng.below(10);
            let estimate = Estimate::Pert {
                low: (likely as f64 * 0.7).floor().max(1.0),
                likely: likely as f64,
                high: likely as f64 * 2.0,
            };
            let mut after: Vec<Link> = Vec::new();
            if j > 0 {
                for _ in 0..1 + rng.below(3) {
                    let back = 1 + rng.below(j.min(40));
                    let pred = j - back;
                    if after.iter().any(|l| l.pred == pred) {
                        continue;
                    }
                    let r = rng.below(10);
                    let kind = if r < 7 { LinkKind::FS } else { kinds[r - 6] };
                    let lag = if rng.below(5) == 0 {
                        rng.below(5) as f64 - 1.0
                    } else {
                        0.0
                    };
                    after.push(Link {
                        pred,
                        kind,
                        lag,
                        pos: None,
                    });
                }
            }
            let demand = 1 + u32::from(rng.below(4) == 0);
            Task {
                id: format!("t{j}"),
                name: None,
                team: Some(team),
                demand: demand.min(team_list[team].capacity),
                extra_demands: Vec::new(),
                estimate,
                after,
                kind: TaskKind::Work,
                optional: false,
                pos: None,
                actual: Default::default(),
                dates: Default::default(),
            }
        })
        .collect();
    let r = releases.max(1).min(tasks.max(1));
    let release_list = (0..r)
        .map(|k| {
            let lo = k * tasks / r;
            let hi = (k + 1) * tasks / r;
            Release::new(format!("r{}", k + 1), (lo..hi).collect())
        })
        .filter(|r| !r.tasks.is_empty())
        .collect();
    Plan {
        name: format!("synthetic-{tasks}-{seed}"),
        start: Some(start),
        calendars,
        default_calendar: 0,
        teams: team_list,
        tasks: task_list,
        risks: Vec::new(),
        correlations: Vec::new(),
        releases: release_list,
        status: None,
    }
}
