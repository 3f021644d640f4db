//! Lower bounds on the release-first objective.
//!
//! - Every component: the critical-path method with calendars, capacity ignored (a release is
//!   never ready before its tasks' earliest finishes; the project never ends before the
//!   largest earliest finish).
//! - The makespan, on the integer grid (constant capacities): the resource bound
//!   `max_k ceil(sum_j d_j q_jk / R_k)`, and a destructive bound: a makespan `T` is impossible
//!   when the time windows `[ES_j, LF_j(T)]` cross, or when energetic reasoning (Lopez, Erschler
//!   and Esquirol; Baptiste, Le Pape and Nuijten) finds an interval `[a, b)` in which the work
//!   every task must do there on some team exceeds that team's capacity times `b - a`; the
//!   bound is then `T + 1`, tried upwards.

use crate::graph;
use crate::schedule::Problem;

use super::grid::Grid;
use super::Objective;

/// The lower-bound vector (one entry per release, then the makespan) from the critical-path
/// method.
pub(crate) fn cpm_bound(problem: &Problem, durations: &[f64], obj: &Objective) -> Vec<f64> {
    let cpm = graph::critical_path(problem.network(), durations);
    let mut lb = vec![0.0; obj.len()];
    obj.eval(&cpm.early_finish, &mut lb);
    lb
}

/// The resource bound on the grid: `max_k ceil(sum_j d_j q_jk / R_k)`.
pub(crate) fn resource_bound(g: &Grid) -> i64 {
    let caps = g.capacities();
    let mut work = vec![0u64; caps.len()];
    for j in 0..g.len() {
        let d = g.durations()[j] as u64;
        for &(k, q) in g.demands(j) {
            work[k as usize] += d * u64::from(q);
        }
    }
    work.iter()
        .zip(caps)
        .filter(|(_, &c)| c > 0)
        .map(|(&w, &c)| w.div_ceil(u64::from(c)) as i64)
        .max()
        .unwrap_or(0)
}

/// Time windows for a makespan `t`: earliest starts and latest finishes, from the forward and
/// mirrored grids; `None` when some window is empty.
pub(crate) fn windows(
    fwd: &Grid,
    bwd: &Grid,
    topo: &[usize],
    rtopo: &[usize],
    t: i64,
) -> Option<(Vec<i64>, Vec<i64>)> {
    let n = fwd.len();
    let mut es = vec![0i64; n];
    fwd.earliest(topo, &mut es);
    let mut ms = vec![0i64; n];
    bwd.earliest(rtopo, &mut ms);
    let d = fwd.durations();
    let lf: Vec<i64> = (0..n).map(|j| t - ms[j]).collect();
    (0..n).all(|j| es[j] + d[j] <= lf[j]).then_some((es, lf))
}

/// Whether energetic reasoning shows that no schedule finishes by `t`.
pub(crate) fn energy_infeasible(fwd: &Grid, es: &[i64], lf: &[i64]) -> bool {
    let n = fwd.len();
    let d = fwd.durations();
    let caps = fwd.capacities();
    let mut lefts: Vec<i64> = Vec::with_capacity(2 * n);
    let mut rights: Vec<i64> = Vec::with_capacity(2 * n);
    for j in 0..n {
        if d[j] == 0 || fwd.demands(j).is_empty() {
            continue;
        }
        lefts.push(es[j]);
        lefts.push(lf[j] - d[j]);
        rights.push(es[j] + d[j]);
        rights.push(lf[j]);
    }
    lefts.sort_unstable();
    lefts.dedup();
    rights.sort_unstable();
    rights.dedup();
    let mut need = vec![0i64; caps.len()];
    for &a in &lefts {
        for &b in &rights {
            if b <= a {
                continue;
            }
            need.fill(0);
            for j in 0..n {
                if d[j] == 0 {
                    continue;
                }
                // The least work j does in [a, b): left-shifted or right-shifted.
                let left = (es[j] + d[j] - a).max(0);
                let right = (b - (lf[j] - d[j])).max(0);
                let w = (b - a).min(d[j]).min(left).min(right);
                if w > 0 {
                    for &(k, q) in fwd.demands(j) {
                        need[k as usize] += w * i64::from(q);
                    }
                }
            }
            if need
                .iter()
                .zip(caps)
                .any(|(&w, &c)| w > i64::from(c) * (b - a))
            {
                return true;
            }
        }
    }
    false
}

/// The destructive makespan bound on the grid: starting from `lb`, the first `t` (at most
/// `lb + max_steps`) that neither the windows nor energetic reasoning rule out. Only run for
/// plans of at most `max_tasks` tasks (it is cubic in their number).
pub(crate) fn destructive_bound(
    fwd: &Grid,
    bwd: &Grid,
    topo: &[usize],
    rtopo: &[usize],
    lb: i64,
    max_steps: i64,
) -> i64 {
    let mut t = lb;
    while t < lb + max_steps {
        match windows(fwd, bwd, topo, rtopo, t) {
            None => t += 1,
            Some((es, lf)) => {
                if energy_infeasible(fwd, &es, &lf) {
                    t += 1;
                } else {
                    break;
                }
            }
        }
    }
    t
}

