//! The activity-list genetic algorithm with forward-backward improvement.
//!
//! - Individuals are activity lists (precedence-feasible permutations), decoded by the serial
//!   schedule generation scheme ([`Decode::forward`]).
//! - Every decoded list is improved by forward-backward improvement (double justification,
//!   Valls, Ballestin and Quintanilla 2005; Tormos and Lova 2001): the schedule is
//!   right-justified by the serial scheme on the mirrored problem, tasks taken by decreasing
//!   finish, then left-justified again, tasks taken by increasing right-justified start; the
//!   result is kept when it is no worse (one round per list: more rounds cost more schedules than
//!   they return, measured on J30 and generated 120-job sets). The individual keeps
//!   the list that decodes to its schedule.
//! - Initial population: the release-first priority list, then lists sampled around it
//!   (random keys: priority rank plus uniform noise of a random spread).
//! - Each generation: binary tournament selection, Hartmann's one-point crossover (the child
//!   takes the mother's first q tasks, then the others in the father's order), shift mutation (a task moves to a random place between its last
//!   predecessor and first successor), then (population + children) keeps the best distinct
//!   schedules. After a run of generations without improvement, all but the best few are
//!   replaced by fresh samples.
//! - Fitness is the release-first vector ([`super::Objective`]), compared lexicographically.
//! - The search stops at the schedule budget (every serial-scheme pass counts one, as in
//!   Kolisch and Hartmann's comparisons), when the best reaches the lower bound, or when the
//!   caller's stop function says so.
//!
//! All randomness comes from one `Pcg64Mcg` seeded from the caller's seed; no thread or clock
//! is involved, so a seed gives one result everywhere.

use rand::Rng as _;
use rand_pcg::Pcg64Mcg;
use std::cmp::Ordering;

use super::decode::Decode;
use super::net::{positions, Dir, Net, Orderer};
use super::Objective;

/// A seeded portable generator.
pub(crate) struct Rng(Pcg64Mcg);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let a = mix64(seed ^ 0x5eed_1e7e_11ed_0001);
        let b = mix64(a ^ 0x9e37_79b9_7f4a_7c15);
        Rng(Pcg64Mcg::new((u128::from(a) << 64) | u128::from(b)))
    }

    /// A uniform integer in `0..n` (`n > 0`).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.0.next_u64()) * n as u128) >> 64) as usize
    }

    /// A uniform number in [0, 1).
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Lexicographic comparison of fitness vectors, equal within 1e-9.
pub(crate) fn compare(a: &[f64], b: &[f64]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        if x < &(y - 1e-9) {
            return Ordering::Less;
        }
        if x > &(y + 1e-9) {
            return Ordering::Greater;
        }
    }
    Ordering::Equal
}

/// One member of the population.
#[derive(Debug, Clone)]
pub(crate) struct Individual {
    pub list: Vec<usize>,
    pub fit: Vec<f64>,
    hash: u64,
}

/// Tuning of the search.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Params {
    pub population: usize,
    /// Shift mutations per task and child.
    pub mutation: f64,
    /// Generations without improvement before a restart.
    pub restart_after: usize,
    /// Members kept at a restart.
    pub elite: usize,
    /// Forward-backward rounds at most per decoded list.
    pub fbi_rounds: usize,
    /// Largest noise spread of samples, as a share of the task count.
    pub spread: f64,
}

impl Params {
    pub fn for_budget(budget: usize) -> Params {
        Params {
            population: (budget / 250).clamp(16, 60),
            mutation: 0.05,
            restart_after: 30,
            elite: 2,
            fbi_rounds: 1,
            spread: 0.5,
        }
    }
}

/// The search state.
pub(crate) struct Search<'a, D: Decode> {
    pub dec: D,
    net: &'a Net,
    obj: &'a Objective,
    lb: &'a [f64],
    rng: Rng,
    pub budget: usize,
    pub used: usize,
    stop: Option<&'a dyn Fn() -> bool>,
    pub stopped: bool,
    params: Params,
    n: usize,
    // Scratch.
    start: Vec<f64>,
    finish: Vec<f64>,
    start2: Vec<f64>,
    finish2: Vec<f64>,
    key: Vec<f64>,
    bkey: Vec<f64>,
    tie: Vec<u32>,
    pos: Vec<u32>,
    blist: Vec<usize>,
    flist: Vec<usize>,
    fit2: Vec<f64>,
    taken: Vec<bool>,
    orderer: Orderer,
    /// Priority rank of each task in the seed list.
    rank: Vec<f64>,
    pub best: Individual,
}

