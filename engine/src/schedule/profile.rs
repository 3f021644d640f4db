//! One team's usage over time, for the serial scheme ([`super::Sgs`]): a step function held
//! as its breakpoints `(time, units)` in increasing time, the units holding from that time to
//! the next breakpoint. The first breakpoint is at -infinity and no two neighbours hold the
//! same units, so each step function has exactly one representation.
//!
//! The breakpoints are kept in blocks of at most [`BLOCK`] entries: placing a task inserts up
//! to two breakpoints anywhere in the profile, which in one vector moves every later
//! breakpoint (on a 100,000-task plan, profiles of tens of thousands of breakpoints, and most
//! of the scheme's time); a block moves at most its own entries. The profiles of plans of a
//! few thousand tasks fit one block, and are updated as one flat vector.

/// The most breakpoints a block holds; a block that grows past it splits in two.
const BLOCK: usize = 1024;

/// Where a breakpoint is: its block and its index in the block. Valid until the next change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pos {
    pub(super) block: usize,
    pub(super) index: usize,
}

/// A team's usage profile (see the module documentation).
#[derive(Debug, Clone)]
pub(super) struct Profile {
    /// The breakpoints, in order, block by block; no block is empty.
    blocks: Vec<Vec<(f64, u32)>>,
    /// The time of each block's first breakpoint.
    firsts: Vec<f64>,
    /// Emptied blocks kept for reuse, so that runs after the first do not allocate.
    spare: Vec<Vec<(f64, u32)>>,
}

impl Profile {
    /// No usage at any time.
    pub(super) fn new() -> Profile {
        Profile {
            blocks: vec![vec![(f64::NEG_INFINITY, 0)]],
            firsts: vec![f64::NEG_INFINITY],
            spare: Vec::new(),
        }
    }

    /// Back to no usage at any time, keeping the memory.
    pub(super) fn reset(&mut self) {
        while self.blocks.len() > 1 {
            let mut b = self.blocks.pop().expect("more than one block");
            b.clear();
            self.spare.push(b);
        }
        self.blocks[0].clear();
        self.blocks[0].push((f64::NEG_INFINITY, 0));
        self.firsts.clear();
        self.firsts.push(f64::NEG_INFINITY);
    }

    /// Block `b`'s breakpoints.
    #[inline(always)]
    pub(super) fn block(&self, b: usize) -> &[(f64, u32)] {
        &self.blocks[b]
    }

    /// The time of block `b`'s first breakpoint, infinite past the last block.
    #[inline(always)]
    pub(super) fn block_start(&self, b: usize) -> f64 {
        self.firsts.get(b).copied().unwrap_or(f64::INFINITY)
    }

    /// The time of breakpoint `p`.
    #[inline]
    pub(super) fn time(&self, p: Pos) -> f64 {
        self.blocks[p.block][p.index].0
    }

    /// The units from breakpoint `p` to the next.
    #[inline]
    pub(super) fn units(&self, p: Pos) -> u32 {
        self.blocks[p.block][p.index].1
    }

    /// The breakpoint after `p`, if any.
    #[inline]
    pub(super) fn next(&self, p: Pos) -> Option<Pos> {
        if p.index + 1 < self.blocks[p.block].len() {
            Some(Pos {
                block: p.block,
                index: p.index + 1,
            })
        } else if p.block + 1 < self.blocks.len() {
            Some(Pos {
                block: p.block + 1,
                index: 0,
            })
        } else {
            None
        }
    }

    /// The breakpoint before `p`, if any.
    fn prev(&self, p: Pos) -> Option<Pos> {
        if p.index > 0 {
            Some(Pos {
                block: p.block,
                index: p.index - 1,
            })
        } else if p.block > 0 {
            Some(Pos {
                block: p.block - 1,
                index: self.blocks[p.block - 1].len() - 1,
            })
        } else {
            None
        }
    }

    /// The breakpoint of the step holding time `t`: the last at or before it. Tasks mostly go
    /// near the end of the usage placed so far, so the search gallops back from the last
    /// block, then bisects.
    #[inline(always)]
    pub(super) fn seek(&self, t: f64) -> Pos {
        let n = self.firsts.len();
        if n == 1 {
            return Pos {
                block: 0,
                index: gallop(&self.blocks[0], t),
            };
        }
        let (mut lo, mut hi) = (0, n);
        let mut step = 1;
        while step < n {
            let k = n - step;
            if self.firsts[k] <= t {
                lo = k;
                break;
            }
            hi = k;
            step *= 2;
        }
        let block = lo + self.firsts[lo..hi].partition_point(|&x| x <= t) - 1;
        Pos {
            block,
            index: gallop(&self.blocks[block], t),
        }
    }

