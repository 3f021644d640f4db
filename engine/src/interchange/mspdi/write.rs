//! Writing MSPDI: the plan and its deterministic schedule (see the module docs of
//! [`super`]). [`export`] writes the document in steps: the project header, the calendars,
//! one task per task, one resource per team, one assignment per demand.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::{
    DATE1, DURATION123, ID_ALIAS, MINUTES_PER_DAY, NAMESPACE, NOT_BEFORE_ALIAS, RELEASES_ALIAS,
    RESOURCE_TEXT1, TEXT1, TEXT2, UNDATED_EPOCH,
};
use crate::calendar::{TeamCalendar, Timeline};
use crate::graph;
use crate::model::{Estimate, LinkKind, Plan, Task, TaskKind, TaskState, Team, TimeOff, When};
use crate::schedule::{ScheduleReport, TaskSchedule};

struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    fn open(&mut self, name: &str) {
        let _ = self.w.write_event(Event::Start(BytesStart::new(name)));
    }
    fn close(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }
    fn leaf(&mut self, name: &str, text: impl AsRef<str>) {
        let _ = self
            .w
            .create_element(name)
            .write_text_content(BytesText::new(text.as_ref()));
    }
    /// A task's or resource's `ExtendedAttribute` holding `value` in field `field`.
    fn ext(&mut self, field: &str, value: &str, duration: bool) {
        self.open("ExtendedAttribute");
        self.leaf("FieldID", field);
        self.leaf("Value", value);
        if duration {
            self.leaf("DurationFormat", "7");
        }
        self.close("ExtendedAttribute");
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
    /// The start of plan point `w` (08:00 of its day; undated: its period's fraction as the
    /// time of day).
    fn start_of(&self, w: When) -> NaiveDateTime {
        let frac = match w {
            When::Date(_) => 0.0,
            When::Period(p) => p - p.floor(),
        };
        self.when(w).and_time(time_of(frac))
    }
    /// The end of the working day of plan point `w` (16:00).
    fn end_of(&self, w: When) -> NaiveDateTime {
        self.when(w).and_time(time_of(1.0))
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

/// What every step of the export shares: the plan, its schedule, the dates of its days and
/// each task's single-point duration.
struct Doc<'a> {
    plan: &'a Plan,
    sched: &'a ScheduleReport,
    days: Days<'a>,
    dated: bool,
    durations: Vec<f64>,
}

impl Doc<'_> {
    /// The UID of plan calendar `c` (undated plans: one seven-day calendar, UID 1).
    fn cal_uid(&self, c: usize) -> usize {
        if self.dated {
            c + 1
        } else {
            1
        }
    }
    /// The UID of team `k`'s resource calendar: after the plan calendars.
    fn team_cal_uid(&self, k: usize) -> usize {
        let n_cals = if self.dated {
            self.plan.calendars.len()
        } else {
            1
        };
        n_cals + 1 + k
    }
    /// Whether some team has a display name apart from its id (then resources carry the id
    /// in `Text1`).
    fn named_teams(&self) -> bool {
        self.plan.teams.iter().any(|t| t.name.is_some())
    }
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
    let doc = Doc {
        plan,
        sched,
        days: Days { tl: &tl, epoch },
        dated: plan.is_dated(),
        // An item-sized task goes out at its single point (MS Project has no throughput).
        durations: (0..plan.tasks.len())
            .map(|j| plan.duration_point(j).max(0.0))
            .collect(),
    };
    let mut x = Xml {
        w: Writer::new_with_indent(Vec::new(), b' ', 2),
    };
    let _ = x.w.write_event(Event::Decl(BytesDecl::new(
        "1.0",
        Some("UTF-8"),
        Some("yes"),
    )));
    let mut root = BytesStart::new("Project");
    root.push_attribute(("xmlns", NAMESPACE));
    let _ = x.w.write_event(Event::Start(root));
    write_header(&mut x, &doc);
    write_calendars(&mut x, &doc);
    x.open("Tasks");
    let cals: Vec<&TeamCalendar> = plan
        .tasks
        .iter()
        .map(|t| graph::task_calendar(&tl, t))
        .collect();
    for (j, t) in plan.tasks.iter().enumerate() {
        write_task(&mut x, &doc, j, t, cals[j]);
    }
    x.close("Tasks");
    x.open("Resources");
    for (k, team) in plan.teams.iter().enumerate() {
        write_resource(&mut x, &doc, k, team);
    }
    x.close("Resources");
    write_assignments(&mut x, &doc);
    x.close("Project");
    let mut out = String::from_utf8(x.w.into_inner()).unwrap_or_default();
    out.push('\n');
    out
}

