//! `shipdate trend PLAN...`: each release's P50/P80 deploy date by status date over versions
//! of one plan (SPEC section 8), the milestone trend.

use std::fmt::Write as _;

use clap::{Args, ValueEnum};
use shipdate_engine::simulate::{Options, DEFAULT_ITERATIONS, DEFAULT_SEED};
use shipdate_engine::trend::{self, Trend, TrendRelease};
use shipdate_engine::view::{self, percent};

use super::table::{Align, Table};

/// Output formats of `shipdate trend`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrendFormat {
    /// One row per version, one column per release.
    Table,
    /// JSON: the versions by status date, each release's deploy percentiles.
    Json,
}

/// Arguments of `shipdate trend`.
#[derive(Args, Debug)]
pub struct TrendArgs {
    /// Versions of one plan, each with its status date (any order).
    #[arg(required = true, num_args = 1..)]
    pub plans: Vec<String>,
    /// Iterations of each simulation.
    #[arg(short = 'n', long = "iterations", default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: usize,
    /// Random seed (the same for every version).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Critical-path simulation: ignore team capacity.
    #[arg(long)]
    pub ignore_capacity: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TrendFormat::Table)]
    pub format: TrendFormat,
    /// Also write the milestone trend chart to this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
}

/// Reads every version (all their errors reported in one run) and simulates them.
pub fn compute(
    files: &[String],
    iterations: usize,
    seed: u64,
    ignore_capacity: bool,
) -> anyhow::Result<Trend> {
    if iterations == 0 {
        anyhow::bail!("--iterations must be at least 1");
    }
    let mut plans = Vec::with_capacity(files.len());
    let mut failed = None;
    for f in files {
        match super::load_plan(f) {
            Ok(p) => plans.push(p),
            Err(e) => {
                if let Some(prev) = failed.replace(e) {
                    super::report_error(&prev);
                }
            }
        }
    }
    if let Some(e) = failed {
        return Err(e);
    }
    let options = Options {
        iterations,
        seed,
        ignore_capacity,
        risk_effects: false,
        ..Options::default()
    };
    let refs: Vec<_> = plans.iter().collect();
    trend::trend(&refs, &options).map_err(|e| match e {
        trend::TrendError::NoStatus(i) => anyhow::Error::new(super::files::Refused(format!(
            "{}: no status date: a trend needs one per version (`status_date = YYYY-MM-DD` in [plan])",
            files[i]
        ))),
        trend::TrendError::Mixed => anyhow::Error::new(super::files::Refused(
            "some of these plans are dated and some are not: a trend compares versions of one plan"
                .into(),
        )),
        trend::TrendError::SameStatus(i, j) => anyhow::Error::new(super::files::Refused(format!(
            "{} and {} have the same status date: give one version per status date",
            files[i], files[j]
        ))),
        other => other.into(),
    })
}

/// Runs the command.
pub fn run(args: &TrendArgs) -> anyhow::Result<()> {
    if let Some(chart) = &args.chart {
        let inputs: Vec<&str> = args.plans.iter().map(String::as_str).collect();
        super::files::check_output(Some(chart), &inputs)?;
    }
    let t = compute(
        &args.plans,
        args.iterations,
        args.seed,
        args.ignore_capacity,
    )?;
    if let Some(chart) = &args.chart {
        super::export::write_output(Some(chart), &trend::chart(&t))?;
    }
    let text = match args.format {
        TrendFormat::Json => {
            let mut v = serde_json::to_value(&t)?;
            v["files"] = serde_json::json!(args.plans);
            serde_json::to_string_pretty(&v)? + "\n"
        }
        TrendFormat::Table => table(&t, &args.plans),
    };
    super::emit(&text)
}

fn cell(r: &TrendRelease) -> String {
    if let Some(d) = r.deployed {
        return view::deployed(d);
    }
    let pair = match (r.p50_date, r.p80_date, r.p50, r.p80) {
        (Some(a), Some(b), _, _) => format!("{a} / {b}"),
        (_, _, Some(a), Some(b)) => format!("{} / {}", view::number(a), view::number(b)),
        _ => "unscheduled".into(),
    };
    match r.on_time_probability {
        Some(p) => format!("{pair} ({})", percent(p)),
        None => pair,
    }
}

fn table(t: &Trend, files: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Milestone trend: deploy P50 / P80 (on-time odds) by status date, {} versions, seed {}, {} iterations each\n",
        t.points.len(),
        t.seed,
        t.iterations
    );
    let ids: Vec<String> = t
        .points
        .last()
        .map(|p| p.releases.iter().map(|r| r.id.clone()).collect())
        .unwrap_or_default();
    let mut columns = vec![("status date", Align::Left)];
    columns.extend(ids.iter().map(|id| (id.as_str(), Align::Left)));
    columns.push(("version", Align::Left));
    let mut tab = Table::new(&columns);
    for p in &t.points {
        let mut row = vec![view::when(p.status_date)];
        for id in &ids {
            row.push(
                p.releases
                    .iter()
                    .find(|r| &r.id == id)
                    .map_or("-".into(), cell),
            );
        }
        row.push(files[p.version].clone());
        tab.row(row);
    }
    out.push_str(&tab.render());
    out
}
