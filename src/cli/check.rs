//! `shipdate check`: the schedule health check (DCMA 14-point assessment, SPEC section 10).

use clap::{Args, ValueEnum};
use shipdate_engine::check::{self, CheckOptions, HealthReport, Status};
use shipdate_engine::model::Plan;
use shipdate_engine::view;

use super::table::{Align, Table};

/// Output formats of `shipdate check`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    /// A table of the fourteen checks, then each offender located in the file.
    Table,
    /// JSON (SPEC section 10).
    Json,
}

/// Arguments of `shipdate check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
    /// Exit with status 3 when any check fails.
    #[arg(long)]
    pub strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
    /// Total float and durations above this many working days count as high.
    #[arg(long, value_name = "DAYS", default_value_t = check::DEFAULT_LONG_DAYS)]
    pub long_days: f64,
}

/// `--strict` and at least one check failed: exit status 3 (the report is already printed).
#[derive(Debug)]
pub struct ChecksFailed(pub usize);

impl std::fmt::Display for ChecksFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} health check(s) failed", self.0)
    }
}

impl std::error::Error for ChecksFailed {}

/// Runs the command.
pub fn run(args: &CheckArgs) -> anyhow::Result<()> {
    if !(args.long_days > 0.0 && args.long_days <= 100_000.0) {
        anyhow::bail!("--long-days must be a number of working days above 0 (at most 100000)");
    }
    let plan = super::load_plan(&args.plan)?;
    let options = CheckOptions {
        long_days: args.long_days,
        ..CheckOptions::default()
    };
    let report = check::check(&plan, &options);
    let text = match args.format {
        CheckFormat::Table => table(&plan, &report, &args.plan),
        CheckFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    super::emit(&text)?;
    if args.strict && report.failed > 0 {
        return Err(ChecksFailed(report.failed).into());
    }
    Ok(())
}

/// The table, the notes (why a check was skipped, what it measured), and each offender of a
/// failed check located in the file.
pub fn table(plan: &Plan, r: &HealthReport, file: &str) -> String {
    let mut out = format!(
        "{}: schedule health check (DCMA 14-point): {} passed, {} failed, {} skipped\n\n",
        plan.name, r.passed, r.failed, r.skipped
    );
    let mut t = Table::new(&[
        ("#", Align::Right),
        ("check", Align::Left),
        ("threshold", Align::Left),
        ("count", Align::Right),
        ("share", Align::Right),
        ("result", Align::Left),
        ("tasks", Align::Left),
    ]);
    let rows = view::health_rows(r);
    for row in &rows {
        t.row(vec![
            row.number.to_string(),
            row.name.to_string(),
            row.threshold.clone(),
            row.count.clone(),
            row.share.clone(),
            row.result.to_string(),
            row.subjects.clone(),
        ]);
    }
    out.push_str(&t.render());
    let notes: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let note = row.note.as_ref()?;
            Some(format!("{:>2} {}: {note}\n", row.number, row.name))
        })
        .collect();
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&notes.concat());
    }
    let located: Vec<String> = r
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .flat_map(|c| c.subjects.iter().map(move |s| (c, s)))
        .map(|(c, s)| {
            let at = match s.pos {
                Some(p) => format!("{file}:{}:{}", p.line, p.column),
                None => file.to_string(),
            };
            format!("{at}: {}: `{}`: {}\n", c.key, s.id, s.detail)
        })
        .collect();
    if !located.is_empty() {
        out.push('\n');
        out.push_str(&located.concat());
    }
    out
}
