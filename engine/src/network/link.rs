//! The link rules, written once: what a finish-to-start, start-to-start, finish-to-finish or
//! start-to-finish link with a lag allows, forward (the earliest start it lets its successor
//! ask for) and backward (the latest time it lets its predecessor's start or finish reach).
//!
//! Every kernel reads links through these functions: the critical-path method
//! ([`crate::graph`]), the serial schedule generation scheme ([`crate::schedule::Sgs`]), both
//! Monte Carlo kernels, the leveller's integer grid and exact mode. A link from `i` to `j`
//! with lag `L` says `E_j >= E_i + L`, where `E_i` is the end of the predecessor the link
//! measures from ([`from_end`]) and `E_j` the end of the successor it holds back
//! ([`to_end`]):
//!
//! | kind | from | to | constraint |
//! | --- | --- | --- | --- |
//! | FS | finish | start | `s_j >= f_i + L` |
//! | SS | start | start | `s_j >= s_i + L` |
//! | FF | finish | finish | `f_j >= f_i + L`, measured on `j`'s calendar |
//! | SF | start | finish | `f_j >= s_i + L`, measured on `j`'s calendar |
//!
//! A bound on the successor's finish becomes a bound on its start through the successor's
//! time axis ([`Axis`]): plain arithmetic `T - d` on a calendar that works every day
//! ([`Plain`], also on the integer grid), the calendar's own [`TeamCalendar::retreat`]
//! otherwise ("measured on `j`'s calendar": a task cannot finish inside its days off, see
//! [`crate::graph`]). The two agree in exact arithmetic on a calendar that works every day,
//! but the calendar path snaps its sums to whole days, so each kernel keeps the path it
//! always took and every result stays the same to the bit.
//!
//! The functions are `#[inline]` and generic over the time type and the axis, so a kernel's
//! hot loop compiles to the same arithmetic it had when the rules were written out in it.

use std::ops::{Add, Sub};

use crate::calendar::TeamCalendar;
use crate::model::LinkKind;

/// One end of a task: its start or its finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The moment the task starts.
    Start,
    /// The moment the task finishes.
    Finish,
}

impl End {
    /// The other end: what this end becomes when time runs backward.
    #[inline]
    pub const fn swapped(self) -> End {
        match self {
            End::Start => End::Finish,
            End::Finish => End::Start,
        }
    }
}

/// The end of the predecessor a link measures from (its finish for FS and FF).
#[inline]
pub const fn from_end(kind: LinkKind) -> End {
    match kind {
        LinkKind::FS | LinkKind::FF => End::Finish,
        LinkKind::SS | LinkKind::SF => End::Start,
    }
}

/// The end of the successor a link holds back (its finish for FF and SF).
#[inline]
pub const fn to_end(kind: LinkKind) -> End {
    match kind {
        LinkKind::FS | LinkKind::SS => End::Start,
        LinkKind::FF | LinkKind::SF => End::Finish,
    }
}

/// The link type joining `from` (the predecessor's end) to `to` (the successor's end).
#[inline]
pub const fn kind_of(from: End, to: End) -> LinkKind {
    match (from, to) {
        (End::Finish, End::Start) => LinkKind::FS,
        (End::Start, End::Start) => LinkKind::SS,
        (End::Finish, End::Finish) => LinkKind::FF,
        (End::Start, End::Finish) => LinkKind::SF,
    }
}

/// The type of the same link on the mirrored network (time reversed, the link pointing from
/// the successor back to the predecessor): starts and finishes swap, so FS stays FS, SS and
/// FF swap, SF stays SF.
#[inline]
pub const fn mirrored(kind: LinkKind) -> LinkKind {
    kind_of(to_end(kind).swapped(), from_end(kind).swapped())
}

/// Whether a link keeps its successor from starting before its predecessor has finished
/// (finish-to-start with a lag of zero or more): the links of the classic resource-constrained
/// project scheduling problem.
#[inline]
pub fn holds_until_finished(kind: LinkKind, lag: f64) -> bool {
    from_end(kind) == End::Finish && to_end(kind) == End::Start && lag >= 0.0
}

/// A time value the rules compute with: `f64` plan time or `i64` grid units.
pub trait Time: Copy + Add<Output = Self> + Sub<Output = Self> + PartialOrd {}

impl Time for f64 {}
impl Time for i64 {}

