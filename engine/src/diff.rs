//! What changed between two versions of a plan, and what each change did to each release
//! (SPEC section 8, `shipdate diff`).
//!
//! [`changes`] lists the differences entity by entity, matched by id, in the order they are
//! applied: teams added, calendars, the plan's start, the status date, tasks added, then each
//! task's estimate, links, team, progress, date constraints and other fields (in the new
//! file's order), tasks removed, teams' capacity, time off and settings, risks, correlations,
//! releases, and teams removed. [`diff`] simulates the old plan, the plan with the first
//! change applied, with the first two, and so on up to the new plan, all with the same seed:
//! with stable draws (SPEC section 8) each step's difference is that change's effect, and the
//! steps add up to the whole change. A step whose plan is not valid on its own (a task moved
//! to a team that is added later in the list, a link that closes a cycle until another is
//! removed) is taken together with the next change and reported as one part.

use chrono::NaiveDate;
use serde::Serialize;

use crate::dispatch;
use crate::edit::format_estimate;
use crate::format::number;
use crate::model::{
    Actual, Calendar, Correlation, Link, LinkKind, Plan, Release, Risk, Task, TaskDates, Team, When,
};
use crate::simulate::{self, Options, SimError, Simulation};

/// What sort of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A team that only the new version has.
    TeamAdded,
    /// The calendars (workdays, holidays) or the default calendar.
    Calendars,
    /// The plan's start date.
    Start,
    /// The status date (SPEC section 6).
    StatusDate,
    /// A task that only the new version has.
    TaskAdded,
    /// A task's estimate.
    Estimate,
    /// A task's predecessors (links, types, lags).
    Links,
    /// A task's team or demands.
    Team,
    /// A task's progress: started, done, remaining, progress.
    Progress,
    /// A task's `not_before` or `due`.
    Dates,
    /// A task's other fields: name, kind, optional.
    Task,
    /// A task that only the old version has.
    TaskRemoved,
    /// A team's capacity.
    Capacity,
    /// A team's time off.
    TimeOff,
    /// A team's display name or calendar.
    TeamSettings,
    /// A risk that only the new version has.
    RiskAdded,
    /// A risk's probability, impact, tasks or status.
    Risk,
    /// A risk that only the old version has.
    RiskRemoved,
    /// The rank correlations.
    Correlations,
    /// A release that only the new version has.
    ReleaseAdded,
    /// A release's tasks, target, windows, cadence, freezes, value or deployed date.
    Release,
    /// A release that only the old version has.
    ReleaseRemoved,
    /// A team that only the old version has.
    TeamRemoved,
}

/// One change between the two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Its number, from 1, in the order the changes are applied.
    pub id: usize,
    /// What sort of change.
    pub kind: ChangeKind,
    /// The task, team, risk or release concerned (the plan's name for plan-wide changes).
    pub subject: String,
    /// The old value, in words (empty for an addition).
    pub old: String,
    /// The new value, in words (empty for a removal).
    pub new: String,
}

/// A release's numbers in one version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseNumbers {
    /// The single-point ready time (`schedule`), in working days.
    pub ready: f64,
    /// The single-point ready date (dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_date: Option<NaiveDate>,
    /// The median of the simulated ready time.
    pub p50: f64,
    /// Its 80th percentile.
    pub p80: f64,
    /// The median ready date (dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50_date: Option<NaiveDate>,
    /// The 80th percentile ready date (dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p80_date: Option<NaiveDate>,
    /// The probability that it deploys by its target (absent without a target).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time_probability: Option<f64>,
}

/// One part of a release's P80 change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// The change it belongs to.
    pub change: usize,
    /// Changes that could only be applied together with it (the plan in between is not
    /// valid); the part is theirs together.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<usize>,
    /// How much the release's P80 ready time moved when it was applied, in working days.
    pub p80_change: f64,
}

/// A release in the two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseDiff {
    /// The release's id.
    pub id: String,
    /// Its numbers in the old version (absent when it is new).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<ReleaseNumbers>,
    /// Its numbers in the new version (absent when it was removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<ReleaseNumbers>,
    /// `new.p80 - old.p80` (releases in both versions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p80_change: Option<f64>,
    /// The P80 change split over the changes (those that moved it), in the order applied;
    /// the parts add up to `p80_change`.
    pub attribution: Vec<Part>,
}

