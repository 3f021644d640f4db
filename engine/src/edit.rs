//! Plan edits as data: rename, delete, re-link, re-estimate, cut.
//!
//! An [`Edit`] is a value the engine applies to a plan ([`apply`]): on a copy, which is then
//! checked by the same validation as a parsed plan, so an edit can never produce a plan the
//! engine would not accept from a file. An edit that cannot be made, or whose result breaks
//! a rule of the plan, is refused with the reason ([`Refusal`]) and the plan is left as it
//! was. The browser's editing tables, a scenario's patch (replace a team, task, risk or
//! release field; cut a task with its links) and a replayed diff all use these values.
//!
//! The tables write some values as text; [`parse_estimate`], [`format_estimate`],
//! [`parse_task_ids`], [`parse_target`] and [`parse_when`] read and write them the one way the
//! engine knows.
//!
//! [`apply_unchecked`] makes an edit without validating the result, for a front end that
//! writes the edited plan as text and lists that text's errors where it lists any plan's (the
//! browser does so for progress: a task marked done after the status date is an error of
//! the plan, located in its text, not a refused edit).
//!
//! ```
//! use shipdate_engine::edit::{apply, Edit};
//! use shipdate_engine::io::{parse_str, Format};
//! use shipdate_engine::model::Estimate;
//! let plan = parse_str(
//!     "[plan]\nname = \"p\"\n[[tasks]]\nid = \"a\"\nestimate = 3\n[[tasks]]\nid = \"b\"\nestimate = 2\nafter = [\"a\"]\n",
//!     Format::Toml,
//! ).unwrap();
//! let longer = apply(&plan, &Edit::SetTaskEstimate { task: 0, estimate: Estimate::Fixed { value: 5.0 } }).unwrap();
//! assert_eq!(shipdate_engine::dispatch::schedule(&longer).makespan, 7.0);
//! // A link from b to a closes a cycle: refused, with the engine's reason.
//! let refused = apply(&plan, &Edit::AddLink { pred: 1, succ: 0 }).unwrap_err();
//! assert!(refused.to_string().contains("cycle"));
//! ```

use std::fmt;

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Severity};
use crate::format::number;
use crate::io::{self, Format};
use crate::model::{
    Actual, Cadence, Estimate, Freeze, Items, Link, LinkKind, Patch, Plan, Release, Risk,
    RiskStatus, Task, TaskDates, TaskKind, Team, Throughput, TimeOff, When,
};

