//! `shipdate windows`: release scope and window planning.

use clap::{Args, ValueEnum};
use shipdate_engine::model::Plan;
use shipdate_engine::optimize::{self, WindowsOptions, WindowsReport, DEFAULT_TIME_LIMIT};
use shipdate_engine::view::{self, number, when};

use super::table::{Align, Table};

/// Output formats of `shipdate windows`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowsFormat {
    /// Tables for people: releases, load per team and window, overload.
    Table,
    /// JSON (SPEC section 5).
    Json,
}

/// Arguments of `shipdate windows`.
#[derive(Args, Debug)]
pub struct WindowsArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
    /// Apply this scenario of the plan (`[[scenarios]]`, SPEC section 7) first.
    #[arg(long, value_name = "ID")]
    pub scenario: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = WindowsFormat::Table)]
    pub format: WindowsFormat,
    /// Seconds of solver time before the best plan found so far is returned, with its gap.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIME_LIMIT)]
    pub time_limit: f64,
}

/// Runs the command.
pub fn run(args: &WindowsArgs) -> anyhow::Result<()> {
    if !(args.time_limit >= 0.0 && args.time_limit.is_finite()) {
        anyhow::bail!("--time-limit must be a number of seconds, 0 or more");
    }
    let plan = super::load_variant(&args.plan, args.scenario.as_deref())?;
    let options = WindowsOptions {
        time_limit: Some(args.time_limit),
    };
    let report = optimize::plan_windows(&plan, &options).map_err(|e| {
        let diagnostics = e.diagnostics(&plan);
        if diagnostics.is_empty() {
            anyhow::Error::new(e)
        } else {
            anyhow::Error::new(super::PlanError {
                what: "plan",
                file: args.plan.clone(),
                diagnostics,
            })
        }
    })?;
    let text = match args.format {
        WindowsFormat::Table => table(&plan, &report),
        WindowsFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    super::emit(&text)
}

/// A text bar of `work` against `capacity`, `width` characters for a full bucket; work above
/// the bucket's own capacity (done earlier, on capacity carried forward) shows as `+`.
fn bar(work: f64, capacity: f64, width: usize) -> String {
    if capacity <= 0.0 {
        return if work > 0.0 {
            "+".repeat(width.min(((work).ceil() as usize).max(1)))
        } else {
            String::new()
        };
    }
    let filled = ((work / capacity).min(1.0) * width as f64).round() as usize;
    let mut s = "#".repeat(filled) + &".".repeat(width - filled);
    if work > capacity {
        let over = (((work - capacity) / capacity) * width as f64).ceil() as usize;
        s.push_str(&"+".repeat(over.clamp(1, width)));
    }
    s
}

/// The tables a release manager reads: where each release ships and what is cut, how loaded
/// each team is per window, and what capacity is missing when the work does not fit.
pub fn table(plan: &Plan, r: &WindowsReport) -> String {
    let mut out = format!(
        "{}: {} window{}, {} release{}; {}\n\n",
        plan.name,
        r.windows.len(),
        if r.windows.len() == 1 { "" } else { "s" },
        r.releases.len(),
        if r.releases.len() == 1 { "" } else { "s" },
        status(r),
    );
    out.push_str(&releases(r));
    out.push_str(&left_out(r));
    if !r.load.is_empty() {
        out.push('\n');
        out.push_str(&load(r));
    }
    if !r.overload.is_empty() {
        out.push_str(
            "\nThe required work does not fit. The smallest extra capacity that would make every release schedulable:\n",
        );
        for o in &r.overload {
            out.push_str(&format!("  {}\n", o.message));
        }
    }
    out
}

/// Whether the plan is proven optimal, or where the solver stopped.
fn status(r: &WindowsReport) -> String {
    if r.status.optimal && r.status.solves == 0 {
        "proven optimal (the starting plan already meets every bound)".to_string()
    } else if r.status.optimal {
        format!(
            "proven optimal ({} MIP{})",
            r.status.solves,
            if r.status.solves == 1 { "" } else { "s" }
        )
    } else {
        let level = r.status.stopped_at.as_deref().unwrap_or("the search");
        match r.status.gap {
            Some(g) => format!(
                "time limit reached while optimising {level}: best plan found, within {}% of the bound",
                number(g * 100.0)
            ),
            None => format!(
                "time limit reached while optimising {level}: best plan found, no bound yet"
            ),
        }
    }
}

/// Each release: its window, target, status and the tasks cut from it.
fn releases(r: &WindowsReport) -> String {
    let mut t = Table::new(&[
        ("release", Align::Left),
        ("window", Align::Right),
        ("#", Align::Right),
        ("target", Align::Right),
        ("status", Align::Left),
        ("cut", Align::Left),
    ]);
    for rel in &r.releases {
        let status = if let Some(d) = rel.deployed {
            view::deployed(d)
        } else if rel.unscheduled {
            if rel.unplaced.is_empty() {
                "unscheduled (no window fits)".to_string()
            } else {
                format!("unscheduled: {} cannot be placed", rel.unplaced.join(", "))
            }
        } else if rel.on_time {
            "on time".to_string()
        } else {
            "late".to_string()
        };
        t.row(vec![
            rel.id.clone(),
            rel.window.map_or("-".into(), when),
            rel.window_number.map_or("-".into(), |n| n.to_string()),
            rel.target.map_or("-".into(), when),
            status,
            rel.cut.join(", "),
        ]);
    }
    t.render()
}

/// The tasks cut or not placed that no release needs (empty when there are none).
fn left_out(r: &WindowsReport) -> String {
    let in_release: Vec<&str> = r
        .releases
        .iter()
        .flat_map(|rel| rel.cut.iter().chain(&rel.unplaced).map(String::as_str))
        .collect();
    let other: Vec<&str> = r
        .tasks
        .iter()
        .filter(|t| (t.cut || t.unplaced) && !in_release.contains(&t.id.as_str()))
        .map(|t| t.id.as_str())
        .collect();
    if other.is_empty() {
        String::new()
    } else {
        format!(
            "\nalso left out (no release needs them): {}\n",
            other.join(", ")
        )
    }
}

/// Each team's work against its capacity per window, up to the last window anything ships in.
fn load(r: &WindowsReport) -> String {
    let mut t = Table::new(&[
        ("team", Align::Left),
        ("window", Align::Right),
        ("work", Align::Right),
        ("capacity", Align::Right),
        ("spare", Align::Right),
        ("load", Align::Left),
    ]);
    // Windows after the last one anything ships in only carry spare capacity: elided.
    let last_used = r
        .load
        .iter()
        .filter(|l| l.work > 0.0)
        .map(|l| l.window_number)
        .chain(r.releases.iter().filter_map(|rel| rel.window_number))
        .max()
        .unwrap_or(1);
    for l in r.load.iter().filter(|l| l.window_number <= last_used) {
        t.row(vec![
            l.team.clone(),
            when(l.window),
            number(l.work),
            number(l.capacity),
            number(l.cumulative_capacity - l.cumulative_work),
            bar(l.work, l.capacity, 20),
        ]);
    }
    let mut out = t.render();
    if last_used < r.windows.len() {
        out.push_str(&format!(
            "({} later window{} with nothing shipping not shown)\n",
            r.windows.len() - last_used,
            if r.windows.len() - last_used == 1 {
                ""
            } else {
                "s"
            }
        ));
    }
    out.push_str(
        "work: what ships in that window; capacity: the team's own in the time before it; \
         spare: capacity left over so far (carried forward); + marks work done earlier.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_scale_with_load() {
        assert_eq!(bar(5.0, 10.0, 10), "#####.....");
        assert_eq!(bar(0.0, 10.0, 4), "....");
        assert_eq!(bar(10.0, 10.0, 4), "####");
        assert_eq!(bar(15.0, 10.0, 4), "####++");
        assert_eq!(bar(0.0, 0.0, 4), "");
        assert_eq!(bar(2.0, 0.0, 4), "++");
    }
}
