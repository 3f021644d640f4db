//! One module per command; shared plan loading and error reporting.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use shipdate_engine::io::Format;
use shipdate_engine::scenario;
use shipdate_engine::{Diagnostic, Plan, Severity};

pub mod check;
pub mod compare;
pub mod diff;
pub mod export;
pub mod files;
pub mod import;
pub mod init;
pub mod report;
pub mod schedule;
pub mod simulate;
pub mod table;
pub mod throughput;
pub mod trend;
pub mod validate;
pub mod warnings;
pub mod windows;

/// A plan that failed to parse or validate: its diagnostics, already located.
#[derive(Debug)]
pub struct PlanError {
    /// The file name as given on the command line.
    pub file: String,
    /// Every error found.
    pub diagnostics: Vec<Diagnostic>,
    /// What the file holds, for the summary line: `plan`, or `CSV export` for `throughput`.
    pub what: &'static str,
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        write!(f, "{}: {errors} error(s) in the {}", self.file, self.what)
    }
}

impl std::error::Error for PlanError {}

/// Reads a plan from a path (`-` for standard input, TOML) and validates it.
pub fn load_plan(path: &str) -> anyhow::Result<Plan> {
    let format = Format::from_path(path).with_context(|| {
        format!("{path}: unknown plan format (expected .toml, .json, .sm or .rcp, or - for standard input)")
    })?;
    let src = read_source(path)?;
    scenario::parse_str(&src, format).map_err(|diagnostics| {
        anyhow::Error::new(PlanError {
            what: "plan",
            file: path.to_string(),
            diagnostics,
        })
    })
}

/// [`load_plan`], then scenario `id` applied when one is given (`--scenario`).
pub fn load_variant(path: &str, id: Option<&str>) -> anyhow::Result<Plan> {
    let plan = load_plan(path)?;
    match id {
        None => Ok(plan),
        Some(id) => load_variant_of(&plan, path, id),
    }
}

/// Scenario `id` of a plan read from `path`, or its errors as a plan error of that file.
pub fn load_variant_of(plan: &Plan, path: &str, id: &str) -> anyhow::Result<Plan> {
    scenario::apply(plan, id).map_err(|diagnostics| {
        anyhow::Error::new(PlanError {
            what: "plan",
            file: path.to_string(),
            diagnostics,
        })
    })
}

/// The text of a file, or of standard input for `-`: at most
/// [`shipdate_engine::io::text::MAX_INPUT_BYTES`], a regular file, decoded from UTF-8 or
/// UTF-16 (see [`files::read_text`]).
pub fn read_source(path: &str) -> anyhow::Result<String> {
    files::read_text(path)
}

/// Writes `text` to standard output, treating a closed pipe as success.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to standard output"),
    }
}

/// Whether standard error is a terminal (for progress bars).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// Plans at least this large take a second or more to schedule (`benches/large.sh`: 20,000
/// tasks 1.3 s, 100,000 tasks 45 s), so `schedule`, `export` and `report` show a spinner.
const LARGE_PLAN: usize = 10_000;

/// Runs `work` (a step that schedules `plan`) with a spinner and the time elapsed on standard
/// error when the plan is large and standard error is a terminal; cleared when it is done.
pub fn with_spinner<T>(plan: &Plan, what: &str, work: impl FnOnce() -> T) -> T {
    if plan.tasks.len() < LARGE_PLAN || !stderr_is_terminal() {
        return work();
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .expect("a valid template"),
    );
    spinner.set_message(format!("{what} {} tasks", plan.tasks.len()));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let out = work();
    spinner.finish_and_clear();
    out
}

/// Prints an error once, on standard error, and picks the exit code.
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    if let Some(plan_err) = err.downcast_ref::<PlanError>() {
        let mut stderr = std::io::stderr().lock();
        for d in &plan_err.diagnostics {
            let _ = writeln!(stderr, "{}", d.render(&plan_err.file));
        }
        let _ = writeln!(stderr, "{plan_err}");
        return ExitCode::from(2);
    }
    if let Some(refused) = err.downcast_ref::<files::Refused>() {
        eprintln!("{refused}");
        return ExitCode::from(2);
    }
    if let Some(failed) = err.downcast_ref::<check::ChecksFailed>() {
        eprintln!("{failed}");
        return ExitCode::from(3);
    }
    eprintln!("error: {err:#}");
    ExitCode::from(1)
}
