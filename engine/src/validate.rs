//! Checking a plan, however it was made: parsed, imported, built in code, edited or patched.
//!
//! [`validate`] takes any [`Plan`] and returns every rule it breaks as a [`Diagnostic`]: ids,
//! references (indices in range), estimates ordered, demands within capacity, links acyclic,
//! dates and periods of the right kind, and the [limits](#limits) below. Readers keep where
//! each part of the plan was written in a [`Spans`] side table and call [`validate_with`], so
//! the errors carry the line and column of the field concerned; without spans, a diagnostic
//! falls back to the position stored on the entity (if any) and always names it.
//!
//! Plans are built with [`PlanBuilder`] (or the constructors in [`crate::model`]), whose
//! [`PlanBuilder::build`] runs [`validate`].
//!
//! # Limits
//!
//! What the engine accepts (docs/SPEC.md, section "Limits"): each is checked here with an
//! error that names the field, so that no later step meets a value it cannot serve.
//! Durations, lags and periods are in working days (dated plans) or periods (undated).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::diag::{sort_by_position, Diagnostic, Pos};
use crate::model::{
    Cadence, Calendar, Correlation, Estimate, Link, LinkKind, Plan, Release, Risk, Task, TaskKind,
    Team, When,
};

/// At most this many tasks.
pub const MAX_TASKS: usize = 200_000;
/// At most this many links (`after` entries) in the whole plan.
pub const MAX_LINKS: usize = 2_000_000;
/// At most this many teams.
pub const MAX_TEAMS: usize = 1_000;
/// At most this many calendars.
pub const MAX_CALENDARS: usize = 1_000;
/// At most this many risks.
pub const MAX_RISKS: usize = 10_000;
/// At most this many correlation entries.
pub const MAX_CORRELATIONS: usize = 10_000;
/// At most this many distinct tasks named by correlations (their matrix is dense).
pub const MAX_CORRELATED_TASKS: usize = 500;
/// At most this many releases.
pub const MAX_RELEASES: usize = 10_000;
/// At most this many entries in one list: a calendar's holidays, a team's time off, a
/// release's windows or freezes.
pub const MAX_LIST: usize = 10_000;
/// The largest estimate value (low, likely, high, median, p90, a fixed duration) and the
/// largest risk impact: the longest span the calendars serve ([`crate::calendar::limits::MAX_SPAN`]).
pub const MAX_DURATION: f64 = crate::calendar::limits::MAX_SPAN;
/// The largest lag or lead, either way (as [`MAX_DURATION`]).
pub const MAX_LAG: f64 = crate::calendar::limits::MAX_SPAN;
/// The largest point in time of an undated plan (a target, window, time off, freeze or
/// cadence period) and the largest cadence `every`.
pub const MAX_PERIOD: f64 = 100_000.0;
/// The most throughput samples a team may hold.
pub const MAX_SAMPLES: usize = 10_000;
/// The largest throughput sample and the largest item count.
pub const MAX_ITEMS: f64 = 1_000_000.0;
/// The largest team capacity (and so demand).
pub const MAX_CAPACITY: u32 = 100_000;
/// The largest release `value`.
pub const MAX_VALUE: f64 = 1_000_000.0;
/// The largest cadence `every_weeks`.
pub const MAX_EVERY_WEEKS: u32 = 104;
/// The longest id (of a task, team, calendar, risk or release), in characters.
pub const MAX_ID_CHARS: usize = 200;
/// The longest name (of the plan or a task), in characters.
pub const MAX_NAME_CHARS: usize = 1_000;
/// The earliest date accepted anywhere in a plan.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};
/// The latest date accepted anywhere in a plan.
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// A part of a plan that has a place in the source: the key of [`Spans`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Item {
    /// The `[plan]` section.
    Plan,
    /// Calendar `i` of [`Plan::calendars`].
    Calendar(usize),
    /// Holiday `j` (in sorted order) of calendar `i`.
    Holiday(usize, usize),
    /// Team `k` of [`Plan::teams`].
    Team(usize),
    /// Time off `j` of team `k`.
    TimeOff(usize, usize),
    /// Task `j` of [`Plan::tasks`].
    Task(usize),
    /// Extra demand `e` of task `j`.
    ExtraDemand(usize, usize),
    /// Link `l` of task `j`'s `after`.
    Link(usize, usize),
    /// Risk `i`.
    Risk(usize),
    /// Correlation `i`.
    Correlation(usize),
    /// Release `i`.
    Release(usize),
    /// Window `j` of release `i`.
    Window(usize, usize),
    /// Freeze `j` of release `i`.
    Freeze(usize, usize),
}

/// Where the parts of a plan were written, and which of them a reader already reported.
///
/// Keyed by an [`Item`] and a field name as the plan format spells it (`"estimate"`, `"lag"`,
/// `"capacity"`, ...; `""` for the item itself). A reader that met a problem in a field and
/// reported it marks the field with [`Spans::mark_reported`], so that [`validate_with`] does
/// not report the placeholder the reader left there.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    at: HashMap<(Item, &'static str), Pos>,
    reported: HashSet<(Item, &'static str)>,
}

impl Spans {
    /// Records that `field` of `item` is written at `pos`.
    pub fn set(&mut self, item: Item, field: &'static str, pos: Pos) {
        self.at.insert((item, field), pos);
    }

    /// Where `field` of `item` is written, if known.
    pub fn get(&self, item: Item, field: &'static str) -> Option<Pos> {
        self.at.get(&(item, field)).copied()
    }

    /// Marks `field` of `item` as already reported by the reader.
    pub fn mark_reported(&mut self, item: Item, field: &'static str) {
        self.reported.insert((item, field));
    }

    /// Whether the reader already reported a problem in `field` of `item`.
    pub fn is_reported(&self, item: Item, field: &'static str) -> bool {
        self.reported.contains(&(item, field))
    }
}

/// Every rule `plan` breaks, sorted by position (those without one last). Empty when valid.
///
/// ```
/// use shipdate_engine::model::{Estimate, Plan, Task};
///
/// let mut plan = Plan::new("demo");
/// plan.tasks.push(Task::new("api", Estimate::Pert { low: 5.0, likely: 3.0, high: 9.0 }));
/// let errors = shipdate_engine::validate::validate(&plan);
/// assert_eq!(errors[0].message, "task `api`: estimate has low (5) above likely (3)");
/// assert_eq!(errors[0].subject.as_deref(), Some("api"));
/// ```
pub fn validate(plan: &Plan) -> Vec<Diagnostic> {
    let out = validate_with(plan, &Spans::default());
    if !out.is_empty() {
        return out;
    }
    // A plan within the field limits must still fit the time axis the calendars serve (the
    // readers check this too, locating each finding at its field in the text).
    let out = crate::calendar::limits::check(plan)
        .into_iter()
        .map(|e| {
            let d = Diagnostic::error(entity_pos(plan, &e.path), e.message);
            match e.subject {
                Some(s) => d.with_subject(s),
                None => d,
            }
        })
        .collect();
    sort_by_position(out)
}