/// A task's time axis: how work of a duration is placed, and how a bound on its finish
/// becomes a bound on its start.
pub trait Axis<T: Time>: Copy {
    /// The latest requested start from which work of duration `d` is done by `finish`.
    fn start_for_finish(self, finish: T, d: T) -> T;
    /// The actual `(start, finish)` of work of duration `d` asked to start at `at`.
    fn advance(self, at: T, d: T) -> (T, T);
    /// The latest start of work of duration `d` whose finish must be at most `finish_bound`
    /// and whose start at most `start_bound` (infinite when nothing bounds the start).
    fn latest_start(self, finish_bound: T, start_bound: T, d: T) -> T;
    /// The finish of work of duration `d` started at `start`, as the finish-type links read
    /// it: on a calendar, moved to the start of the next working moment.
    fn worked_finish(self, start: T, d: T) -> T;
}

/// The axis of a calendar that works every day (and of the integer grid): plain arithmetic.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plain;

impl<T: Time> Axis<T> for Plain {
    #[inline(always)]
    fn start_for_finish(self, finish: T, d: T) -> T {
        finish - d
    }

    #[inline(always)]
    fn advance(self, at: T, d: T) -> (T, T) {
        (at, at + d)
    }

    #[inline(always)]
    fn latest_start(self, finish_bound: T, start_bound: T, d: T) -> T {
        let l = finish_bound - d;
        // A select rather than `min`, so that it vectorises.
        if start_bound < l {
            start_bound
        } else {
            l
        }
    }

    #[inline(always)]
    fn worked_finish(self, start: T, d: T) -> T {
        start + d
    }
}

impl Axis<f64> for &TeamCalendar {
    #[inline]
    fn start_for_finish(self, finish: f64, d: f64) -> f64 {
        self.retreat(finish, d)
    }

    #[inline]
    fn advance(self, at: f64, d: f64) -> (f64, f64) {
        TeamCalendar::advance(self, at, d)
    }

    #[inline]
    fn latest_start(self, finish_bound: f64, start_bound: f64, d: f64) -> f64 {
        let l = self.retreat(finish_bound, d);
        if start_bound.is_finite() {
            l.min(self.retreat(start_bound, 0.0))
        } else {
            l
        }
    }

    #[inline]
    fn worked_finish(self, start: f64, d: f64) -> f64 {
        let f = TeamCalendar::advance(self, start, d).1;
        TeamCalendar::advance(self, f, 0.0).0
    }
}

/// The predecessor's time a link measures from, given its `(start, finish)`.
#[inline(always)]
fn measured<T>(kind: LinkKind, pred_start: T, pred_finish: T) -> T {
    match from_end(kind) {
        End::Start => pred_start,
        End::Finish => pred_finish,
    }
}

/// Forward, one link: the time the successor's held end may reach, from the predecessor's
/// measured end.
#[inline(always)]
fn shifted<T: Time>(measured: T, lag: T) -> T {
    measured + lag
}

/// Backward, one link: the time the predecessor's measured end may reach, from the
/// successor's held end.
#[inline(always)]
fn unshifted<T: Time>(held: T, lag: T) -> T {
    held - lag
}

/// Forward: the earliest start a link of `kind` and `lag` allows its successor to ask for,
/// given the predecessor's `(pred_start, pred_finish)` and the successor's duration `d` and
/// time axis.
#[inline(always)]
pub fn earliest_start<T: Time, A: Axis<T>>(
    kind: LinkKind,
    lag: T,
    succ: A,
    d: T,
    pred_start: T,
    pred_finish: T,
) -> T {
    let bound = shifted(measured(kind, pred_start, pred_finish), lag);
    match to_end(kind) {
        End::Start => bound,
        End::Finish => succ.start_for_finish(bound, d),
    }
}

/// Forward over a batch of iterations: `acc[i] = max(acc[i], earliest_start(...))` for every
/// lane `i`, with the predecessor's rows `pred_start` and `pred_finish` and the successor's
/// durations `d`. The link type is resolved once, outside the lanes.
#[inline(always)]
pub fn raise_earliest<A: Axis<f64>>(
    kind: LinkKind,
    lag: f64,
    succ: A,
    d: &[f64],
    pred_start: &[f64],
    pred_finish: &[f64],
    acc: &mut [f64],
) {
    let from = measured(kind, pred_start, pred_finish);
    match to_end(kind) {
        End::Start => {
            for (a, &v) in acc.iter_mut().zip(from) {
                let b = shifted(v, lag);
                // A select rather than a conditional store, so that it vectorises.
                *a = if b > *a { b } else { *a };
            }
        }
        End::Finish => {
            for ((a, &v), &dd) in acc.iter_mut().zip(from).zip(d) {
                let b = succ.start_for_finish(shifted(v, lag), dd);
                *a = if b > *a { b } else { *a };
            }
        }
    }
}

