//! The integer fast path: a serial schedule generation scheme on a unit time grid, for plans
//! where it gives exactly what [`crate::schedule::Sgs`] gives.
//!
//! It applies when every duration and lag is a whole number, every team demanded has one
//! capacity on every day and every task's calendar works every day (PSPLIB and Patterson
//! files, undated plans without time off, dated plans whose teams keep the plan calendar with
//! no time off). Then every start the serial scheme produces is a whole number, and the
//! earliest resource-feasible start at or after a task's precedence bound is found by scanning
//! per-team usage arrays: O(duration x demands) per candidate, jumping past the last overload.
//! The same grid, built on the reversed links (FS stays FS, SS and FF swap, SF stays SF),
//! schedules the mirrored problem: the backward pass of forward-backward improvement.
//!
//! No allocation happens in [`Grid::run`] once the grid is built.

use crate::model::{LinkKind, Plan};
use crate::network::link::{self, Plain};
use crate::schedule::Problem;

use super::net::Net;

/// A link into a task, in grid units.
#[derive(Debug, Clone, Copy)]
struct GLink {
    pred: u32,
    kind: LinkKind,
    lag: i64,
}

/// One direction (forward or mirrored) of an integer-grid instance, with its scratch space.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    n: usize,
    dur: Vec<i64>,
    link_start: Vec<u32>,
    links: Vec<GLink>,
    dem_start: Vec<u32>,
    /// (team, units)
    dems: Vec<(u32, u32)>,
    cap: Vec<u32>,
    /// Per task, the earliest start its release time allows (all 0 on the mirrored grid,
    /// where release times would be deadlines).
    release: Vec<i64>,
    /// Usage, team-major: `usage[k * h + t]`.
    usage: Vec<u32>,
    h: usize,
    /// The largest finish of the last run (usage is zero from there on).
    dirty: usize,
    pub start: Vec<i64>,
    pub finish: Vec<i64>,
}

/// Whether `x` is a whole number small enough for the grid.
fn whole(x: f64) -> Option<i64> {
    (x.is_finite() && x.fract() == 0.0 && x.abs() <= 1e7).then_some(x as i64)
}

impl Grid {
    /// The forward and mirrored grids of a plan, when the fast path applies (see the module
    /// documentation), with these durations.
    pub fn pair(
        plan: &Plan,
        problem: &Problem,
        net: &Net,
        durations: &[f64],
    ) -> Option<(Grid, Grid)> {
        let n = plan.tasks.len();
        let tl = problem.timeline();
        let plain =
            |c: &crate::calendar::TeamCalendar| c.is_working(0) && c.next_change(0).is_none();
        let mut dur = Vec::with_capacity(n);
        for (j, &d) in durations.iter().enumerate() {
            dur.push(whole(d)?);
            if dur[j] < 0 || !plain(problem.calendar(j)) {
                return None;
            }
        }
        let teams = plan.teams.len();
        let mut cap = Vec::with_capacity(teams);
        for k in 0..teams {
            let c = tl.team(k);
            cap.push(if plain(c) { c.capacity(0) } else { 0 });
        }
        let mut dem_start = Vec::with_capacity(n + 1);
        let mut dems = Vec::new();
        for j in 0..n {
            dem_start.push(dems.len() as u32);
            for d in problem.network().demands(j) {
                let (k, q) = (d.team, d.units);
                if cap[k] == 0 || q > cap[k] {
                    return None;
                }
                dems.push((k as u32, q));
            }
            // The search checks the tightest demand first: it fails most often.
            let own = &mut dems[dem_start[j] as usize..];
            let share = |&(k, q): &(u32, u32)| (u64::from(q), u64::from(cap[k as usize]));
            crate::sorting::sort_by(own, |a, b| {
                // q_a / cap_a > q_b / cap_b first.
                let ((qa, ca), (qb, cb)) = (share(a), share(b));
                (qb * ca).cmp(&(qa * cb))
            });
        }
        dem_start.push(dems.len() as u32);
        let mut release = Vec::with_capacity(n);
        for &r in net.release_times() {
            release.push(whole(r)?);
        }
        let mut fwd_start = Vec::with_capacity(n + 1);
        let mut fwd = Vec::new();
        let mut max_lag = vec![0i64; n];
        for j in 0..n {
            fwd_start.push(fwd.len() as u32);
            for a in net.preds(j) {
                let lag = whole(a.lag)?;
                max_lag[j] = max_lag[j].max(lag);
                fwd.push(GLink {
                    pred: a.other as u32,
                    kind: a.kind,
                    lag,
                });
            }
        }
        fwd_start.push(fwd.len() as u32);
        let mut bwd_start = Vec::with_capacity(n + 1);
        let mut bwd = Vec::new();
        let mut max_lag_m = vec![0i64; n];
        for j in 0..n {
            bwd_start.push(bwd.len() as u32);
            for a in net.succs(j) {
                let lag = whole(a.lag)?;
                max_lag_m[j] = max_lag_m[j].max(lag);
                bwd.push(GLink {
                    pred: a.other as u32,
                    kind: link::mirrored(a.kind),
                    lag,
                });
            }
        }
        bwd_start.push(bwd.len() as u32);
        // Every finish of the serial scheme is at most the largest release time plus the sum
        // over tasks of duration plus largest positive lag into it: a task starts no later
        // than its precedence bound or the last finish so far, whichever is later.
        let latest_release = release.iter().copied().max().unwrap_or(0).max(0);
        let horizon = |ml: &[i64]| -> usize {
            (latest_release + dur.iter().sum::<i64>() + ml.iter().sum::<i64>() + 2) as usize
        };
        let make = |link_start: Vec<u32>, links: Vec<GLink>, release: Vec<i64>, h: usize| Grid {
            n,
            dur: dur.clone(),
            link_start,
            links,
            dem_start: dem_start.clone(),
            dems: dems.clone(),
            cap: cap.clone(),
            release,
            usage: vec![0; teams * h],
            h,
            dirty: 0,
            start: vec![0; n],
            finish: vec![0; n],
        };
        let b = make(bwd_start, bwd, vec![0; n], horizon(&max_lag_m));
        let f = make(fwd_start, fwd, release, horizon(&max_lag));
        Some((f, b))
    }

