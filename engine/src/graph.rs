//! The dependency graph (petgraph): cycle detection, topological order and the critical-path
//! method.
//!
//! Architecture invariant: this is the only module that knows petgraph.
//!
//! # Link semantics
//!
//! A task `j` on calendar `C` (its team's, or the free calendar without a team) with duration
//! `d` asked to start at `r` runs over `(s, f) = C.advance(r, d)`. A link from `i` with lag
//! `L` (plan days or periods) means:
//!
//! | kind | constraint |
//! | --- | --- |
//! | FS | `s_j >= f_i + L` |
//! | SS | `s_j >= s_i + L` |
//! | FF | `f_j >= f_i + L`, measured on `j`'s calendar |
//! | SF | `f_j >= s_i + L`, measured on `j`'s calendar |
//!
//! "Measured on `j`'s calendar" matters only when the bound `T` falls in time `j`'s team does
//! not work: a task cannot finish inside its days off, so the finish-type constraints read
//! `T <= C.advance(f_j, 0).0`, that is `f_j >= T` or `C` has no working time in `[f_j, T)`.
//! The earliest start meeting it is `C.retreat(T, d)`. Every start is also `>= 0`.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::calendar::{TeamCalendar, Timeline};
use crate::model::{LinkKind, Plan, Task};
use crate::network::link::{self, Axis, End};
use crate::network::{topological_sort, Network};

/// Every cycle among `n` tasks linked by `edges` (predecessor, successor): one entry per
/// strongly connected component with more than one task (or a self-loop), listing its tasks
/// in an order that follows the links, starting from the smallest index.
pub fn find_cycles(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, edges.len());
    for _ in 0..n {
        g.add_node(());
    }
    for &(a, b) in edges {
        g.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
    }
    let mut cycles = Vec::new();
    for scc in tarjan_scc(&g) {
        let self_loop = scc.len() == 1 && g.contains_edge(scc[0], scc[0]);
        if scc.len() < 2 && !self_loop {
            continue;
        }
        let members: std::collections::BTreeSet<usize> = scc.iter().map(|v| v.index()).collect();
        // Walk one cycle through the component, starting at its smallest task.
        let first = *members.iter().next().expect("non-empty component");
        let mut order = vec![first];
        let mut seen = std::collections::BTreeSet::from([first]);
        let mut cur = first;
        loop {
            let next = g
                .neighbors(NodeIndex::new(cur))
                .map(|v| v.index())
                .filter(|v| members.contains(v))
                .min_by_key(|v| (seen.contains(v), *v));
            match next {
                Some(v) if !seen.contains(&v) => {
                    order.push(v);
                    seen.insert(v);
                    cur = v;
                }
                _ => break,
            }
        }
        // List any members the walk did not reach, so every task on the cycle is named.
        order.extend(members.iter().filter(|v| !seen.contains(v)));
        cycles.push(order);
    }
    crate::sorting::sort(&mut cycles);
    cycles
}

/// The calendar a task runs on: its team's, or the free calendar (every plan day) without one.
pub fn task_calendar<'a>(timeline: &'a Timeline, task: &Task) -> &'a TeamCalendar {
    match task.team {
        Some(t) => timeline.team(t),
        None => timeline.free(),
    }
}

/// The lower bound a link puts on its successor's requested start: `kind` and `lag` of the
/// link, `cal` and `duration` of the successor, `(pred_start, pred_finish)` of the predecessor.
/// See the [module documentation](self) for the semantics; the rule itself is
/// [`link::earliest_start`], which every kernel calls.
#[inline]
pub fn start_bound(
    kind: LinkKind,
    lag: f64,
    cal: &TeamCalendar,
    duration: f64,
    pred_start: f64,
    pred_finish: f64,
) -> f64 {
    link::earliest_start(kind, lag, cal, duration, pred_start, pred_finish)
}

/// A topological order of the tasks over their links: among the tasks whose predecessors are
/// all placed, the one earliest in the file comes first. A validated plan has no cycle, so
/// every task is listed once. ([`Network::topological_order`] holds the same order.)
pub fn topological_order(plan: &Plan) -> Vec<usize> {
    let n = plan.tasks.len();
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (j, t) in plan.tasks.iter().enumerate() {
        for l in &t.after {
            succs[l.pred].push(j);
        }
    }
    topological_sort(n, |i| succs[i].iter().copied())
}

/// The result of the critical-path method: per task (indexed like [`Plan::tasks`]) its early and
/// late start and finish, total slack and whether it is critical.
#[derive(Debug, Clone, PartialEq)]
pub struct Cpm {
    /// Earliest start: every link, lag and calendar honoured, capacity ignored.
    pub early_start: Vec<f64>,
    /// Earliest finish.
    pub early_finish: Vec<f64>,
    /// Latest start that does not delay the project's finish.
    pub late_start: Vec<f64>,
    /// Latest finish (the finish of a task started at its latest start).
    pub late_finish: Vec<f64>,
    /// Total slack: `late_start - early_start` (never negative).
    pub slack: Vec<f64>,
    /// Whether the task is critical: slack below 1e-9.
    pub critical: Vec<bool>,
    /// The project's finish: the largest early finish (0 with no task).
    pub makespan: f64,
}

/// Slack below this is zero: the task is critical.
pub const CRITICAL_EPS: f64 = 1e-9;