    /// Inserts `entry` right after breakpoint `p`; returns where it went.
    fn insert_after(&mut self, p: Pos, entry: (f64, u32)) -> Pos {
        let block = &mut self.blocks[p.block];
        let at = Pos {
            block: p.block,
            index: p.index + 1,
        };
        block.insert(at.index, entry);
        if block.len() <= BLOCK {
            return at;
        }
        let mut tail = self.spare.pop().unwrap_or_default();
        tail.extend(block.drain(BLOCK / 2..));
        self.firsts.insert(p.block + 1, tail[0].0);
        self.blocks.insert(p.block + 1, tail);
        if at.index < BLOCK / 2 {
            at
        } else {
            Pos {
                block: p.block + 1,
                index: at.index - BLOCK / 2,
            }
        }
    }

    /// Removes breakpoint `p` (never the first, at -infinity).
    fn remove(&mut self, p: Pos) {
        let block = &mut self.blocks[p.block];
        block.remove(p.index);
        if block.is_empty() {
            let b = self.blocks.remove(p.block);
            self.spare.push(b);
            self.firsts.remove(p.block);
        } else if p.index == 0 {
            self.firsts[p.block] = block[0].0;
        }
    }

    /// Adds `units` over `[a, b)`, merging the breakpoints at `a` and `b` into their
    /// neighbours when they no longer change the units.
    pub(super) fn add(&mut self, a: f64, b: f64, units: u32) {
        if b <= a {
            return;
        }
        let p = self.seek(a);
        let single = self.blocks.len() == 1;
        let after = if single {
            f64::INFINITY
        } else {
            self.block_start(p.block + 1)
        };
        let block = &mut self.blocks[p.block];
        // Most additions change one block with room for two more breakpoints: the step
        // before `a` is in it (or `a` is new), and so is the first breakpoint after `b`, or
        // the next block starts after `b` (always so for a profile of one block, whose first
        // breakpoint is at -infinity). Update it as a flat profile.
        if block.len() + 2 <= BLOCK
            && (single
                || (p.index > 0 || block[0].0 < a) && (block[block.len() - 1].0 >= b || after > b))
        {
            add_in_block(block, p.index, a, b, units);
            return;
        }
        self.add_across(p, a, b, units);
    }

    /// [`Profile::add`] where the change may reach another block or split one; `p` holds `a`.
    #[cold]
    fn add_across(&mut self, mut p: Pos, a: f64, b: f64, units: u32) {
        if self.time(p) < a {
            let u = self.units(p);
            p = self.insert_after(p, (a, u));
        }
        // Raise every step in [a, b); `last` ends as the last of them.
        let mut last = p;
        let end = loop {
            self.blocks[last.block][last.index].1 += units;
            match self.next(last) {
                Some(n) if self.time(n) < b => last = n,
                other => break other,
            }
        };
        match end {
            Some(e) if self.time(e) == b => {
                if self.units(e) == self.units(last) {
                    self.remove(e);
                }
            }
            _ => {
                let before = self.units(last) - units;
                let blocks = self.blocks.len();
                self.insert_after(last, (b, before));
                // A split of `last`'s block moves its second half, perhaps `p`, to the next.
                if self.blocks.len() > blocks && p.block == last.block && p.index >= BLOCK / 2 {
                    p = Pos {
                        block: p.block + 1,
                        index: p.index - BLOCK / 2,
                    };
                }
            }
        }
        // The removal at `b` is after `p`, in its block or a later one: `p` stands.
        debug_assert!(self.time(p) == a);
        let before = self.prev(p).expect("no breakpoint precedes -infinity");
        if self.units(p) == self.units(before) {
            self.remove(p);
        }
    }

    /// The breakpoints in order (for tests).
    #[cfg(test)]
    pub(super) fn points(&self) -> Vec<(f64, u32)> {
        self.blocks.iter().flatten().copied().collect()
    }
}

/// [`Profile::add`] within one block whose breakpoint `i` is the last at or before `a`
/// (`a < b`): when `i` is `a` itself, the one before it is in the block too, and the block
/// holds a breakpoint at or after `b` or nothing after it up to `b`.
#[inline(always)]
fn add_in_block(profile: &mut Vec<(f64, u32)>, mut i: usize, a: f64, b: f64, units: u32) {
    let len = profile.len();
    // The first breakpoint after `i` at or after `b`.
    let mut k = i + 1;
    while k < len && profile[k].0 < b {
        k += 1;
    }
    if units > 0 && profile[i].0 < a && (k == len || profile[k].0 > b) {
        // Both ends new (the usual case): the entries after each move once, by two and by
        // one, rather than twice by one. Nothing merges: the units change at both.
        let (before, after) = (profile[i].1, profile[k - 1].1);
        profile.extend_from_slice(&[(0.0, 0); 2]);
        profile.copy_within(k..len, k + 2);
        profile.copy_within(i + 1..k, i + 2);
        profile[i + 1] = (a, before + units);
        for e in &mut profile[i + 2..k + 1] {
            e.1 += units;
        }
        profile[k + 1] = (b, after);
        return;
    }
    if profile[i].0 < a {
        profile.insert(i + 1, (a, profile[i].1));
        i += 1;
    }
    let mut k = i;
    while k < profile.len() && profile[k].0 < b {
        profile[k].1 += units;
        k += 1;
    }
    if k == profile.len() || profile[k].0 > b {
        let before = profile[k - 1].1 - units;
        profile.insert(k, (b, before));
    } else if profile[k].1 == profile[k - 1].1 {
        profile.remove(k);
    }
    if profile[i].1 == profile[i - 1].1 {
        profile.remove(i);
    }
}