/// The project's own fields: name, dates, working time, the extended attributes' aliases.
fn write_header(x: &mut Xml, doc: &Doc) {
    let (plan, days) = (doc.plan, &doc.days);
    let project_start = days
        .start(0.0, doc.sched.start_date)
        .unwrap_or_else(|| days.epoch.and_time(time_of(0.0)));
    let project_finish = doc
        .sched
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
    let default_workdays = if doc.dated {
        plan.calendars[plan.default_calendar].workdays
    } else {
        [true; 7]
    };
    let per_week = default_workdays.iter().filter(|&&w| w).count() as f64 * MINUTES_PER_DAY;
    x.leaf("SaveVersion", "14");
    x.leaf(
        "Name",
        format!("{}.xml", crate::interchange::slug(&plan.name, "plan")),
    );
    x.leaf("Title", &plan.name);
    x.leaf("ScheduleFromStart", "1");
    x.leaf("StartDate", stamp(project_start));
    x.leaf("FinishDate", stamp(project_finish));
    x.leaf(
        "CalendarUID",
        doc.cal_uid(plan.default_calendar).to_string(),
    );
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
    if let Some(status) = plan.status {
        x.leaf("StatusDate", stamp(days.start_of(status)));
    }
    x.leaf("NewTasksAreManual", "0");
    x.open("ExtendedAttributes");
    let mut fields = vec![
        (TEXT1, "Text1", ID_ALIAS),
        (TEXT2, "Text2", RELEASES_ALIAS),
        (DURATION123[0], "Duration1", "optimistic"),
        (DURATION123[1], "Duration2", "most likely"),
        (DURATION123[2], "Duration3", "pessimistic"),
        (DATE1, "Date1", NOT_BEFORE_ALIAS),
    ];
    if doc.named_teams() {
        fields.push((RESOURCE_TEXT1, "Text1", ID_ALIAS));
    }
    for (field, name, alias) in fields {
        x.open("ExtendedAttribute");
        x.leaf("FieldID", field);
        x.leaf("FieldName", name);
        x.leaf("Alias", alias);
        x.close("ExtendedAttribute");
    }
    x.close("ExtendedAttributes");
}

/// One base calendar per plan calendar (undated: one seven-day calendar), then one resource
/// calendar per team holding its whole-team absences.
fn write_calendars(x: &mut Xml, doc: &Doc) {
    let plan = doc.plan;
    x.open("Calendars");
    if doc.dated {
        for (c, cal) in plan.calendars.iter().enumerate() {
            x.open("Calendar");
            x.leaf("UID", doc.cal_uid(c).to_string());
            x.leaf("Name", &cal.id);
            x.leaf("IsBaseCalendar", "1");
            x.leaf("BaseCalendarUID", "-1");
            write_weekdays(x, &cal.workdays);
            let ranges: Vec<_> = runs(&cal.holidays)
                .into_iter()
                .map(|(a, b)| (a, b, "holiday".to_string()))
                .collect();
            write_exceptions(x, &ranges);
            x.close("Calendar");
        }
    } else {
        x.open("Calendar");
        x.leaf("UID", "1");
        x.leaf("Name", "periods");
        x.leaf("IsBaseCalendar", "1");
        x.leaf("BaseCalendarUID", "-1");
        write_weekdays(x, &[true; 7]);
        x.close("Calendar");
    }
    for (k, team) in plan.teams.iter().enumerate() {
        x.open("Calendar");
        x.leaf("UID", doc.team_cal_uid(k).to_string());
        x.leaf("Name", &team.id);
        x.leaf("IsBaseCalendar", "0");
        x.leaf(
            "BaseCalendarUID",
            doc.cal_uid(if doc.dated { team.calendar } else { 0 })
                .to_string(),
        );
        let away: Vec<_> = team
            .time_off
            .iter()
            .filter(|o| o.capacity == 0)
            .map(|o| {
                (
                    doc.days.when(o.from),
                    doc.days.when(o.to),
                    "time off".to_string(),
                )
            })
            .collect();
        write_exceptions(x, &away);
        x.close("Calendar");
    }
    x.close("Calendars");
}