/// One change to a plan. Rows are named by their index in the plan's lists (teams, tasks,
/// risks, releases; a link by its successor and its place in the successor's `after`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Edit {
    /// Sets or clears the plan's status date (`status_date`; `status`, a time, in undated
    /// plans): the schedule becomes a forecast from it (SPEC section 6).
    SetStatusDate(Option<When>),
    /// A new team with a free id (`team1`, `team2`, ...) and capacity 1.
    AddTeam,
    /// Renames a team (its tasks keep it).
    RenameTeam {
        /// The team.
        team: usize,
        /// Its new id.
        id: String,
    },
    /// Sets a team's capacity (at least 1).
    SetTeamCapacity {
        /// The team.
        team: usize,
        /// Its new capacity.
        capacity: u32,
    },
    /// Sets or clears a team's display name.
    SetTeamName {
        /// The team.
        team: usize,
        /// Its new name.
        name: Option<String>,
    },
    /// Puts a team on another calendar.
    SetTeamCalendar {
        /// The team.
        team: usize,
        /// Index into the plan's calendars.
        calendar: usize,
    },
    /// Sets a team's time off.
    SetTeamTimeOff {
        /// The team.
        team: usize,
        /// Its periods of reduced capacity.
        time_off: Vec<TimeOff>,
    },
    /// Sets or clears a team's throughput history (`throughput = { per, samples }`, SPEC
    /// section 9): what its item-sized tasks are simulated from.
    SetTeamThroughput {
        /// The team.
        team: usize,
        /// Its history (none: the team has no throughput).
        throughput: Option<Throughput>,
    },
    /// Deletes a team; its tasks are left without one.
    DeleteTeam(usize),
    /// A new task with a free id (`task1`, ...) and a fixed estimate of 1.
    AddTask,
    /// Renames a task (links, risks and releases follow it).
    RenameTask {
        /// The task.
        task: usize,
        /// Its new id.
        id: String,
    },
    /// Sets or clears a task's name.
    SetTaskName {
        /// The task.
        task: usize,
        /// Its new name (none: the id is shown).
        name: Option<String>,
    },
    /// Sets or clears a task's team.
    SetTaskTeam {
        /// The task.
        task: usize,
        /// Its new team.
        team: Option<usize>,
    },
    /// Re-estimates a task.
    SetTaskEstimate {
        /// The task.
        task: usize,
        /// Its new estimate.
        estimate: Estimate,
    },
    /// Makes a task item-sized (`items`, optional `split`, SPEC section 9), its duration
    /// then coming from its team's throughput: its estimate becomes a fixed 0 (an item-sized
    /// task has none). `None` makes it an estimated task again; its estimate is left as it is
    /// (0 after it was item-sized: give it one with [`Edit::SetTaskEstimate`]).
    SetTaskItems {
        /// The task.
        task: usize,
        /// Its item count and split factor.
        items: Option<Items>,
    },
    /// Sets a task's kind; a milestone takes no time (its estimate becomes 0).
    SetTaskKind {
        /// The task.
        task: usize,
        /// Its new kind.
        kind: TaskKind,
    },
    /// Sets the capacity units a task holds of its team while it runs.
    SetTaskDemand {
        /// The task.
        task: usize,
        /// Its demand.
        demand: u32,
    },
    /// Sets the further teams and demands a task holds while it runs.
    SetTaskExtraDemands {
        /// The task.
        task: usize,
        /// (team, demand) pairs.
        demands: Vec<(usize, u32)>,
    },
    /// Replaces a task's links (its `after`).
    SetTaskLinks {
        /// The task.
        task: usize,
        /// Its predecessors.
        after: Vec<Link>,
    },
    /// Sets a task's recorded progress (`started`, `done`, `remaining`, `progress`).
    SetTaskActual {
        /// The task.
        task: usize,
        /// What has happened to it by the status date.
        actual: Actual,
    },
    /// Sets a task's date constraints (`not_before`, `due`).
    SetTaskDates {
        /// The task.
        task: usize,
        /// Its date constraints.
        dates: TaskDates,
    },
    /// Marks a task optional (scope planning may cut it) or required.
    SetTaskOptional {
        /// The task.
        task: usize,
        /// Whether it may be cut.
        optional: bool,
    },
    /// Deletes (cuts) a task with its links and every reference to it: its successors keep
    /// their other links, and it leaves its releases, risks and correlations.
    DeleteTask(usize),
    /// A finish-to-start link without lag from `pred` to `succ`.
    AddLink {
        /// The predecessor.
        pred: usize,
        /// The successor.
        succ: usize,
    },
    /// Sets the type and lag of link `link` of task `task`.
    SetLink {
        /// The successor.
        task: usize,
        /// Its link's place in `after`.
        link: usize,
        /// The link's type.
        kind: LinkKind,
        /// Its lag (working days or periods; may be negative).
        lag: f64,
    },
    /// Deletes link `link` of task `task`.
    DeleteLink {
        /// The successor.
        task: usize,
        /// Its link's place in `after`.
        link: usize,
    },
    /// A new risk with a free id (`risk1`, ...) on the first task.
    AddRisk,
    /// Renames a risk.
    RenameRisk {
        /// The risk.
        risk: usize,
        /// Its new id.
        id: String,
    },
    /// Sets a risk's probability.
    SetRiskProbability {
        /// The risk.
        risk: usize,
        /// Its new probability.
        probability: f64,
    },
    /// Sets a risk's impact.
    SetRiskImpact {
        /// The risk.
        risk: usize,
        /// Its new impact.
        impact: Estimate,
    },
    /// Sets the tasks a risk delays.
    SetRiskTasks {
        /// The risk.
        risk: usize,
        /// Its tasks.
        tasks: Vec<usize>,
    },
    /// Sets a risk's status (open, closed, occurred).
    SetRiskStatus {
        /// The risk.
        risk: usize,
        /// Its new status.
        status: RiskStatus,
    },
    /// Deletes a risk.
    DeleteRisk(usize),
    /// A new release with a free id (`release-1`, ...) shipping the last task.
    AddRelease,
    /// Renames a release.
    RenameRelease {
        /// The release.
        release: usize,
        /// Its new id.
        id: String,
    },
    /// Sets the tasks a release ships.
    SetReleaseTasks {
        /// The release.
        release: usize,
        /// Its tasks.
        tasks: Vec<usize>,
    },
    /// Sets or clears a release's target.
    SetReleaseTarget {
        /// The release.
        release: usize,
        /// Its new target.
        target: Option<When>,
    },
    /// Sets a release's explicit deploy windows.
    SetReleaseWindows {
        /// The release.
        release: usize,
        /// Its windows.
        windows: Vec<When>,
    },
    /// Sets or clears a release's recurring deploy windows.
    SetReleaseCadence {
        /// The release.
        release: usize,
        /// Its cadence.
        cadence: Option<Cadence>,
    },
    /// Sets a release's change freezes.
    SetReleaseFreeze {
        /// The release.
        release: usize,
        /// Its freezes.
        freeze: Vec<Freeze>,
    },
    /// Sets a release's value for scope planning.
    SetReleaseValue {
        /// The release.
        release: usize,
        /// Its value.
        value: f64,
    },
    /// Marks a release deployed on a date (or not).
    SetReleaseDeployed {
        /// The release.
        release: usize,
        /// When it shipped.
        deployed: Option<When>,
    },
    /// Deletes a release.
    DeleteRelease(usize),
}

