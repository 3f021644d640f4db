//! Summary statistics over the iterations: percentiles, means, rank correlations, histograms.
//!
//! Percentiles are order statistics: the p-th percentile of `n` values is the
//! `ceil(p n / 100)`-th smallest, i.e. the smallest value `x` with at least `p`% of the
//! iterations at or below `x` ("80% likely by x"). Being an order statistic, the percentile
//! of a monotone function of a quantity (a date of a day, a deploy window of a ready date) is
//! that function of its percentile.

use super::engine::KEY_BINS;
use serde::Serialize;

/// The 0-based index of the `p`-th percentile among `n >= 1` sorted values.
#[inline]
pub(crate) fn percentile_index(n: usize, p: u32) -> usize {
    let k = (n as u64 * u64::from(p)).div_ceil(100) as usize;
    k.max(1) - 1
}

/// The mean, summed in iteration order with Neumaier's compensation.
pub(crate) fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for &v in x {
        let t = s + v;
        if s.abs() >= v.abs() {
            c += (s - t) + v;
        } else {
            c += (v - t) + s;
        }
        s = t;
    }
    (s + c) / x.len() as f64
}

/// Mean and percentiles of a quantity (working days or periods).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// The mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 80th percentile.
    pub p80: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Summary {
    /// The summary of `x` (not empty).
    pub(crate) fn of(x: &[f64]) -> Summary {
        let mut sorted = x.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        let q = |p| sorted[percentile_index(sorted.len(), p)];
        Summary {
            mean: mean(x),
            p10: q(10),
            p50: q(50),
            p80: q(80),
            p90: q(90),
            p95: q(95),
        }
    }
}

/// Values in increasing order ([`f64::total_cmp`]) with the index each came from, for the
/// order statistics of the same values with a few of them lowered ([`Sorted::kth_lowered`]).
pub(crate) struct Sorted {
    vals: Vec<f64>,
    from: Vec<u32>,
}

impl Sorted {
    /// `v` in increasing order.
    pub(crate) fn new(v: &[f64]) -> Sorted {
        // The same sort as the finish's midranks (one copy of its code in the wasm).
        let from = order(v, f64::total_cmp);
        let vals = from.iter().map(|&i| v[i as usize]).collect();
        Sorted { vals, from }
    }

    /// The `k`-th smallest value (`k` < the number of values).
    pub(crate) fn kth(&self, k: usize) -> f64 {
        self.vals[k]
    }

    /// The `k`-th smallest of the values `v` (those `Sorted::new` was given) once those of
    /// `changed` are replaced: `(i, w)` puts `w` in place of `v[i]`, each `i` at most once,
    /// and `is_changed(i)` tells whether `i` is listed. The same value a selection over the
    /// replaced values gives, in time about linear in the number changed rather than in the
    /// number of values.
    ///
    /// Where every `w` is at most its `v[i]` (the common case here, values without a risk), the
    /// answer is at most the `k`-th smallest `v`, `b`, and at least any `a` below which fewer
    /// than `k + 1` replaced values lie: it is then a selection among the values from `a` to
    /// `b`, those unchanged in the sorted run between them and those changed to land there.
    /// `a` starts a few places below `b` and moves down until the count allows it. Otherwise
    /// the plain selection over all values.
    pub(crate) fn kth_lowered(
        &self,
        v: &[f64],
        k: usize,
        changed: &[(u32, f64)],
        is_changed: impl Fn(usize) -> bool,
    ) -> f64 {
        let lt = |x: f64, y: f64| x.total_cmp(&y).is_lt();
        if changed.is_empty() {
            return self.vals[k];
        }
        if changed.iter().any(|&(i, w)| lt(v[i as usize], w)) {
            let mut all = v.to_vec();
            for &(i, w) in changed {
                all[i as usize] = w;
            }
            return *all.select_nth_unstable_by(k, f64::total_cmp).1;
        }
        let b = self.vals[k];
        let end = self.vals.partition_point(|&x| !lt(b, x));
        let mut down = 32;
        loop {
            // The values below `a` (none when `a` is the lowest place): `below` of them.
            let (a, start, below) = if down >= k {
                (None, 0, 0)
            } else {
                let a = self.vals[k - down];
                let start = self.vals.partition_point(|&x| lt(x, a));
                let moved_out = changed
                    .iter()
                    .filter(|&&(i, _)| lt(v[i as usize], a))
                    .count();
                let moved_in = changed.iter().filter(|&&(_, w)| lt(w, a)).count();
                (Some(a), start, start - moved_out + moved_in)
            };
            if below > k {
                down *= 4;
                continue;
            }
            let unchanged = (self.vals[start..end].iter().zip(&self.from[start..end]))
                .filter(|&(_, &i)| !is_changed(i as usize))
                .map(|(&x, _)| x);
            let landed = (changed.iter().map(|&(_, w)| w))
                .filter(|&w| !lt(b, w) && a.is_none_or(|a| !lt(w, a)));
            let mut between: Vec<f64> = unchanged.chain(landed).collect();
            return *between.select_nth_unstable_by(k - below, f64::total_cmp).1;
        }
    }
}