/// Whether capacity rather than a link set task `j`'s scheduled start (then the export pins
/// it with a "start no earlier than" constraint).
fn capacity_set_start(doc: &Doc, j: usize, t: &Task, cal: &TeamCalendar) -> bool {
    let s: &TaskSchedule = &doc.sched.tasks[j];
    let duration = doc.durations[j];
    let mut bound: f64 = 0.0;
    for l in &t.after {
        let p = &doc.sched.tasks[l.pred];
        bound = bound.max(graph::start_bound(
            l.kind, l.lag, cal, duration, p.start, p.finish,
        ));
    }
    let link_start = if duration > 0.0 {
        cal.advance(bound, duration).0
    } else {
        bound
    };
    s.start.is_finite() && s.start > link_start + 1e-6
}

/// One task: its fields, scheduled dates, links and extended attributes.
fn write_task(x: &mut Xml, doc: &Doc, j: usize, t: &Task, cal: &TeamCalendar) {
    let s = &doc.sched.tasks[j];
    let duration = doc.durations[j];
    let milestone = t.kind == TaskKind::Milestone || duration == 0.0;
    let start = doc.days.start(s.start, s.start_date);
    let finish = if milestone {
        start
    } else {
        doc.days.finish(s.finish, s.finish_date)
    };
    let unstarted = t.actual.state() == TaskState::NotStarted;
    let pinned = unstarted && start.is_some() && capacity_set_start(doc, j, t, cal);
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
    x.leaf("Duration", pt(duration * MINUTES_PER_DAY));
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
    write_progress(x, doc, j, t, duration);
    let constraint = match (pinned, start) {
        (true, Some(a)) => Some(a),
        _ => t.dates.not_before.map(|w| doc.days.start_of(w)),
    };
    x.leaf(
        "ConstraintType",
        if constraint.is_some() { "4" } else { "0" },
    );
    x.leaf("CalendarUID", "-1");
    if let Some(a) = constraint {
        x.leaf("ConstraintDate", stamp(a));
    }
    if let Some(due) = t.dates.due {
        x.leaf("Deadline", stamp(doc.days.end_of(due)));
    }
    write_links(x, t);
    write_task_fields(x, doc, j, t);
    x.close("Task");
}

/// A task's progress: `PercentComplete`, `ActualStart`, `ActualFinish`, `ActualDuration` and
/// `RemainingDuration`, kept as MS Project keeps them (duration = actual + remaining, percent
/// complete = actual / duration). A task given as a share done (`progress`) has no
/// `RemainingDuration`, so that it reads back as that share; the percentage is whole.
fn write_progress(x: &mut Xml, doc: &Doc, j: usize, t: &Task, duration: f64) {
    let a = &t.actual;
    let (percent, actual, remaining) = match a.state() {
        TaskState::NotStarted => (0.0, None, Some(duration)),
        TaskState::Done => (100.0, Some(duration), Some(0.0)),
        TaskState::InProgress => match (a.remaining, a.progress) {
            (Some(r), _) => {
                let r = r.point().max(0.0);
                let done = (duration - r).max(0.0);
                let share = if duration > 0.0 { done / duration } else { 0.0 };
                (share * 100.0, Some(done), Some(r))
            }
            (None, Some(p)) => (p * 100.0, Some(p * duration), None),
            // Neither: the schedule's remaining work (the median given that it was not done).
            (None, None) => {
                let r = doc.sched.tasks[j].remaining.unwrap_or(duration).max(0.0);
                let done = (duration - r).max(0.0);
                let share = if duration > 0.0 { done / duration } else { 0.0 };
                (share * 100.0, Some(done), Some(r))
            }
        },
    };
    // A task not done is never written 100% complete.
    let percent = if a.done.is_some() {
        100.0
    } else {
        percent.round().clamp(0.0, 99.0)
    };
    x.leaf("PercentComplete", format!("{percent}"));
    if let Some(s) = a.started {
        x.leaf("ActualStart", stamp(doc.days.start_of(s)));
    }
    if let Some(d) = a.done {
        x.leaf("ActualFinish", stamp(doc.days.end_of(d)));
    }
    if let Some(actual) = actual {
        x.leaf("ActualDuration", pt(actual * MINUTES_PER_DAY));
    }
    if let Some(r) = remaining {
        x.leaf("RemainingDuration", pt(r * MINUTES_PER_DAY));
    }
}

