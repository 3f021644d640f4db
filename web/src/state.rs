//! The planner's state as plain data: the plan's source text, what the engine made of it, and
//! the last schedule computed from a valid version of it.
//!
//! Nothing here knows Leptos or the DOM, so it is tested natively (`cargo test -p web`). The
//! views in [`crate::components`] only render these structs.

use shipdate_engine::diag::{Diagnostic, Severity};
use shipdate_engine::dispatch;
use shipdate_engine::io::{self, Format};
use shipdate_engine::model::Plan;
use shipdate_engine::schedule::ScheduleReport;
use shipdate_engine::view::{self, ReleaseStatus};

/// The plan the planner opens with: the repository's example.
pub const EXAMPLE_PLAN: &str = include_str!("../../examples/checkout.toml");

/// The plan "New empty plan" starts from: one team, one task, one release.
pub const EMPTY_PLAN: &str = "[plan]\nname = \"New plan\"\n\n[teams.team1]\ncapacity = 1\n\n\
[[tasks]]\nid = \"task1\"\nteam = \"team1\"\nestimate = 1\n\n\
[[releases]]\nid = \"release-1\"\ntasks = [\"task1\"]\n";

/// One diagnostic, ready to show: `line L, column C: message (help)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DiagnosticRow {
    /// 1-based line, when the engine knows where the problem is.
    pub line: Option<u32>,
    /// 1-based column (in characters), when known.
    pub column: Option<u32>,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The whole line of text shown to the user.
    pub text: String,
}

impl DiagnosticRow {
    /// The row for one engine diagnostic.
    pub fn of(d: &Diagnostic) -> Self {
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let loc = match d.pos {
            Some(p) => format!("line {}, column {}: ", p.line, p.column),
            None => String::new(),
        };
        let help = d
            .help
            .as_deref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        DiagnosticRow {
            line: d.pos.map(|p| p.line),
            column: d.pos.map(|p| p.column),
            severity,
            text: format!("{loc}{}{help}", d.message),
        }
    }
}

/// One task of the schedule, formatted for a table row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskRow {
    /// The task's id.
    pub id: String,
    /// Its name (empty when it has none).
    pub name: String,
    /// Its team's id (empty when it has none).
    pub team: String,
    /// Start: a date in dated plans, else the period.
    pub start: String,
    /// Finish: the last working day in dated plans, else the period it ends at.
    pub finish: String,
    /// Duration in working days (periods); with a status date, the work left.
    pub duration: String,
    /// Where it stands at the status date (`done`, `in progress`, `not started`), or empty.
    pub state: String,
    /// Its deadline and whether the schedule meets it (`due DATE`, `MISSES due DATE`), or
    /// empty.
    pub due: String,
    /// Total slack in working days (periods).
    pub slack: String,
    /// Whether it lies on the critical path.
    pub critical: bool,
}

/// One release of the schedule, formatted for a table row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReleaseRow {
    /// The release's id.
    pub id: String,
    /// When all its tasks have finished.
    pub ready: String,
    /// The deploy date (or time), or `unscheduled`.
    pub deploy: String,
    /// Its target, or empty.
    pub target: String,
    /// `on time`, `late`, `unscheduled` or `no target`.
    pub status: &'static str,
    /// When it shipped, if it has (`deployed`), else empty.
    pub deployed: String,
}

/// A schedule, formatted for the tables.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleView {
    /// Whether times are dates (else periods).
    pub dated: bool,
    /// The project's finish: a date in dated plans, else the makespan in periods.
    pub finish: String,
    /// The makespan in working days (periods).
    pub makespan: String,
    /// `as of DATE` when the plan has a status date (SPEC section 6).
    pub as_of: Option<String>,
    /// Tasks in plan order.
    pub tasks: Vec<TaskRow>,
    /// Releases in plan order.
    pub releases: Vec<ReleaseRow>,
}