/// Time windows on the grid: task `j` starts at or after `es[j]` and finishes by `lf[j]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Windows {
    pub es: Vec<i64>,
    pub lf: Vec<i64>,
}

/// Constraint propagation for "every task within its window" on the grid: precedence (every
/// link as `s_j >= s_i + delta`), time-tabling on the compulsory parts `[LS_j, EF_j)` of the
/// tasks, and energetic reasoning, to a fixpoint.
pub(crate) struct Propagator<'a> {
    g: &'a Grid,
    /// Links as (i, j, delta): `s_j >= s_i + delta`.
    arcs: Vec<(usize, usize, i64)>,
    /// Scratch: compulsory usage per team and slot.
    usage: Vec<i64>,
    /// Whether propagation ends with the energetic check (off inside cheap shaving trials).
    energetic: bool,
    /// Whether shaving trials use the energetic check (strong but cubic in the task count).
    pub energetic_trials: bool,
    /// The caller's stop function: the search gives up (as when out of nodes) once it
    /// returns true.
    pub stop: Option<&'a dyn Fn() -> bool>,
}

impl<'a> Propagator<'a> {
    pub fn new(g: &'a Grid, topo: &'a [usize]) -> Propagator<'a> {
        let d = g.durations();
        let mut arcs = Vec::new();
        for &j in topo {
            for (i, kind, lag) in g.links(j) {
                arcs.push((i, j, super::exact::delta(kind, lag, d[i], d[j])));
            }
        }
        Propagator {
            g,
            arcs,
            usage: Vec::new(),
            energetic: true,
            energetic_trials: true,
            stop: None,
        }
    }

    /// Tightens `w`; false when some window empties (no schedule fits the windows).
    pub fn propagate(&mut self, w: &mut Windows) -> bool {
        let g = self.g;
        let d = g.durations();
        let n = g.len();
        let caps = g.capacities();
        let teams = caps.len();
        for _round in 0..1000 {
            let mut changed = false;
            // Precedence, forward then backward (the arcs are in topological order of j).
            for &(i, j, del) in &self.arcs {
                if w.es[i] + del > w.es[j] {
                    w.es[j] = w.es[i] + del;
                }
            }
            for &(i, j, del) in self.arcs.iter().rev() {
                // s_i <= ls_j - delta.
                let bound = w.lf[j] - d[j] - del + d[i];
                if bound < w.lf[i] {
                    w.lf[i] = bound;
                }
            }
            if (0..n).any(|j| w.es[j] + d[j] > w.lf[j]) {
                return false;
            }
            // Time-tabling on compulsory parts.
            let h = w.lf.iter().copied().max().unwrap_or(0).max(0) as usize + 1;
            self.usage.clear();
            self.usage.resize(teams * h, 0);
            for j in 0..n {
                let (ls, ef) = (w.lf[j] - d[j], w.es[j] + d[j]);
                if ls < ef {
                    for &(k, q) in g.demands(j) {
                        for u in ls.max(0)..ef {
                            self.usage[k as usize * h + u as usize] += i64::from(q);
                        }
                    }
                }
            }
            for k in 0..teams {
                if self.usage[k * h..(k + 1) * h]
                    .iter()
                    .any(|&u| u > i64::from(caps[k]))
                {
                    return false;
                }
            }
            for j in 0..n {
                if d[j] == 0 || g.demands(j).is_empty() {
                    continue;
                }
                let (ls, ef) = (w.lf[j] - d[j], w.es[j] + d[j]);
                // Room for j at slot u, not counting j's own compulsory part.
                let fits = |usage: &[i64], u: i64| {
                    g.demands(j).iter().all(|&(k, q)| {
                        let own = if ls <= u && u < ef { i64::from(q) } else { 0 };
                        usage[k as usize * h + u as usize] - own + i64::from(q)
                            <= i64::from(caps[k as usize])
                    })
                };
                // Earliest start: the first t >= es whose slots [t, t + d) all fit.
                let mut t = w.es[j];
                let mut u = t;
                while u < t + d[j] && t + d[j] <= w.lf[j] {
                    if fits(&self.usage, u) {
                        u += 1;
                    } else {
                        u += 1;
                        t = u;
                    }
                }
                if t + d[j] > w.lf[j] {
                    return false;
                }
                if t > w.es[j] {
                    w.es[j] = t;
                    changed = true;
                }
                // Latest finish: the last f <= lf whose slots [f - d, f) all fit.
                let mut f = w.lf[j];
                let mut u = f - 1;
                while u >= f - d[j] && f - d[j] >= w.es[j] {
                    if fits(&self.usage, u) {
                        u -= 1;
                    } else {
                        f = u;
                        u -= 1;
                    }
                }
                if f - d[j] < w.es[j] {
                    return false;
                }
                if f < w.lf[j] {
                    w.lf[j] = f;
                    changed = true;
                }
            }
            if !changed {
                return !self.energetic || !energy_infeasible(g, &w.es, &w.lf);
            }
        }
        !self.energetic || !energy_infeasible(g, &w.es, &w.lf)
    }

    /// Propagation for a shaving trial.
    fn trial(&mut self, w: &mut Windows) -> bool {
        self.energetic = self.energetic_trials;
        let ok = self.propagate(w);
        self.energetic = true;
        ok
    }

    /// Shaving: a start is removed from a task's window when fixing the task there makes
    /// propagation fail; both ends of every window, to a fixpoint (at most `passes`). False
    /// when some window empties.
    pub fn shave(&mut self, w: &mut Windows, passes: usize) -> bool {
        let d = self.g.durations().to_vec();
        let n = self.g.len();
        if !self.propagate(w) {
            return false;
        }
        for _ in 0..passes {
            let before = w.clone();
            for j in 0..n {
                // Earliest start.
                loop {
                    let mut trial = w.clone();
                    trial.lf[j] = trial.es[j] + d[j];
                    if self.trial(&mut trial) {
                        break;
                    }
                    w.es[j] += 1;
                    if !self.propagate(w) {
                        return false;
                    }
                }
                // Latest start.
                loop {
                    let mut trial = w.clone();
                    trial.es[j] = trial.lf[j] - d[j];
                    if self.trial(&mut trial) {
                        break;
                    }
                    w.lf[j] -= 1;
                    if !self.propagate(w) {
                        return false;
                    }
                }
            }
            if *w == before {
                break;
            }
        }
        true
    }

    /// A depth-first search for a schedule within `w` by schedule-or-postpone branching
    /// (SetTimes: Le Pape, Couronne, Vergamini and Gosselin 1994): take the unfixed task with
    /// the smallest earliest start (then latest start); either start it there, or postpone it,
    /// which makes it unselectable until propagation moves its earliest start; a node whose
    /// unfixed tasks are all postponed fails (some schedule no later on every task is found
    /// elsewhere, as the constraints are all of the "not before" kind). Propagation runs at
    /// every node, and shaving.
    ///
    /// `Ok(Some)` holds windows that are all single starts (a schedule), `Ok(None)` proves that
    /// none exists, `Err` means the node budget ran out (`nodes` counts the nodes visited).
    pub fn search(
        &mut self,
        w: &Windows,
        nodes: &mut u64,
        limit: u64,
    ) -> Result<Option<Windows>, ()> {
        let mut w = w.clone();
        if !self.shave(&mut w, 2) {
            return Ok(None);
        }
        let postponed = vec![None; self.g.len()];
        // Below the root, shaving trials use time-tabling only (the energetic check stays at
        // the end of every propagation): the cubic check in every trial costs more than it
        // prunes.
        let keep = self.energetic_trials;
        self.energetic_trials = false;
        let out = self.set_times(w, postponed, nodes, limit);
        self.energetic_trials = keep;
        out
    }

    fn set_times(
        &mut self,
        mut w: Windows,
        mut postponed: Vec<Option<i64>>,
        nodes: &mut u64,
        limit: u64,
    ) -> Result<Option<Windows>, ()> {
        if *nodes >= limit || self.stop.is_some_and(|f| f()) {
            return Err(());
        }
        *nodes += 1;
        if !self.shave(&mut w, 1) {
            return Ok(None);
        }
        let d = self.g.durations();
        let n = self.g.len();
        let mut unfixed = false;
        let mut pick: Option<usize> = None;
        for j in 0..n {
            if w.lf[j] - d[j] == w.es[j] {
                continue;
            }
            unfixed = true;
            if postponed[j] == Some(w.es[j]) {
                continue;
            }
            let better = match pick {
                None => true,
                Some(p) => (w.es[j], w.lf[j] - d[j]) < (w.es[p], w.lf[p] - d[p]),
            };
            if better {
                pick = Some(j);
            }
        }
        if !unfixed {
            return Ok(Some(w));
        }
        let Some(j) = pick else {
            return Ok(None);
        };
        let mut start_now = w.clone();
        start_now.lf[j] = w.es[j] + d[j];
        if let Some(found) = self.set_times(start_now, postponed.clone(), nodes, limit)? {
            return Ok(Some(found));
        }
        postponed[j] = Some(w.es[j]);
        self.set_times(w, postponed, nodes, limit)
    }
}
