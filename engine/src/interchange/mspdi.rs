//! Microsoft Project XML (MSPDI): the format MS Project saves as "XML", and that MPXJ-based
//! tools (ProjectLibre, GanttProject, Primavera converters, ...) read and write.
//!
//! # Reading ([`import`])
//!
//! - Tasks: every task that is not a summary (`Summary = 1`, or followed by tasks of a deeper
//!   `OutlineLevel`), not the project summary (UID 0 at outline level 0), not a blank row
//!   (`IsNull`) and not inactive. Summary tasks are flattened away: a link *from* a summary
//!   becomes a link from each of the tasks under it, a link *to* a summary a link to each of
//!   them (exact for finish-to-start and start-to-start links: the summary finishes when its
//!   last task does and starts when its first does; for the other types it is the
//!   conservative reading, noted).
//! - Durations (`PT40H0M0S`) become working days through the project's `MinutesPerDay`
//!   (480 by default). A zero duration is a milestone. When `Duration1`, `Duration2` and
//!   `Duration3` hold an ordered optimistic / expected / pessimistic triple whose expected
//!   value is the duration (MS Project's PERT analysis fields, as [`export`] writes them), the
//!   estimate is that Beta-PERT; otherwise it is fixed.
//! - Links: FS, SS, FF and SF with their lags (`LinkLag` in tenths of working minutes; elapsed
//!   lags are converted at the calendar's share of working days; percent lags as that share of
//!   the predecessor's duration).
//! - Calendars: the project calendar (`CalendarUID`) is the plan's default: its working
//!   weekdays and its non-working exceptions (both the `WeekDay DayType=0` form and the
//!   `Exceptions` form; base calendars resolved) as holidays. A resource calendar whose
//!   weekdays differ from its base becomes a calendar of its own; its own non-working
//!   exceptions become the team's time off (capacity 0).
//! - Resources: every work resource becomes a team with capacity `MaxUnits` (rounded, at least
//!   1); availability periods below it become time off. A task's assignments give its team
//!   and demand (`Units`, rounded, at least 1).
//! - Ids: the `Text1` field when the file names it `shipdate id` (as [`export`] does), else
//!   a slug of the task's name, made unique; release membership from `Text2` when the file
//!   names it `shipdate releases`.
//!
//! Anything approximated or dropped (constraints, working exceptions, recurring exceptions,
//! elapsed lags, assignments to material resources, ...) is listed in [`Imported::notes`].
//!
//! # Writing ([`export`])
//!
//! The plan and its deterministic schedule: one calendar per plan calendar (working time
//! 08:00-16:00, holidays as exceptions), one resource per team (`MaxUnits` = capacity, time off
//! as availability periods, whole-team absence as exceptions of its resource calendar), one
//! task per task with its scheduled `Start` and `Finish` (fractions of a working day as times
//! of day), `Duration`, `TotalSlack`, `Critical`, its links and lags, an assignment per demand,
//! and a "start no earlier than" constraint where capacity, not a link, set its start (so that
//! MS Project, which does not level resources by default, keeps the dates). Undated plans are
//! written on a seven-day calendar from Monday 2001-01-01, one period a day.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use quick_xml::events::{BytesText, Event};
use quick_xml::{Reader, Writer};

use crate::calendar::Timeline;
use crate::diag::{Diagnostic, Pos};
use crate::graph;
use crate::model::{
    Calendar, Estimate, Link, LinkKind, Plan, Release, Task, TaskKind, Team, TimeOff, When,
};
use crate::schedule::ScheduleReport;

/// The MSPDI field id of `Text1` (the shipdate task id).
const TEXT1: &str = "188743731";
/// The MSPDI field id of `Text2` (the releases a task belongs to).
const TEXT2: &str = "188743734";
/// The MSPDI field ids of `Duration1`, `Duration2`, `Duration3` (PERT: optimistic, expected,
/// pessimistic).
const DURATION123: [&str; 3] = ["188743783", "188743784", "188743785"];
/// The alias [`export`] gives `Text1`; [`import`] reads ids from `Text1` only under it.
const ID_ALIAS: &str = "shipdate id";
/// The alias [`export`] gives `Text2`.
const RELEASES_ALIAS: &str = "shipdate releases";
/// `LagFormat` values of elapsed time (minutes, hours, days, weeks, months; estimated or not).
const ELAPSED_FORMATS: [i64; 10] = [4, 6, 8, 10, 12, 36, 38, 40, 42, 44];
/// Working minutes in a day of an exported file.
const MINUTES_PER_DAY: f64 = 480.0;
/// Undated plans are written from this Monday, one period a day.
const UNDATED_EPOCH: (i32, u32, u32) = (2001, 1, 1);

// ---------------------------------------------------------------------------------------------
// A minimal element tree on top of quick-xml.

/// An XML element: local name, text and children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    text: String,
    children: Vec<Element>,
    at: usize,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
    fn num(&self, name: &str) -> Option<f64> {
        self.text_of(name)?
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
    }
    fn int(&self, name: &str) -> Option<i64> {
        self.text_of(name)?.parse().ok()
    }
    fn flag(&self, name: &str) -> bool {
        matches!(self.text_of(name), Some("1" | "true"))
    }
}

fn local(name: &[u8]) -> String {
    let n = match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    String::from_utf8_lossy(n).into_owned()
}

fn xml_error(src: &str, at: usize, msg: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Some(Pos::of_offset(src, at)),
        format!("XML syntax error: {msg}"),
    )
}

