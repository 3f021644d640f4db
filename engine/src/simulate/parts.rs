//! A simulation split into parts that run apart (in several web workers, say) and are merged
//! into exactly the result of one run.
//!
//! Iterations run in seeded batches of [`BATCH`] whose random numbers depend only on the seed
//! and the batch number, and [`simulate`](super::simulate) merges them in batch order. A
//! [`Part`] holds the results of a contiguous range of those batches; [`merge_parts`] puts the
//! parts of a whole run back in order and summarises them with the same code as `simulate`,
//! so the merged [`Simulation`] equals `simulate`'s bit for bit. Parts travel as bytes
//! ([`Part::to_bytes`]).
//!
//! ```
//! use shipdate_engine::simulate::{self, Options};
//! let plan = shipdate_engine::io::parse_str(
//!     "[plan]\nname = \"d\"\n[[tasks]]\nid = \"a\"\nestimate = { low = 1, likely = 2, high = 6 }\n",
//!     shipdate_engine::io::Format::Toml,
//! ).unwrap();
//! let options = Options { iterations: 1000, seed: 5, ..Options::default() };
//! let b = simulate::batch_count(options.iterations);
//! let first = simulate::simulate_part(&plan, &options, 0..b / 2, &|_| {}).unwrap();
//! let second = simulate::simulate_part(&plan, &options, b / 2..b, &|_| {}).unwrap();
//! let second = simulate::Part::from_bytes(&second.to_bytes()).unwrap();
//! let merged = simulate::merge_parts(&plan, &options, vec![second, first]).unwrap();
//! assert_eq!(merged, simulate::simulate(&plan, &options).unwrap());
//! ```

use std::ops::Range;

use super::engine::{BatchOut, Slot, Without};
use super::{batches, with_ctx, Options, PriorityOrder, SimError, Simulation, BATCH};
use crate::model::Plan;

/// How many batches a run of `iterations` has.
pub fn batch_count(iterations: usize) -> usize {
    iterations.div_ceil(BATCH)
}

/// The results of batches `first..first + n` of a run (see the module docs).
pub struct Part {
    first: usize,
    outs: Vec<BatchOut>,
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Part")
            .field("first", &self.first)
            .field("batches", &self.outs.len())
            .finish()
    }
}

/// Why parts could not be read or merged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PartError {
    /// The simulation itself could not run.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// The parts do not cover the run's batches exactly once, or do not fit the plan.
    #[error("the parts do not make up this run: {0}")]
    Mismatch(String),
    /// Bytes that are not a part.
    #[error("not a simulation part: {0}")]
    Malformed(String),
}

fn check(plan: &Plan, options: &Options) -> Result<(), SimError> {
    if options.iterations == 0 {
        return Err(SimError::NoIterations);
    }
    if let PriorityOrder::List(order) = &options.order {
        if !super::precedence_feasible(plan, order) {
            return Err(SimError::InvalidOrder);
        }
    }
    Ok(())
}

/// Runs batches `range` (of the [`batch_count`] of `options.iterations`), calling
/// `progress(done)` with the iterations of this part finished so far after each batch.
///
/// # Errors
///
/// As [`simulate`](super::simulate), and [`PartError::Mismatch`] for batches past the run.
pub fn simulate_part(
    plan: &Plan,
    options: &Options,
    range: Range<usize>,
    progress: &dyn Fn(usize),
) -> Result<Part, PartError> {
    check(plan, options)?;
    if range.end > batch_count(options.iterations) || range.start > range.end {
        return Err(PartError::Mismatch(format!(
            "batches {range:?} of a run of {} batches",
            batch_count(options.iterations)
        )));
    }
    let outs = with_ctx(plan, options, |ctx, _, _| {
        let mut scratch = ctx.scratch();
        let mut done = 0;
        batches(options.iterations)
            .skip(range.start)
            .take(range.len())
            .map(|(b, len)| {
                // Every re-run in the part itself (the pruned ones need every batch: see
                // `rerun_pruned`); the P80s come out the same.
                let out = ctx.run_batch(&mut scratch, b, len, false, None);
                done += len;
                progress(done);
                out
            })
            .collect()
    });
    Ok(Part {
        first: range.start,
        outs,
    })
}

