//! What the Compare and Scenarios tabs show, as plain data: the diff of a saved version (or
//! an opened file) against the current plan, and the base plan beside each of its
//! `[[scenarios]]`.
//!
//! Both are computed by the engine exactly as the CLI computes them (`shipdate diff OLD NEW
//! --format json` and `shipdate compare`: the plans read with their scenarios checked, the
//! same options for the same seed and iterations) and written by its view model
//! ([`shipdate_engine::view`]), so the page reads like the CLI. They run in the web worker
//! ([`crate::analysis::Request::Diff`], [`crate::analysis::Request::Scenarios`]) and travel
//! to the page as JSON.

use serde::{Deserialize, Serialize};
use shipdate_engine::diff;
use shipdate_engine::io::Format;
use shipdate_engine::model::Plan;
use shipdate_engine::scenario;
use shipdate_engine::simulate::{self, Options, Simulation};
use shipdate_engine::view::{self, CompareCell, DiffCell};

use crate::state::DiagnosticRow;

/// One change between the two versions, written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRow {
    /// Its number, from 1, in the order applied.
    pub id: usize,
    /// Its kind in words ([`view::change_word`]).
    pub kind: String,
    /// The task, team, risk or release concerned.
    pub subject: String,
    /// The old value in words (empty for an addition).
    pub old: String,
    /// The new value (empty for a removal).
    pub new: String,
}

/// A release's numbers in one version, written, with the engine's numbers beside them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionCell {
    /// Ready P50, P80 and on-time odds as the CLI writes them ([`DiffCell`]).
    pub p50: String,
    /// Ready P80.
    pub p80: String,
    /// On-time odds, `-` without a target.
    pub on_time: String,
    /// The P80 ready time in working days (periods): `shipdate diff`'s JSON `p80`.
    pub p80_value: f64,
    /// The on-time probability: the JSON's `on_time_probability`.
    pub on_time_value: Option<f64>,
}

/// One part of a release's P80 move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartRow {
    /// The change (its number).
    pub change: usize,
    /// The change in words ([`view::describe_change`]).
    pub text: String,
    /// The move, signed ([`view::signed`]).
    pub moved: String,
    /// The move in working days (periods): the JSON's `attribution[].p80_change`.
    pub value: f64,
}

/// One release of the diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseRow {
    /// Release id.
    pub id: String,
    /// Its numbers in the old version (none for a new release).
    pub old: Option<VersionCell>,
    /// In the new version (none for a removed release).
    pub new: Option<VersionCell>,
    /// The P80 move, signed, or `-`.
    pub moved: String,
    /// The P80 move: the JSON's `p80_change`.
    pub moved_value: Option<f64>,
    /// Why it moved, in one line, as `shipdate diff`'s table writes it.
    pub why: Option<String>,
    /// The parts of the move, largest first.
    pub parts: Vec<PartRow>,
}

/// The diff of two versions, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffView {
    /// Iterations each version was simulated with.
    pub iterations: usize,
    /// The seed.
    pub seed: u64,
    /// `working days` or `periods` ([`view::time_unit`]).
    pub unit: String,
    /// The changes, in the order applied.
    pub changes: Vec<ChangeRow>,
    /// Every release of either version.
    pub releases: Vec<ReleaseRow>,
}

/// The options `shipdate diff` simulates every version with, for `iterations` and `seed`.
pub fn diff_options(iterations: usize, seed: u64) -> Options {
    Options {
        iterations,
        seed,
        risk_effects: false,
        ..Options::default()
    }
}

/// The options `shipdate compare` simulates the base plan and each scenario with.
pub fn compare_options(iterations: usize, seed: u64) -> Options {
    Options {
        iterations,
        seed,
        ..Options::default()
    }
}

/// A plan's text read as the CLI reads a file (its scenarios checked), or why not, naming
/// `which` plan and its first errors.
fn read(text: &str, which: &str) -> Result<Plan, String> {
    scenario::parse_str(text, Format::Toml).map_err(|diags| {
        let first: Vec<String> = diags
            .iter()
            .take(3)
            .map(|d| DiagnosticRow::of(d).text)
            .collect();
        format!(
            "the {which} has {} error(s): {}",
            diags.len(),
            first.join("; ")
        )
    })
}

fn version_cell(n: &diff::ReleaseNumbers) -> VersionCell {
    let c = DiffCell::of(n);
    VersionCell {
        p50: c.p50,
        p80: c.p80,
        on_time: c.on_time,
        p80_value: n.p80,
        on_time_value: n.on_time_probability,
    }
}