/// Percentiles of something ordered (dates, deploy windows); `None` stands for "never"
/// (unscheduled) where that can happen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Percentiles<T> {
    /// 10th percentile.
    pub p10: T,
    /// Median.
    pub p50: T,
    /// 80th percentile.
    pub p80: T,
    /// 90th percentile.
    pub p90: T,
    /// 95th percentile.
    pub p95: T,
}

impl<T: Copy> Percentiles<T> {
    /// Percentiles of sorted values.
    #[cfg(test)]
    pub(crate) fn of_sorted(sorted: &[T]) -> Percentiles<T> {
        let q = |p| sorted[percentile_index(sorted.len(), p)];
        Percentiles {
            p10: q(10),
            p50: q(50),
            p80: q(80),
            p90: q(90),
            p95: q(95),
        }
    }

    /// Percentiles of a distribution given by counts per category (in order).
    pub(crate) fn of_counts(counts: &[u64], value: impl Fn(usize) -> T) -> Percentiles<T> {
        let n: u64 = counts.iter().sum();
        let q = |p| {
            let rank = percentile_index(n as usize, p) as u64;
            let mut cum = 0;
            for (k, &c) in counts.iter().enumerate() {
                cum += c;
                if cum > rank {
                    return value(k);
                }
            }
            value(counts.len() - 1)
        };
        Percentiles {
            p10: q(10),
            p50: q(50),
            p80: q(80),
            p90: q(90),
            p95: q(95),
        }
    }

    /// The same percentiles through `f`.
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Percentiles<U> {
        Percentiles {
            p10: f(self.p10),
            p50: f(self.p50),
            p80: f(self.p80),
            p90: f(self.p90),
            p95: f(self.p95),
        }
    }
}

/// The Monte Carlo standard error of a probability estimated from `n` iterations,
/// `sqrt(p (1 - p) / n)`.
pub(crate) fn binomial_se(p: f64, n: usize) -> f64 {
    (p * (1.0 - p) / n as f64).sqrt()
}

/// Midranks (1-based; ties get the mean of their ranks) of `x`.
pub(crate) fn midranks<T: Copy>(
    x: &[T],
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Copy,
) -> Vec<f64> {
    let idx = order(x, cmp);
    let mut ranks = vec![0.0; x.len()];
    let mut k = 0;
    while k < idx.len() {
        let mut e = k + 1;
        while e < idx.len() && cmp(&x[idx[e] as usize], &x[idx[k] as usize]).is_eq() {
            e += 1;
        }
        let r = (k + 1 + e) as f64 / 2.0;
        for &i in &idx[k..e] {
            ranks[i as usize] = r;
        }
        k = e;
    }
    ranks
}

/// The positions of `x` in increasing order by `cmp`, ties by position.
fn order<T: Copy>(x: &[T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..x.len() as u32).collect();
    idx.sort_unstable_by(|&a, &b| cmp(&x[a as usize], &x[b as usize]).then(a.cmp(&b)));
    idx
}