/// Merges the parts of one run (any order) into its [`Simulation`], equal to what
/// [`simulate`](super::simulate) returns for the same plan and options.
///
/// # Errors
///
/// [`PartError::Mismatch`] when the parts do not cover every batch exactly once or were made
/// from another plan or number of iterations.
pub fn merge_parts(
    plan: &Plan,
    options: &Options,
    mut parts: Vec<Part>,
) -> Result<Simulation, PartError> {
    check(plan, options)?;
    parts.retain(|p| !p.outs.is_empty());
    crate::sorting::sort_by_key(&mut parts, |p| p.first);
    let mut next = 0;
    let mut outs = Vec::with_capacity(batch_count(options.iterations));
    for p in parts {
        if p.first != next {
            return Err(PartError::Mismatch(format!(
                "expected batch {next}, found a part starting at {}",
                p.first
            )));
        }
        next += p.outs.len();
        outs.extend(p.outs);
    }
    let expected: Vec<usize> = batches(options.iterations).map(|b| b.1).collect();
    if outs.iter().map(|o| o.len).ne(expected.iter().copied()) {
        return Err(PartError::Mismatch(format!(
            "{} batches of the wrong sizes for {} iterations",
            outs.len(),
            options.iterations
        )));
    }
    with_ctx(plan, options, |ctx, timeline, warnings| {
        let keys = ctx
            .slots
            .iter()
            .filter(|s| matches!(s, Slot::Key(_)))
            .count();
        let durs = ctx
            .slots
            .iter()
            .filter(|s| matches!(s, Slot::Dur(_)))
            .count();
        let fits = outs.iter().all(|o| {
            o.crit.len() == ctx.len()
                && o.due.len() == ctx.len()
                && o.fired.len() == plan.risks.len()
                && o.ready.len() == o.len * plan.releases.len()
                && o.keys.len() == o.len * keys
                && o.durs.len() == o.len * durs
                && (!options.risk_effects || o.without.len() == plan.risks.len())
                && o.without.iter().all(|w| {
                    w.makespan.len() == o.len && w.ready.len() == o.len * plan.releases.len()
                })
        });
        fits.then(|| super::summarise(plan, options, ctx, timeline, &outs, warnings))
    })
    .ok_or_else(|| PartError::Mismatch("the parts were made from another plan".into()))
}

// Bytes: "SDP1", then u64 first, u64 batches; per batch: u64 len and each vector as a u64
// count followed by its little-endian elements; `without` as a count of (makespan, ready)
// pairs.
const MAGIC: &[u8; 4] = b"SDP1";

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u64).to_le_bytes());
}

