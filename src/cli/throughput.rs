//! `shipdate throughput`: a tracker's CSV export of finished items to the `throughput = { ... }`
//! line of a plan, its mean, process limits and stability, and "when" and "how many"
//! forecasts. The engine ([`shipdate_engine::throughput::analyse`]) decides everything; this
//! module only writes it down.

use std::fmt::Write as _;

use clap::{Args, ValueEnum};
use shipdate_engine::model::Calendar;
use shipdate_engine::simulate::{DEFAULT_ITERATIONS, DEFAULT_SEED};
use shipdate_engine::throughput::{
    self, Analysis, Likelihoods, Per, Request, DEFAULT_WEEKS, FEW_SAMPLES, XMR_SCALE,
};
use shipdate_engine::view::number;
use throughput::day_text as day;

use super::PlanError;

/// Output formats of `shipdate throughput`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThroughputFormat {
    /// A report for people.
    Table,
    /// JSON: the whole analysis.
    Json,
}

/// What one sample counts.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PerArg {
    /// Items finished per working day (Monday to Friday).
    Day,
    /// Items finished per week.
    Week,
}

/// Arguments of `shipdate throughput`.
#[derive(Args, Debug)]
pub struct ThroughputArgs {
    /// A tracker's CSV export of work items (Jira, Linear, Azure DevOps, GitHub...), one row
    /// per item, or - for standard input.
    pub file: String,
    /// The column of completion dates (default: found by name, such as Resolved, Completed,
    /// Done, Closed Date or closed_at).
    #[arg(long)]
    pub column: Option<String>,
    /// One sample per working day or per week.
    #[arg(long, value_enum, default_value_t = PerArg::Day)]
    pub per: PerArg,
    /// How many weeks of history to count.
    #[arg(long, default_value_t = DEFAULT_WEEKS)]
    pub weeks: u32,
    /// The last day of the history, YYYY-MM-DD (default: the day of the latest completion,
    /// or the next working day when that is a weekend).
    #[arg(long)]
    pub end: Option<String>,
    /// "When will N items be done?": the dates 50%, 85% and 95% likely.
    #[arg(long)]
    pub items: Option<u64>,
    /// "How many items by DATE (YYYY-MM-DD)?": the counts 50%, 85% and 95% likely.
    #[arg(long)]
    pub by: Option<String>,
    /// Read numeric slash dates as day/month (05/12/2026 = 5 December); by default the file
    /// decides, month/day when it cannot.
    #[arg(long)]
    pub day_first: bool,
    /// Simulated futures per forecast.
    #[arg(short = 'n', long = "iterations", default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: usize,
    /// Random seed: the same seed gives the same forecast on every run and platform.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ThroughputFormat::Table)]
    pub format: ThroughputFormat,
    /// Also write the run chart (the samples, their mean and process limits) to this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
    /// With --items: also write the burn-up fan (items done by each working day, 50/85/95%
    /// likely) to this SVG file.
    #[arg(long, value_name = "FILE.svg", requires = "items")]
    pub burn_up: Option<String>,
}

/// Runs the command.
pub fn run(args: &ThroughputArgs) -> anyhow::Result<()> {
    if args.iterations == 0 {
        anyhow::bail!("--iterations must be at least 1");
    }
    // A date given on the command line: YYYY-MM-DD (or another form trackers write).
    let date_arg = |flag: &str, text: &str| {
        throughput::parse_date(text, args.day_first)
            .ok_or_else(|| anyhow::anyhow!("{flag} `{text}` is not a date (YYYY-MM-DD)"))
    };
    let request = Request {
        column: args.column.clone(),
        day_first: args.day_first.then_some(true),
        per: match args.per {
            PerArg::Day => Per::Day,
            PerArg::Week => Per::Week,
        },
        weeks: args.weeks,
        end: args
            .end
            .as_deref()
            .map(|e| date_arg("--end", e))
            .transpose()?,
        items: args.items,
        by: args
            .by
            .as_deref()
            .map(|b| date_arg("--by", b))
            .transpose()?,
        calendar: Calendar::standard(),
        iterations: args.iterations,
        seed: args.seed,
    };
    super::files::check_output(args.chart.as_deref(), &[&args.file])?;
    super::files::check_output(args.burn_up.as_deref(), &[&args.file])?;
    let src = super::read_source(&args.file)?;
    let analysis = throughput::analyse(&src, &request).map_err(|diagnostics| {
        anyhow::Error::new(PlanError {
            what: "CSV export",
            file: args.file.clone(),
            diagnostics,
        })
    })?;
    for line in super::warnings::warning_lines(&analysis.warnings, &args.file, false) {
        eprintln!("{line}");
    }
    if let Some(chart) = &args.chart {
        super::export::write_output(Some(chart), &throughput::run_chart(&analysis))?;
    }
    if let Some(file) = &args.burn_up {
        if let Some(fan) = shipdate_engine::burn_up::of_analysis(&analysis, &request.calendar) {
            let fan = fan.map_err(|e| anyhow::anyhow!("cannot draw the burn-up fan: {e}"))?;
            super::export::write_output(Some(file), &shipdate_engine::burn_up::chart(&fan))?;
        }
    }
    let text = match args.format {
        ThroughputFormat::Json => serde_json::to_string_pretty(&analysis)? + "\n",
        ThroughputFormat::Table => table(&analysis, &args.file),
    };
    super::emit(&text)
}

