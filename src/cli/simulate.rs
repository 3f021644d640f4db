//! `shipdate simulate`: Monte Carlo delay risk.

use std::fmt::Write as _;

use clap::{Args, ValueEnum};
use shipdate_engine::calendar::Timeline;
use shipdate_engine::model::Plan;
use shipdate_engine::simulate::{
    self, Options, PriorityOrder, Sampling, SimMode, Simulation, DEFAULT_ITERATIONS, DEFAULT_SEED,
};
use shipdate_engine::view::{self, number, odds, Ranking};

use super::table::{Align, Table};

/// Output formats of `shipdate simulate`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimulateFormat {
    /// A report for people.
    Table,
    /// JSON (SPEC section 4, plus standard errors and risk effects).
    Json,
}

/// How the random inputs are drawn.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SamplingArg {
    /// Plain Monte Carlo.
    Mc,
    /// Latin hypercube (stratified within each batch of 128 iterations).
    Lhs,
}

/// Arguments of `shipdate simulate`.
#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
    /// Apply this scenario of the plan (`[[scenarios]]`, SPEC section 7) first.
    #[arg(long, value_name = "ID")]
    pub scenario: Option<String>,
    /// Number of iterations.
    #[arg(short = 'n', long = "iterations", default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: usize,
    /// Random seed: the same seed gives the same numbers on every run, thread count and
    /// platform.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: one per core; at most 256). Does not change the results.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Critical-path simulation: ignore team capacity (links, lags and calendars still hold).
    #[arg(long)]
    pub ignore_capacity: bool,
    /// Sampling: plain Monte Carlo or Latin hypercube.
    #[arg(long, value_enum, default_value_t = SamplingArg::Mc)]
    pub sampling: SamplingArg,
    /// Skip measuring how much each risk moves the P80 (a re-timing of the iterations in
    /// which it fires that can move a P80): the other numbers are the same, sooner on large
    /// plans.
    #[arg(long)]
    pub no_risk_effects: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimulateFormat::Table)]
    pub format: SimulateFormat,
}

/// Task-iterations above which a progress bar is worth showing (resource-aware mode; the
/// critical-path mode is about 50 times faster).
const LONG_RUN: usize = 3_000_000;

/// The most worker threads `--threads` may ask for: more only adds start-up time and memory
/// (each thread keeps its own scratch space), and a huge count would not finish starting.
pub const MAX_THREADS: usize = 256;

/// Runs the command.
pub fn run(args: &SimulateArgs) -> anyhow::Result<()> {
    let options = Options {
        risk_effects: !args.no_risk_effects,
        ..options(
            args.iterations,
            args.seed,
            args.threads,
            args.ignore_capacity,
            args.sampling,
        )?
    };
    let plan = super::load_variant(&args.plan, args.scenario.as_deref())?;
    let sim = run_simulation(&plan, &options)?;
    let text = match args.format {
        SimulateFormat::Json => json(&sim)?,
        SimulateFormat::Table => table(&plan, &sim, &args.plan),
    };
    super::emit(&text)
}

/// The simulation options of the flags `simulate` (and `compare`) take, checked.
pub fn options(
    iterations: usize,
    seed: u64,
    threads: Option<usize>,
    ignore_capacity: bool,
    sampling: SamplingArg,
) -> anyhow::Result<Options> {
    if iterations == 0 {
        anyhow::bail!("--iterations must be at least 1");
    }
    if threads == Some(0) {
        anyhow::bail!("--threads must be at least 1");
    }
    if let Some(t) = threads.filter(|&t| t > MAX_THREADS) {
        anyhow::bail!(
            "--threads {t} is more than {MAX_THREADS}, the most shipdate starts (the results are the same on any thread count)"
        );
    }
    Ok(Options {
        iterations,
        seed,
        sampling: match sampling {
            SamplingArg::Mc => Sampling::MonteCarlo,
            SamplingArg::Lhs => Sampling::LatinHypercube,
        },
        ignore_capacity,
        risk_effects: true,
        threads,
        order: PriorityOrder::Schedule,
    })
}