/// A length, then each value's bytes (the writer's side of [`Reader::vec`]).
fn put_vec<T: Copy, const N: usize>(out: &mut Vec<u8>, v: &[T], bytes: impl Fn(T) -> [u8; N]) {
    put_len(out, v.len());
    for &x in v {
        out.extend_from_slice(&bytes(x));
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], PartError> {
        if self.0.len() < n {
            return Err(PartError::Malformed("too short".into()));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn len(&mut self, elem: usize) -> Result<usize, PartError> {
        let n = u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes"));
        let n = usize::try_from(n).map_err(|_| PartError::Malformed("length".into()))?;
        if n.checked_mul(elem).is_none_or(|b| b > self.0.len()) {
            return Err(PartError::Malformed("length past the end".into()));
        }
        Ok(n)
    }
    fn vec<T, const N: usize>(&mut self, f: fn([u8; N]) -> T) -> Result<Vec<T>, PartError> {
        let n = self.len(N)?;
        let bytes = self.take(n * N)?;
        Ok(bytes
            .chunks_exact(N)
            .map(|c| f(c.try_into().expect("N bytes")))
            .collect())
    }
}

impl Part {
    /// The part as bytes, for [`Part::from_bytes`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        put_len(&mut out, self.first);
        put_len(&mut out, self.outs.len());
        for o in &self.outs {
            put_len(&mut out, o.len);
            put_vec(&mut out, &o.makespan, f64::to_le_bytes);
            put_vec(&mut out, &o.ready, f64::to_le_bytes);
            put_vec(&mut out, &o.crit, u32::to_le_bytes);
            put_vec(&mut out, &o.fired, u32::to_le_bytes);
            put_vec(&mut out, &o.keys, u8::to_le_bytes);
            put_vec(&mut out, &o.durs, f32::to_le_bytes);
            put_vec(&mut out, &o.due, u32::to_le_bytes);
            put_len(&mut out, o.without.len());
            for w in &o.without {
                put_vec(&mut out, &w.makespan, f64::to_le_bytes);
                put_vec(&mut out, &w.ready, f64::to_le_bytes);
            }
        }
        out
    }

    /// Reads a part written by [`Part::to_bytes`].
    ///
    /// # Errors
    ///
    /// [`PartError::Malformed`] for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Result<Part, PartError> {
        let mut r = Reader(bytes);
        if r.take(4)? != MAGIC {
            return Err(PartError::Malformed("wrong header".into()));
        }
        let first = r.len(0)?;
        let count = r.len(1)?;
        let mut outs = Vec::with_capacity(count);
        for _ in 0..count {
            let len = r.len(0)?;
            let makespan = r.vec(f64::from_le_bytes)?;
            let ready = r.vec(f64::from_le_bytes)?;
            let crit = r.vec(u32::from_le_bytes)?;
            let fired = r.vec(u32::from_le_bytes)?;
            let keys = r.vec(u8::from_le_bytes)?;
            let durs = r.vec(f32::from_le_bytes)?;
            let due = r.vec(u32::from_le_bytes)?;
            let nw = r.len(1)?;
            let mut without = Vec::with_capacity(nw);
            for _ in 0..nw {
                without.push(Without {
                    makespan: r.vec(f64::from_le_bytes)?,
                    ready: r.vec(f64::from_le_bytes)?,
                });
            }
            if makespan.len() != len
                || (len > 0 && ready.len() % len != 0)
                || (len > 0 && keys.len() % len != 0)
                || (len > 0 && durs.len() % len != 0)
            {
                return Err(PartError::Malformed("inconsistent batch".into()));
            }
            outs.push(BatchOut {
                len,
                makespan,
                ready,
                crit,
                fired,
                keys,
                durs,
                due,
                without,
                fired_lanes: Vec::new(),
                drops: Vec::new(),
                drop_cols: 1,
                eager_iters: Vec::new(),
                eager_vals: Vec::new(),
            });
        }
        if !r.0.is_empty() {
            return Err(PartError::Malformed("trailing bytes".into()));
        }
        Ok(Part { first, outs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{parse_str, Format};
    use crate::simulate::simulate;

    const PLAN: &str = "[plan]\nname = \"p\"\nstart = 2027-01-04\n[teams.be]\ncapacity = 1\n\
[[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = { low = 1, likely = 3, high = 8 }\n\
[[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = { dist = \"lognormal\", median = 2, p90 = 5 }\n\
[[tasks]]\nid = \"c\"\nestimate = { low = 2, likely = 4, high = 9 }\nafter = [\"a\"]\n\
[[risks]]\nid = \"r\"\nprobability = 0.3\nimpact = { low = 1, likely = 2, high = 6 }\ntasks = [\"a\", \"c\"]\n\
[[releases]]\nid = \"v1\"\ntasks = [\"b\", \"c\"]\ncadence = { weekdays = [\"tue\"], every_weeks = 1, from = 2027-01-05 }\n";

    #[test]
    fn parts_merge_to_the_full_run_in_both_modes_and_any_split() {
        let plan = parse_str(PLAN, Format::Toml).unwrap();
        for ignore_capacity in [false, true] {
            let options = Options {
                iterations: 1000,
                seed: 11,
                ignore_capacity,
                ..Options::default()
            };
            let full = simulate(&plan, &options).unwrap();
            let b = batch_count(1000);
            assert_eq!(b, 8);
            for cuts in [
                vec![0, 8],
                vec![0, 3, 8],
                vec![0, 1, 2, 7, 8],
                vec![0, 0, 8],
            ] {
                let parts: Vec<Part> = cuts
                    .windows(2)
                    .rev()
                    .map(|w| {
                        let p = simulate_part(&plan, &options, w[0]..w[1], &|_| {}).unwrap();
                        Part::from_bytes(&p.to_bytes()).unwrap()
                    })
                    .collect();
                assert_eq!(
                    merge_parts(&plan, &options, parts).unwrap(),
                    full,
                    "{cuts:?}"
                );
            }
        }
    }

    #[test]
    fn missing_overlapping_or_foreign_parts_are_refused() {
        let plan = parse_str(PLAN, Format::Toml).unwrap();
        let options = Options {
            iterations: 300,
            ..Options::default()
        };
        let part = |r: Range<usize>| simulate_part(&plan, &options, r, &|_| {}).unwrap();
        assert!(matches!(
            merge_parts(&plan, &options, vec![part(0..1)]),
            Err(PartError::Mismatch(_))
        ));
        assert!(matches!(
            merge_parts(&plan, &options, vec![part(0..2), part(1..3)]),
            Err(PartError::Mismatch(_))
        ));
        assert!(matches!(
            simulate_part(&plan, &options, 0..4, &|_| {}),
            Err(PartError::Mismatch(_))
        ));
        let other = parse_str(
            "[plan]\nname = \"o\"\n[[tasks]]\nid = \"x\"\nestimate = 1\n",
            Format::Toml,
        )
        .unwrap();
        let foreign = simulate_part(&other, &options, 0..3, &|_| {}).unwrap();
        assert!(matches!(
            merge_parts(&plan, &options, vec![foreign]),
            Err(PartError::Mismatch(_))
        ));
        let bytes = part(0..3).to_bytes();
        assert!(Part::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Part::from_bytes(b"nope").is_err());
        let mut long = bytes.clone();
        long.push(0);
        assert!(Part::from_bytes(&long).is_err());
        // Progress counts this part's iterations.
        let seen = std::cell::RefCell::new(Vec::new());
        simulate_part(&plan, &options, 1..3, &|d| seen.borrow_mut().push(d)).unwrap();
        assert_eq!(*seen.borrow(), vec![128, 172]);
    }
}
