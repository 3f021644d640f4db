//! An independent feasibility checker for schedules.
//!
//! It uses no engine scheduling or calendar code: only the plan model, chrono, and its own
//! day-by-day walk of the plan calendar, team calendars and time off. Given a plan and each
//! task's `(start, finish)`, it checks durations, links with their lags, starts >= 0, and team
//! capacity day by day and at every start within a day.
//!
//! The rules it checks (SPEC sections 2 and 3):
//! - Plan day `k` is the k-th working day of the plan's default calendar on or after
//!   `plan.start` (undated: period `k`); a task runs over `[start, finish)`.
//! - A team works on plan day `k` when its calendar has that date as a workday (undated: always)
//!   and its capacity that day (the smallest time-off capacity covering it, else its base
//!   capacity) is above 0. A task without a team works every plan day, unlimited.
//! - The working time of a task's own calendar in `[start, finish)` equals its duration.
//! - FS: `s_j >= f_i + L`; SS: `s_j >= s_i + L`; FF: `f_j >= f_i + L`; SF: `f_j >= s_i + L`,
//!   where a finish bound `T` above `f_j` is also met when `j`'s calendar has no working time
//!   in `[f_j, T)` (a task cannot finish inside its days off).
//! - On every day team `r` works, at every moment, the demands on `r` of the tasks running then
//!   and working that day (their own calendar works) add up to at most `r`'s capacity.

use chrono::NaiveDate;
use shipdate_engine::model::{LinkKind, Plan, TaskKind, When};

/// Tolerance on times compared.
const EPS: f64 = 1e-6;

/// The plan's days: dates of plan days (dated plans), generated as far as needed.
struct Days<'a> {
    plan: &'a Plan,
    dates: Vec<NaiveDate>,
}

impl<'a> Days<'a> {
    fn new(plan: &'a Plan, count: usize) -> Self {
        let mut dates = Vec::new();
        if let Some(start) = plan.start {
            let cal = &plan.calendars[plan.default_calendar];
            let mut d = start;
            while dates.len() < count {
                if cal.is_workday(d) {
                    dates.push(d);
                }
                d = d.succ_opt().unwrap();
            }
        }
        Days { plan, dates }
    }

    /// Team `team`'s capacity on plan day `k` (0 when it does not work); `None` for no team.
    fn capacity(&self, team: Option<usize>, k: usize) -> u32 {
        let Some(t) = team else {
            return u32::MAX;
        };
        let team = &self.plan.teams[t];
        let mut cap = team.capacity;
        match self.plan.start {
            Some(_) => {
                let date = self.dates[k];
                if !self.plan.calendars[team.calendar].is_workday(date) {
                    return 0;
                }
                for off in &team.time_off {
                    if let (When::Date(f), When::Date(to)) = (off.from, off.to) {
                        if f <= date && date <= to {
                            cap = cap.min(off.capacity);
                        }
                    }
                }
            }
            None => {
                for off in &team.time_off {
                    if let (When::Period(f), When::Period(to)) = (off.from, off.to) {
                        let k = k as f64;
                        if f.floor() <= k && k <= to.floor() {
                            cap = cap.min(off.capacity);
                        }
                    }
                }
            }
        }
        cap
    }

    fn works(&self, team: Option<usize>, k: usize) -> bool {
        self.capacity(team, k) > 0
    }

    /// Working time of `team`'s calendar in `[a, b)`, day by day.
    fn working_time(&self, team: Option<usize>, a: f64, b: f64) -> f64 {
        let mut total = 0.0;
        if b <= a {
            return 0.0;
        }
        let first = a.floor().max(0.0) as usize;
        let last = b.ceil() as usize;
        for k in first..last {
            let lo = a.max(k as f64);
            let hi = b.min(k as f64 + 1.0);
            if hi > lo && self.works(team, k) {
                total += hi - lo;
            }
        }
        total
    }
}

/// The point duration of each task (what `schedule` uses).
pub fn point_durations(plan: &Plan) -> Vec<f64> {
    plan.tasks
        .iter()
        .map(|t| match t.kind {
            TaskKind::Milestone => 0.0,
            _ => t.estimate.point(),
        })
        .collect()
}