/// Why an edit was not made.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Refusal {
    /// The edit names a row the plan does not have.
    NoSuch {
        /// `team`, `task`, `link`, `risk` or `release`.
        what: &'static str,
        /// The index given.
        index: usize,
        /// How many there are.
        count: usize,
    },
    /// The edit is wrong in itself (a capacity of 0, a text that is no estimate, a link
    /// that already exists).
    Value(String),
    /// The edited plan breaks a rule of the plan: the engine's errors about it.
    Invalid(Vec<Diagnostic>),
}

impl Refusal {
    /// One line per reason, as a table shows them next to the row.
    pub fn reasons(&self) -> Vec<String> {
        match self {
            Refusal::Invalid(diags) => diags
                .iter()
                .map(|d| match &d.help {
                    Some(h) => format!("{} ({h})", d.message),
                    None => d.message.clone(),
                })
                .collect(),
            other => vec![other.to_string()],
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoSuch { what, index, count } => {
                write!(f, "no {what} number {index}: the plan has {count}")
            }
            Refusal::Value(why) => f.write_str(why),
            Refusal::Invalid(_) => f.write_str(&self.reasons().join("; ")),
        }
    }
}

impl std::error::Error for Refusal {}

/// Applies `edit` to a copy of `plan`: the edited plan, validated like a parsed one, or why
/// the edit was refused.
pub fn apply(plan: &Plan, edit: &Edit) -> Result<Plan, Refusal> {
    let mut p = plan.clone();
    change(&mut p, edit)?;
    validated(&p)
}

/// The plan read back from its TOML: every rule of the plan checked.
fn validated(p: &Plan) -> Result<Plan, Refusal> {
    // Validation: the edited plan is written and read back, so that every rule the reader
    // checks holds for it.
    let text = io::to_toml(p);
    io::parse_str(&text, Format::Toml).map_err(|diags| {
        Refusal::Invalid(
            diags
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect(),
        )
    })
}

/// Makes `edit` on a copy of `plan` without validating the result: the edited plan, which may
/// break a rule of the plan (an edit that cannot be made at all, a row that does not exist or
/// a value that says nothing, is still refused). For a front end that writes the result as
/// text and shows that text's located errors; anything else should use [`apply`].
pub fn apply_unchecked(plan: &Plan, edit: &Edit) -> Result<Plan, Refusal> {
    let mut p = plan.clone();
    change(&mut p, edit)?;
    Ok(p)
}

/// Applies `edits` in order; the first refusal stops it, with the edit's place in the list.
pub fn apply_all(plan: &Plan, edits: &[Edit]) -> Result<Plan, (usize, Refusal)> {
    let mut p = plan.clone();
    for (i, e) in edits.iter().enumerate() {
        p = apply(&p, e).map_err(|r| (i, r))?;
    }
    Ok(p)
}