/// What a sample counts, in words.
fn unit(per: Per) -> &'static str {
    match per {
        Per::Day => "items per working day",
        Per::Week => "items per week",
    }
}

/// The report: what was read, the plan line, the counts, their mean, limits and stability,
/// and the forecasts asked for.
pub fn table(a: &Analysis, file: &str) -> String {
    let mut out = String::new();
    let h = &a.history;
    let _ = writeln!(
        out,
        "{file}: {} finished item(s) in column {:?}{}",
        a.finished,
        a.column,
        match a.unfinished {
            0 => String::new(),
            n => format!(", {n} not finished"),
        }
    );
    let _ = writeln!(
        out,
        "History: {} to {}, {} {}, {} item(s) finished",
        day(h.from),
        day(h.to),
        h.samples.len(),
        match h.per {
            Per::Day => "working days (Monday to Friday)",
            Per::Week => "weeks",
        },
        h.items
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", a.plan_line);
    let _ = writeln!(out);
    counts(&mut out, a);
    let _ = writeln!(out);
    summary(&mut out, a);
    if let Some(w) = &a.when {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "When will {} item(s) be done? (work from the first working day after {}; {} \
             simulated futures, seed {})",
            w.items,
            day(h.to),
            a.iterations,
            a.seed
        );
        likelihoods(&mut out, &w.dates, |d| match d {
            Some(d) => format!("by {}", day(*d)),
            None => format!("not within {} years", throughput::HORIZON_DAYS / 365),
        });
    }
    if let Some(m) = &a.how_many {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "How many by {}? ({} working day(s) after {}; {} simulated futures, seed {})",
            day(m.by),
            m.working_days,
            day(h.to),
            a.iterations,
            a.seed
        );
        likelihoods(&mut out, &m.counts, |n| format!("at least {n} item(s)"));
    }
    out
}

/// The samples, one line per week of the window, oldest first; `*` marks a sample outside
/// the process limits.
fn counts(out: &mut String, a: &Analysis) {
    let h = &a.history;
    let mark = |i: usize| if a.outside.contains(&i) { "*" } else { "" };
    let _ = writeln!(
        out,
        "{} (oldest first{}):",
        match h.per {
            Per::Day => "Items finished per working day",
            Per::Week => "Items finished per week",
        },
        if a.outside.is_empty() {
            ""
        } else {
            "; * outside the process limits"
        }
    );
    for (end, range) in h.weeks() {
        let total: f64 = h.samples[range.clone()].iter().sum();
        let _ = match h.per {
            Per::Day => {
                let cells: Vec<String> = range
                    .map(|i| {
                        format!(
                            "{} {}{}",
                            throughput::weekday(h.periods[i]),
                            number(h.samples[i]),
                            mark(i)
                        )
                    })
                    .collect();
                writeln!(
                    out,
                    "  week to {}:  {}  ({})",
                    day(end),
                    cells.join("  "),
                    number(total)
                )
            }
            Per::Week => {
                let marks: String = range.map(mark).collect();
                writeln!(out, "  week to {}:  {}{marks}", day(end), number(total))
            }
        };
    }
}

/// Mean, process limits, stability and sample count.
fn summary(out: &mut String, a: &Analysis) {
    let per = a.history.per;
    let _ = writeln!(out, "Mean:       {} {}", number(a.mean), unit(per));
    match &a.limits {
        Some(l) => {
            let _ = writeln!(
                out,
                "Limits:     {} to {} (natural process limits: mean ± {XMR_SCALE} × mean moving \
                 range {})",
                number(l.lower),
                number(l.upper),
                number(l.mean_moving_range)
            );
        }
        None => {
            let _ = writeln!(out, "Limits:     none (fewer than 2 samples)");
        }
    }
    let verdict = throughput::verdict(a);
    let _ = writeln!(out, "Stability:  {verdict}");
    let n = a.history.samples.len();
    let _ = writeln!(
        out,
        "Samples:    {n}{}",
        if a.few_samples {
            format!(
                " (fewer than {FEW_SAMPLES}: the next one falls inside the range seen only {}% \
                 of the time)",
                number((a.coverage * 100.0).round())
            )
        } else {
            String::new()
        }
    );
}

/// The three likelihood lines of a forecast.
fn likelihoods<T>(out: &mut String, l: &Likelihoods<T>, show: impl Fn(&T) -> String) {
    for (p, v) in [(50, &l.p50), (85, &l.p85), (95, &l.p95)] {
        let _ = writeln!(out, "  {p}% likely  {}", show(v));
    }
}