/// Midranks of non-negative `f32` values, sorting `(bits, index)` packed in a `u64` (the bit
/// patterns of non-negative floats order like the floats) by a radix sort on the bits.
pub(crate) fn midranks_nonneg_f32(x: &[f32]) -> Vec<f64> {
    let mut packed: Vec<u64> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| (u64::from((v + 0.0).max(0.0).to_bits()) << 32) | i as u64)
        .collect();
    // Stable on the high half, and the low half (the index) starts in order: the same order
    // as sorting the whole `u64`s.
    radix_sort_high32(&mut packed);
    let mut ranks = vec![0.0; x.len()];
    let mut k = 0;
    while k < packed.len() {
        let key = packed[k] >> 32;
        let mut e = k + 1;
        while e < packed.len() && packed[e] >> 32 == key {
            e += 1;
        }
        let r = (k + 1 + e) as f64 / 2.0;
        for &p in &packed[k..e] {
            ranks[(p & 0xffff_ffff) as usize] = r;
        }
        k = e;
    }
    ranks
}

/// Sorts `v` stably by the high 32 bits: least significant byte first, one counting pass per
/// byte, skipping a byte that is the same in every value; the four bytes' counts come from one
/// pass. Linear in `v.len()`, where a comparison sort of the 10,000 durations of a
/// risk-affected task took ten times longer.
fn radix_sort_high32(v: &mut Vec<u64>) {
    let mut counts = [[0usize; 256]; 4];
    for &x in v.iter() {
        for (b, c) in counts.iter_mut().enumerate() {
            c[((x >> (32 + 8 * b)) & 0xff) as usize] += 1;
        }
    }
    let mut tmp = vec![0u64; v.len()];
    for (b, at) in counts.iter_mut().enumerate() {
        if at.contains(&v.len()) {
            continue;
        }
        let shift = 32 + 8 * b;
        let mut pos = 0;
        for a in at.iter_mut() {
            (*a, pos) = (pos, pos + *a);
        }
        for &x in v.iter() {
            let b = ((x >> shift) & 0xff) as usize;
            tmp[at[b]] = x;
            at[b] += 1;
        }
        std::mem::swap(v, &mut tmp);
    }
}

/// Pearson correlation of two midrank vectors of `n` values (so both have mean `(n + 1) / 2`)
/// from `sum(a b)`, `sum(a^2)` and `sum(b^2)`. 0 when either has no spread.
pub(crate) fn rank_correlation(n: usize, sum_ab: f64, sum_aa: f64, sum_bb: f64) -> f64 {
    let nf = n as f64;
    let m = (nf + 1.0) / 2.0;
    let va = sum_aa - nf * m * m;
    let vb = sum_bb - nf * m * m;
    if va <= 1e-9 * nf || vb <= 1e-9 * nf {
        return 0.0;
    }
    ((sum_ab - nf * m * m) / (va * vb).sqrt()).clamp(-1.0, 1.0)
}

/// The midranks of a quantity (the project finish), ready for [`RankBins`]: twice a midrank
/// is a whole number, so one `u64` per key bin can hold a count (high bits) and a sum of
/// doubled ranks (low bits), and one addition per iteration updates both.
pub(crate) struct RankItems {
    /// Bit position of the count.
    shift: u32,
    /// Iterations a bin may take before its packed sums must be flushed (so they cannot
    /// overflow).
    span: usize,
    /// Per iteration: `1 << shift | 2 * midrank`.
    items: Vec<u64>,
}

impl RankItems {
    /// The items of midranks `ranks` of `n < 2^32` iterations.
    pub(crate) fn new(ranks: &[f64]) -> RankItems {
        // Over `span = 2^k` iterations a bin's doubled ranks (each at most 2n) stay below
        // 2^(k + 1 + bits(n)) and its count below 2^(k + 1): both fit while
        // 2k + 2 + bits(n) <= 64. For 10,000 iterations that is 2^24 iterations, more than n.
        let bits = 64 - (ranks.len() as u64).leading_zeros();
        let k = (62 - bits) / 2;
        Self::with_span(ranks, k)
    }

    /// [`RankItems::new`] with a span of `2^k` iterations (`k` as `new` takes it or less).
    fn with_span(ranks: &[f64], k: u32) -> RankItems {
        let shift = k + 1 + (64 - (ranks.len() as u64).leading_zeros());
        let items = ranks
            .iter()
            .map(|&r| (1u64 << shift) | (2.0 * r) as u64)
            .collect();
        RankItems {
            shift,
            span: 1 << k,
            items,
        }
    }
}