/// Applies `edits` as one change: every edit is made on a copy of `plan`, then the result is
/// validated once (a scenario replaces its fields at the same time, so no order of them has
/// to be valid on its way). On failure, every refusal: an edit's with its place in the list,
/// the result's (it breaks a rule of the plan) with `None`.
pub fn apply_together(plan: &Plan, edits: &[Edit]) -> Result<Plan, Vec<(Option<usize>, Refusal)>> {
    let mut p = plan.clone();
    let mut refused = Vec::new();
    for (i, e) in edits.iter().enumerate() {
        let mut q = p.clone();
        match change(&mut q, e) {
            Ok(()) => p = q,
            Err(r) => refused.push((Some(i), r)),
        }
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    validated(&p).map_err(|r| vec![(None, r)])
}

fn row<'a, T>(rows: &'a mut [T], what: &'static str, index: usize) -> Result<&'a mut T, Refusal> {
    let count = rows.len();
    rows.get_mut(index)
        .ok_or(Refusal::NoSuch { what, index, count })
}

fn check(count: usize, what: &'static str, index: usize) -> Result<(), Refusal> {
    if index < count {
        Ok(())
    } else {
        Err(Refusal::NoSuch { what, index, count })
    }
}

fn free_id(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|k| format!("{prefix}{k}"))
        .find(|id| !taken(id))
        .expect("some id is free")
}

fn change(p: &mut Plan, edit: &Edit) -> Result<(), Refusal> {
    match edit {
        Edit::SetStatusDate(status) => {
            dated_as_plan(p, *status, "status date")?;
            p.status = *status;
            Ok(())
        }
        Edit::AddTeam
        | Edit::RenameTeam { .. }
        | Edit::SetTeamCapacity { .. }
        | Edit::SetTeamName { .. }
        | Edit::SetTeamCalendar { .. }
        | Edit::SetTeamTimeOff { .. }
        | Edit::SetTeamThroughput { .. }
        | Edit::DeleteTeam(_) => change_team(p, edit),
        Edit::AddRisk
        | Edit::RenameRisk { .. }
        | Edit::SetRiskProbability { .. }
        | Edit::SetRiskImpact { .. }
        | Edit::SetRiskTasks { .. }
        | Edit::SetRiskStatus { .. }
        | Edit::DeleteRisk(_) => change_risk(p, edit),
        Edit::AddRelease
        | Edit::RenameRelease { .. }
        | Edit::SetReleaseTasks { .. }
        | Edit::SetReleaseTarget { .. }
        | Edit::SetReleaseWindows { .. }
        | Edit::SetReleaseCadence { .. }
        | Edit::SetReleaseFreeze { .. }
        | Edit::SetReleaseValue { .. }
        | Edit::SetReleaseDeployed { .. }
        | Edit::DeleteRelease(_) => change_release(p, edit),
        Edit::AddLink { .. } | Edit::SetLink { .. } | Edit::DeleteLink { .. } => {
            change_link(p, edit)
        }
        _ => change_task(p, edit),
    }
}

fn change_team(p: &mut Plan, edit: &Edit) -> Result<(), Refusal> {
    match edit {
        Edit::AddTeam => {
            let id = free_id("team", |id| p.team_index(id).is_some());
            let mut team = Team::new(id, 1);
            team.calendar = p.default_calendar;
            p.teams.push(team);
        }
        Edit::RenameTeam { team, id } => row(&mut p.teams, "team", *team)?.id = id.trim().into(),
        Edit::SetTeamCapacity { team, capacity } => {
            if *capacity < 1 {
                return Err(Refusal::Value(format!(
                    "capacity `{capacity}` must be a whole number of at least 1"
                )));
            }
            row(&mut p.teams, "team", *team)?.capacity = *capacity;
        }
        Edit::SetTeamName { team, name } => {
            let name = name.as_deref().map(str::trim).filter(|n| !n.is_empty());
            row(&mut p.teams, "team", *team)?.name = name.map(String::from);
        }
        Edit::SetTeamCalendar { team, calendar } => {
            check(p.calendars.len(), "calendar", *calendar)?;
            row(&mut p.teams, "team", *team)?.calendar = *calendar;
        }
        Edit::SetTeamTimeOff { team, time_off } => {
            row(&mut p.teams, "team", *team)?.time_off = time_off.clone();
        }
        Edit::SetTeamThroughput { team, throughput } => {
            row(&mut p.teams, "team", *team)?.throughput = throughput.clone();
        }
        Edit::DeleteTeam(k) => {
            let k = *k;
            check(p.teams.len(), "team", k)?;
            p.teams.remove(k);
            let fix = |x: usize| if x > k { x - 1 } else { x };
            let unteam = |t: &mut Task| {
                t.team = t.team.filter(|&x| x != k).map(fix);
                t.extra_demands.retain(|d| d.0 != k);
                t.extra_demands.iter_mut().for_each(|d| d.0 = fix(d.0));
            };
            p.tasks.iter_mut().for_each(unteam);
            for sc in &mut p.scenarios {
                sc.changes
                    .retain(|c| !matches!(c.patch, Patch::Team { team, .. } if team == k));
                for c in &mut sc.changes {
                    match &mut c.patch {
                        Patch::Team { team, .. } => *team = fix(*team),
                        Patch::Task { value, .. } => unteam(value),
                        _ => {}
                    }
                }
            }
        }
        _ => unreachable!("a team edit"),
    }
    Ok(())
}

