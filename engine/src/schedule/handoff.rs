//! The hand-offs of team capacity in one schedule of the serial scheme, and that schedule
//! re-timed on them with other durations.
//!
//! In a resource-feasible schedule a task waits for two kinds of tasks: those its links name,
//! and those whose team capacity it takes over. [`Handoffs::build`] recovers the second kind
//! from a finished schedule as a flow of capacity units. Each team has as many units as its
//! largest capacity over the schedule. A task takes the units it demands when it starts, from
//! the units released longest ago (a unit is released when the task holding it finishes). A
//! stretch of working days on which a team has less than its largest capacity holds the
//! missing units, like a task fixed in time. A task *hands off* to the tasks that take a unit it
//! released.
//!
//! The links and the hand-offs form a network on which [`Handoffs::retime`] re-times the
//! schedule with other durations: each task starts as soon as its links allow and every task
//! it took a unit from has finished. Each unit is still held by one task at a time and in the
//! same order (each task holds its units over its whole run, pauses included, so it never
//! holds less than the serial scheme counted). With finish-to-start and start-to-start links
//! only and durations no longer than before, no task finishes later and the re-timed schedule
//! keeps within every team's capacity; unlike a new run of the serial scheme, a shorter task
//! never makes anything later. (A finish-to-finish or start-to-finish link can make a shorter
//! task start later, as on the critical path, and then overload a team for that moment.) This
//! is how the Monte Carlo measures what a risk costs in resource-aware mode: the same
//! schedule, the same order of work on each team, without the risk's delays.
//!
//! With the schedule's own durations the re-timed schedule is the schedule, to the bit. That is
//! checked task by task when the hand-offs are built: a task whose start its links and
//! hand-offs do not explain (the scheme can also place a task where its own calendar resumes)
//! keeps its start as a lower bound, and in the rare case that even this does not give its
//! times back, keeps its times. A team on which units cannot be traced (a task holding it only
//! on some days let another task use it meanwhile) keeps the places of its tasks the same way.
//! A task that a lead (negative lag) and the hand-offs would make wait for itself keeps its
//! start.

use std::collections::VecDeque;

use super::{Problem, Sgs};

/// The holder of a unit no task has held yet.
const SOURCE: u32 = u32::MAX;

/// How a task's requested start is found in a re-timing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    /// From its links and hand-offs.
    Free,
    /// From its links and hand-offs, and never before this time.
    Floor(f64),
    /// It keeps its start (its finish follows from its duration), whatever its links and
    /// hand-offs say: it breaks a cycle.
    Start,
    /// It keeps its times.
    Kept,
}

/// Days on which a team works with fewer units than its largest capacity: the missing units
/// (its event in `Handoffs::events` has its start, team and units), held until `finish`.
#[derive(Debug, Clone, Copy)]
struct Stretch {
    finish: f64,
}

/// The hand-offs of one schedule, and scratch space to re-time it (see the
/// [module documentation](self)). One per worker; it keeps its memory between schedules.
#[derive(Debug, Clone, Default)]
pub(crate) struct Handoffs {
    n: usize,
    /// Task `j` took units from the holders `from[from_start[j]..from_start[j + 1]]`: a task,
    /// or `n + k` for stretch `k`.
    from_start: Vec<u32>,
    from: Vec<u32>,
    /// Task `i` handed units to the tasks `to[to_start[i]..to_start[i + 1]]`.
    to_start: Vec<u32>,
    to: Vec<u32>,
    place: Vec<Place>,
    /// The tasks in an order that lists each after its link predecessors and the tasks it took
    /// units from, and each task's position in it.
    order: Vec<u32>,
    pos: Vec<u32>,
    stretches: Vec<Stretch>,
    /// Per team: its units (its largest capacity over the schedule), and whether they could be
    /// traced.
    units: Vec<u32>,
    traced: Vec<bool>,
    // Building: each team's holders by start (start, holder, units), the holders running (finish,
    // holder, units), the free units (the holder that released them, how many) oldest first,
    // `(task, holder)` pairs, and counting space.
    events: Vec<Vec<(u64, u32, u32)>>,
    running: Vec<(u64, u32, u32)>,
    free: VecDeque<(u32, u32)>,
    pairs: Vec<(u32, u32)>,
    sorted: Vec<u32>,
    fill: Vec<u32>,
    handed: Vec<u32>,
    counts: Vec<u32>,
    indegree: Vec<u32>,
    stack: Vec<u32>,
    /// The plan's links: task `i`'s successors `link_succ[link_succ_start[i]..]`, and each
    /// task's number of predecessors (one problem per `Handoffs`).
    link_succ_start: Vec<u32>,
    link_succ: Vec<u32>,
    link_preds: Vec<u32>,
    // Re-timing: every task's times (the schedule's, and the new ones of the tasks that
    // moved), which moved, and the tasks still to recompute (one bit per position in `order`).
    s2: Vec<f64>,
    f2: Vec<f64>,
    changed: Vec<bool>,
    touched: Vec<usize>,
    dirty: Vec<u64>,
}

