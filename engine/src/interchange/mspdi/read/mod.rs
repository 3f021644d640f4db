//! Reading MSPDI (see the module docs of [`super`]). [`import`] reads the document in steps,
//! each in its own module: the calendars, the resources (teams), the task outline and its
//! leaf tasks, the links, the assignments (demands) and the over-allocation check, then the
//! plan is validated like a written one.

mod assignments;
mod calendars;
mod links;
mod progress;
mod resources;
mod tasks;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::xml::{self, Element};
use super::{
    DATE1, ID_ALIAS, MINUTES_PER_DAY, NAMESPACE, NOT_BEFORE_ALIAS, RELEASES_ALIAS, RESOURCE_TEXT1,
    TEXT1, TEXT2,
};
use crate::diag::{Diagnostic, Pos};
use crate::model::{Plan, Release, When};

/// An imported plan, and what the import approximated or dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The validated plan.
    pub plan: Plan,
    /// Warnings: what could not be carried over exactly (located in the XML where possible).
    pub notes: Vec<Diagnostic>,
}

/// What every step of the import shares: the source (to locate warnings), the warnings and
/// errors so far and the project's working time.
struct Cx<'a> {
    src: &'a str,
    notes: Vec<Diagnostic>,
    /// Fields that cannot be read (located): the import fails with them.
    errors: Vec<Diagnostic>,
    /// The start of a working day (`DefaultStartTime`, 08:00 by default).
    day_start: NaiveTime,
    /// Working minutes in a day of this file (`MinutesPerDay`).
    minutes_per_day: f64,
    /// The default calendar's share of working days in a week (for elapsed time), once the
    /// calendars are read.
    work_share: f64,
}

impl Cx<'_> {
    fn at(&self, el: &Element) -> Option<Pos> {
        Some(Pos::of_offset(self.src, el.at))
    }
    /// A warning located at `el` (or at no place in particular).
    fn warn(&mut self, el: Option<&Element>, msg: impl Into<String>) {
        let pos = el.and_then(|e| self.at(e));
        self.notes.push(Diagnostic::warning(pos, msg));
    }
    /// An error located at `el`.
    fn error(&mut self, el: &Element, msg: impl Into<String>) {
        let pos = self.at(el);
        self.errors.push(Diagnostic::error(pos, msg));
    }
    /// A warning located at byte offset `at`.
    fn warn_at(&mut self, at: usize, msg: impl Into<String>) {
        self.notes
            .push(Diagnostic::warning(Some(Pos::of_offset(self.src, at)), msg));
    }
    /// Working days in `minutes` of a duration or lag written in `format` (its
    /// `DurationFormat` or `LagFormat`): elapsed time counts at the calendar's share of
    /// working days (as many working days as a calendar week holds in that many days, on
    /// average); working time at the file's minutes per day.
    fn working_days(&self, minutes: f64, format: Option<i64>) -> f64 {
        match format {
            Some(f) if super::ELAPSED_FORMATS.contains(&f) => minutes / 1440.0 * self.work_share,
            _ => minutes / self.minutes_per_day,
        }
    }
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

