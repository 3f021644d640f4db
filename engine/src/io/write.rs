//! Writing a plan back as TOML or JSON, in the plan format's canonical form: defaults are
//! left out, and reading the text back gives the same plan (positions aside).

use chrono::NaiveDate;

use crate::model::{
    Cadence, Calendar, Estimate, LinkKind, Patch, Plan, Release, Risk, RiskStatus, Scenario, Task,
    TaskKind, Team, When,
};

/// An ordered value, rendered as TOML or JSON.
#[derive(Clone)]
enum Out {
    Str(String),
    Num(f64),
    Bool(bool),
    Date(NaiveDate),
    Arr(Vec<Out>),
    Tab(Vec<(String, Out)>),
}

fn s(v: &str) -> Out {
    Out::Str(v.to_string())
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn days(d: &[bool; 7]) -> Out {
    Out::Arr(
        d.iter()
            .zip(DAYS)
            .filter(|(on, _)| **on)
            .map(|(_, n)| s(n))
            .collect(),
    )
}

fn when(w: When) -> Out {
    match w {
        When::Date(d) => Out::Date(d),
        When::Period(p) => Out::Num(p),
    }
}

fn estimate(e: &Estimate) -> Out {
    let n = |k: &str, v: f64| (k.to_string(), Out::Num(v));
    let dist = |d: &str| ("dist".to_string(), s(d));
    match *e {
        Estimate::Fixed { value } => Out::Num(value),
        Estimate::Pert { low, likely, high } => {
            Out::Tab(vec![n("low", low), n("likely", likely), n("high", high)])
        }
        Estimate::Triangular { low, likely, high } => Out::Tab(vec![
            dist("triangular"),
            n("low", low),
            n("likely", likely),
            n("high", high),
        ]),
        Estimate::Uniform { low, high } => {
            Out::Tab(vec![dist("uniform"), n("low", low), n("high", high)])
        }
        Estimate::Lognormal { median, p90 } => {
            Out::Tab(vec![dist("lognormal"), n("median", median), n("p90", p90)])
        }
    }
}

/// Whether the last calendar is the implicit `standard` one, which reading adds back.
fn implicit_standard(plan: &Plan) -> bool {
    let last = plan.calendars.len().wrapping_sub(1);
    plan.calendars.last() == Some(&Calendar::standard())
        && (plan.default_calendar == last || plan.teams.iter().any(|t| t.calendar == last))
}

/// The plan as an ordered tree in the plan format.
fn tree(plan: &Plan) -> Out {
    let mut top = vec![("plan".to_string(), head(plan))];
    let mut section = |key: &str, v: Out| {
        let empty = match &v {
            Out::Arr(a) => a.is_empty(),
            Out::Tab(t) => t.is_empty(),
            _ => false,
        };
        if !empty {
            top.push((key.to_string(), v));
        }
    };
    section("calendars", calendars(plan));
    section(
        "teams",
        Out::Tab(plan.teams.iter().map(|t| team_entry(plan, t)).collect()),
    );
    section(
        "tasks",
        Out::Arr(plan.tasks.iter().map(|t| task(plan, t)).collect()),
    );
    let ids = |v: &[usize]| task_ids(plan, v);
    let risks = plan.risks.iter().map(|r| risk(plan, r));
    section("risks", Out::Arr(risks.collect()));
    let correlations = plan.correlations.iter().map(|c| {
        Out::Tab(vec![
            ("tasks".into(), ids(&c.tasks)),
            ("coefficient".into(), Out::Num(c.coefficient)),
        ])
    });
    section("correlations", Out::Arr(correlations.collect()));
    let releases = plan.releases.iter().map(|r| release(plan, r));
    section("releases", Out::Arr(releases.collect()));
    let scenarios = plan.scenarios.iter().map(|sc| scenario(plan, sc));
    section("scenarios", Out::Arr(scenarios.collect()));
    Out::Tab(top)
}

/// One `[[risks]]` entry.
fn risk(plan: &Plan, r: &Risk) -> Out {
    let mut o = vec![
        ("id".into(), s(&r.id)),
        ("probability".into(), Out::Num(r.probability)),
        ("impact".into(), estimate(&r.impact)),
        ("tasks".into(), task_ids(plan, &r.tasks)),
    ];
    match r.status {
        RiskStatus::Open => {}
        RiskStatus::Closed => o.push(("status".into(), s("closed"))),
        RiskStatus::Occurred => o.push(("status".into(), s("occurred"))),
    }
    Out::Tab(o)
}

/// One `[[scenarios]]` entry: per entity, the replaced fields as the entity's own entry
/// writes them (a field the entry leaves out as a default is written as that default).
fn scenario(plan: &Plan, sc: &Scenario) -> Out {
    let mut o = vec![("id".to_string(), s(&sc.id))];
    if let Some(n) = &sc.name {
        o.push(("name".into(), s(n)));
    }
    for key in ["teams", "tasks", "risks", "releases"] {
        let mut group = Vec::new();
        for c in &sc.changes {
            let (section, id, Out::Tab(full)) = (match &c.patch {
                Patch::Team { team, value } => {
                    ("teams", &plan.teams[*team].id, team_entry(plan, value).1)
                }
                Patch::Task { task, value } => {
                    ("tasks", &plan.tasks[*task].id, self::task(plan, value))
                }
                Patch::Risk { risk, value } => {
                    ("risks", &plan.risks[*risk].id, self::risk(plan, value))
                }
                Patch::Release { release, value } => (
                    "releases",
                    &plan.releases[*release].id,
                    self::release(plan, value),
                ),
            }) else {
                unreachable!("an entity is written as a table")
            };
            if section != key {
                continue;
            }
            let fields = c.fields.iter().filter_map(|f| {
                let v = match full.iter().find(|(k, _)| *k == f.key) {
                    Some((_, v)) => Some(v.clone()),
                    None => default_of(plan, &c.patch, &f.key),
                };
                v.map(|v| (f.key.clone(), v))
            });
            group.push((id.clone(), Out::Tab(fields.collect())));
        }
        if !group.is_empty() {
            o.push((key.into(), Out::Tab(group)));
        }
    }
    Out::Tab(o)
}

/// A field an entity's entry leaves out, as a scenario writes it: its default value.
fn default_of(plan: &Plan, patch: &Patch, key: &str) -> Option<Out> {
    Some(match (patch, key) {
        (Patch::Task { .. }, "cut" | "optional") => Out::Bool(key == "cut"),
        (Patch::Task { value, .. }, "demand") => Out::Num(value.demand.into()),
        (Patch::Task { .. }, "kind") => s("work"),
        (Patch::Task { value, .. }, "estimate") => estimate(&value.estimate),
        (Patch::Team { .. }, "calendar") => s(&plan.calendars[plan.default_calendar].id),
        (Patch::Risk { .. }, "status") => s("open"),
        (Patch::Release { value, .. }, "value") => Out::Num(value.value),
        (_, "after" | "extra_demands" | "time_off" | "windows" | "freeze") => Out::Arr(Vec::new()),
        _ => return None,
    })
}

fn task_ids(plan: &Plan, v: &[usize]) -> Out {
    Out::Arr(v.iter().map(|&i| s(&plan.tasks[i].id)).collect())
}

/// `[plan]`.
fn head(plan: &Plan) -> Out {
    let mut head = vec![("name".to_string(), s(&plan.name))];
    if let Some(d) = plan.start {
        head.push(("start".into(), Out::Date(d)));
    }
    let default = &plan.calendars[plan.default_calendar].id;
    if default != "standard" {
        head.push(("calendar".into(), s(default)));
    }
    if let Some(w) = plan.status {
        let key = if plan.is_dated() {
            "status_date"
        } else {
            "status"
        };
        head.push((key.into(), when(w)));
    }
    Out::Tab(head)
}

/// `[calendars]`, the implicit `standard` left out.
fn calendars(plan: &Plan) -> Out {
    let written = plan.calendars.len() - usize::from(implicit_standard(plan));
    let cals = plan.calendars[..written].iter().map(|c| {
        let mut t = vec![("workdays".to_string(), days(&c.workdays))];
        if !c.holidays.is_empty() {
            let h = c.holidays.iter().map(|&d| Out::Date(d)).collect();
            t.push(("holidays".into(), Out::Arr(h)));
        }
        (c.id.clone(), Out::Tab(t))
    });
    Out::Tab(cals.collect())
}

/// One `[teams.ID]` entry.
fn team_entry(plan: &Plan, t: &Team) -> (String, Out) {
    let mut o = Vec::new();
    if let Some(name) = &t.name {
        o.push(("name".to_string(), s(name)));
    }
    o.push(("capacity".to_string(), Out::Num(t.capacity.into())));
    if t.calendar != plan.default_calendar {
        o.push(("calendar".into(), s(&plan.calendars[t.calendar].id)));
    }
    if !t.time_off.is_empty() {
        let offs = t.time_off.iter().map(|x| {
            Out::Tab(vec![
                ("from".into(), when(x.from)),
                ("to".into(), when(x.to)),
                ("capacity".into(), Out::Num(x.capacity.into())),
            ])
        });
        o.push(("time_off".into(), Out::Arr(offs.collect())));
    }
    if let Some(tp) = &t.throughput {
        let samples = tp.samples.iter().map(|&x| Out::Num(x)).collect();
        o.push((
            "throughput".into(),
            Out::Tab(vec![
                ("per".into(), s(tp.per.as_str())),
                ("samples".into(), Out::Arr(samples)),
            ]),
        ));
    }
    (t.id.clone(), Out::Tab(o))
}

/// One `[[tasks]]` entry.
fn task(plan: &Plan, t: &Task) -> Out {
    let task_id = |i: usize| s(&plan.tasks[i].id);
    let mut o = vec![("id".to_string(), s(&t.id))];
    if let Some(n) = &t.name {
        o.push(("name".into(), s(n)));
    }
    if let Some(team) = t.team {
        o.push(("team".into(), s(&plan.teams[team].id)));
        if t.demand != 1 {
            o.push(("demand".into(), Out::Num(t.demand.into())));
        }
    }
    if !t.extra_demands.is_empty() {
        let x = t.extra_demands.iter().map(|&(team, d)| {
            Out::Tab(vec![
                ("team".into(), s(&plan.teams[team].id)),
                ("demand".into(), Out::Num(d.into())),
            ])
        });
        o.push(("extra_demands".into(), Out::Arr(x.collect())));
    }
    match t.kind {
        TaskKind::Work => {}
        TaskKind::Gate => o.push(("kind".into(), s("gate"))),
        TaskKind::Milestone => o.push(("kind".into(), s("milestone"))),
    }
    if let Some(items) = t.items {
        let range = |low: f64, high: f64| {
            Out::Tab(vec![
                ("low".into(), Out::Num(low)),
                ("high".into(), Out::Num(high)),
            ])
        };
        let count = if items.low == items.high {
            Out::Num(items.low.into())
        } else {
            range(items.low.into(), items.high.into())
        };
        o.push(("items".into(), count));
        if let Some((low, high)) = items.split {
            o.push(("split".into(), range(low, high)));
        }
        if t.estimate != (Estimate::Fixed { value: 0.0 }) {
            o.push(("estimate".into(), estimate(&t.estimate)));
        }
    } else if t.kind != TaskKind::Milestone {
        o.push(("estimate".into(), estimate(&t.estimate)));
    }
    if !t.after.is_empty() {
        let links = t.after.iter().map(|l| {
            if l.kind == LinkKind::FS && l.lag == 0.0 {
                return task_id(l.pred);
            }
            let mut x = vec![("task".to_string(), task_id(l.pred))];
            if l.kind != LinkKind::FS {
                x.push(("type".into(), s(&format!("{:?}", l.kind))));
            }
            if l.lag != 0.0 {
                x.push(("lag".into(), Out::Num(l.lag)));
            }
            Out::Tab(x)
        });
        o.push(("after".into(), Out::Arr(links.collect())));
    }
    if t.optional {
        o.push(("optional".into(), Out::Bool(true)));
    }
    let a = &t.actual;
    let points = [
        ("started", a.started),
        ("done", a.done),
        ("not_before", t.dates.not_before),
        ("due", t.dates.due),
    ];
    for (key, w) in points {
        if let Some(w) = w {
            o.push((key.into(), when(w)));
        }
    }
    if let Some(r) = &a.remaining {
        o.push(("remaining".into(), estimate(r)));
    }
    if let Some(p) = a.progress {
        o.push(("progress".into(), Out::Num(p)));
    }
    Out::Tab(o)
}

/// One `[[releases]]` entry.
fn release(plan: &Plan, r: &Release) -> Out {
    let mut o = vec![
        ("id".to_string(), s(&r.id)),
        ("tasks".into(), task_ids(plan, &r.tasks)),
    ];
    if let Some(t) = r.target {
        o.push(("target".into(), when(t)));
    }
    if !r.windows.is_empty() {
        o.push((
            "windows".into(),
            Out::Arr(r.windows.iter().map(|&w| when(w)).collect()),
        ));
    }
    match &r.cadence {
        None => {}
        Some(Cadence::Weekly {
            weekdays,
            every_weeks,
            from,
        }) => {
            let mut c = vec![("weekdays".to_string(), days(weekdays))];
            if *every_weeks != 1 {
                c.push(("every_weeks".into(), Out::Num((*every_weeks).into())));
            }
            c.push(("from".into(), Out::Date(*from)));
            o.push(("cadence".into(), Out::Tab(c)));
        }
        Some(Cadence::Periodic { every, from }) => o.push((
            "cadence".into(),
            Out::Tab(vec![
                ("every".into(), Out::Num(*every)),
                ("from".into(), Out::Num(*from)),
            ]),
        )),
    }
    if !r.freeze.is_empty() {
        let f = r.freeze.iter().map(|f| {
            Out::Tab(vec![
                ("from".into(), when(f.from)),
                ("to".into(), when(f.to)),
            ])
        });
        o.push(("freeze".into(), Out::Arr(f.collect())));
    }
    if r.value != 1.0 {
        o.push(("value".into(), Out::Num(r.value)));
    }
    if let Some(d) = r.deployed {
        o.push(("deployed".into(), when(d)));
    }
    Out::Tab(o)
}

/// A number as both TOML and JSON read it back exactly.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        // Debug gives the shortest text that reads back to the same f64 (`0.1`, `1e300`).
        format!("{v:?}")
    }
}