impl ScheduleView {
    /// The view of an engine schedule of `plan`: times, dates and statuses written by the
    /// engine's view model ([`view`]), as the CLI and the report write them.
    pub fn of(plan: &Plan, report: &ScheduleReport) -> Self {
        let tasks = report
            .tasks
            .iter()
            .enumerate()
            .map(|(j, t)| {
                let cells = view::ScheduledTask::of(plan, j, t);
                TaskRow {
                    id: t.id.clone(),
                    name: t.name.clone().unwrap_or_default(),
                    team: t.team.clone().unwrap_or_default(),
                    start: cells.start,
                    finish: cells.finish,
                    duration: cells.days,
                    slack: view::number(t.slack),
                    critical: t.critical,
                    state: cells.state.unwrap_or_default().to_string(),
                    due: cells.due.unwrap_or_default(),
                }
            })
            .collect();
        let releases = report
            .releases
            .iter()
            .map(|r| {
                let row = view::ScheduledRelease::of(r);
                ReleaseRow {
                    id: r.id.clone(),
                    ready: row.ready,
                    deploy: match row.status {
                        ReleaseStatus::Unscheduled => view::UNSCHEDULED.to_string(),
                        _ => row.deploy.unwrap_or_default(),
                    },
                    target: row.target.unwrap_or_default(),
                    status: row.status.word(),
                    deployed: row.deployed.unwrap_or_default(),
                }
            })
            .collect();
        ScheduleView {
            dated: plan.is_dated(),
            finish: view::time_text(report.makespan, report.finish_date),
            makespan: view::number(report.makespan),
            as_of: view::as_of(report.status_date),
            tasks,
            releases,
        }
    }
}

/// The planner: the text being edited and what follows from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Planner {
    /// The plan's TOML source, as the user wrote it.
    pub source: String,
    /// The plan's name, from the last valid version.
    pub plan_name: Option<String>,
    /// Errors and warnings of the current text, errors first, by line.
    pub diagnostics: Vec<DiagnosticRow>,
    /// The schedule of the last valid text.
    pub schedule: Option<ScheduleView>,
    /// Whether `schedule` is from an earlier text (the current one has errors).
    pub stale: bool,
    /// The last valid plan (what the charts show, and the editing tables unless `draft`
    /// holds the current text's plan).
    pub plan: Option<Plan>,
    /// A plan the tables wrote that breaks a rule of the plan (progress, SPEC section 6),
    /// with the text written for it: while the text is unchanged, the tables go on editing it.
    pub draft: Option<(String, Plan)>,
    /// Its deterministic schedule.
    pub report: Option<ScheduleReport>,
}

impl Planner {
    /// A planner over `source`, analysed.
    pub fn new(source: String) -> Self {
        let mut p = Planner {
            source,
            plan_name: None,
            diagnostics: Vec::new(),
            schedule: None,
            stale: false,
            plan: None,
            draft: None,
            report: None,
        };
        p.analyse();
        p
    }

    /// Replaces the text and re-analyses it. A text with errors keeps the last schedule,
    /// marked stale.
    pub fn set_source(&mut self, source: String) {
        if source != self.source {
            self.source = source;
            self.analyse();
        }
    }

    /// The SVG charts of the last valid plan: (team lanes, dependency graph).
    pub fn charts(&self) -> Option<(String, String)> {
        let (plan, report) = (self.plan.as_ref()?, self.report.as_ref()?);
        Some((
            shipdate_engine::views::gantt_lanes(plan, report),
            shipdate_engine::views::dependency_graph(plan, report),
        ))
    }

    /// The plan the editing tables edit: the one the tables wrote for the current text when
    /// that text has errors ([`Planner::keep_draft`]), else the last valid plan.
    pub fn editable(&self) -> Option<&Plan> {
        match &self.draft {
            Some((text, plan)) if *text == self.source => Some(plan),
            _ => self.plan.as_ref(),
        }
    }

    /// Keeps `plan` as the tables' plan while the text is `text` and has errors (a progress
    /// edit written although it breaks a rule); otherwise forgets any kept one.
    pub fn keep_draft(&mut self, text: &str, plan: Plan) {
        self.draft = (text == self.source && self.has_errors()).then(|| (text.to_string(), plan));
    }