/// Parses XML text into its root element.
fn parse_xml(src: &str) -> Result<Element, Diagnostic> {
    let mut reader = Reader::from_str(src);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let ev = reader.read_event().map_err(|e| {
            let pos = usize::try_from(reader.error_position()).unwrap_or(at);
            xml_error(src, pos, e)
        })?;
        match ev {
            Event::Start(e) => stack.push(Element {
                name: local(e.name().as_ref()),
                at,
                ..Element::default()
            }),
            Event::Empty(e) => {
                let el = Element {
                    name: local(e.name().as_ref()),
                    at,
                    ..Element::default()
                };
                if let Some(top) = stack.last_mut() {
                    top.children.push(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().unwrap_or_default();
                match stack.last_mut() {
                    Some(top) => top.children.push(el),
                    None => return Err(xml_error(src, at, "unbalanced end tag")),
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(|e| xml_error(src, at, e))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                let s = t.xml10_content().map_err(|e| xml_error(src, at, e))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.xml10_content().map_err(|e| xml_error(src, at, e))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| {
                                xml_error(src, at, format!("unknown entity `&{name};`"))
                            })?
                            .to_string()
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(xml_error(
            src,
            src.len(),
            "the document ends inside an element",
        ));
    }
    let doc = stack.pop().unwrap_or_default();
    doc.children
        .into_iter()
        .next()
        .ok_or_else(|| xml_error(src, 0, "the document has no root element"))
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// An imported plan, and what the import approximated or dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The validated plan.
    pub plan: Plan,
    /// Warnings: what could not be carried over exactly (located in the XML where possible).
    pub notes: Vec<Diagnostic>,
}

/// Parses an MSPDI `xsd:duration` such as `PT40H30M0S` (or `P2DT4H`) into minutes; a day
/// written as `D` counts 24 hours (MSPDI writes working time in hours).
fn duration_minutes(s: &str) -> Option<f64> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let s = s.strip_prefix('P')?;
    let mut minutes = 0.0;
    let mut num = String::new();
    let mut in_time = false;
    for c in s.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' | '.' => num.push(c),
            unit => {
                let v: f64 = num.parse().ok()?;
                num.clear();
                minutes += match (unit, in_time) {
                    ('Y', false) => v * 365.0 * 1440.0,
                    ('M', false) => v * 30.0 * 1440.0,
                    ('W', false) => v * 7.0 * 1440.0,
                    ('D', false) => v * 1440.0,
                    ('H', true) => v * 60.0,
                    ('M', true) => v,
                    ('S', true) => v / 60.0,
                    _ => return None,
                };
            }
        }
    }
    if !num.is_empty() {
        return None;
    }
    Some(if neg { -minutes } else { minutes })
}

/// The date part of an MSPDI date-time (`2027-01-04T08:00:00`).
fn date_of(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim().get(..10)?, "%Y-%m-%d").ok()
}