    /// The number of tasks.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Schedules the tasks in `list` (feasible for this grid's direction), each at the
    /// earliest whole time its links and the teams' capacity allow.
    pub fn run(&mut self, list: &[usize]) {
        let h = self.h;
        // Clear the usage of the last run.
        if self.dirty > 0 {
            for k in 0..self.cap.len() {
                self.usage[k * h..k * h + self.dirty].fill(0);
            }
        }
        let mut dirty = 0usize;
        for &j in list {
            let d = self.dur[j];
            let mut es = self.release[j];
            let (a, b) = (self.link_start[j] as usize, self.link_start[j + 1] as usize);
            for l in &self.links[a..b] {
                let i = l.pred as usize;
                let (ps, pf) = (self.start[i], self.finish[i]);
                es = es.max(link::earliest_start(l.kind, l.lag, Plain, d, ps, pf));
            }
            let (a, b) = (self.dem_start[j] as usize, self.dem_start[j + 1] as usize);
            let mut t = es as usize;
            if d > 0 && a < b {
                let du = d as usize;
                let dems = &self.dems[a..b];
                // A start t fails when some slot of [t, t + d) lacks room on some team; then no
                // start up to that slot works: jump past the last such slot. The teams are
                // checked in turn, staying on a team while it fails, until every team has
                // passed at the same t.
                let (m, mut i, mut passed) = (dems.len(), 0, 0);
                while passed < m {
                    debug_assert!(t + du <= h);
                    let (k, q) = dems[i];
                    let k = k as usize;
                    let limit = self.cap[k] - q;
                    let row = &self.usage[k * h + t..k * h + t + du];
                    if let Some(u) = row.iter().rposition(|&x| x > limit) {
                        t += u + 1;
                        passed = 0;
                    } else {
                        passed += 1;
                        i = if i + 1 == m { 0 } else { i + 1 };
                    }
                }
                for &(k, q) in dems {
                    let k = k as usize;
                    for x in &mut self.usage[k * h + t..k * h + t + du] {
                        *x += q;
                    }
                }
                dirty = dirty.max(t + du);
            }
            self.start[j] = t as i64;
            self.finish[j] = t as i64 + d;
        }
        self.dirty = dirty;
    }

    /// Precedence-only earliest starts (capacity ignored), in this grid's direction, for tasks
    /// taken in `order` (a list feasible for this direction).
    pub fn earliest(&self, order: &[usize], out: &mut [i64]) {
        for &j in order {
            let d = self.dur[j];
            let mut es = self.release[j];
            let (a, b) = (self.link_start[j] as usize, self.link_start[j + 1] as usize);
            for l in &self.links[a..b] {
                let i = l.pred as usize;
                let (ps, pf) = (out[i], out[i] + self.dur[i]);
                es = es.max(link::earliest_start(l.kind, l.lag, Plain, d, ps, pf));
            }
            out[j] = es;
        }
    }

    /// Durations in grid units.
    pub fn durations(&self) -> &[i64] {
        &self.dur
    }

    /// Per task, the earliest start its release time allows, in grid units (all 0 on the
    /// mirrored grid).
    pub fn releases(&self) -> &[i64] {
        &self.release
    }

    /// Team capacities (0 for a team no task demands on the fast path).
    pub fn capacities(&self) -> &[u32] {
        &self.cap
    }

    /// The (team, units) demands of task `j`.
    pub fn demands(&self, j: usize) -> &[(u32, u32)] {
        &self.dems[self.dem_start[j] as usize..self.dem_start[j + 1] as usize]
    }

    /// The links into task `j` in this direction: (other task, type, lag).
    pub fn links(&self, j: usize) -> impl Iterator<Item = (usize, LinkKind, i64)> + '_ {
        let (a, b) = (self.link_start[j] as usize, self.link_start[j + 1] as usize);
        self.links[a..b]
            .iter()
            .map(|l| (l.pred as usize, l.kind, l.lag))
    }
}