    /// Whether the current text has errors.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == "error")
    }

    /// Lines holding an error, sorted, without duplicates.
    pub fn error_lines(&self) -> Vec<u32> {
        let mut lines: Vec<u32> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == "error")
            .filter_map(|d| d.line)
            .collect();
        lines.sort_unstable();
        lines.dedup();
        lines
    }

    fn analyse(&mut self) {
        match io::parse_str(&self.source, Format::Toml) {
            Ok(plan) => {
                let report = dispatch::schedule_live(&plan);
                self.diagnostics = Vec::new();
                self.schedule = Some(ScheduleView::of(&plan, &report));
                self.plan_name = Some(plan.name.clone());
                self.stale = false;
                self.plan = Some(plan);
                self.report = Some(report);
            }
            Err(diags) => {
                let mut rows: Vec<DiagnosticRow> = diags.iter().map(DiagnosticRow::of).collect();
                // Errors first, then by position; diagnostics without one last.
                rows.sort_by_key(|r| {
                    (
                        r.severity != "error",
                        r.line.unwrap_or(u32::MAX),
                        r.column.unwrap_or(u32::MAX),
                    )
                });
                self.diagnostics = rows;
                self.stale = self.schedule.is_some();
            }
        }
    }
}

/// The UTF-16 range of line `line` (1-based) of `src`, without its line break: what a
/// textarea's `setSelectionRange` takes. Past the end, the empty range at the end.
pub fn utf16_line_range(src: &str, line: u32) -> (u32, u32) {
    let mut start = 0u32;
    for (i, text) in src.split('\n').enumerate() {
        let len = text.encode_utf16().count() as u32;
        if i + 1 == line as usize {
            return (start, start + len);
        }
        start += len + 1;
    }
    let end = src.encode_utf16().count() as u32;
    (end, end)
}