fn change_task(p: &mut Plan, edit: &Edit) -> Result<(), Refusal> {
    let teams = p.teams.len();
    match edit {
        Edit::AddTask => {
            let id = free_id("task", |id| p.task_index(id).is_some());
            // Demand 1, ready for a team (the plan format's default once it has one).
            let mut task = Task::new(id, Estimate::Fixed { value: 1.0 });
            task.demand = 1;
            p.tasks.push(task);
        }
        Edit::RenameTask { task, id } => row(&mut p.tasks, "task", *task)?.id = id.trim().into(),
        Edit::SetTaskName { task, name } => {
            let name = name.as_deref().map(str::trim).filter(|n| !n.is_empty());
            row(&mut p.tasks, "task", *task)?.name = name.map(String::from);
        }
        Edit::SetTaskTeam { task, team } => {
            if let Some(k) = team {
                check(teams, "team", *k)?;
            }
            row(&mut p.tasks, "task", *task)?.team = *team;
        }
        Edit::SetTaskEstimate { task, estimate } => {
            row(&mut p.tasks, "task", *task)?.estimate = *estimate;
        }
        Edit::SetTaskItems { task, items } => {
            let t = row(&mut p.tasks, "task", *task)?;
            t.items = *items;
            if items.is_some() {
                t.estimate = Estimate::Fixed { value: 0.0 };
            }
        }
        Edit::SetTaskKind { task, kind } => {
            let t = row(&mut p.tasks, "task", *task)?;
            t.kind = *kind;
            if *kind == TaskKind::Milestone {
                t.estimate = Estimate::Fixed { value: 0.0 };
            }
        }
        Edit::SetTaskOptional { task, optional } => {
            row(&mut p.tasks, "task", *task)?.optional = *optional;
        }
        Edit::SetTaskDemand { task, demand } => row(&mut p.tasks, "task", *task)?.demand = *demand,
        Edit::SetTaskExtraDemands { task, demands } => {
            demands
                .iter()
                .try_for_each(|&(k, _)| check(teams, "team", k))?;
            row(&mut p.tasks, "task", *task)?.extra_demands = demands.clone();
        }
        Edit::SetTaskLinks { task, after } => {
            let n = p.tasks.len();
            after.iter().try_for_each(|l| check(n, "task", l.pred))?;
            row(&mut p.tasks, "task", *task)?.after = after.clone();
        }
        Edit::SetTaskActual { task, actual } => row(&mut p.tasks, "task", *task)?.actual = *actual,
        Edit::SetTaskDates { task, dates } => row(&mut p.tasks, "task", *task)?.dates = *dates,
        Edit::DeleteTask(j) => {
            check(p.tasks.len(), "task", *j)?;
            remove_task(p, *j);
        }
        _ => unreachable!("a task edit"),
    }
    Ok(())
}