impl<'a, D: Decode> Search<'a, D> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        dec: D,
        net: &'a Net,
        obj: &'a Objective,
        lb: &'a [f64],
        seed_list: &[usize],
        seed: u64,
        budget: usize,
        stop: Option<&'a dyn Fn() -> bool>,
    ) -> Search<'a, D> {
        let n = net.len();
        let m = obj.len();
        let mut rank = vec![0.0; n];
        for (p, &j) in seed_list.iter().enumerate() {
            rank[j] = p as f64;
        }
        Search {
            dec,
            net,
            obj,
            lb,
            rng: Rng::new(seed),
            budget,
            used: 0,
            stop,
            stopped: false,
            params: Params::for_budget(budget),
            n,
            start: vec![0.0; n],
            finish: vec![0.0; n],
            start2: vec![0.0; n],
            finish2: vec![0.0; n],
            key: vec![0.0; n],
            bkey: vec![0.0; n],
            tie: vec![0; n],
            pos: vec![0; n],
            blist: Vec::with_capacity(n),
            flist: Vec::with_capacity(n),
            fit2: vec![0.0; m],
            taken: vec![false; n],
            orderer: Orderer::default(),
            rank,
            best: Individual {
                list: seed_list.to_vec(),
                fit: vec![f64::INFINITY; m],
                hash: 0,
            },
        }
    }

    fn out_of_budget(&mut self) -> bool {
        if self.stopped || self.used >= self.budget {
            return true;
        }
        if let Some(stop) = self.stop {
            if stop() {
                self.stopped = true;
                return true;
            }
        }
        false
    }

    /// Whether the best schedule is proven optimal by the lower bound.
    pub fn at_bound(&self) -> bool {
        compare(&self.best.fit, self.lb) != Ordering::Greater
    }

    fn hash_times(&self) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for &s in &self.start {
            h = (h ^ s.to_bits()).wrapping_mul(0x0100_0000_01b3);
        }
        h
    }

    /// Decodes `list`, improves it by forward-backward passes, and returns the individual.
    pub fn evaluate(&mut self, mut list: Vec<usize>) -> Individual {
        let n = self.n;
        let mut fit = vec![0.0; self.obj.len()];
        self.dec.forward(&list, &mut self.start, &mut self.finish);
        self.used += 1;
        self.obj.eval(&self.finish, &mut fit);
        for _ in 0..self.params.fbi_rounds {
            if self.used + 2 > self.budget || n == 0 {
                break;
            }
            // Backward: by decreasing finish, ties: later in the list first.
            positions(&list, &mut self.pos);
            for j in 0..n {
                self.key[j] = -self.finish[j];
                self.tie[j] = n as u32 - self.pos[j];
            }
            self.orderer
                .order_by(self.net, Dir::Mirror, &self.key, &self.tie, &mut self.blist);
            let makespan = *fit.last().expect("the makespan is in the fitness");
            let ok = self.dec.backward(&self.blist, makespan, &mut self.bkey);
            self.used += 1;
            if !ok {
                break;
            }
            // Forward: by increasing right-justified start, ties: later in the backward list
            // first (placed later there, so it starts earlier).
            positions(&self.blist, &mut self.pos);
            for j in 0..n {
                self.tie[j] = n as u32 - self.pos[j];
            }
            self.orderer.order_by(
                self.net,
                Dir::Forward,
                &self.bkey,
                &self.tie,
                &mut self.flist,
            );
            self.dec
                .forward(&self.flist, &mut self.start2, &mut self.finish2);
            self.used += 1;
            self.obj.eval(&self.finish2, &mut self.fit2);
            let cmp = compare(&self.fit2, &fit);
            if cmp == Ordering::Greater {
                break;
            }
            std::mem::swap(&mut self.start, &mut self.start2);
            std::mem::swap(&mut self.finish, &mut self.finish2);
            std::mem::swap(&mut list, &mut self.flist);
            fit.copy_from_slice(&self.fit2);
            if cmp == Ordering::Equal {
                break;
            }
        }
        let hash = self.hash_times();
        let ind = Individual { list, fit, hash };
        if compare(&ind.fit, &self.best.fit) == Ordering::Less {
            self.best = ind.clone();
        }
        ind
    }

    /// A list sampled around the seed priority: rank plus uniform noise of a random spread.
    fn sample(&mut self) -> Vec<usize> {
        let n = self.n;
        let spread = self.rng.unit() * n as f64 * self.params.spread + 1.0;
        for j in 0..n {
            self.key[j] = self.rank[j] + spread * self.rng.unit();
            self.tie[j] = j as u32;
        }
        let mut out = Vec::with_capacity(n);
        self.orderer
            .order_by(self.net, Dir::Forward, &self.key, &self.tie, &mut out);
        out
    }

    /// Hartmann's one-point crossover of `mother` and `father`: the mother's first `q1` tasks,
    /// then the rest in the father's order.
    fn crossover(&mut self, mother: &[usize], father: &[usize], q1: usize) -> Vec<usize> {
        let n = self.n;
        let mut child = Vec::with_capacity(n);
        self.taken.fill(false);
        for &j in &mother[..q1] {
            child.push(j);
            self.taken[j] = true;
        }
        for &j in father {
            if !self.taken[j] {
                child.push(j);
                self.taken[j] = true;
            }
        }
        child
    }

    /// Shift mutation: each task, with probability `mutation`, moves to a random place between
    /// its last predecessor and its first successor.
    fn mutate(&mut self, list: &mut [usize]) {
        let n = self.n;
        if n < 2 {
            return;
        }
        let pm = self.params.mutation;
        let mut i = 0;
        while i < n {
            if self.rng.unit() < pm {
                positions(list, &mut self.pos);
                let j = list[i];
                let lo = self
                    .net
                    .preds(j)
                    .iter()
                    .map(|a| self.pos[a.other] as usize + 1)
                    .max()
                    .unwrap_or(0);
                let hi = self
                    .net
                    .succs(j)
                    .iter()
                    .map(|a| self.pos[a.other] as usize)
                    .min()
                    .unwrap_or(n)
                    - 1;
                // j may go anywhere in [lo, hi] (positions after removing it shift by one).
                if hi > lo {
                    let target = lo + self.rng.below(hi - lo + 1);
                    if target < i {
                        list[target..=i].rotate_right(1);
                    } else if target > i {
                        list[i..=target].rotate_left(1);
                    }
                }
            }
            i += 1;
        }
    }

    fn tournament(&mut self, size: usize) -> usize {
        let a = self.rng.below(size);
        let b = self.rng.below(size);
        a.min(b)
    }

    /// Runs the search; the best individual is in `self.best`.
    pub fn run(&mut self, seed_list: Vec<usize>) {
        let first = self.evaluate(seed_list);
        if self.at_bound() || self.out_of_budget() {
            return;
        }
        let p = self.params.population;
        let mut pop: Vec<Individual> = vec![first];
        while pop.len() < p && !self.out_of_budget() {
            let list = self.sample();
            pop.push(self.evaluate(list));
            if self.at_bound() {
                return;
            }
        }
        sort_unique(&mut pop, p);
        let mut stagnant = 0;
        while !self.out_of_budget() && !self.at_bound() {
            let before = self.best.fit.clone();
            let size = pop.len();
            let mut children = Vec::with_capacity(p);
            while children.len() < p && !self.out_of_budget() && !self.at_bound() {
                let a = self.tournament(size);
                let mut b = self.tournament(size);
                if size > 1 {
                    while b == a {
                        b = self.tournament(size);
                    }
                }
                let q1 = self.rng.below(self.n + 1);
                let (ma, fa) = (pop[a].list.clone(), pop[b].list.clone());
                for (x, y) in [(&ma, &fa), (&fa, &ma)] {
                    let mut child = self.crossover(x, y, q1);
                    self.mutate(&mut child);
                    children.push(self.evaluate(child));
                    if self.out_of_budget() || self.at_bound() {
                        break;
                    }
                }
            }
            pop.extend(children);
            sort_unique(&mut pop, p);
            if compare(&self.best.fit, &before) == Ordering::Less {
                stagnant = 0;
            } else {
                stagnant += 1;
            }
            if stagnant >= self.params.restart_after {
                stagnant = 0;
                pop.truncate(self.params.elite.min(pop.len()));
                while pop.len() < p && !self.out_of_budget() && !self.at_bound() {
                    let list = self.sample();
                    pop.push(self.evaluate(list));
                }
                sort_unique(&mut pop, p);
            }
        }
    }
}

/// Sorts by fitness (stable), drops repeated schedules, keeps the best `keep`.
fn sort_unique(pop: &mut Vec<Individual>, keep: usize) {
    pop.sort_by(|a, b| compare(&a.fit, &b.fit));
    let mut seen: Vec<u64> = Vec::with_capacity(pop.len());
    pop.retain(|ind| {
        if seen.contains(&ind.hash) {
            false
        } else {
            seen.push(ind.hash);
            true
        }
    });
    pop.truncate(keep);
}