/// The index of the last entry of `block` at or before `t` (the first entry is). Gallops back
/// from the end, then bisects.
#[inline]
fn gallop(block: &[(f64, u32)], t: f64) -> usize {
    let n = block.len();
    let (mut lo, mut hi) = (0, n);
    let mut step = 1;
    while step < n {
        let k = n - step;
        if block[k].0 <= t {
            lo = k;
            break;
        }
        hi = k;
        step *= 2;
    }
    lo + block[lo..hi].partition_point(|&(x, _)| x <= t) - 1
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The step function as a flat vector, updated the obvious way: the model the blocked
    /// profile must match breakpoint for breakpoint.
    fn model_add(profile: &mut Vec<(f64, u32)>, a: f64, b: f64, units: u32) {
        if b <= a {
            return;
        }
        let at = |p: &Vec<(f64, u32)>, t: f64| p.iter().rposition(|&(x, _)| x <= t).unwrap();
        for t in [a, b] {
            let i = at(profile, t);
            if profile[i].0 < t {
                let u = profile[i].1;
                profile.insert(i + 1, (t, u));
            }
        }
        for p in profile.iter_mut() {
            if p.0 >= a && p.0 < b {
                p.1 += units;
            }
        }
        let mut out: Vec<(f64, u32)> = Vec::with_capacity(profile.len());
        for &p in profile.iter() {
            if out.last().is_some_and(|l| l.1 == p.1) {
                continue;
            }
            out.push(p);
        }
        *profile = out;
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any sequence of additions (many, so that blocks split and empty) gives the same
        /// breakpoints as the flat model, and `seek` finds the step holding any time.
        #[test]
        fn blocks_match_a_flat_profile(
            adds in prop::collection::vec((0u32..4000, 1u32..40, 1u32..4), 1..2000),
            probes in prop::collection::vec(0.0f64..2100.0, 40),
        ) {
            let mut p = Profile::new();
            let mut model = vec![(f64::NEG_INFINITY, 0)];
            for &(a, len, u) in &adds {
                let (a, b) = (f64::from(a) / 2.0, f64::from(a + len) / 2.0);
                p.add(a, b, u);
                model_add(&mut model, a, b, u);
            }
            prop_assert_eq!(p.points(), model.clone());
            for (b, first) in p.blocks.iter().zip(&p.firsts) {
                prop_assert!(!b.is_empty() && b.len() <= BLOCK);
                prop_assert_eq!(b[0].0, *first);
            }
            for t in probes {
                let i = model.iter().rposition(|&(x, _)| x <= t).unwrap();
                let s = p.seek(t);
                prop_assert_eq!((p.time(s), p.units(s)), model[i]);
                prop_assert_eq!(p.next(s).map_or(f64::INFINITY, |n| p.time(n)), model.get(i + 1).map_or(f64::INFINITY, |x| x.0));
            }
            p.reset();
            prop_assert_eq!(p.points(), vec![(f64::NEG_INFINITY, 0)]);
        }

        /// Half-day intervals on 1,000 days, then the other halves in any order: the
        /// breakpoints merge away until one step is left, emptying blocks on the way.
        #[test]
        fn merging_empties_blocks_and_keeps_them_consistent(
            order in Just((0..1000u32).collect::<Vec<_>>()).prop_shuffle(),
        ) {
            let mut p = Profile::new();
            let mut model = vec![(f64::NEG_INFINITY, 0)];
            for k in 0..1000u32 {
                let a = f64::from(k);
                p.add(a, a + 0.5, 1);
                model_add(&mut model, a, a + 0.5, 1);
            }
            prop_assert!(p.blocks.len() > 2, "the profile spans several blocks");
            for (n, &k) in order.iter().enumerate() {
                let a = f64::from(k) + 0.5;
                p.add(a, a + 0.5, 1);
                model_add(&mut model, a, a + 0.5, 1);
                if n % 97 == 0 {
                    prop_assert_eq!(p.points(), model.clone());
                    for (b, first) in p.blocks.iter().zip(&p.firsts) {
                        prop_assert!(!b.is_empty() && b.len() <= BLOCK);
                        prop_assert_eq!(b[0].0, *first);
                    }
                }
            }
            prop_assert_eq!(p.points(), vec![(f64::NEG_INFINITY, 0), (0.0, 1), (1000.0, 0)]);
        }
    }
}
