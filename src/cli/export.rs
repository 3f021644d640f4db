//! `shipdate export`: the plan and its schedule in another format.

use clap::{Args, ValueEnum};
use shipdate_engine::interchange::{ical, mspdi};
use shipdate_engine::{dispatch, io, report};

/// What `shipdate export` writes.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// MS Project XML (MSPDI) with the deterministic schedule.
    Mspdi,
    /// iCalendar: release deploy dates and open deploy windows.
    Ical,
    /// A Mermaid gantt of the schedule.
    Mermaid,
    /// The plan normalised as JSON.
    Json,
    /// The plan normalised as TOML.
    Toml,
}

/// Arguments of `shipdate export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
    /// The format to write.
    #[arg(long = "to", value_enum)]
    pub to: ExportFormat,
    /// Where to write it (default: standard output).
    #[arg(short = 'o', long = "output")]
    pub output: Option<String>,
}

/// Runs the command.
pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    super::files::check_output(args.output.as_deref(), &[&args.plan])?;
    let plan = super::load_plan(&args.plan)?;
    let schedule = || super::with_spinner(&plan, "scheduling", || dispatch::schedule(&plan));
    let text = match args.to {
        ExportFormat::Toml => io::to_toml(&plan),
        ExportFormat::Json => io::to_json(&plan),
        ExportFormat::Mermaid => report::mermaid_gantt(&plan, &schedule()),
        ExportFormat::Mspdi => mspdi::export(&plan, &schedule()),
        ExportFormat::Ical => ical::calendar(&plan, &schedule())?,
    };
    write_output(args.output.as_deref(), &text)
}

/// Writes `text` to `path` (all at once, see [`super::files::write_atomically`]), or to
/// standard output for `None` or `-`; says where on standard error when it is a file.
pub fn write_output(path: Option<&str>, text: &str) -> anyhow::Result<()> {
    match path {
        None | Some("-") => super::emit(text),
        Some(p) => {
            super::files::write_atomically(p, text)?;
            eprintln!("wrote {p}");
            Ok(())
        }
    }
}