/// How many lines the text has (an empty text has one).
pub fn line_count(src: &str) -> u32 {
    src.split('\n').count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdate_engine::diag::Pos;

    #[test]
    fn the_tables_write_numbers_as_the_cli_does() {
        // Durations and slack without needless decimals, three at most, no `-0`: the
        // engine's one rule for every front end.
        let p = Planner::new(
            "[plan]\nname = \"n\"\n[[tasks]]\nid = \"a\"\nestimate = 2.5\n\
[[tasks]]\nid = \"b\"\nestimate = 0.3333333\n\
[[releases]]\nid = \"v\"\ntasks = [\"a\"]\ntarget = 2\n"
                .to_string(),
        );
        let s = p.schedule.as_ref().unwrap();
        let durations: Vec<&str> = s.tasks.iter().map(|t| t.duration.as_str()).collect();
        assert_eq!(durations, ["2.5", "0.333"]);
        assert_eq!(s.tasks[1].slack, "2.167");
        assert_eq!(s.makespan, "2.5");
        let r = &s.releases[0];
        assert_eq!(
            (
                r.ready.as_str(),
                r.deploy.as_str(),
                r.target.as_str(),
                r.status
            ),
            ("2.5", "2.5", "2", "late")
        );
        let plan = p.plan.as_ref().unwrap();
        let cli = shipdate_engine::dispatch::schedule(plan);
        assert_eq!(s.tasks[1].slack, view::number(cli.tasks[1].slack));
    }

    #[test]
    fn diagnostic_rows_read_line_column_message_help() {
        let d = Diagnostic::error(Some(Pos { line: 7, column: 3 }), "unknown team `backedn`")
            .with_help("did you mean `backend`?");
        let row = DiagnosticRow::of(&d);
        assert_eq!(
            row.text,
            "line 7, column 3: unknown team `backedn` (did you mean `backend`?)"
        );
        assert_eq!(
            (row.line, row.column, row.severity),
            (Some(7), Some(3), "error")
        );
        let bare = DiagnosticRow::of(&Diagnostic::warning(None, "no releases"));
        assert_eq!((bare.text.as_str(), bare.line), ("no releases", None));
    }

    const SMALL: &str = "[plan]\nname = \"small\"\n\n[teams.be]\ncapacity = 1\n\n\
[[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\n\n\
[[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\n\n\
[[tasks]]\nid = \"c\"\nestimate = 4\nafter = [\"a\"]\n";

    fn finishes(p: &Planner) -> Vec<(String, String)> {
        let s = p.schedule.as_ref().expect("a schedule");
        s.tasks
            .iter()
            .map(|t| (t.id.clone(), t.finish.clone()))
            .collect()
    }

    #[test]
    fn small_undated_plan_schedules_by_hand() {
        // One backend slot: a [0,3) then b [3,5) (a goes first: c needs it); c [3,7) has no
        // team. Makespan 7; b can slip 2.
        let p = Planner::new(SMALL.to_string());
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let s = p.schedule.as_ref().unwrap();
        assert!(!s.dated);
        assert_eq!(s.makespan, "7");
        let rows: Vec<_> = s
            .tasks
            .iter()
            .map(|t| {
                (
                    t.id.as_str(),
                    t.start.as_str(),
                    t.finish.as_str(),
                    t.slack.as_str(),
                    t.critical,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("a", "0", "3", "0", true),
                ("b", "3", "5", "2", false),
                ("c", "3", "7", "0", true)
            ]
        );
        assert_eq!(p.plan_name.as_deref(), Some("small"));
    }

    #[test]
    fn errors_keep_the_last_schedule_stale_until_fixed() {
        let mut p = Planner::new(SMALL.to_string());
        let good = finishes(&p);
        // Line 20 is c's `after`: point it at a task that does not exist.
        let broken = SMALL.replace("after = [\"a\"]", "after = [\"aa\"]");
        p.set_source(broken);
        assert!(p.has_errors());
        assert!(p.stale);
        assert_eq!(finishes(&p), good);
        assert_eq!(p.error_lines(), vec![20]);
        assert!(
            p.diagnostics[0].text.starts_with("line 20, column "),
            "{:?}",
            p.diagnostics
        );
        // A syntax error: reported at its line, the schedule still the last good one.
        p.set_source(SMALL.replace("estimate = 2", "estimate = "));
        assert_eq!(p.error_lines(), vec![15]);
        assert!(p.stale);
        // Fixed, with a longer estimate for a: everything after it moves.
        p.set_source(SMALL.replace("estimate = 3", "estimate = 5"));
        assert!(!p.stale && !p.has_errors());
        let s = p.schedule.as_ref().unwrap();
        assert_eq!(s.makespan, "9");
    }

    #[test]
    fn the_example_plan_is_valid_and_dated() {
        let p = Planner::new(EXAMPLE_PLAN.to_string());
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let s = p.schedule.as_ref().unwrap();
        assert!(s.dated);
        assert_eq!(s.tasks.len(), EXAMPLE_PLAN.matches("[[tasks]]").count());
        assert_eq!(
            s.releases.len(),
            EXAMPLE_PLAN.matches("[[releases]]").count()
        );
        assert!(s
            .tasks
            .iter()
            .all(|t| t.start.len() == 10 && t.finish.len() == 10));
    }

    #[test]
    fn a_plan_without_a_schedule_yet_is_not_stale() {
        let p = Planner::new("[plan]\nname = 3".to_string());
        assert!(p.has_errors());
        assert!(p.schedule.is_none() && !p.stale);
    }

    #[test]
    fn line_ranges_count_utf16_units() {
        let src = "ab\nc\u{1F600}d\n\nx";
        assert_eq!(utf16_line_range(src, 1), (0, 2));
        assert_eq!(utf16_line_range(src, 2), (3, 7)); // the emoji is 2 units
        assert_eq!(utf16_line_range(src, 3), (8, 8));
        assert_eq!(utf16_line_range(src, 4), (9, 10));
        assert_eq!(utf16_line_range(src, 9), (10, 10));
        assert_eq!(line_count(src), 4);
        assert_eq!(line_count(""), 1);
    }
}
