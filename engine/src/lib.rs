//! # shipdate-engine
//!
//! The release-planning engine behind the `shipdate` CLI and the browser planner.
//!
//! A plan (teams, tasks, links, risks, releases) is read from TOML, JSON or PSPLIB text by
//! [`io`], validated into a [`model::Plan`], and then answered three ways:
//!
//! - [`graph`]: the dependency graph, cycle detection and the critical-path method;
//! - [`schedule`](mod@schedule): a resource-feasible dated schedule under team capacity and
//!   calendars;
//! - [`simulate`](mod@simulate): Monte Carlo delay risk; [`optimize`]: release scope and
//!   window planning.
//!
//! The engine does no I/O and never prints: it takes text and returns data or typed errors.
//!
//! # The front door
//!
//! Five functions cover what most programs need; the modules hold the details.
//!
//! | function | does | module |
//! |---|---|---|
//! | [`parse`] | reads and validates plan text, every error located | [`io`] |
//! | [`validate`] | checks a plan however it was made: errors, else plan-quality warnings | [`io`], [`lint`] |
//! | [`schedule()`] | the resource-feasible schedule the CLI prints | [`schedule`](mod@schedule) |
//! | [`simulate()`] | Monte Carlo delay risk, reproducible from its seed | [`simulate`](mod@simulate) |
//! | [`plan_windows`] | which work rides which deploy window, and what to cut | [`optimize`] |
//!
//! [`schedule_with`] and [`Method`] choose the scheduling method (the priority rule, the
//! leveller's search, exact mode).
//!
//! ```
//! use shipdate_engine::{parse, plan_windows, schedule, simulate, validate, Format};
//! use shipdate_engine::{SimulateOptions, WindowsOptions};
//!
//! let plan = parse(r#"
//! [plan]
//! name = "demo"
//! [teams.be]
//! capacity = 1
//! [[tasks]]
//! id = "api"
//! team = "be"
//! estimate = { low = 2, likely = 3, high = 6 }
//! [[tasks]]
//! id = "ui"
//! team = "be"
//! estimate = 2
//! [[releases]]
//! id = "r1"
//! tasks = ["api", "ui"]
//! windows = [5, 10]
//! "#, Format::Toml).unwrap();
//! assert!(validate(&plan).is_empty());
//!
//! // One team of capacity 1: the two tasks run one after the other.
//! let report = schedule(&plan);
//! assert_eq!(report.makespan, 5.0);
//!
//! let sim = simulate(&plan, &SimulateOptions { iterations: 1000, ..Default::default() }).unwrap();
//! assert!(sim.makespan.p10 >= 4.0 && sim.makespan.p95 <= 8.0);
//!
//! // 5 periods of work fit before the window at 5.
//! let windows = plan_windows(&plan, &WindowsOptions::default()).unwrap();
//! assert_eq!(windows.releases[0].window_number, Some(1));
//! ```
//!
//! # Determinism
//!
//! The same plan, seed and options give the same numbers, bit for bit, on any thread count
//! (the `parallel` feature) and in WebAssembly: the engine reads no clock and no ambient
//! randomness, and the Monte Carlo engine draws each batch of iterations from its own
//! portable, seeded stream. The one exception is a time limit ([`schedule_with`]'s `stop`,
//! [`WindowsOptions::time_limit`]): where it strikes depends on the machine.
#![deny(missing_docs)]

pub mod calendar;
pub mod diag;
pub mod graph;
pub mod html;
pub mod interchange;
pub mod io;
// Index loops over parallel arrays (durations, starts, demands by task) read best as such in
// the leveling kernels.
#[allow(clippy::needless_range_loop)]
pub mod leveling;
pub mod lint;
pub mod model;
pub mod optimize;
pub mod report;
pub mod schedule;
pub mod simulate;
pub mod svg;
pub mod views;

pub use diag::{Diagnostic, Severity};
pub use model::Plan;

// The front door: short names for what most programs need (see the crate documentation).