/// Removes task `j` and every reference to it, renumbering the others.
fn remove_task(plan: &mut Plan, j: usize) {
    plan.tasks.remove(j);
    let fix = |x: usize| if x > j { x - 1 } else { x };
    let unlist = |tasks: &mut Vec<usize>| {
        tasks.retain(|&x| x != j);
        tasks.iter_mut().for_each(|x| *x = fix(*x));
    };
    for t in &mut plan.tasks {
        t.after.retain(|l| l.pred != j);
        t.after.iter_mut().for_each(|l| l.pred = fix(l.pred));
    }
    plan.risks.iter_mut().for_each(|r| unlist(&mut r.tasks));
    plan.correlations
        .iter_mut()
        .for_each(|c| unlist(&mut c.tasks));
    plan.correlations.retain(|c| c.tasks.len() >= 2);
    plan.releases.iter_mut().for_each(|r| unlist(&mut r.tasks));
    // Scenarios: a change of the task goes with it; the others' references follow.
    for sc in &mut plan.scenarios {
        sc.changes
            .retain(|c| !matches!(c.patch, Patch::Task { task, .. } if task == j));
        for c in &mut sc.changes {
            match &mut c.patch {
                Patch::Task { task, value } => {
                    *task = fix(*task);
                    value.after.retain(|l| l.pred != j);
                    value.after.iter_mut().for_each(|l| l.pred = fix(l.pred));
                }
                Patch::Risk { value, .. } => unlist(&mut value.tasks),
                Patch::Release { value, .. } => unlist(&mut value.tasks),
                Patch::Team { .. } => {}
            }
        }
    }
}

/// Drops the scenarios' changes of entity `k` of a list (`which` picks it out of a patch)
/// and renumbers the later ones.
fn unpatch(plan: &mut Plan, k: usize, which: fn(&mut Patch) -> Option<&mut usize>) {
    for sc in &mut plan.scenarios {
        sc.changes
            .retain_mut(|c| which(&mut c.patch).is_none_or(|x| *x != k));
        for c in &mut sc.changes {
            if let Some(x) = which(&mut c.patch) {
                if *x > k {
                    *x -= 1;
                }
            }
        }
    }
}

fn change_link(p: &mut Plan, edit: &Edit) -> Result<(), Refusal> {
    let n = p.tasks.len();
    match edit {
        Edit::AddLink { pred, succ } => {
            let (a, b) = (*pred, *succ);
            check(n, "task", a)?;
            check(n, "task", b)?;
            if p.tasks[b].after.iter().any(|l| l.pred == a) {
                return Err(Refusal::Value(format!(
                    "`{}` already follows `{}`",
                    p.tasks[b].id, p.tasks[a].id
                )));
            }
            p.tasks[b].after.push(Link::new(a, LinkKind::FS, 0.0));
        }
        Edit::SetLink {
            task,
            link,
            kind,
            lag,
        } => {
            if !lag.is_finite() {
                return Err(Refusal::Value(format!("lag `{lag}` is not a number")));
            }
            let l = row(&mut row(&mut p.tasks, "task", *task)?.after, "link", *link)?;
            l.kind = *kind;
            l.lag = *lag;
        }
        Edit::DeleteLink { task, link } => {
            let after = &mut row(&mut p.tasks, "task", *task)?.after;
            check(after.len(), "link", *link)?;
            after.remove(*link);
        }
        _ => unreachable!("a link edit"),
    }
    Ok(())
}

fn change_risk(p: &mut Plan, edit: &Edit) -> Result<(), Refusal> {
    let n = p.tasks.len();
    match edit {
        Edit::AddRisk => {
            if p.tasks.is_empty() {
                return Err(Refusal::Value(
                    "add a task first: a risk delays tasks".into(),
                ));
            }
            let id = free_id("risk", |id| p.risks.iter().any(|r| r.id == id));
            let impact = Estimate::Pert {
                low: 1.0,
                likely: 2.0,
                high: 5.0,
            };
            p.risks.push(Risk::new(id, 0.2, impact, vec![0]));
        }
        Edit::RenameRisk { risk, id } => row(&mut p.risks, "risk", *risk)?.id = id.trim().into(),
        Edit::SetRiskProbability { risk, probability } => {
            row(&mut p.risks, "risk", *risk)?.probability = *probability;
        }
        Edit::SetRiskImpact { risk, impact } => row(&mut p.risks, "risk", *risk)?.impact = *impact,
        Edit::SetRiskTasks { risk, tasks } => {
            tasks.iter().try_for_each(|&j| check(n, "task", j))?;
            row(&mut p.risks, "risk", *risk)?.tasks = tasks.clone();
        }
        Edit::SetRiskStatus { risk, status } => row(&mut p.risks, "risk", *risk)?.status = *status,
        Edit::DeleteRisk(r) => {
            check(p.risks.len(), "risk", *r)?;
            p.risks.remove(*r);
            unpatch(p, *r, |c| match c {
                Patch::Risk { risk, .. } => Some(risk),
                _ => None,
            });
        }
        _ => unreachable!("a risk edit"),
    }
    Ok(())
}