/// The position stored on the entity a time-axis limit's `path` starts in (a task, team, risk
/// or release that a reader located), if any.
fn entity_pos(plan: &Plan, path: &[crate::calendar::limits::Key]) -> Option<Pos> {
    use crate::calendar::limits::Key;
    match path {
        [Key::Name(list), Key::Index(i), ..] => match list.as_str() {
            "tasks" => plan.tasks.get(*i)?.pos,
            "risks" => plan.risks.get(*i)?.pos,
            "releases" => plan.releases.get(*i)?.pos,
            _ => None,
        },
        [Key::Name(list), Key::Name(id), ..] if list == "teams" => {
            plan.teams.iter().find(|t| &t.id == id)?.pos
        }
        _ => None,
    }
}

/// [`validate`]'s field rules, locating each finding at the field recorded in `spans` (else at
/// the entity's own position) and skipping fields the reader already reported. The time-axis
/// limits ([`crate::calendar::limits::check`]) are left to the caller, which can locate them.
pub fn validate_with(plan: &Plan, spans: &Spans) -> Vec<Diagnostic> {
    let mut v = V {
        plan,
        spans,
        out: Vec::new(),
        dated: plan.start.is_some() || spans.is_reported(Item::Plan, "start"),
    };
    v.counts();
    if v.indices() {
        v.plan_section();
        v.calendars();
        v.teams();
        v.tasks();
        v.cycles();
        v.risks();
        v.correlations();
        v.releases();
    }
    sort_by_position(v.out)
}

// ---------------------------------------------------------------------------------------------
// The rules on single values, shared with the readers (which report them where they read).

/// What is wrong with an estimate's numbers, as the tail of a message after "estimate " (or
/// "impact "): not finite, negative, out of order. Limits are checked apart ([`MAX_DURATION`]).
pub(crate) fn estimate_problem(e: &Estimate) -> Option<String> {
    let named: Vec<(&str, f64)> = match *e {
        Estimate::Fixed { value } => vec![("value", value)],
        Estimate::Pert { low, likely, high } | Estimate::Triangular { low, likely, high } => {
            vec![("low", low), ("likely", likely), ("high", high)]
        }
        Estimate::Uniform { low, high } => vec![("low", low), ("high", high)],
        Estimate::Lognormal { median, p90 } => vec![("median", median), ("p90", p90)],
    };
    for &(k, v) in &named {
        if !v.is_finite() {
            return Some(format!("`{k}` must be a finite number"));
        }
    }
    for &(k, v) in &named {
        if v < 0.0 {
            return Some(format!("must not be negative ({k} = {v})"));
        }
    }
    match *e {
        Estimate::Pert { low, likely, high } | Estimate::Triangular { low, likely, high } => {
            if low > likely {
                return Some(format!("has low ({low}) above likely ({likely})"));
            }
            if likely > high {
                return Some(format!("has likely ({likely}) above high ({high})"));
            }
        }
        Estimate::Uniform { low, high } if low > high => {
            return Some(format!("has low ({low}) above high ({high})"));
        }
        Estimate::Lognormal { median, p90 } => {
            if median <= 0.0 {
                return Some(format!("has median {median}; it must be above 0"));
            }
            if p90 <= median {
                return Some(format!("has p90 ({p90}) not above the median ({median})"));
            }
        }
        _ => {}
    }
    None
}

/// What is wrong with a risk's probability.
pub(crate) fn probability_problem(p: f64) -> Option<String> {
    (!(p > 0.0 && p <= 1.0)).then(|| format!("`probability` must be in (0, 1], not {p}"))
}

/// What is wrong with a correlation coefficient.
pub(crate) fn coefficient_problem(c: f64) -> Option<String> {
    (!(0.0..1.0).contains(&c)).then(|| format!("`coefficient` must be in [0, 1), not {c}"))
}

/// What is wrong with a release's value (limit apart).
pub(crate) fn value_problem(v: f64) -> Option<String> {
    (v.is_nan() || v < 0.0).then(|| format!("`value` must not be negative ({v})"))
}

/// What is wrong with an undated cadence's `every` (limit apart).
pub(crate) fn every_problem(v: f64) -> Option<String> {
    (v.is_nan() || v <= 0.0).then(|| format!("cadence `every` must be above 0, not {v}"))
}

/// A number as a message shows it: whole numbers plainly, very large or small ones in
/// scientific notation (so 1e308 does not print 309 digits).
/// Whether `a` comes after `b` (points of the same kind; mixed kinds are the `when` rule's).
fn later(a: When, b: When) -> bool {
    match (a, b) {
        (When::Date(a), When::Date(b)) => a > b,
        (When::Period(a), When::Period(b)) => a > b,
        _ => false,
    }
}

/// A point in plan time as the plan writes it.
fn when_text(w: When) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::Period(p) => show(p),
    }
}

fn show(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e9 || v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

// ---------------------------------------------------------------------------------------------

struct V<'a> {
    plan: &'a Plan,
    spans: &'a Spans,
    out: Vec<Diagnostic>,
    dated: bool,
}

fn task_label(t: &Task, j: usize) -> String {
    label("task", &t.id, j)
}

fn label(kind: &str, id: &str, i: usize) -> String {
    if id.is_empty() {
        format!("{kind} #{}", i + 1)
    } else {
        format!("{kind} `{id}`")
    }
}

