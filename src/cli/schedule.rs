//! `shipdate schedule`: the resource-feasible deterministic schedule.

use clap::{Args, ValueEnum};
use shipdate_engine::dispatch::{self, Method};
use shipdate_engine::leveling::exact::ExactOptions;
use shipdate_engine::leveling::Options;
use shipdate_engine::model::Plan;
use shipdate_engine::report;
use shipdate_engine::schedule::{ScheduleReport, SearchSummary};
use shipdate_engine::view::{self, number, ReleaseStatus};

use super::table::{Align, Table};

/// Output formats of `shipdate schedule`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduleFormat {
    /// An aligned table for people.
    Table,
    /// JSON (SPEC section 4).
    Json,
    /// CSV, one row per task.
    Csv,
    /// A Mermaid gantt chart.
    Mermaid,
}

/// Arguments of `shipdate schedule`.
#[derive(Args, Debug)]
pub struct ScheduleArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
    /// Apply this scenario of the plan (`[[scenarios]]`, SPEC section 7) first.
    #[arg(long, value_name = "ID")]
    pub scenario: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScheduleFormat::Table)]
    pub format: ScheduleFormat,
    /// How many schedules the search may generate (default: by plan size, see the README).
    #[arg(long, value_name = "N")]
    pub schedules: Option<usize>,
    /// Seed of the search (the same seed gives the same schedule).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop the search after this many seconds (an optional cap: the result then depends on
    /// the machine's speed). With --optimal it limits the exact solver's time.
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Prove the schedule optimal (exact mode, for small plans with whole-number durations),
    /// or report the remaining gap.
    #[arg(long)]
    pub optimal: bool,
}

/// Runs the command.
pub fn run(args: &ScheduleArgs) -> anyhow::Result<()> {
    let plan = super::load_variant(&args.plan, args.scenario.as_deref())?;
    let options = Options {
        schedules: args.schedules,
        seed: args.seed,
    };
    if let Some(t) = args.time_limit {
        anyhow::ensure!(
            t.is_finite() && t >= 0.0,
            "--time-limit must be a number of seconds >= 0"
        );
    }
    let method = if args.optimal {
        Method::Exact(ExactOptions {
            heuristic: options,
            time_limit: args.time_limit,
            ..ExactOptions::default()
        })
    } else {
        Method::Level(options)
    };
    let started = std::time::Instant::now();
    let deadline = args.time_limit;
    let stop = move || deadline.is_some_and(|t| started.elapsed().as_secs_f64() >= t);
    let stop_ref: &dyn Fn() -> bool = &stop;
    // A wall-clock deadline for the heuristic and for exact mode's search alike (microlp
    // keeps its own clock for the solves, from the same limit).
    let s = super::with_spinner(&plan, "scheduling", || {
        dispatch::schedule_with(&plan, &method, Some(stop_ref))
    })?;
    let text = match args.format {
        ScheduleFormat::Table => table(&plan, &s),
        ScheduleFormat::Json => serde_json::to_string_pretty(&s)? + "\n",
        ScheduleFormat::Csv => report::schedule_csv(&s),
        ScheduleFormat::Mermaid => report::mermaid_gantt(&plan, &s),
    };
    super::emit(&text)
}

/// The table a release manager reads: tasks in start order, then releases.
pub fn table(plan: &Plan, s: &ScheduleReport) -> String {
    let unit = view::time_unit(s.start_date.is_some());
    let name = match view::as_of(s.status_date) {
        Some(as_of) => format!("{} {as_of}", plan.name),
        None => plan.name.clone(),
    };
    let mut out = match (s.start_date, s.finish_date) {
        (Some(a), Some(b)) => format!("{name}: {a} to {b}, {} {unit}\n\n", number(s.makespan)),
        _ => format!("{name}: makespan {} {unit}\n\n", number(s.makespan)),
    };
    out.push_str(&tasks(plan, s));
    if let Some(q) = &s.search {
        out.push_str(&search(q));
    }
    if !s.releases.is_empty() {
        out.push('\n');
        out.push_str(&releases(s));
    }
    out
}

/// The tasks in start order (then finish, then plan order).
fn tasks(plan: &Plan, s: &ScheduleReport) -> String {
    let mut order: Vec<usize> = (0..s.tasks.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&s.tasks[a], &s.tasks[b]);
        x.start
            .total_cmp(&y.start)
            .then(x.finish.total_cmp(&y.finish))
            .then(a.cmp(&b))
    });
    // With a status date, "days" is the work left and a column says where each task stands.
    let progress = s.status_date.is_some();
    let mut columns = vec![
        ("task", Align::Left),
        ("name", Align::Left),
        ("team", Align::Left),
        ("start", Align::Right),
        ("finish", Align::Right),
        (view::days_heading(progress), Align::Right),
        ("slack", Align::Right),
    ];
    if progress {
        columns.push(("state", Align::Left));
    }
    columns.push(("", Align::Left));
    let mut t = Table::new(&columns);
    for j in order {
        let r = &s.tasks[j];
        let cells = view::ScheduledTask::of(plan, j, r);
        let task = &plan.tasks[j];
        let mut row = vec![
            r.id.clone(),
            truncate(task.name.as_deref().unwrap_or(""), 32),
            r.team.clone().unwrap_or_else(|| "-".into()),
            cells.start,
            cells.finish,
            cells.days,
            number(r.slack),
        ];
        if let Some(state) = cells.state {
            row.push(state.into());
        }
        let mut flags: Vec<String> = Vec::new();
        if r.critical {
            flags.push("critical".into());
        }
        flags.extend(cells.due);
        row.push(flags.join(", "));
        t.row(row);
    }
    t.render()
}

/// How the schedule was searched for, and how good it is known to be.
fn search(q: &SearchSummary) -> String {
    let proof = match (q.optimal, q.gap) {
        (true, _) => "proven optimal".to_string(),
        (false, Some(g)) => format!("not proven optimal (gap {:.1}%)", 100.0 * g),
        (false, None) => format!("makespan lower bound {}", number(q.makespan_bound)),
    };
    format!(
        "\nsearch: {}, {} schedules{}, {proof}{}\n",
        q.method,
        q.schedules,
        q.seed.map_or(String::new(), |x| format!(", seed {x}")),
        if q.stopped_early {
            ", stopped by the time limit"
        } else {
            ""
        }
    )
}

/// The releases: ready, deploy, target and status.
fn releases(s: &ScheduleReport) -> String {
    let mut t = Table::new(&[
        ("release", Align::Left),
        ("ready", Align::Right),
        ("deploy", Align::Right),
        ("target", Align::Right),
        ("status", Align::Left),
    ]);
    for r in &s.releases {
        let row = view::ScheduledRelease::of(r);
        let status = match &row.status {
            ReleaseStatus::Unscheduled => "UNSCHEDULED: no open window left".to_string(),
            ReleaseStatus::Late(Some(by)) => format!("LATE by {by}"),
            ReleaseStatus::Late(None) => "LATE".into(),
            other => other.word().into(),
        };
        let status = match &row.deployed {
            Some(d) => format!("deployed {d}"),
            None => status,
        };
        t.row(vec![
            r.id.clone(),
            row.ready,
            row.deploy.unwrap_or_else(|| "-".into()),
            row.target.unwrap_or_else(|| "-".into()),
            status,
        ]);
    }
    t.render()
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