/// A double-quoted string with the escapes both TOML and JSON accept.
fn quoted(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                o.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn toml_key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn toml_inline(v: &Out, o: &mut String) {
    match v {
        Out::Str(x) => o.push_str(&quoted(x)),
        Out::Num(x) => o.push_str(&num(*x)),
        Out::Bool(b) => o.push_str(if *b { "true" } else { "false" }),
        // `NaiveDate`'s `Display` is `%Y-%m-%d` (the formatting engine stays out of the browser).
        Out::Date(d) => o.push_str(&d.to_string()),
        Out::Arr(items) => {
            o.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    o.push_str(", ");
                }
                toml_inline(it, o);
            }
            o.push(']');
        }
        Out::Tab(es) => {
            o.push_str("{ ");
            for (i, (k, v)) in es.iter().enumerate() {
                if i > 0 {
                    o.push_str(", ");
                }
                o.push_str(&toml_key(k));
                o.push_str(" = ");
                toml_inline(v, o);
            }
            o.push_str(" }");
        }
    }
}

fn toml_body(es: &[(String, Out)], o: &mut String) {
    for (k, v) in es {
        o.push_str(&toml_key(k));
        o.push_str(" = ");
        toml_inline(v, o);
        o.push('\n');
    }
}

/// Renders the top table: `[plan]`, `[calendars.X]`, `[teams.X]`, then `[[tasks]]` etc.
pub(crate) fn to_toml(plan: &Plan) -> String {
    let Out::Tab(top) = tree(plan) else {
        unreachable!("the plan tree is a table")
    };
    let mut o = String::new();
    for (k, v) in &top {
        match (k.as_str(), v) {
            ("calendars" | "teams", Out::Tab(named)) => {
                for (name, body) in named {
                    if let Out::Tab(es) = body {
                        o.push_str(&format!("\n[{k}.{}]\n", toml_key(name)));
                        toml_body(es, &mut o);
                    }
                }
            }
            (_, Out::Tab(es)) => {
                o.push_str(&format!("[{k}]\n"));
                toml_body(es, &mut o);
            }
            (_, Out::Arr(items)) => {
                for it in items {
                    if let Out::Tab(es) = it {
                        o.push_str(&format!("\n[[{k}]]\n"));
                        toml_body(es, &mut o);
                    }
                }
            }
            _ => {}
        }
    }
    o
}