pub use io::Format;
pub use optimize::{WindowsError, WindowsOptions, WindowsReport};
pub use schedule::{schedule_with, Method, ScheduleReport};
pub use simulate::{Options as SimulateOptions, SimError, Simulation};

/// Reads a plan from text in `format` and validates it; on failure, every error found, each
/// located at its line and column.
///
/// This is [`io::parse_str`].
///
/// ```
/// use shipdate_engine::{parse, Format};
///
/// let errors = parse("[plan]\nname = \"x\"\n[[tasks]]\nid = \"a\"\nestimat = 3\n", Format::Toml)
///     .unwrap_err();
/// let pos = errors[0].pos.unwrap();
/// assert_eq!((pos.line, pos.column), (5, 1));
/// assert!(errors[0].message.contains("estimat"));
/// ```
///
/// # Errors
///
/// Every syntax and validation error, sorted by position.
pub fn parse(src: &str, format: Format) -> Result<Plan, Vec<Diagnostic>> {
    io::parse_str(src, format)
}

/// Checks a plan however it was made (parsed, or built in code): every error, or, when there
/// is none, the plan-quality warnings of [`lint::lint`]. An empty list means the plan is valid
/// and has nothing to warn about; the scheduling functions need a plan without errors.
///
/// Errors found here carry no source position (a plan built in code has none); warnings keep
/// the positions the plan has.
///
/// ```
/// use shipdate_engine::model::{Calendar, Estimate, Link, LinkKind, Plan, Task, TaskKind};
/// use shipdate_engine::{validate, Severity};
///
/// let task = |id: &str, after: Vec<Link>| Task {
///     id: id.into(),
///     name: None,
///     team: None,
///     demand: 0,
///     extra_demands: Vec::new(),
///     estimate: Estimate::Fixed { value: 2.0 },
///     after,
///     kind: TaskKind::Work,
///     optional: false,
///     pos: None,
/// };
/// let link = |pred: usize| Link { pred, kind: LinkKind::FS, lag: 0.0, pos: None };
/// let mut plan = Plan {
///     name: "demo".into(),
///     start: None,
///     calendars: vec![Calendar::standard()],
///     default_calendar: 0,
///     teams: Vec::new(),
///     tasks: vec![task("a", Vec::new()), task("b", vec![link(0)])],
///     risks: Vec::new(),
///     correlations: Vec::new(),
///     releases: Vec::new(),
/// };
/// assert!(validate(&plan).is_empty());
///
/// // A cycle: a after b, b after a.
/// plan.tasks[0].after.push(link(1));
/// let found = validate(&plan);
/// assert!(found.iter().all(|d| d.severity == Severity::Error));
/// assert!(found[0].message.contains("cycle"), "{}", found[0].message);
///
/// // A link to a task that does not exist.
/// plan.tasks[0].after = vec![link(7)];
/// assert!(validate(&plan)[0].message.contains("task 7"));
/// ```
pub fn validate(plan: &Plan) -> Vec<Diagnostic> {
    // Today the checks live in the parser: the plan is written as TOML and read back, after
    // the indices the writer follows are checked.
    let errors = index_errors(plan);
    if !errors.is_empty() {
        return errors;
    }
    match io::parse_str(&io::to_toml(plan), Format::Toml) {
        Ok(_) => lint::lint(plan),
        Err(errors) => errors
            .into_iter()
            .map(|d| Diagnostic { pos: None, ..d })
            .collect(),
    }
}

