//! The value tree (from TOML or JSON) to a validated [`Plan`], collecting every error.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::tree::{Entry, Locator, Node, Val};
use crate::diag::{suggest, Diagnostic, Pos};
use crate::model::{
    Actual, Cadence, Calendar, Correlation, Estimate, Freeze, Items, Link, LinkKind, Per, Plan,
    Release, Risk, RiskStatus, Task, TaskDates, TaskKind, Team, Throughput, TimeOff, When,
};
use crate::validate::{self, validate_with, Item, Spans};

const TOP_KEYS: &[&str] = &[
    "plan",
    "calendars",
    "teams",
    "tasks",
    "risks",
    "correlations",
    "releases",
    "scenarios",
];
const PLAN_KEYS: &[&str] = &["name", "start", "calendar", "status_date", "status"];
const CALENDAR_KEYS: &[&str] = &["workdays", "holidays"];
const TEAM_KEYS: &[&str] = &["name", "capacity", "calendar", "time_off", "throughput"];
const THROUGHPUT_KEYS: &[&str] = &["per", "samples"];
const RANGE_KEYS: &[&str] = &["low", "high"];
const TIME_OFF_KEYS: &[&str] = &["from", "to", "capacity"];
const TASK_KEYS: &[&str] = &[
    "id",
    "name",
    "team",
    "demand",
    "extra_demands",
    "estimate",
    "items",
    "split",
    "after",
    "kind",
    "optional",
    "started",
    "done",
    "remaining",
    "progress",
    "not_before",
    "due",
];
const EXTRA_DEMAND_KEYS: &[&str] = &["team", "demand"];
const LINK_KEYS: &[&str] = &["task", "type", "lag"];
const RISK_KEYS: &[&str] = &["id", "probability", "impact", "tasks", "status"];
const RISK_STATUSES: &[&str] = &["open", "closed", "occurred"];
const CORRELATION_KEYS: &[&str] = &["tasks", "coefficient"];
const RELEASE_KEYS: &[&str] = &[
    "id", "tasks", "target", "windows", "cadence", "freeze", "value", "deployed",
];
const SCENARIO_KEYS: &[&str] = &["id", "name", "teams", "tasks", "risks", "releases"];
const CADENCE_KEYS: &[&str] = &["weekdays", "every_weeks", "from", "every"];
const FREEZE_KEYS: &[&str] = &["from", "to"];
const DISTS: &[&str] = &["pert", "triangular", "uniform", "lognormal", "fixed"];
const KINDS: &[&str] = &["work", "gate", "milestone"];
const WEEKDAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEKDAY_NAMES: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Converts a parsed TOML or JSON tree into a validated plan: text -> value tree -> plan (with
/// the spans of its parts) -> [`validate_with`]. Every error of both steps is returned.
pub(crate) fn convert(src: &str, root: &Node) -> Result<Plan, Vec<Diagnostic>> {
    let (plan, scenario_errs) = convert_parts(src, root)?;
    if scenario_errs.is_empty() {
        Ok(plan)
    } else {
        Err(scenario_errs)
    }
}

/// [`convert`], with the errors in `[[scenarios]]` tables apart when the rest of the plan is
/// valid: the plan then holds the scenarios' well-formed changes (a change with an error is
/// left out), so that a caller applying them can report every error in one run.
pub(crate) fn convert_parts(
    src: &str,
    root: &Node,
) -> Result<(Plan, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (plan, mut errs) = convert_base(src, root);
    let (scenarios, scenario_errs) = scenarios::convert(src, root, &plan);
    if errs.is_empty() {
        let mut plan = plan;
        plan.scenarios = scenarios;
        Ok((plan, super::sorted(scenario_errs)))
    } else {
        errs.extend(scenario_errs);
        Err(super::sorted(errs))
    }
}

/// The plan without its scenarios, and every error in it.
fn convert_base(src: &str, root: &Node) -> (Plan, Vec<Diagnostic>) {
    let mut cx = Cx::new(src);
    let plan = cx.plan(root);
    let found = validate_with(&plan, &cx.spans);
    cx.errs.extend(found);
    if cx.errs.is_empty() {
        // The time axis: a plan within the field limits can still reach past what the
        // calendars serve (see validate::validate, which adds the same without positions).
        for e in crate::calendar::limits::check(&plan) {
            cx.raw(locate(root, &e.path), e.subject.as_deref(), e.message, None);
        }
    }
    (plan, cx.errs)
}

/// The offset of the deepest part of `path` (a time-axis limit's field) written in the tree.
fn locate(root: &Node, path: &[crate::calendar::limits::Key]) -> usize {
    use crate::calendar::limits::Key;
    let mut node = root;
    for key in path {
        let next = match (&node.val, key) {
            (Val::Table(es), Key::Name(k)) => field(es, k),
            (Val::Array(items), Key::Index(i)) => items.get(*i),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node.start
}

/// Whom a finding concerns: a label for messages ("task `api`") and the subject id.
#[derive(Clone)]
struct Who {
    label: String,
    id: Option<String>,
}

impl Who {
    fn new(kind: &str, id: Option<&str>, index: usize) -> Who {
        match id {
            Some(id) => Who {
                label: format!("{kind} `{id}`"),
                id: Some(id.to_string()),
            },
            None => Who {
                label: format!("{kind} #{}", index + 1),
                id: None,
            },
        }
    }

    fn plain(label: &str) -> Who {
        Who {
            label: label.to_string(),
            id: None,
        }
    }
}

struct Cx<'a> {
    loc: Locator<'a>,
    errs: Vec<Diagnostic>,
    /// Where each part of the plan is written, for [`validate_with`].
    spans: Spans,
}

/// What the `[plan]` section says.
struct Head {
    name: String,
    start: Option<NaiveDate>,
    calendar: Option<Name>,
    /// Whether `start` is given (even if it is not a valid date).
    dated: bool,
    /// The status date (`status` in undated plans).
    status: Option<When>,
}

/// Task and team names and their indices.
struct Names {
    task_ix: HashMap<String, usize>,
    task_names: Vec<String>,
    team_ix: HashMap<String, usize>,
    team_names: Vec<String>,
}

impl Names {
    fn new(raw_tasks: &[RawTask], raw_teams: &[RawTeam]) -> Names {
        let mut task_ix = HashMap::new();
        for (i, t) in raw_tasks.iter().enumerate() {
            if !t.id.is_empty() {
                task_ix.entry(t.id.clone()).or_insert(i);
            }
        }
        Names {
            task_ix,
            task_names: raw_tasks.iter().map(|t| t.id.clone()).collect(),
            team_ix: raw_teams
                .iter()
                .enumerate()
                .map(|(i, t)| (t.id.clone(), i))
                .collect(),
            team_names: raw_teams.iter().map(|t| t.id.clone()).collect(),
        }
    }
}

/// A name written in the plan, with where it is written.
#[derive(Clone)]
struct Name {
    name: String,
    at: usize,
}

struct RawTeam {
    id: String,
    name: Option<String>,
    capacity: Option<u32>,
    calendar: Option<Name>,
    time_off: Vec<TimeOff>,
    throughput: Option<Throughput>,
    at: usize,
}

struct RawLink {
    task: Name,
    kind: LinkKind,
    lag: f64,
    /// Where the lag is written, if it is.
    lag_at: Option<usize>,
    at: usize,
}

struct RawTask {
    who: Who,
    id: String,
    name: Option<String>,
    team: Option<Name>,
    demand: Option<(u32, usize)>,
    /// Further teams held at the same time: (team, demand, where the demand is written).
    extra: Vec<(Name, u32, usize)>,
    estimate: Estimate,
    items: Option<Items>,
    after: Vec<RawLink>,
    kind: TaskKind,
    optional: bool,
    actual: Actual,
    dates: TaskDates,
    at: usize,
}

fn field<'n>(es: &'n [Entry], key: &str) -> Option<&'n Node> {
    es.iter()
        .find(|e| e.key == key)
        .map(|e| &e.value)
        .filter(|n| n.val != Val::Null)
}

fn key_at(es: &[Entry], key: &str) -> Option<usize> {
    es.iter()
        .find(|e| e.key == key && e.value.val != Val::Null)
        .map(|e| e.key_start)
}

/// Whether an unknown key of `es` is a near miss of the missing `key` (then the unknown-key
/// error, with its suggestion, says it all).
fn misspelt(es: &[Entry], key: &str, allowed: &[&str]) -> bool {
    es.iter().any(|e| {
        !allowed.contains(&e.key.as_str()) && suggest(&e.key, allowed.iter().copied()) == Some(key)
    })
}