/// The critical-path method over every link type, lag and calendar, capacity ignored.
///
/// `durations[j]` is task `j`'s duration (for instance [`crate::model::Estimate::point`]). The
/// forward pass starts every task at the earliest time its links allow (and not before 0); the
/// backward pass uses the project's finish as deadline and works back through each task's
/// calendar with [`TeamCalendar::retreat`].
///
/// ```
/// use shipdate_engine::{calendar::Timeline, graph, io};
/// let src = "[plan]\nname = \"x\"\n[[tasks]]\nid = \"a\"\nestimate = 3\n\
///            [[tasks]]\nid = \"b\"\nestimate = 1\n\
///            [[tasks]]\nid = \"c\"\nestimate = 2\nafter = [\"a\", \"b\"]\n";
/// let plan = io::parse_str(src, io::Format::Toml).unwrap();
/// let c = graph::cpm(&plan, &Timeline::new(&plan), &[3.0, 1.0, 2.0]);
/// assert_eq!(c.makespan, 5.0);
/// assert_eq!(c.late_start, vec![0.0, 2.0, 3.0]);
/// assert_eq!(c.slack, vec![0.0, 2.0, 0.0]);
/// assert_eq!(c.critical, vec![true, false, true]);
/// ```
pub fn cpm(plan: &Plan, timeline: &Timeline, durations: &[f64]) -> Cpm {
    critical_path(&Network::with_timeline(plan, timeline.clone()), durations)
}

/// [`cpm`] on a compiled network.
pub fn critical_path(net: &Network, durations: &[f64]) -> Cpm {
    let order = net.topological_order();
    let (early_start, early_finish) = forward_pass(net, durations, order);
    let makespan = early_finish.iter().copied().fold(0.0, f64::max);
    let (late_start, late_finish) = backward_pass(net, durations, order, &[], makespan);
    let slack: Vec<f64> = late_start
        .iter()
        .zip(&early_start)
        .map(|(l, e)| (l - e).max(0.0))
        .collect();
    let critical = slack.iter().map(|&s| s < CRITICAL_EPS).collect();
    Cpm {
        early_start,
        early_finish,
        late_start,
        late_finish,
        slack,
        critical,
        makespan,
    }
}

/// The forward pass: earliest `(start, finish)` of every task, taken in `order` (a topological
/// order), capacity ignored. A task starts no earlier than its release time
/// ([`Network::release_time`]).
pub fn forward_pass(net: &Network, durations: &[f64], order: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let n = net.len();
    let mut start = vec![0.0; n];
    let mut finish = vec![0.0; n];
    for &j in order {
        let cal = net.calendar(j);
        let d = durations[j];
        let mut es: f64 = net.release_time(j);
        for l in net.preds(j) {
            let (ps, pf) = (start[l.other], finish[l.other]);
            es = es.max(link::earliest_start(l.kind, l.lag, cal, d, ps, pf));
        }
        let (s, f) = cal.advance(es, d);
        start[j] = s;
        finish[j] = f;
    }
    (start, finish)
}

/// The backward pass: latest `(start, finish)` of every task such that every successor can
/// still keep its latest times and nothing finishes after `deadline`.
///
/// `extra_fs` are further finish-to-start links `(predecessor, successor)` with lag 0, such as
/// the resource links a levelled schedule creates; `order` must be a topological order of the
/// plan's links and of these (the order a serial schedule generation scheme placed the tasks
/// in is one).
pub fn backward_pass(
    net: &Network,
    durations: &[f64],
    order: &[usize],
    extra_fs: &[(usize, usize)],
    deadline: f64,
) -> (Vec<f64>, Vec<f64>) {
    backward_pass_to(net, durations, order, extra_fs, &vec![deadline; net.len()])
}

/// [`backward_pass`] with a deadline per task: task `j` finishes by `deadlines[j]` (such as a
/// release target for the tasks a release ships, the project's finish for the others), and so
/// do its predecessors through the links. A deadline before a task's earliest finish gives it
/// a latest start before its earliest start: negative total float.
pub fn backward_pass_to(
    net: &Network,
    durations: &[f64],
    order: &[usize],
    extra_fs: &[(usize, usize)],
    deadlines: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let n = net.len();
    // For each task, the tightest bound on its finish and on its start.
    let mut fin_bound = deadlines.to_vec();
    let mut start_bound_v = vec![f64::INFINITY; n];
    let mut extra_preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(i, j) in extra_fs {
        extra_preds[j].push(i);
    }
    let mut late_start = vec![0.0; n];
    let mut late_finish = vec![0.0; n];
    for &j in order.iter().rev() {
        let cal = net.calendar(j);
        let d = durations[j];
        let ls = cal.latest_start(fin_bound[j], start_bound_v[j], d);
        late_start[j] = ls;
        late_finish[j] = cal.advance(ls, d).1;
        // The time the finish-type constraints compare against, measured on j's calendar.
        let lf_worked = cal.worked_finish(ls, d);
        for l in net.preds(j) {
            let i = l.other;
            match link::latest(l.kind, l.lag, ls, lf_worked) {
                (End::Finish, b) => fin_bound[i] = fin_bound[i].min(b),
                (End::Start, b) => start_bound_v[i] = start_bound_v[i].min(b),
            }
        }
        for &i in &extra_preds[j] {
            fin_bound[i] = fin_bound[i].min(ls);
        }
    }
    (late_start, late_finish)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_task_cycle_is_named_in_link_order() {
        // 0 -> 1 -> 2 -> 0, and 3 hangs off it.
        let c = find_cycles(4, &[(0, 1), (1, 2), (2, 0), (2, 3)]);
        assert_eq!(c, vec![vec![0, 1, 2]]);
    }

    #[test]
    fn acyclic_and_self_loop() {
        assert!(find_cycles(3, &[(0, 1), (1, 2), (0, 2)]).is_empty());
        assert_eq!(find_cycles(2, &[(1, 1)]), vec![vec![1]]);
    }
}