/// Rounds to a millionth of a day, so that 2.4999999996 days read as 2.5.
fn tidy(x: f64) -> f64 {
    let r = (x * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A calendar as read: weekdays (Monday first; `None` = inherited) and dates off.
#[derive(Debug, Clone, Default)]
struct RawCal {
    name: String,
    base: Option<i64>,
    weekdays: [Option<bool>; 7],
    off: Vec<NaiveDate>,
}

/// The most days one exception range may span (longer ones are cut and noted).
const MAX_EXCEPTION_DAYS: i64 = 3660;

fn read_calendar(c: &Element, notes: &mut Vec<Diagnostic>, src: &str) -> RawCal {
    let mut cal = RawCal {
        name: c.text_of("Name").unwrap_or("calendar").to_string(),
        base: c.int("BaseCalendarUID").filter(|&b| b >= 0),
        ..RawCal::default()
    };
    let note = |notes: &mut Vec<Diagnostic>, at: usize, msg: String| {
        notes.push(Diagnostic::warning(Some(Pos::of_offset(src, at)), msg));
    };
    let mut range = |notes: &mut Vec<Diagnostic>, tp: &Element, working: bool, at: usize| {
        let (Some(from), Some(to)) = (
            tp.text_of("FromDate").and_then(date_of),
            tp.text_of("ToDate").and_then(date_of),
        ) else {
            return;
        };
        if working {
            note(
                notes,
                at,
                format!(
                    "calendar `{}`: working exception {from} to {to} ignored (shipdate calendars have holidays only)",
                    cal.name
                ),
            );
            return;
        }
        let mut d = from;
        let mut n = 0;
        while d <= to && n < MAX_EXCEPTION_DAYS {
            cal.off.push(d);
            d += Duration::days(1);
            n += 1;
        }
        if d <= to {
            note(
                notes,
                at,
                format!(
                    "calendar `{}`: exception {from} to {to} cut to {MAX_EXCEPTION_DAYS} days",
                    cal.name
                ),
            );
        }
    };
    if let Some(wd) = c.child("WeekDays") {
        for w in wd.all("WeekDay") {
            let working = w.flag("DayWorking");
            match w.int("DayType") {
                Some(t @ 1..=7) => {
                    // MSPDI: 1 = Sunday ... 7 = Saturday.
                    let monday_first = ((t + 5) % 7) as usize;
                    cal.weekdays[monday_first] = Some(working);
                }
                Some(0) => {
                    if let Some(tp) = w.child("TimePeriod") {
                        range(notes, tp, working, w.at);
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(ex) = c.child("Exceptions") {
        for e in ex.all("Exception") {
            let recurring = e.int("Type").is_some_and(|t| t != 1)
                && e.int("Occurrences").is_some_and(|n| n > 1);
            if recurring {
                note(
                    notes,
                    e.at,
                    format!(
                        "calendar `{}`: recurring exception `{}` ignored",
                        cal.name,
                        e.text_of("Name").unwrap_or("")
                    ),
                );
                continue;
            }
            if let Some(tp) = e.child("TimePeriod") {
                range(notes, tp, e.flag("DayWorking"), e.at);
            }
        }
    }
    if c.child("WorkWeeks").is_some_and(|w| !w.children.is_empty()) {
        note(
            notes,
            c.at,
            format!(
                "calendar `{}`: work weeks (alternative weekly patterns for date ranges) ignored",
                cal.name
            ),
        );
    }
    cal.off.sort();
    cal.off.dedup();
    cal
}

/// Weekdays and holidays of calendar `uid`, its bases resolved (Monday to Friday where no
/// calendar in the chain says).
fn resolve_cal(cals: &HashMap<i64, RawCal>, uid: i64) -> ([bool; 7], Vec<NaiveDate>) {
    let mut days: [Option<bool>; 7] = [None; 7];
    let mut off = Vec::new();
    let mut seen = HashSet::new();
    let mut cur = Some(uid);
    while let Some(u) = cur {
        if !seen.insert(u) {
            break;
        }
        let Some(c) = cals.get(&u) else { break };
        for (d, w) in days.iter_mut().zip(c.weekdays) {
            if d.is_none() {
                *d = w;
            }
        }
        off.extend(c.off.iter().copied());
        cur = c.base;
    }
    let std = Calendar::standard().workdays;
    let mut out = [false; 7];
    for i in 0..7 {
        out[i] = days[i].unwrap_or(std[i]);
    }
    off.sort();
    off.dedup();
    (out, off)
}

struct RawTask<'a> {
    uid: i64,
    el: &'a Element,
    level: i64,
    summary: bool,
}

fn ext_value<'a>(t: &'a Element, field: &str) -> Option<&'a str> {
    t.all("ExtendedAttribute")
        .find(|e| e.text_of("FieldID") == Some(field))
        .and_then(|e| e.text_of("Value"))
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
}

/// Reads an MSPDI document into a validated plan.
///
/// # Errors
///
/// An XML syntax error (located), a document that is not MSPDI, or the validation errors of
/// the plan it describes (such as a dependency cycle).
///
/// ```
/// let xml = r#"<Project xmlns="http://schemas.microsoft.com/project">
///   <Name>Demo</Name><StartDate>2027-01-04T08:00:00</StartDate>
///   <Tasks>
///     <Task><UID>1</UID><ID>1</ID><Name>Design</Name><Duration>PT24H0M0S</Duration></Task>
///     <Task><UID>2</UID><ID>2</ID><Name>Build</Name><Duration>PT40H0M0S</Duration>
///       <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type>
///         <LinkLag>4800</LinkLag><LagFormat>7</LagFormat></PredecessorLink></Task>
///   </Tasks></Project>"#;
/// let imported = shipdate_engine::interchange::mspdi::import(xml).unwrap();
/// let plan = imported.plan;
/// assert_eq!(plan.tasks[1].id, "build");
/// assert_eq!(plan.tasks[1].estimate.point(), 5.0);
/// assert_eq!(plan.tasks[1].after[0].lag, 1.0);
/// ```
pub fn import(src: &str) -> Result<Imported, Vec<Diagnostic>> {
    let root = parse_xml(src).map_err(|d| vec![d])?;
    if root.name != "Project" {
        return Err(vec![Diagnostic::error(
            Some(Pos::of_offset(src, root.at)),
            format!(
                "not an MS Project XML (MSPDI) file: the root element is <{}>, not <Project>",
                root.name
            ),
        )]);
    }
    let mut notes: Vec<Diagnostic> = Vec::new();
    let at = |el: &Element| Some(Pos::of_offset(src, el.at));
    let minutes_per_day = root
        .num("MinutesPerDay")
        .filter(|&m| m > 0.0)
        .unwrap_or(MINUTES_PER_DAY);

    // Extended attribute aliases.
    let alias = |field: &str| -> Option<String> {
        root.child("ExtendedAttributes")?
            .all("ExtendedAttribute")
            .find(|e| e.text_of("FieldID") == Some(field))
            .and_then(|e| e.text_of("Alias"))
            .map(str::to_string)
    };
    let ids_from_text1 = alias(TEXT1).as_deref() == Some(ID_ALIAS);
    let releases_from_text2 = alias(TEXT2).as_deref() == Some(RELEASES_ALIAS);

    // Calendars.
    let mut raw_cals: HashMap<i64, RawCal> = HashMap::new();
    if let Some(cs) = root.child("Calendars") {
        for c in cs.all("Calendar") {
            if let Some(uid) = c.int("UID") {
                raw_cals.insert(uid, read_calendar(c, &mut notes, src));
            }
        }
    }
    let project_cal = root.int("CalendarUID").filter(|u| raw_cals.contains_key(u));
    let (workdays, holidays) = match project_cal {
        Some(u) => resolve_cal(&raw_cals, u),
        None => (Calendar::standard().workdays, Vec::new()),
    };
    let mut cal_ids: HashSet<String> = HashSet::new();
    let default_id = super::unique(
        super::slug(
            project_cal
                .and_then(|u| raw_cals.get(&u))
                .map_or("standard", |c| c.name.as_str()),
            "standard",
        ),
        &mut cal_ids,
    );
    let mut calendars = vec![Calendar {
        id: default_id,
        workdays: if workdays.contains(&true) {
            workdays
        } else {
            Calendar::standard().workdays
        },
        holidays,
    }];
    let work_share = f64::from(calendars[0].workdays.iter().filter(|&&w| w).count() as u32) / 7.0;

    // Start date: the project's, else the earliest task start.
    let mut start = root.text_of("StartDate").and_then(date_of);

    // Resources -> teams.
    let mut teams: Vec<Team> = Vec::new();
    let mut team_of_resource: HashMap<i64, usize> = HashMap::new();
    let mut team_ids: HashSet<String> = HashSet::new();
    let mut cal_of_uid: HashMap<i64, usize> = HashMap::new();
    if let Some(rs) = root.child("Resources") {
        for r in rs.all("Resource") {
            let Some(uid) = r.int("UID") else { continue };
            let Some(name) = r.text_of("Name") else {
                continue;
            };
            if r.flag("IsNull") || r.int("Type").is_some_and(|t| t != 1) {
                if r.int("Type").is_some_and(|t| t != 1) {
                    notes.push(Diagnostic::warning(
                        at(r),
                        format!("resource `{name}` is a material or cost resource: not a team"),
                    ));
                }
                continue;
            }
            let max_units = r.num("MaxUnits").unwrap_or(1.0);
            let capacity = (max_units.round() as i64).clamp(1, i64::from(u32::MAX)) as u32;
            if (max_units - f64::from(capacity)).abs() > 1e-9 {
                notes.push(Diagnostic::warning(
                    at(r),
                    format!("resource `{name}`: MaxUnits {max_units} read as capacity {capacity}"),
                ));
            }
            let id = super::unique(super::slug(name, &format!("team-{uid}")), &mut team_ids);
            let mut time_off = Vec::new();
            let mut calendar = 0;
            if let Some((rc_uid, rcal)) = r
                .int("CalendarUID")
                .and_then(|u| raw_cals.get(&u).map(|c| (u, c)))
            {
                let own_days = rcal.weekdays.iter().any(Option::is_some);
                // The calendar the team works on: its base (when it only adds exceptions),
                // else a calendar of its own with its weekdays and its base's holidays.
                let (key, cal_name, workdays, holidays) = match (own_days, rcal.base) {
                    (false, Some(b)) => {
                        let (w, h) = resolve_cal(&raw_cals, b);
                        let name = raw_cals.get(&b).map_or(String::new(), |c| c.name.clone());
                        (b, name, w, h)
                    }
                    (false, None) => (
                        project_cal.unwrap_or(-1),
                        String::new(),
                        calendars[0].workdays,
                        calendars[0].holidays.clone(),
                    ),
                    (true, base) => {
                        let (w, _) = resolve_cal(&raw_cals, rc_uid);
                        let h = match base {
                            Some(b) => resolve_cal(&raw_cals, b).1,
                            None => Vec::new(),
                        };
                        (rc_uid, rcal.name.clone(), w, h)
                    }
                };
                calendar = if Some(key) == project_cal
                    || (workdays == calendars[0].workdays && holidays == calendars[0].holidays)
                {
                    0
                } else if let Some(&c) = cal_of_uid.get(&key) {
                    c
                } else {
                    let cid = super::unique(super::slug(&cal_name, &id), &mut cal_ids);
                    calendars.push(Calendar {
                        id: cid,
                        workdays: if workdays.contains(&true) {
                            workdays
                        } else {
                            calendars[0].workdays
                        },
                        holidays,
                    });
                    cal_of_uid.insert(key, calendars.len() - 1);
                    calendars.len() - 1
                };
                // The resource's own non-working exceptions: whole-team time off.
                let mut days = rcal.off.clone();
                days.retain(|d| calendars[calendar].holidays.binary_search(d).is_err());
                let mut i = 0;
                while i < days.len() {
                    let mut j = i;
                    while j + 1 < days.len() && days[j + 1] == days[j] + Duration::days(1) {
                        j += 1;
                    }
                    time_off.push(TimeOff {
                        from: When::Date(days[i]),
                        to: When::Date(days[j]),
                        capacity: 0,
                    });
                    i = j + 1;
                }
            }
            if let Some(ap) = r.child("AvailabilityPeriods") {
                for p in ap.all("AvailabilityPeriod") {
                    let units = p.num("AvailableUnits").unwrap_or(max_units);
                    let (Some(from), Some(to)) = (
                        p.text_of("AvailableFrom").and_then(date_of),
                        p.text_of("AvailableTo").and_then(date_of),
                    ) else {
                        continue;
                    };
                    let cap = units.round().max(0.0) as u32;
                    if cap < capacity {
                        time_off.push(TimeOff {
                            from: When::Date(from),
                            to: When::Date(to),
                            capacity: cap,
                        });
                    }
                }
            }
            team_of_resource.insert(uid, teams.len());
            teams.push(Team {
                id,
                capacity,
                calendar,
                time_off,
                pos: None,
            });
        }
    }

    // Tasks, in file order.
    let mut raw: Vec<RawTask> = Vec::new();
    if let Some(ts) = root.child("Tasks") {
        for t in ts.all("Task") {
            let Some(uid) = t.int("UID") else { continue };
            let level = t.int("OutlineLevel").unwrap_or(1);
            if (uid == 0 && level == 0) || t.flag("IsNull") {
                continue;
            }
            if t.text_of("Active") == Some("0") {
                notes.push(Diagnostic::warning(
                    at(t),
                    format!(
                        "task `{}` is inactive: left out",
                        t.text_of("Name").unwrap_or("")
                    ),
                ));
                continue;
            }
            raw.push(RawTask {
                uid,
                el: t,
                level,
                summary: t.flag("Summary"),
            });
        }
    }
    for i in 0..raw.len() {
        if raw.get(i + 1).is_some_and(|n| n.level > raw[i].level) {
            raw[i].summary = true;
        }
    }
    // Leaves under each summary, and each task's chain of summaries.
    let mut leaves_of: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut parents: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut stack: Vec<(i64, i64)> = Vec::new(); // (level, uid) of open summaries
    for t in &raw {
        while stack.last().is_some_and(|&(l, _)| l >= t.level) {
            stack.pop();
        }
        parents.insert(t.uid, stack.iter().map(|&(_, u)| u).collect());
        if t.summary {
            stack.push((t.level, t.uid));
        } else {
            for &(_, s) in &stack {
                leaves_of.entry(s).or_default().push(t.uid);
            }
        }
    }
    let summaries = raw.iter().filter(|t| t.summary).count();

    let mut task_ids: HashSet<String> = HashSet::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut tasks: Vec<Task> = Vec::new();
    let mut leaf_raw: Vec<&RawTask> = Vec::new();
    let mut constraints = 0;
    for t in raw.iter().filter(|t| !t.summary) {
        let el = t.el;
        let mut name = el.text_of("Name").map(str::to_string);
        let wanted = if ids_from_text1 {
            ext_value(el, TEXT1)
                .filter(|v| valid_id(v) && !task_ids.contains(*v))
                .map(str::to_string)
        } else {
            None
        };
        let id = match wanted {
            Some(v) => {
                task_ids.insert(v.clone());
                v
            }
            None => super::unique(
                super::slug(name.as_deref().unwrap_or(""), &format!("task-{}", t.uid)),
                &mut task_ids,
            ),
        };
        if ids_from_text1 && name.as_deref() == Some(id.as_str()) {
            // Written from a task with no name of its own.
            name = None;
        }
        let minutes = el
            .text_of("Duration")
            .and_then(duration_minutes)
            .unwrap_or(0.0);
        let days = tidy((minutes / minutes_per_day).max(0.0));
        let durs: Vec<Option<f64>> = DURATION123
            .iter()
            .map(|f| {
                ext_value(el, f)
                    .and_then(duration_minutes)
                    .map(|m| tidy(m / minutes_per_day))
            })
            .collect();
        let estimate = match (durs[0], durs[1], durs[2]) {
            (Some(low), Some(likely), Some(high))
                if low <= likely
                    && likely <= high
                    && low < high
                    && (likely - days).abs() < 1e-6 =>
            {
                Estimate::Pert { low, likely, high }
            }
            _ => Estimate::Fixed { value: days },
        };
        let kind = if days == 0.0 {
            TaskKind::Milestone
        } else {
            TaskKind::Work
        };
        if start.is_none() {
            start = el.text_of("Start").and_then(date_of);
        }
        if el.int("ConstraintType").is_some_and(|c| c != 0) {
            constraints += 1;
        }
        index.insert(t.uid, tasks.len());
        leaf_raw.push(t);
        tasks.push(Task {
            id,
            name,
            team: None,
            demand: 0,
            extra_demands: Vec::new(),
            estimate: if kind == TaskKind::Milestone {
                Estimate::Fixed { value: 0.0 }
            } else {
                estimate
            },
            after: Vec::new(),
            kind,
            optional: false,
            pos: None,
        });
    }
    if summaries > 0 {
        notes.push(Diagnostic::warning(
            None,
            format!("{summaries} summary task(s) flattened: their links now apply to the tasks under them"),
        ));
    }
    if constraints > 0 {
        notes.push(Diagnostic::warning(
            None,
            format!("{constraints} date constraint(s) ignored: shipdate schedules from links and team capacity"),
        ));
    }

    // Links, summaries expanded.
    let expand = |uid: i64| -> Vec<usize> {
        match index.get(&uid) {
            Some(&j) => vec![j],
            None => leaves_of
                .get(&uid)
                .map(|ls| ls.iter().filter_map(|u| index.get(u).copied()).collect())
                .unwrap_or_default(),
        }
    };
    let known: HashSet<i64> = raw.iter().map(|t| t.uid).collect();
    let by_uid: HashMap<i64, &Element> = raw.iter().map(|t| (t.uid, t.el)).collect();
    let mut loose_types: HashSet<usize> = HashSet::new();
    let mut elapsed: HashSet<usize> = HashSet::new();
    for (j, t) in leaf_raw.iter().enumerate() {
        let mut holders = vec![t.uid];
        holders.extend(parents.get(&t.uid).into_iter().flatten().copied());
        let mut links: Vec<Link> = Vec::new();
        for h in holders {
            let Some(el) = by_uid.get(&h) else { continue };
            for pl in el.all("PredecessorLink") {
                let Some(pu) = pl.int("PredecessorUID") else {
                    continue;
                };
                if pl.flag("CrossProject") {
                    notes.push(Diagnostic::warning(
                        at(pl),
                        "a link to another project is ignored",
                    ));
                    continue;
                }
                if !known.contains(&pu) {
                    notes.push(Diagnostic::warning(
                        at(pl),
                        format!(
                            "task `{}`: a link from unknown task UID {pu} is ignored",
                            tasks[j].id
                        ),
                    ));
                    continue;
                }
                let kind = match pl.int("Type").unwrap_or(1) {
                    0 => LinkKind::FF,
                    2 => LinkKind::SF,
                    3 => LinkKind::SS,
                    _ => LinkKind::FS,
                };
                let preds = expand(pu);
                let through_summary = h != t.uid || !index.contains_key(&pu);
                if through_summary && matches!(kind, LinkKind::FF | LinkKind::SF) {
                    loose_types.insert(pl.at);
                }
                let raw_lag = pl.num("LinkLag").unwrap_or(0.0);
                let format = pl.int("LagFormat").unwrap_or(7);
                if ELAPSED_FORMATS.contains(&format) && raw_lag != 0.0 {
                    elapsed.insert(pl.at);
                }
                for p in preds {
                    if p == j {
                        continue;
                    }
                    let lag = match format {
                        19 | 20 => raw_lag / 100.0 * tasks[p].estimate.point(),
                        // Elapsed minutes: as many working days as a calendar week holds in
                        // that many days, on average.
                        f if ELAPSED_FORMATS.contains(&f) => raw_lag / 10.0 / 1440.0 * work_share,
                        _ => raw_lag / 10.0 / minutes_per_day,
                    };
                    let link = Link {
                        pred: p,
                        kind,
                        lag: tidy(lag),
                        pos: None,
                    };
                    if !links
                        .iter()
                        .any(|l| l.pred == p && l.kind == kind && l.lag == link.lag)
                    {
                        links.push(link);
                    }
                }
            }
        }
        tasks[j].after = links;
    }
    if !loose_types.is_empty() {
        notes.push(Diagnostic::warning(
            None,
            format!(
                "{} finish-to-finish or start-to-finish link(s) through summary tasks applied to every task under them (stricter than MS Project)",
                loose_types.len()
            ),
        ));
    }
    if !elapsed.is_empty() {
        notes.push(Diagnostic::warning(
            None,
            format!(
                "{} elapsed-time lag(s) converted to working days at the calendar's share of working days",
                elapsed.len()
            ),
        ));
    }

    // Assignments.
    if let Some(asg) = root.child("Assignments") {
        for a in asg.all("Assignment") {
            let (Some(tu), Some(ru)) = (a.int("TaskUID"), a.int("ResourceUID")) else {
                continue;
            };
            let (Some(&j), Some(&k)) = (index.get(&tu), team_of_resource.get(&ru)) else {
                continue;
            };
            if tasks[j].kind == TaskKind::Milestone {
                continue;
            }
            let units = a.num("Units").unwrap_or(1.0);
            let mut d = (units.round().max(1.0) as i64).clamp(1, i64::from(u32::MAX)) as u32;
            if d > teams[k].capacity {
                notes.push(Diagnostic::warning(
                    at(a),
                    format!(
                        "task `{}`: {units} units of `{}` cut to its capacity {}",
                        tasks[j].id, teams[k].id, teams[k].capacity
                    ),
                ));
                d = teams[k].capacity;
            }
            let task = &mut tasks[j];
            if task.team.is_none() {
                task.team = Some(k);
                task.demand = d;
            } else if task.team != Some(k) && !task.extra_demands.iter().any(|&(x, _)| x == k) {
                task.extra_demands.push((k, d));
            }
        }
    }

    // Releases (from a shipdate export).
    let mut releases: Vec<Release> = Vec::new();
    if releases_from_text2 {
        for (j, t) in leaf_raw.iter().enumerate() {
            if let Some(v) = ext_value(t.el, TEXT2) {
                for r in v.split([',', ';']).map(str::trim).filter(|r| valid_id(r)) {
                    match releases.iter_mut().find(|x| x.id == r) {
                        Some(x) => x.tasks.push(j),
                        None => releases.push(Release::new(r.to_string(), vec![j])),
                    }
                }
            }
        }
    }

    let name = root
        .text_of("Title")
        .or_else(|| root.text_of("Name").map(|n| n.trim_end_matches(".xml")))
        .unwrap_or("Imported from MS Project")
        .to_string();
    let mut plan = Plan {
        name,
        start,
        calendars,
        default_calendar: 0,
        teams,
        tasks,
        risks: Vec::new(),
        correlations: Vec::new(),
        releases,
    };
    if plan.start.is_none() {
        // No date anywhere: keep the plan undated (time in periods); calendars mean nothing.
        plan.calendars.truncate(1);
        plan.calendars[0].holidays.clear();
        for t in &mut plan.teams {
            t.calendar = 0;
            t.time_off.clear();
        }
    }
    let plan = super::revalidate(&plan)?;
    Ok(Imported { plan, notes })
}

// ---------------------------------------------------------------------------------------------
// Writing.

struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    fn open(&mut self, name: &str) {
        let _ = self
            .w
            .write_event(Event::Start(quick_xml::events::BytesStart::new(name)));
    }
    fn close(&mut self, name: &str) {
        let _ = self
            .w
            .write_event(Event::End(quick_xml::events::BytesEnd::new(name)));
    }
    fn leaf(&mut self, name: &str, text: impl AsRef<str>) {
        let _ = self
            .w
            .create_element(name)
            .write_text_content(BytesText::new(text.as_ref()));
    }
}

fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// `PT{h}H{m}M{s}S` for a number of working minutes.
fn pt(minutes: f64) -> String {
    let secs = (minutes * 60.0).round() as i64;
    let sign = if secs < 0 { "-" } else { "" };
    let secs = secs.abs();
    format!(
        "{sign}PT{}H{}M{}S",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// 08:00 plus `frac` of an eight-hour working day.
fn time_of(frac: f64) -> NaiveTime {
    let secs = (8.0 * 3600.0 + frac.clamp(0.0, 1.0) * MINUTES_PER_DAY * 60.0).round() as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(secs.min(86_399), 0).unwrap_or_default()
}

/// Dates of plan days: the plan's own for dated plans, one calendar day per period otherwise.
struct Days<'a> {
    tl: &'a Timeline,
    epoch: NaiveDate,
}

impl Days<'_> {
    fn date(&self, day: i64) -> Option<NaiveDate> {
        if !self.tl.is_dated() {
            return self.epoch.checked_add_signed(Duration::try_days(day)?);
        }
        self.tl.date_of_day(day)
    }
    fn when(&self, w: When) -> NaiveDate {
        match w {
            When::Date(d) => d,
            When::Period(p) => Duration::try_days(p.floor() as i64)
                .and_then(|d| self.epoch.checked_add_signed(d))
                .unwrap_or(self.epoch),
        }
    }
    /// The moment `t` (a start): the date of the day holding it and the time within it;
    /// `None` for a task that never runs (an infinite time).
    fn start(&self, t: f64, date: Option<NaiveDate>) -> Option<NaiveDateTime> {
        if !t.is_finite() {
            return None;
        }
        let day = (t + 1e-9).floor();
        let frac = (t - day).max(0.0);
        let d = date.or_else(|| self.date(day as i64))?;
        Some(d.and_time(time_of(frac)))
    }
    /// The moment `t` (a finish on `date`, its last working day): end of day when whole.
    fn finish(&self, t: f64, date: Option<NaiveDate>) -> Option<NaiveDateTime> {
        if !t.is_finite() {
            return None;
        }
        let day = (t + 1e-9).floor();
        let frac = t - day;
        if frac.abs() < 1e-9 {
            let d = date.or_else(|| self.date(day as i64 - 1))?;
            Some(d.and_time(time_of(1.0)))
        } else {
            let d = date.or_else(|| self.date(day as i64))?;
            Some(d.and_time(time_of(frac)))
        }
    }
}

fn weekday_type(monday_first: usize) -> usize {
    // MSPDI DayType: 1 = Sunday ... 7 = Saturday.
    (monday_first + 1) % 7 + 1
}

fn write_weekdays(x: &mut Xml, workdays: &[bool; 7]) {
    x.open("WeekDays");
    for dt in 1..=7usize {
        let monday_first = (dt + 5) % 7;
        debug_assert_eq!(weekday_type(monday_first), dt);
        x.open("WeekDay");
        x.leaf("DayType", dt.to_string());
        let working = workdays[monday_first];
        x.leaf("DayWorking", if working { "1" } else { "0" });
        if working {
            x.open("WorkingTimes");
            x.open("WorkingTime");
            x.leaf("FromTime", "08:00:00");
            x.leaf("ToTime", "16:00:00");
            x.close("WorkingTime");
            x.close("WorkingTimes");
        }
        x.close("WeekDay");
    }
    x.close("WeekDays");
}

fn write_exceptions(x: &mut Xml, ranges: &[(NaiveDate, NaiveDate, String)]) {
    if ranges.is_empty() {
        return;
    }
    x.open("Exceptions");
    for (from, to, name) in ranges {
        x.open("Exception");
        x.leaf("EnteredByOccurrences", "0");
        x.open("TimePeriod");
        x.leaf(
            "FromDate",
            stamp(from.and_hms_opt(0, 0, 0).unwrap_or_default()),
        );
        x.leaf(
            "ToDate",
            stamp(to.and_hms_opt(23, 59, 0).unwrap_or_default()),
        );
        x.close("TimePeriod");
        x.leaf("Occurrences", "1");
        x.leaf("Name", name);
        x.leaf("Type", "1");
        x.leaf("DayWorking", "0");
        x.close("Exception");
    }
    x.close("Exceptions");
}

/// Runs of consecutive dates as `(from, to)` ranges.
fn runs(dates: &[NaiveDate]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &d in dates {
        match out.last_mut() {
            Some((_, to)) if *to + Duration::days(1) == d => *to = d,
            _ => out.push((d, d)),
        }
    }
    out
}

/// The plan and its deterministic schedule as an MSPDI document (see the module docs).
///
/// `sched` must be [`crate::dispatch::schedule`] of `plan`.
///
/// ```
/// use shipdate_engine::{dispatch, io, interchange::mspdi};
/// let plan = io::parse_str(
///     "[plan]\nname = \"demo\"\nstart = 2027-01-04\n[[tasks]]\nid = \"a\"\nestimate = 2.5\n",
///     io::Format::Toml,
/// ).unwrap();
/// let xml = mspdi::export(&plan, &dispatch::schedule(&plan));
/// assert!(xml.contains("<Start>2027-01-04T08:00:00</Start>"));
/// assert!(xml.contains("<Finish>2027-01-06T12:00:00</Finish>"));
/// assert!(xml.contains("<Duration>PT20H0M0S</Duration>"));
/// let back = mspdi::import(&xml).unwrap().plan;
/// assert_eq!(back.tasks[0].id, "a");
/// ```
pub fn export(plan: &Plan, sched: &ScheduleReport) -> String {
    let tl = Timeline::new(plan);
    let epoch = NaiveDate::from_ymd_opt(UNDATED_EPOCH.0, UNDATED_EPOCH.1, UNDATED_EPOCH.2)
        .unwrap_or_default();
    let days = Days { tl: &tl, epoch };
    let dated = plan.is_dated();
    let n = plan.tasks.len();
    let durations: Vec<f64> = plan
        .tasks
        .iter()
        .map(|t| match t.kind {
            TaskKind::Milestone => 0.0,
            _ => t.estimate.point().max(0.0),
        })
        .collect();

    // Calendars: UIDs 1.. for plan calendars (undated: one seven-day calendar), then one
    // resource calendar per team.
    let cal_uid = |c: usize| if dated { c + 1 } else { 1 };
    let n_cals = if dated { plan.calendars.len() } else { 1 };
    let team_cal_uid = |k: usize| n_cals + 1 + k;
    let project_start = days
        .start(0.0, sched.start_date)
        .unwrap_or_else(|| days.epoch.and_time(time_of(0.0)));
    let project_finish = sched
        .tasks
        .iter()
        .filter_map(|t| {
            if t.finish > t.start {
                days.finish(t.finish, t.finish_date)
            } else {
                days.start(t.start, t.start_date)
            }
        })
        .max()
        .unwrap_or(project_start);
    let default_workdays = if dated {
        plan.calendars[plan.default_calendar].workdays
    } else {
        [true; 7]
    };
    let per_week = default_workdays.iter().filter(|&&w| w).count() as f64 * MINUTES_PER_DAY;

    let mut x = Xml {
        w: Writer::new_with_indent(Vec::new(), b' ', 2),
    };
    let _ =
        x.w.write_event(Event::Decl(quick_xml::events::BytesDecl::new(
            "1.0",
            Some("UTF-8"),
            Some("yes"),
        )));
    let mut root = quick_xml::events::BytesStart::new("Project");
    root.push_attribute(("xmlns", "http://schemas.microsoft.com/project"));
    let _ = x.w.write_event(Event::Start(root));
    x.leaf("SaveVersion", "14");
    x.leaf("Name", format!("{}.xml", super::slug(&plan.name, "plan")));
    x.leaf("Title", &plan.name);
    x.leaf("ScheduleFromStart", "1");
    x.leaf("StartDate", stamp(project_start));
    x.leaf("FinishDate", stamp(project_finish));
    x.leaf("CalendarUID", cal_uid(plan.default_calendar).to_string());
    x.leaf("DefaultStartTime", "08:00:00");
    x.leaf("DefaultFinishTime", "16:00:00");
    x.leaf("MinutesPerDay", "480");
    x.leaf("MinutesPerWeek", format!("{per_week}"));
    x.leaf("DaysPerMonth", "20");
    x.leaf("DefaultTaskType", "1");
    x.leaf("DurationFormat", "7");
    x.leaf("NewTasksEffortDriven", "0");
    x.leaf("NewTasksEstimated", "0");
    x.leaf("WeekStartDay", "1");
    x.leaf("NewTasksAreManual", "0");
    x.open("ExtendedAttributes");
    for (field, name, alias) in [
        (TEXT1, "Text1", Some(ID_ALIAS)),
        (TEXT2, "Text2", Some(RELEASES_ALIAS)),
        (DURATION123[0], "Duration1", Some("optimistic")),
        (DURATION123[1], "Duration2", Some("most likely")),
        (DURATION123[2], "Duration3", Some("pessimistic")),
    ] {
        x.open("ExtendedAttribute");
        x.leaf("FieldID", field);
        x.leaf("FieldName", name);
        if let Some(a) = alias {
            x.leaf("Alias", a);
        }
        x.close("ExtendedAttribute");
    }
    x.close("ExtendedAttributes");

    // Calendars.
    x.open("Calendars");
    if dated {
        for (c, cal) in plan.calendars.iter().enumerate() {
            x.open("Calendar");
            x.leaf("UID", cal_uid(c).to_string());
            x.leaf("Name", &cal.id);
            x.leaf("IsBaseCalendar", "1");
            x.leaf("BaseCalendarUID", "-1");
            write_weekdays(&mut x, &cal.workdays);
            let ranges: Vec<_> = runs(&cal.holidays)
                .into_iter()
                .map(|(a, b)| (a, b, "holiday".to_string()))
                .collect();
            write_exceptions(&mut x, &ranges);
            x.close("Calendar");
        }
    } else {
        x.open("Calendar");
        x.leaf("UID", "1");
        x.leaf("Name", "periods");
        x.leaf("IsBaseCalendar", "1");
        x.leaf("BaseCalendarUID", "-1");
        write_weekdays(&mut x, &[true; 7]);
        x.close("Calendar");
    }
    for (k, team) in plan.teams.iter().enumerate() {
        x.open("Calendar");
        x.leaf("UID", team_cal_uid(k).to_string());
        x.leaf("Name", &team.id);
        x.leaf("IsBaseCalendar", "0");
        x.leaf(
            "BaseCalendarUID",
            cal_uid(if dated { team.calendar } else { 0 }).to_string(),
        );
        let away: Vec<_> = team
            .time_off
            .iter()
            .filter(|o| o.capacity == 0)
            .map(|o| (days.when(o.from), days.when(o.to), "time off".to_string()))
            .collect();
        write_exceptions(&mut x, &away);
        x.close("Calendar");
    }
    x.close("Calendars");

    // Tasks.
    let mut cal_cache: Vec<Option<&crate::calendar::TeamCalendar>> = vec![None; n];
    for (j, t) in plan.tasks.iter().enumerate() {
        cal_cache[j] = Some(graph::task_calendar(&tl, t));
    }
    x.open("Tasks");
    for (j, t) in plan.tasks.iter().enumerate() {
        let s = &sched.tasks[j];
        let milestone = t.kind == TaskKind::Milestone || durations[j] == 0.0;
        let start = days.start(s.start, s.start_date);
        let finish = if milestone {
            start
        } else {
            days.finish(s.finish, s.finish_date)
        };
        let start_days = s.start.is_finite().then_some(s.start);
        // Did capacity rather than a link set the start? Then pin it.
        let cal = cal_cache[j].unwrap_or(tl.free());
        let mut bound: f64 = 0.0;
        for l in &t.after {
            let p = &sched.tasks[l.pred];
            bound = bound.max(graph::start_bound(
                l.kind,
                l.lag,
                cal,
                durations[j],
                p.start,
                p.finish,
            ));
        }
        let link_start = if durations[j] > 0.0 {
            cal.advance(bound, durations[j]).0
        } else {
            bound
        };
        let pinned = start.is_some() && start_days.is_some_and(|t| t > link_start + 1e-6);

        x.open("Task");
        x.leaf("UID", (j + 1).to_string());
        x.leaf("ID", (j + 1).to_string());
        x.leaf("Name", t.label());
        x.leaf("Active", "1");
        x.leaf("Manual", "0");
        x.leaf("Type", "1");
        x.leaf("IsNull", "0");
        x.leaf("WBS", (j + 1).to_string());
        x.leaf("OutlineNumber", (j + 1).to_string());
        x.leaf("OutlineLevel", "1");
        x.leaf("Priority", "500");
        if let (Some(a), Some(b)) = (start, finish) {
            x.leaf("Start", stamp(a));
            x.leaf("Finish", stamp(b));
        }
        x.leaf("Duration", pt(durations[j] * MINUTES_PER_DAY));
        x.leaf("DurationFormat", "7");
        x.leaf("EffortDriven", "0");
        x.leaf("Estimated", "0");
        x.leaf("Milestone", if milestone { "1" } else { "0" });
        x.leaf("Summary", "0");
        x.leaf("Critical", if s.critical { "1" } else { "0" });
        if s.slack.is_finite() {
            x.leaf(
                "TotalSlack",
                format!("{}", (s.slack * MINUTES_PER_DAY * 10.0).round() as i64),
            );
        }
        x.leaf("RemainingDuration", pt(durations[j] * MINUTES_PER_DAY));
        x.leaf("ConstraintType", if pinned { "4" } else { "0" });
        x.leaf("CalendarUID", "-1");
        if let (true, Some(a)) = (pinned, start) {
            x.leaf("ConstraintDate", stamp(a));
        }
        for l in &t.after {
            x.open("PredecessorLink");
            x.leaf("PredecessorUID", (l.pred + 1).to_string());
            x.leaf(
                "Type",
                match l.kind {
                    LinkKind::FF => "0",
                    LinkKind::FS => "1",
                    LinkKind::SF => "2",
                    LinkKind::SS => "3",
                },
            );
            x.leaf("CrossProject", "0");
            x.leaf(
                "LinkLag",
                format!("{}", (l.lag * MINUTES_PER_DAY * 10.0).round() as i64),
            );
            x.leaf("LagFormat", "7");
            x.close("PredecessorLink");
        }
        let ext = |x: &mut Xml, field: &str, value: &str, duration: bool| {
            x.open("ExtendedAttribute");
            x.leaf("FieldID", field);
            x.leaf("Value", value);
            if duration {
                x.leaf("DurationFormat", "7");
            }
            x.close("ExtendedAttribute");
        };
        ext(&mut x, TEXT1, &t.id, false);
        let rels: Vec<&str> = plan
            .releases
            .iter()
            .filter(|r| r.tasks.contains(&j))
            .map(|r| r.id.as_str())
            .collect();
        if !rels.is_empty() {
            ext(&mut x, TEXT2, &rels.join(", "), false);
        }
        if let Estimate::Pert { low, likely, high } = t.estimate {
            if t.kind != TaskKind::Milestone {
                for (f, v) in DURATION123.iter().zip([low, likely, high]) {
                    ext(&mut x, f, &pt(v * MINUTES_PER_DAY), true);
                }
            }
        }
        x.close("Task");
    }
    x.close("Tasks");

    // Resources.
    x.open("Resources");
    for (k, team) in plan.teams.iter().enumerate() {
        x.open("Resource");
        x.leaf("UID", (k + 1).to_string());
        x.leaf("ID", (k + 1).to_string());
        x.leaf("Name", &team.id);
        x.leaf("Type", "1");
        x.leaf("IsNull", "0");
        x.leaf("MaxUnits", team.capacity.to_string());
        x.leaf("CanLevel", "1");
        x.leaf("CalendarUID", team_cal_uid(k).to_string());
        let partial: Vec<&TimeOff> = team.time_off.iter().filter(|o| o.capacity > 0).collect();
        if !partial.is_empty() {
            // The availability table must cover all time: full capacity around each time off.
            let mut periods: Vec<(NaiveDate, NaiveDate, u32)> = Vec::new();
            let mut offs: Vec<(NaiveDate, NaiveDate, u32)> = partial
                .iter()
                .map(|o| (days.when(o.from), days.when(o.to), o.capacity))
                .collect();
            offs.sort();
            let mut cursor = NaiveDate::from_ymd_opt(1984, 1, 1).unwrap_or_default();
            for (from, to, cap) in offs {
                if from < cursor {
                    continue;
                }
                if from > cursor {
                    periods.push((cursor, from - Duration::days(1), team.capacity));
                }
                periods.push((from, to, cap));
                cursor = to + Duration::days(1);
            }
            let end = NaiveDate::from_ymd_opt(2049, 12, 31).unwrap_or_default();
            if cursor <= end {
                periods.push((cursor, end, team.capacity));
            }
            x.open("AvailabilityPeriods");
            for (from, to, cap) in periods {
                x.open("AvailabilityPeriod");
                x.leaf(
                    "AvailableFrom",
                    stamp(from.and_hms_opt(0, 0, 0).unwrap_or_default()),
                );
                x.leaf(
                    "AvailableTo",
                    stamp(to.and_hms_opt(23, 59, 0).unwrap_or_default()),
                );
                x.leaf("AvailableUnits", cap.to_string());
                x.close("AvailabilityPeriod");
            }
            x.close("AvailabilityPeriods");
        }
        x.close("Resource");
    }
    x.close("Resources");

    // Assignments.
    x.open("Assignments");
    let mut uid = 0;
    for (j, t) in plan.tasks.iter().enumerate() {
        if t.kind == TaskKind::Milestone {
            continue;
        }
        let s = &sched.tasks[j];
        for (k, d) in t.demands() {
            uid += 1;
            x.open("Assignment");
            x.leaf("UID", uid.to_string());
            x.leaf("TaskUID", (j + 1).to_string());
            x.leaf("ResourceUID", (k + 1).to_string());
            if let (Some(a), Some(b)) = (
                days.start(s.start, s.start_date),
                days.finish(s.finish, s.finish_date),
            ) {
                x.leaf("Finish", stamp(b));
                x.leaf("Start", stamp(a));
            }
            x.leaf("Units", d.to_string());
            x.leaf("Work", pt(durations[j] * MINUTES_PER_DAY * f64::from(d)));
            x.close("Assignment");
        }
    }
    x.close("Assignments");
    x.close("Project");
    let mut out = String::from_utf8(x.w.into_inner()).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn durations_and_times() {
        assert_eq!(duration_minutes("PT40H0M0S"), Some(2400.0));
        assert_eq!(duration_minutes("PT7H30M30S"), Some(450.5));
        assert_eq!(duration_minutes("P1DT2H"), Some(1560.0));
        assert_eq!(duration_minutes("-PT8H0M0S"), Some(-480.0));
        assert_eq!(duration_minutes("40h"), None);
        assert_eq!(pt(2400.0), "PT40H0M0S");
        assert_eq!(pt(450.5), "PT7H30M30S");
        assert_eq!(time_of(0.0), NaiveTime::from_hms_opt(8, 0, 0).unwrap());
        assert_eq!(time_of(0.5), NaiveTime::from_hms_opt(12, 0, 0).unwrap());
        assert_eq!(time_of(1.0), NaiveTime::from_hms_opt(16, 0, 0).unwrap());
        for d in 0..7 {
            assert_eq!((weekday_type(d) + 5) % 7, d);
        }
        assert_eq!(weekday_type(0), 2); // Monday
        assert_eq!(weekday_type(6), 1); // Sunday
    }

    #[test]
    fn xml_tree_decodes_entities_and_namespaces() {
        let root = parse_xml(
            "<?xml version=\"1.0\"?><p:Project xmlns:p=\"x\"><Name>A &amp; B &#233;</Name><E/></p:Project>",
        )
        .unwrap();
        assert_eq!(root.name, "Project");
        assert_eq!(root.text_of("Name"), Some("A & B é"));
        assert!(root.child("E").is_some());
        assert!(parse_xml("<a><b></a>").is_err());
    }

    #[test]
    fn consecutive_dates_make_runs() {
        let d = |m, x| NaiveDate::from_ymd_opt(2027, m, x).unwrap();
        assert_eq!(
            runs(&[d(1, 1), d(1, 2), d(1, 3), d(1, 5)]),
            vec![(d(1, 1), d(1, 3)), (d(1, 5), d(1, 5))]
        );
        assert_eq!(d(1, 4).weekday().num_days_from_monday(), 0);
    }
}