fn weekday(s: &str) -> Option<usize> {
    let l = s.to_ascii_lowercase();
    WEEKDAYS
        .iter()
        .position(|d| *d == l)
        .or_else(|| WEEKDAY_NAMES.iter().position(|d| *d == l))
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn did_you_mean(s: Option<&str>) -> Option<String> {
    s.map(|s| format!("did you mean `{s}`?"))
}

impl<'a> Cx<'a> {
    fn new(src: &'a str) -> Cx<'a> {
        Cx {
            loc: Locator::new(src),
            errs: Vec::new(),
            spans: Spans::default(),
        }
    }
}

impl Cx<'_> {
    fn pos(&self, at: usize) -> Option<Pos> {
        Some(self.loc.pos(at))
    }

    /// Records where `field` of `item` is written.
    fn span(&mut self, item: Item, field: &'static str, at: usize) {
        let pos = self.loc.pos(at);
        self.spans.set(item, field, pos);
    }

    fn err(&mut self, at: usize, who: &Who, msg: impl AsRef<str>) {
        self.err_help(at, who, msg, None);
    }

    fn err_help(&mut self, at: usize, who: &Who, msg: impl AsRef<str>, help: Option<String>) {
        let mut d = Diagnostic::error(self.pos(at), format!("{}: {}", who.label, msg.as_ref()));
        d.subject = who.id.clone();
        d.help = help;
        self.errs.push(d);
    }

    /// An error whose message stands alone (it names its subject itself).
    fn raw(&mut self, at: usize, subject: Option<&str>, msg: String, help: Option<String>) {
        let mut d = Diagnostic::error(self.pos(at), msg);
        d.subject = subject.map(str::to_string);
        d.help = help;
        self.errs.push(d);
    }

    fn type_err(&mut self, n: &Node, who: &Who, key: &str, expected: &str) {
        self.err(
            n.start,
            who,
            format!("`{key}` must be {expected}, found {}", n.val.kind()),
        );
    }

    fn keys(&mut self, es: &[Entry], allowed: &[&str], who: &Who) {
        for e in es {
            if !allowed.contains(&e.key.as_str()) {
                let help = did_you_mean(suggest(&e.key, allowed.iter().copied()));
                self.err_help(e.key_start, who, format!("unknown key `{}`", e.key), help);
            }
        }
    }

    fn table<'n>(&mut self, n: &'n Node, who: &Who, key: &str) -> Option<&'n [Entry]> {
        match &n.val {
            Val::Table(es) => Some(es),
            _ => {
                self.type_err(n, who, key, "a table");
                None
            }
        }
    }

    fn array<'n>(&mut self, n: &'n Node, who: &Who, key: &str) -> Option<&'n [Node]> {
        match &n.val {
            Val::Array(items) => Some(items),
            _ => {
                self.type_err(n, who, key, "an array");
                None
            }
        }
    }

    fn string<'n>(&mut self, n: &'n Node, who: &Who, key: &str) -> Option<&'n str> {
        match &n.val {
            Val::Str(s) => Some(s),
            _ => {
                self.type_err(n, who, key, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, n: &Node, who: &Who, key: &str) -> Option<bool> {
        match n.val {
            Val::Bool(b) => Some(b),
            _ => {
                self.type_err(n, who, key, "true or false");
                None
            }
        }
    }

    /// A finite number.
    fn num(&mut self, n: &Node, who: &Who, key: &str) -> Option<f64> {
        let v = match n.val {
            Val::Int(i) => i as f64,
            Val::Float(f) => f,
            _ => {
                self.type_err(n, who, key, "a number");
                return None;
            }
        };
        if v.is_finite() {
            Some(v)
        } else {
            self.err(n.start, who, format!("`{key}` must be a finite number"));
            None
        }
    }

    /// A whole number >= `min` that fits in u32.
    fn uint(&mut self, n: &Node, who: &Who, key: &str, min: u32) -> Option<u32> {
        let v = match n.val {
            Val::Int(i) => i as f64,
            Val::Float(f) if f.is_finite() && f.fract() == 0.0 => f,
            Val::Float(_) => {
                self.err(n.start, who, format!("`{key}` must be a whole number"));
                return None;
            }
            _ => {
                self.type_err(n, who, key, "a whole number");
                return None;
            }
        };
        if v < min as f64 {
            self.err(
                n.start,
                who,
                format!("`{key}` must be at least {min}, not {v}"),
            );
            None
        } else if v > u32::MAX as f64 {
            self.err(n.start, who, format!("`{key}` is too large ({v})"));
            None
        } else {
            Some(v as u32)
        }
    }

    fn date(&mut self, n: &Node, who: &Who, key: &str) -> Option<NaiveDate> {
        match &n.val {
            Val::Date(d) => Some(*d),
            Val::Str(s) => match parse_date(s) {
                Some(d) => Some(d),
                None => {
                    self.err(
                        n.start,
                        who,
                        format!("`{key}` must be a date (YYYY-MM-DD), not `{s}`"),
                    );
                    None
                }
            },
            Val::Datetime(s) => {
                self.err(
                    n.start,
                    who,
                    format!("`{key}` must be a date (YYYY-MM-DD) without a time, not `{s}`"),
                );
                None
            }
            _ => {
                self.type_err(n, who, key, "a date (YYYY-MM-DD)");
                None
            }
        }
    }

    /// A date in a dated plan, a number of periods (>= 0) in an undated one.
    fn when(&mut self, n: &Node, who: &Who, key: &str, dated: bool) -> Option<When> {
        let is_num = matches!(n.val, Val::Int(_) | Val::Float(_));
        let is_date = matches!(n.val, Val::Date(_) | Val::Datetime(_) | Val::Str(_));
        if dated && is_num {
            self.err_help(
                n.start,
                who,
                format!("`{key}` must be a date: the plan has a start date"),
                Some("write dates as YYYY-MM-DD".into()),
            );
            return None;
        }
        if !dated && is_date {
            self.err_help(
                n.start,
                who,
                format!("`{key}` must be a number of periods: the plan has no start date"),
                Some("set `start` in [plan] to use dates".into()),
            );
            return None;
        }
        if dated {
            self.date(n, who, key).map(When::Date)
        } else {
            let v = self.num(n, who, key)?;
            if v < 0.0 {
                self.err(n.start, who, format!("`{key}` must not be negative ({v})"));
                return None;
            }
            Some(When::Period(v))
        }
    }

    fn names(&mut self, n: &Node, who: &Who, key: &str) -> Vec<Name> {
        let Some(items) = self.array(n, who, key) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|it| {
                self.string(it, who, key).map(|s| Name {
                    name: s.to_string(),
                    at: it.start,
                })
            })
            .collect()
    }

    fn check_id(&mut self, id: &str, at: usize, kind: &str, item: Item) {
        self.span(item, "id", at);
        if let Some(msg) = validate::id_problem(kind, id) {
            self.raw(at, Some(id), msg, None);
            self.spans.mark_reported(item, "id");
        }
    }

    /// The `id` of an element of an array of tables whose keys are `allowed`.
    fn id<'n>(
        &mut self,
        es: &'n [Entry],
        at: usize,
        (kind, allowed): (&str, &[&str]),
        index: usize,
        item: Item,
    ) -> Option<&'n str> {
        let who = Who::new(kind, None, index);
        match field(es, "id") {
            None => {
                // A key near `id` that is not one of the table's own (`idd`, not `kind`) is
                // reported as misspelt instead.
                if !misspelt(es, "id", allowed) {
                    self.err(at, &who, "missing `id`");
                }
                self.spans.mark_reported(item, "id");
                None
            }
            Some(n) => match self.string(n, &who, "id") {
                None => {
                    self.spans.mark_reported(item, "id");
                    None
                }
                Some(id) => {
                    self.check_id(id, n.start, kind, item);
                    Some(id)
                }
            },
        }
    }

    fn estimate(&mut self, n: &Node, who: &Who, what: &str) -> Option<Estimate> {
        let es = match &n.val {
            Val::Int(_) | Val::Float(_) => {
                let v = self.num(n, who, what)?;
                if v < 0.0 {
                    self.err(n.start, who, format!("{what} must not be negative ({v})"));
                    return None;
                }
                return Some(Estimate::Fixed { value: v });
            }
            Val::Table(es) => es,
            _ => {
                self.type_err(
                    n,
                    who,
                    what,
                    "a number or a table such as { low, likely, high }",
                );
                return None;
            }
        };
        let dist = match field(es, "dist") {
            None => "pert".to_string(),
            Some(d) => {
                let s = self.string(d, who, "dist")?.to_ascii_lowercase();
                if !DISTS.contains(&s.as_str()) {
                    let help = did_you_mean(suggest(&s, DISTS.iter().copied()));
                    self.err_help(
                        d.start,
                        who,
                        format!("unknown distribution `{s}` in {what}"),
                        help,
                    );
                    return None;
                }
                s
            }
        };
        let needed: &[&str] = match dist.as_str() {
            "pert" | "triangular" => &["low", "likely", "high"],
            "uniform" => &["low", "high"],
            "lognormal" => &["median", "p90"],
            _ => &["value"],
        };
        let mut allowed = vec!["dist"];
        allowed.extend_from_slice(needed);
        self.keys(es, &allowed, who);
        let mut vals = Vec::new();
        let mut ok = true;
        for k in needed {
            match field(es, k) {
                Some(v) => match self.num(v, who, k) {
                    Some(x) => vals.push(x),
                    None => ok = false,
                },
                None if misspelt(es, k, &allowed) => ok = false,
                None => {
                    let help = (dist == "pert" && *k == "likely" && field(es, "median").is_none())
                        .then(|| "for a uniform estimate add dist = \"uniform\"".to_string());
                    self.err_help(n.start, who, format!("{what} is missing `{k}`"), help);
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        let e = match dist.as_str() {
            "pert" => Estimate::Pert {
                low: vals[0],
                likely: vals[1],
                high: vals[2],
            },
            "triangular" => Estimate::Triangular {
                low: vals[0],
                likely: vals[1],
                high: vals[2],
            },
            "uniform" => Estimate::Uniform {
                low: vals[0],
                high: vals[1],
            },
            "lognormal" => Estimate::Lognormal {
                median: vals[0],
                p90: vals[1],
            },
            _ => Estimate::Fixed { value: vals[0] },
        };
        match validate::estimate_problem(&e) {
            Some(problem) => {
                self.err(n.start, who, format!("{what} {problem}"));
                None
            }
            None => Some(e),
        }
    }

    /// The plan as written: every part read, names resolved to indices, each reading problem
    /// reported; the rules across parts (duplicates, capacity, cycles, limits) are
    /// [`validate_with`]'s.
    fn plan(&mut self, root: &Node) -> Plan {
        let top_who = Who::plain("plan");
        let top: &[Entry] = match &root.val {
            Val::Table(es) => es,
            other => {
                self.err(
                    root.start,
                    &top_who,
                    format!("a plan must be a table (object), found {}", other.kind()),
                );
                &[]
            }
        };
        self.keys(top, TOP_KEYS, &top_who);
        let head = self.head(root, top);
        let mut calendars = self.calendars(top);
        let raw_teams = self.raw_teams(top, head.dated);
        let raw_tasks = self.raw_tasks(top, head.dated);
        let names = Names::new(&raw_tasks, &raw_teams);

        // Calendars: the implicit `standard` is added when named and not defined.
        let mut cal_names: Vec<String> = calendars.iter().map(|c| c.id.clone()).collect();
        if !cal_names.iter().any(|c| c == "standard") {
            cal_names.push("standard".into());
        }
        let default_name = head.calendar.clone().unwrap_or(Name {
            name: "standard".into(),
            at: 0,
        });
        let pw = Who::plain("[plan]");
        let default_calendar =
            self.resolve_calendar(&mut calendars, &cal_names, &default_name, &pw);
        let mut plan = Plan::new(head.name);
        plan.start = head.start;
        plan.default_calendar = default_calendar;
        plan.teams = self.teams(&raw_teams, &mut calendars, &cal_names, default_calendar);
        plan.calendars = calendars;
        plan.tasks = self.tasks(&raw_tasks, &names);
        plan.risks = self.risks(top, &names);
        plan.correlations = self.correlations(top, &names);
        plan.releases = self.releases(top, &names, head.dated, head.start);
        plan.status = head.status;
        plan
    }

    /// The `[plan]` section.
    fn head(&mut self, root: &Node, top: &[Entry]) -> Head {
        let pw = Who::plain("[plan]");
        let mut head = Head {
            name: String::new(),
            start: None,
            calendar: None,
            dated: false,
            status: None,
        };
        let Some(p) = field(top, "plan") else {
            self.raw(
                root.start,
                None,
                "missing [plan] section".into(),
                Some("add [plan] with name = \"...\"".into()),
            );
            self.spans.mark_reported(Item::Plan, "name");
            return head;
        };
        let Some(es) = self.table(p, &pw, "plan") else {
            self.spans.mark_reported(Item::Plan, "name");
            return head;
        };
        self.keys(es, PLAN_KEYS, &pw);
        match field(es, "name") {
            None if misspelt(es, "name", PLAN_KEYS) => self.spans.mark_reported(Item::Plan, "name"),
            None => {
                self.err(p.start, &pw, "missing `name`");
                self.spans.mark_reported(Item::Plan, "name");
            }
            Some(n) => {
                self.span(Item::Plan, "name", n.start);
                match self.string(n, &pw, "name") {
                    Some(s) => {
                        if s.trim().is_empty() {
                            self.err(n.start, &pw, "`name` is empty");
                            self.spans.mark_reported(Item::Plan, "name");
                        }
                        head.name = s.to_string();
                    }
                    None => self.spans.mark_reported(Item::Plan, "name"),
                }
            }
        }
        if let Some(n) = field(es, "start") {
            head.dated = true;
            self.span(Item::Plan, "start", n.start);
            head.start = self.date(n, &pw, "start");
            if head.start.is_none() {
                self.spans.mark_reported(Item::Plan, "start");
            }
        }
        if let Some(n) = field(es, "calendar") {
            head.calendar = self.string(n, &pw, "calendar").map(|s| Name {
                name: s.to_string(),
                at: n.start,
            });
        }
        head.status = self.status(es, &pw, head.dated);
        head
    }

    /// `status_date` (dated plans) or `status` (undated): the "as of" of progress.
    fn status(&mut self, es: &[Entry], pw: &Who, dated: bool) -> Option<When> {
        let (key, wrong) = if dated {
            ("status_date", "status")
        } else {
            ("status", "status_date")
        };
        if let Some(n) = field(es, wrong) {
            let help = if dated {
                "write `status_date = YYYY-MM-DD` (the plan has a start date)"
            } else {
                "write `status = N` (a time: the plan has no start date)"
            };
            self.err_help(
                n.start,
                pw,
                format!("`{wrong}` does not apply to this plan"),
                Some(help.into()),
            );
            self.spans.mark_reported(Item::Plan, "status");
            return None;
        }
        let n = field(es, key)?;
        self.span(Item::Plan, "status", n.start);
        let w = self.when(n, pw, key, dated);
        if w.is_none() {
            self.spans.mark_reported(Item::Plan, "status");
        }
        w
    }

    /// `[calendars.NAME]`.
    fn calendars(&mut self, top: &[Entry]) -> Vec<Calendar> {
        let mut calendars = Vec::new();
        if let Some(n) = field(top, "calendars") {
            if let Some(es) = self.table(n, &Who::plain("plan"), "calendars") {
                for e in es {
                    let who = Who::new("calendar", Some(&e.key), 0);
                    let item = Item::Calendar(calendars.len());
                    self.check_id(&e.key, e.key_start, "calendar", item);
                    calendars.push(self.calendar(e, &who, item));
                }
            }
        }
        calendars
    }

    /// `[teams.NAME]`, calendar names not yet resolved.
    fn raw_teams(&mut self, top: &[Entry], dated: bool) -> Vec<RawTeam> {
        let mut raw_teams = Vec::new();
        if let Some(n) = field(top, "teams") {
            if let Some(es) = self.table(n, &Who::plain("plan"), "teams") {
                for e in es {
                    let who = Who::new("team", Some(&e.key), 0);
                    let item = Item::Team(raw_teams.len());
                    self.check_id(&e.key, e.key_start, "team", item);
                    raw_teams.push(self.team(e, &who, dated, raw_teams.len()));
                }
            }
        }
        raw_teams
    }

    /// `[[tasks]]`, names not yet resolved.
    fn raw_tasks(&mut self, top: &[Entry], dated: bool) -> Vec<RawTask> {
        let mut raw_tasks = Vec::new();
        if let Some(n) = field(top, "tasks") {
            if let Some(items) = self.array(n, &Who::plain("plan"), "tasks") {
                for (i, it) in items.iter().enumerate() {
                    raw_tasks.push(self.task(it, i, dated));
                }
            }
        }
        raw_tasks
    }

    /// The calendar named `n`: the implicit `standard` is added when named and not defined;
    /// an unknown name is reported (and stands for the first calendar meanwhile).
    fn resolve_calendar(
        &mut self,
        calendars: &mut Vec<Calendar>,
        cal_names: &[String],
        n: &Name,
        who: &Who,
    ) -> usize {
        if let Some(i) = calendars.iter().position(|c| c.id == n.name) {
            return i;
        }
        if n.name != "standard" {
            let help = did_you_mean(suggest(&n.name, cal_names.iter().map(String::as_str)));
            self.raw(
                n.at,
                who.id.as_deref(),
                format!("unknown calendar `{}` for {}", n.name, who.label),
                help,
            );
            if !calendars.is_empty() {
                return 0;
            }
        }
        calendars.push(Calendar::standard());
        calendars.len() - 1
    }

    fn teams(
        &mut self,
        raw_teams: &[RawTeam],
        calendars: &mut Vec<Calendar>,
        cal_names: &[String],
        default_calendar: usize,
    ) -> Vec<Team> {
        let mut teams = Vec::new();
        for (k, t) in raw_teams.iter().enumerate() {
            let who = Who::new("team", Some(&t.id), 0);
            let calendar = match &t.calendar {
                Some(c) => {
                    self.span(Item::Team(k), "calendar", c.at);
                    self.resolve_calendar(calendars, cal_names, c, &who)
                }
                None => default_calendar,
            };
            if t.capacity.is_none() {
                self.spans.mark_reported(Item::Team(k), "capacity");
            }
            let mut team = Team::new(t.id.clone(), t.capacity.unwrap_or(1));
            team.calendar = calendar;
            team.time_off = t.time_off.clone();
            team.throughput = t.throughput.clone();
            team.name = t.name.clone();
            team.pos = self.pos(t.at);
            teams.push(team);
        }
        teams
    }

    fn resolve(&mut self, n: &Name, kind: &str, who: &Who, names: &Names) -> Option<usize> {
        let (ix, list) = if kind == "team" {
            (&names.team_ix, &names.team_names)
        } else {
            (&names.task_ix, &names.task_names)
        };
        if let Some(&i) = ix.get(n.name.as_str()) {
            return Some(i);
        }
        let help = did_you_mean(suggest(&n.name, list.iter().map(String::as_str)));
        self.raw(
            n.at,
            who.id.as_deref(),
            format!("unknown {kind} `{}` for {}", n.name, who.label),
            help,
        );
        None
    }

    /// The tasks with their names resolved: teams, extra demands and links.
    fn tasks(&mut self, raw_tasks: &[RawTask], names: &Names) -> Vec<Task> {
        let mut tasks = Vec::new();
        for (ti, t) in raw_tasks.iter().enumerate() {
            let item = Item::Task(ti);
            let team = t
                .team
                .as_ref()
                .and_then(|n| self.resolve(n, "team", &t.who, names));
            if let Some(tn) = &t.team {
                self.span(item, "team", tn.at);
            }
            let demand = match (&t.team, t.demand) {
                (None, Some((d, at))) if d > 0 => {
                    self.err_help(
                        at,
                        &t.who,
                        format!("`demand` = {d} but the task has no `team`"),
                        Some("add `team = \"...\"` or remove `demand`".into()),
                    );
                    0
                }
                (None, _) => 0,
                (Some(_), Some((d, at))) => {
                    self.span(item, "demand", at);
                    d
                }
                (Some(_), None) => 1,
            };
            let mut task = Task::new(t.id.clone(), t.estimate);
            task.name = t.name.clone();
            task.team = team;
            task.demand = if team.is_some() { demand } else { 0 };
            task.extra_demands = self.extra_demands(ti, t, team, names);
            task.after = self.links(ti, t, names);
            task.kind = t.kind;
            task.optional = t.optional;
            task.items = t.items;
            task.actual = t.actual;
            task.dates = t.dates;
            task.pos = self.pos(t.at);
            tasks.push(task);
        }
        tasks
    }

    fn extra_demands(
        &mut self,
        ti: usize,
        t: &RawTask,
        team: Option<usize>,
        names: &Names,
    ) -> Vec<(usize, u32)> {
        let mut extra_demands: Vec<(usize, u32)> = Vec::new();
        for (n, d, at) in &t.extra {
            if t.team.is_none() {
                self.err(n.at, &t.who, "`extra_demands` needs a `team` first");
                break;
            }
            let Some(ix) = self.resolve(n, "team", &t.who, names) else {
                continue;
            };
            if Some(ix) == team || extra_demands.iter().any(|&(x, _)| x == ix) {
                self.err(n.at, &t.who, format!("team `{}` is demanded twice", n.name));
                continue;
            }
            let item = Item::ExtraDemand(ti, extra_demands.len());
            self.span(item, "team", n.at);
            self.span(item, "demand", *at);
            extra_demands.push((ix, *d));
        }
        extra_demands
    }

    fn links(&mut self, ti: usize, t: &RawTask, names: &Names) -> Vec<Link> {
        let mut after = Vec::new();
        for l in &t.after {
            let Some(p) = self.resolve(&l.task, "task", &t.who, names) else {
                continue;
            };
            if p == ti {
                self.err(l.at, &t.who, "a task cannot come after itself");
                continue;
            }
            if let Some(at) = l.lag_at {
                self.span(Item::Link(ti, after.len()), "lag", at);
            }
            let mut link = Link::new(p, l.kind, l.lag);
            link.pos = self.pos(l.at);
            after.push(link);
        }
        after
    }

    /// `[[risks]]`.
    fn risks(&mut self, top: &[Entry], names: &Names) -> Vec<Risk> {
        let mut risks = Vec::new();
        let mut risk_ids: HashMap<String, usize> = HashMap::new();
        let Some(n) = field(top, "risks") else {
            return risks;
        };
        let Some(items) = self.array(n, &Who::plain("plan"), "risks") else {
            return risks;
        };
        for (i, it) in items.iter().enumerate() {
            let Some(es) = self.table(it, &Who::new("risk", None, i), "risks") else {
                continue;
            };
            let item = Item::Risk(risks.len());
            let id = self
                .id(es, it.start, ("risk", RISK_KEYS), i, item)
                .unwrap_or("")
                .to_string();
            let who = Who::new("risk", (!id.is_empty()).then_some(id.as_str()), i);
            self.dup(&mut risk_ids, &id, it.start, "risk", item);
            self.keys(es, RISK_KEYS, &who);
            let probability = match field(es, "probability") {
                None => {
                    if !misspelt(es, "probability", RISK_KEYS) {
                        self.err(it.start, &who, "missing `probability`");
                    }
                    1.0
                }
                Some(p) => {
                    self.span(item, "probability", p.start);
                    match self.num(p, &who, "probability") {
                        Some(v) => match validate::probability_problem(v) {
                            None => v,
                            Some(m) => {
                                self.err(p.start, &who, m);
                                1.0
                            }
                        },
                        None => 1.0,
                    }
                }
            };
            let impact = match field(es, "impact") {
                None => {
                    if !misspelt(es, "impact", RISK_KEYS) {
                        self.err(it.start, &who, "missing `impact`");
                    }
                    None
                }
                Some(e) => {
                    self.span(item, "impact", e.start);
                    self.estimate(e, &who, "impact")
                }
            };
            let tasks = self.resolved_list(es, it.start, &who, false, names, item);
            let mut risk = Risk::new(
                id,
                probability,
                impact.unwrap_or(Estimate::Fixed { value: 0.0 }),
                tasks,
            );
            if let Some(n) = field(es, "status") {
                risk.status = self.risk_status(n, &who).unwrap_or_default();
            }
            risk.pos = self.pos(it.start);
            risks.push(risk);
        }
        risks
    }

    /// A risk's `status`: "open", "closed" or "occurred".
    fn risk_status(&mut self, n: &Node, who: &Who) -> Option<RiskStatus> {
        let s = self.string(n, who, "status")?;
        match s {
            "open" => Some(RiskStatus::Open),
            "closed" => Some(RiskStatus::Closed),
            "occurred" => Some(RiskStatus::Occurred),
            _ => {
                let help = did_you_mean(suggest(s, RISK_STATUSES.iter().copied()))
                    .or_else(|| Some("write \"open\", \"closed\" or \"occurred\"".into()));
                self.err_help(
                    n.start,
                    who,
                    format!(
                        "unknown risk status `{s}`: it is \"open\", \"closed\" or \"occurred\""
                    ),
                    help,
                );
                None
            }
        }
    }

    /// The `tasks` of a risk, correlation or release, resolved; the list is marked reported
    /// when what is written differs from what was kept.
    fn resolved_list(
        &mut self,
        es: &[Entry],
        at: usize,
        who: &Who,
        correlation: bool,
        names: &Names,
        item: Item,
    ) -> Vec<usize> {
        let before = self.errs.len();
        let list = self.task_list(es, at, who, correlation);
        let tasks: Vec<usize> = list
            .iter()
            .filter_map(|n| self.resolve(n, "task", who, names))
            .collect();
        if let Some(n) = field(es, "tasks") {
            self.span(item, "tasks", n.start);
        }
        if self.errs.len() > before || field(es, "tasks").is_none() {
            self.spans.mark_reported(item, "tasks");
        }
        tasks
    }

    /// `[[correlations]]`.
    fn correlations(&mut self, top: &[Entry], names: &Names) -> Vec<Correlation> {
        let mut correlations = Vec::new();
        let Some(n) = field(top, "correlations") else {
            return correlations;
        };
        let Some(items) = self.array(n, &Who::plain("plan"), "correlations") else {
            return correlations;
        };
        for (i, it) in items.iter().enumerate() {
            let who = Who::new("correlation", None, i);
            let Some(es) = self.table(it, &who, "correlations") else {
                continue;
            };
            let item = Item::Correlation(correlations.len());
            self.keys(es, CORRELATION_KEYS, &who);
            let tasks = self.resolved_list(es, it.start, &who, true, names, item);
            let coefficient = match field(es, "coefficient") {
                None => {
                    if !misspelt(es, "coefficient", CORRELATION_KEYS) {
                        self.err(it.start, &who, "missing `coefficient`");
                    }
                    0.0
                }
                Some(c) => {
                    self.span(item, "coefficient", c.start);
                    match self.num(c, &who, "coefficient") {
                        Some(v) => match validate::coefficient_problem(v) {
                            None => v,
                            Some(m) => {
                                self.err(c.start, &who, m);
                                0.0
                            }
                        },
                        None => 0.0,
                    }
                }
            };
            let mut c = Correlation::new(tasks, coefficient);
            c.pos = self.pos(it.start);
            correlations.push(c);
        }
        correlations
    }

    /// `[[releases]]`.
    fn releases(
        &mut self,
        top: &[Entry],
        names: &Names,
        dated: bool,
        start: Option<NaiveDate>,
    ) -> Vec<Release> {
        let mut releases = Vec::new();
        let mut release_ids: HashMap<String, usize> = HashMap::new();
        let Some(n) = field(top, "releases") else {
            return releases;
        };
        let Some(items) = self.array(n, &Who::plain("plan"), "releases") else {
            return releases;
        };
        for (i, it) in items.iter().enumerate() {
            let Some(es) = self.table(it, &Who::new("release", None, i), "releases") else {
                continue;
            };
            let item = Item::Release(releases.len());
            let id = self
                .id(es, it.start, ("release", RELEASE_KEYS), i, item)
                .unwrap_or("")
                .to_string();
            let who = Who::new("release", (!id.is_empty()).then_some(id.as_str()), i);
            self.dup(&mut release_ids, &id, it.start, "release", item);
            self.keys(es, RELEASE_KEYS, &who);
            let tasks = self.resolved_list(es, it.start, &who, false, names, item);
            let mut r = self.release(es, &who, dated, start, releases.len());
            r.id = id;
            r.tasks = tasks;
            r.pos = self.pos(it.start);
            releases.push(r);
        }
        releases
    }

    /// A duplicate risk or release id, reported where it is read (before the risk's or
    /// release's other problems at the same place); [`validate_with`] skips it then.
    fn dup(
        &mut self,
        seen: &mut HashMap<String, usize>,
        id: &str,
        at: usize,
        kind: &str,
        item: Item,
    ) {
        if id.is_empty() {
            return;
        }
        if let Some(&first) = seen.get(id) {
            self.spans.mark_reported(item, "duplicate");
            let line = self.loc.pos(first).line;
            self.raw(
                at,
                Some(id),
                format!("duplicate {kind} id `{id}`"),
                Some(format!("the first {kind} `{id}` is at line {line}")),
            );
        } else {
            seen.insert(id.to_string(), at);
        }
    }

    /// The `tasks` list of a risk, correlation or release (names, not yet resolved).
    fn task_list(&mut self, es: &[Entry], at: usize, who: &Who, correlation: bool) -> Vec<Name> {
        match field(es, "tasks") {
            None => {
                let allowed = if correlation {
                    CORRELATION_KEYS
                } else {
                    RELEASE_KEYS
                };
                if !misspelt(es, "tasks", allowed) && !misspelt(es, "tasks", RISK_KEYS) {
                    self.err(at, who, "missing `tasks`");
                }
                Vec::new()
            }
            Some(n) => {
                let names = self.names(n, who, "tasks");
                if correlation && names.len() < 2 && matches!(n.val, Val::Array(_)) {
                    self.err(n.start, who, "`tasks` must list at least two tasks");
                } else if names.is_empty() && matches!(&n.val, Val::Array(a) if a.is_empty()) {
                    self.err(n.start, who, "`tasks` is empty");
                }
                names
            }
        }
    }

    fn calendar(&mut self, e: &Entry, who: &Who, item: Item) -> Calendar {
        let mut cal = Calendar::standard();
        cal.id = e.key.clone();
        self.span(item, "", e.value.start);
        let Some(es) = self.table(&e.value, who, &e.key) else {
            return cal;
        };
        self.keys(es, CALENDAR_KEYS, who);
        if let Some(n) = field(es, "workdays") {
            self.span(item, "workdays", n.start);
            let before = self.errs.len();
            let mut days = [false; 7];
            let mut ok = true;
            for d in self.names(n, who, "workdays") {
                match weekday(&d.name) {
                    Some(i) => days[i] = true,
                    None => {
                        ok = false;
                        self.unknown_weekday(&d, who);
                    }
                }
            }
            if ok && matches!(n.val, Val::Array(_)) && !days.contains(&true) {
                self.err(n.start, who, "a calendar needs at least one workday");
            }
            if self.errs.len() > before {
                self.spans.mark_reported(item, "workdays");
            }
            cal.workdays = days;
        }
        if let Some(n) = field(es, "holidays") {
            self.span(item, "holidays", n.start);
            let mut dated: Vec<(NaiveDate, usize)> = Vec::new();
            if let Some(items) = self.array(n, who, "holidays") {
                for it in items {
                    if let Some(d) = self.date(it, who, "holidays") {
                        dated.push((d, it.start));
                    }
                }
            }
            // Sorted and without duplicates; each kept date keeps where it was first written.
            crate::sorting::sort_by_key(&mut dated, |&(d, _)| d);
            dated.dedup_by_key(|&mut (d, _)| d);
            let Item::Calendar(i) = item else {
                unreachable!("a calendar item")
            };
            for (j, &(d, at)) in dated.iter().enumerate() {
                self.span(Item::Holiday(i, j), "", at);
                cal.holidays.push(d);
            }
        }
        cal
    }

    fn unknown_weekday(&mut self, d: &Name, who: &Who) {
        let l = d.name.to_ascii_lowercase();
        let help = did_you_mean(suggest(&l, WEEKDAYS.iter().copied()));
        self.err_help(d.at, who, format!("unknown weekday `{}`", d.name), help);
    }

    fn team(&mut self, e: &Entry, who: &Who, dated: bool, k: usize) -> RawTeam {
        let mut t = RawTeam {
            id: e.key.clone(),
            name: None,
            capacity: None,
            calendar: None,
            time_off: Vec::new(),
            throughput: None,
            at: e.value.start,
        };
        let Some(es) = self.table(&e.value, who, &e.key) else {
            return t;
        };
        self.keys(es, TEAM_KEYS, who);
        if let Some(n) = field(es, "name") {
            t.name = self.string(n, who, "name").map(str::to_string);
        }
        match field(es, "capacity") {
            None if misspelt(es, "capacity", TEAM_KEYS) => {}
            None => self.err(e.value.start, who, "missing `capacity`"),
            Some(n) => {
                self.span(Item::Team(k), "capacity", n.start);
                t.capacity = self.uint(n, who, "capacity", 1);
            }
        }
        if let Some(n) = field(es, "calendar") {
            t.calendar = self.string(n, who, "calendar").map(|s| Name {
                name: s.to_string(),
                at: n.start,
            });
        }
        if let Some(n) = field(es, "time_off") {
            self.span(Item::Team(k), "time_off", n.start);
            if let Some(items) = self.array(n, who, "time_off") {
                for it in items {
                    let Some(es) = self.table(it, who, "time_off") else {
                        continue;
                    };
                    self.keys(es, TIME_OFF_KEYS, who);
                    let item = Item::TimeOff(k, t.time_off.len());
                    let (from, to) = self.range(es, it.start, who, "time_off", dated, item);
                    // An unreadable capacity (reported) stands as 0, which fits any team.
                    let capacity = match field(es, "capacity") {
                        None => 0,
                        Some(c) => self.uint(c, who, "capacity", 0).unwrap_or(0),
                    };
                    if let (Some(from), Some(to)) = (from, to) {
                        t.time_off.push(TimeOff { from, to, capacity });
                    }
                }
            }
        }
        if let Some(n) = field(es, "throughput") {
            self.span(Item::Team(k), "throughput", n.start);
            t.throughput = self.throughput(n, who);
            if t.throughput.is_none() {
                self.spans.mark_reported(Item::Team(k), "throughput");
            }
        }
        t
    }

    /// A team's `throughput = { per = "day" | "week", samples = [...] }` (SPEC section 9);
    /// the rules on the samples are [`validate_with`]'s.
    fn throughput(&mut self, n: &Node, who: &Who) -> Option<Throughput> {
        let es = self.table(n, who, "throughput")?;
        self.keys(es, THROUGHPUT_KEYS, who);
        let per = match field(es, "per") {
            None => {
                self.err_help(
                    n.start,
                    who,
                    "throughput is missing `per`",
                    Some("add per = \"day\" (items per working day) or per = \"week\"".into()),
                );
                None
            }
            Some(p) => match self.string(p, who, "per")? {
                "day" => Some(Per::Day),
                "week" => Some(Per::Week),
                other => {
                    let help = did_you_mean(suggest(other, ["day", "week"]));
                    let msg =
                        format!("throughput `per` must be \"day\" or \"week\", not `{other}`");
                    self.err_help(p.start, who, msg, help);
                    None
                }
            },
        };
        let samples = match field(es, "samples") {
            None => {
                self.err_help(
                    n.start,
                    who,
                    "throughput is missing `samples`",
                    Some(
                        "add samples = [...]: the items finished in each past period, oldest first"
                            .into(),
                    ),
                );
                None
            }
            Some(a) => {
                let items = self.array(a, who, "samples")?;
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for it in items {
                    match self.num(it, who, "samples") {
                        Some(v) => out.push(v),
                        None => ok = false,
                    }
                }
                ok.then_some(out)
            }
        };
        Some(Throughput {
            per: per?,
            samples: samples?,
        })
    }

    /// A task's `items` (a whole number, or `{ low, high }`) and `split` (`{ low, high }`).
    fn task_items(&mut self, es: &[Entry], who: &Who, index: usize, t: &mut RawTask) {
        let item = Item::Task(index);
        let Some(n) = field(es, "items") else {
            if let Some(sn) = field(es, "split") {
                self.err_help(
                    sn.start,
                    who,
                    "`split` is for item-sized tasks; this task has no `items`",
                    Some("add items = N (or { low, high }), or remove `split`".into()),
                );
            }
            return;
        };
        self.span(item, "items", n.start);
        let count = match &n.val {
            Val::Table(rs) => {
                self.keys(rs, RANGE_KEYS, who);
                let low = self.range_uint(rs, n, who, "items", "low");
                let high = self.range_uint(rs, n, who, "items", "high");
                low.zip(high)
            }
            _ => self.uint(n, who, "items", 0).map(|v| (v, v)),
        };
        let split = match field(es, "split") {
            None => Some(None),
            Some(sn) => {
                self.span(item, "split", sn.start);
                match self.table(sn, who, "split") {
                    None => None,
                    Some(rs) => {
                        self.keys(rs, RANGE_KEYS, who);
                        let get = |cx: &mut Self, k: &str| match field(rs, k) {
                            None => {
                                cx.err(sn.start, who, format!("`split` is missing `{k}`"));
                                None
                            }
                            Some(v) => cx.num(v, who, k),
                        };
                        let (low, high) = (get(self, "low"), get(self, "high"));
                        low.zip(high).map(Some)
                    }
                }
            }
        };
        match (count, split) {
            (Some((low, high)), Some(split)) => t.items = Some(Items { low, high, split }),
            _ => self.spans.mark_reported(item, "items"),
        }
    }

    /// `key` (`low` or `high`) of a `{ low, high }` range of whole numbers.
    fn range_uint(
        &mut self,
        rs: &[Entry],
        n: &Node,
        who: &Who,
        what: &str,
        key: &str,
    ) -> Option<u32> {
        match field(rs, key) {
            None => {
                self.err(n.start, who, format!("`{what}` is missing `{key}`"));
                None
            }
            Some(v) => self.uint(v, who, key, 0),
        }
    }

    /// `from` and `to` (inclusive) of a time off or a freeze (their order is
    /// [`validate_with`]'s).
    fn range(
        &mut self,
        es: &[Entry],
        at: usize,
        who: &Who,
        what: &str,
        dated: bool,
        item: Item,
    ) -> (Option<When>, Option<When>) {
        self.span(item, "", at);
        let get = |cx: &mut Self, k: &'static str| match field(es, k) {
            None => {
                cx.err(at, who, format!("{what} is missing `{k}`"));
                None
            }
            Some(n) => {
                cx.span(item, k, n.start);
                cx.when(n, who, k, dated)
            }
        };
        let from = get(self, "from");
        let to = get(self, "to");
        (from, to)
    }

    fn task(&mut self, it: &Node, index: usize, dated: bool) -> RawTask {
        let mut t = RawTask {
            who: Who::new("task", None, index),
            id: String::new(),
            name: None,
            team: None,
            demand: None,
            extra: Vec::new(),
            estimate: Estimate::Fixed { value: 0.0 },
            items: None,
            after: Vec::new(),
            kind: TaskKind::Work,
            optional: false,
            actual: Actual::default(),
            dates: TaskDates::default(),
            at: it.start,
        };
        let Some(es) = self.table(it, &t.who, "tasks") else {
            return t;
        };
        if let Some(id) = self.id(es, it.start, ("task", TASK_KEYS), index, Item::Task(index)) {
            t.id = id.to_string();
            t.who = Who::new("task", Some(id), index);
        }
        let who = t.who.clone();
        self.keys(es, TASK_KEYS, &who);
        if let Some(n) = field(es, "name") {
            self.span(Item::Task(index), "name", n.start);
            t.name = self.string(n, &who, "name").map(str::to_string);
        }
        if let Some(n) = field(es, "team") {
            t.team = self.string(n, &who, "team").map(|s| Name {
                name: s.to_string(),
                at: n.start,
            });
        }
        if let Some(n) = field(es, "demand") {
            t.demand = self.uint(n, &who, "demand", 0).map(|d| (d, n.start));
        }
        if let Some(n) = field(es, "extra_demands") {
            t.extra = self.raw_extra_demands(n, &who);
        }
        // With an unreadable kind, a missing estimate may be right (a misspelt milestone).
        let kind_known = match field(es, "kind") {
            None => true,
            Some(n) => match self.kind(n, &who) {
                Some(kind) => {
                    t.kind = kind;
                    true
                }
                None => false,
            },
        };
        if let Some(n) = field(es, "estimate") {
            self.span(Item::Task(index), "estimate", n.start);
        }
        self.task_items(es, &who, index, &mut t);
        let sized = field(es, "items").is_some();
        // An item-sized task has no estimate to miss.
        self.task_estimate(es, it, &who, kind_known && !sized, &mut t);
        if let Some(n) = field(es, "optional") {
            t.optional = self.boolean(n, &who, "optional").unwrap_or(false);
        }
        if let Some(n) = field(es, "after") {
            if let Some(items) = self.array(n, &who, "after") {
                for l in items {
                    if let Some(link) = self.link(l, &who) {
                        t.after.push(link);
                    }
                }
            }
        }
        self.task_progress(es, &who, index, dated, &mut t);
        t
    }

    /// A task's progress (`started`, `done`, `remaining`, `progress`) and date constraints
    /// (`not_before`, `due`); the rules across them are [`validate_with`]'s.
    fn task_progress(
        &mut self,
        es: &[Entry],
        who: &Who,
        index: usize,
        dated: bool,
        t: &mut RawTask,
    ) {
        let item = Item::Task(index);
        let when = |cx: &mut Self, key: &'static str| {
            let n = field(es, key)?;
            cx.span(item, key, n.start);
            let w = cx.when(n, who, key, dated);
            if w.is_none() {
                cx.spans.mark_reported(item, key);
            }
            w
        };
        t.actual.started = when(self, "started");
        t.actual.done = when(self, "done");
        t.dates.not_before = when(self, "not_before");
        t.dates.due = when(self, "due");
        if let Some(n) = field(es, "remaining") {
            self.span(item, "remaining", n.start);
            t.actual.remaining = self.estimate(n, who, "remaining");
            if t.actual.remaining.is_none() {
                self.spans.mark_reported(item, "remaining");
            }
        }
        if let Some(n) = field(es, "progress") {
            self.span(item, "progress", n.start);
            t.actual.progress = self.num(n, who, "progress");
            if t.actual.progress.is_none() {
                self.spans.mark_reported(item, "progress");
            }
        }
    }

    /// A task's `extra_demands`: (team name, demand, where the demand is written).
    fn raw_extra_demands(&mut self, n: &Node, who: &Who) -> Vec<(Name, u32, usize)> {
        let mut extra = Vec::new();
        let Some(items) = self.array(n, who, "extra_demands") else {
            return extra;
        };
        for it in items {
            let Some(xs) = self.table(it, who, "extra_demands") else {
                continue;
            };
            self.keys(xs, EXTRA_DEMAND_KEYS, who);
            let team = match field(xs, "team") {
                None => {
                    self.err(it.start, who, "an extra demand is missing `team`");
                    None
                }
                Some(tn) => self.string(tn, who, "team").map(|s| Name {
                    name: s.to_string(),
                    at: tn.start,
                }),
            };
            let demand = match field(xs, "demand") {
                None => Some((1, it.start)),
                Some(d) => self.uint(d, who, "demand", 1).map(|v| (v, d.start)),
            };
            if let (Some(team), Some((d, at))) = (team, demand) {
                extra.push((team, d, at));
            }
        }
        extra
    }

    /// A task's `kind`, `None` when unreadable (reported).
    fn kind(&mut self, n: &Node, who: &Who) -> Option<TaskKind> {
        let k = self.string(n, who, "kind")?;
        match k.to_ascii_lowercase().as_str() {
            "work" => Some(TaskKind::Work),
            "gate" => Some(TaskKind::Gate),
            "milestone" => Some(TaskKind::Milestone),
            other => {
                let help = did_you_mean(suggest(other, KINDS.iter().copied()));
                self.err_help(
                    n.start,
                    who,
                    format!("unknown kind `{k}` (work, gate or milestone)"),
                    help,
                );
                None
            }
        }
    }

    /// A task's `estimate` (none for a milestone, which takes no time).
    fn task_estimate(
        &mut self,
        es: &[Entry],
        it: &Node,
        who: &Who,
        kind_known: bool,
        t: &mut RawTask,
    ) {
        match (field(es, "estimate"), t.kind) {
            (None, TaskKind::Milestone) => {}
            (None, _) if !kind_known || misspelt(es, "estimate", TASK_KEYS) => {}
            (None, _) => {
                let at = key_at(es, "id").unwrap_or(it.start);
                self.err_help(
                    at,
                    who,
                    "missing `estimate`",
                    Some("add e.g. estimate = { low = 2, likely = 3, high = 5 }".into()),
                );
            }
            (Some(n), TaskKind::Milestone) => {
                if self.estimate(n, who, "estimate") != Some(Estimate::Fixed { value: 0.0 }) {
                    self.err_help(
                        n.start,
                        who,
                        "a milestone takes no time; its estimate must be 0",
                        Some("remove `estimate` or set kind = \"work\"".into()),
                    );
                }
            }
            (Some(n), _) => {
                if let Some(e) = self.estimate(n, who, "estimate") {
                    t.estimate = e;
                }
            }
        }
    }

    fn link(&mut self, l: &Node, who: &Who) -> Option<RawLink> {
        match &l.val {
            Val::Str(s) => Some(RawLink {
                task: Name {
                    name: s.clone(),
                    at: l.start,
                },
                kind: LinkKind::FS,
                lag: 0.0,
                lag_at: None,
                at: l.start,
            }),
            Val::Table(es) => {
                self.keys(es, LINK_KEYS, who);
                let task = match field(es, "task") {
                    None => {
                        self.err(l.start, who, "a link in `after` is missing `task`");
                        None
                    }
                    Some(n) => self.string(n, who, "task").map(|s| Name {
                        name: s.to_string(),
                        at: n.start,
                    }),
                };
                let kind = match field(es, "type") {
                    None => Some(LinkKind::FS),
                    Some(n) => match self.string(n, who, "type") {
                        None => None,
                        Some(s) => match s.to_ascii_uppercase().as_str() {
                            "FS" => Some(LinkKind::FS),
                            "SS" => Some(LinkKind::SS),
                            "FF" => Some(LinkKind::FF),
                            "SF" => Some(LinkKind::SF),
                            _ => {
                                self.err_help(
                                    n.start,
                                    who,
                                    format!("unknown link type `{s}`"),
                                    Some("use FS, SS, FF or SF".into()),
                                );
                                None
                            }
                        },
                    },
                };
                let lag = match field(es, "lag") {
                    None => Some(0.0),
                    Some(n) => self.num(n, who, "lag"),
                };
                Some(RawLink {
                    task: task?,
                    kind: kind?,
                    lag: lag?,
                    lag_at: field(es, "lag").map(|n| n.start),
                    at: l.start,
                })
            }
            _ => {
                self.type_err(l, who, "after", "a task id or { task, type, lag }");
                None
            }
        }
    }

    fn release(
        &mut self,
        es: &[Entry],
        who: &Who,
        dated: bool,
        start: Option<NaiveDate>,
        i: usize,
    ) -> Release {
        let item = Item::Release(i);
        let mut r = Release::new(String::new(), Vec::new());
        if let Some(n) = field(es, "deployed") {
            self.span(item, "deployed", n.start);
            r.deployed = self.when(n, who, "deployed", dated);
            if r.deployed.is_none() {
                self.spans.mark_reported(item, "deployed");
            }
        }
        if let Some(n) = field(es, "target") {
            self.span(item, "target", n.start);
            r.target = self.when(n, who, "target", dated);
        }
        if let Some(n) = field(es, "windows") {
            self.span(item, "windows", n.start);
            if let Some(items) = self.array(n, who, "windows") {
                for w in items {
                    if let Some(when) = self.when(w, who, "windows", dated) {
                        self.span(Item::Window(i, r.windows.len()), "", w.start);
                        r.windows.push(when);
                    }
                }
            }
        }
        if let Some(n) = field(es, "cadence") {
            self.span(item, "cadence", n.start);
            r.cadence = self.cadence(n, who, dated, start, item);
        }
        if let Some(n) = field(es, "freeze") {
            self.span(item, "freeze", n.start);
            if let Some(items) = self.array(n, who, "freeze") {
                for it in items {
                    let Some(fes) = self.table(it, who, "freeze") else {
                        continue;
                    };
                    self.keys(fes, FREEZE_KEYS, who);
                    let fi = Item::Freeze(i, r.freeze.len());
                    if let (Some(from), Some(to)) =
                        self.range(fes, it.start, who, "freeze", dated, fi)
                    {
                        r.freeze.push(Freeze { from, to });
                    }
                }
            }
        }
        if let Some(n) = field(es, "value") {
            self.span(item, "value", n.start);
            if let Some(v) = self.num(n, who, "value") {
                match validate::value_problem(v) {
                    None => r.value = v,
                    Some(m) => self.err(n.start, who, m),
                }
            }
        }
        r
    }

    fn cadence(
        &mut self,
        n: &Node,
        who: &Who,
        dated: bool,
        start: Option<NaiveDate>,
        item: Item,
    ) -> Option<Cadence> {
        let es = self.table(n, who, "cadence")?;
        self.keys(es, CADENCE_KEYS, who);
        let mut ok = true;
        for e in es {
            let wrong_mode = if dated {
                e.key == "every"
            } else {
                e.key == "weekdays" || e.key == "every_weeks"
            };
            if wrong_mode {
                ok = false;
                let help = if dated {
                    "a dated plan's cadence is { weekdays = [\"tue\"], every_weeks = 1, from = DATE }"
                } else {
                    "an undated plan's cadence is { every = N, from = N }; set plan.start to use weekdays"
                };
                self.err_help(
                    e.key_start,
                    who,
                    format!("cadence `{}` does not fit this plan", e.key),
                    Some(help.into()),
                );
            }
        }
        if dated {
            self.weekly_cadence(n, es, who, ok, start, item)
        } else {
            self.periodic_cadence(n, es, who, ok, item)
        }
    }

    /// A dated plan's cadence: weekdays, every so many weeks, from a date.
    fn weekly_cadence(
        &mut self,
        n: &Node,
        es: &[Entry],
        who: &Who,
        mut ok: bool,
        start: Option<NaiveDate>,
        item: Item,
    ) -> Option<Cadence> {
        let mut weekdays = [false; 7];
        match field(es, "weekdays") {
            None => {
                if ok {
                    self.err(n.start, who, "cadence is missing `weekdays`");
                }
                ok = false;
            }
            Some(w) => {
                for d in self.names(w, who, "weekdays") {
                    match weekday(&d.name) {
                        Some(i) => weekdays[i] = true,
                        None => {
                            ok = false;
                            self.unknown_weekday(&d, who);
                        }
                    }
                }
                if ok && !weekdays.contains(&true) {
                    ok = false;
                    self.err(w.start, who, "cadence `weekdays` is empty");
                }
            }
        }
        let every_weeks = match field(es, "every_weeks") {
            None => Some(1),
            Some(w) => {
                self.span(item, "every_weeks", w.start);
                self.uint(w, who, "every_weeks", 1)
            }
        };
        let from = match field(es, "from") {
            None => start,
            Some(f) => {
                self.span(item, "cadence.from", f.start);
                self.date(f, who, "from")
            }
        };
        match (ok, every_weeks, from) {
            (true, Some(every_weeks), Some(from)) => Some(Cadence::Weekly {
                weekdays,
                every_weeks,
                from,
            }),
            _ => None,
        }
    }

    /// An undated plan's cadence: every so many periods from a period.
    fn periodic_cadence(
        &mut self,
        n: &Node,
        es: &[Entry],
        who: &Who,
        ok: bool,
        item: Item,
    ) -> Option<Cadence> {
        let every = match field(es, "every") {
            None => {
                if ok {
                    self.err(n.start, who, "cadence is missing `every`");
                }
                None
            }
            Some(e) => {
                self.span(item, "every", e.start);
                match self.num(e, who, "every") {
                    Some(v) => match validate::every_problem(v) {
                        None => Some(v),
                        Some(m) => {
                            self.err(e.start, who, m);
                            None
                        }
                    },
                    None => None,
                }
            }
        };
        let from = match field(es, "from") {
            None => Some(When::Period(0.0)),
            Some(f) => {
                self.span(item, "cadence.from", f.start);
                self.when(f, who, "from", false)
            }
        };
        match (ok, every, from) {
            (true, Some(every), Some(When::Period(from))) => {
                Some(Cadence::Periodic { every, from })
            }
            _ => None,
        }
    }
}

