//! The schedule health check: the DCMA 14-point assessment adapted to release plans
//! (`shipdate check`, SPEC section 10).
//!
//! [`check`] runs the fourteen checks on a validated plan's logic, capacity ignored (the
//! critical-path method of [`crate::graph`] on the compiled [`Network`], point durations), and
//! returns per check its threshold, how many tasks, links or releases break it, their share,
//! pass / fail / skipped and the offenders with their place in the file. Hard constraints are
//! the unfinished tasks' `due` deadlines (SPEC section 6). Checks that need a baseline (the
//! dates a task was planned to finish by, which the plan does not record) are skipped, with
//! the reason.
//!
//! Float is measured in plan days (working days of the plan calendar; periods when undated),
//! durations in the task's working days. Total float is taken against the project's finish
//! (high float) and against the release targets (negative float, CPLI): the backward pass
//! [`graph::backward_pass_to`] gives every task a release ships its target as deadline.
//!
//! Architecture invariant: this module reads the plan and the compiled network and returns
//! data; it knows nothing of how the result is shown.
//!
//! ```
//! use shipdate_engine::check::{check, CheckOptions, Status};
//! use shipdate_engine::{parse, Format};
//!
//! let plan = parse("[plan]\nname = \"x\"\n[teams.be]\ncapacity = 1\n\
//!                   [[tasks]]\nid = \"start\"\nkind = \"milestone\"\n\
//!                   [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\nafter = [\"start\"]\n\
//!                   [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\n\
//!                   after = [{ task = \"a\", lag = -1 }]\n\
//!                   [[releases]]\nid = \"r\"\ntasks = [\"b\"]\n", Format::Toml).unwrap();
//! let report = check(&plan, &CheckOptions::default());
//! let leads = report.checks.iter().find(|c| c.key == "leads").unwrap();
//! assert_eq!((leads.count, leads.status), (1, Status::Fail));
//! assert_eq!(leads.subjects[0].id, "b");
//! ```

use std::collections::HashSet;

use serde::Serialize;

use crate::calendar::Timeline;
use crate::diag::Pos;
use crate::format::number as days;
use crate::graph::{self, Cpm};
use crate::model::{LinkKind, Plan, Task, TaskKind, When};
use crate::network::Network;

/// The thresholds that are not fixed by the standard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckOptions {
    /// Total float and durations above this many working days are "high" (DCMA: 44, two
    /// months; for software work, often less).
    pub long_days: f64,
    /// How much the critical path test lengthens a critical task, in its working days.
    pub delay_days: f64,
}

/// DCMA's 44 working days.
pub const DEFAULT_LONG_DAYS: f64 = 44.0;

/// The critical path test's delay: 100 working days.
pub const DEFAULT_DELAY_DAYS: f64 = 100.0;

/// The smallest CPLI that passes.
pub const CPLI_THRESHOLD: f64 = 0.95;

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            long_days: DEFAULT_LONG_DAYS,
            delay_days: DEFAULT_DELAY_DAYS,
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Within its threshold.
    Pass,
    /// Past its threshold.
    Fail,
    /// Not run: the plan has nothing it applies to, or the format lacks what it needs
    /// ([`Check::note`] says which).
    Skipped,
}

/// A task, link or release a check found at fault.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    /// The task id (for a link: the successor holding it in `after`; for CPLI: the release).
    pub id: String,
    /// Where it is written, when known (for a link: the link itself).
    pub pos: Option<Pos>,
    /// What is wrong with it, in a few words ("FS -2 from `billing`", "float 61 days").
    pub detail: String,
}

