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
//!   takes the mother's first q tasks, then the others in the father's order), shift mutation
//!   (a task moves to a random place between its last predecessor and first successor), then (population + children) keeps the best distinct
//!   schedules. After a run of generations without improvement, all but the best few are
//!   replaced by fresh samples.
//! - Fitness is the release-first vector ([`super::Objective`]), compared lexicographically.
//! - Islands: a large budget is shared out over independent searches ([`Search`], each with
//!   its own seed, population and budget; see `island_plan` in the parent module) run in
//!   lockstep, one generation each at a time, on several threads with the `parallel` feature
//!   ([`run_islands`]). Independent searches with half the budget each find better schedules
//!   than one search with all of it (measured on PSPLIB J120), and they use both cores.
//! - The search stops at the schedule budget (every serial-scheme pass counts one, as in
//!   Kolisch and Hartmann's comparisons), when an island's best reaches the lower bound (checked
//!   after each generation), or when the caller's stop function says so (checked between
//!   generations).
//!
//! Each island's randomness comes from its own `Pcg64Mcg` seeded from its seed; islands share
//! nothing while they run, and the best is taken in island order, so no thread count or clock
//! changes the result: a seed gives one result everywhere, native or WebAssembly, on one thread
//! or many.

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
            population: (budget / 250).clamp(16, 250),
            mutation: 0.05,
            restart_after: 30,
            elite: 2,
            fbi_rounds: 1,
            spread: 0.5,
        }
    }
}

/// Decodes and improves lists: a decoder with its scratch space. The search has one per thread
/// it may use; each gives the same individual for the same list, so which one decodes a list
/// changes nothing.
pub(crate) struct Evaluator<D: Decode> {
    dec: D,
    n: usize,
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
    orderer: Orderer,
}

impl<D: Decode> Evaluator<D> {
    fn new(dec: D, n: usize, m: usize) -> Evaluator<D> {
        Evaluator {
            dec,
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
            orderer: Orderer::default(),
        }
    }

    fn hash_times(&self) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for &s in &self.start {
            h = (h ^ s.to_bits()).wrapping_mul(0x0100_0000_01b3);
        }
        h
    }

    /// Decodes `list`, improves it by at most `rounds` forward-backward passes, and returns
    /// the individual with the number of schedules generated.
    fn evaluate(
        &mut self,
        net: &Net,
        obj: &Objective,
        mut list: Vec<usize>,
        rounds: usize,
    ) -> (Individual, usize) {
        let n = self.n;
        let mut used = 0;
        let mut fit = vec![0.0; obj.len()];
        self.dec.forward(&list, &mut self.start, &mut self.finish);
        used += 1;
        obj.eval(&self.finish, &mut fit);
        for _ in 0..rounds {
            if n == 0 {
                break;
            }
            // Backward: by decreasing finish, ties: later in the list first.
            positions(&list, &mut self.pos);
            for j in 0..n {
                self.key[j] = -self.finish[j];
                self.tie[j] = n as u32 - self.pos[j];
            }
            self.orderer
                .order_by(net, Dir::Mirror, &self.key, &self.tie, &mut self.blist);
            let makespan = *fit.last().expect("the makespan is in the fitness");
            let ok = self.dec.backward(&self.blist, makespan, &mut self.bkey);
            used += 1;
            if !ok {
                break;
            }
            // Forward: by increasing right-justified start, ties: later in the backward list
            // first (placed later there, so it starts earlier).
            positions(&self.blist, &mut self.pos);
            for j in 0..n {
                self.tie[j] = n as u32 - self.pos[j];
            }
            self.orderer
                .order_by(net, Dir::Forward, &self.bkey, &self.tie, &mut self.flist);
            self.dec
                .forward(&self.flist, &mut self.start2, &mut self.finish2);
            used += 1;
            obj.eval(&self.finish2, &mut self.fit2);
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
        (Individual { list, fit, hash }, used)
    }
}

