//! The value tree (from TOML or JSON) to a validated [`Plan`], collecting every error.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::tree::{Entry, Locator, Node, Val};
use crate::diag::{suggest, Diagnostic, Pos};
use crate::model::{
    Cadence, Calendar, Correlation, Estimate, Freeze, Link, LinkKind, Plan, Release, Risk, Task,
    TaskKind, Team, TimeOff, When,
};

const TOP_KEYS: &[&str] = &[
    "plan",
    "calendars",
    "teams",
    "tasks",
    "risks",
    "correlations",
    "releases",
];
const PLAN_KEYS: &[&str] = &["name", "start", "calendar"];
const CALENDAR_KEYS: &[&str] = &["workdays", "holidays"];
const TEAM_KEYS: &[&str] = &["capacity", "calendar", "time_off"];
const TIME_OFF_KEYS: &[&str] = &["from", "to", "capacity"];
const TASK_KEYS: &[&str] = &[
    "id",
    "name",
    "team",
    "demand",
    "extra_demands",
    "estimate",
    "after",
    "kind",
    "optional",
];
const EXTRA_DEMAND_KEYS: &[&str] = &["team", "demand"];
const LINK_KEYS: &[&str] = &["task", "type", "lag"];
const RISK_KEYS: &[&str] = &["id", "probability", "impact", "tasks"];
const CORRELATION_KEYS: &[&str] = &["tasks", "coefficient"];
const RELEASE_KEYS: &[&str] = &[
    "id", "tasks", "target", "windows", "cadence", "freeze", "value",
];
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

/// Converts a parsed TOML or JSON tree into a validated plan.
pub(crate) fn convert(src: &str, root: &Node) -> Result<Plan, Vec<Diagnostic>> {
    let mut cx = Cx {
        loc: Locator::new(src),
        errs: Vec::new(),
    };
    let plan = cx.plan(root);
    if cx.errs.is_empty() {
        Ok(plan)
    } else {
        Err(super::sorted(cx.errs))
    }
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
}

/// A name written in the plan, with where it is written.
#[derive(Clone)]
struct Name {
    name: String,
    at: usize,
}

struct RawTeam {
    id: String,
    capacity: Option<u32>,
    calendar: Option<Name>,
    time_off: Vec<(TimeOff, usize)>,
    at: usize,
}

struct RawLink {
    task: Name,
    kind: LinkKind,
    lag: f64,
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
    after: Vec<RawLink>,
    kind: TaskKind,
    optional: bool,
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

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
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

impl Cx<'_> {
    fn pos(&self, at: usize) -> Option<Pos> {
        Some(self.loc.pos(at))
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

    fn check_id(&mut self, id: &str, at: usize, kind: &str) {
        if !valid_id(id) {
            self.raw(
                at,
                Some(id),
                format!("{kind} id `{id}` may hold only letters, digits, '.', '_' and '-'"),
                None,
            );
        }
    }

    /// The `id` of an element of an array of tables.
    fn id<'n>(&mut self, es: &'n [Entry], at: usize, kind: &str, index: usize) -> Option<&'n str> {
        let who = Who::new(kind, None, index);
        match field(es, "id") {
            None => {
                if !misspelt(es, "id", &["id"]) {
                    self.err(at, &who, "missing `id`");
                }
                None
            }
            Some(n) => {
                let id = self.string(n, &who, "id")?;
                self.check_id(id, n.start, kind);
                Some(id)
            }
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
        let bad = |cx: &mut Self, msg: String| {
            cx.err(n.start, who, format!("{what} {msg}"));
            None
        };
        for (k, v) in needed.iter().zip(&vals) {
            if *v < 0.0 {
                return bad(self, format!("must not be negative ({k} = {v})"));
            }
        }
        match dist.as_str() {
            "pert" | "triangular" => {
                let (low, likely, high) = (vals[0], vals[1], vals[2]);
                if low > likely {
                    return bad(self, format!("has low ({low}) above likely ({likely})"));
                }
                if likely > high {
                    return bad(self, format!("has likely ({likely}) above high ({high})"));
                }
                Some(if dist == "pert" {
                    Estimate::Pert { low, likely, high }
                } else {
                    Estimate::Triangular { low, likely, high }
                })
            }
            "uniform" => {
                let (low, high) = (vals[0], vals[1]);
                if low > high {
                    return bad(self, format!("has low ({low}) above high ({high})"));
                }
                Some(Estimate::Uniform { low, high })
            }
            "lognormal" => {
                let (median, p90) = (vals[0], vals[1]);
                if median <= 0.0 {
                    return bad(self, format!("has median {median}; it must be above 0"));
                }
                if p90 <= median {
                    return bad(
                        self,
                        format!("has p90 ({p90}) not above the median ({median})"),
                    );
                }
                Some(Estimate::Lognormal { median, p90 })
            }
            _ => Some(Estimate::Fixed { value: vals[0] }),
        }
    }

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