fn json_inline(v: &Out, o: &mut String) {
    match v {
        Out::Date(d) => o.push_str(&format!("\"{d}\"")),
        Out::Arr(items) => {
            o.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    o.push_str(", ");
                }
                json_inline(it, o);
            }
            o.push(']');
        }
        Out::Tab(es) => {
            o.push('{');
            for (i, (k, v)) in es.iter().enumerate() {
                if i > 0 {
                    o.push_str(", ");
                }
                o.push_str(&quoted(k));
                o.push_str(": ");
                json_inline(v, o);
            }
            o.push('}');
        }
        other => toml_inline(other, o),
    }
}

/// Renders the plan as JSON: one section per line group, one task (team, release...) per line.
pub(crate) fn to_json(plan: &Plan) -> String {
    let Out::Tab(top) = tree(plan) else {
        unreachable!("the plan tree is a table")
    };
    let mut o = String::from("{\n");
    for (i, (k, v)) in top.iter().enumerate() {
        o.push_str(&format!("  {}: ", quoted(k)));
        match v {
            Out::Arr(items) => {
                o.push_str("[\n");
                for (j, it) in items.iter().enumerate() {
                    o.push_str("    ");
                    json_inline(it, &mut o);
                    o.push_str(if j + 1 < items.len() { ",\n" } else { "\n" });
                }
                o.push_str("  ]");
            }
            Out::Tab(es) if k != "plan" => {
                o.push_str("{\n");
                for (j, (name, body)) in es.iter().enumerate() {
                    o.push_str(&format!("    {}: ", quoted(name)));
                    json_inline(body, &mut o);
                    o.push_str(if j + 1 < es.len() { ",\n" } else { "\n" });
                }
                o.push_str("  }");
            }
            other => json_inline(other, &mut o),
        }
        o.push_str(if i + 1 < top.len() { ",\n" } else { "\n" });
    }
    o.push_str("}\n");
    o
}
