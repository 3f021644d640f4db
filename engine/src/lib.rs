//! # shipdate-engine
//!
//! The release-planning engine behind the `shipdate` CLI and the browser planner.
//!
//! A plan (teams, tasks, links, risks, releases) is read from TOML, JSON or PSPLIB text by
//! [`io`], validated into a [`model::Plan`], and then answered three ways:
//!
//! - [`graph`]: the dependency graph, cycle detection and the critical-path method;
//! - [`dispatch`]: a resource-feasible dated schedule under team capacity and calendars
//!   ([`schedule`](mod@schedule) and [`leveling`] below it);
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
//! | [`validate()`] | checks a plan however it was made: errors, else plan-quality warnings | [`mod@validate`], [`lint`] |
//! | [`schedule()`] | the resource-feasible schedule the CLI prints | [`dispatch`] |
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
//! after = ["api"]
//! [[releases]]
//! id = "r1"
//! tasks = ["api", "ui"]
//! windows = [5, 10]
//! "#, Format::Toml).unwrap();
//! assert!(validate(&plan).is_empty());
//!
//! // The two tasks run one after the other.
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
pub mod check;
pub mod diag;
pub mod diff;
pub mod dispatch;
pub mod edit;
pub mod format;
pub mod graph;
pub mod html;
pub mod interchange;
pub mod io;
// Index loops over parallel arrays (durations, starts, demands by task) read best as such in
// the leveling kernels.
pub mod burn_up;
#[allow(clippy::needless_range_loop)]
pub mod leveling;
pub mod lint;
pub mod model;
pub mod network;
pub mod optimize;
pub mod report;
pub mod scenario;
pub mod schedule;
pub mod simulate;
pub mod sorting;
pub mod svg;
pub mod throughput;
pub mod trend;
pub mod validate;
pub mod view;
pub mod views;

pub use diag::{Diagnostic, Severity};
pub use model::Plan;

// The front door: short names for what most programs need (see the crate documentation).

pub use dispatch::{schedule_with, Method};
pub use io::Format;
pub use optimize::{WindowsError, WindowsOptions, WindowsReport};
pub use schedule::ScheduleReport;
pub use simulate::{Options as SimulateOptions, SimError, Simulation};

/// Reads a plan from text in `format` and validates it; on failure, every error found, each
/// located at its line and column.
///
/// This is [`scenario::parse_str`]: [`io::parse_str`], and every scenario applied and
/// checked.
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
    scenario::parse_str(src, format)
}

/// Checks a plan however it was made (parsed, or built in code): every error, or, when there
/// is none, the plan-quality warnings of [`lint::lint`]. An empty list means the plan is valid
/// and has nothing to warn about; the scheduling functions need a plan without errors.
///
/// Errors found here carry no source position (a plan built in code has none); warnings keep
/// the positions the plan has.
///
/// ```
/// use shipdate_engine::model::{Estimate, Link, LinkKind, Plan, Task};
/// use shipdate_engine::{validate, Severity};
///
/// let fixed = Estimate::Fixed { value: 2.0 };
/// let mut plan = Plan::new("demo");
/// plan.tasks.push(Task::new("a", fixed.clone()));
/// plan.tasks.push(Task::new("b", fixed));
/// plan.tasks[1].after.push(Link::new(0, LinkKind::FS, 0.0));
/// assert!(validate(&plan).is_empty());
///
/// // A cycle: a after b, b after a.
/// plan.tasks[0].after.push(Link::new(1, LinkKind::FS, 0.0));
/// let found = validate(&plan);
/// assert!(found.iter().all(|d| d.severity == Severity::Error));
/// assert!(found[0].message.contains("cycle"), "{}", found[0].message);
///
/// // A link to a task that does not exist.
/// plan.tasks[0].after = vec![Link::new(7, LinkKind::FS, 0.0)];
/// assert!(validate(&plan)[0].message.contains("index 7"));
/// ```
pub fn validate(plan: &Plan) -> Vec<Diagnostic> {
    let errors = validate::validate(plan);
    if errors.is_empty() {
        lint::lint(plan)
    } else {
        errors
    }
}

/// The resource-feasible schedule of a plan, as `shipdate schedule` prints it: point
/// durations, the leveller's search with its default budget and seed. The same as
/// `schedule_with(plan, &Method::default(), None)`; see [`schedule_with`] for the other
/// methods and for how slack and release dates are found.
///
/// The plan must have no error ([`parse`] gives such plans; for others, see [`validate()`]).
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
    dispatch::schedule(plan)
}

/// Monte Carlo delay risk of a plan: percentiles of the finish and of each release's dates,
/// the odds of each deploy window, and the tasks and risks that drive the delay. The same
/// seed and options give the same result on any thread count and in WebAssembly. This is
/// [`simulate::simulate`](fn@simulate::simulate); see [`mod@simulate`] for the method.
///
/// The plan must have no error (see [`validate()`]).
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
/// The plan must have no error (see [`validate()`]).
///
/// # Errors
///
/// [`WindowsError::NoWindows`] when no release has an open deploy window;
/// [`WindowsError::Solver`] when the solver fails.
pub fn plan_windows(plan: &Plan, options: &WindowsOptions) -> Result<WindowsReport, WindowsError> {
    optimize::plan_windows(plan, options)
}