/// The plan's indices that point at nothing (a calendar, team or task out of range).
fn index_errors(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let n = plan.tasks.len();
    let mut check = |what: &str, index: usize, len: usize, kind: &str, subject: &str| {
        if index >= len {
            out.push(
                Diagnostic::error(
                    None,
                    format!("{what} refers to {kind} {index}, but the plan has {len}"),
                )
                .with_subject(subject),
            );
        }
    };
    let cals = plan.calendars.len();
    check(
        &format!("plan `{}`", plan.name),
        plan.default_calendar,
        cals,
        "calendar",
        &plan.name,
    );
    for t in &plan.teams {
        check(
            &format!("team `{}`", t.id),
            t.calendar,
            cals,
            "calendar",
            &t.id,
        );
    }
    for t in &plan.tasks {
        let what = format!("task `{}`", t.id);
        let teams = t
            .team
            .into_iter()
            .chain(t.extra_demands.iter().map(|e| e.0));
        for k in teams {
            check(&what, k, plan.teams.len(), "team", &t.id);
        }
        for l in &t.after {
            check(&what, l.pred, n, "task", &t.id);
        }
    }
    for r in &plan.risks {
        for &t in &r.tasks {
            check(&format!("risk `{}`", r.id), t, n, "task", &r.id);
        }
    }
    for c in &plan.correlations {
        for &t in &c.tasks {
            check("a correlation", t, n, "task", "correlation");
        }
    }
    for r in &plan.releases {
        for &t in &r.tasks {
            check(&format!("release `{}`", r.id), t, n, "task", &r.id);
        }
    }
    out
}

/// The resource-feasible schedule of a plan, as `shipdate schedule` prints it: point
/// durations, the leveller's search with its default budget and seed. The same as
/// `schedule_with(plan, &Method::default(), None)`; see [`schedule_with`] for the other
/// methods and for how slack and release dates are found.
///
/// The plan must have no error ([`parse`] gives such plans; for others, see [`validate`]).
///
/// ```
/// let plan = shipdate_engine::parse(
///     "[plan]\nname = \"x\"\n[[tasks]]\nid = \"a\"\nestimate = 3\n\
///      [[tasks]]\nid = \"b\"\nestimate = 2\nafter = [\"a\"]\n",
///     shipdate_engine::Format::Toml,
/// ).unwrap();
/// let report = shipdate_engine::schedule(&plan);
/// assert_eq!((report.tasks[1].start, report.tasks[1].finish), (3.0, 5.0));
/// assert!(report.tasks.iter().all(|t| t.critical));
/// ```
pub fn schedule(plan: &Plan) -> ScheduleReport {
    schedule_with(plan, &Method::default(), None)
        .expect("the leveller's heuristic handles every valid plan")
}

/// Monte Carlo delay risk of a plan: percentiles of the finish and of each release's dates,
/// the odds of each deploy window, and the tasks and risks that drive the delay. The same
/// seed and options give the same result on any thread count and in WebAssembly. This is
/// [`simulate::simulate`](fn@simulate::simulate); see [`mod@simulate`] for the method.
///
/// The plan must have no error (see [`validate`]).
///
/// ```
/// use shipdate_engine::{parse, simulate, Format, SimulateOptions};
///
/// let plan = parse(
///     "[plan]\nname = \"x\"\n[[tasks]]\nid = \"a\"\n\
///      estimate = { dist = \"uniform\", low = 2, high = 4 }\n",
///     Format::Toml,
/// ).unwrap();
/// let options = SimulateOptions { iterations: 4000, seed: 7, ..Default::default() };
/// let sim = simulate(&plan, &options).unwrap();
/// assert!((sim.makespan.p50 - 3.0).abs() < 0.1);
/// assert_eq!(sim, simulate(&plan, &options).unwrap());
/// ```
///
/// # Errors
///
/// [`SimError`]: no iterations, an invalid priority list, or worker threads that cannot start.
pub fn simulate(plan: &Plan, options: &SimulateOptions) -> Result<Simulation, SimError> {
    simulate::simulate(plan, options)
}

/// Which work rides which deploy window, and what to cut (SPEC section 5's bucketed model,
/// solved exactly up to [`WindowsOptions::time_limit`]). This is [`optimize::plan_windows`];
/// the crate documentation has an example.
///
/// The plan must have no error (see [`validate`]).
///
/// # Errors
///
/// [`WindowsError::NoWindows`] when no release has an open deploy window;
/// [`WindowsError::Solver`] when the solver fails.
pub fn plan_windows(plan: &Plan, options: &WindowsOptions) -> Result<WindowsReport, WindowsError> {
    optimize::plan_windows(plan, options)
}