/// Checks a schedule with the tasks' point durations; returns every violation found.
pub fn check(plan: &Plan, start: &[f64], finish: &[f64]) -> Vec<String> {
    check_with(plan, &point_durations(plan), start, finish)
}

/// Checks a schedule with the given durations; returns every violation found.
pub fn check_with(plan: &Plan, durations: &[f64], start: &[f64], finish: &[f64]) -> Vec<String> {
    let n = plan.tasks.len();
    let mut v = Vec::new();
    assert_eq!(start.len(), n);
    assert_eq!(finish.len(), n);
    if let Some(j) = (0..n).find(|&j| !start[j].is_finite() || !finish[j].is_finite()) {
        v.push(format!("task {} has a non-finite time", plan.tasks[j].id));
        return v;
    }
    let horizon = finish
        .iter()
        .chain(start)
        .copied()
        .fold(0.0, f64::max)
        .ceil() as usize
        + 2;
    let days = Days::new(plan, horizon);

    for (j, t) in plan.tasks.iter().enumerate() {
        if start[j] < -EPS {
            v.push(format!("task {} starts before 0 ({})", t.id, start[j]));
        }
        if finish[j] < start[j] - EPS {
            v.push(format!("task {} finishes before it starts", t.id));
        }
        let worked = days.working_time(t.team, start[j], finish[j]);
        if (worked - durations[j]).abs() > EPS {
            v.push(format!(
                "task {} works {worked} over [{}, {}) but lasts {}",
                t.id, start[j], finish[j], durations[j]
            ));
        }
        for l in &t.after {
            let i = l.pred;
            let pid = &plan.tasks[i].id;
            let (ok, what) = match l.kind {
                LinkKind::FS => (start[j] >= finish[i] + l.lag - EPS, "FS"),
                LinkKind::SS => (start[j] >= start[i] + l.lag - EPS, "SS"),
                LinkKind::FF | LinkKind::SF => {
                    let base = if l.kind == LinkKind::FF {
                        finish[i]
                    } else {
                        start[i]
                    };
                    let bound = base + l.lag;
                    let ok = finish[j] >= bound - EPS
                        || days.working_time(t.team, finish[j], bound) <= EPS;
                    (ok, if l.kind == LinkKind::FF { "FF" } else { "SF" })
                }
            };
            if !ok {
                v.push(format!(
                    "link {what} {pid} -> {} lag {} violated: {pid} [{}, {}), {} [{}, {})",
                    t.id, l.lag, start[i], finish[i], t.id, start[j], finish[j]
                ));
            }
        }
    }

    // Capacity, team by team and day by day, at every moment a task starts or the day starts.
    for (r, team) in plan.teams.iter().enumerate() {
        let holders: Vec<(usize, u32)> = plan
            .tasks
            .iter()
            .enumerate()
            .flat_map(|(j, t)| {
                t.demands()
                    .filter(move |&(tr, _)| tr == r)
                    .map(move |(_, q)| (j, q))
            })
            .filter(|&(j, _)| finish[j] > start[j])
            .collect();
        if holders.is_empty() {
            continue;
        }
        for k in 0..horizon {
            let cap = days.capacity(Some(r), k);
            if cap == 0 {
                continue;
            }
            let (lo, hi) = (k as f64, k as f64 + 1.0);
            // The running pieces on this day of tasks whose own calendar works today.
            let pieces: Vec<(f64, f64, u32, usize)> = holders
                .iter()
                .filter(|&&(j, _)| days.works(plan.tasks[j].team, k))
                .map(|&(j, q)| (start[j].max(lo), finish[j].min(hi), q, j))
                .filter(|p| p.1 > p.0)
                .collect();
            for &(t0, _, _, _) in pieces.iter().chain(std::iter::once(&(lo, hi, 0, 0))) {
                let running: Vec<&(f64, f64, u32, usize)> =
                    pieces.iter().filter(|p| p.0 <= t0 && t0 < p.1).collect();
                let used: u32 = running.iter().map(|p| p.2).sum();
                if used > cap {
                    let ids: Vec<&str> = running
                        .iter()
                        .map(|p| plan.tasks[p.3].id.as_str())
                        .collect();
                    v.push(format!(
                        "team {} over capacity at {t0}: {used} > {cap} ({})",
                        team.id,
                        ids.join(", ")
                    ));
                }
            }
        }
    }
    v.sort();
    v.dedup();
    v
}
