//! Feasible starting points for the branch and bound, and the answer of last resort when the
//! time limit strikes before the solver has any solution of its own.

use super::instance::{Assignment, Instance};

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
    rel_order.sort_by(|&a, &b| {
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
        group.sort_by_key(|&t| rank[t]);
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
