//! `shipdate validate`: check a plan and print a one-screen summary.

use std::fmt::Write as _;

use clap::Args;
use shipdate_engine::model::{Estimate, Plan, When};

/// Arguments of `shipdate validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
    /// List every plan-quality warning (by default a kind with more than five is shown as its
    /// first warning and a count with the first few others).
    #[arg(long)]
    pub all_warnings: bool,
}

/// Runs the command.
pub fn run(args: &ValidateArgs) -> anyhow::Result<()> {
    let plan = super::load_plan(&args.plan)?;
    let warnings = shipdate_engine::lint::lint(&plan);
    for line in super::warnings::warning_lines(&warnings, &args.plan, args.all_warnings) {
        eprintln!("{line}");
    }
    super::emit(&summary(&plan, &args.plan))
}

fn when(w: &When) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::Period(p) => format!("period {p}"),
    }
}

/// The one-screen summary of a valid plan.
fn summary(plan: &Plan, file: &str) -> String {
    let mut s = String::new();
    let links: usize = plan.tasks.iter().map(|t| t.after.len()).sum();
    let uncertain = plan
        .tasks
        .iter()
        .filter(|t| t.items.is_none() && !matches!(t.estimate, Estimate::Fixed { .. }))
        .count();
    let sized = plan.tasks.iter().filter(|t| t.items.is_some()).count();
    let _ = writeln!(s, "{file}: ok");
    let _ = writeln!(s, "plan      {}", plan.name);
    match plan.start {
        Some(d) => {
            let cal = &plan.calendars[plan.default_calendar];
            let _ = writeln!(
                s,
                "start     {d} (working days, calendar `{}`, {} holidays)",
                cal.id,
                cal.holidays.len()
            );
        }
        None => {
            let _ = writeln!(s, "start     undated (time in periods from 0)");
        }
    }
    let _ = writeln!(
        s,
        "tasks     {} ({} with a range estimate{}), {} links",
        plan.tasks.len(),
        uncertain,
        if sized > 0 {
            format!(", {sized} item-sized")
        } else {
            String::new()
        },
        links
    );
    let _ = writeln!(
        s,
        "risks     {}, correlations {}",
        plan.risks.len(),
        plan.correlations.len()
    );
    if !plan.teams.is_empty() {
        let _ = writeln!(s, "teams");
        for (i, team) in plan.teams.iter().enumerate() {
            let work: f64 = plan
                .tasks
                .iter()
                .enumerate()
                .flat_map(|(j, t)| {
                    let point = plan.duration_point(j);
                    t.demands()
                        .filter(move |&(k, _)| k == i)
                        .map(move |(_, d)| point * f64::from(d))
                })
                .sum();
            let count = plan
                .tasks
                .iter()
                .filter(|t| t.demands().any(|(k, _)| k == i))
                .count();
            let _ = writeln!(
                s,
                "  {:<14} capacity {:>2}  {:>3} tasks  {:>7.1} days of work{}",
                team.id,
                team.capacity,
                count,
                work,
                if team.time_off.is_empty() {
                    String::new()
                } else {
                    format!("  {} time-off period(s)", team.time_off.len())
                }
            );
        }
    }
    if !plan.releases.is_empty() {
        let _ = writeln!(s, "releases");
        for r in &plan.releases {
            let target = r
                .target
                .as_ref()
                .map_or("no target".to_string(), |t| format!("target {}", when(t)));
            let rule = match (&r.cadence, r.windows.len()) {
                (Some(_), n) if n > 0 => format!("cadence + {n} windows"),
                (Some(_), _) => "cadence".to_string(),
                (None, 0) => "ships when ready".to_string(),
                (None, n) => format!("{n} windows"),
            };
            let freeze = if r.freeze.is_empty() {
                String::new()
            } else {
                format!(", {} freeze(s)", r.freeze.len())
            };
            let _ = writeln!(
                s,
                "  {:<14} {} tasks, {target}, {rule}{freeze}",
                r.id,
                r.tasks.len()
            );
        }
    }
    if !plan.scenarios.is_empty() {
        let _ = writeln!(s, "scenarios (shipdate compare, or --scenario ID)");
        for sc in &plan.scenarios {
            let fields: usize = sc.changes.iter().map(|c| c.fields.len()).sum();
            let name = sc
                .name
                .as_deref()
                .map(|n| format!("  {n}"))
                .unwrap_or_default();
            let _ = writeln!(s, "  {:<14} {fields} field(s) replaced{name}", sc.id);
        }
    }
    s
}
