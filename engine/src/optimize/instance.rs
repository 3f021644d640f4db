//! The bucketed problem, stripped of dates: buckets, capacities, task work, links, releases.
//!
//! [`Instance`] is what [`super::milp`] and [`super::greedy`] solve. [`Assignment`] is an
//! answer (a bucket or nothing per task, a shipping bucket or nothing per release) and
//! [`Levels`] its value on every level of the lexicographic objective, computed here
//! directly from the assignment, independently of any solver.

/// One task of the bucketed problem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ITask {
    /// Work charged per team: (team index, duration x demand). Teams appear at most once.
    pub work: Vec<(usize, f64)>,
    /// Whether the task may be cut.
    pub optional: bool,
    /// Predecessors (indices into [`Instance::tasks`]), any link type.
    pub preds: Vec<usize>,
}

impl ITask {
    /// The task's total work over all teams.
    pub fn total_work(&self) -> f64 {
        self.work.iter().map(|&(_, w)| w).sum()
    }
}

/// One release of the bucketed problem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IRelease {
    /// Its tasks (indices into [`Instance::tasks`]).
    pub tasks: Vec<usize>,
    /// The buckets whose closing window is one of this release's open windows, ascending.
    pub windows: Vec<usize>,
    /// How many of `windows` (a prefix) are on or before the target: shipping in one of them
    /// is on time.
    pub on_time: usize,
    /// Worth of shipping it on time.
    pub value: f64,
}

/// The bucketed problem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Instance {
    /// Number of buckets (= windows).
    pub buckets: usize,
    /// `cap[k][b]`: team k's capacity inside bucket b (not cumulative).
    pub cap: Vec<Vec<f64>>,
    /// Tasks.
    pub tasks: Vec<ITask>,
    /// Releases.
    pub releases: Vec<IRelease>,
}

/// A placement: per task its bucket (`None`: cut when optional, unplaced when required); per
/// release the bucket whose window it ships in (`None`: unscheduled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assignment {
    /// Bucket of each task.
    pub bucket: Vec<Option<usize>>,
    /// Shipping bucket of each release.
    pub ship: Vec<Option<usize>>,
}

/// The value of an assignment on each level of the objective, in priority order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Levels {
    /// (0) total value of releases that ship at all (maximised).
    pub scheduled_value: f64,
    /// (1) work of required tasks left unplaced (minimised).
    pub unplaced_work: f64,
    /// (2) number of zero-work required tasks left unplaced (minimised).
    pub unplaced_free: usize,
    /// (3) total value of releases on time (maximised).
    pub on_time_value: f64,
    /// (4) sum over releases of the 1-based window number they ship in, `buckets + 1` for
    /// an unscheduled one (minimised).
    pub window_sum: usize,
    /// (5) work of optional tasks cut (minimised).
    pub cut_work: f64,
    /// (6) number of zero-work optional tasks cut (minimised).
    pub cut_free: usize,
}

impl Levels {
    /// The value of level `level` (0 to 6, in priority order), as a number.
    pub fn value(&self, level: usize) -> f64 {
        match level {
            0 => self.scheduled_value,
            1 => self.unplaced_work,
            2 => self.unplaced_free as f64,
            3 => self.on_time_value,
            4 => self.window_sum as f64,
            5 => self.cut_work,
            _ => self.cut_free as f64,
        }
    }

    /// Whether level `level` is maximised (otherwise minimised).
    pub fn maximised(level: usize) -> bool {
        matches!(level, 0 | 3)
    }

    /// Whether `self` and `other` agree on level `level` (reals within a relative 1e-9).
    pub fn same_on(&self, other: &Levels, level: usize) -> bool {
        let (a, b) = (self.value(level), other.value(level));
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    /// Whether `self` is lexicographically better than `other`.
    pub fn better_than(&self, other: &Levels) -> bool {
        for level in 0..7 {
            if !self.same_on(other, level) {
                let (a, b) = (self.value(level), other.value(level));
                return (a > b) == Levels::maximised(level);
            }
        }
        false
    }
}

/// Absolute slack allowed on capacity rows when checking an assignment.
const CAP_TOL: f64 = 1e-6;

impl Instance {
    /// Team count.
    pub fn teams(&self) -> usize {
        self.cap.len()
    }

    /// `cum[k][b]`: team k's capacity in buckets `0..=b`.
    pub fn cumulative_capacity(&self) -> Vec<Vec<f64>> {
        self.cap
            .iter()
            .map(|row| {
                let mut s = 0.0;
                row.iter()
                    .map(|&c| {
                        s += c;
                        s
                    })
                    .collect()
            })
            .collect()
    }

    /// Task indices in a topological order of the links (ties by index): the compiled
    /// network's order ([`crate::network::Network::topological_order`]), by the same sort.
    pub fn topo_order(&self) -> Vec<usize> {
        let n = self.tasks.len();
        let mut succs = vec![Vec::new(); n];
        for (s, t) in self.tasks.iter().enumerate() {
            for &p in &t.preds {
                succs[p].push(s);
            }
        }
        crate::network::topological_sort(n, |t| succs[t].iter().copied())
    }