        // [plan]
        let pw = Who::plain("[plan]");
        let mut name = String::new();
        let mut start = None;
        let mut default_cal: Option<Name> = None;
        let mut dated = false;
        match field(top, "plan") {
            None => self.raw(
                root.start,
                None,
                "missing [plan] section".into(),
                Some("add [plan] with name = \"...\"".into()),
            ),
            Some(p) => {
                if let Some(es) = self.table(p, &pw, "plan") {
                    self.keys(es, PLAN_KEYS, &pw);
                    match field(es, "name") {
                        None if misspelt(es, "name", PLAN_KEYS) => {}
                        None => self.err(p.start, &pw, "missing `name`"),
                        Some(n) => {
                            if let Some(s) = self.string(n, &pw, "name") {
                                if s.trim().is_empty() {
                                    self.err(n.start, &pw, "`name` is empty");
                                }
                                name = s.to_string();
                            }
                        }
                    }
                    if let Some(n) = field(es, "start") {
                        dated = true;
                        start = self.date(n, &pw, "start");
                    }
                    if let Some(n) = field(es, "calendar") {
                        default_cal = self.string(n, &pw, "calendar").map(|s| Name {
                            name: s.to_string(),
                            at: n.start,
                        });
                    }
                }
            }
        }

        // [calendars.NAME]
        let mut calendars: Vec<Calendar> = Vec::new();
        if let Some(n) = field(top, "calendars") {
            if let Some(es) = self.table(n, &top_who, "calendars") {
                for e in es {
                    let who = Who::new("calendar", Some(&e.key), 0);
                    self.check_id(&e.key, e.key_start, "calendar");
                    calendars.push(self.calendar(e, &who));
                }
            }
        }

        // [teams.NAME]
        let mut raw_teams: Vec<RawTeam> = Vec::new();
        if let Some(n) = field(top, "teams") {
            if let Some(es) = self.table(n, &top_who, "teams") {
                for e in es {
                    let who = Who::new("team", Some(&e.key), 0);
                    self.check_id(&e.key, e.key_start, "team");
                    raw_teams.push(self.team(e, &who, dated));
                }
            }
        }

        // [[tasks]]
        let mut raw_tasks: Vec<RawTask> = Vec::new();
        if let Some(n) = field(top, "tasks") {
            if let Some(items) = self.array(n, &top_who, "tasks") {
                for (i, it) in items.iter().enumerate() {
                    raw_tasks.push(self.task(it, i));
                }
            }
        }

        // Names and indices.
        let mut task_ix: HashMap<&str, usize> = HashMap::new();
        for (i, t) in raw_tasks.iter().enumerate() {
            if t.id.is_empty() {
                continue;
            }
            if let Some(&first) = task_ix.get(t.id.as_str()) {
                let line = self.loc.pos(raw_tasks[first].at).line;
                let msg = format!("duplicate task id `{}`", t.id);
                let help = Some(format!("the first task `{}` is at line {line}", t.id));
                self.raw(t.at, Some(&t.id), msg, help);
            } else {
                task_ix.insert(&t.id, i);
            }
        }
        let task_names: Vec<&str> = raw_tasks.iter().map(|t| t.id.as_str()).collect();
        let team_ix: HashMap<&str, usize> = raw_teams
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        let team_names: Vec<&str> = raw_teams.iter().map(|t| t.id.as_str()).collect();