/// Simulates a plan, with a progress bar on a terminal when the run is long.
pub fn run_simulation(plan: &Plan, options: &Options) -> anyhow::Result<Simulation> {
    let work = options.iterations.saturating_mul(plan.tasks.len().max(1))
        / if options.ignore_capacity { 50 } else { 1 };
    Ok(if work >= LONG_RUN && super::stderr_is_terminal() {
        if !options.ignore_capacity && options.risk_effects && !plan.risks.is_empty() {
            eprintln!(
                "note: measuring each risk's effect on the P80 re-times the futures near the P80 \
                 it fires in, a large part of a resource-aware run; --no-risk-effects skips it"
            );
        }
        let bar = indicatif::ProgressBar::new(options.iterations as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "simulating {bar:40} {pos}/{len} iterations, {eta} left",
            )
            .expect("a valid template"),
        );
        let result =
            simulate::simulate_with_progress(plan, options, &|done| bar.set_position(done as u64));
        bar.finish_and_clear();
        result?
    } else {
        simulate::simulate(plan, options)?
    })
}

/// The JSON `simulate --format json` prints (SPEC section 4).
pub fn json(sim: &Simulation) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(sim)? + "\n")
}

/// A horizontal bar of `frac` of `width` characters, in eighths.
fn bar(frac: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (frac.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        s.push(PARTS[eighths % 8]);
    }
    s
}

/// The report a release manager reads: when each release ships at what odds, which windows,
/// what drives the finish, and the shape of the finish distribution.
pub fn table(plan: &Plan, sim: &Simulation, path: &str) -> String {
    let mut out = String::new();
    heading(&mut out, plan, sim);
    finish(&mut out, sim);
    if !sim.releases.is_empty() {
        releases(&mut out, sim);
        windows(&mut out, sim);
    }
    task_drivers(&mut out, plan, sim);
    risk_drivers(&mut out, sim);
    histogram(&mut out, plan, sim);
    footer(&mut out, sim, path);
    out
}

/// What was simulated: the plan, the iterations, the mode and the seed.
fn heading(out: &mut String, plan: &Plan, sim: &Simulation) {
    let mode = match sim.mode {
        SimMode::ResourceAware => "re-scheduled under team capacity in every iteration",
        SimMode::CriticalPath => "critical path only, team capacity ignored",
    };
    let sampling = match sim.sampling {
        Sampling::MonteCarlo => "",
        Sampling::LatinHypercube => ", Latin hypercube sampling",
    };
    let name = match view::as_of(sim.status_date) {
        Some(as_of) => format!("{} {as_of}", plan.name),
        None => plan.name.clone(),
    };
    let _ = writeln!(
        out,
        "{name}: {} simulated futures ({mode}{sampling}), seed {}",
        sim.iterations, sim.seed
    );
    let _ = writeln!(out);
}

/// The project's finish: P50, P80 and P95 (dates and times in dated plans).
fn finish(out: &mut String, sim: &Simulation) {
    let unit = view::time_unit(sim.start_date.is_some());
    let f = view::finish(sim);
    match &sim.finish_date {
        Some(_) => {
            let _ = writeln!(
                out,
                "All work done by:  50% likely {}   80% likely {}   95% likely {}",
                f.p50.text(),
                f.p80.text(),
                f.p95.text()
            );
            let _ = writeln!(
                out,
                "                   (P50 {} / P80 {} / P95 {} {unit} from {}; mean {})",
                number(f.p50.time),
                number(f.p80.time),
                number(f.p95.time),
                sim.start_date.map(|d| d.to_string()).unwrap_or_default(),
                number(f.mean),
            );
        }
        None => {
            let _ = writeln!(
                out,
                "All work done by:  50% likely {}   80% likely {}   95% likely {} {unit} (mean {})",
                number(f.p50.time),
                number(f.p80.time),
                number(f.p95.time),
                number(f.mean)
            );
        }
    }
}

