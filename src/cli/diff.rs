//! `shipdate diff OLD NEW`: what changed between two versions of a plan and what each change
//! did to each release (SPEC section 8).

use std::fmt::Write as _;

use clap::{Args, ValueEnum};
use shipdate_engine::diff::{self, Diff};
use shipdate_engine::simulate::{
    Options, PriorityOrder, Sampling, DEFAULT_ITERATIONS, DEFAULT_SEED,
};
use shipdate_engine::view::{self, change_word, percent, DiffCell};

use super::table::{Align, Table};

/// Output formats of `shipdate diff`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffFormat {
    /// The changes, each release's numbers and the attribution.
    Table,
    /// JSON (SPEC section 8).
    Json,
    /// A short status note to paste into a chat or a wiki page.
    Markdown,
}

/// Arguments of `shipdate diff`.
#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The old version of the plan.
    pub old: String,
    /// The new version of the plan.
    pub new: String,
    /// Iterations of each simulation.
    #[arg(short = 'n', long = "iterations", default_value_t = DEFAULT_ITERATIONS)]
    pub iterations: usize,
    /// Random seed (the same for every version: the differences are the changes' effects).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Critical-path simulation: ignore team capacity.
    #[arg(long)]
    pub ignore_capacity: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
}

/// Runs the command.
pub fn run(args: &DiffArgs) -> anyhow::Result<()> {
    if args.iterations == 0 {
        anyhow::bail!("--iterations must be at least 1");
    }
    // Both files are read before either is reported, so that every error shows in one run.
    let (old, new) = (super::load_plan(&args.old), super::load_plan(&args.new));
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
        (Err(e), Err(f)) => {
            super::report_error(&e);
            return Err(f);
        }
    };
    let options = Options {
        iterations: args.iterations,
        seed: args.seed,
        sampling: Sampling::MonteCarlo,
        ignore_capacity: args.ignore_capacity,
        risk_effects: false,
        threads: None,
        order: PriorityOrder::Schedule,
    };
    let d = diff::diff(&old, &new, &options)?;
    let text = match args.format {
        DiffFormat::Json => serde_json::to_string_pretty(&d)? + "\n",
        DiffFormat::Table => table(&d, &args.old, &args.new, view::time_unit(new.is_dated())),
        DiffFormat::Markdown => markdown(&d, &args.old, view::time_unit(new.is_dated())),
    };
    super::emit(&text)
}

/// `unit`: what the P80 moves are counted in ([`view::time_unit`]).
fn table(d: &Diff, old: &str, new: &str, unit: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{old} -> {new}: {} change(s) (each version simulated with seed {}, {} iterations)\n",
        d.changes.len(),
        d.seed,
        d.iterations
    );
    if d.changes.is_empty() {
        out.push_str("No changes.\n");
    } else {
        let mut t = Table::new(&[
            ("#", Align::Right),
            ("change", Align::Left),
            ("subject", Align::Left),
            ("old", Align::Left),
            ("new", Align::Left),
        ]);
        for c in &d.changes {
            t.row(vec![
                c.id.to_string(),
                change_word(c.kind).to_string(),
                c.subject.clone(),
                c.old.clone(),
                c.new.clone(),
            ]);
        }
        out.push_str(&t.render());
    }
    out.push('\n');
    let moved = format!("move ({unit})");
    let mut t = Table::new(&[
        ("release", Align::Left),
        ("P80 old", Align::Left),
        ("P80 new", Align::Left),
        (&moved, Align::Right),
        ("on time old", Align::Right),
        ("on time new", Align::Right),
    ]);
    let rows = view::diff_rows(d);
    for r in &rows {
        let cell = |c: &Option<DiffCell>, f: fn(&DiffCell) -> &String, none: &str| {
            c.as_ref().map_or(none.to_string(), |c| f(c).clone())
        };
        t.row(vec![
            r.id.clone(),
            cell(&r.old, |c| &c.p80, "(new)"),
            cell(&r.new, |c| &c.p80, "(removed)"),
            r.moved.clone(),
            cell(&r.old, |c| &c.on_time, "-"),
            cell(&r.new, |c| &c.on_time, "-"),
        ]);
    }
    out.push_str(&t.render());
    out.push_str("\nWhy (each change applied in turn, same random numbers; the parts add up):\n");
    for r in &rows {
        if let Some(why) = &r.why {
            let _ = writeln!(out, "  {}: {why}", r.id);
        }
    }
    out
}

fn markdown(d: &Diff, old: &str, unit: &str) -> String {
    let mut out = String::new();
    for r in &d.releases {
        let Some(n) = &r.new else {
            let _ = writeln!(out, "- **{}**: removed since {old}.", r.id);
            continue;
        };
        let _ = write!(out, "- **{}**: P80 {}", r.id, DiffCell::of(n).p80);
        match (r.p80_change, &r.old) {
            (Some(c), Some(o)) => {
                let _ = write!(out, " ({} {unit} since {old})", view::signed(c));
                if let (Some(a), Some(b)) = (o.on_time_probability, n.on_time_probability) {
                    let _ = write!(out, ", {} on time (was {})", percent(b), percent(a));
                }
                let _ = writeln!(out, ".");
                if !r.attribution.is_empty() {
                    let _ = writeln!(out, "  Why: {}.", view::diff_reasons(d, r, 3));
                }
            }
            _ => {
                if let Some(p) = n.on_time_probability {
                    let _ = write!(out, ", {} on time", percent(p));
                }
                let _ = writeln!(out, " (new since {old}).");
            }
        }
    }
    if d.releases.is_empty() {
        out.push_str("No releases.\n");
    }
    out
}