/// The search state of one island: its population, generator, budget and best.
pub(crate) struct Search<'a, D: Decode> {
    eval: Evaluator<D>,
    net: &'a Net,
    obj: &'a Objective,
    lb: &'a [f64],
    rng: Rng,
    pub budget: usize,
    pub used: usize,
    params: Params,
    pop: Vec<Individual>,
    /// Generations since the best last improved.
    stagnant: usize,
    n: usize,
    // Scratch.
    key: Vec<f64>,
    tie: Vec<u32>,
    pos: Vec<u32>,
    taken: Vec<bool>,
    orderer: Orderer,
    /// Priority rank of each task in the seed list.
    rank: Vec<f64>,
    pub best: Individual,
}

impl<'a, D: Decode> Search<'a, D> {
    /// A search decoding with `dec`, seeded by `seed`, generating at most `budget` schedules.
    pub fn new(
        dec: D,
        net: &'a Net,
        obj: &'a Objective,
        lb: &'a [f64],
        seed_list: &[usize],
        seed: u64,
        budget: usize,
    ) -> Search<'a, D> {
        let n = net.len();
        let m = obj.len();
        let mut rank = vec![0.0; n];
        for (p, &j) in seed_list.iter().enumerate() {
            rank[j] = p as f64;
        }
        Search {
            eval: Evaluator::new(dec, n, m),
            net,
            obj,
            lb,
            rng: Rng::new(seed),
            budget,
            used: 0,
            params: Params::for_budget(budget),
            pop: Vec::new(),
            stagnant: 0,
            n,
            key: vec![0.0; n],
            tie: vec![0; n],
            pos: vec![0; n],
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

    /// Whether the search is over: its budget spent or its best proven optimal.
    pub fn done(&self) -> bool {
        self.used >= self.budget || self.at_bound()
    }

    /// Whether the best schedule is proven optimal by the lower bound.
    pub fn at_bound(&self) -> bool {
        compare(&self.best.fit, self.lb) != Ordering::Greater
    }

    /// Forward-backward rounds for a list generated when `planned` schedules are spoken for:
    /// none when the budget has no room for a round.
    fn rounds(&self, planned: usize) -> usize {
        if planned + 3 <= self.budget {
            self.params.fbi_rounds
        } else {
            0
        }
    }

    /// Evaluates `lists` (each with its forward-backward rounds), in order; updates the best
    /// and the schedule count.
    fn evaluate_all(&mut self, lists: Vec<(Vec<usize>, usize)>) -> Vec<Individual> {
        let mut inds = Vec::with_capacity(lists.len());
        for (list, rounds) in lists {
            let (ind, used) = self.eval.evaluate(self.net, self.obj, list, rounds);
            self.used += used;
            if compare(&ind.fit, &self.best.fit) == Ordering::Less {
                self.best = ind.clone();
            }
            inds.push(ind);
        }
        inds
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

    /// Samples up to `count` lists around the seed priority (as many as the budget has room
    /// for) and evaluates them.
    fn samples(&mut self, count: usize) -> Vec<Individual> {
        let mut lists = Vec::with_capacity(count);
        let mut planned = self.used;
        while lists.len() < count && planned < self.budget {
            let list = self.sample();
            let r = self.rounds(planned);
            planned += 1 + 2 * r;
            lists.push((list, r));
        }
        self.evaluate_all(lists)
    }

    /// One generation's children (as many as the budget has room for, up to the population
    /// size): binary tournaments, one-point crossover both ways, shift mutation.
    fn children(&mut self, pop: &[Individual]) -> Vec<(Vec<usize>, usize)> {
        let p = self.params.population;
        let size = pop.len();
        let mut lists = Vec::with_capacity(p);
        let mut planned = self.used;
        while lists.len() < p && planned < self.budget {
            let a = self.tournament(size);
            let mut b = self.tournament(size);
            if size > 1 {
                while b == a {
                    b = self.tournament(size);
                }
            }
            let q1 = self.rng.below(self.n + 1);
            for (x, y) in [(a, b), (b, a)] {
                if planned >= self.budget {
                    break;
                }
                let mut child = self.crossover(&pop[x].list, &pop[y].list, q1);
                self.mutate(&mut child);
                let r = self.rounds(planned);
                planned += 1 + 2 * r;
                lists.push((child, r));
            }
        }
        lists
    }

    /// Starts the search: evaluates the seed list and samples the initial population.
    pub fn start(&mut self, seed_list: Vec<usize>) {
        let r = self.rounds(0);
        self.pop = self.evaluate_all(vec![(seed_list, r)]);
        if self.done() {
            return;
        }
        let p = self.params.population;
        let more = self.samples(p.saturating_sub(1));
        self.pop.extend(more);
        sort_unique(&mut self.pop, p);
    }

    /// One generation: children, survivors, and a restart after a run of generations without
    /// improvement.
    pub fn generation(&mut self) {
        let p = self.params.population;
        let before = self.best.fit.clone();
        let pop = std::mem::take(&mut self.pop);
        let lists = self.children(&pop);
        self.pop = pop;
        let children = self.evaluate_all(lists);
        self.pop.extend(children);
        sort_unique(&mut self.pop, p);
        if compare(&self.best.fit, &before) == Ordering::Less {
            self.stagnant = 0;
        } else {
            self.stagnant += 1;
        }
        if self.stagnant >= self.params.restart_after && !self.done() {
            self.stagnant = 0;
            // Fresh samples come from around the best list found so far.
            for (p, &j) in self.best.list.iter().enumerate() {
                self.rank[j] = p as f64;
            }
            self.pop.truncate(self.params.elite.min(self.pop.len()));
            let fresh = self.samples(p - self.pop.len());
            self.pop.extend(fresh);
            sort_unique(&mut self.pop, p);
        }
    }
}

/// Runs islands (independent searches) in lockstep, a generation each at a time, on several
/// threads when the `parallel` feature is on, until each is done, one reaches its lower bound,
/// or `stop` (checked between generations) says so. Returns the best individual (the first
/// island's on ties), the schedules generated, and whether `stop` ended the search. Islands
/// never share state, so the result is the same on any number of threads.
pub(crate) fn run_islands<D: Decode + Send>(
    islands: &mut [Search<'_, D>],
    seed_list: &[usize],
    stop: Option<&dyn Fn() -> bool>,
) -> (Individual, usize, bool) {
    each(islands, |s| s.start(seed_list.to_vec()));
    let mut stopped = false;
    loop {
        if islands.iter().any(Search::at_bound) || islands.iter().all(Search::done) {
            break;
        }
        if stop.is_some_and(|f| f()) {
            stopped = true;
            break;
        }
        each(islands, |s| {
            if !s.done() {
                s.generation();
            }
        });
    }
    let mut best = 0;
    for (i, s) in islands.iter().enumerate() {
        if compare(&s.best.fit, &islands[best].best.fit) == Ordering::Less {
            best = i;
        }
    }
    let used = islands.iter().map(|s| s.used).sum();
    (islands[best].best.clone(), used, stopped)
}

/// Applies `f` to every island, in parallel when the `parallel` feature is on.
fn each<D: Decode + Send>(
    islands: &mut [Search<'_, D>],
    f: impl Fn(&mut Search<'_, D>) + Sync + Send,
) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if islands.len() > 1 {
            islands.par_iter_mut().for_each(f);
            return;
        }
    }
    islands.iter_mut().for_each(f);
}

/// Sorts by fitness (stable), drops repeated schedules, keeps the best `keep`.
fn sort_unique(pop: &mut Vec<Individual>, keep: usize) {
    crate::sorting::sort_by(pop, |a, b| compare(&a.fit, &b.fit));
    let mut seen = std::collections::HashSet::with_capacity(pop.len());
    pop.retain(|ind| seen.insert(ind.hash));
    pop.truncate(keep);
}
