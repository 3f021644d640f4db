//! Feasible starting points for the branch and bound, and the answer of last resort when the
//! time limit strikes before the solver has any solution of its own.

use super::instance::{Assignment, Instance, Levels};

/// A feasible assignment built greedily: releases by (first on-time window, higher value,
/// file order); each release's tasks and their ancestors in topological order; every task in
/// the earliest bucket where its predecessors are done and its teams' cumulative capacity
/// holds in every later bucket; a task that fits nowhere is left out, and with it every task
/// that depends on it. Releases ship in their first window at or after their last task.
pub(crate) fn greedy(inst: &Instance) -> Assignment {
    let n = inst.tasks.len();
    let nb = inst.buckets;
    let topo = inst.topo_order();
    let mut rank = vec![0usize; n];
    for (i, &t) in topo.iter().enumerate() {
        rank[t] = i;
    }
    let ancestors = inst.ancestors();

    let mut rel_order: Vec<usize> = (0..inst.releases.len()).collect();
    crate::sorting::sort_by(&mut rel_order, |&a, &b| {
        let ra = &inst.releases[a];
        let rb = &inst.releases[b];
        let key = |r: &super::instance::IRelease| {
            if r.on_time > 0 {
                r.windows[r.on_time - 1]
            } else {
                usize::MAX
            }
        };
        key(ra)
            .cmp(&key(rb))
            .then(rb.value.total_cmp(&ra.value))
            .then(a.cmp(&b))
    });

    let mut order = Vec::with_capacity(n);
    let mut queued = vec![false; n];
    for &r in &rel_order {
        let mut group: Vec<usize> = Vec::new();
        for &t in &inst.releases[r].tasks {
            group.push(t);
            group.extend(&ancestors[t]);
        }
        crate::sorting::sort_by_key(&mut group, |&t| rank[t]);
        group.dedup();
        for t in group {
            if !queued[t] {
                queued[t] = true;
                order.push(t);
            }
        }
    }
    for &t in &topo {
        if !queued[t] {
            order.push(t);
        }
    }

    let cum = inst.cumulative_capacity();
    let mut load = vec![vec![0.0; nb]; inst.teams()];
    let mut bucket: Vec<Option<usize>> = vec![None; n];
    let mut decided = vec![false; n];
    for t in order {
        decided[t] = true;
        let task = &inst.tasks[t];
        let mut lo = 0;
        let mut blocked = false;
        for &p in &task.preds {
            debug_assert!(decided[p]);
            match bucket[p] {
                Some(b) => lo = lo.max(b),
                None => blocked = true,
            }
        }
        if blocked {
            continue;
        }
        let fits = |b: usize| {
            task.work.iter().all(|&(k, w)| {
                (b..nb).all(|c| load[k][c] + w <= cum[k][c] + 1e-9 * cum[k][c].abs().max(1.0))
            })
        };
        if let Some(b) = (lo..nb).find(|&b| fits(b)) {
            bucket[t] = Some(b);
            for &(k, w) in &task.work {
                for l in &mut load[k][b..] {
                    *l += w;
                }
            }
        }
    }
    let ship = inst.best_ship(&bucket);
    Assignment { bucket, ship }
}

/// A feasible point of the elastic model: every required task, and every optional task some
/// required task depends on, in the latest bucket any release needing it allows; every other
/// optional task cut; releases in their last window. The extra capacity it needs is what
/// [`extra_capacity`] computes.
pub(crate) fn elastic_start(inst: &Instance) -> Assignment {
    let n = inst.tasks.len();
    let ancestors = inst.ancestors();
    let mut latest = vec![inst.buckets.saturating_sub(1); n];
    for rel in &inst.releases {
        let Some(&last) = rel.windows.last() else {
            continue;
        };
        for &t in &rel.tasks {
            latest[t] = latest[t].min(last);
            for &a in &ancestors[t] {
                latest[a] = latest[a].min(last);
            }
        }
    }
    let mut needed = vec![false; n];
    for t in 0..n {
        if !inst.tasks[t].optional {
            needed[t] = true;
            for &a in &ancestors[t] {
                needed[a] = true;
            }
        }
    }
    let bucket: Vec<Option<usize>> = (0..n).map(|t| needed[t].then_some(latest[t])).collect();
    let ship = inst
        .releases
        .iter()
        .map(|rel| rel.windows.last().copied())
        .collect();
    Assignment { bucket, ship }
}

/// The least extra capacity per team and bucket that makes `a`'s placement fit, filling each
/// bucket's shortfall in that bucket (cumulative: spare capacity carries forward).
pub(crate) fn extra_capacity(inst: &Instance, a: &Assignment) -> Vec<Vec<f64>> {
    let nb = inst.buckets;
    let cum = inst.cumulative_capacity();
    (0..inst.teams())
        .map(|k| {
            let mut per = vec![0.0; nb];
            for (t, task) in inst.tasks.iter().enumerate() {
                if let Some(b) = a.bucket[t] {
                    for &(team, w) in &task.work {
                        if team == k {
                            per[b] += w;
                        }
                    }
                }
            }
            let mut load = 0.0;
            let mut extra_so_far = 0.0;
            (0..nb)
                .map(|b| {
                    load += per[b];
                    let e = (load - cum[k][b] - extra_so_far).max(0.0);
                    extra_so_far += e;
                    e
                })
                .collect()
        })
        .collect()
}