impl DiffView {
    /// The view of an engine diff of `new` (for the unit) against its old version.
    pub fn of(new: &Plan, d: &diff::Diff) -> Self {
        let changes = d
            .changes
            .iter()
            .map(|c| ChangeRow {
                id: c.id,
                kind: view::change_word(c.kind).to_string(),
                subject: c.subject.clone(),
                old: c.old.clone(),
                new: c.new.clone(),
            })
            .collect();
        let releases = d
            .releases
            .iter()
            .zip(view::diff_rows(d))
            .map(|(r, row)| ReleaseRow {
                id: row.id,
                old: r.old.as_ref().map(version_cell),
                new: r.new.as_ref().map(version_cell),
                moved: row.moved,
                moved_value: r.p80_change,
                why: row.why,
                parts: view::diff_parts(d, r)
                    .into_iter()
                    .map(|p| PartRow {
                        change: p.change,
                        moved: view::signed(p.p80_change),
                        text: p.text,
                        value: p.p80_change,
                    })
                    .collect(),
            })
            .collect();
        DiffView {
            iterations: d.iterations,
            seed: d.seed,
            unit: view::time_unit(new.is_dated()).to_string(),
            changes,
            releases,
        }
    }
}

/// `shipdate diff OLD NEW -n ITERATIONS --seed SEED` on two plan texts (TOML), as a view.
///
/// # Errors
///
/// Either plan's errors, or the engine's.
pub fn run_diff(old: &str, new: &str, iterations: usize, seed: u64) -> Result<DiffView, String> {
    let old = read(old, "old version")?;
    let new = read(new, "current plan")?;
    let d = diff::diff(&old, &new, &diff_options(iterations, seed)).map_err(|e| e.to_string())?;
    Ok(DiffView::of(&new, &d))
}

/// A release's numbers in one variant, written as `shipdate compare` writes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantCell {
    /// Deploy P50 ([`view::release_odds`]'s text).
    pub p50: String,
    /// Deploy P80.
    pub p80: String,
    /// On-time odds ([`view::odds`]), `-` without a target.
    pub on_time: String,
    /// The on-time probability: `compare --format json`'s `on_time_probability`.
    pub on_time_value: Option<f64>,
}

impl VariantCell {
    fn of(c: &CompareCell) -> Self {
        VariantCell {
            p50: c.p50.clone(),
            p80: c.p80.clone(),
            on_time: c.on_time.map_or_else(|| "-".into(), view::odds),
            on_time_value: c.on_time,
        }
    }
}

/// One release across the base plan and its scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantRow {
    /// Release id.
    pub id: String,
    /// The base plan's numbers, then each scenario's (none where it lacks the release).
    pub cells: Vec<Option<VariantCell>>,
}

/// A scenario's id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Its id.
    pub id: String,
    /// Its name, if it has one.
    pub name: Option<String>,
}

/// The base plan and every scenario side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenariosView {
    /// Iterations of each simulation.
    pub iterations: usize,
    /// The seed (the same for every variant).
    pub seed: u64,
    /// The scenarios, in the file's order (the base plan comes first in every row).
    pub scenarios: Vec<Variant>,
    /// Per release of the base plan ([`view::compare_rows`]).
    pub rows: Vec<VariantRow>,
}