/// `[[scenarios]]`: each scenario's fields are written into a copy of the plan's tree (keeping
/// their own positions) and that tree is converted like the plan, so a scenario's values are
/// read by the same rules and their errors point into the scenario's table.
mod scenarios {
    use super::*;
    use crate::model::{Change, Field, Patch, Scenario};

    /// The four kinds of entity a scenario changes: its key, the plan's section and how
    /// entities are named there.
    const KINDS: [(&str, &str); 4] = [
        ("teams", "team"),
        ("tasks", "task"),
        ("risks", "risk"),
        ("releases", "release"),
    ];

    /// One entity's entry in a scenario, before the tree is converted.
    struct Pending {
        kind: &'static str,
        index: usize,
        fields: Vec<Field>,
        at: usize,
        /// The byte range of the entry, to tell which change an error belongs to.
        range: (usize, usize),
    }

    pub(super) fn convert(src: &str, root: &Node, plan: &Plan) -> (Vec<Scenario>, Vec<Diagnostic>) {
        let mut cx = Cx::new(src);
        let mut out = Vec::new();
        let Val::Table(top) = &root.val else {
            return (out, cx.errs);
        };
        let Some(n) = field(top, "scenarios") else {
            return (out, cx.errs);
        };
        let Some(items) = cx.array(n, &Who::plain("plan"), "scenarios") else {
            return (out, cx.errs);
        };
        let mut seen = HashMap::new();
        for (i, it) in items.iter().enumerate() {
            let Some(es) = cx.table(it, &Who::new("scenario", None, i), "scenarios") else {
                continue;
            };
            let Some(id) = cx
                .id(es, it.start, ("scenario", SCENARIO_KEYS), i, Item::Plan)
                .map(String::from)
            else {
                continue;
            };
            cx.dup(&mut seen, &id, it.start, "scenario", Item::Plan);
            let who = Who::new("scenario", Some(&id), i);
            cx.keys(es, SCENARIO_KEYS, &who);
            let mut sc = Scenario::new(id);
            sc.pos = cx.pos(it.start);
            if let Some(n) = field(es, "name") {
                sc.name = cx.string(n, &who, "name").map(String::from);
            }
            sc.changes = changes(&mut cx, src, root, es, &who, plan);
            out.push(sc);
        }
        (out, cx.errs)
    }