/// Feasible assignments built release by release, two per release order (by first on-time
/// window; by required work, smallest first; in file order): each release ships in its first
/// window where the required work it still needs fits on top of what is already committed
/// (all of it placed in that window's bucket, the latest it may be); its optional tasks ride
/// along when they fit and are cut otherwise, either right away or only once every release
/// has its window (which favours early windows over kept scope, as the objective does). Work
/// no shipping release needs goes in the last bucket when it fits. The optional tasks that
/// required tasks depend on count as required. Then a local search on the best order.
pub(crate) fn release_greedy(inst: &Instance) -> Vec<Assignment> {
    let g = ReleaseGreedy::new(inst);
    let rels: Vec<usize> = (0..inst.releases.len()).collect();
    let mut by_target = rels.clone();
    crate::sorting::sort_by_key(&mut by_target, |&r| {
        let rel = &inst.releases[r];
        (
            if rel.on_time > 0 {
                rel.windows[rel.on_time - 1]
            } else {
                usize::MAX
            },
            r,
        )
    });
    let required_work: Vec<f64> = rels.iter().map(|&r| g.required_work(r)).collect();
    let mut by_work = rels.clone();
    crate::sorting::sort_by(&mut by_work, |&a, &b| {
        required_work[a]
            .total_cmp(&required_work[b])
            .then(a.cmp(&b))
    });

    let mut out = Vec::new();
    let mut best: Option<(Levels, Vec<usize>, bool)> = None;
    for order in [by_target, by_work, rels] {
        for optional_last in [false, true] {
            let a = g.run(&order, optional_last);
            let l = inst.levels(&a);
            if best.as_ref().is_none_or(|(b, _, _)| l.better_than(b)) {
                best = Some((l, order.clone(), optional_last));
            }
            out.push(a);
        }
    }
    if let Some((levels, order, optional_last)) = best {
        g.local_search(levels, order, optional_last, &mut out);
    }
    out
}

/// What the release-by-release greedy reads: the instance and, computed once, the tasks
/// each release needs and which tasks must be placed.
struct ReleaseGreedy<'a> {
    inst: &'a Instance,
    /// Tasks in topological order.
    topo: Vec<usize>,
    /// Per task: required, or an optional task some required task depends on.
    must: Vec<bool>,
    /// Per release: its tasks and their ancestors, in topological order.
    needs: Vec<Vec<usize>>,
    /// `cum[k][b]`: team k's capacity in buckets 0..=b.
    cum: Vec<Vec<f64>>,
}

/// A partial placement under construction: `load[k][b]` is team k's work placed in buckets
/// 0..=b.
struct Placing {
    load: Vec<Vec<f64>>,
    bucket: Vec<Option<usize>>,
    cut: Vec<bool>,
}

