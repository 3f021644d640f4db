//! Decoders: turn an activity list into a schedule (forward) and into a right-justified
//! schedule (the mirrored pass of forward-backward improvement).
//!
//! Two implementations: the integer grid ([`super::grid`]) when it applies, else the general
//! serial scheme [`crate::schedule::Sgs`] of the schedule module, with a mirrored copy of the
//! plan for the backward pass. Both give, for a forward list, exactly what `Sgs::run` gives.

use crate::model::{Estimate, Link, LinkKind, Plan, Task, TaskKind, Team, TimeOff, When};
use crate::schedule::{Problem, Sgs};

use super::grid::Grid;
use super::net::Net;

/// A way of decoding activity lists.
pub(crate) trait Decode {
    /// Schedules `list` (precedence-feasible) forward; writes each task's start and finish.
    fn forward(&mut self, list: &[usize], start: &mut [f64], finish: &mut [f64]);

    /// Schedules `list` (feasible on the mirrored network: each task after its successors) on
    /// the mirrored problem with every task finishing by `deadline`, each as late as it can;
    /// writes into `key` a number per task that is smaller for tasks starting earlier in that
    /// right-justified schedule. Returns false when it could not (the deadline is beyond what
    /// the mirror covers); `key` is then unspecified.
    fn backward(&mut self, list: &[usize], deadline: f64, key: &mut [f64]) -> bool;
}

/// The integer grid, both directions.
pub(crate) struct GridDecoder {
    pub fwd: Grid,
    pub bwd: Grid,
}

impl Decode for GridDecoder {
    fn forward(&mut self, list: &[usize], start: &mut [f64], finish: &mut [f64]) {
        self.fwd.run(list);
        for j in 0..self.fwd.len() {
            start[j] = self.fwd.start[j] as f64;
            finish[j] = self.fwd.finish[j] as f64;
        }
    }

    fn backward(&mut self, list: &[usize], _deadline: f64, key: &mut [f64]) -> bool {
        self.bwd.run(list);
        // A mirrored finish f' is an original start M - f': later mirror finish, earlier start.
        for (k, &f) in key.iter_mut().zip(&self.bwd.finish) {
            *k = -(f as f64);
        }
        true
    }
}

/// The general serial scheme of the schedule module, with a mirrored plan for the backward
/// pass.
pub(crate) struct SgsDecoder<'a> {
    problem: &'a Problem,
    durations: &'a [f64],
    sgs: Sgs,
    mirror: Option<Mirror>,
}

/// The mirrored problem: time `t` of the original is `h - t` here.
struct Mirror {
    problem: Problem,
    sgs: Sgs,
    /// The mirror covers original time `[0, h)`.
    h: f64,
    durations: Vec<f64>,
    list: Vec<usize>,
    start: Vec<f64>,
    finish: Vec<f64>,
}

impl<'a> SgsDecoder<'a> {
    /// A decoder for `problem` with these durations; the backward pass covers original time
    /// `[0, horizon)` (no backward pass when `horizon` is not finite).
    pub fn new(
        plan: &Plan,
        problem: &'a Problem,
        net: &Net,
        durations: &'a [f64],
        horizon: f64,
    ) -> SgsDecoder<'a> {
        let mirror = (horizon.is_finite() && horizon < 1e7).then(|| {
            let h = horizon.ceil().max(1.0);
            let mplan = mirror_plan(plan, problem, net, durations, h as i64);
            let mproblem = Problem::new(&mplan);
            let n = plan.tasks.len();
            let mut md = durations.to_vec();
            md.push(0.0);
            Mirror {
                sgs: Sgs::new(&mproblem),
                problem: mproblem,
                h,
                durations: md,
                list: Vec::with_capacity(n + 1),
                start: vec![0.0; n + 1],
                finish: vec![0.0; n + 1],
            }
        });
        SgsDecoder {
            problem,
            durations,
            sgs: Sgs::new(problem),
            mirror,
        }
    }
}

