//! A branch and bound over delaying alternatives with cutset dominance (Demeulemeester and
//! Herroelen, "A branch-and-bound procedure for the multiple resource-constrained project
//! scheduling problem", Management Science 38, 1992; "New benchmark results for the
//! resource-constrained project scheduling problem", Management Science 43, 1997), used by
//! exact mode to settle "is there a schedule within these time windows?" on plans whose links
//! all keep a successor from starting before its predecessor finishes.
//!
//! A node is a partial schedule at a decision time `t`: the tasks started so far (finished or
//! running at `t`). Every unstarted task whose links and release time allow it is started at
//! `t`; when that overloads a team, the node branches on the minimal delaying alternatives:
//! each minimal set of running or eligible tasks whose removal makes the rest fit. Removed
//! running tasks lose their start. The next decision time is the next finish, release or lag
//! end. A node is pruned when a task can no longer meet its deadline (latest finish) by the
//! links, when a team's work due by some deadline exceeds its room, and by the cutset rule:
//! a node whose started set equals that of a node already searched without success, at an
//! earlier or equal time, with every task that still matters finishing no later there, has
//! no completion either.

use std::collections::HashMap;

use super::bounds::Windows;
use super::grid::Grid;

/// At most this many cutsets are remembered (the search stays correct without them).
const MEMO_LIMIT: usize = 2_000_000;

/// A failed node, remembered for the cutset rule.
struct Stored {
    t: i64,
    /// (task, finish) of the started tasks that still constrain the future at `t`.
    fin: Vec<(u32, i64)>,
}

/// The search over one question; built per question.
pub(crate) struct Dh<'a> {
    /// Grid index of each local task (the modelled tasks, in topological order).
    tasks: Vec<usize>,
    d: Vec<i64>,
    es: Vec<i64>,
    lf: Vec<i64>,
    /// Per local task, its links as (local predecessor, delta): `s_j >= s_i + delta`.
    preds: Vec<Vec<(u32, i64)>>,
    /// Per local task, the most its links hold a successor past its finish.
    tail: Vec<i64>,
    demand: Vec<Vec<(u32, u32)>>,
    caps: Vec<u32>,
    memo: HashMap<Vec<u64>, Vec<Stored>>,
    memo_len: usize,
    /// Nodes visited so far.
    pub nodes: u64,
    limit: u64,
    stop: Option<&'a dyn Fn() -> bool>,
}

const UNSTARTED: i64 = i64::MIN;