    /// The scenario's changes: entries read, the patched tree converted, and the entities
    /// taken from the converted plan (a change with an error in it is left out).
    fn changes(
        cx: &mut Cx,
        src: &str,
        root: &Node,
        es: &[Entry],
        who: &Who,
        plan: &Plan,
    ) -> Vec<Change> {
        let mut patched = root.clone();
        let mut pending = Vec::new();
        for (key, kind) in KINDS {
            let Some(n) = field(es, key) else {
                continue;
            };
            let Some(entries) = cx.table(n, who, key) else {
                continue;
            };
            for e in entries {
                if let Some(p) = entry(cx, &mut patched, key, kind, e, who, plan) {
                    pending.push(p);
                }
            }
        }
        let mut conv = Cx::new(src);
        let variant = conv.plan(&patched);
        let mut bad = vec![false; pending.len()];
        for d in conv.errs {
            let Some(pos) = d.pos else { continue };
            let inside = |(a, b): (usize, usize)| cx.loc.pos(a) <= pos && pos <= cx.loc.pos(b);
            if let Some(k) = pending.iter().position(|p| inside(p.range)) {
                bad[k] = true;
                cx.errs.push(scoped(d, who));
            }
        }
        pending
            .into_iter()
            .zip(bad)
            .filter(|(_, bad)| !bad)
            .map(|(p, _)| {
                let patch = match p.kind {
                    "team" => Patch::Team {
                        team: p.index,
                        value: Team {
                            pos: None,
                            ..variant.teams[p.index].clone()
                        },
                    },
                    "task" => Patch::Task {
                        task: p.index,
                        value: Task {
                            pos: None,
                            ..variant.tasks[p.index].clone()
                        },
                    },
                    "risk" => Patch::Risk {
                        risk: p.index,
                        value: Risk {
                            pos: None,
                            ..variant.risks[p.index].clone()
                        },
                    },
                    _ => Patch::Release {
                        release: p.index,
                        value: Release {
                            pos: None,
                            ..variant.releases[p.index].clone()
                        },
                    },
                };
                Change {
                    patch,
                    fields: p.fields,
                    pos: cx.pos(p.at),
                }
            })
            .collect()
    }