/// One task's rank bins, one per key (a byte): packed counts and sums of doubled ranks,
/// flushed into wide ones every [`RankItems`] span of iterations.
pub(crate) struct RankBins {
    packed: Box<[u64; KEY_BINS]>,
    count: Box<[u64; KEY_BINS]>,
    doubled: Box<[u128; KEY_BINS]>,
    /// Iterations added to `packed` since the last flush.
    pending: usize,
}

impl RankBins {
    /// Empty bins.
    pub(crate) fn new() -> RankBins {
        RankBins {
            packed: Box::new([0; KEY_BINS]),
            count: Box::new([0; KEY_BINS]),
            doubled: Box::new([0; KEY_BINS]),
            pending: 0,
        }
    }

    /// Adds iterations `first..first + keys.len()`, in which the task's keys were `keys` (at
    /// most a span of them: a batch).
    pub(crate) fn add(&mut self, r: &RankItems, keys: &[u8], first: usize) {
        debug_assert!(keys.len() <= r.span, "a batch at a time");
        let items = &r.items[first..first + keys.len()];
        if self.pending + keys.len() > r.span {
            self.flush(r);
        }
        for (&key, &item) in keys.iter().zip(items) {
            self.packed[usize::from(key)] += item;
        }
        self.pending += keys.len();
    }

    /// Moves the packed counts and sums into the wide ones.
    fn flush(&mut self, r: &RankItems) {
        let low = (1u64 << r.shift) - 1;
        let wide = self.count.iter_mut().zip(self.doubled.iter_mut());
        for (p, (c, d)) in self.packed.iter_mut().zip(wide) {
            *c += *p >> r.shift;
            *d += u128::from(*p & low);
            *p = 0;
        }
        self.pending = 0;
    }

    /// The Spearman correlation between the keys (ties get midranks) and the quantity, over
    /// all `n` iterations added; `sum_bb` is the sum of the quantity's squared ranks. Leaves
    /// the bins empty for the next task.
    pub(crate) fn spearman(&mut self, r: &RankItems, n: usize, sum_bb: f64) -> f64 {
        let low = (1u64 << r.shift) - 1;
        let (mut before, mut sum_ab, mut sum_aa) = (0u64, 0.0f64, 0.0f64);
        let wide = self.count.iter_mut().zip(self.doubled.iter_mut());
        for (p, (c, d)) in self.packed.iter_mut().zip(wide) {
            // What is still packed, then the flushed part (all zero until a run outgrows a
            // span).
            let count = (*p >> r.shift) + *c;
            if count == 0 {
                continue;
            }
            // The bin's sum of ranks: exact while the doubled sum is below 2^53, rounded once
            // above.
            // (Both conversions round to nearest: the narrow one, far cheaper, gives the same
            // value whenever nothing was flushed.)
            let doubled = if *d == 0 {
                (*p & low) as f64
            } else {
                (u128::from(*p & low) + *d) as f64
            };
            let s = doubled / 2.0;
            let mid = before as f64 + (count as f64 + 1.0) / 2.0;
            sum_ab += mid * s;
            sum_aa += count as f64 * mid * mid;
            before += count;
            (*p, *c, *d) = (0, 0, 0);
        }
        self.pending = 0;
        rank_correlation(n, sum_ab, sum_aa, sum_bb)
    }
}

/// A histogram: `counts[k]` iterations fell in `[from + k width, from + (k + 1) width)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// The lower edge of the first bin.
    pub from: f64,
    /// The width of every bin (1, 2 or 5 times a power of ten).
    pub width: f64,
    /// Iterations per bin.
    pub counts: Vec<u64>,
}