fn subject(id: &str) -> Option<&str> {
    (!id.is_empty()).then_some(id)
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The message of an id that holds characters outside the plan format's id alphabet.
pub(crate) fn id_problem(kind: &str, id: &str) -> Option<String> {
    (!valid_id(id))
        .then(|| format!("{kind} id `{id}` may hold only letters, digits, '.', '_' and '-'"))
}

impl V<'_> {
    fn at(&self, item: Item, field: &'static str, fallback: Option<Pos>) -> Option<Pos> {
        self.spans.get(item, field).or(fallback)
    }

    fn push(&mut self, pos: Option<Pos>, subject: Option<&str>, msg: String, help: Option<String>) {
        let mut d = Diagnostic::error(pos, msg);
        d.subject = subject.map(str::to_string);
        d.help = help;
        self.out.push(d);
    }

    fn limit_help(&mut self) -> Option<String> {
        Some("see the limits in the plan format (docs/SPEC.md)".into())
    }

    fn count(&mut self, what: &str, n: usize, max: usize, pos: Option<Pos>) {
        if n > max {
            let help = self.limit_help();
            self.push(
                pos,
                None,
                format!("the plan has {n} {what}; at most {max} are accepted"),
                help,
            );
        }
    }

    fn counts(&mut self) {
        let p = self.plan;
        let first_over = |v: &[Option<Pos>], max: usize| v.get(max).copied().flatten();
        let task_pos: Vec<Option<Pos>> = p.tasks.iter().map(|t| t.pos).collect();
        self.count(
            "tasks",
            p.tasks.len(),
            MAX_TASKS,
            first_over(&task_pos, MAX_TASKS),
        );
        let links: usize = p.tasks.iter().map(|t| t.after.len()).sum();
        self.count("links", links, MAX_LINKS, None);
        let team_pos: Vec<Option<Pos>> = p.teams.iter().map(|t| t.pos).collect();
        self.count(
            "teams",
            p.teams.len(),
            MAX_TEAMS,
            first_over(&team_pos, MAX_TEAMS),
        );
        self.count("calendars", p.calendars.len(), MAX_CALENDARS, None);
        let risk_pos: Vec<Option<Pos>> = p.risks.iter().map(|r| r.pos).collect();
        self.count(
            "risks",
            p.risks.len(),
            MAX_RISKS,
            first_over(&risk_pos, MAX_RISKS),
        );
        let c_pos: Vec<Option<Pos>> = p.correlations.iter().map(|c| c.pos).collect();
        let nc = p.correlations.len();
        self.count(
            "correlations",
            nc,
            MAX_CORRELATIONS,
            first_over(&c_pos, MAX_CORRELATIONS),
        );
        let mut correlated: Vec<usize> = p
            .correlations
            .iter()
            .flat_map(|c| c.tasks.clone())
            .collect();
        crate::sorting::sort(&mut correlated);
        correlated.dedup();
        self.count(
            "correlated tasks",
            correlated.len(),
            MAX_CORRELATED_TASKS,
            p.correlations.first().and_then(|c| c.pos),
        );
        let r_pos: Vec<Option<Pos>> = p.releases.iter().map(|r| r.pos).collect();
        self.count(
            "releases",
            p.releases.len(),
            MAX_RELEASES,
            first_over(&r_pos, MAX_RELEASES),
        );
    }

    /// Every index in range; false (and errors) if not, as nothing else can then be checked.
    fn indices(&mut self) -> bool {
        let p = self.plan;
        let before = self.out.len();
        let (nc, nk, nt) = (p.calendars.len(), p.teams.len(), p.tasks.len());
        let bad = |v: &mut Self, pos: Option<Pos>, who: String, what: &str, i: usize, n: usize| {
            v.push(
                pos,
                None,
                format!("{who}: {what} index {i} is out of range ({n} in the plan)"),
                None,
            );
        };
        if p.default_calendar >= nc {
            bad(
                self,
                None,
                "[plan]".into(),
                "default calendar",
                p.default_calendar,
                nc,
            );
        }
        for (k, t) in p.teams.iter().enumerate() {
            if t.calendar >= nc {
                bad(
                    self,
                    t.pos,
                    label("team", &t.id, k),
                    "calendar",
                    t.calendar,
                    nc,
                );
            }
        }
        for (j, t) in p.tasks.iter().enumerate() {
            let who = task_label(t, j);
            let teams = t
                .team
                .into_iter()
                .chain(t.extra_demands.iter().map(|&(k, _)| k));
            for k in teams.filter(|&k| k >= nk).collect::<Vec<_>>() {
                bad(self, t.pos, who.clone(), "team", k, nk);
            }
            for l in t.after.iter().filter(|l| l.pred >= nt) {
                bad(
                    self,
                    l.pos.or(t.pos),
                    who.clone(),
                    "predecessor task",
                    l.pred,
                    nt,
                );
            }
        }
        let lists = p
            .risks
            .iter()
            .enumerate()
            .map(|(i, r)| (label("risk", &r.id, i), &r.tasks, r.pos));
        let lists = lists
            .chain(
                p.correlations
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (format!("correlation #{}", i + 1), &c.tasks, c.pos)),
            )
            .chain(
                p.releases
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (label("release", &r.id, i), &r.tasks, r.pos)),
            );
        for (who, tasks, pos) in lists.collect::<Vec<_>>() {
            for &j in tasks.iter().filter(|&&j| j >= nt) {
                bad(self, pos, who.clone(), "task", j, nt);
            }
        }
        self.out.len() == before
    }

    fn plan_section(&mut self) {
        let p = self.plan;
        let name_at = self.at(Item::Plan, "name", None);
        if !self.spans.is_reported(Item::Plan, "name") {
            if p.name.trim().is_empty() {
                self.push(name_at, None, "[plan]: `name` is empty".into(), None);
            } else if p.name.chars().count() > MAX_NAME_CHARS {
                let help = self.limit_help();
                let msg = format!("[plan]: `name` is longer than {MAX_NAME_CHARS} characters");
                self.push(name_at, None, msg, help);
            }
        }
        if let Some(start) = p.start {
            let at = self.at(Item::Plan, "start", None);
            self.date(start, at, "[plan]", None, "start");
        }
        if let Some(status) = p.status {
            let key = if self.dated { "status_date" } else { "status" };
            let at = self.at(Item::Plan, "status", None);
            self.when(status, at, "[plan]", None, key);
        }
    }

    /// A date outside [`FIRST_DATE`, `LAST_DATE`] is an error naming the field.
    fn date(&mut self, d: NaiveDate, at: Option<Pos>, who: &str, subject: Option<&str>, key: &str) {
        if d < FIRST_DATE || d > LAST_DATE {
            let help = self.limit_help();
            let msg = format!(
                "{who}: `{key}` {d} is outside the accepted dates ({FIRST_DATE} to {LAST_DATE})"
            );
            self.push(at, subject, msg, help);
        }
    }

    /// A point in time: a date in a dated plan, periods in [0, MAX_PERIOD] in an undated one.
    fn when(&mut self, w: When, at: Option<Pos>, who: &str, subject: Option<&str>, key: &str) {
        match (w, self.dated) {
            (When::Date(d), true) => self.date(d, at, who, subject, key),
            (When::Period(v), false) => {
                if !v.is_finite() {
                    self.push(
                        at,
                        subject,
                        format!("{who}: `{key}` must be a finite number"),
                        None,
                    );
                } else if v < 0.0 {
                    self.push(
                        at,
                        subject,
                        format!("{who}: `{key}` must not be negative ({v})"),
                        None,
                    );
                } else if v > MAX_PERIOD {
                    let help = self.limit_help();
                    let msg = format!(
                        "{who}: `{key}` is {}; at most {MAX_PERIOD} periods are accepted",
                        show(v)
                    );
                    self.push(at, subject, msg, help);
                }
            }
            (When::Period(_), true) => self.push(
                at,
                subject,
                format!("{who}: `{key}` must be a date: the plan has a start date"),
                Some("write dates as YYYY-MM-DD".into()),
            ),
            (When::Date(_), false) => self.push(
                at,
                subject,
                format!("{who}: `{key}` must be a number of periods: the plan has no start date"),
                Some("set `start` in [plan] to use dates".into()),
            ),
        }
    }

    fn id(&mut self, item: Item, kind: &str, id: &str, pos: Option<Pos>) {
        if self.spans.is_reported(item, "id") {
            return;
        }
        let at = self.at(item, "id", pos);
        if let Some(msg) = id_problem(kind, id) {
            self.push(at, Some(id), msg, None);
        } else if id.chars().count() > MAX_ID_CHARS {
            let help = self.limit_help();
            let msg = format!(
                "{kind} id `{}...` is longer than {MAX_ID_CHARS} characters",
                id.chars().take(20).collect::<String>()
            );
            self.push(at, Some(id), msg, help);
        }
    }

    /// Duplicate ids among `ids` (with their items and positions), the first one kept.
    fn duplicates<'i>(
        &mut self,
        kind: &str,
        ids: impl Iterator<Item = (&'i str, Item, Option<Pos>)>,
    ) {
        let mut seen: HashMap<&str, (usize, Option<Pos>)> = HashMap::new();
        for (i, (id, item, pos)) in ids.enumerate() {
            if id.is_empty() {
                continue;
            }
            match seen.get(id) {
                Some(_) if self.spans.is_reported(item, "duplicate") => {}
                Some(&(first, first_pos)) => {
                    let help = match first_pos {
                        Some(p) => format!("the first {kind} `{id}` is at line {}", p.line),
                        None => format!("the first {kind} `{id}` is number {}", first + 1),
                    };
                    self.push(
                        pos,
                        Some(id),
                        format!("duplicate {kind} id `{id}`"),
                        Some(help),
                    );
                }
                None => {
                    seen.insert(id, (i, pos));
                }
            }
        }
    }

    fn list_len(&mut self, n: usize, at: Option<Pos>, who: &str, subject: Option<&str>, key: &str) {
        if n > MAX_LIST {
            let help = self.limit_help();
            let msg = format!("{who}: `{key}` has {n} entries; at most {MAX_LIST} are accepted");
            self.push(at, subject, msg, help);
        }
    }

    fn calendars(&mut self) {
        let p = self.plan;
        for (i, c) in p.calendars.iter().enumerate() {
            let item = Item::Calendar(i);
            self.id(item, "calendar", &c.id, None);
            let who = format!("calendar `{}`", c.id);
            let at = self.at(item, "workdays", self.at(item, "", None));
            if !c.workdays.contains(&true) && !self.spans.is_reported(item, "workdays") {
                self.push(
                    at,
                    Some(&c.id),
                    format!("{who}: a calendar needs at least one workday"),
                    None,
                );
            }
            let hat = self.at(item, "holidays", self.at(item, "", None));
            self.list_len(c.holidays.len(), hat, &who, Some(&c.id), "holidays");
            if c.holidays.windows(2).any(|w| w[0] >= w[1]) {
                let msg = format!("{who}: `holidays` must be sorted, without duplicates");
                self.push(hat, Some(&c.id), msg, None);
            }
            for (j, &d) in c.holidays.iter().enumerate() {
                let at = self.at(Item::Holiday(i, j), "", hat);
                self.date(d, at, &who, Some(&c.id), "holidays");
            }
        }
        let ids = p.calendars.iter().enumerate();
        self.duplicates(
            "calendar",
            ids.map(|(i, c)| (c.id.as_str(), Item::Calendar(i), None)),
        );
    }

    fn teams(&mut self) {
        let p = self.plan;
        for (k, t) in p.teams.iter().enumerate() {
            self.team(k, t);
        }
        let ids = p.teams.iter().enumerate();
        self.duplicates(
            "team",
            ids.map(|(k, t)| (t.id.as_str(), Item::Team(k), t.pos)),
        );
    }

    fn team(&mut self, k: usize, t: &Team) {
        let item = Item::Team(k);
        let who = format!("team `{}`", t.id);
        let sub = Some(t.id.as_str());
        self.id(item, "team", &t.id, t.pos);
        let cap_known = !self.spans.is_reported(item, "capacity");
        let cap_at = self.at(item, "capacity", t.pos);
        if cap_known && t.capacity < 1 {
            self.push(
                cap_at,
                sub,
                format!("{who}: `capacity` must be at least 1, not 0"),
                None,
            );
        } else if cap_known && t.capacity > MAX_CAPACITY {
            let help = self.limit_help();
            let msg = format!(
                "{who}: `capacity` is {}; at most {MAX_CAPACITY} is accepted",
                t.capacity
            );
            self.push(cap_at, sub, msg, help);
        }
        self.list_len(
            t.time_off.len(),
            self.at(item, "time_off", t.pos),
            &who,
            sub,
            "time_off",
        );
        for (j, off) in t.time_off.iter().enumerate() {
            let oi = Item::TimeOff(k, j);
            let at = self.at(oi, "", t.pos);
            let off_who = format!("{who} time off");
            self.when(off.from, self.at(oi, "from", at), &off_who, sub, "from");
            self.when(off.to, self.at(oi, "to", at), &off_who, sub, "to");
            if off.to < off.from && !self.spans.is_reported(oi, "") {
                let msg = format!("{who}: time_off ends (`to`) before it starts (`from`)");
                self.push(at, sub, msg, None);
            }
            if cap_known && off.capacity > t.capacity {
                let msg = format!(
                    "{who}: time off capacity {} is above the team's capacity {}",
                    off.capacity, t.capacity
                );
                self.push(at, sub, msg, None);
            }
        }
        // Time only runs on the plan calendar's working days: a team whose calendar shares
        // none of them could never work, and its tasks would never finish.
        let cals = &self.plan.calendars;
        let (own, plan_cal) = (&cals[t.calendar], &cals[self.plan.default_calendar]);
        if self.dated && !(0..7).any(|d| own.workdays[d] && plan_cal.workdays[d]) {
            let at = self.at(item, "calendar", t.pos);
            let msg = format!(
                "{who}: its calendar `{}` shares no working weekday with the plan calendar `{}`, so it could never work",
                own.id, plan_cal.id
            );
            let help = "give the team's calendar at least one of the plan's working weekdays";
            self.push(at, sub, msg, Some(help.into()));
        }
        self.throughput(k, t);
    }

    /// A team's throughput samples (SPEC section 9): at least one above 0, none negative,
    /// within the limits.
    fn throughput(&mut self, k: usize, t: &Team) {
        let item = Item::Team(k);
        let Some(tp) = &t.throughput else { return };
        if self.spans.is_reported(item, "throughput") {
            return;
        }
        let who = format!("team `{}`", t.id);
        let sub = Some(t.id.as_str());
        let at = self.at(item, "throughput", t.pos);
        if tp.samples.len() > MAX_SAMPLES {
            let help = self.limit_help();
            let msg = format!(
                "{who}: throughput has {} samples; at most {MAX_SAMPLES} are accepted",
                tp.samples.len()
            );
            self.push(at, sub, msg, help);
        }
        if let Some((i, &x)) = tp
            .samples
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite() || **x < 0.0)
        {
            let msg = format!(
                "{who}: throughput sample {} is {}; a count of items finished cannot be negative",
                i + 1,
                show(x)
            );
            let help = "remove it or write the count of items finished in that period";
            self.push(at, sub, msg, Some(help.into()));
        } else if !tp.samples.iter().any(|&x| x > 0.0) {
            let msg = format!(
                "{who}: throughput has no sample above 0, so its item-sized tasks would never finish"
            );
            let help = "add the periods in which it finished items (`shipdate throughput FILE.csv` counts them from a tracker's export)";
            self.push(at, sub, msg, Some(help.into()));
        } else if let Some(&x) = tp.samples.iter().find(|&&x| x > MAX_ITEMS) {
            let help = self.limit_help();
            let msg = format!(
                "{who}: throughput sample {}; at most {} items per period are accepted",
                show(x),
                show(MAX_ITEMS)
            );
            self.push(at, sub, msg, help);
        }
    }

    /// An item-sized task (SPEC section 9): no estimate, a team with throughput and a demand,
    /// ordered ranges within the limits.
    fn items(&mut self, j: usize, t: &Task, who: &str) {
        let Some(items) = t.items else { return };
        let item = Item::Task(j);
        if self.spans.is_reported(item, "items") {
            return;
        }
        let sub = subject(&t.id);
        let at = self.at(item, "items", t.pos);
        if t.kind == TaskKind::Milestone {
            let msg = format!("{who}: a milestone takes no time; it cannot have `items`");
            self.push(
                at,
                sub,
                msg,
                Some("remove `items` or set kind = \"work\"".into()),
            );
            return;
        }
        if t.estimate != (Estimate::Fixed { value: 0.0 }) {
            let msg = format!(
                "{who}: has both `items` and `estimate`; an item-sized task takes its duration from its team's throughput"
            );
            let help = "remove `estimate`, or remove `items` to estimate it in days";
            self.push(at, sub, msg, Some(help.into()));
        }
        let team = t.team.map(|k| &self.plan.teams[k]);
        match team {
            None => {
                let msg =
                    format!("{who}: has `items` but no `team`; its pace is its team's throughput");
                let help = "add team = \"...\" (a team with `throughput`)";
                self.push(at, sub, msg, Some(help.into()));
            }
            Some(team) if team.throughput.is_none() => {
                let msg = format!(
                    "{who}: has `items` but its team `{}` has no `throughput`",
                    team.id
                );
                let help = format!(
                    "add to [teams.{}] throughput = {{ per = \"day\", samples = [...] }} (`shipdate throughput FILE.csv` prints it), or give the task an `estimate`",
                    team.id
                );
                self.push(at, sub, msg, Some(help));
            }
            Some(_) if t.demand == 0 => {
                let msg = format!("{who}: an item-sized task needs a `demand` of at least 1 (it gets demand / capacity of its team's throughput)");
                self.push(self.at(item, "demand", at), sub, msg, None);
            }
            Some(_) => {}
        }
        if items.low > items.high {
            let msg = format!(
                "{who}: `items` has low ({}) above high ({})",
                items.low, items.high
            );
            self.push(at, sub, msg, None);
        } else if f64::from(items.high) > MAX_ITEMS {
            let help = self.limit_help();
            let msg = format!(
                "{who}: `items` is {}; at most {} are accepted",
                items.high,
                show(MAX_ITEMS)
            );
            self.push(at, sub, msg, help);
        }
        if let Some((low, high)) = items.split {
            let split_at = self.at(item, "split", at);
            if !(low > 0.0 && low <= high && high <= 100.0) {
                let msg = format!(
                    "{who}: `split` must have 0 < low <= high <= 100, not low = {}, high = {}",
                    show(low),
                    show(high)
                );
                let help =
                    "e.g. split = { low = 1.0, high = 1.3 }: the item count grows by 0% to 30%";
                self.push(split_at, sub, msg, Some(help.into()));
            }
        }
        if !self.out.is_empty() {
            return;
        }
        if let Some(point) = self.plan.items_point(j) {
            if point > MAX_DURATION {
                let help = self.limit_help();
                let msg = format!(
                    "{who}: at its team's mean throughput its items take {} working days; at most {MAX_DURATION} are accepted",
                    show(point.min(1e12))
                );
                self.push(at, sub, msg, help);
            }
        }
    }

    fn tasks(&mut self) {
        let p = self.plan;
        for (j, t) in p.tasks.iter().enumerate() {
            self.task(j, t);
        }
        let ids = p.tasks.iter().enumerate();
        self.duplicates(
            "task",
            ids.map(|(j, t)| (t.id.as_str(), Item::Task(j), t.pos)),
        );
    }

    fn task(&mut self, j: usize, t: &Task) {
        let item = Item::Task(j);
        let who = task_label(t, j);
        let sub = subject(&t.id);
        self.id(item, "task", &t.id, t.pos);
        if let Some(name) = &t.name {
            if name.chars().count() > MAX_NAME_CHARS {
                let help = self.limit_help();
                let msg = format!("{who}: `name` is longer than {MAX_NAME_CHARS} characters");
                self.push(self.at(item, "name", t.pos), sub, msg, help);
            }
        }
        self.demands(j, t, &who);
        let est_at = self.at(item, "estimate", t.pos);
        self.estimate(&t.estimate, est_at, &who, sub, "estimate");
        if t.kind == TaskKind::Milestone && t.estimate != (Estimate::Fixed { value: 0.0 }) {
            let msg = format!("{who}: a milestone takes no time; its estimate must be 0");
            self.push(
                est_at,
                sub,
                msg,
                Some("remove `estimate` or set kind = \"work\"".into()),
            );
        }
        self.items(j, t, &who);
        for (l, link) in t.after.iter().enumerate() {
            self.link(j, l, link, &who, sub);
        }
        self.task_dates(j, t, &who);
        self.task_progress(j, t, &who);
    }

    /// `not_before` and `due`: points in the plan's time.
    fn task_dates(&mut self, j: usize, t: &Task, who: &str) {
        let item = Item::Task(j);
        let sub = subject(&t.id);
        for (key, w) in [("not_before", t.dates.not_before), ("due", t.dates.due)] {
            if let Some(w) = w {
                if !self.spans.is_reported(item, key) {
                    self.when(w, self.at(item, key, t.pos), who, sub, key);
                }
            }
        }
    }

    /// The rules of SPEC section 6 on a task's progress (each located at its field, with the
    /// fix in the message).
    fn task_progress(&mut self, j: usize, t: &Task, who: &str) {
        let item = Item::Task(j);
        let sub = subject(&t.id);
        let a = &t.actual;
        let at = |v: &Self, key: &'static str| v.at(item, key, t.pos);
        for (key, w) in [("started", a.started), ("done", a.done)] {
            let Some(w) = w else { continue };
            if self.spans.is_reported(item, key) {
                continue;
            }
            self.when(w, at(self, key), who, sub, key);
            match self.plan.status {
                None => {
                    let (status, example) = if self.dated {
                        ("status_date", "status_date = YYYY-MM-DD")
                    } else {
                        ("status", "status = N")
                    };
                    let msg =
                        format!("{who}: `{key}` needs a status date: the plan has no `{status}`");
                    let help = Some(format!(
                        "add `{example}` to [plan] (the \"as of\" of the progress)"
                    ));
                    self.push(at(self, key), sub, msg, help);
                }
                Some(s) if later(w, s) => {
                    let msg = format!(
                        "{who}: `{key}` {} is after the status date {}",
                        when_text(w),
                        when_text(s)
                    );
                    let help = Some(format!(
                        "move the status date on, or remove `{key}` if the work is still to come"
                    ));
                    self.push(at(self, key), sub, msg, help);
                }
                Some(_) => {}
            }
        }
        if let (Some(st), Some(dn)) = (a.started, a.done) {
            if later(st, dn) && !self.spans.is_reported(item, "done") {
                let msg = format!(
                    "{who}: `done` {} is before `started` {}",
                    when_text(dn),
                    when_text(st)
                );
                let help = Some("a task finishes on or after the day it started".into());
                self.push(at(self, "done"), sub, msg, help);
            }
        }
        if let Some(p) = a.progress {
            if !(0.0..1.0).contains(&p) && !self.spans.is_reported(item, "progress") {
                let msg = format!("{who}: `progress` is {}; it must be in [0, 1)", show(p));
                let help = Some(
                    "give the share done as a fraction (0.6 for 60%); a finished task takes `done = DATE`"
                        .into(),
                );
                self.push(at(self, "progress"), sub, msg, help);
            }
        }
        if let Some(r) = &a.remaining {
            if !self.spans.is_reported(item, "remaining") {
                self.estimate(r, at(self, "remaining"), who, sub, "remaining");
            }
            if a.progress.is_some() {
                let msg = format!("{who}: `remaining` and `progress` are both given");
                let help =
                    Some("keep one: `remaining` (work left) or `progress` (share done)".into());
                self.push(at(self, "progress"), sub, msg, help);
            }
        }
        self.overrun(j, t, who);
    }

    /// A started task with neither `remaining` nor `progress` that has run at least its
    /// estimate's upper limit: the rule "the estimate given that it is not done" has no answer.
    fn overrun(&mut self, j: usize, t: &Task, who: &str) {
        let a = &t.actual;
        let (Some(started), None, None, None, Some(status)) =
            (a.started, a.done, a.remaining, a.progress, self.plan.status)
        else {
            return;
        };
        if t.kind == TaskKind::Milestone || later(started, status) {
            return;
        }
        let Some(high) = crate::network::progress::upper_limit(&t.estimate) else {
            return;
        };
        let elapsed = self.elapsed(started, status);
        if elapsed >= high {
            let msg = format!(
                "{who}: started {} and not done, it has run {} working days, at least its estimate's upper limit ({})",
                when_text(started),
                show(elapsed),
                show(high)
            );
            let help = Some(
                "give `remaining` (the work left, e.g. `remaining = 3`) or `done = DATE` if it is finished"
                    .into(),
            );
            let item = Item::Task(j);
            self.push(self.at(item, "started", t.pos), subject(&t.id), msg, help);
        }
    }

    /// Working days (periods) from `from` to `to` on the plan's default calendar: what the
    /// time axis counts between their offsets.
    fn elapsed(&self, from: When, to: When) -> f64 {
        match (from, to) {
            (When::Period(a), When::Period(b)) => b - a,
            (When::Date(a), When::Date(b)) => {
                use chrono::Datelike;
                let cal = &self.plan.calendars[self.plan.default_calendar];
                let days = (b - a).num_days().max(0);
                let per_week = cal.workdays.iter().filter(|&&w| w).count() as i64;
                let first = a.weekday().num_days_from_monday() as i64;
                let rest = (0..days % 7)
                    .filter(|k| cal.workdays[((first + k) % 7) as usize])
                    .count() as i64;
                let lo = cal.holidays.partition_point(|h| *h < a);
                let hi = cal.holidays.partition_point(|h| *h < b);
                let off = cal.holidays[lo..hi]
                    .iter()
                    .filter(|h| cal.workdays[h.weekday().num_days_from_monday() as usize])
                    .count() as i64;
                (days / 7 * per_week + rest - off) as f64
            }
            _ => 0.0,
        }
    }

    /// The task's demands: a team to demand from, within its capacity, each team once.
    fn demands(&mut self, j: usize, t: &Task, who: &str) {
        let p = self.plan;
        let item = Item::Task(j);
        let sub = subject(&t.id);
        let cap_known = |v: &Self, k: usize| !v.spans.is_reported(Item::Team(k), "capacity");
        match t.team {
            None if t.demand > 0 => {
                let at = self.at(item, "demand", t.pos);
                let msg = format!("{who}: `demand` = {} but the task has no `team`", t.demand);
                self.push(
                    at,
                    sub,
                    msg,
                    Some("add `team = \"...\"` or remove `demand`".into()),
                );
            }
            Some(k) if cap_known(self, k) && t.demand > p.teams[k].capacity => {
                let team = &p.teams[k];
                let at = self.at(item, "demand", self.at(item, "team", t.pos));
                let msg = format!(
                    "{who}: demand {} is above the capacity {} of team `{}`",
                    t.demand, team.capacity, team.id
                );
                let help = format!("lower the demand or raise the capacity of `{}`", team.id);
                self.push(at, sub, msg, Some(help));
            }
            _ => {}
        }
        if !t.extra_demands.is_empty() && t.team.is_none() {
            let at = self.at(item, "extra_demands", t.pos);
            self.push(
                at,
                sub,
                format!("{who}: `extra_demands` needs a `team` first"),
                None,
            );
            return;
        }
        for (e, &(k, d)) in t.extra_demands.iter().enumerate() {
            let xi = Item::ExtraDemand(j, e);
            let team = &p.teams[k];
            if Some(k) == t.team || t.extra_demands[..e].iter().any(|&(x, _)| x == k) {
                let at = self.at(xi, "team", t.pos);
                self.push(
                    at,
                    sub,
                    format!("{who}: team `{}` is demanded twice", team.id),
                    None,
                );
                continue;
            }
            let at = self.at(xi, "demand", t.pos);
            if d < 1 {
                self.push(
                    at,
                    sub,
                    format!("{who}: `demand` must be at least 1, not 0"),
                    None,
                );
            } else if cap_known(self, k) && d > team.capacity {
                let msg = format!(
                    "{who}: demand {d} is above the capacity {} of team `{}`",
                    team.capacity, team.id
                );
                self.push(at, sub, msg, None);
            }
        }
    }

    fn link(&mut self, j: usize, l: usize, link: &Link, who: &str, sub: Option<&str>) {
        let at = link
            .pos
            .or(self.at(Item::Link(j, l), "", self.plan.tasks[j].pos));
        if link.pred == j {
            self.push(
                at,
                sub,
                format!("{who}: a task cannot come after itself"),
                None,
            );
        }
        let lag_at = self.at(Item::Link(j, l), "lag", at);
        if !link.lag.is_finite() {
            self.push(
                lag_at,
                sub,
                format!("{who}: `lag` must be a finite number"),
                None,
            );
        } else if link.lag.abs() > MAX_LAG {
            let help = self.limit_help();
            let msg = format!(
                "{who}: `lag` is {}; at most {MAX_LAG} working days (periods) either way are accepted",
                show(link.lag)
            );
            self.push(lag_at, sub, msg, help);
        }
    }

    /// An estimate's rule and its limit ([`MAX_DURATION`]).
    fn estimate(
        &mut self,
        e: &Estimate,
        at: Option<Pos>,
        who: &str,
        sub: Option<&str>,
        what: &str,
    ) {
        if let Some(problem) = estimate_problem(e) {
            self.push(at, sub, format!("{who}: {what} {problem}"), None);
            return;
        }
        let values: &[(&str, f64)] = &match *e {
            Estimate::Fixed { value } => vec![("", value)],
            Estimate::Pert { high, .. } | Estimate::Triangular { high, .. } => vec![("high", high)],
            Estimate::Uniform { high, .. } => vec![("high", high)],
            Estimate::Lognormal { p90, .. } => vec![("p90", p90)],
        };
        for &(k, v) in values {
            if v > MAX_DURATION {
                let field = if k.is_empty() {
                    String::new()
                } else {
                    format!(" `{k}`")
                };
                let help = self.limit_help();
                let msg = format!(
                    "{who}: {what}{field} is {}; at most {MAX_DURATION} working days (periods) are accepted",
                    show(v)
                );
                self.push(at, sub, msg, help);
            }
        }
    }

    fn cycles(&mut self) {
        let tasks = &self.plan.tasks;
        let edges: Vec<(usize, usize)> = tasks
            .iter()
            .enumerate()
            .flat_map(|(j, t)| {
                t.after
                    .iter()
                    .filter(move |l| l.pred != j)
                    .map(move |l| (l.pred, j))
            })
            .collect();
        for cycle in crate::graph::find_cycles(tasks.len(), &edges) {
            let (Some(&first), Some(&last)) = (cycle.first(), cycle.last()) else {
                continue;
            };
            let mut path: Vec<&str> = cycle.iter().map(|&i| tasks[i].id.as_str()).collect();
            path.push(&tasks[first].id);
            // Located at the link that closes the cycle (first's link to the last task).
            let at = tasks[first]
                .after
                .iter()
                .find(|l| l.pred == last)
                .and_then(|l| l.pos)
                .or(tasks[first].pos);
            let msg = format!("dependency cycle: {}", path.join(" -> "));
            self.push(
                at,
                Some(&tasks[first].id),
                msg,
                Some("remove one of these links".into()),
            );
        }
    }

    fn tasks_list(
        &mut self,
        item: Item,
        tasks: &[usize],
        min: usize,
        who: &str,
        sub: Option<&str>,
        pos: Option<Pos>,
    ) {
        if self.spans.is_reported(item, "tasks") {
            return;
        }
        let at = self.at(item, "tasks", pos);
        if min == 2 && tasks.len() < 2 {
            self.push(
                at,
                sub,
                format!("{who}: `tasks` must list at least two tasks"),
                None,
            );
        } else if tasks.is_empty() {
            self.push(at, sub, format!("{who}: `tasks` is empty"), None);
        }
    }

    fn risks(&mut self) {
        let p = self.plan;
        for (i, r) in p.risks.iter().enumerate() {
            self.risk(i, r);
        }
        let ids = p.risks.iter().enumerate();
        self.duplicates(
            "risk",
            ids.map(|(i, r)| (r.id.as_str(), Item::Risk(i), r.pos)),
        );
    }

    fn risk(&mut self, i: usize, r: &Risk) {
        let item = Item::Risk(i);
        let who = label("risk", &r.id, i);
        let sub = subject(&r.id);
        self.id(item, "risk", &r.id, r.pos);
        if let Some(m) = probability_problem(r.probability) {
            self.push(
                self.at(item, "probability", r.pos),
                sub,
                format!("{who}: {m}"),
                None,
            );
        }
        self.estimate(
            &r.impact,
            self.at(item, "impact", r.pos),
            &who,
            sub,
            "impact",
        );
        self.tasks_list(item, &r.tasks, 1, &who, sub, r.pos);
    }

    fn correlations(&mut self) {
        for (i, c) in self.plan.correlations.iter().enumerate() {
            self.correlation(i, c);
        }
    }

    fn correlation(&mut self, i: usize, c: &Correlation) {
        let item = Item::Correlation(i);
        let who = format!("correlation #{}", i + 1);
        if let Some(m) = coefficient_problem(c.coefficient) {
            self.push(
                self.at(item, "coefficient", c.pos),
                None,
                format!("{who}: {m}"),
                None,
            );
        }
        self.tasks_list(item, &c.tasks, 2, &who, None, c.pos);
        let plan = self.plan;
        if let Some(t) = c
            .tasks
            .iter()
            .filter_map(|&j| plan.tasks.get(j))
            .find(|t| t.items.is_some())
        {
            let msg = format!(
                "{who}: task `{}` is item-sized; correlations are between estimated durations",
                t.id
            );
            let help = "remove it from the correlation";
            self.push(self.at(item, "tasks", c.pos), None, msg, Some(help.into()));
        }
    }

    fn releases(&mut self) {
        let p = self.plan;
        for (i, r) in p.releases.iter().enumerate() {
            self.release(i, r);
        }
        let ids = p.releases.iter().enumerate();
        self.duplicates(
            "release",
            ids.map(|(i, r)| (r.id.as_str(), Item::Release(i), r.pos)),
        );
    }

    fn release(&mut self, i: usize, r: &Release) {
        let item = Item::Release(i);
        let who = label("release", &r.id, i);
        let sub = subject(&r.id);
        self.id(item, "release", &r.id, r.pos);
        self.tasks_list(item, &r.tasks, 1, &who, sub, r.pos);
        if let Some(t) = r.target {
            self.when(t, self.at(item, "target", r.pos), &who, sub, "target");
        }
        if let Some(d) = r.deployed {
            if !self.spans.is_reported(item, "deployed") {
                self.when(d, self.at(item, "deployed", r.pos), &who, sub, "deployed");
            }
        }
        let wat = self.at(item, "windows", r.pos);
        self.list_len(r.windows.len(), wat, &who, sub, "windows");
        for (j, &w) in r.windows.iter().enumerate() {
            self.when(
                w,
                self.at(Item::Window(i, j), "", wat),
                &who,
                sub,
                "windows",
            );
        }
        if let Some(c) = &r.cadence {
            self.cadence(item, c, &who, sub, r.pos);
        }
        let fat = self.at(item, "freeze", r.pos);
        self.list_len(r.freeze.len(), fat, &who, sub, "freeze");
        for (j, f) in r.freeze.iter().enumerate() {
            let fi = Item::Freeze(i, j);
            let at = self.at(fi, "", fat);
            self.when(f.from, self.at(fi, "from", at), &who, sub, "from");
            self.when(f.to, self.at(fi, "to", at), &who, sub, "to");
            if f.to < f.from && !self.spans.is_reported(fi, "") {
                self.push(
                    at,
                    sub,
                    format!("{who}: freeze ends (`to`) before it starts (`from`)"),
                    None,
                );
            }
        }
        let vat = self.at(item, "value", r.pos);
        if let Some(m) = value_problem(r.value) {
            self.push(vat, sub, format!("{who}: {m}"), None);
        } else if r.value > MAX_VALUE {
            let help = self.limit_help();
            let msg = format!(
                "{who}: `value` is {}; at most {MAX_VALUE} is accepted",
                show(r.value)
            );
            self.push(vat, sub, msg, help);
        }
    }

    fn cadence(&mut self, item: Item, c: &Cadence, who: &str, sub: Option<&str>, pos: Option<Pos>) {
        let at = self.at(item, "cadence", pos);
        match (c.clone(), self.dated) {
            (
                Cadence::Weekly {
                    weekdays,
                    every_weeks,
                    from,
                },
                true,
            ) => {
                if !weekdays.contains(&true) {
                    self.push(at, sub, format!("{who}: cadence `weekdays` is empty"), None);
                }
                let eat = self.at(item, "every_weeks", at);
                if every_weeks < 1 {
                    self.push(
                        eat,
                        sub,
                        format!("{who}: `every_weeks` must be at least 1, not 0"),
                        None,
                    );
                } else if every_weeks > MAX_EVERY_WEEKS {
                    let help = self.limit_help();
                    let msg = format!("{who}: `every_weeks` is {every_weeks}; at most {MAX_EVERY_WEEKS} is accepted");
                    self.push(eat, sub, msg, help);
                }
                self.date(from, self.at(item, "cadence.from", at), who, sub, "from");
            }
            (Cadence::Periodic { every, from }, false) => {
                let eat = self.at(item, "every", at);
                if let Some(m) = every_problem(every) {
                    self.push(eat, sub, format!("{who}: {m}"), None);
                } else if every > MAX_PERIOD {
                    let help = self.limit_help();
                    let msg = format!(
                        "{who}: cadence `every` is {}; at most {MAX_PERIOD} periods are accepted",
                        show(every)
                    );
                    self.push(eat, sub, msg, help);
                }
                self.when(
                    When::Period(from),
                    self.at(item, "cadence.from", at),
                    who,
                    sub,
                    "from",
                );
            }
            (_, dated) => {
                let help = if dated {
                    "a dated plan's cadence is { weekdays = [\"tue\"], every_weeks = 1, from = DATE }"
                } else {
                    "an undated plan's cadence is { every = N, from = N }; set plan.start to use weekdays"
                };
                self.push(
                    at,
                    sub,
                    format!("{who}: the cadence does not fit this plan"),
                    Some(help.into()),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// Builds a [`Plan`] in code; [`PlanBuilder::build`] validates it.
///
/// Teams and tasks are referred to by the index `add_team` and `add_task` return.
///
/// ```
/// use shipdate_engine::model::{Estimate, LinkKind, Release, Risk, Task};
/// use shipdate_engine::validate::PlanBuilder;
///
/// let mut b = PlanBuilder::new("Checkout");
/// let backend = b.add_team("backend", 2);
/// let api = b.add_task(Task::new("api", Estimate::Pert { low: 3.0, likely: 5.0, high: 10.0 }).on_team(backend, 1));
/// let web = b.add_task(Task::new("web", Estimate::Fixed { value: 4.0 }));
/// b.link(api, web, LinkKind::SS, 2.0);
/// b.risk(Risk::new("vendor-late", 0.25, Estimate::Fixed { value: 5.0 }, vec![api]));
/// b.release(Release::new("2027.1", vec![web]));
/// let plan = b.build().unwrap();
/// assert_eq!(plan.tasks[web].after[0].pred, api);
/// let report = shipdate_engine::dispatch::schedule(&plan);
/// assert_eq!(report.makespan, 6.0);
///
/// // A broken plan gives every error at once, naming what is wrong.
/// let mut b = PlanBuilder::new("broken");
/// let a = b.add_task(Task::new("a", Estimate::Fixed { value: 1e308 }));
/// b.link(a, a, LinkKind::FS, 0.0);
/// let errors = b.build().unwrap_err();
/// assert_eq!(errors.len(), 2);
/// assert!(errors[0].message.starts_with("task `a`: estimate is 1e308; at most 2000"));
/// assert_eq!(errors[1].message, "task `a`: a task cannot come after itself");
/// ```
#[derive(Debug, Clone)]
pub struct PlanBuilder {
    plan: Plan,
    default_calendar: Option<usize>,
    /// Teams added by [`PlanBuilder::add_team`], which work on the default calendar.
    on_default: Vec<usize>,
}

impl PlanBuilder {
    /// An empty undated plan with this name.
    pub fn new(name: impl Into<String>) -> PlanBuilder {
        let mut plan = Plan::new(name);
        plan.calendars.clear();
        PlanBuilder {
            plan,
            default_calendar: None,
            on_default: Vec::new(),
        }
    }

    /// Dates the plan: time in working days from this date.
    pub fn start(&mut self, date: NaiveDate) -> &mut Self {
        self.plan.start = Some(date);
        self
    }

    /// Adds a calendar (its holidays are sorted at `build`); returns its index.
    pub fn add_calendar(&mut self, calendar: Calendar) -> usize {
        self.plan.calendars.push(calendar);
        self.plan.calendars.len() - 1
    }

    /// Makes calendar `index` the plan's default (otherwise the implicit `standard`).
    pub fn default_calendar(&mut self, index: usize) -> &mut Self {
        self.default_calendar = Some(index);
        self
    }

    /// Adds a team on the default calendar; returns its index.
    pub fn add_team(&mut self, id: impl Into<String>, capacity: u32) -> usize {
        let k = self.add_team_full(Team::new(id, capacity));
        self.on_default.push(k);
        k
    }

    /// Adds a team as given (calendar, time off); returns its index.
    pub fn add_team_full(&mut self, team: Team) -> usize {
        self.plan.teams.push(team);
        self.plan.teams.len() - 1
    }

    /// Adds a task; returns its index.
    pub fn add_task(&mut self, task: Task) -> usize {
        self.plan.tasks.push(task);
        self.plan.tasks.len() - 1
    }

    /// Makes task `succ` wait for task `pred` (a link of this type and lag).
    pub fn link(&mut self, pred: usize, succ: usize, kind: LinkKind, lag: f64) -> &mut Self {
        if let Some(t) = self.plan.tasks.get_mut(succ) {
            t.after.push(Link::new(pred, kind, lag));
        }
        self
    }

    /// Adds a risk.
    pub fn risk(&mut self, risk: Risk) -> &mut Self {
        self.plan.risks.push(risk);
        self
    }

    /// Adds a rank correlation.
    pub fn correlate(&mut self, correlation: Correlation) -> &mut Self {
        self.plan.correlations.push(correlation);
        self
    }

    /// Adds a release (releases are scheduled in the order added).
    pub fn release(&mut self, release: Release) -> &mut Self {
        self.plan.releases.push(release);
        self
    }

    /// The plan so far, unchecked: for edits the builder has no method for.
    pub fn plan_mut(&mut self) -> &mut Plan {
        &mut self.plan
    }

    /// The plan, if [`validate`] finds nothing wrong; else every error.
    pub fn build(self) -> Result<Plan, Vec<Diagnostic>> {
        let mut plan = self.plan;
        let standard =
            |plan: &mut Plan| match plan.calendars.iter().position(|c| c.id == "standard") {
                Some(i) => i,
                None => {
                    plan.calendars.push(Calendar::standard());
                    plan.calendars.len() - 1
                }
            };
        plan.default_calendar = match self.default_calendar {
            Some(i) => i,
            None => standard(&mut plan),
        };
        for &k in &self.on_default {
            plan.teams[k].calendar = plan.default_calendar;
        }
        for c in &mut plan.calendars {
            crate::sorting::sort(&mut c.holidays);
            c.holidays.dedup();
        }
        let errors = validate(&plan);
        if errors.is_empty() {
            Ok(plan)
        } else {
            Err(errors)
        }
    }
}