    /// A converter's error about a scenario's field, said of the scenario.
    fn scoped(mut d: Diagnostic, who: &Who) -> Diagnostic {
        d.message = format!("{}: {}", who.label, d.message);
        d
    }

    /// One entity's entry (`fraud = { estimate = 3 }`): its fields written into the patched
    /// tree, or an error when the entity is unknown or the entry is not a table.
    fn entry(
        cx: &mut Cx,
        patched: &mut Node,
        key: &str,
        kind: &'static str,
        e: &Entry,
        who: &Who,
        plan: &Plan,
    ) -> Option<Pending> {
        let ids: Vec<&str> = match kind {
            "team" => plan.teams.iter().map(|t| t.id.as_str()).collect(),
            "task" => plan.tasks.iter().map(|t| t.id.as_str()).collect(),
            "risk" => plan.risks.iter().map(|t| t.id.as_str()).collect(),
            _ => plan.releases.iter().map(|t| t.id.as_str()).collect(),
        };
        let Some(index) = ids.iter().position(|&i| i == e.key) else {
            let help = did_you_mean(suggest(&e.key, ids.iter().copied()));
            cx.err_help(
                e.key_start,
                who,
                format!("unknown {kind} `{}`", e.key),
                help,
            );
            return None;
        };
        let fields = cx.table(&e.value, who, &e.key)?;
        let mut kept = Vec::new();
        let mut out = Vec::new();
        for f in fields {
            if f.value.val == Val::Null {
                continue;
            }
            if f.key == "id" && kind != "team" {
                cx.err(
                    f.key_start,
                    who,
                    format!("{kind} `{}`: a scenario cannot change an id", e.key),
                );
                continue;
            }
            if f.key == "cut" && kind == "task" {
                match cx.boolean(&f.value, who, "cut") {
                    Some(true) => {}
                    _ => continue,
                }
            } else {
                kept.push(f.clone());
            }
            out.push(Field {
                key: f.key.clone(),
                pos: cx.pos(f.key_start),
            });
        }
        write_fields(patched, key, index, kept);
        Some(Pending {
            kind,
            index,
            fields: out,
            at: e.key_start,
            range: (e.key_start, last_start(&e.value)),
        })
    }