/// One check of the assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Its number in the DCMA list, 1 to 14.
    pub number: u8,
    /// A short stable key (`logic`, `leads`, ... `bei`), as `--format json` prints it.
    pub key: &'static str,
    /// Its name for people.
    pub name: &'static str,
    /// The threshold in words ("at most 5% of tasks").
    pub threshold: String,
    /// How many tasks, links or releases break it.
    pub count: usize,
    /// How many it looked at (the share's denominator).
    pub total: usize,
    /// `count / total` (`None` when there was nothing to look at).
    pub share: Option<f64>,
    /// A measured value, for the checks that have one: the finish's move in the critical
    /// path test (plan days), the smallest CPLI.
    pub value: Option<f64>,
    /// Pass, fail or skipped.
    pub status: Status,
    /// The offenders, in file order.
    pub subjects: Vec<Subject>,
    /// Why it was skipped, or what it measured.
    pub note: Option<String>,
}

/// The whole assessment: the fourteen checks in DCMA order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    /// The plan's name.
    pub plan: String,
    /// The checks, numbered 1 to 14.
    pub checks: Vec<Check>,
    /// How many failed.
    pub failed: usize,
    /// How many passed.
    pub passed: usize,
    /// How many were skipped.
    pub skipped: usize,
}

impl HealthReport {
    /// Whether every check that ran passed.
    pub fn all_passed(&self) -> bool {
        self.failed == 0
    }
}

/// Runs the schedule health check on a validated plan (see the [module documentation](self)).
pub fn check(plan: &Plan, options: &CheckOptions) -> HealthReport {
    let ctx = Context::new(plan);
    let checks = vec![
        logic(&ctx),
        leads(&ctx),
        lags(&ctx),
        relationship_types(&ctx),
        hard_constraints(&ctx),
        high_float(&ctx, options),
        negative_float(&ctx),
        high_duration(&ctx, options),
        skipped(
            9,
            "invalid_dates",
            "Invalid dates",
            "no task",
            "cannot occur in a valid plan: an actual date after the status date is an error, \
             and forecasts start at the status date (SPEC section 6)",
        ),
        resources(&ctx),
        skipped(
            11,
            "missed_tasks",
            "Missed tasks",
            "at most 5% of tasks",
            NO_PROGRESS,
        ),
        critical_path_test(&ctx, options),
        cpli(&ctx),
        skipped(
            14,
            "bei",
            "Baseline execution index (BEI)",
            "at least 0.95",
            NO_PROGRESS,
        ),
    ];
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    HealthReport {
        plan: plan.name.clone(),
        failed: count(Status::Fail),
        passed: count(Status::Pass),
        skipped: count(Status::Skipped),
        checks,
    }
}

const NO_PROGRESS: &str = "needs a baseline (when each task was planned to start and finish), \
     which the plan does not record";

/// Tolerance on float and time comparisons.
const EPS: f64 = 1e-9;

/// What every check reads: the plan, its compiled network, point durations and the CPM.
struct Context<'a> {
    plan: &'a Plan,
    net: Network,
    durations: Vec<f64>,
    cpm: Cpm,
}

impl<'a> Context<'a> {
    fn new(plan: &'a Plan) -> Context<'a> {
        let net = Network::new(plan);
        let durations = net.point_durations().to_vec();
        let cpm = graph::critical_path(&net, &durations);
        Context {
            plan,
            net,
            durations,
            cpm,
        }
    }

    fn timeline(&self) -> &Timeline {
        self.net.timeline()
    }

    /// The moment a release's work must be finished by to meet `target`: the end of the
    /// target's plan day (dated), the target itself (undated).
    fn deadline(&self, target: When) -> f64 {
        match target {
            When::Date(d) => match d.succ_opt() {
                Some(next) => self.timeline().offset_of(When::Date(next)),
                None => self.timeline().offset_of(target) + 1.0,
            },
            When::Period(p) => p,
        }
    }

    /// Every link as (successor, the link).
    fn links(&self) -> impl Iterator<Item = (&'a Task, &'a crate::model::Link)> + 'a {
        self.plan
            .tasks
            .iter()
            .flat_map(|t| t.after.iter().map(move |l| (t, l)))
    }