/// The differences between two versions of a plan and their effect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The changes, in the order applied.
    pub changes: Vec<Change>,
    /// Every release of either version: the new version's in order, then the removed ones.
    pub releases: Vec<ReleaseDiff>,
    /// The iterations and seed every version was simulated with.
    pub iterations: usize,
    /// The seed.
    pub seed: u64,
}

/// Why a diff could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A simulation failed.
    #[error(transparent)]
    Simulate(#[from] SimError),
}

/// The changes from `old` to `new`, in the order [`diff`] applies them.
pub fn changes(old: &Plan, new: &Plan) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |kind, subject: &str, o: String, n: String| {
        out.push(Change {
            id: 0,
            kind,
            subject: subject.to_string(),
            old: o,
            new: n,
        });
    };
    for t in &new.teams {
        if find(&old.teams, &t.id, |x| &x.id).is_none() {
            push(
                ChangeKind::TeamAdded,
                &t.id,
                String::new(),
                team_text(new, t),
            );
        }
    }
    if calendar_view(old) != calendar_view(new) {
        push(
            ChangeKind::Calendars,
            &new.name,
            calendars_text(old),
            calendars_text(new),
        );
    }
    if old.start != new.start {
        push(
            ChangeKind::Start,
            &new.name,
            opt_date(old.start),
            opt_date(new.start),
        );
    }
    if old.status != new.status {
        push(
            ChangeKind::StatusDate,
            &new.name,
            opt_when(old.status),
            opt_when(new.status),
        );
    }
    for t in &new.tasks {
        if find(&old.tasks, &t.id, |x| &x.id).is_none() {
            push(ChangeKind::TaskAdded, &t.id, String::new(), task_text(t));
        }
    }
    for t in &new.tasks {
        let Some(o) = find(&old.tasks, &t.id, |x| &x.id) else {
            continue;
        };
        for group in TaskGroup::ALL {
            let (a, b) = (group.text(old, o), group.text(new, t));
            if a != b {
                push(group.kind(), &t.id, a, b);
            }
        }
    }
    for t in &old.tasks {
        if find(&new.tasks, &t.id, |x| &x.id).is_none() {
            push(ChangeKind::TaskRemoved, &t.id, task_text(t), String::new());
        }
    }
    for t in &new.teams {
        let Some(o) = find(&old.teams, &t.id, |x| &x.id) else {
            continue;
        };
        if o.capacity != t.capacity {
            push(
                ChangeKind::Capacity,
                &t.id,
                o.capacity.to_string(),
                t.capacity.to_string(),
            );
        }
        if o.time_off != t.time_off {
            push(
                ChangeKind::TimeOff,
                &t.id,
                time_off_text(o),
                time_off_text(t),
            );
        }
        let settings = team_settings_text;
        if settings(old, o) != settings(new, t) {
            push(
                ChangeKind::TeamSettings,
                &t.id,
                settings(old, o),
                settings(new, t),
            );
        }
    }
    entity_changes(
        &mut push,
        (old, &old.risks),
        (new, &new.risks),
        |r| &r.id,
        risk_text,
        [
            ChangeKind::RiskAdded,
            ChangeKind::Risk,
            ChangeKind::RiskRemoved,
        ],
    );
    let (co, cn) = (correlations_text(old), correlations_text(new));
    if co != cn {
        push(ChangeKind::Correlations, &new.name, co, cn);
    }
    entity_changes(
        &mut push,
        (old, &old.releases),
        (new, &new.releases),
        |r| &r.id,
        release_text,
        [
            ChangeKind::ReleaseAdded,
            ChangeKind::Release,
            ChangeKind::ReleaseRemoved,
        ],
    );
    for t in &old.teams {
        if find(&new.teams, &t.id, |x| &x.id).is_none() {
            push(
                ChangeKind::TeamRemoved,
                &t.id,
                team_text(old, t),
                String::new(),
            );
        }
    }
    for (i, c) in out.iter_mut().enumerate() {
        c.id = i + 1;
    }
    out
}

