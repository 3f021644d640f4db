//! `shipdate compare`: the base plan and every scenario simulated side by side with the same
//! seed (SPEC section 7).

use clap::{Args, ValueEnum};
use serde::Serialize;
use shipdate_engine::simulate::{Simulation, DEFAULT_ITERATIONS, DEFAULT_SEED};
use shipdate_engine::view::{self, odds, CompareRow};

use super::simulate::SamplingArg;
use super::table::{Align, Table};

/// Output formats of `shipdate compare`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareFormat {
    /// Aligned columns for the terminal.
    Table,
    /// JSON: `{ "base": SIM, "scenarios": [ { "id", "result": SIM } ] }`.
    Json,
    /// A Markdown table to paste into a page or a chat.
    Markdown,
}

/// Arguments of `shipdate compare`.
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// The plan file, with `[[scenarios]]` (.toml, .json, or - for standard input).
    pub plan: String,
    /// Number of iterations.
    #[arg(short = 'n', long = "iterations", default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: usize,
    /// Random seed, the same for the base plan and every scenario (common random numbers).
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,
}

/// `compare --format json`.
#[derive(Serialize)]
struct Json<'a> {
    base: &'a Simulation,
    scenarios: Vec<Variant<'a>>,
}

#[derive(Serialize)]
struct Variant<'a> {
    id: &'a str,
    result: &'a Simulation,
}

/// Runs the command.
pub fn run(args: &CompareArgs) -> anyhow::Result<()> {
    let options = super::simulate::options(
        args.iterations,
        args.seed,
        args.threads,
        args.ignore_capacity,
        args.sampling,
    )?;
    let plan = super::load_plan(&args.plan)?;
    let base = super::simulate::run_simulation(&plan, &options)?;
    let mut results = Vec::new();
    for sc in &plan.scenarios {
        let variant = super::load_variant_of(&plan, &args.plan, &sc.id)?;
        results.push((
            sc.id.as_str(),
            super::simulate::run_simulation(&variant, &options)?,
        ));
    }
    let text = match args.format {
        CompareFormat::Json => {
            let json = Json {
                base: &base,
                scenarios: results
                    .iter()
                    .map(|(id, result)| Variant { id, result })
                    .collect(),
            };
            serde_json::to_string_pretty(&json)? + "\n"
        }
        CompareFormat::Table | CompareFormat::Markdown => {
            let sims: Vec<&Simulation> = results.iter().map(|(_, s)| s).collect();
            let rows = view::compare_rows(&base, &sims);
            let ids: Vec<&str> = results.iter().map(|(id, _)| *id).collect();
            let heading = format!(
                "{}: the base plan and {} scenario(s), {} simulated futures each, seed {}\n",
                plan.name,
                ids.len(),
                base.iterations,
                base.seed
            );
            if args.format == CompareFormat::Table {
                format!("{heading}\n{}", table(&ids, &rows))
            } else {
                format!("**{}**\n\n{}", heading.trim_end(), markdown(&ids, &rows))
            }
        }
    };
    super::emit(&text)
}

/// The header cells: release, then P50, P80 and on-time odds of the base and each scenario.
fn header(ids: &[&str]) -> Vec<String> {
    let mut h = vec!["release".to_string()];
    for v in std::iter::once("base").chain(ids.iter().copied()) {
        h.extend(["P50", "P80", "on time"].map(|c| format!("{v} {c}")));
    }
    h
}

/// One row's cells, as [`header`] orders them.
fn cells(r: &CompareRow) -> Vec<String> {
    let mut row = vec![r.id.clone()];
    for c in std::iter::once(Some(&r.base)).chain(r.scenarios.iter().map(Option::as_ref)) {
        match c {
            Some(c) => row.extend([
                c.p50.clone(),
                c.p80.clone(),
                c.on_time.map(odds).unwrap_or_else(|| "-".into()),
            ]),
            None => row.extend(["-", "-", "-"].map(String::from)),
        }
    }
    row
}

fn table(ids: &[&str], rows: &[CompareRow]) -> String {
    let header = header(ids);
    let columns: Vec<(&str, Align)> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), if i == 0 { Align::Left } else { Align::Right }))
        .collect();
    let mut t = Table::new(&columns);
    for r in rows {
        t.row(cells(r));
    }
    t.render()
}

fn markdown(ids: &[&str], rows: &[CompareRow]) -> String {
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    let header = header(ids);
    let mut out = line(&header);
    let rule: Vec<String> = (0..header.len())
        .map(|i| if i == 0 { "---".into() } else { "---:".into() })
        .collect();
    out.push_str(&line(&rule));
    for r in rows {
        out.push_str(&line(&cells(r)));
    }
    out
}