    /// For every task, the set of its ancestors (transitive predecessors), as sorted vectors.
    pub fn ancestors(&self) -> Vec<Vec<usize>> {
        let n = self.tasks.len();
        let words = n.div_ceil(64).max(1);
        let mut bits = vec![vec![0u64; words]; n];
        for t in self.topo_order() {
            let mut mine = vec![0u64; words];
            for &p in &self.tasks[t].preds {
                mine[p / 64] |= 1 << (p % 64);
                for (m, a) in mine.iter_mut().zip(&bits[p]) {
                    *m |= a;
                }
            }
            bits[t] = mine;
        }
        bits.iter()
            .map(|b| (0..n).filter(|&i| b[i / 64] >> (i % 64) & 1 == 1).collect())
            .collect()
    }

    /// Every constraint of SPEC section 5 on an assignment; `Err` names the first violated.
    pub fn check(&self, a: &Assignment) -> Result<(), String> {
        let b_count = self.buckets;
        if a.bucket.len() != self.tasks.len() || a.ship.len() != self.releases.len() {
            return Err("wrong sizes".into());
        }
        for (t, task) in self.tasks.iter().enumerate() {
            if let Some(b) = a.bucket[t] {
                if b >= b_count {
                    return Err(format!("task {t} in bucket {b} out of range"));
                }
            }
            for &p in &task.preds {
                match (a.bucket[p], a.bucket[t]) {
                    (_, None) => {}
                    (None, Some(_)) => {
                        return Err(format!("task {t} placed while its predecessor {p} is not"))
                    }
                    (Some(bp), Some(bt)) if bp > bt => {
                        return Err(format!("task {t} in bucket {bt} before predecessor {p}"))
                    }
                    _ => {}
                }
            }
        }
        let cum = self.cumulative_capacity();
        for (k, cum_k) in cum.iter().enumerate() {
            let mut per_bucket = vec![0.0; b_count];
            for (t, task) in self.tasks.iter().enumerate() {
                if let Some(b) = a.bucket[t] {
                    for &(team, w) in &task.work {
                        if team == k {
                            per_bucket[b] += w;
                        }
                    }
                }
            }
            let mut load = 0.0;
            for b in 0..b_count {
                load += per_bucket[b];
                if load > cum_k[b] + CAP_TOL * cum_k[b].abs().max(1.0) {
                    return Err(format!(
                        "team {k} over capacity by bucket {b}: {load} > {}",
                        cum_k[b]
                    ));
                }
            }
        }
        for (r, rel) in self.releases.iter().enumerate() {
            let Some(s) = a.ship[r] else { continue };
            if !rel.windows.contains(&s) {
                return Err(format!(
                    "release {r} ships in bucket {s}, not one of its windows"
                ));
            }
            for &t in &rel.tasks {
                match a.bucket[t] {
                    Some(b) if b > s => {
                        return Err(format!("release {r} ships before its task {t} is done"))
                    }
                    None if !self.tasks[t].optional => {
                        return Err(format!("release {r} ships without required task {t}"))
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The objective levels of an assignment (which is assumed to pass [`Instance::check`]).
    pub fn levels(&self, a: &Assignment) -> Levels {
        let mut l = Levels {
            scheduled_value: 0.0,
            unplaced_work: 0.0,
            unplaced_free: 0,
            on_time_value: 0.0,
            window_sum: 0,
            cut_work: 0.0,
            cut_free: 0,
        };
        for (r, rel) in self.releases.iter().enumerate() {
            match a.ship[r] {
                Some(s) => {
                    l.scheduled_value += rel.value;
                    if rel.windows[..rel.on_time].contains(&s) {
                        l.on_time_value += rel.value;
                    }
                    l.window_sum += s + 1;
                }
                None => l.window_sum += self.buckets + 1,
            }
        }
        for (t, task) in self.tasks.iter().enumerate() {
            if a.bucket[t].is_none() {
                let w = task.total_work();
                match (task.optional, w > 0.0) {
                    (true, true) => l.cut_work += w,
                    (true, false) => l.cut_free += 1,
                    (false, true) => l.unplaced_work += w,
                    (false, false) => l.unplaced_free += 1,
                }
            }
        }
        l
    }

    /// The best shipping choice for fixed task buckets: each release ships in its first window
    /// at or after the latest bucket of its placed tasks, when all its required tasks are
    /// placed. (Shipping earlier is never worse on any level.)
    pub fn best_ship(&self, bucket: &[Option<usize>]) -> Vec<Option<usize>> {
        self.releases
            .iter()
            .map(|rel| {
                let mut latest = 0;
                for &t in &rel.tasks {
                    match bucket[t] {
                        Some(b) => latest = latest.max(b),
                        None if !self.tasks[t].optional => return None,
                        None => {}
                    }
                }
                rel.windows.iter().copied().find(|&w| w >= latest)
            })
            .collect()
    }
}