/// Added, changed and removed entities of one list (risks, releases), compared in words.
fn entity_changes<T>(
    push: &mut impl FnMut(ChangeKind, &str, String, String),
    (old, olds): (&Plan, &[T]),
    (new, news): (&Plan, &[T]),
    id: impl Fn(&T) -> &String,
    text: impl Fn(&Plan, &T) -> String,
    [added, changed, removed]: [ChangeKind; 3],
) {
    for x in news {
        match olds.iter().find(|o| id(o) == id(x)) {
            None => push(added, id(x), String::new(), text(new, x)),
            Some(o) => {
                let (a, b) = (text(old, o), text(new, x));
                if a != b {
                    push(changed, id(x), a, b);
                }
            }
        }
    }
    for o in olds {
        if !news.iter().any(|x| id(x) == id(o)) {
            push(removed, id(o), text(old, o), String::new());
        }
    }
}

/// The groups of a task's fields that are changed (and applied) one at a time.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TaskGroup {
    Estimate,
    Links,
    Team,
    Progress,
    Dates,
    Other,
}

impl TaskGroup {
    const ALL: [TaskGroup; 6] = [
        TaskGroup::Estimate,
        TaskGroup::Links,
        TaskGroup::Team,
        TaskGroup::Progress,
        TaskGroup::Dates,
        TaskGroup::Other,
    ];

    fn kind(self) -> ChangeKind {
        match self {
            TaskGroup::Estimate => ChangeKind::Estimate,
            TaskGroup::Links => ChangeKind::Links,
            TaskGroup::Team => ChangeKind::Team,
            TaskGroup::Progress => ChangeKind::Progress,
            TaskGroup::Dates => ChangeKind::Dates,
            TaskGroup::Other => ChangeKind::Task,
        }
    }

    /// The group's fields in words: equal words, equal fields (positions aside).
    fn text(self, plan: &Plan, t: &Task) -> String {
        match self {
            TaskGroup::Estimate => size_text(t),
            TaskGroup::Links => links_text(plan, &t.after),
            TaskGroup::Team => {
                let mut s = match t.team {
                    Some(k) => format!("{} x{}", plan.teams[k].id, t.demand),
                    None => "no team".into(),
                };
                for &(k, d) in &t.extra_demands {
                    s.push_str(&format!(", {} x{d}", plan.teams[k].id));
                }
                s
            }
            TaskGroup::Progress => progress_text(&t.actual),
            TaskGroup::Dates => dates_text(&t.dates),
            TaskGroup::Other => format!(
                "{}{:?}{}",
                t.name
                    .as_ref()
                    .map_or(String::new(), |n| format!("\"{n}\", ")),
                t.kind,
                if t.optional { ", optional" } else { "" }
            )
            .to_lowercase(),
        }
    }

    /// Sets the group's fields of `t` (a task of the plan being built) from `from`, a task of
    /// `src`; indices are mapped by id into `teams`, and links to tasks not in `ids` dropped.
    fn copy(self, t: &mut Task, from: &Task, src: &Plan, ids: &[&str], teams: &[Team]) -> bool {
        match self {
            TaskGroup::Estimate => {
                t.estimate = from.estimate;
                t.items = from.items;
            }
            TaskGroup::Links => t.after = remap_links(&from.after, src, ids),
            TaskGroup::Team => {
                let team =
                    |k: usize| position(teams.iter().map(|x| x.id.as_str()), &src.teams[k].id);
                t.demand = from.demand;
                t.team = match from.team {
                    Some(k) => match team(k) {
                        Some(i) => Some(i),
                        None => return false,
                    },
                    None => None,
                };
                let mut extra = Vec::new();
                for &(k, d) in &from.extra_demands {
                    match team(k) {
                        Some(i) => extra.push((i, d)),
                        None => return false,
                    }
                }
                t.extra_demands = extra;
            }
            TaskGroup::Progress => t.actual = from.actual,
            TaskGroup::Dates => t.dates = from.dates,
            TaskGroup::Other => {
                t.name.clone_from(&from.name);
                t.kind = from.kind;
                t.optional = from.optional;
            }
        }
        true
    }
}

fn find<'a, T>(xs: &'a [T], id: &str, key: impl Fn(&T) -> &String) -> Option<&'a T> {
    xs.iter().find(|x| key(x) == id)
}