/// A task's predecessor links with their types and lags.
fn write_links(x: &mut Xml, t: &Task) {
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
}

/// A task's extended attributes: its id, its releases, its PERT estimate.
fn write_task_fields(x: &mut Xml, doc: &Doc, j: usize, t: &Task) {
    x.ext(TEXT1, &t.id, false);
    let rels: Vec<&str> = doc
        .plan
        .releases
        .iter()
        .filter(|r| r.tasks.contains(&j))
        .map(|r| r.id.as_str())
        .collect();
    if !rels.is_empty() {
        x.ext(TEXT2, &rels.join(", "), false);
    }
    if let Some(w) = t.dates.not_before {
        x.ext(DATE1, &stamp(doc.days.start_of(w)), false);
    }
    if let Estimate::Pert { low, likely, high } = t.estimate {
        if t.kind != TaskKind::Milestone {
            for (f, v) in DURATION123.iter().zip([low, likely, high]) {
                x.ext(f, &pt(v * MINUTES_PER_DAY), true);
            }
        }
    }
}

/// One resource for team `k`: its display name, capacity, calendar and partial time off.
fn write_resource(x: &mut Xml, doc: &Doc, k: usize, team: &Team) {
    x.open("Resource");
    x.leaf("UID", (k + 1).to_string());
    x.leaf("ID", (k + 1).to_string());
    x.leaf("Name", team.name.as_deref().unwrap_or(&team.id));
    x.leaf("Type", "1");
    x.leaf("IsNull", "0");
    x.leaf("MaxUnits", team.capacity.to_string());
    x.leaf("CanLevel", "1");
    x.leaf("CalendarUID", doc.team_cal_uid(k).to_string());
    if doc.named_teams() {
        x.ext(RESOURCE_TEXT1, &team.id, false);
    }
    let periods = availability(doc, team);
    if !periods.is_empty() {
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

/// A team's availability table when it has partial time off (none otherwise): the table must
/// cover all time, so full capacity runs around each time off.
fn availability(doc: &Doc, team: &Team) -> Vec<(NaiveDate, NaiveDate, u32)> {
    let partial: Vec<&TimeOff> = team.time_off.iter().filter(|o| o.capacity > 0).collect();
    if partial.is_empty() {
        return Vec::new();
    }
    let mut periods: Vec<(NaiveDate, NaiveDate, u32)> = Vec::new();
    let mut offs: Vec<(NaiveDate, NaiveDate, u32)> = partial
        .iter()
        .map(|o| (doc.days.when(o.from), doc.days.when(o.to), o.capacity))
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
    periods
}

/// One assignment per demand of every task that takes time.
fn write_assignments(x: &mut Xml, doc: &Doc) {
    x.open("Assignments");
    let mut uid = 0;
    for (j, t) in doc.plan.tasks.iter().enumerate() {
        if t.kind == TaskKind::Milestone {
            continue;
        }
        let s = &doc.sched.tasks[j];
        for (k, d) in t.demands() {
            uid += 1;
            x.open("Assignment");
            x.leaf("UID", uid.to_string());
            x.leaf("TaskUID", (j + 1).to_string());
            x.leaf("ResourceUID", (k + 1).to_string());
            if let (Some(a), Some(b)) = (
                doc.days.start(s.start, s.start_date),
                doc.days.finish(s.finish, s.finish_date),
            ) {
                x.leaf("Finish", stamp(b));
                x.leaf("Start", stamp(a));
            }
            x.leaf("Units", d.to_string());
            x.leaf(
                "Work",
                pt(doc.durations[j] * MINUTES_PER_DAY * f64::from(d)),
            );
            x.close("Assignment");
        }
    }
    x.close("Assignments");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn durations_and_times() {
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
    fn consecutive_dates_make_runs() {
        let d = |m, x| NaiveDate::from_ymd_opt(2027, m, x).unwrap();
        assert_eq!(
            runs(&[d(1, 1), d(1, 2), d(1, 3), d(1, 5)]),
            vec![(d(1, 1), d(1, 3)), (d(1, 5), d(1, 5))]
        );
        assert_eq!(d(1, 4).weekday().num_days_from_monday(), 0);
    }
}