        // Calendars: the implicit `standard` is added when named and not defined.
        let mut cal_names: Vec<String> = calendars.iter().map(|c| c.id.clone()).collect();
        if !cal_names.iter().any(|c| c == "standard") {
            cal_names.push("standard".into());
        }
        let mut resolve_cal = |cx: &mut Self, n: &Name, who: &Who| -> usize {
            if let Some(i) = calendars.iter().position(|c| c.id == n.name) {
                return i;
            }
            if n.name == "standard" {
                calendars.push(Calendar::standard());
                return calendars.len() - 1;
            }
            let help = did_you_mean(suggest(&n.name, cal_names.iter().map(String::as_str)));
            cx.raw(
                n.at,
                who.id.as_deref(),
                format!("unknown calendar `{}` for {}", n.name, who.label),
                help,
            );
            0
        };
        let default_name = default_cal.clone().unwrap_or(Name {
            name: "standard".into(),
            at: 0,
        });
        let default_calendar = resolve_cal(self, &default_name, &pw);

        let mut teams = Vec::new();
        for t in &raw_teams {
            let who = Who::new("team", Some(&t.id), 0);
            let calendar = match &t.calendar {
                Some(c) => resolve_cal(self, c, &who),
                None => default_calendar,
            };
            if let Some(cap) = t.capacity {
                for &(off, at) in &t.time_off {
                    if off.capacity > cap {
                        self.err(
                            at,
                            &who,
                            format!(
                                "time off capacity {} is above the team's capacity {cap}",
                                off.capacity
                            ),
                        );
                    }
                }
            }
            teams.push(Team {
                id: t.id.clone(),
                capacity: t.capacity.unwrap_or(1),
                calendar,
                time_off: t.time_off.iter().map(|&(o, _)| o).collect(),
                pos: self.pos(t.at),
            });
        }

        // Time only runs on the plan calendar's working days: a team whose calendar shares
        // none of them could never work, and its tasks would never finish.
        for (t, team) in raw_teams.iter().zip(&teams) {
            // An unknown calendar (already reported) resolves to index 0, which does not
            // exist when the plan defines no calendar.
            let (Some(own), Some(plan_cal)) = (
                calendars.get(team.calendar),
                calendars.get(default_calendar),
            ) else {
                continue;
            };
            if dated && !(0..7).any(|d| own.workdays[d] && plan_cal.workdays[d]) {
                let who = Who::new("team", Some(&t.id), 0);
                let at = t.calendar.as_ref().map_or(t.at, |c| c.at);
                self.err_help(
                    at,
                    &who,
                    format!(
                        "its calendar `{}` shares no working weekday with the plan calendar `{}`, so it could never work",
                        own.id, plan_cal.id
                    ),
                    Some("give the team's calendar at least one of the plan's working weekdays".into()),
                );
            }
        }

        let resolve = |cx: &mut Self,
                       n: &Name,
                       kind: &str,
                       who: &Who,
                       ix: &HashMap<&str, usize>,
                       names: &[&str]|
         -> Option<usize> {
            if let Some(&i) = ix.get(n.name.as_str()) {
                return Some(i);
            }
            let help = did_you_mean(suggest(&n.name, names.iter().copied()));
            cx.raw(
                n.at,
                who.id.as_deref(),
                format!("unknown {kind} `{}` for {}", n.name, who.label),
                help,
            );
            None
        };