/// `shipdate compare PLAN -n ITERATIONS --seed SEED` on a plan's text, as a view.
///
/// # Errors
///
/// The plan's errors (its scenarios' among them), or the engine's.
pub fn run_scenarios(text: &str, iterations: usize, seed: u64) -> Result<ScenariosView, String> {
    let plan = read(text, "plan")?;
    let options = compare_options(iterations, seed);
    let sim = |p: &Plan| simulate::simulate(p, &options).map_err(|e| e.to_string());
    let base = sim(&plan)?;
    let mut sims: Vec<Simulation> = Vec::with_capacity(plan.scenarios.len());
    for sc in &plan.scenarios {
        let variant = scenario::apply(&plan, &sc.id).map_err(|diags| {
            let first = diags.first().map(|d| DiagnosticRow::of(d).text);
            format!(
                "scenario `{}`: {}",
                sc.id,
                first.unwrap_or_else(|| "not valid".into())
            )
        })?;
        sims.push(sim(&variant)?);
    }
    let refs: Vec<&Simulation> = sims.iter().collect();
    let rows = view::compare_rows(&base, &refs)
        .into_iter()
        .map(|r| VariantRow {
            id: r.id,
            cells: std::iter::once(Some(&r.base))
                .chain(r.scenarios.iter().map(Option::as_ref))
                .map(|c| c.map(VariantCell::of))
                .collect(),
        })
        .collect();
    Ok(ScenariosView {
        iterations: base.iterations,
        seed: base.seed,
        scenarios: plan
            .scenarios
            .iter()
            .map(|s| Variant {
                id: s.id.clone(),
                name: s.name.clone(),
            })
            .collect(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdate_engine::io;

    const SCENARIOS: &str = include_str!("../../examples/scenarios.toml");

    fn parse(text: &str) -> Plan {
        scenario::parse_str(text, Format::Toml).unwrap()
    }

    #[test]
    fn the_diff_is_the_engines_with_the_clis_options() {
        let old = crate::state::EXAMPLE_PLAN;
        let new = old.replacen(
            "estimate = { low = 6, likely = 8, high = 14 }",
            "estimate = { low = 8, likely = 10, high = 18 }",
            1,
        );
        assert_ne!(
            new, old,
            "the example plan has the estimate this test edits"
        );
        let v = run_diff(old, &new, 400, 3).unwrap();
        let d = diff::diff(&parse(old), &parse(&new), &diff_options(400, 3)).unwrap();
        assert_eq!((v.iterations, v.seed), (400, 3));
        assert_eq!(v.changes.len(), 1);
        assert_eq!(v.changes[0].kind, "estimate");
        assert_eq!(v.releases.len(), d.releases.len());
        let mut moved = 0;
        for (row, r) in v.releases.iter().zip(&d.releases) {
            assert_eq!(row.moved_value, r.p80_change);
            let sum: f64 = row.parts.iter().map(|p| p.value).sum();
            if let Some(total) = r.p80_change {
                // One change owns the whole move.
                assert!(row.parts.len() <= 1);
                assert_eq!(sum, total);
                moved += usize::from(total != 0.0);
            }
            assert_eq!(
                row.old.as_ref().map(|c| c.p80_value),
                r.old.as_ref().map(|n| n.p80)
            );
        }
        assert!(moved > 0, "the re-estimate moves some release");
        // The old and new numbers are those of plain simulations of each version.
        let sim = simulate::simulate(&parse(&new), &diff_options(400, 3)).unwrap();
        for (row, rr) in v.releases.iter().zip(&sim.releases) {
            assert_eq!(row.new.as_ref().unwrap().p80_value, rr.ready.p80);
            assert_eq!(
                row.new.as_ref().unwrap().on_time_value,
                rr.on_time_probability
            );
        }
        // Through JSON and back, as between the worker and the page, to the bit.
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<DiffView>(&json).unwrap(), v);
    }

    #[test]
    fn a_broken_version_is_named() {
        let e = run_diff("[plan]\n", crate::state::EXAMPLE_PLAN, 10, 1).unwrap_err();
        assert!(e.starts_with("the old version has"), "{e}");
    }

    #[test]
    fn the_scenarios_view_is_compare_rows_of_each_variant() {
        let v = run_scenarios(SCENARIOS, 300, 5).unwrap();
        let plan = parse(SCENARIOS);
        let opts = compare_options(300, 5);
        let base = simulate::simulate(&plan, &opts).unwrap();
        let lean = simulate::simulate(&scenario::apply(&plan, "lean").unwrap(), &opts).unwrap();
        let ids: Vec<&str> = v.scenarios.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["contractor", "lean", "mitigated"]);
        assert_eq!(v.rows.len(), base.releases.len());
        let row = &v.rows[0];
        assert_eq!(row.cells.len(), 4);
        let base_cell = row.cells[0].as_ref().unwrap();
        let lean_cell = row.cells[2].as_ref().unwrap();
        let want = view::release_odds(&base.releases[0]);
        assert_eq!((&base_cell.p50, &base_cell.p80), (&want.p50, &want.p80));
        assert_eq!(base_cell.on_time_value, want.on_time);
        assert_eq!(
            lean_cell.on_time_value,
            lean.releases[0].on_time_probability
        );
        // The contractor finishes no later than the base plan, same random numbers.
        let contractor = row.cells[1].as_ref().unwrap();
        assert!(
            contractor.p80 <= base_cell.p80,
            "{contractor:?} {base_cell:?}"
        );
        // A plan without scenarios is its base column alone.
        let plain = run_scenarios(crate::state::EXAMPLE_PLAN, 100, 1).unwrap();
        assert!(plain.scenarios.is_empty());
        assert!(plain.rows.iter().all(|r| r.cells.len() == 1));
        assert!(io::parse_str(SCENARIOS, Format::Toml).is_ok());
    }
}