    /// The offset of the last value written inside `n`.
    fn last_start(n: &Node) -> usize {
        match &n.val {
            Val::Array(items) => items.iter().map(last_start).max().unwrap_or(n.start),
            Val::Table(es) => es
                .iter()
                .map(|e| last_start(&e.value))
                .max()
                .unwrap_or(n.start),
            _ => n.start,
        }
        .max(n.start)
    }

    /// Writes `fields` over entity `index` of section `key` of the tree.
    fn write_fields(root: &mut Node, key: &str, index: usize, fields: Vec<Entry>) {
        let Val::Table(top) = &mut root.val else {
            return;
        };
        let Some(section) = top.iter_mut().find(|e| e.key == key) else {
            return;
        };
        let target = match &mut section.value.val {
            // Teams by name; the others by their place among the array's tables (the plan
            // was converted from them in order, each table one entity).
            Val::Table(named) => named.get_mut(index).map(|e| &mut e.value),
            Val::Array(items) => items.get_mut(index),
            _ => None,
        };
        let Some(Node {
            val: Val::Table(es),
            ..
        }) = target
        else {
            return;
        };
        for f in fields {
            // A task is sized by an estimate or by items, never both: writing one drops the
            // other (SPEC section 9).
            let drops: &[&str] = match f.key.as_str() {
                "items" => &["estimate"],
                "estimate" => &["items", "split"],
                _ => &[],
            };
            es.retain(|x| !drops.contains(&x.key.as_str()));
            match es.iter_mut().find(|x| x.key == f.key) {
                Some(x) => *x = f,
                None => es.push(f),
            }
        }
    }
}
