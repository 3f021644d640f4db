//! `shipdate import`: MS Project XML, CSV or PSPLIB to a plan.

use clap::Args;
use shipdate_engine::interchange::{csv, mspdi};
use shipdate_engine::io::{self, Format};
use shipdate_engine::model::When;
use shipdate_engine::Diagnostic;

use super::PlanError;

/// Arguments of `shipdate import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The file to read: MS Project XML (.xml), CSV (.csv), PSPLIB (.sm) or Patterson (.rcp).
    pub file: String,
    /// Where to write the plan: .toml or .json (default: TOML on standard output).
    #[arg(short = 'o', long = "output")]
    pub output: Option<String>,
    /// The plan's name (CSV; default: the file's name).
    #[arg(long)]
    pub name: Option<String>,
    /// The plan's start date, YYYY-MM-DD (CSV; default: an undated plan in periods).
    #[arg(long)]
    pub start: Option<String>,
    /// The status date the progress columns are as of, YYYY-MM-DD (CSV; with no `--start`, a
    /// period number; default: none, the plan is planned from scratch).
    #[arg(long = "status-date")]
    pub status_date: Option<String>,
    /// List every import note (by default a kind with more than five is shown as its first
    /// note and a count with the first few others).
    #[arg(long)]
    pub all_warnings: bool,
}

fn stem(path: &str) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    file.rsplit_once('.').map_or(file, |(s, _)| s).to_string()
}

/// `--status-date`: a date in a plan with a start date, a period number in one without.
fn status_date(text: &str, dated: bool) -> anyhow::Result<When> {
    if dated {
        return csv::parse_date(text)
            .map(When::Date)
            .ok_or_else(|| anyhow::anyhow!("--status-date `{text}` is not a date (YYYY-MM-DD)"));
    }
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(When::Period(x)),
        _ if csv::parse_date(text).is_some() => anyhow::bail!(
            "--status-date `{text}` is a date but the plan has none: give --start YYYY-MM-DD too"
        ),
        _ => {
            anyhow::bail!("--status-date `{text}` is not a period number (the plan has no --start)")
        }
    }
}

/// Runs the command.
pub fn run(args: &ImportArgs) -> anyhow::Result<()> {
    let ext = args
        .file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    super::files::check_output(args.output.as_deref(), &[&args.file])?;
    let src = super::read_source(&args.file)?;
    let plan_err = |diagnostics: Vec<Diagnostic>| {
        anyhow::Error::new(PlanError {
            what: "plan",
            file: args.file.clone(),
            diagnostics,
        })
    };
    for (flag, given) in [
        ("--start", args.start.is_some()),
        ("--status-date", args.status_date.is_some()),
    ] {
        if given && ext != "csv" {
            anyhow::bail!(
                "{flag} applies to CSV files only ({} has its own dates)",
                args.file
            );
        }
    }
    let (mut plan, notes) = match ext.as_str() {
        "xml" => {
            let imported = mspdi::import(&src).map_err(plan_err)?;
            (imported.plan, imported.notes)
        }
        "csv" => {
            let start =
                match &args.start {
                    Some(s) => Some(csv::parse_date(s).ok_or_else(|| {
                        anyhow::anyhow!("--start `{s}` is not a date (YYYY-MM-DD)")
                    })?),
                    None => None,
                };
            let status = match &args.status_date {
                Some(s) => Some(status_date(s, start.is_some())?),
                None => None,
            };
            let options = csv::CsvOptions {
                name: args.name.clone().unwrap_or_else(|| stem(&args.file)),
                start,
                status,
            };
            (csv::import(&src, &options).map_err(plan_err)?, Vec::new())
        }
        "sm" => (
            io::parse_str(&src, Format::Psplib).map_err(plan_err)?,
            Vec::new(),
        ),
        "rcp" => (
            io::parse_str(&src, Format::Patterson).map_err(plan_err)?,
            Vec::new(),
        ),
        _ => anyhow::bail!(
            "{}: cannot import this kind of file (expected .xml for MS Project, .csv, .sm or .rcp)",
            args.file
        ),
    };
    if let (Some(name), false) = (&args.name, ext == "csv") {
        plan.name = name.clone();
    }
    for line in super::warnings::warning_lines(&notes, &args.file, args.all_warnings) {
        eprintln!("{line}");
    }
    let json = args
        .output
        .as_deref()
        .is_some_and(|o| o.to_ascii_lowercase().ends_with(".json"));
    let text = if json {
        io::to_json(&plan)
    } else {
        format!(
            "# Imported from {} by `shipdate import`.\n\n{}",
            args.file.replace('\n', " "),
            io::to_toml(&plan)
        )
    };
    super::export::write_output(args.output.as_deref(), &text)
}