        let mut tasks = Vec::new();
        let mut edges = Vec::new();
        for (ti, t) in raw_tasks.iter().enumerate() {
            let team = t
                .team
                .as_ref()
                .and_then(|n| resolve(self, n, "team", &t.who, &team_ix, &team_names));
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
                (Some(_), Some((d, _))) => d,
                (Some(_), None) => 1,
            };
            if let (Some(ix), Some(tn)) = (team, &t.team) {
                let rt = &raw_teams[ix];
                if let Some(cap) = rt.capacity {
                    if demand > cap {
                        let at = t.demand.map_or(tn.at, |(_, at)| at);
                        self.err_help(
                            at,
                            &t.who,
                            format!(
                                "demand {demand} is above the capacity {cap} of team `{}`",
                                rt.id
                            ),
                            Some(format!(
                                "lower the demand or raise the capacity of `{}`",
                                rt.id
                            )),
                        );
                    }
                }
            }
            let mut extra_demands: Vec<(usize, u32)> = Vec::new();
            for (n, d, at) in &t.extra {
                if t.team.is_none() {
                    self.err(n.at, &t.who, "`extra_demands` needs a `team` first");
                    break;
                }
                let Some(ix) = resolve(self, n, "team", &t.who, &team_ix, &team_names) else {
                    continue;
                };
                if Some(ix) == team || extra_demands.iter().any(|&(x, _)| x == ix) {
                    self.err(n.at, &t.who, format!("team `{}` is demanded twice", n.name));
                    continue;
                }
                let rt = &raw_teams[ix];
                if let Some(cap) = rt.capacity {
                    if *d > cap {
                        self.err(
                            *at,
                            &t.who,
                            format!("demand {d} is above the capacity {cap} of team `{}`", rt.id),
                        );
                    }
                }
                extra_demands.push((ix, *d));
            }
            let mut after = Vec::new();
            for l in &t.after {
                let Some(p) = resolve(self, &l.task, "task", &t.who, &task_ix, &task_names) else {
                    continue;
                };
                if p == ti {
                    self.err(l.at, &t.who, "a task cannot come after itself");
                    continue;
                }
                edges.push((p, ti));
                after.push(Link {
                    pred: p,
                    kind: l.kind,
                    lag: l.lag,
                    pos: self.pos(l.at),
                });
            }
            tasks.push(Task {
                id: t.id.clone(),
                name: t.name.clone(),
                team,
                demand: if team.is_some() { demand } else { 0 },
                extra_demands,
                estimate: t.estimate,
                after,
                kind: t.kind,
                optional: t.optional,
                pos: self.pos(t.at),
            });
        }
        for cycle in crate::graph::find_cycles(tasks.len(), &edges) {
            let (Some(&first), Some(&last)) = (cycle.first(), cycle.last()) else {
                continue;
            };
            let mut path: Vec<&str> = cycle.iter().map(|&i| tasks[i].id.as_str()).collect();
            path.push(&tasks[first].id);
            // Locate at the link that closes the cycle (first's link to the last task).
            let at = raw_tasks[first]
                .after
                .iter()
                .find(|r| task_ix.get(r.task.name.as_str()) == Some(&last))
                .map_or(raw_tasks[first].at, |r| r.at);
            self.raw(
                at,
                Some(&tasks[first].id),
                format!("dependency cycle: {}", path.join(" -> ")),
                Some("remove one of these links".into()),
            );
        }

        // [[risks]]
        let mut risks = Vec::new();
        let mut risk_ids: HashMap<String, usize> = HashMap::new();
        if let Some(n) = field(top, "risks") {
            if let Some(items) = self.array(n, &top_who, "risks") {
                for (i, it) in items.iter().enumerate() {
                    let Some(es) = self.table(it, &Who::new("risk", None, i), "risks") else {
                        continue;
                    };
                    let id = self.id(es, it.start, "risk", i).unwrap_or("").to_string();
                    let who = Who::new("risk", (!id.is_empty()).then_some(id.as_str()), i);
                    self.dup(&mut risk_ids, &id, it.start, "risk");
                    self.keys(es, RISK_KEYS, &who);
                    let probability = match field(es, "probability") {
                        None => {
                            if !misspelt(es, "probability", RISK_KEYS) {
                                self.err(it.start, &who, "missing `probability`");
                            }
                            1.0
                        }
                        Some(p) => match self.num(p, &who, "probability") {
                            Some(v) if v > 0.0 && v <= 1.0 => v,
                            Some(v) => {
                                self.err(
                                    p.start,
                                    &who,
                                    format!("`probability` must be in (0, 1], not {v}"),
                                );
                                1.0
                            }
                            None => 1.0,
                        },
                    };
                    let impact = match field(es, "impact") {
                        None => {
                            if !misspelt(es, "impact", RISK_KEYS) {
                                self.err(it.start, &who, "missing `impact`");
                            }
                            None
                        }
                        Some(e) => self.estimate(e, &who, "impact"),
                    };
                    let names = self.task_list(es, it.start, &who, false);
                    let tasks = names
                        .iter()
                        .filter_map(|n| resolve(self, n, "task", &who, &task_ix, &task_names))
                        .collect();
                    risks.push(Risk {
                        id,
                        probability,
                        impact: impact.unwrap_or(Estimate::Fixed { value: 0.0 }),
                        tasks,
                        pos: self.pos(it.start),
                    });
                }
            }
        }

        // [[correlations]]
        let mut correlations = Vec::new();
        if let Some(n) = field(top, "correlations") {
            if let Some(items) = self.array(n, &top_who, "correlations") {
                for (i, it) in items.iter().enumerate() {
                    let who = Who::new("correlation", None, i);
                    let Some(es) = self.table(it, &who, "correlations") else {
                        continue;
                    };
                    self.keys(es, CORRELATION_KEYS, &who);
                    let names = self.task_list(es, it.start, &who, true);
                    let tasks: Vec<usize> = names
                        .iter()
                        .filter_map(|n| resolve(self, n, "task", &who, &task_ix, &task_names))
                        .collect();
                    let coefficient = match field(es, "coefficient") {
                        None => {
                            if !misspelt(es, "coefficient", CORRELATION_KEYS) {
                                self.err(it.start, &who, "missing `coefficient`");
                            }
                            0.0
                        }
                        Some(c) => match self.num(c, &who, "coefficient") {
                            Some(v) if (0.0..1.0).contains(&v) => v,
                            Some(v) => {
                                self.err(
                                    c.start,
                                    &who,
                                    format!("`coefficient` must be in [0, 1), not {v}"),
                                );
                                0.0
                            }
                            None => 0.0,
                        },
                    };
                    correlations.push(Correlation {
                        tasks,
                        coefficient,
                        pos: self.pos(it.start),
                    });
                }
            }
        }

        // [[releases]]
        let mut releases = Vec::new();
        let mut release_ids: HashMap<String, usize> = HashMap::new();
        if let Some(n) = field(top, "releases") {
            if let Some(items) = self.array(n, &top_who, "releases") {
                for (i, it) in items.iter().enumerate() {
                    let Some(es) = self.table(it, &Who::new("release", None, i), "releases") else {
                        continue;
                    };
                    let id = self
                        .id(es, it.start, "release", i)
                        .unwrap_or("")
                        .to_string();
                    let who = Who::new("release", (!id.is_empty()).then_some(id.as_str()), i);
                    self.dup(&mut release_ids, &id, it.start, "release");
                    self.keys(es, RELEASE_KEYS, &who);
                    let names = self.task_list(es, it.start, &who, false);
                    let tasks = names
                        .iter()
                        .filter_map(|n| resolve(self, n, "task", &who, &task_ix, &task_names))
                        .collect();
                    let mut r = self.release(es, &who, dated, start);
                    r.id = id;
                    r.tasks = tasks;
                    r.pos = self.pos(it.start);
                    releases.push(r);
                }
            }
        }

        Plan {
            name,
            start,
            calendars,
            default_calendar,
            teams,
            tasks,
            risks,
            correlations,
            releases,
        }
    }

    fn dup(&mut self, seen: &mut HashMap<String, usize>, id: &str, at: usize, kind: &str) {
        if id.is_empty() {
            return;
        }
        if let Some(&first) = seen.get(id) {
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

    fn calendar(&mut self, e: &Entry, who: &Who) -> Calendar {
        let mut cal = Calendar::standard();
        cal.id = e.key.clone();
        let Some(es) = self.table(&e.value, who, &e.key) else {
            return cal;
        };
        self.keys(es, CALENDAR_KEYS, who);
        if let Some(n) = field(es, "workdays") {
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
            cal.workdays = days;
        }
        if let Some(n) = field(es, "holidays") {
            if let Some(items) = self.array(n, who, "holidays") {
                for it in items {
                    if let Some(d) = self.date(it, who, "holidays") {
                        cal.holidays.push(d);
                    }
                }
            }
            cal.holidays.sort();
            cal.holidays.dedup();
        }
        cal
    }

    fn unknown_weekday(&mut self, d: &Name, who: &Who) {
        let l = d.name.to_ascii_lowercase();
        let help = did_you_mean(suggest(&l, WEEKDAYS.iter().copied()));
        self.err_help(d.at, who, format!("unknown weekday `{}`", d.name), help);
    }

    fn team(&mut self, e: &Entry, who: &Who, dated: bool) -> RawTeam {
        let mut t = RawTeam {
            id: e.key.clone(),
            capacity: None,
            calendar: None,
            time_off: Vec::new(),
            at: e.value.start,
        };
        let Some(es) = self.table(&e.value, who, &e.key) else {
            return t;
        };
        self.keys(es, TEAM_KEYS, who);
        match field(es, "capacity") {
            None if misspelt(es, "capacity", TEAM_KEYS) => {}
            None => self.err(e.value.start, who, "missing `capacity`"),
            Some(n) => {
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
            if let Some(items) = self.array(n, who, "time_off") {
                for it in items {
                    let Some(es) = self.table(it, who, "time_off") else {
                        continue;
                    };
                    self.keys(es, TIME_OFF_KEYS, who);
                    let (from, to) = self.range(es, it.start, who, "time_off", dated);
                    let capacity = match field(es, "capacity") {
                        None => Some(0),
                        Some(c) => self.uint(c, who, "capacity", 0),
                    };
                    if let (Some(from), Some(to), Some(capacity)) = (from, to, capacity) {
                        t.time_off.push((TimeOff { from, to, capacity }, it.start));
                    }
                }
            }
        }
        t
    }

    /// `from` and `to` (inclusive) of a time off or a freeze.
    fn range(
        &mut self,
        es: &[Entry],
        at: usize,
        who: &Who,
        what: &str,
        dated: bool,
    ) -> (Option<When>, Option<When>) {
        let get = |cx: &mut Self, k: &str| match field(es, k) {
            None => {
                cx.err(at, who, format!("{what} is missing `{k}`"));
                None
            }
            Some(n) => cx.when(n, who, k, dated),
        };
        let from = get(self, "from");
        let to = get(self, "to");
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                self.err(
                    at,
                    who,
                    format!("{what} ends (`to`) before it starts (`from`)"),
                );
            }
        }
        (from, to)
    }

    fn task(&mut self, it: &Node, index: usize) -> RawTask {
        let mut t = RawTask {
            who: Who::new("task", None, index),
            id: String::new(),
            name: None,
            team: None,
            demand: None,
            extra: Vec::new(),
            estimate: Estimate::Fixed { value: 0.0 },
            after: Vec::new(),
            kind: TaskKind::Work,
            optional: false,
            at: it.start,
        };
        let Some(es) = self.table(it, &t.who, "tasks") else {
            return t;
        };
        if let Some(id) = self.id(es, it.start, "task", index) {
            t.id = id.to_string();
            t.who = Who::new("task", Some(id), index);
        }
        let who = t.who.clone();
        self.keys(es, TASK_KEYS, &who);
        if let Some(n) = field(es, "name") {
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
        // With an unreadable kind, a missing estimate may be right (a misspelt milestone).
        let mut kind_known = true;
        if let Some(n) = field(es, "extra_demands") {
            if let Some(items) = self.array(n, &who, "extra_demands") {
                for it in items {
                    let Some(xs) = self.table(it, &who, "extra_demands") else {
                        continue;
                    };
                    self.keys(xs, EXTRA_DEMAND_KEYS, &who);
                    let team = match field(xs, "team") {
                        None => {
                            self.err(it.start, &who, "an extra demand is missing `team`");
                            None
                        }
                        Some(tn) => self.string(tn, &who, "team").map(|s| Name {
                            name: s.to_string(),
                            at: tn.start,
                        }),
                    };
                    let demand = match field(xs, "demand") {
                        None => Some((1, it.start)),
                        Some(d) => self.uint(d, &who, "demand", 1).map(|v| (v, d.start)),
                    };
                    if let (Some(team), Some((d, at))) = (team, demand) {
                        t.extra.push((team, d, at));
                    }
                }
            }
        }
        if let Some(n) = field(es, "kind") {
            kind_known = false;
            if let Some(k) = self.string(n, &who, "kind") {
                kind_known = true;
                t.kind = match k.to_ascii_lowercase().as_str() {
                    "work" => TaskKind::Work,
                    "gate" => TaskKind::Gate,
                    "milestone" => TaskKind::Milestone,
                    other => {
                        let help = did_you_mean(suggest(other, KINDS.iter().copied()));
                        self.err_help(
                            n.start,
                            &who,
                            format!("unknown kind `{k}` (work, gate or milestone)"),
                            help,
                        );
                        kind_known = false;
                        TaskKind::Work
                    }
                };
            }
        }
        match (field(es, "estimate"), t.kind) {
            (None, TaskKind::Milestone) => {}
            (None, _) if !kind_known || misspelt(es, "estimate", TASK_KEYS) => {}
            (None, _) => {
                let at = key_at(es, "id").unwrap_or(it.start);
                self.err_help(
                    at,
                    &who,
                    "missing `estimate`",
                    Some("add e.g. estimate = { low = 2, likely = 3, high = 5 }".into()),
                );
            }
            (Some(n), TaskKind::Milestone) => {
                if self.estimate(n, &who, "estimate") != Some(Estimate::Fixed { value: 0.0 }) {
                    self.err_help(
                        n.start,
                        &who,
                        "a milestone takes no time; its estimate must be 0",
                        Some("remove `estimate` or set kind = \"work\"".into()),
                    );
                }
            }
            (Some(n), _) => {
                if let Some(e) = self.estimate(n, &who, "estimate") {
                    t.estimate = e;
                }
            }
        }
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
        t
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
    ) -> Release {
        let mut r = Release::new(String::new(), Vec::new());
        if let Some(n) = field(es, "target") {
            r.target = self.when(n, who, "target", dated);
        }
        if let Some(n) = field(es, "windows") {
            if let Some(items) = self.array(n, who, "windows") {
                r.windows = items
                    .iter()
                    .filter_map(|w| self.when(w, who, "windows", dated))
                    .collect();
            }
        }
        if let Some(n) = field(es, "cadence") {
            r.cadence = self.cadence(n, who, dated, start);
        }
        if let Some(n) = field(es, "freeze") {
            if let Some(items) = self.array(n, who, "freeze") {
                for it in items {
                    let Some(fes) = self.table(it, who, "freeze") else {
                        continue;
                    };
                    self.keys(fes, FREEZE_KEYS, who);
                    if let (Some(from), Some(to)) = self.range(fes, it.start, who, "freeze", dated)
                    {
                        r.freeze.push(Freeze { from, to });
                    }
                }
            }
        }
        if let Some(n) = field(es, "value") {
            match self.num(n, who, "value") {
                Some(v) if v >= 0.0 => r.value = v,
                Some(v) => self.err(n.start, who, format!("`value` must not be negative ({v})")),
                None => {}
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
                Some(w) => self.uint(w, who, "every_weeks", 1),
            };
            let from = match field(es, "from") {
                None => start,
                Some(f) => self.date(f, who, "from"),
            };
            match (ok, every_weeks, from) {
                (true, Some(every_weeks), Some(from)) => Some(Cadence::Weekly {
                    weekdays,
                    every_weeks,
                    from,
                }),
                _ => None,
            }
        } else {
            let every = match field(es, "every") {
                None => {
                    if ok {
                        self.err(n.start, who, "cadence is missing `every`");
                    }
                    None
                }
                Some(e) => match self.num(e, who, "every") {
                    Some(v) if v > 0.0 => Some(v),
                    Some(v) => {
                        self.err(
                            e.start,
                            who,
                            format!("cadence `every` must be above 0, not {v}"),
                        );
                        None
                    }
                    None => None,
                },
            };
            let from = match field(es, "from") {
                None => Some(When::Period(0.0)),
                Some(f) => self.when(f, who, "from", false),
            };
            match (ok, every, from) {
                (true, Some(every), Some(When::Period(from))) => {
                    Some(Cadence::Periodic { every, from })
                }
                _ => None,
            }
        }
    }
}