    fn link_subject(&self, task: &Task, link: &crate::model::Link) -> Subject {
        Subject {
            id: task.id.clone(),
            pos: link.pos.or(task.pos),
            detail: format!(
                "{:?} {} from `{}`",
                link.kind,
                days(link.lag),
                self.plan.tasks[link.pred].id
            ),
        }
    }
}

/// A task as a subject.
fn task_subject(task: &Task, detail: String) -> Subject {
    Subject {
        id: task.id.clone(),
        pos: task.pos,
        detail,
    }
}

/// A check with a share threshold: fails when `count / total` is above `limit`.
fn share_check(
    number: u8,
    key: &'static str,
    name: &'static str,
    threshold: String,
    limit: f64,
    total: usize,
    subjects: Vec<Subject>,
) -> Check {
    let count = subjects.len();
    let share = (total > 0).then(|| count as f64 / total as f64);
    let fail = share.is_some_and(|s| s > limit + EPS);
    Check {
        number,
        key,
        name,
        threshold,
        count,
        total,
        share,
        value: None,
        status: if fail { Status::Fail } else { Status::Pass },
        subjects,
        note: None,
    }
}

/// A check the plan format cannot support.
fn skipped(number: u8, key: &'static str, name: &'static str, threshold: &str, why: &str) -> Check {
    Check {
        number,
        key,
        name,
        threshold: threshold.to_string(),
        count: 0,
        total: 0,
        share: None,
        value: None,
        status: Status::Skipped,
        subjects: Vec::new(),
        note: Some(why.to_string()),
    }
}

/// Check 1: Tasks without a predecessor or without a successor, besides the starts (milestones
/// without predecessors) and the ends (milestones, and the tasks a release ships).
fn logic(ctx: &Context) -> Check {
    let ends: HashSet<usize> = ctx
        .plan
        .releases
        .iter()
        .flat_map(|r| r.tasks.iter().copied())
        .collect();
    let subjects = ctx
        .plan
        .tasks
        .iter()
        .enumerate()
        .filter_map(|(j, t)| {
            let milestone = t.kind == TaskKind::Milestone;
            let open_start = ctx.net.preds(j).is_empty() && !milestone;
            let open_end = ctx.net.succs(j).is_empty() && !milestone && !ends.contains(&j);
            let detail = match (open_start, open_end) {
                (true, true) => "no predecessor and no successor",
                (true, false) => "no predecessor",
                (false, true) => "no successor (and no release ships it)",
                (false, false) => return None,
            };
            Some(task_subject(t, detail.to_string()))
        })
        .collect();
    share_check(
        1,
        "logic",
        "Logic (open ends)",
        "at most 5% of tasks".into(),
        0.05,
        ctx.plan.tasks.len(),
        subjects,
    )
}

/// Check 2: Links with a negative lag.
fn leads(ctx: &Context) -> Check {
    let subjects = ctx
        .links()
        .filter(|(_, l)| l.lag < 0.0)
        .map(|(t, l)| ctx.link_subject(t, l))
        .collect();
    share_check(
        2,
        "leads",
        "Leads (negative lags)",
        "no link".into(),
        0.0,
        ctx.links().count(),
        subjects,
    )
}

/// Check 5: Unfinished tasks with a hard date constraint: a `due` deadline (finish no later
/// than). `not_before` (start no earlier than) is a soft constraint and does not count; nor do
/// release targets (deadlines on releases, which feed the negative float and CPLI checks).
fn hard_constraints(ctx: &Context) -> Check {
    let open: Vec<&Task> = ctx
        .plan
        .tasks
        .iter()
        .filter(|t| t.actual.done.is_none())
        .collect();
    let subjects = open
        .iter()
        .filter_map(|t| {
            let due = t.dates.due?;
            let text = match due {
                crate::model::When::Date(d) => d.to_string(),
                crate::model::When::Period(p) => days(p),
            };
            Some(task_subject(t, format!("due {text}")))
        })
        .collect();
    share_check(
        5,
        "hard_constraints",
        "Hard constraints",
        "at most 5% of unfinished tasks".into(),
        0.05,
        open.len(),
        subjects,
    )
}