impl<'a> ReleaseGreedy<'a> {
    fn new(inst: &'a Instance) -> ReleaseGreedy<'a> {
        let n = inst.tasks.len();
        let ancestors = inst.ancestors();
        let topo = inst.topo_order();
        let mut rank = vec![0usize; n];
        for (i, &t) in topo.iter().enumerate() {
            rank[t] = i;
        }
        let mut must = vec![false; n];
        for (t, task) in inst.tasks.iter().enumerate() {
            if !task.optional {
                must[t] = true;
                for &a in &ancestors[t] {
                    must[a] = true;
                }
            }
        }
        let needs = inst
            .releases
            .iter()
            .map(|rel| {
                let mut v: Vec<usize> = Vec::new();
                for &d in &rel.tasks {
                    v.push(d);
                    v.extend(&ancestors[d]);
                }
                crate::sorting::sort_by_key(&mut v, |&t| rank[t]);
                v.dedup();
                v
            })
            .collect();
        ReleaseGreedy {
            inst,
            topo,
            must,
            needs,
            cum: inst.cumulative_capacity(),
        }
    }

    /// The work of the tasks release `r` needs that must be placed.
    fn required_work(&self, r: usize) -> f64 {
        self.needs[r]
            .iter()
            .filter(|&&t| self.must[t])
            .map(|&t| self.inst.tasks[t].total_work())
            .sum()
    }

    /// Whether `extra[k]` more work on each team k fits in every bucket from `from` on.
    fn fits(&self, load: &[Vec<f64>], extra: &[f64], from: usize) -> bool {
        let tol = |c: f64| 1e-9 * c.abs().max(1.0);
        let cum = &self.cum;
        (0..extra.len()).all(|k| {
            extra[k] <= 0.0
                || (from..self.inst.buckets)
                    .all(|b| load[k][b] + extra[k] <= cum[k][b] + tol(cum[k][b]))
        })
    }

    /// Task `t`'s work per team.
    fn work_of(&self, t: usize) -> Vec<f64> {
        let mut e = vec![0.0; self.inst.teams()];
        for &(k, wk) in &self.inst.tasks[t].work {
            e[k] += wk;
        }
        e
    }

    /// Places task `t` in bucket `at`.
    fn place(&self, p: &mut Placing, t: usize, at: usize) {
        p.bucket[t] = Some(at);
        for &(k, w) in &self.inst.tasks[t].work {
            for l in &mut p.load[k][at..] {
                *l += w;
            }
        }
    }

    /// Places optional task `t` in window bucket `w` when its predecessors are placed by
    /// then and it fits; cuts it otherwise.
    fn place_or_cut(&self, p: &mut Placing, t: usize, w: usize) {
        let preds_ok = self.inst.tasks[t]
            .preds
            .iter()
            .all(|&q| p.bucket[q].is_some_and(|b| b <= w));
        if preds_ok && self.fits(&p.load, &self.work_of(t), w) {
            self.place(p, t, w);
        } else {
            p.cut[t] = true;
        }
    }

    /// Ships release `r` in its first window where the required work it still needs fits,
    /// and places that work there; `None` (nothing placed) when no window fits.
    fn ship(&self, p: &mut Placing, r: usize) -> Option<usize> {
        let inst = self.inst;
        let need = &self.needs[r];
        let todo: Vec<usize> = need
            .iter()
            .copied()
            .filter(|&t| self.must[t] && p.bucket[t].is_none())
            .collect();
        let mut extra = vec![0.0; inst.teams()];
        for &t in &todo {
            for &(k, w) in &inst.tasks[t].work {
                extra[k] += w;
            }
        }
        // Placed tasks it needs bound the window from below.
        let floor = need.iter().filter_map(|&t| p.bucket[t]).max().unwrap_or(0);
        let &w = inst.releases[r]
            .windows
            .iter()
            .find(|&&w| w >= floor && self.fits(&p.load, &extra, w))?;
        for &t in &todo {
            self.place(p, t, w);
        }
        Some(w)
    }

    /// One assignment: the releases shipped in `order`, optional work with each release or,
    /// with `optional_last`, after all of them; then leftover work in the last bucket.
    fn run(&self, order: &[usize], optional_last: bool) -> Assignment {
        let inst = self.inst;
        let n = inst.tasks.len();
        let nb = inst.buckets;
        let mut p = Placing {
            load: vec![vec![0.0; nb]; inst.teams()],
            bucket: vec![None; n],
            cut: vec![false; n],
        };
        let mut shipped: Vec<(usize, usize)> = Vec::new();
        for &r in order {
            let Some(w) = self.ship(&mut p, r) else {
                continue;
            };
            shipped.push((r, w));
            if !optional_last {
                self.ride_along(&mut p, r, w);
            }
        }
        // Optional work last: each shipping release's, in its window, where it fits.
        if optional_last {
            for &(r, w) in &shipped {
                self.ride_along(&mut p, r, w);
            }
        }
        // Whatever is left: in the last bucket when its predecessors are placed and it fits.
        if nb > 0 {
            for &t in &self.topo {
                if p.bucket[t].is_some() || p.cut[t] {
                    continue;
                }
                let preds_ok = inst.tasks[t].preds.iter().all(|&q| p.bucket[q].is_some());
                if preds_ok && self.fits(&p.load, &self.work_of(t), nb - 1) {
                    self.place(&mut p, t, nb - 1);
                }
            }
        }
        let ship = inst.best_ship(&p.bucket);
        Assignment {
            bucket: p.bucket,
            ship,
        }
    }

    /// The optional tasks release `r` (shipping in bucket `w`) needs, placed with it or cut.
    fn ride_along(&self, p: &mut Placing, r: usize, w: usize) {
        for &t in &self.needs[r] {
            if p.bucket[t].is_none() && !p.cut[t] {
                self.place_or_cut(p, t, w);
            }
        }
    }

    /// Local search on the best order: move one release to another position while that
    /// improves, within a fixed number of tries (deterministic, and cheap next to a MIP).
    /// Each improvement is appended to `out`.
    fn local_search(
        &self,
        mut levels: Levels,
        mut order: Vec<usize>,
        optional_last: bool,
        out: &mut Vec<Assignment>,
    ) {
        let r = order.len();
        let mut tries = 0;
        let mut improved = true;
        while improved && tries < LOCAL_SEARCH_TRIES {
            improved = false;
            'moves: for from in 0..r {
                for to in 0..r {
                    if from == to {
                        continue;
                    }
                    tries += 1;
                    let mut o = order.clone();
                    let x = o.remove(from);
                    o.insert(to, x);
                    let a = self.run(&o, optional_last);
                    let l = self.inst.levels(&a);
                    if l.better_than(&levels) {
                        levels = l;
                        order = o;
                        out.push(a);
                        improved = true;
                        break 'moves;
                    }
                    if tries >= LOCAL_SEARCH_TRIES {
                        break 'moves;
                    }
                }
            }
        }
    }
}

/// How many release orders the local search of [`release_greedy`] tries at most.
const LOCAL_SEARCH_TRIES: usize = 600;