impl Decode for SgsDecoder<'_> {
    fn forward(&mut self, list: &[usize], start: &mut [f64], finish: &mut [f64]) {
        self.sgs
            .run(self.problem, self.durations, list, start, finish);
    }

    fn backward(&mut self, list: &[usize], deadline: f64, key: &mut [f64]) -> bool {
        let Some(m) = self.mirror.as_mut() else {
            return false;
        };
        if !(deadline.is_finite() && deadline <= m.h) {
            return false;
        }
        let n = list.len();
        // The origin (task n) holds every task back to mirror time h - deadline.
        m.durations[n] = m.h - deadline;
        m.list.clear();
        m.list.push(n);
        m.list.extend_from_slice(list);
        m.sgs.run(
            &m.problem,
            &m.durations,
            &m.list,
            &mut m.start,
            &mut m.finish,
        );
        for j in 0..n {
            key[j] = m.h - m.finish[j];
        }
        true
    }
}

/// The plan mirrored in time over `[0, h)`: undated, links reversed (FS and SF keep their
/// type, SS and FF swap), each team's capacity on mirror day `k` that of original day
/// `h - 1 - k` (as time off where it differs from the base), every task with its duration
/// fixed, plus an origin task (index `n`, no team) linked finish-to-start to every task.
fn mirror_plan(plan: &Plan, problem: &Problem, net: &Net, durations: &[f64], h: i64) -> Plan {
    let tl = problem.timeline();
    let teams = plan
        .teams
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let cal = tl.team(k);
            let mut time_off = Vec::new();
            let mut k2 = 0i64;
            while k2 < h {
                let cap = cal.capacity(h - 1 - k2);
                let mut end = k2;
                while end + 1 < h && cal.capacity(h - 2 - end) == cap {
                    end += 1;
                }
                if cap != t.capacity {
                    time_off.push(TimeOff {
                        from: When::Period(k2 as f64),
                        to: When::Period(end as f64),
                        capacity: cap,
                    });
                }
                k2 = end + 1;
            }
            Team {
                id: t.id.clone(),
                name: t.name.clone(),
                capacity: t.capacity,
                calendar: 0,
                time_off,
                pos: None,
            }
        })
        .collect();
    let n = plan.tasks.len();
    let mut tasks: Vec<Task> = plan
        .tasks
        .iter()
        .enumerate()
        .map(|(j, t)| {
            let mut after: Vec<Link> = net
                .succs(j)
                .iter()
                .map(|a| Link {
                    pred: a.other,
                    kind: crate::network::link::mirrored(a.kind),
                    lag: a.lag,
                    pos: None,
                })
                .collect();
            after.push(Link {
                pred: n,
                kind: LinkKind::FS,
                lag: 0.0,
                pos: None,
            });
            Task {
                id: t.id.clone(),
                name: None,
                team: t.team,
                demand: t.demand,
                extra_demands: t.extra_demands.clone(),
                estimate: Estimate::Fixed {
                    value: durations[j],
                },
                after,
                kind: if durations[j] == 0.0 {
                    TaskKind::Milestone
                } else {
                    TaskKind::Work
                },
                optional: false,
                pos: None,
                actual: Default::default(),
                dates: Default::default(),
            }
        })
        .collect();
    tasks.push(Task {
        id: "\u{0}origin".into(),
        name: None,
        team: None,
        demand: 0,
        extra_demands: Vec::new(),
        estimate: Estimate::Fixed { value: 0.0 },
        after: Vec::new(),
        kind: TaskKind::Work,
        optional: false,
        pos: None,
        actual: Default::default(),
        dates: Default::default(),
    });
    Plan {
        name: plan.name.clone(),
        start: None,
        calendars: vec![crate::model::Calendar::standard()],
        default_calendar: 0,
        teams,
        tasks,
        risks: Vec::new(),
        correlations: Vec::new(),
        releases: Vec::new(),
        status: None,
    }
}
