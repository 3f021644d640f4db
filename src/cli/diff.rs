//! `shipdate diff OLD NEW`: what changed between two versions of a plan and what each change
//! did to each release (SPEC section 8).

use std::fmt::Write as _;

use clap::{Args, ValueEnum};
use shipdate_engine::diff::{self, Change, Diff, ReleaseDiff, ReleaseNumbers};
use shipdate_engine::simulate::{
    Options, PriorityOrder, Sampling, DEFAULT_ITERATIONS, DEFAULT_SEED,
};
use shipdate_engine::view::percent;

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
        DiffFormat::Table => table(&d, &args.old, &args.new),
        DiffFormat::Markdown => markdown(&d, &args.old),
    };
    super::emit(&text)
}

fn kind_word(c: &Change) -> String {
    serde_json::to_value(c.kind)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

/// A P80 as the tables show it: its date in dated plans, else the time.
fn p80_text(n: &ReleaseNumbers) -> String {
    n.p80_date
        .map_or_else(|| format!("{:.1}", n.p80), |d| d.to_string())
}

fn odds_text(n: &ReleaseNumbers) -> String {
    n.on_time_probability.map_or_else(|| "-".into(), percent)
}

fn signed(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        format!("{x:+.2}")
    } else {
        format!("{r:+.1}")
    }
}

fn table(d: &Diff, old: &str, new: &str) -> String {
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
                kind_word(c),
                c.subject.clone(),
                c.old.clone(),
                c.new.clone(),
            ]);
        }
        out.push_str(&t.render());
    }
    out.push('\n');
    let mut t = Table::new(&[
        ("release", Align::Left),
        ("P80 old", Align::Left),
        ("P80 new", Align::Left),
        ("move (working days)", Align::Right),
        ("on time old", Align::Right),
        ("on time new", Align::Right),
    ]);
    for r in &d.releases {
        t.row(vec![
            r.id.clone(),
            r.old.as_ref().map_or("(new)".into(), p80_text),
            r.new.as_ref().map_or("(removed)".into(), p80_text),
            r.p80_change.map_or("-".into(), signed),
            r.old.as_ref().map_or("-".into(), odds_text),
            r.new.as_ref().map_or("-".into(), odds_text),
        ]);
    }
    out.push_str(&t.render());
    out.push_str("\nWhy (each change applied in turn, same random numbers; the parts add up):\n");
    for r in &d.releases {
        if r.p80_change.is_some() {
            let _ = writeln!(out, "  {}: {}", r.id, reasons(d, r, usize::MAX));
        }
    }
    out
}

/// The parts of a release's P80 change, largest first (at most `top`).
fn reasons(d: &Diff, r: &ReleaseDiff, top: usize) -> String {
    let mut parts: Vec<_> = r.attribution.iter().collect();
    if parts.is_empty() {
        return "no change moved its P80".into();
    }
    parts.sort_by(|a, b| b.p80_change.abs().total_cmp(&a.p80_change.abs()));
    parts
        .iter()
        .take(top)
        .map(|p| {
            let mut names = vec![describe(&d.changes[p.change - 1])];
            names.extend(p.with.iter().map(|&w| describe(&d.changes[w - 1])));
            format!("{} ({})", names.join(" with "), signed(p.p80_change))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A change in a few words: of values written as comma-separated parts, only the parts that
/// differ (`probability 0.3 -> probability 0.5`, not the whole risk).
fn describe(c: &Change) -> String {
    let what = format!("#{} {} {}", c.id, kind_word(c), c.subject);
    if c.old.is_empty() || c.new.is_empty() {
        return what;
    }
    let (o, n): (Vec<&str>, Vec<&str>) = (c.old.split(", ").collect(), c.new.split(", ").collect());
    let (o, n) = if o.len() == n.len() {
        let pairs: Vec<(&str, &str)> = o.into_iter().zip(n).filter(|(a, b)| a != b).collect();
        (
            pairs.iter().map(|p| p.0).collect::<Vec<_>>().join(", "),
            pairs.iter().map(|p| p.1).collect::<Vec<_>>().join(", "),
        )
    } else {
        (c.old.clone(), c.new.clone())
    };
    format!("{what}: {o} -> {n}")
}

fn markdown(d: &Diff, old: &str) -> String {
    let mut out = String::new();
    for r in &d.releases {
        let Some(n) = &r.new else {
            let _ = writeln!(out, "- **{}**: removed since {old}.", r.id);
            continue;
        };
        let _ = write!(out, "- **{}**: P80 {}", r.id, p80_text(n));
        match (r.p80_change, &r.old) {
            (Some(c), Some(o)) => {
                let _ = write!(out, " ({} working days since {old})", signed(c));
                if let (Some(a), Some(b)) = (o.on_time_probability, n.on_time_probability) {
                    let _ = write!(out, ", {} on time (was {})", percent(b), percent(a));
                }
                let _ = writeln!(out, ".");
                if !r.attribution.is_empty() {
                    let _ = writeln!(out, "  Why: {}.", reasons(d, r, 3));
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