impl Histogram {
    /// At most about `target` bins of a "nice" width over the range of `x` (not empty).
    pub(crate) fn of(x: &[f64], target: usize) -> Histogram {
        let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !(lo.is_finite() && hi.is_finite()) {
            return Histogram {
                from: 0.0,
                width: 1.0,
                counts: vec![x.len() as u64],
            };
        }
        let raw = ((hi - lo) / target.max(1) as f64).max(1e-6);
        let mut width = 1e-6;
        'search: for e in -6..=15 {
            for m in [1.0, 2.0, 5.0] {
                let w = m * 10f64.powi(e);
                if w >= raw {
                    width = w;
                    break 'search;
                }
            }
        }
        let from = (lo / width).floor() * width;
        let bins = (((hi - from) / width).floor() as usize + 1).max(1);
        let mut counts = vec![0u64; bins];
        for &v in x {
            let k = (((v - from) / width).floor() as usize).min(bins - 1);
            counts[k] += 1;
        }
        Histogram {
            from,
            width,
            counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_is_the_inverse_empirical_cdf() {
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let s = Summary::of(&x);
        assert_eq!(
            (s.p10, s.p50, s.p80, s.p90, s.p95),
            (1.0, 5.0, 8.0, 9.0, 10.0)
        );
        assert_eq!(s.mean, 5.5);
        assert_eq!(percentile_index(1, 95), 0);
        assert_eq!(percentile_index(10_000, 80), 7999);
        assert_eq!(percentile_index(10_001, 80), 8000);
    }

    #[test]
    fn kth_lowered_is_the_selection_over_the_replaced_values() {
        // Brute force on small sets with ties, zeros of both signs and infinite floors: every
        // k, changed sets of every size, lowered (the fast path) and raised (the fallback).
        let mut seed = 7u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..400 {
            let n = 1 + (next() % 90) as usize;
            let v: Vec<f64> = (0..n)
                .map(|_| match next() % 9 {
                    0 => 0.0,
                    1 => -0.0,
                    _ => (next() % 40) as f64 / 4.0,
                })
                .collect();
            let sorted = Sorted::new(&v);
            let mut is = vec![false; n];
            let mut changed = Vec::new();
            for i in 0..n {
                if next() % 100 < (round % 10) * 11 {
                    is[i] = true;
                    let w = match next() % 7 {
                        0 => f64::NEG_INFINITY,
                        1 => v[i],
                        _ => v[i] - (next() % 30) as f64 / 4.0,
                    };
                    let raise = round % 5 == 4 && next() % 4 == 0;
                    changed.push((i as u32, if raise { v[i] + 1.5 } else { w }));
                }
            }
            let mut all = v.clone();
            for &(i, w) in &changed {
                all[i as usize] = w;
            }
            for k in 0..n {
                let want = *all.clone().select_nth_unstable_by(k, f64::total_cmp).1;
                let got = sorted.kth_lowered(&v, k, &changed, |i| is[i]);
                assert_eq!(got.to_bits(), want.to_bits(), "round {round}, k {k}");
            }
            assert_eq!(sorted.kth(n / 2).to_bits(), {
                let mut x = v.clone();
                x.select_nth_unstable_by(n / 2, f64::total_cmp).1.to_bits()
            });
        }
    }

    #[test]
    fn sorted_percentiles_match_the_summary() {
        let x: Vec<f64> = (0..1001)
            .map(|i| ((i * 7919) % 1001) as f64 / 3.0)
            .collect();
        let s = Summary::of(&x);
        let sorted = Sorted::new(&x);
        assert_eq!(sorted.kth(percentile_index(x.len(), 80)), s.p80);
        assert_eq!(sorted.kth(percentile_index(x.len(), 10)), s.p10);
    }

    #[test]
    fn percentiles_of_counts_match_sorted() {
        let counts = [3u64, 0, 5, 2];
        let mut sorted = Vec::new();
        for (k, &c) in counts.iter().enumerate() {
            sorted.extend(std::iter::repeat_n(k, c as usize));
        }
        assert_eq!(
            Percentiles::of_counts(&counts, |k| k),
            Percentiles::of_sorted(&sorted)
        );
    }

    #[test]
    fn midranks_and_spearman_by_hand() {
        let r = midranks(&[3.0, 1.0, 3.0, 2.0], f64::total_cmp);
        assert_eq!(r, vec![3.5, 1.0, 3.5, 2.0]);
        let r = midranks_nonneg_f32(&[3.0, 1.0, 3.0, 2.0, 0.0, -0.0, 1e30]);
        assert_eq!(r, vec![5.5, 3.0, 5.5, 4.0, 1.5, 1.5, 7.0]);
        // Keys 0,0,1,2 (midranks 1.5, 1.5, 3, 4) against ranks 4,3,2,1.
        let b = [4.0, 3.0, 2.0, 1.0];
        let sum_bb: f64 = b.iter().map(|x| x * x).sum();
        let items = RankItems::new(&b);
        let mut bins = RankBins::new();
        bins.add(&items, &[0, 0, 1, 2], 0);
        let rho = bins.spearman(&items, 4, sum_bb);
        assert!(bins.count.iter().chain(bins.packed.iter()).all(|&x| x == 0));
        // By hand: deviations (-1,-1,.5,1.5) and (1.5,.5,-.5,-1.5): cov = -4.5,
        // var 4.5 and 5, so rho = -4.5 / sqrt(22.5) = -0.9486832980505138.
        assert!((rho + 0.948_683_298_050_513_8).abs() < 1e-12, "{rho}");
    }

    #[test]
    fn radix_sort_orders_like_a_comparison_sort() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in [0, 1, 2, 7, 300, 5000] {
            // Whole and fractional values with many ties, zeros of both signs, a huge value.
            let v: Vec<f32> = (0..n)
                .map(|i| match next() % 10 {
                    0 => 0.0,
                    1 => -0.0,
                    2 => 1e30,
                    3 => (next() % 1000) as f32 * 0.37,
                    _ => (next() % 40) as f32,
                } + if i % 97 == 0 { 0.5 } else { 0.0 })
                .collect();
            let mut packed: Vec<u64> = v
                .iter()
                .enumerate()
                .map(|(i, &f)| (u64::from((f + 0.0).max(0.0).to_bits()) << 32) | i as u64)
                .collect();
            let mut sorted = packed.clone();
            sorted.sort_unstable();
            radix_sort_high32(&mut packed);
            assert_eq!(packed, sorted, "n = {n}");
        }
    }