/// Check 3: Links with a positive lag.
fn lags(ctx: &Context) -> Check {
    let subjects = ctx
        .links()
        .filter(|(_, l)| l.lag > 0.0)
        .map(|(t, l)| ctx.link_subject(t, l))
        .collect();
    share_check(
        3,
        "lags",
        "Lags",
        "at most 5% of links".into(),
        0.05,
        ctx.links().count(),
        subjects,
    )
}

/// Check 4: Links other than finish-to-start.
fn relationship_types(ctx: &Context) -> Check {
    let subjects = ctx
        .links()
        .filter(|(_, l)| l.kind != LinkKind::FS)
        .map(|(t, l)| ctx.link_subject(t, l))
        .collect();
    share_check(
        4,
        "relationship_types",
        "Relationship types",
        "at least 90% of links FS".into(),
        0.10,
        ctx.links().count(),
        subjects,
    )
}

/// Check 6: Tasks whose total float to the project's finish is above the long threshold.
fn high_float(ctx: &Context, options: &CheckOptions) -> Check {
    let subjects = ctx
        .plan
        .tasks
        .iter()
        .zip(&ctx.cpm.slack)
        .filter(|(_, &f)| f > options.long_days + EPS)
        .map(|(t, &f)| task_subject(t, format!("total float {} days", days(f))))
        .collect();
    share_check(
        6,
        "high_float",
        "High float",
        format!("at most 5% of tasks over {} days", days(options.long_days)),
        0.05,
        ctx.plan.tasks.len(),
        subjects,
    )
}

/// Total float of every task against the release targets: the tasks a release ships must
/// finish by its target, every other task by the project's finish.
fn float_to_targets(ctx: &Context) -> Vec<f64> {
    let mut deadlines = vec![ctx.cpm.makespan; ctx.net.len()];
    for r in &ctx.plan.releases {
        if let Some(target) = r.target {
            let d = ctx.deadline(target);
            for &j in &r.tasks {
                deadlines[j] = deadlines[j].min(d);
            }
        }
    }
    let order = ctx.net.topological_order();
    let (late_start, _) = graph::backward_pass_to(&ctx.net, &ctx.durations, order, &[], &deadlines);
    late_start
        .iter()
        .zip(&ctx.cpm.early_start)
        .map(|(l, e)| l - e)
        .collect()
}

/// Check 7: Tasks with negative total float against the release targets.
fn negative_float(ctx: &Context) -> Check {
    let float = float_to_targets(ctx);
    let subjects = ctx
        .plan
        .tasks
        .iter()
        .zip(&float)
        .filter(|(_, &f)| f < -EPS)
        .map(|(t, &f)| task_subject(t, format!("total float {} days", days(f))))
        .collect();
    let mut c = share_check(
        7,
        "negative_float",
        "Negative float",
        "no task".into(),
        0.0,
        ctx.plan.tasks.len(),
        subjects,
    );
    if !ctx.plan.releases.iter().any(|r| r.target.is_some()) {
        c.note = Some("no release has a target: float is measured to the project's finish".into());
    }
    c
}

/// Check 8: Tasks longer than the long threshold.
fn high_duration(ctx: &Context, options: &CheckOptions) -> Check {
    let work: Vec<usize> = (0..ctx.plan.tasks.len())
        .filter(|&j| ctx.plan.tasks[j].kind != TaskKind::Milestone)
        .collect();
    let subjects = work
        .iter()
        .filter(|&&j| ctx.durations[j] > options.long_days + EPS)
        .map(|&j| {
            let t = &ctx.plan.tasks[j];
            task_subject(t, format!("{} working days", days(ctx.durations[j])))
        })
        .collect();
    share_check(
        8,
        "high_duration",
        "High duration",
        format!("at most 5% of tasks over {} days", days(options.long_days)),
        0.05,
        work.len(),
        subjects,
    )
}