fn position<'a>(mut ids: impl Iterator<Item = &'a str>, id: &str) -> Option<usize> {
    ids.position(|x| x == id)
}

fn when_text(w: When) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::Period(p) => number(p),
    }
}

fn opt_when(w: Option<When>) -> String {
    w.map_or_else(|| "none".into(), when_text)
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "undated".into(), |d| d.to_string())
}

fn links_text(plan: &Plan, after: &[Link]) -> String {
    if after.is_empty() {
        return "none".into();
    }
    let mut v: Vec<String> = after
        .iter()
        .map(|l| {
            let mut s = plan.tasks[l.pred].id.clone();
            if l.kind != LinkKind::FS || l.lag != 0.0 {
                s.push_str(&format!(" ({:?}", l.kind));
                if l.lag != 0.0 {
                    s.push_str(&format!(
                        "{}{}",
                        if l.lag > 0.0 { "+" } else { "" },
                        number(l.lag)
                    ));
                }
                s.push(')');
            }
            s
        })
        .collect();
    crate::sorting::sort(&mut v);
    v.join(", ")
}

fn progress_text(a: &Actual) -> String {
    let mut v = Vec::new();
    if let Some(s) = a.started {
        v.push(format!("started {}", when_text(s)));
    }
    if let Some(d) = a.done {
        v.push(format!("done {}", when_text(d)));
    }
    if let Some(r) = &a.remaining {
        v.push(format!("remaining {}", format_estimate(r)));
    }
    if let Some(p) = a.progress {
        v.push(format!("{}% done", number(p * 100.0)));
    }
    if v.is_empty() {
        "not started".into()
    } else {
        v.join(", ")
    }
}