/// An MSPDI date-time (`2027-01-04T08:00:00`, seconds optional).
fn datetime_of(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .ok()
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

/// The value of extended attribute `field` on a task or resource.
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

/// Which extended attributes carry shipdate's own fields (as [`super::export`] names them).
struct Aliases {
    task_ids: bool,
    releases: bool,
    team_ids: bool,
    /// `Date1` holds the plan's `not_before` (and start-no-earlier-than constraints may be
    /// the export's pins of capacity-set starts).
    not_before: bool,
}

impl Aliases {
    fn read(root: &Element) -> Aliases {
        let alias = |field: &str| -> Option<String> {
            root.child("ExtendedAttributes")?
                .all("ExtendedAttribute")
                .find(|e| e.text_of("FieldID") == Some(field))
                .and_then(|e| e.text_of("Alias"))
                .map(str::to_string)
        };
        Aliases {
            task_ids: alias(TEXT1).as_deref() == Some(ID_ALIAS),
            releases: alias(TEXT2).as_deref() == Some(RELEASES_ALIAS),
            team_ids: alias(RESOURCE_TEXT1).as_deref() == Some(ID_ALIAS),
            not_before: alias(DATE1).as_deref() == Some(NOT_BEFORE_ALIAS),
        }
    }
}

/// Refuses a document that is not MSPDI: a root other than `<Project>`, or a `<Project>`
/// outside MS Project's namespace (an MSBuild `.csproj`, a LabVIEW `.lvproj`, ...).
fn check_root(src: &str, root: &Element) -> Result<(), Vec<Diagnostic>> {
    let pos = Some(Pos::of_offset(src, root.at));
    if root.name != "Project" {
        return Err(vec![Diagnostic::error(
            pos,
            format!(
                "not an MS Project XML (MSPDI) file: the root element is <{}>, not <Project>",
                root.name
            ),
        )]);
    }
    let help = format!(
        "MS Project saves XML with <Project xmlns=\"{NAMESPACE}\">; save the plan as XML from MS Project (or convert it with MPXJ)"
    );
    match root.ns.as_deref() {
        Some(NAMESPACE) => Ok(()),
        Some(other) => Err(vec![Diagnostic::error(
            pos,
            format!(
                "not an MS Project XML (MSPDI) file: its <Project> is in namespace `{other}`, not MS Project's `{NAMESPACE}`{}",
                if other.contains("msbuild") { " (an MSBuild project file)" } else { "" }
            ),
        )
        .with_help(help)]),
        None => Err(vec![Diagnostic::error(
            pos,
            format!(
                "not an MS Project XML (MSPDI) file: its <Project> has no namespace, and MS Project's is `{NAMESPACE}` (a .NET or LabVIEW project file?)"
            ),
        )
        .with_help(help)]),
    }
}

/// Reads an MSPDI document into a validated plan.
///
/// # Errors
///
/// An XML syntax error (located), a document that is not MSPDI (another root element, or a
/// `<Project>` outside MS Project's namespace), or the validation errors of the plan it
/// describes (such as a dependency cycle).
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
    let root = xml::parse(src).map_err(|d| vec![d])?;
    check_root(src, &root)?;
    let mut cx = Cx {
        src,
        notes: Vec::new(),
        errors: Vec::new(),
        day_start: root
            .text_of("DefaultStartTime")
            .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M:%S").ok())
            .unwrap_or(NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default()),
        minutes_per_day: root
            .num("MinutesPerDay")
            .filter(|&m| m > 0.0)
            .unwrap_or(MINUTES_PER_DAY),
        work_share: 5.0 / 7.0,
    };
    let aliases = Aliases::read(&root);
    let mut cals = calendars::read(&mut cx, &root);
    cx.work_share = cals.work_share;
    let teams = resources::read(&mut cx, &root, &mut cals, aliases.team_ids);
    let outline = tasks::outline(&mut cx, &root);
    let mut leaves = tasks::leaves(&mut cx, &outline, aliases.task_ids);
    links::read(&mut cx, &outline, &mut leaves);
    let status = progress::read(
        &mut cx,
        &root,
        &mut leaves,
        aliases.not_before,
        &cals.list[0],
    );
    assignments::read(&mut cx, &root, &mut leaves, &teams);
    assignments::check_overallocation(&mut cx, &leaves, &teams);
    let releases = if aliases.releases {
        releases(&leaves)
    } else {
        Vec::new()
    };
    // Start date: the project's, else the earliest task start.
    let start = root
        .text_of("StartDate")
        .and_then(date_of)
        .or(leaves.first_start);
    let name = root
        .text_of("Title")
        .or_else(|| root.text_of("Name").map(|n| n.trim_end_matches(".xml")))
        .unwrap_or("Imported from MS Project")
        .to_string();
    let mut plan = Plan::new(name);
    plan.start = start;
    plan.calendars = cals.list;
    plan.teams = teams.list;
    plan.tasks = leaves.tasks;
    plan.releases = releases;
    plan.status = status.map(When::Date);
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    if plan.start.is_none() {
        // No date anywhere: keep the plan undated (time in periods); calendars mean nothing.
        plan.calendars.truncate(1);
        plan.calendars[0].holidays.clear();
        for t in &mut plan.teams {
            t.calendar = 0;
            t.time_off.clear();
        }
    }
    let plan = crate::interchange::checked(plan)?;
    Ok(Imported {
        plan,
        notes: cx.notes,
    })
}

/// Release membership from `Text2` (a shipdate export's `shipdate releases` field).
fn releases(leaves: &tasks::Leaves) -> Vec<Release> {
    let mut releases: Vec<Release> = Vec::new();
    for (j, t) in leaves.raw.iter().enumerate() {
        if let Some(v) = ext_value(t.el, TEXT2) {
            for r in v.split([',', ';']).map(str::trim).filter(|r| valid_id(r)) {
                match releases.iter_mut().find(|x| x.id == r) {
                    Some(x) => x.tasks.push(j),
                    None => releases.push(Release::new(r.to_string(), vec![j])),
                }
            }
        }
    }
    releases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(duration_minutes("PT40H0M0S"), Some(2400.0));
        assert_eq!(duration_minutes("PT7H30M30S"), Some(450.5));
        assert_eq!(duration_minutes("P1DT2H"), Some(1560.0));
        assert_eq!(duration_minutes("-PT8H0M0S"), Some(-480.0));
        assert_eq!(duration_minutes("40h"), None);
    }

    #[test]
    fn elapsed_formats_count_calendar_time() {
        let cx = Cx {
            src: "",
            notes: Vec::new(),
            errors: Vec::new(),
            day_start: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            minutes_per_day: 480.0,
            work_share: 5.0 / 7.0,
        };
        // One elapsed week (format 10) on a five-day calendar: five working days.
        assert_eq!(cx.working_days(7.0 * 1440.0, Some(10)), 5.0);
        // The same minutes as working time (format 7, days): 21 working days.
        assert_eq!(cx.working_days(7.0 * 1440.0, Some(7)), 21.0);
        assert_eq!(cx.working_days(7.0 * 1440.0, None), 21.0);
    }
}