/// Check 10: Work with a duration but no team (gates and milestones need none).
fn resources(ctx: &Context) -> Check {
    let work: Vec<&Task> = ctx
        .plan
        .tasks
        .iter()
        .enumerate()
        .filter(|(j, t)| t.kind == TaskKind::Work && ctx.durations[*j] > 0.0)
        .map(|(_, t)| t)
        .collect();
    let subjects = work
        .iter()
        .filter(|t| t.demands().next().is_none())
        .map(|t| task_subject(t, "no team".into()))
        .collect();
    share_check(
        10,
        "resources",
        "Resources",
        "no work task without a team".into(),
        0.0,
        work.len(),
        subjects,
    )
}

/// Check 12: Lengthen the first critical task (in topological order) by the delay: the project's
/// finish must move as far as that task's own finish.
fn critical_path_test(ctx: &Context, options: &CheckOptions) -> Check {
    let threshold = format!(
        "a {}-day delay moves the finish 95%+",
        days(options.delay_days)
    );
    let first = ctx
        .net
        .topological_order()
        .iter()
        .copied()
        .find(|&j| ctx.cpm.critical[j] && ctx.durations[j] > 0.0);
    let Some(j) = first else {
        return skipped(
            12,
            "critical_path_test",
            "Critical path test",
            &threshold,
            "no critical task with a duration",
        );
    };
    let mut longer = ctx.durations.clone();
    longer[j] += options.delay_days;
    let delayed = graph::critical_path(&ctx.net, &longer);
    let own = delayed.early_finish[j] - ctx.cpm.early_finish[j];
    let moved = delayed.makespan - ctx.cpm.makespan;
    let task = &ctx.plan.tasks[j];
    let pass = moved >= 0.95 * own - EPS;
    let detail = format!(
        "delaying it by {} working days moved its finish by {} days and the project's finish by {}",
        days(options.delay_days),
        days(own),
        days(moved)
    );
    Check {
        number: 12,
        key: "critical_path_test",
        name: "Critical path test",
        threshold,
        count: usize::from(!pass),
        total: 1,
        share: Some(if pass { 0.0 } else { 1.0 }),
        value: Some(moved),
        status: if pass { Status::Pass } else { Status::Fail },
        subjects: if pass {
            Vec::new()
        } else {
            vec![task_subject(task, detail.clone())]
        },
        note: Some(format!("task `{}`: {detail}", task.id)),
    }
}

/// Check 13: Per release with a target: (critical path length + float to the target) / critical
/// path length, that is the target over the time its work needs, capacity ignored.
fn cpli(ctx: &Context) -> Check {
    let threshold = format!("at least {CPLI_THRESHOLD} per release with a target");
    let mut total = 0;
    let mut lowest: Option<f64> = None;
    let mut subjects = Vec::new();
    for r in &ctx.plan.releases {
        let Some(target) = r.target else { continue };
        let length = r
            .tasks
            .iter()
            .map(|&j| ctx.cpm.early_finish[j])
            .fold(0.0, f64::max);
        if length <= EPS {
            continue;
        }
        total += 1;
        let index = ctx.deadline(target) / length;
        lowest = Some(lowest.map_or(index, |l: f64| l.min(index)));
        if index < CPLI_THRESHOLD - EPS {
            subjects.push(Subject {
                id: r.id.clone(),
                pos: r.pos,
                detail: format!(
                    "CPLI {:.2}: its work needs {} days, the target leaves {}",
                    index,
                    days(length),
                    days(ctx.deadline(target))
                ),
            });
        }
    }
    if total == 0 {
        return skipped(
            13,
            "cpli",
            "Critical path length index (CPLI)",
            &threshold,
            "no release has a target (and work)",
        );
    }
    let mut c = share_check(
        13,
        "cpli",
        "Critical path length index (CPLI)",
        threshold,
        0.0,
        total,
        subjects,
    );
    c.value = lowest;
    c.note = lowest.map(|l| format!("lowest CPLI {l:.2}"));
    c
}

#[cfg(test)]
mod tests;