fn dates_text(d: &TaskDates) -> String {
    let mut v = Vec::new();
    if let Some(w) = d.not_before {
        v.push(format!("not before {}", when_text(w)));
    }
    if let Some(w) = d.due {
        v.push(format!("due {}", when_text(w)));
    }
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn task_text(t: &Task) -> String {
    match t.items {
        Some(_) => size_text(t),
        None => format!("estimate {}", format_estimate(&t.estimate)),
    }
}

/// A task's size in words: its estimate, or its items and split.
fn size_text(t: &Task) -> String {
    let Some(items) = t.items else {
        return format_estimate(&t.estimate);
    };
    let mut s = if items.low == items.high {
        format!("{} items", items.low)
    } else {
        format!("{}-{} items", items.low, items.high)
    };
    if let Some((low, high)) = items.split {
        s.push_str(&format!(", split {low}-{high}"));
    }
    s
}

/// A team's settings in words: its display name, calendar and throughput.
fn team_settings_text(p: &Plan, x: &Team) -> String {
    format!(
        "{}calendar {}{}",
        x.name
            .as_ref()
            .map_or(String::new(), |n| format!("\"{n}\", ")),
        p.calendars[x.calendar].id,
        x.throughput.as_ref().map_or(String::new(), |tp| {
            let samples: Vec<String> = tp.samples.iter().map(|&v| number(v)).collect();
            format!(
                ", throughput per {} [{}]",
                tp.per.as_str(),
                samples.join(", ")
            )
        })
    )
}

fn team_text(plan: &Plan, t: &Team) -> String {
    format!(
        "capacity {}, calendar {}",
        t.capacity, plan.calendars[t.calendar].id
    )
}

fn time_off_text(t: &Team) -> String {
    if t.time_off.is_empty() {
        return "none".into();
    }
    t.time_off
        .iter()
        .map(|o| {
            format!(
                "{} to {} at {}",
                when_text(o.from),
                when_text(o.to),
                o.capacity
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn ids_text(plan: &Plan, tasks: &[usize]) -> String {
    let mut v: Vec<&str> = tasks.iter().map(|&j| plan.tasks[j].id.as_str()).collect();
    crate::sorting::sort(&mut v);
    v.join(" ")
}

fn risk_text(plan: &Plan, r: &Risk) -> String {
    format!(
        "probability {}, impact {}, tasks {}, {:?}",
        number(r.probability),
        format_estimate(&r.impact),
        ids_text(plan, &r.tasks),
        r.status
    )
    .replace("Open", "open")
    .replace("Closed", "closed")
    .replace("Occurred", "occurred")
}

fn release_text(plan: &Plan, r: &Release) -> String {
    let mut s = format!("tasks {}", ids_text(plan, &r.tasks));
    if let Some(t) = r.target {
        s.push_str(&format!(", target {}", when_text(t)));
    }
    if !r.windows.is_empty() {
        let w: Vec<String> = r.windows.iter().map(|&w| when_text(w)).collect();
        s.push_str(&format!(", windows {}", w.join(" ")));
    }
    if let Some(c) = &r.cadence {
        s.push_str(&format!(", cadence {c:?}"));
    }
    if !r.freeze.is_empty() {
        let f: Vec<String> = r
            .freeze
            .iter()
            .map(|f| format!("{} to {}", when_text(f.from), when_text(f.to)))
            .collect();
        s.push_str(&format!(", freeze {}", f.join(" ")));
    }
    if r.value != 1.0 {
        s.push_str(&format!(", value {}", number(r.value)));
    }
    if let Some(d) = r.deployed {
        s.push_str(&format!(", deployed {}", when_text(d)));
    }
    s
}

fn correlations_text(plan: &Plan) -> String {
    let v: Vec<String> = plan
        .correlations
        .iter()
        .map(|c| format!("{} at {}", ids_text(plan, &c.tasks), number(c.coefficient)))
        .collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join("; ")
    }
}

fn calendar_view(plan: &Plan) -> (Vec<Calendar>, String) {
    (
        plan.calendars.clone(),
        plan.calendars[plan.default_calendar].id.clone(),
    )
}

fn calendars_text(plan: &Plan) -> String {
    plan.calendars
        .iter()
        .map(|c| {
            let days: String = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .iter()
                .zip(c.workdays)
                .filter(|(_, w)| *w)
                .map(|(d, _)| *d)
                .collect::<Vec<_>>()
                .join(" ");
            format!("{}: {days}, {} holidays", c.id, c.holidays.len())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Links of `src` mapped by their predecessors' ids to positions in `ids`; links to tasks
/// not there are dropped.
fn remap_links(after: &[Link], src: &Plan, ids: &[&str]) -> Vec<Link> {
    after
        .iter()
        .filter_map(|l| {
            position(ids.iter().copied(), &src.tasks[l.pred].id)
                .map(|p| Link::new(p, l.kind, l.lag))
        })
        .collect()
}

fn remap_tasks(tasks: &[usize], src: &Plan, ids: &[&str]) -> Vec<usize> {
    tasks
        .iter()
        .filter_map(|&j| position(ids.iter().copied(), &src.tasks[j].id))
        .collect()
}

/// The old plan with the changes marked in `applied` (indexed by change id - 1) taken from the
/// new one; `None` when that plan cannot be put together or is not valid.
pub fn compose(old: &Plan, new: &Plan, changes: &[Change], applied: &[bool]) -> Option<Plan> {
    let on = |kind: ChangeKind, subject: &str| {
        changes
            .iter()
            .any(|c| c.kind == kind && c.subject == subject && applied[c.id - 1])
    };
    let (calendars, default_calendar) = if changes
        .iter()
        .any(|c| c.kind == ChangeKind::Calendars && applied[c.id - 1])
    {
        (new.calendars.clone(), new.default_calendar)
    } else {
        (old.calendars.clone(), old.default_calendar)
    };
    let calendar = |src: &Plan, k: usize| {
        position(
            calendars.iter().map(|c| c.id.as_str()),
            &src.calendars[k].id,
        )
    };
    // Teams: the old ones not removed, then the added ones.
    let mut teams: Vec<Team> = Vec::new();
    for t in &old.teams {
        if on(ChangeKind::TeamRemoved, &t.id) {
            continue;
        }
        let mut x = t.clone();
        if let Some(n) = find(&new.teams, &t.id, |x| &x.id) {
            if on(ChangeKind::Capacity, &t.id) {
                x.capacity = n.capacity;
            }
            if on(ChangeKind::TimeOff, &t.id) {
                x.time_off.clone_from(&n.time_off);
            }
            if on(ChangeKind::TeamSettings, &t.id) {
                x.name.clone_from(&n.name);
                x.throughput.clone_from(&n.throughput);
                x.calendar = calendar(new, n.calendar)?;
                teams.push(x);
                continue;
            }
        }
        x.calendar = calendar(old, t.calendar)?;
        teams.push(x);
    }
    for t in &new.teams {
        if on(ChangeKind::TeamAdded, &t.id) {
            let mut x = t.clone();
            x.calendar = calendar(new, t.calendar)?;
            teams.push(x);
        }
    }
    // Tasks: the new file's order, then the old ones not yet removed.
    let mut sources: Vec<(&Task, Option<&Task>)> = Vec::new();
    for t in &new.tasks {
        match find(&old.tasks, &t.id, |x| &x.id) {
            Some(o) => sources.push((o, Some(t))),
            None if on(ChangeKind::TaskAdded, &t.id) => sources.push((t, None)),
            None => {}
        }
    }
    for t in &old.tasks {
        if find(&new.tasks, &t.id, |x| &x.id).is_none() && !on(ChangeKind::TaskRemoved, &t.id) {
            sources.push((t, None));
        }
    }
    let ids: Vec<&str> = sources.iter().map(|(t, _)| t.id.as_str()).collect();
    let mut tasks = Vec::with_capacity(sources.len());
    for &(base, newer) in &sources {
        // An added task comes whole from the new plan; others start from the old one.
        let src = if newer.is_none() && find(&old.tasks, &base.id, |x| &x.id).is_none() {
            new
        } else {
            old
        };
        let mut t = base.clone();
        t.pos = None;
        for group in TaskGroup::ALL {
            let from_new = newer.is_some_and(|_| on(group.kind(), &base.id));
            let (from, plan) = match newer {
                Some(n) if from_new => (n, new),
                _ => (base, src),
            };
            if !group.copy(&mut t, from, plan, &ids, &teams) {
                return None;
            }
        }
        tasks.push(t);
    }
    let pick = |kind: ChangeKind, id: &str| on(kind, id);
    let risks = entities(
        (old, &old.risks),
        (new, &new.risks),
        |r: &Risk| &r.id,
        &pick,
        [
            ChangeKind::RiskAdded,
            ChangeKind::Risk,
            ChangeKind::RiskRemoved,
        ],
        |r: &mut Risk, src: &Plan| r.tasks = remap_tasks(&r.tasks, src, &ids),
    );
    let releases = entities(
        (old, &old.releases),
        (new, &new.releases),
        |r: &Release| &r.id,
        &pick,
        [
            ChangeKind::ReleaseAdded,
            ChangeKind::Release,
            ChangeKind::ReleaseRemoved,
        ],
        |r: &mut Release, src: &Plan| r.tasks = remap_tasks(&r.tasks, src, &ids),
    );
    let corr_src = if on(ChangeKind::Correlations, &new.name) {
        new
    } else {
        old
    };
    let correlations = corr_src
        .correlations
        .iter()
        .map(|c| Correlation::new(remap_tasks(&c.tasks, corr_src, &ids), c.coefficient))
        .filter(|c| c.tasks.len() >= 2)
        .collect();
    let mut plan = Plan::new(new.name.clone());
    plan.start = if on(ChangeKind::Start, &new.name) {
        new.start
    } else {
        old.start
    };
    plan.calendars = calendars;
    plan.default_calendar = default_calendar;
    plan.teams = teams;
    plan.tasks = tasks;
    plan.risks = risks;
    plan.correlations = correlations;
    plan.releases = releases;
    plan.status = if on(ChangeKind::StatusDate, &new.name) {
        new.status
    } else {
        old.status
    };
    let valid = !crate::validate::validate(&plan)
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error);
    valid.then_some(plan)
}

/// The old list's entities with changed ones taken from the new list, then the added ones;
/// removed ones are left out once their change is applied.
fn entities<T: Clone>(
    (old, olds): (&Plan, &[T]),
    (new, news): (&Plan, &[T]),
    id: impl Fn(&T) -> &String,
    on: &dyn Fn(ChangeKind, &str) -> bool,
    [added, changed, removed]: [ChangeKind; 3],
    remap: impl Fn(&mut T, &Plan),
) -> Vec<T> {
    let mut out = Vec::new();
    for o in olds {
        let n = news.iter().find(|x| id(x) == id(o));
        match n {
            None if on(removed, id(o)) => {}
            Some(n) if on(changed, id(o)) => {
                let mut x = n.clone();
                remap(&mut x, new);
                out.push(x);
            }
            _ => {
                let mut x = o.clone();
                remap(&mut x, old);
                out.push(x);
            }
        }
    }
    for n in news {
        if on(added, id(n)) {
            let mut x = n.clone();
            remap(&mut x, new);
            out.push(x);
        }
    }
    out
}

/// The changes from `old` to `new` and what each did to each release: every version in
/// between simulated with `options` (same seed), the single-point ready time from the
/// default `schedule`.
pub fn diff(old: &Plan, new: &Plan, options: &Options) -> Result<Diff, DiffError> {
    let changes = changes(old, new);
    // Steps: groups of changes applied together, each ending where the plan is valid.
    let mut steps: Vec<Vec<usize>> = Vec::new();
    let mut plans: Vec<Plan> = Vec::new();
    let mut applied = vec![false; changes.len()];
    let mut group = Vec::new();
    for c in &changes {
        applied[c.id - 1] = true;
        group.push(c.id);
        if c.id == changes.len() {
            break;
        }
        if let Some(p) = compose(old, new, &changes, &applied) {
            plans.push(p);
            steps.push(std::mem::take(&mut group));
        }
    }
    if !group.is_empty() {
        steps.push(group);
    }
    let sim = |p: &Plan| simulate::simulate(p, options);
    let first = sim(old)?;
    let mut sims: Vec<Simulation> = Vec::with_capacity(plans.len() + 1);
    for p in &plans {
        sims.push(sim(p)?);
    }
    let last = sim(new)?;
    sims.push(last);
    let (s_old, s_new) = (dispatch::schedule(old), dispatch::schedule(new));
    let numbers = |plan_sched: &crate::schedule::ScheduleReport, sim: &Simulation, id: &str| {
        let r = sim.releases.iter().find(|r| r.id == id)?;
        let s = plan_sched.releases.iter().find(|r| r.id == id)?;
        Some(ReleaseNumbers {
            ready: s.ready,
            ready_date: s.ready_date,
            p50: r.ready.p50,
            p80: r.ready.p80,
            p50_date: r.ready_date.as_ref().map(|d| d.p50),
            p80_date: r.ready_date.as_ref().map(|d| d.p80),
            on_time_probability: r.on_time_probability,
        })
    };
    let new_sim = sims.last().expect("the new version's run");
    let mut ids: Vec<&str> = new.releases.iter().map(|r| r.id.as_str()).collect();
    ids.extend(
        old.releases
            .iter()
            .filter(|r| !new.releases.iter().any(|x| x.id == r.id))
            .map(|r| r.id.as_str()),
    );
    let releases = ids
        .into_iter()
        .map(|id| {
            let o = numbers(&s_old, &first, id);
            let n = numbers(&s_new, new_sim, id);
            let (p80_change, attribution) = match (&o, &n) {
                (Some(o), Some(n)) => (Some(n.p80 - o.p80), attribute(&first, &sims, &steps, id)),
                _ => (None, Vec::new()),
            };
            ReleaseDiff {
                id: id.to_string(),
                old: o,
                new: n,
                p80_change,
                attribution,
            }
        })
        .collect();
    Ok(Diff {
        changes,
        releases,
        iterations: options.iterations,
        seed: options.seed,
    })
}

/// Each step's move of release `id`'s P80 (steps that moved it).
fn attribute(first: &Simulation, sims: &[Simulation], steps: &[Vec<usize>], id: &str) -> Vec<Part> {
    let p80 = |s: &Simulation| s.releases.iter().find(|r| r.id == id).map(|r| r.ready.p80);
    let mut prev = p80(first);
    let mut out = Vec::new();
    for (s, step) in sims.iter().zip(steps) {
        let now = p80(s);
        if let (Some(a), Some(b)) = (prev, now) {
            let change = b - a;
            if change != 0.0 {
                out.push(Part {
                    change: step[0],
                    with: step[1..].to_vec(),
                    p80_change: change,
                });
            }
        }
        prev = now;
    }
    out
}

#[cfg(test)]
mod tests;