/// Each release's deploy percentiles and odds of making its target.
fn releases(out: &mut String, sim: &Simulation) {
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Releases: when each deploys, and the odds of making its target"
    );
    let mut t = Table::new(&[
        ("release", Align::Left),
        ("target", Align::Left),
        ("on time", Align::Right),
        ("50% by", Align::Right),
        ("80% by", Align::Right),
        ("95% by", Align::Right),
        ("no window left", Align::Right),
    ]);
    for r in sim.releases.iter().map(view::release_odds) {
        t.row(vec![
            r.id,
            r.target.unwrap_or_else(|| "-".into()),
            r.on_time.map(odds).unwrap_or_else(|| "-".into()),
            r.p50,
            r.p80,
            r.p95,
            odds(r.unscheduled),
        ]);
    }
    out.push_str(&t.render());
}

/// Each release's odds per deploy window, with the cumulative odds and a bar.
fn windows(out: &mut String, sim: &Simulation) {
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Deploy window odds (chance of shipping in each window; cumulative)"
    );
    for r in &sim.releases {
        if r.windows.is_empty() {
            let how = if r.deploy_date.is_some() || r.deploy.is_some() {
                "no deploy windows: ships the day it is ready"
            } else {
                "no deploy windows"
            };
            let _ = writeln!(out, "  {}: {how}", r.id);
            continue;
        }
        let _ = writeln!(out, "  {}:", r.id);
        let rows = view::window_rows(r);
        let hidden = rows.iter().filter(|w| w.probability < 0.005).count();
        for w in rows.iter().filter(|w| w.probability >= 0.005) {
            let _ = writeln!(
                out,
                "    {:>10}  {:>4}  {:>4}  {}{}",
                w.label,
                odds(w.probability),
                odds(w.cumulative),
                bar(w.probability, 30),
                if w.late { "  (late)" } else { "" }
            );
        }
        if hidden > 0 {
            let (what, each) = if hidden == 1 {
                ("window", "")
            } else {
                ("windows", " each")
            };
            let _ = writeln!(out, "    ({hidden} more {what} under 1%{each})");
        }
        if r.unscheduled_probability > 0.0 {
            let _ = writeln!(
                out,
                "    {:>10}  {:>4}        no open window left",
                "none",
                odds(r.unscheduled_probability)
            );
        }
    }
}

/// Tasks whose duration varies, by how closely it tracks the finish.
fn task_drivers(out: &mut String, plan: &Plan, sim: &Simulation) {
    let drivers = view::task_drivers(plan, sim, Ranking::Sensitivity, view::CLI_DRIVERS);
    if drivers.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Top task drivers (critical: share of futures in which the task is on the critical \
         path; sensitivity: how closely its duration tracks the finish, -1 to 1)"
    );
    let mut t = Table::new(&[
        ("task", Align::Left),
        ("name", Align::Left),
        ("critical", Align::Right),
        ("sensitivity", Align::Right),
    ]);
    for d in drivers {
        t.row(vec![
            d.id,
            d.name.unwrap_or_default(),
            odds(d.criticality),
            view::correlation(d.sensitivity),
        ]);
    }
    out.push_str(&t.render());
}

/// Risks by how much each moves the 80%-likely finish, overall and per release.
fn risk_drivers(out: &mut String, sim: &Simulation) {
    if sim.risks.is_empty() {
        return;
    }
    let unit = view::time_unit(sim.start_date.is_some());
    let _ = writeln!(out);
    if sim.risks.iter().all(|r| r.p80_effect.is_none()) {
        let _ = writeln!(
            out,
            "Risks (how often each fires; how much each moves the P80 was not measured: \
             --no-risk-effects)"
        );
        let mut t = Table::new(&[("risk", Align::Left), ("fires", Align::Right)]);
        for r in &sim.risks {
            t.row(vec![r.id.clone(), odds(r.fired)]);
        }
        out.push_str(&t.render());
        return;
    }
    let _ = writeln!(
        out,
        "Risk drivers (how much each risk moves the 80%-likely finish: same futures, with \
         and without it)"
    );
    let mut header = vec![
        ("risk", Align::Left),
        ("fires", Align::Right),
        ("moves P80 finish", Align::Right),
    ];
    let rel_cols: Vec<String> = sim
        .releases
        .iter()
        .map(|r| format!("P80 {}", r.id))
        .collect();
    for c in &rel_cols {
        header.push((c.as_str(), Align::Right));
    }
    let mut t = Table::new(&header);
    let days = |x: f64| {
        if x.abs() < 0.05 {
            "0".to_string()
        } else {
            format!("{x:+.1}")
        }
    };
    for k in view::risk_drivers(sim) {
        let r = &sim.risks[k];
        let mut row = vec![
            r.id.clone(),
            odds(r.fired),
            r.p80_effect
                .map(|x| format!("{} {unit}", days(x)))
                .unwrap_or_default(),
        ];
        row.extend(r.releases.iter().map(|e| days(e.p80_effect)));
        t.row(row);
    }
    out.push_str(&t.render());
}