/// Refuses a date in an undated plan and a period in a dated one (`what` names the field).
fn dated_as_plan(p: &Plan, w: Option<When>, what: &str) -> Result<(), Refusal> {
    match (w, p.is_dated()) {
        (Some(When::Period(_)), true) => Err(Refusal::Value(format!(
            "a dated plan's {what} is a date (YYYY-MM-DD)"
        ))),
        (Some(When::Date(_)), false) => Err(Refusal::Value(format!(
            "an undated plan's {what} is a period, not a date"
        ))),
        _ => Ok(()),
    }
}

fn change_release(p: &mut Plan, edit: &Edit) -> Result<(), Refusal> {
    let n = p.tasks.len();
    match edit {
        Edit::AddRelease => {
            if p.tasks.is_empty() {
                return Err(Refusal::Value(
                    "add a task first: a release ships tasks".into(),
                ));
            }
            let id = free_id("release-", |id| p.releases.iter().any(|r| r.id == id));
            p.releases.push(Release::new(id, vec![n - 1]));
        }
        Edit::RenameRelease { release, id } => {
            row(&mut p.releases, "release", *release)?.id = id.trim().into();
        }
        Edit::SetReleaseTasks { release, tasks } => {
            tasks.iter().try_for_each(|&j| check(n, "task", j))?;
            row(&mut p.releases, "release", *release)?.tasks = tasks.clone();
        }
        Edit::SetReleaseTarget { release, target } => {
            dated_as_plan(p, *target, "target")?;
            row(&mut p.releases, "release", *release)?.target = *target;
        }
        Edit::SetReleaseWindows { release, windows } => {
            row(&mut p.releases, "release", *release)?.windows = windows.clone();
        }
        Edit::SetReleaseCadence { release, cadence } => {
            row(&mut p.releases, "release", *release)?.cadence = cadence.clone();
        }
        Edit::SetReleaseFreeze { release, freeze } => {
            row(&mut p.releases, "release", *release)?.freeze = freeze.clone();
        }
        Edit::SetReleaseValue { release, value } => {
            row(&mut p.releases, "release", *release)?.value = *value;
        }
        Edit::SetReleaseDeployed { release, deployed } => {
            row(&mut p.releases, "release", *release)?.deployed = *deployed;
        }
        Edit::DeleteRelease(r) => {
            check(p.releases.len(), "release", *r)?;
            p.releases.remove(*r);
            unpatch(p, *r, |c| match c {
                Patch::Release { release, .. } => Some(release),
                _ => None,
            });
        }
        _ => unreachable!("a release edit"),
    }
    Ok(())
}

/// An estimate as the tables write it: `5` (fixed), `3/5/10` (Beta-PERT low/likely/high),
/// `tri 3/5/10`, `uni 2/6`, `logn 5/9` (median/p90).
pub fn format_estimate(e: &Estimate) -> String {
    match *e {
        Estimate::Fixed { value } => number(value),
        Estimate::Pert { low, likely, high } => {
            format!("{}/{}/{}", number(low), number(likely), number(high))
        }
        Estimate::Triangular { low, likely, high } => {
            format!("tri {}/{}/{}", number(low), number(likely), number(high))
        }
        Estimate::Uniform { low, high } => format!("uni {}/{}", number(low), number(high)),
        Estimate::Lognormal { median, p90 } => format!("logn {}/{}", number(median), number(p90)),
    }
}

