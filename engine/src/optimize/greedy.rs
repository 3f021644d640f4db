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

/// Feasible assignments built release by release, two per release order (by first on-time
/// window; by required work, smallest first; in file order): each release ships in its first
/// window where the required work it still needs fits on top of what is already committed
/// (all of it placed in that window's bucket, the latest it may be); its optional tasks ride
/// along when they fit and are cut otherwise, either right away or only once every release
/// has its window (which favours early windows over kept scope, as the objective does). Work no shipping release needs goes in the last bucket
/// when it fits. The optional tasks that required tasks depend on count as required.
pub(crate) fn release_greedy(inst: &Instance) -> Vec<Assignment> {
    let n = inst.tasks.len();
    let nb = inst.buckets;
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
    let needs = |r: usize| {
        let mut v: Vec<usize> = Vec::new();
        for &d in &inst.releases[r].tasks {
            v.push(d);
            v.extend(&ancestors[d]);
        }
        v.sort_by_key(|&t| rank[t]);
        v.dedup();
        v
    };
    let required_work = |r: usize| -> f64 {
        needs(r)
            .iter()
            .filter(|&&t| must[t])
            .map(|&t| inst.tasks[t].total_work())
            .sum()
    };
    let rels: Vec<usize> = (0..inst.releases.len()).collect();
    let mut by_target = rels.clone();
    by_target.sort_by_key(|&r| {
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
    let mut by_work = rels.clone();
    by_work.sort_by(|&a, &b| {
        required_work(a)
            .total_cmp(&required_work(b))
            .then(a.cmp(&b))
    });
    let cum = inst.cumulative_capacity();
    let tol = |c: f64| 1e-9 * c.abs().max(1.0);

    let run = |order: &[usize], optional_last: bool| -> Assignment {
        {
            // load[k][b]: work placed in buckets 0..=b.
            let mut load = vec![vec![0.0; nb]; inst.teams()];
            let mut bucket: Vec<Option<usize>> = vec![None; n];
            let mut cut = vec![false; n];
            let fits = |load: &Vec<Vec<f64>>, extra: &[f64], from: usize| {
                (0..extra.len()).all(|k| {
                    extra[k] <= 0.0
                        || (from..nb).all(|b| load[k][b] + extra[k] <= cum[k][b] + tol(cum[k][b]))
                })
            };
            let add = |load: &mut Vec<Vec<f64>>, t: usize, at: usize| {
                for &(k, w) in &inst.tasks[t].work {
                    for l in &mut load[k][at..] {
                        *l += w;
                    }
                }
            };
            let mut shipped: Vec<(usize, usize)> = Vec::new();
            for &r in order {
                let rel = &inst.releases[r];
                let need = needs(r);
                let todo: Vec<usize> = need
                    .iter()
                    .copied()
                    .filter(|&t| must[t] && bucket[t].is_none())
                    .collect();
                let mut extra = vec![0.0; inst.teams()];
                for &t in &todo {
                    for &(k, w) in &inst.tasks[t].work {
                        extra[k] += w;
                    }
                }
                // Placed tasks it needs bound the window from below.
                let floor = need.iter().filter_map(|&t| bucket[t]).max().unwrap_or(0);
                let Some(&w) = rel
                    .windows
                    .iter()
                    .find(|&&w| w >= floor && fits(&load, &extra, w))
                else {
                    continue;
                };
                for &t in &todo {
                    bucket[t] = Some(w);
                    add(&mut load, t, w);
                }
                shipped.push((r, w));
                if optional_last {
                    continue;
                }
                for &t in &need {
                    if bucket[t].is_some() || cut[t] {
                        continue;
                    }
                    let preds_ok = inst.tasks[t]
                        .preds
                        .iter()
                        .all(|&p| bucket[p].is_some_and(|b| b <= w));
                    let mut e = vec![0.0; inst.teams()];
                    for &(k, wk) in &inst.tasks[t].work {
                        e[k] += wk;
                    }
                    if preds_ok && fits(&load, &e, w) {
                        bucket[t] = Some(w);
                        add(&mut load, t, w);
                    } else {
                        cut[t] = true;
                    }
                }
            }
            // Optional work last: each shipping release's, in its window, where it fits.
            for &(r, w) in shipped.iter().filter(|_| optional_last) {
                for t in needs(r) {
                    if bucket[t].is_some() || cut[t] {
                        continue;
                    }
                    let preds_ok = inst.tasks[t]
                        .preds
                        .iter()
                        .all(|&p| bucket[p].is_some_and(|b| b <= w));
                    let mut e = vec![0.0; inst.teams()];
                    for &(k, wk) in &inst.tasks[t].work {
                        e[k] += wk;
                    }
                    if preds_ok && fits(&load, &e, w) {
                        bucket[t] = Some(w);
                        add(&mut load, t, w);
                    } else {
                        cut[t] = true;
                    }
                }
            }
            // Whatever is left: in the last bucket when its predecessors are placed and it fits.
            if nb > 0 {
                for &t in &topo {
                    if bucket[t].is_some() || cut[t] {
                        continue;
                    }
                    let preds_ok = inst.tasks[t].preds.iter().all(|&p| bucket[p].is_some());
                    let mut e = vec![0.0; inst.teams()];
                    for &(k, wk) in &inst.tasks[t].work {
                        e[k] += wk;
                    }
                    if preds_ok && fits(&load, &e, nb - 1) {
                        bucket[t] = Some(nb - 1);
                        add(&mut load, t, nb - 1);
                    }
                }
            }
            let ship = inst.best_ship(&bucket);
            Assignment { bucket, ship }
        }
    };

    let mut out = Vec::new();
    let mut best: Option<(Levels, Vec<usize>, bool)> = None;
    for order in [by_target, by_work, rels] {
        for optional_last in [false, true] {
            let a = run(&order, optional_last);
            let l = inst.levels(&a);
            if best.as_ref().is_none_or(|(b, _, _)| l.better_than(b)) {
                best = Some((l, order.clone(), optional_last));
            }
            out.push(a);
        }
    }
    // Local search on the best order: move one release to another position while that
    // improves, within a fixed number of tries (deterministic, and cheap next to a MIP).
    if let Some((mut levels, mut order, optional_last)) = best {
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
                    let a = run(&o, optional_last);
                    let l = inst.levels(&a);
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
    out
}

/// How many release orders the local search of [`release_greedy`] tries at most.
const LOCAL_SEARCH_TRIES: usize = 600;
