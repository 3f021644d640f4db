//! Method dispatch: which algorithm chooses the priority list of the reported schedule.
//!
//! This module sits above the algorithms it chooses between: the priority rule
//! ([`Problem::priority_order`]), the leveller ([`crate::leveling`]) and exact mode
//! ([`crate::leveling::exact`]), all of which work on the compiled [`Problem`] of
//! [`crate::schedule`](mod@crate::schedule). It imports them; none of them imports it.
//!
//! ```
//! use shipdate_engine::dispatch::{schedule, schedule_with, Method};
//! use shipdate_engine::io::{parse_str, Format};
//!
//! let src = "[plan]\nname = \"demo\"\n[teams.be]\ncapacity = 1\n\
//!            [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\n\
//!            [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\n";
//! let plan = parse_str(src, Format::Toml).unwrap();
//! assert_eq!(schedule(&plan).makespan, 5.0);
//! let rule = schedule_with(&plan, &Method::PriorityRule, None).unwrap();
//! assert_eq!(rule.search.unwrap().method, "priority rule");
//! ```

use crate::graph;
use crate::leveling::{self, exact, exact::ExactError};
use crate::model::Plan;
use crate::schedule::{report, Problem, ScheduleReport, SearchSummary};

/// How [`schedule_with`] chooses the priority list it reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// The release-first priority rule alone ([`Problem::priority_order`]).
    PriorityRule,
    /// The leveller's search ([`leveling::level`]) with this budget and seed.
    Level(leveling::Options),
    /// Exact mode ([`exact::solve`]): proves the best schedule optimal or
    /// reports the gap.
    Exact(exact::ExactOptions),
}

impl Default for Method {
    fn default() -> Self {
        Method::Level(leveling::Options::default())
    }
}

/// The resource-feasible schedule the CLI prints: point durations, the leveller's best priority
/// list with default settings ([`Method::default`]) through the serial scheme ([`crate::schedule::Sgs`]). See
/// [`schedule_with`] for the details; this is `schedule_with(plan, &Method::default(), None)`.
pub fn schedule(plan: &Plan) -> ScheduleReport {
    level(plan, &leveling::Options::default(), None)
}

/// The most schedules [`schedule_live`] lets the leveller generate.
pub const LIVE_SCHEDULES: usize = 50_000;

/// The schedule an editor shows and re-levels on every change (the browser's Schedule tab):
/// [`schedule`], with the leveller's default budget capped at [`LIVE_SCHEDULES`] so that a
/// re-level stays quick on one thread. Where the default budget is larger (plans of about 33
/// to 240 tasks on the integer grid, see [`leveling::default_budget`]) it is
/// `schedule_with(plan, &Method::Level(Options { schedules: Some(LIVE_SCHEDULES), seed: 1 }),
/// None)`, what `shipdate schedule --schedules 50000` prints; elsewhere it is [`schedule`].
pub fn schedule_live(plan: &Plan) -> ScheduleReport {
    let budget = leveling::plan_budget(plan, &Problem::new(plan));
    if budget <= LIVE_SCHEDULES {
        return schedule(plan);
    }
    let options = leveling::Options {
        schedules: Some(LIVE_SCHEDULES),
        seed: 1,
    };
    level(plan, &options, None)
}

/// `schedule_with(plan, &Method::Level(options), stop)` without the other methods, so that a
/// program that only levels (the browser) does not link exact mode.
fn level(
    plan: &Plan,
    options: &leveling::Options,
    stop: Option<&dyn Fn() -> bool>,
) -> ScheduleReport {
    let p = Problem::new(plan);
    let (order, search) = level_order(plan, &p, options, stop);
    finish(plan, &p, &order, search)
}

/// The leveller's best priority list, and how it was found.
fn level_order(
    plan: &Plan,
    p: &Problem,
    options: &leveling::Options,
    stop: Option<&dyn Fn() -> bool>,
) -> (Vec<usize>, SearchSummary) {
    let best = leveling::level_until(plan, p, options, stop);
    let summary = SearchSummary {
        method: "genetic algorithm",
        schedules: best.schedules,
        seed: Some(options.seed),
        makespan_bound: best.lower_bound.last().copied().unwrap_or(0.0),
        optimal: best.optimal,
        gap: None,
        stopped_early: best.stopped,
    };
    (best.order, summary)
}

/// The report of the schedule `order` gives, with how the list was found.
fn finish(plan: &Plan, p: &Problem, order: &[usize], search: SearchSummary) -> ScheduleReport {
    let mut report = report(plan, p, order);
    report.search = Some(search);
    report
}

/// The resource-feasible schedule of a plan: point durations, a priority list chosen by
/// `method`, through the serial scheme ([`crate::schedule::Sgs`]), so the list reproduces the schedule.
/// `stop`, when given, ends the leveller's search (or exact mode's proof) early when it returns
/// true (a time limit).
///
/// # Errors
///
/// Exact mode on a plan it cannot model ([`ExactError`]).
///
/// Slack is total slack on the resource-levelled network: a backward pass, with the makespan
/// as deadline, over the plan's links plus the resource links the scheme created. A task placed
/// later than its links allow because capacity was short gets, as finish-to-start predecessors,
/// the already placed tasks sharing one of its teams whose finish freed the capacity it started
/// on (those finishing exactly at the time it was placed). A task's slack is its latest start
/// on that network minus its start: how far it can slip, the others keeping their order on each
/// team, before the project's finish moves. It is critical when that is below 1e-9.
///
/// Releases are ready when their last task finishes; they deploy in the first open window after
/// that ([`crate::calendar::deploy_after`]) or, with no window rule, when ready.
pub fn schedule_with(
    plan: &Plan,
    method: &Method,
    stop: Option<&dyn Fn() -> bool>,
) -> Result<ScheduleReport, ExactError> {
    let p = Problem::new(plan);
    let (order, search) = match method {
        Method::PriorityRule => {
            let order = p.priority_order();
            let bound = graph::critical_path(p.network(), p.point_durations()).makespan;
            let summary = SearchSummary {
                method: "priority rule",
                schedules: 1,
                seed: None,
                makespan_bound: bound,
                optimal: false,
                gap: None,
                stopped_early: false,
            };
            (order, summary)
        }
        Method::Level(options) => level_order(plan, &p, options, stop),
        Method::Exact(options) => {
            let e = exact::solve_until(plan, &p, options, stop)?;
            let summary = SearchSummary {
                method: "exact",
                schedules: e.best.schedules,
                seed: Some(options.heuristic.seed),
                makespan_bound: e.best.lower_bound.last().copied().unwrap_or(0.0),
                optimal: e.best.optimal,
                gap: Some(e.gap),
                stopped_early: matches!(e.stopped, Some(exact::Stop::TimeLimit)),
            };
            (e.best.order, summary)
        }
    };
    Ok(finish(plan, &p, &order, search))
}