impl<'a> Dh<'a> {
    /// The search for the `member` tasks of `g` within windows `w`; `None` when some link
    /// lets a successor start before its predecessor finishes (the method needs that).
    pub fn new(
        g: &Grid,
        topo: &[usize],
        member: &[bool],
        w: &Windows,
        limit: u64,
        stop: Option<&'a dyn Fn() -> bool>,
    ) -> Option<Dh<'a>> {
        let n = g.len();
        let dur = g.durations();
        let tasks: Vec<usize> = topo.iter().copied().filter(|&j| member[j]).collect();
        let mut local = vec![u32::MAX; n];
        for (l, &j) in tasks.iter().enumerate() {
            local[j] = l as u32;
        }
        let mut preds = Vec::with_capacity(tasks.len());
        let mut tail = vec![0i64; tasks.len()];
        for &j in &tasks {
            let mut p = Vec::new();
            for (i, kind, lag) in g.links(j) {
                let del = super::exact::delta(kind, lag, dur[i], dur[j]);
                if local[i] == u32::MAX || del < dur[i] {
                    return None;
                }
                let li = local[i];
                tail[li as usize] = tail[li as usize].max(del - dur[i]);
                p.push((li, del));
            }
            preds.push(p);
        }
        Some(Dh {
            d: tasks.iter().map(|&j| dur[j]).collect(),
            es: tasks.iter().map(|&j| w.es[j]).collect(),
            lf: tasks.iter().map(|&j| w.lf[j]).collect(),
            demand: tasks.iter().map(|&j| g.demands(j).to_vec()).collect(),
            caps: g.capacities().to_vec(),
            tasks,
            preds,
            tail,
            memo: HashMap::new(),
            memo_len: 0,
            nodes: 0,
            limit,
            stop,
        })
    }

    /// `Ok(Some(starts))` gives a schedule of the modelled tasks within their windows as
    /// (grid task, start) pairs, `Ok(None)` proves there is none, `Err` means the node budget
    /// or the caller's stop ended the search first.
    pub fn solve(&mut self) -> Result<Option<Vec<(usize, i64)>>, ()> {
        let m = self.tasks.len();
        // A task that alone overloads a team can never run.
        for j in 0..m {
            if self.d[j] > 0
                && self.demand[j]
                    .iter()
                    .any(|&(k, q)| q > self.caps[k as usize])
            {
                return Ok(None);
            }
            if self.es[j] + self.d[j] > self.lf[j] {
                return Ok(None);
            }
        }
        let t0 = self.es.iter().copied().min().unwrap_or(0).max(0);
        let start = vec![UNSTARTED; m];
        Ok(self
            .node(t0, start)?
            .map(|s| self.tasks.iter().copied().zip(s).collect()))
    }

    /// Whether every link into `j` is satisfied by a start at `t` (its predecessors started
    /// long enough ago).
    fn ready(&self, start: &[i64], j: usize, t: i64) -> bool {
        self.es[j] <= t
            && self.preds[j]
                .iter()
                .all(|&(i, del)| start[i as usize] != UNSTARTED && start[i as usize] + del <= t)
    }

    fn node(&mut self, t: i64, mut start: Vec<i64>) -> Result<Option<Vec<i64>>, ()> {
        if self.nodes >= self.limit || self.stop.is_some_and(|f| f()) {
            return Err(());
        }
        self.nodes += 1;
        let m = self.tasks.len();
        // Tasks that take no capacity start as soon as they may (earlier never hurts).
        loop {
            let mut changed = false;
            for j in 0..m {
                if start[j] == UNSTARTED
                    && (self.d[j] == 0 || self.demand[j].is_empty())
                    && self.ready(&start, j, t)
                {
                    if t + self.d[j] > self.lf[j] {
                        return Ok(None);
                    }
                    start[j] = t;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        if start.iter().all(|&s| s != UNSTARTED) {
            return Ok(Some(start));
        }
        if !self.bounds_hold(t, &start) {
            return Ok(None);
        }
        let key = self.key(&start);
        if self.dominated(&key, t, &start) {
            return Ok(None);
        }
        // Running tasks (with a demand) and eligible tasks.
        let running: Vec<usize> = (0..m)
            .filter(|&j| {
                start[j] != UNSTARTED && start[j] + self.d[j] > t && !self.demand[j].is_empty()
            })
            .collect();
        let eligible: Vec<usize> = (0..m)
            .filter(|&j| start[j] == UNSTARTED && self.ready(&start, j, t))
            .collect();
        let teams = self.caps.len();
        let mut usage = vec![0u32; teams];
        for &j in running.iter().chain(&eligible) {
            for &(k, q) in &self.demand[j] {
                usage[k as usize] += q;
            }
        }
        let over: Vec<bool> = (0..teams).map(|k| usage[k] > self.caps[k]).collect();
        let alternatives: Vec<Vec<usize>> = if over.iter().any(|&o| o) {
            // Only tasks on an overloaded team can be part of a minimal alternative.
            let cands: Vec<usize> = running
                .iter()
                .chain(&eligible)
                .copied()
                .filter(|&j| self.demand[j].iter().any(|&(k, _)| over[k as usize]))
                .collect();
            let mut alts = Vec::new();
            let mut chosen = Vec::new();
            self.minimal_alternatives(&cands, 0, &mut usage, &mut chosen, &mut alts);
            // Delay the tasks with the most room first.
            alts.sort_by_key(|a: &Vec<usize>| {
                let least = a
                    .iter()
                    .map(|&j| self.lf[j] - self.d[j])
                    .min()
                    .unwrap_or(i64::MAX);
                (std::cmp::Reverse(least), a.len())
            });
            alts
        } else {
            vec![Vec::new()]
        };
        for delay in alternatives {
            let mut child = start.clone();
            for &j in &delay {
                child[j] = UNSTARTED;
            }
            let mut ok = true;
            for &j in &eligible {
                if !delay.contains(&j) {
                    if t + self.d[j] > self.lf[j] {
                        ok = false;
                        break;
                    }
                    child[j] = t;
                }
            }
            if !ok || (t > 0 && self.left_shiftable(t, &child, &eligible, &delay)) {
                continue;
            }
            let Some(next) = self.next_event(t, &child) else {
                continue;
            };
            if let Some(found) = self.node(next, child)? {
                return Ok(Some(found));
            }
        }
        self.remember(key, t, &start);
        Ok(None)
    }

    /// The left-shift rule: a task started at `t` that could have started at `t - 1` (its links
    /// and release time allow it, and every team has room for it in slot `t - 1`; a later node
    /// can only take tasks out of that slot, by delaying running ones) is one that some other
    /// branch starts earlier, so this branch need not be searched (Demeulemeester and
    /// Herroelen's left-shift dominance; the tests against brute force and the other exact
    /// methods check the search with it).
    fn left_shiftable(&self, t: i64, start: &[i64], eligible: &[usize], delay: &[usize]) -> bool {
        let u = t - 1;
        let mut usage: Option<Vec<u32>> = None;
        for &j in eligible {
            if delay.contains(&j) || self.demand[j].is_empty() || !self.ready(start, j, u) {
                continue;
            }
            let usage = usage.get_or_insert_with(|| {
                let mut usage = vec![0u32; self.caps.len()];
                for (i, &s) in start.iter().enumerate() {
                    if s != UNSTARTED && s <= u && u < s + self.d[i] {
                        for &(k, q) in &self.demand[i] {
                            usage[k as usize] += q;
                        }
                    }
                }
                usage
            });
            if self.demand[j]
                .iter()
                .all(|&(k, q)| usage[k as usize] + q <= self.caps[k as usize])
            {
                return true;
            }
        }
        false
    }

    /// Every minimal set of `cands[from..]` (added to `chosen`) whose removal brings `usage`
    /// within the capacities.
    fn minimal_alternatives(
        &self,
        cands: &[usize],
        from: usize,
        usage: &mut [u32],
        chosen: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
    ) {
        let fits = |usage: &[u32]| usage.iter().zip(&self.caps).all(|(&u, &c)| u <= c);
        if fits(usage) {
            // Minimal: putting back any one chosen task overloads again.
            let minimal = chosen.iter().all(|&j| {
                !self.demand[j]
                    .iter()
                    .all(|&(k, q)| usage[k as usize] + q <= self.caps[k as usize])
            });
            if minimal {
                out.push(chosen.clone());
            }
            return;
        }
        for idx in from..cands.len() {
            let j = cands[idx];
            for &(k, q) in &self.demand[j] {
                usage[k as usize] -= q;
            }
            chosen.push(j);
            self.minimal_alternatives(cands, idx + 1, usage, chosen, out);
            chosen.pop();
            for &(k, q) in &self.demand[j] {
                usage[k as usize] += q;
            }
        }
    }

    /// The next time something can change after `t`: a finish, a lag end or a release time.
    fn next_event(&self, t: i64, start: &[i64]) -> Option<i64> {
        let mut next = i64::MAX;
        for j in 0..self.tasks.len() {
            if start[j] != UNSTARTED {
                let f = start[j] + self.d[j];
                if f > t {
                    next = next.min(f);
                }
                continue;
            }
            // An unstarted task whose predecessors have all started: when it becomes ready.
            let mut ready = self.es[j];
            let mut known = true;
            for &(i, del) in &self.preds[j] {
                if start[i as usize] == UNSTARTED {
                    known = false;
                    break;
                }
                ready = ready.max(start[i as usize] + del);
            }
            if known && ready > t {
                next = next.min(ready);
            }
        }
        (next != i64::MAX).then_some(next)
    }

    /// The links and the teams' room still allow every unstarted task to meet its deadline.
    fn bounds_hold(&self, t: i64, start: &[i64]) -> bool {
        let m = self.tasks.len();
        // Earliest starts by the links (local tasks are in topological order).
        let mut est = vec![0i64; m];
        for j in 0..m {
            if start[j] != UNSTARTED {
                est[j] = start[j];
                continue;
            }
            let mut e = self.es[j].max(t);
            for &(i, del) in &self.preds[j] {
                e = e.max(est[i as usize] + del);
            }
            if e + self.d[j] > self.lf[j] {
                return false;
            }
            est[j] = e;
        }
        // Per team: the work due by each deadline fits between t and that deadline. A running
        // task may still lose its start at a later node: it counts its least work (what is
        // left of it) by its latest deadline.
        let mut items: Vec<(i64, i64)> = Vec::with_capacity(m);
        for k in 0..self.caps.len() {
            items.clear();
            for j in 0..m {
                let Some(&(_, q)) = self.demand[j].iter().find(|&&(kk, _)| kk as usize == k) else {
                    continue;
                };
                if start[j] == UNSTARTED {
                    items.push((self.lf[j], self.d[j] * i64::from(q)));
                } else if start[j] + self.d[j] > t {
                    let f = start[j] + self.d[j];
                    items.push((self.lf[j], (f - t) * i64::from(q)));
                }
            }
            items.sort_unstable();
            let cap = i64::from(self.caps[k]);
            let mut work = 0;
            for &(due, w) in &items {
                work += w;
                if work > cap * (due - t) {
                    return false;
                }
            }
        }
        true
    }

    fn key(&self, start: &[i64]) -> Vec<u64> {
        let mut key = vec![0u64; start.len().div_ceil(64)];
        for (j, &s) in start.iter().enumerate() {
            if s != UNSTARTED {
                key[j / 64] |= 1 << (j % 64);
            }
        }
        key
    }

    /// The started tasks that still constrain the future at `t`: running, or holding a
    /// successor by a lag.
    fn live(&self, t: i64, start: &[i64]) -> Vec<(u32, i64)> {
        (0..self.tasks.len())
            .filter(|&j| start[j] != UNSTARTED && start[j] + self.d[j] + self.tail[j] > t)
            .map(|j| (j as u32, start[j] + self.d[j]))
            .collect()
    }

    /// The cutset rule against the failed nodes with the same started set.
    fn dominated(&self, key: &[u64], t: i64, start: &[i64]) -> bool {
        let Some(list) = self.memo.get(key) else {
            return false;
        };
        list.iter().any(|s| {
            s.t <= t
                && s.fin.iter().all(|&(j, f)| {
                    let j = j as usize;
                    f <= (t - self.tail[j]).max(start[j] + self.d[j])
                })
        })
    }

    fn remember(&mut self, key: Vec<u64>, t: i64, start: &[i64]) {
        if self.memo_len >= MEMO_LIMIT {
            return;
        }
        let fin = self.live(t, start);
        self.memo_len += 1;
        self.memo.entry(key).or_default().push(Stored { t, fin });
    }
}