/// Reads an estimate written as [`format_estimate`] writes it (numbers may also be separated
/// by commas); [`apply`] then checks its order and signs.
pub fn parse_estimate(text: &str) -> Result<Estimate, Refusal> {
    let t = text.trim();
    let (kind, rest) = match t.split_once(' ') {
        Some((k, r)) if k.chars().all(|c| c.is_ascii_alphabetic()) => (k, r.trim()),
        _ => ("", t),
    };
    let bad = || {
        Refusal::Value(format!(
            "`{text}` is not an estimate: write 5, 3/5/10 (low/likely/high), tri 3/5/10, uni 2/6 or logn 5/9"
        ))
    };
    let n: Vec<f64> = rest
        .split(['/', ','])
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    if n.iter().any(|x| !x.is_finite()) {
        return Err(bad());
    }
    Ok(match (kind, n.as_slice()) {
        ("", [v]) => Estimate::Fixed { value: *v },
        ("" | "pert", [low, likely, high]) => Estimate::Pert {
            low: *low,
            likely: *likely,
            high: *high,
        },
        ("tri", [low, likely, high]) => Estimate::Triangular {
            low: *low,
            likely: *likely,
            high: *high,
        },
        ("uni", [low, high]) => Estimate::Uniform {
            low: *low,
            high: *high,
        },
        ("logn", [median, p90]) => Estimate::Lognormal {
            median: *median,
            p90: *p90,
        },
        _ => return Err(bad()),
    })
}

/// An item-sized task's item count as the tables write it: `12`, or `18/25` (low/high).
pub fn format_items(items: &Items) -> String {
    if items.low == items.high {
        items.low.to_string()
    } else {
        format!("{}/{}", items.low, items.high)
    }
}

/// Its split factor as the tables write it: `1.2`, or `1/1.3` (low/high); empty for none.
pub fn format_split(items: &Items) -> String {
    match items.split {
        None => String::new(),
        Some((low, high)) if low == high => number(low),
        Some((low, high)) => format!("{}/{}", number(low), number(high)),
    }
}

/// Reads an item count written as [`format_items`] writes it (`12`, `18/25`; a comma may
/// separate the two): `(low, high)`. [`apply`] then checks their order and size.
pub fn parse_items(text: &str) -> Result<(u32, u32), Refusal> {
    let bad = || {
        Refusal::Value(format!(
            "`{}` is not an item count: write a whole number (12) or a range (18/25)",
            text.trim()
        ))
    };
    let n: Vec<u32> = text
        .trim()
        .split(['/', ','])
        .map(|x| x.trim().parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match n.as_slice() {
        [v] => Ok((*v, *v)),
        [low, high] => Ok((*low, *high)),
        _ => Err(bad()),
    }
}

/// Reads a split factor written as [`format_split`] writes it (`1.2`, `1/1.3`); empty for
/// none. [`apply`] then checks its range.
pub fn parse_split(text: &str) -> Result<Option<(f64, f64)>, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || {
        Refusal::Value(format!(
            "`{t}` is not a split factor: write a number (1.2) or a range (1/1.3)"
        ))
    };
    let n: Vec<f64> = t
        .split(['/', ','])
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match n.as_slice() {
        _ if n.iter().any(|x| !x.is_finite()) => Err(bad()),
        [v] => Ok(Some((*v, *v))),
        [low, high] => Ok(Some((*low, *high))),
        _ => Err(bad()),
    }
}

/// The tasks named in `text` (ids separated by commas or spaces), as indices of `plan`.
pub fn parse_task_ids(plan: &Plan, text: &str) -> Result<Vec<usize>, Refusal> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|id| {
            plan.task_index(id)
                .ok_or_else(|| Refusal::Value(format!("no task `{id}` in the plan")))
        })
        .collect()
}

/// A release target as a table writes it: a date (`YYYY-MM-DD`) in dated plans, a period
/// otherwise; empty for none.
pub fn parse_target(plan: &Plan, text: &str) -> Result<Option<When>, Refusal> {
    parse_when(plan, text, "target")
}

/// A day or time as a table writes it (a target, the status date, a task's `started` or
/// `done`): a date (`YYYY-MM-DD`) in dated plans, a number otherwise; empty for none. `what`
/// names the field in the refusal.
pub fn parse_when(plan: &Plan, text: &str, what: &str) -> Result<Option<When>, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        Ok(None)
    } else if plan.is_dated() {
        t.parse::<NaiveDate>()
            .map(|d| Some(When::Date(d)))
            .map_err(|_| Refusal::Value(format!("{what} `{t}` is not a date (YYYY-MM-DD)")))
    } else {
        t.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(|x| Some(When::Period(x)))
            .ok_or_else(|| Refusal::Value(format!("{what} `{t}` is not a number")))
    }
}

#[cfg(test)]
mod tests;