/// Backward: the bound a link of `kind` and `lag` puts on its predecessor, given the
/// successor's latest start and its latest finish as the finish-type links read it
/// ([`Axis::worked_finish`]): which end of the predecessor is bounded, and by what.
#[inline(always)]
pub fn latest<T: Time>(kind: LinkKind, lag: T, succ_start: T, succ_finish: T) -> (End, T) {
    let held = match to_end(kind) {
        End::Start => succ_start,
        End::Finish => succ_finish,
    };
    (from_end(kind), unshifted(held, lag))
}

/// Backward over a batch of iterations: [`latest`] lane by lane, from the successor's rows of
/// latest starts and latest finishes. The link type is resolved once, outside the lanes.
#[inline(always)]
pub fn latest_rows<'r>(
    kind: LinkKind,
    lag: f64,
    succ_start: &'r [f64],
    succ_finish: &'r [f64],
) -> (End, impl Iterator<Item = f64> + 'r) {
    let held = match to_end(kind) {
        End::Start => succ_start,
        End::Finish => succ_finish,
    };
    (from_end(kind), held.iter().map(move |&v| unshifted(v, lag)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [LinkKind; 4] = [LinkKind::FS, LinkKind::SS, LinkKind::FF, LinkKind::SF];

    #[test]
    fn ends_and_kinds_round_trip_and_mirroring_is_an_involution() {
        for kind in KINDS {
            assert_eq!(kind_of(from_end(kind), to_end(kind)), kind);
            assert_eq!(mirrored(mirrored(kind)), kind);
        }
        assert_eq!(mirrored(LinkKind::FS), LinkKind::FS);
        assert_eq!(mirrored(LinkKind::SS), LinkKind::FF);
        assert_eq!(mirrored(LinkKind::FF), LinkKind::SS);
        assert_eq!(mirrored(LinkKind::SF), LinkKind::SF);
    }

    /// Brute force on a small grid: the earliest start the rule gives is the smallest whole
    /// start `s` at which the constraint of the module's table holds, and the backward bound
    /// is the largest predecessor end that still lets the successor keep its times.
    #[test]
    fn rules_match_the_constraints_by_brute_force() {
        for kind in KINDS {
            for lag in -3i64..=3 {
                for d in 0i64..=3 {
                    for (ps, di) in [(0i64, 2i64), (4, 0), (1, 5)] {
                        let pf = ps + di;
                        let holds = |s: i64| {
                            let ej = if to_end(kind) == End::Start { s } else { s + d };
                            let ei = if from_end(kind) == End::Start { ps } else { pf };
                            ej >= ei + lag
                        };
                        let brute = (-20..40).find(|&s| holds(s)).expect("some start holds");
                        assert_eq!(earliest_start(kind, lag, Plain, d, ps, pf), brute);
                        // Backward: the successor at (s, s + d); the latest predecessor end.
                        let s = 10;
                        let (end, bound) = latest(kind, lag, s, s + d);
                        assert_eq!(end, from_end(kind));
                        let ej = if to_end(kind) == End::Start { s } else { s + d };
                        let brute = (-40..40).rev().find(|&e| ej >= e + lag).unwrap();
                        assert_eq!(bound, brute);
                    }
                }
            }
        }
    }

    #[test]
    fn batch_rule_equals_the_scalar_rule_lane_by_lane() {
        let ps = [0.0, 1.5, -2.0, 7.25];
        let pf = [3.0, 2.5, 0.0, 9.0];
        let d = [1.0, 0.0, 4.5, 2.0];
        for kind in KINDS {
            for lag in [0.0, -1.5, 2.0] {
                let mut acc = [0.5, 0.0, 3.0, -1.0];
                let before = acc;
                raise_earliest(kind, lag, Plain, &d, &ps, &pf, &mut acc);
                for i in 0..4 {
                    let b = earliest_start(kind, lag, Plain, d[i], ps[i], pf[i]);
                    assert_eq!(acc[i].to_bits(), before[i].max(b).to_bits(), "{kind:?}");
                }
            }
        }
    }
}