/// The histogram of the finish, from the first bin holding 0.1% of the futures to the one
/// reaching 99.9%, with the cumulative share and the P50, P80 and P95 rows marked.
fn histogram(out: &mut String, plan: &Plan, sim: &Simulation) {
    let dated = sim.start_date.is_some();
    let timeline = Timeline::new(plan);
    let h = &sim.histogram;
    let total: u64 = h.counts.iter().sum();
    let peak = h.counts.iter().copied().max().unwrap_or(1).max(1);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "When all work is done ({} {} per row; cumulative share on the right)",
        number(h.width),
        view::time_unit(dated)
    );
    let label = |x: f64| -> String {
        if dated {
            timeline
                .date_of_day(x.floor() as i64)
                .map(|d| d.to_string())
                .unwrap_or_else(|| number(x))
        } else {
            number(x)
        }
    };
    let mut cum = 0u64;
    let mut marks = vec![(0.5, "P50"), (0.8, "P80"), (0.95, "P95")]
        .into_iter()
        .peekable();
    let first = h
        .counts
        .iter()
        .scan(0u64, |c, &x| {
            *c += x;
            Some(*c)
        })
        .position(|c| c as f64 >= 0.001 * total as f64)
        .unwrap_or(0);
    for (k, &c) in h.counts.iter().enumerate() {
        cum += c;
        if k < first {
            continue;
        }
        let lo = h.from + k as f64 * h.width;
        let share = cum as f64 / total.max(1) as f64;
        let mut mark = String::new();
        while let Some(&(p, name)) = marks.peek() {
            if share + 1e-12 >= p {
                if !mark.is_empty() {
                    mark.push(' ');
                }
                mark.push_str(name);
                marks.next();
            } else {
                break;
            }
        }
        let line = format!(
            "  {:>10}  {:<40}  {:>4}  {}",
            label(lo),
            bar(c as f64 / peak as f64, 40),
            odds(share),
            mark
        );
        let _ = writeln!(out, "{}", line.trim_end());
        if share >= 0.999 && cum < total {
            let last = h.counts.iter().rposition(|&x| x > 0).unwrap_or(k);
            let _ = writeln!(
                out,
                "  {:>10}  the latest of all futures",
                label(h.from + last as f64 * h.width)
            );
            break;
        }
    }
}

/// How exact the odds are, the engine's notes, and how to get the same numbers again.
fn footer(out: &mut String, sim: &Simulation, path: &str) {
    let _ = writeln!(out);
    let worst_se = sim
        .releases
        .iter()
        .flat_map(|r| {
            r.on_time_se
                .into_iter()
                .chain(r.windows.iter().map(|w| w.se))
        })
        .fold(0.0f64, f64::max);
    if worst_se > 0.0 {
        let _ = writeln!(
            out,
            "Odds are estimates: each is within about {} percentage point(s) of the exact value \
             (two standard errors).",
            number((2.0 * worst_se * 100.0 * 10.0).ceil() / 10.0)
        );
    }
    for w in &sim.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    let _ = writeln!(
        out,
        "Same numbers again: shipdate simulate {path} -n {} --seed {}{}{}",
        sim.iterations,
        sim.seed,
        if sim.mode == SimMode::CriticalPath {
            " --ignore-capacity"
        } else {
            ""
        },
        if sim.sampling == Sampling::LatinHypercube {
            " --sampling lhs"
        } else {
            ""
        }
    );
}