/// A key that sorts as the time does (`f64::total_cmp`).
#[inline]
fn key(t: f64) -> u64 {
    let b = t.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

/// Whether two pairs of times are the same to the bit.
#[inline]
fn same(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0.to_bits() == b.0.to_bits() && a.1.to_bits() == b.1.to_bits()
}

impl Handoffs {
    /// Recovers the hand-offs of the schedule `start`/`finish` that `sgs` last made for `p`
    /// with `durations` (all of it, from the first task of its list).
    pub(crate) fn build(
        &mut self,
        p: &Problem,
        sgs: &Sgs,
        durations: &[f64],
        start: &[f64],
        finish: &[f64],
    ) {
        let n = p.len();
        let teams = p.constant_capacity.len();
        self.n = n;
        self.link_lists_of(p);
        self.collect_holders(p, start, finish);
        self.trace(finish);
        self.link_lists();
        self.places(p, sgs, durations, start, finish);
        self.order();
        if self.changed.len() != n {
            self.changed = vec![false; n];
            self.dirty = vec![0; n.div_ceil(64)];
        }
        self.s2.clear();
        self.s2.extend_from_slice(start);
        self.f2.clear();
        self.f2.extend_from_slice(finish);
        debug_assert_eq!(self.units.len(), teams);
    }

    /// Each team's holders in order of start: every task that runs for a while and demands
    /// the team, and, on a team whose capacity varies, its stretches of reduced capacity up to
    /// the last finish.
    fn collect_holders(&mut self, p: &Problem, start: &[f64], finish: &[f64]) {
        let net = p.network();
        let teams = p.constant_capacity.len();
        self.events.resize_with(teams, Vec::new);
        for e in &mut self.events {
            e.clear();
        }
        self.stretches.clear();
        let (mut first, mut horizon) = (0.0f64, 0.0f64);
        for j in 0..self.n {
            if finish[j] > start[j] {
                for dm in net.demands(j).iter().filter(|dm| dm.units > 0) {
                    self.events[dm.team].push((key(start[j]), j as u32, dm.units));
                }
                first = first.min(start[j]);
                if finish[j].is_finite() {
                    horizon = horizon.max(finish[j]);
                }
            }
        }
        self.units.clear();
        for (t, cap) in p.constant_capacity.iter().enumerate() {
            if let Some(c) = *cap {
                self.units.push(c);
            } else {
                let top = self.reduced_stretches(p, t, first, horizon);
                self.units.push(top);
            }
            self.events[t].sort_unstable();
        }
    }

    /// Team `t`'s largest capacity on the days from `first` to `horizon`, and its stretches
    /// of working days with less, as holders of the missing units.
    fn reduced_stretches(&mut self, p: &Problem, t: usize, first: f64, horizon: f64) -> u32 {
        let cal = p.timeline().team(t);
        let (from, to) = (first.floor() as i64, horizon.ceil() as i64);
        // The stretches of one capacity from day `from` on, up to day `to`.
        let stretches = || {
            let mut day = Some(from);
            std::iter::from_fn(move || {
                let d = day.filter(|&d| d <= to)?;
                let next = cal.next_change(d);
                day = next;
                Some((d, next, cal.capacity(d)))
            })
        };
        let top = stretches().map(|s| s.2).max().unwrap_or(0);
        for (d, next, c) in stretches() {
            // Days off hold nothing: no one works the team then.
            if c > 0 && c < top {
                let id = (self.n + self.stretches.len()) as u32;
                self.events[t].push((key(d as f64), id, top - c));
                self.stretches.push(Stretch {
                    finish: next.map_or(f64::INFINITY, |x| x as f64),
                });
            }
        }
        top
    }

    /// Sweeps each team's holders in order of start, each taking the units it demands from
    /// the units released longest ago, into `pairs`; marks a team whose units run out as not
    /// traced.
    fn trace(&mut self, finish: &[f64]) {
        let n = self.n;
        self.traced.clear();
        self.pairs.clear();
        let stretches = &self.stretches;
        let finish_of = |h: u32| {
            let h = h as usize;
            if h < n {
                finish[h]
            } else {
                stretches[h - n].finish
            }
        };
        for (t, events) in self.events.iter().enumerate() {
            let free = &mut self.free;
            free.clear();
            free.push_back((SOURCE, self.units[t]));
            // The holders running: a team has few (each holds a unit at least).
            let running = &mut self.running;
            running.clear();
            let mut traced = true;
            for &(at, h, units) in events {
                // Release what finished by `at`, earliest first.
                while let Some((k, _)) = running
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.0 <= at)
                    .min_by_key(|(_, r)| (r.0, r.1))
                {
                    let (_, done, u) = running.swap_remove(k);
                    free.push_back((done, u));
                }
                let mut need = units;
                while need > 0 {
                    let Some(front) = free.front_mut() else {
                        traced = false;
                        break;
                    };
                    let took = front.1.min(need);
                    if front.0 != SOURCE && (h as usize) < n {
                        self.pairs.push((h, front.0));
                    }
                    front.1 -= took;
                    need -= took;
                    if front.1 == 0 {
                        free.pop_front();
                    }
                }
                if !traced {
                    break;
                }
                running.push((key(finish_of(h)), h, units));
            }
            self.traced.push(traced);
        }
    }

    /// `from` and `to` from `pairs`, by counting, without repeats.
    fn link_lists(&mut self) {
        let n = self.n;
        let counts = &mut self.counts;
        counts.clear();
        counts.resize(n + 1, 0);
        for &(j, _) in &self.pairs {
            counts[j as usize + 1] += 1;
        }
        for j in 0..n {
            counts[j + 1] += counts[j];
        }
        // `sorted[counts[j]..counts[j + 1]]`: task `j`'s holders, in the order taken.
        let sorted = &mut self.sorted;
        sorted.clear();
        sorted.resize(self.pairs.len(), 0);
        let mut fill = std::mem::take(&mut self.fill);
        fill.clear();
        fill.extend_from_slice(&counts[..n]);
        for &(j, h) in &self.pairs {
            sorted[fill[j as usize] as usize] = h;
            fill[j as usize] += 1;
        }
        self.fill = fill;
        self.from_start.clear();
        self.from.clear();
        let mut handed = std::mem::take(&mut self.handed);
        handed.clear();
        handed.resize(n + 1, 0);
        // Each task's in-degree in the links and hand-offs, for `order`.
        self.indegree.clear();
        self.indegree.extend_from_slice(&self.link_preds);
        for j in 0..n {
            self.from_start.push(self.from.len() as u32);
            let begin = self.from.len();
            for &h in &sorted[counts[j] as usize..counts[j + 1] as usize] {
                if !self.from[begin..].contains(&h) {
                    self.from.push(h);
                    if (h as usize) < n {
                        handed[h as usize + 1] += 1;
                        self.indegree[j] += 1;
                    }
                }
            }
        }
        self.from_start.push(self.from.len() as u32);
        // Successor lists by counting.
        for j in 0..n {
            handed[j + 1] += handed[j];
        }
        self.to.clear();
        self.to.resize(handed[n] as usize, 0);
        self.to_start.clear();
        self.to_start.extend_from_slice(&handed);
        for j in 0..n {
            for &h in &self.from[self.from_start[j] as usize..self.from_start[j + 1] as usize] {
                if (h as usize) < n {
                    self.to[handed[h as usize] as usize] = j as u32;
                    handed[h as usize] += 1;
                }
            }
        }
        self.handed = handed;
    }

    /// The holders task `j` took units from.
    #[inline]
    fn from(&self, j: usize) -> &[u32] {
        &self.from[self.from_start[j] as usize..self.from_start[j + 1] as usize]
    }

    /// How each task is placed, checked against the schedule: the re-timing with the
    /// schedule's own durations must give every task its own times back.
    fn places(&mut self, p: &Problem, sgs: &Sgs, d: &[f64], start: &[f64], finish: &[f64]) {
        let net = p.network();
        let (es, placed) = (sgs.precedence_starts(), sgs.placed_at());
        self.place.clear();
        for j in 0..self.n {
            let own = (start[j], finish[j]);
            let mut acc = es[j];
            for &h in self.from(j) {
                let f = self.holder_finish(h as usize, finish);
                acc = if f > acc { f } else { acc };
            }
            let traced = net.demands(j).iter().all(|dm| self.traced[dm.team]);
            let place = if traced && same(p.advance(j, acc, d[j]), own) {
                Place::Free
            } else if same(p.advance(j, acc.max(placed[j]), d[j]), own) {
                Place::Floor(placed[j])
            } else if same(p.advance(j, acc.max(start[j]), d[j]), own) {
                Place::Floor(start[j])
            } else {
                Place::Kept
            };
            self.place.push(place);
        }
    }

    /// Finish of holder `h` (a task, or `n + k` for stretch `k`) in the schedule `finish`.
    #[inline]
    fn holder_finish(&self, h: usize, finish: &[f64]) -> f64 {
        if h < self.n {
            finish[h]
        } else {
            self.stretches[h - self.n].finish
        }
    }

    /// A topological order of the links and hand-offs. Where the two make a cycle (a negative
    /// lag can let a successor by link hand units to its predecessor), the first task left
    /// keeps its times, which breaks it.
    fn order(&mut self) {
        let n = self.n;
        self.order.clear();
        self.pos.clear();
        self.pos.resize(n, u32::MAX);
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        stack.extend(
            (0..n as u32)
                .rev()
                .filter(|&j| self.indegree[j as usize] == 0),
        );
        let mut cursor = 0;
        loop {
            while let Some(j) = stack.pop() {
                let j = j as usize;
                self.pos[j] = self.order.len() as u32;
                self.order.push(j as u32);
                let to = &self.to[self.to_start[j] as usize..self.to_start[j + 1] as usize];
                let succ = &self.link_succ
                    [self.link_succ_start[j] as usize..self.link_succ_start[j + 1] as usize];
                for &k in succ.iter().chain(to) {
                    if self.pos[k as usize] != u32::MAX {
                        // Kept to break a cycle: already listed.
                        continue;
                    }
                    let deg = &mut self.indegree[k as usize];
                    *deg -= 1;
                    if *deg == 0 {
                        stack.push(k);
                    }
                }
            }
            if self.order.len() == n {
                break;
            }
            while self.pos[cursor] != u32::MAX || self.indegree[cursor] == 0 {
                cursor += 1;
            }
            if self.place[cursor] != Place::Kept {
                self.place[cursor] = Place::Start;
            }
            self.indegree[cursor] = 0;
            stack.push(cursor as u32);
        }
        self.stack = stack;
    }

    /// The plan's links as successor lists and predecessor counts, once per problem.
    fn link_lists_of(&mut self, p: &Problem) {
        let n = p.len();
        if self.link_preds.len() == n && self.link_succ_start.len() == n + 1 {
            return;
        }
        let net = p.network();
        self.link_preds = (0..n).map(|j| net.preds(j).len() as u32).collect();
        self.link_succ_start.clear();
        self.link_succ.clear();
        for j in 0..n {
            self.link_succ_start.push(self.link_succ.len() as u32);
            self.link_succ
                .extend(net.succs(j).iter().map(|a| a.other as u32));
        }
        self.link_succ_start.push(self.link_succ.len() as u32);
    }

    /// Re-times the schedule `start`/`finish` (the one the hand-offs were built from) with
    /// the duration `dur(j)` for every task `seeds` lists and for every task whose links or
    /// hand-offs reach from them; the other tasks' durations must be the schedule's. Each
    /// recomputed task goes through the serial scheme's arithmetic, so a task whose inputs
    /// did not change gets its times back to the bit and the change stops there. Afterwards
    /// [`Handoffs::moved`] lists the tasks whose times changed and [`Handoffs::times`] gives
    /// their new times, until [`Handoffs::clear`].
    pub(crate) fn retime(
        &mut self,
        p: &Problem,
        start: &[f64],
        finish: &[f64],
        seeds: &[usize],
        dur: impl Fn(usize) -> f64,
    ) {
        let mut first = usize::MAX;
        for &j in seeds {
            let k = self.pos[j] as usize;
            self.dirty[k / 64] |= 1 << (k % 64);
            first = first.min(k);
        }
        if first == usize::MAX {
            return;
        }
        let mut word = first / 64;
        while word < self.dirty.len() {
            let bits = self.dirty[word];
            if bits == 0 {
                word += 1;
                continue;
            }
            let bit = bits.trailing_zeros() as usize;
            self.dirty[word] = bits & (bits - 1);
            let j = self.order[word * 64 + bit] as usize;
            let new = self.recompute(p, j, start, finish, &dur);
            if new.0 != start[j] || new.1 != finish[j] {
                self.record(j, new);
                let to = &self.to[self.to_start[j] as usize..self.to_start[j + 1] as usize];
                let succ = &self.link_succ
                    [self.link_succ_start[j] as usize..self.link_succ_start[j + 1] as usize];
                for k in succ.iter().chain(to).map(|&k| k as usize) {
                    if matches!(self.place[k], Place::Kept | Place::Start) {
                        // Never reads `j`'s times (and may be listed before it, to break a
                        // cycle).
                        continue;
                    }
                    let q = self.pos[k] as usize;
                    self.dirty[q / 64] |= 1 << (q % 64);
                }
            }
        }
    }

    /// Task `j`'s times in the re-timing, from the times of the tasks before it.
    #[inline]
    fn recompute(
        &self,
        p: &Problem,
        j: usize,
        start: &[f64],
        finish: &[f64],
        dur: &impl Fn(usize) -> f64,
    ) -> (f64, f64) {
        let n = self.n;
        match self.place[j] {
            Place::Kept => (start[j], finish[j]),
            Place::Start => p.advance(j, start[j], dur(j)),
            place => {
                let d = dur(j);
                let mut acc = p.precedence_start(j, d, &self.s2, &self.f2);
                for &h in self.from(j) {
                    let h = h as usize;
                    let f = if h < n {
                        self.f2[h]
                    } else {
                        self.stretches[h - n].finish
                    };
                    acc = if f > acc { f } else { acc };
                }
                if let Place::Floor(at) = place {
                    acc = acc.max(at);
                }
                p.advance(j, acc, d)
            }
        }
    }

    /// Records task `j`'s new times.
    #[inline]
    fn record(&mut self, j: usize, new: (f64, f64)) {
        self.s2[j] = new.0;
        self.f2[j] = new.1;
        if !self.changed[j] {
            self.changed[j] = true;
            self.touched.push(j);
        }
    }

    /// The tasks whose times the last [`Handoffs::retime`] changed.
    pub(crate) fn moved(&self) -> &[usize] {
        &self.touched
    }

    /// Task `j`'s times after the last [`Handoffs::retime`].
    #[inline]
    pub(crate) fn times(&self, j: usize) -> (f64, f64) {
        (self.s2[j], self.f2[j])
    }

    /// Forgets the last re-timing of the schedule `start`/`finish`.
    pub(crate) fn clear(&mut self, start: &[f64], finish: &[f64]) {
        for &j in &self.touched {
            self.changed[j] = false;
            self.s2[j] = start[j];
            self.f2[j] = finish[j];
        }
        self.touched.clear();
    }
}
