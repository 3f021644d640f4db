//! Stable sorting with one copy of the standard library's sort for the whole engine.
//!
//! `slice::sort_by` and its kin are generic over the element type and the comparator, so every
//! call with its own closure or element type compiles its own copy of the sort: several KiB of
//! code each, all of which the browser downloads. Cold paths (views, reports, windows,
//! validation, import, the leveller's population) sort through these functions instead: they
//! sort the positions `0..len` (one copy of the sort, for `usize`, with the comparator called
//! through `&mut dyn FnMut`) and then move the elements into that order. The result is the one
//! `slice::sort_by` gives: stable, with the same comparisons deciding. Hot loops (the
//! simulation's batches and statistics) keep the standard functions with inlined comparators.
//!
//! A leaf: it imports nothing from the engine.

use std::cmp::Ordering;

/// `v.sort_by(cmp)`: a stable sort.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut order, &mut |&a, &b| cmp(&v[a], &v[b]));
    permute(v, &mut order);
}

/// `v.sort()`: a stable sort. For types whose equal values cannot be told apart (numbers,
/// strings, dates, tuples and vectors of them) it is also what `v.sort_unstable()` gives.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// `v.sort_by_key(key)`: a stable sort.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// The one copy of the standard library's stable sort that [`sort_by`] uses.
#[inline(never)]
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(&usize, &usize) -> Ordering) {
    order.sort_by(cmp);
}

/// Moves the elements of `v` so that position `i` holds what was at `order[i]` (`order` is a
/// permutation of `0..v.len()`; it is used up as the visited marks), cycle by cycle with swaps.
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for i in 0..v.len() {
        if order[i] == usize::MAX {
            continue;
        }
        let mut j = i;
        loop {
            let k = std::mem::replace(&mut order[j], usize::MAX);
            if k == i {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs that tie on the first field, in a scrambled order.
    fn pairs(n: u32) -> Vec<(u32, u32)> {
        (0..n)
            .map(|i| ((i * 7919) % 13, (i * 104_729) % n))
            .collect()
    }

    #[test]
    // The reference is `slice::sort_by` itself, comparator and all.
    #[allow(clippy::unnecessary_sort_by)]
    fn sorts_as_the_standard_library_does() {
        for n in [0, 1, 2, 3, 20, 200, 1000] {
            let v = pairs(n);
            // A stable sort keeps tied pairs in their order, as `slice::sort_by` does.
            let (mut a, mut b) = (v.clone(), v.clone());
            sort_by(&mut a, |x, y| x.0.cmp(&y.0));
            b.sort_by(|x, y| x.0.cmp(&y.0));
            assert_eq!(a, b, "n = {n}");
            let (mut a, mut b) = (v.clone(), v.clone());
            sort(&mut a);
            b.sort_unstable();
            assert_eq!(a, b, "n = {n}");
            let (mut a, mut b) = (v.clone(), v.clone());
            sort_by_key(&mut a, |x| std::cmp::Reverse(x.0));
            b.sort_by_key(|x| std::cmp::Reverse(x.0));
            assert_eq!(a, b, "n = {n}");
        }
    }

    #[test]
    fn moves_owned_elements_without_losing_any() {
        let mut v: Vec<String> = (0..50).map(|i| format!("{}", (i * 37) % 50)).collect();
        let mut w = v.clone();
        sort_by(&mut v, |a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
        w.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
        assert_eq!(v, w);
    }
}