    #[test]
    fn binned_spearman_equals_the_direct_one_with_ties() {
        // Keys 0..40 and finish values with many ties, so that midranks are half-integers:
        // the bins must give the Pearson correlation of the two midrank vectors, and the same
        // bits however often they flush.
        let n = 5000;
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let keys: Vec<u8> = (0..n).map(|_| (next() % 40) as u8).collect();
        let finish: Vec<f64> = keys
            .iter()
            .map(|&k| (u64::from(k) / 3 + next() % 25) as f64)
            .collect();
        let ranks = midranks(&finish, f64::total_cmp);
        assert!(ranks.iter().any(|r| r.fract() == 0.5));
        let sum_bb: f64 = ranks.iter().map(|r| r * r).sum();
        let key_ranks = midranks(&keys, u8::cmp);
        let sum_ab: f64 = key_ranks.iter().zip(&ranks).map(|(a, b)| a * b).sum();
        let sum_aa: f64 = key_ranks.iter().map(|a| a * a).sum();
        let direct = rank_correlation(n, sum_ab, sum_aa, sum_bb);
        let mut results = Vec::new();
        // Never flushed (the span 2^24 is far above n), and flushed every 2^k iterations,
        // added in batches of 128 (or of the span when it is smaller).
        let mut bins = RankBins::new();
        for k in [None, Some(0), Some(3), Some(7), Some(10)] {
            let items = match k {
                None => RankItems::new(&ranks),
                Some(k) => RankItems::with_span(&ranks, k),
            };
            let piece = items.span.min(128);
            for (p, keys) in keys.chunks(piece).enumerate() {
                bins.add(&items, keys, p * piece);
            }
            results.push(bins.spearman(&items, n, sum_bb));
        }
        assert!(results[0] > 0.3, "{}", results[0]);
        assert!(
            (results[0] - direct).abs() < 1e-12,
            "{} vs {direct}",
            results[0]
        );
        for r in &results {
            assert_eq!(r.to_bits(), results[0].to_bits());
        }
        // The widest runs still get a span of 2^15 iterations, at least a batch.
        assert_eq!(RankItems::new(&[1.0; 10_000]).span, 1 << 24);
        let bits = 64 - (u32::MAX as u64).leading_zeros();
        assert_eq!((62 - bits) / 2, 15);
    }

    #[test]
    fn histogram_bins_cover_the_range() {
        let x = [10.2, 11.0, 13.9, 40.0];
        let h = Histogram::of(&x, 30);
        assert_eq!(h.width, 1.0);
        assert_eq!(h.from, 10.0);
        assert_eq!(h.counts.iter().sum::<u64>(), 4);
        assert_eq!(h.counts[0], 1);
        assert_eq!(*h.counts.last().unwrap(), 1);
    }
}
