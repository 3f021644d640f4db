//! `shipdate report`: a self-contained HTML report with charts.

use clap::Args;
use shipdate_engine::simulate::{self, Options, DEFAULT_ITERATIONS, DEFAULT_SEED};
use shipdate_engine::{dispatch, html, lint};

/// Arguments of `shipdate report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
    /// Apply this scenario of the plan (`[[scenarios]]`, SPEC section 7) first.
    #[arg(long, value_name = "ID")]
    pub scenario: Option<String>,
    /// Where to write the HTML (`-` for standard output).
    #[arg(short = 'o', long = "output")]
    pub output: String,
    /// Monte Carlo iterations.
    #[arg(short = 'n', long = "iterations", default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: usize,
    /// Random seed: the same seed gives the same report.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Simulate by the critical-path method, ignoring team capacity.
    #[arg(long)]
    pub ignore_capacity: bool,
    /// Add the milestone trend over these versions of the plan (each with its status date;
    /// SPEC section 8), simulated with the same seed and iterations.
    #[arg(long, num_args = 1.., value_name = "PLAN")]
    pub trend: Vec<String>,
}

/// Runs the command.
pub fn run(args: &ReportArgs) -> anyhow::Result<()> {
    if args.iterations == 0 {
        anyhow::bail!("--iterations must be at least 1");
    }
    let mut inputs = vec![args.plan.as_str()];
    inputs.extend(args.trend.iter().map(String::as_str));
    super::files::check_output(Some(&args.output), &inputs)?;
    let plan = super::load_variant(&args.plan, args.scenario.as_deref())?;
    let sched = super::with_spinner(&plan, "scheduling", || dispatch::schedule(&plan));
    let options = Options {
        iterations: args.iterations,
        seed: args.seed,
        ignore_capacity: args.ignore_capacity,
        ..Options::default()
    };
    let sim = simulate::simulate(&plan, &options)?;
    // The scenarios side by side, with the same seed (a scenario's plan has none of its own).
    let mut scenarios = Vec::new();
    for sc in &plan.scenarios {
        let variant = super::load_variant_of(&plan, &args.plan, &sc.id)?;
        scenarios.push((sc.id.clone(), simulate::simulate(&variant, &options)?));
    }
    let trend = if args.trend.is_empty() {
        None
    } else {
        Some(super::trend::compute(
            &args.trend,
            args.iterations,
            args.seed,
            args.ignore_capacity,
        )?)
    };
    let warnings = lint::lint(&plan);
    let page = html::report(&html::ReportInput {
        plan: &plan,
        schedule: &sched,
        simulation: Some(&sim),
        warnings: &warnings,
        source: &args.plan,
        scenarios: &scenarios,
        trend: trend.as_ref().map(|t| (t, args.trend.as_slice())),
    });
    super::export::write_output(Some(&args.output), &page)
}
