//! The self-contained HTML report: one file for people who will never run the tool.
//!
//! It holds the deterministic schedule (Gantt and table), the simulated finish (histogram and
//! S-curve with P50, P80 and P95), per-release dates, on-time odds and deploy-window odds, the
//! tornado of tasks (rank correlation with the finish) and of risks (effect on the P80), and
//! the plan's quality warnings and the schedule health check ([`crate::check`]). Charts are the engine's own SVG ([`crate::svg`]), inline.
//!
//! Architecture invariant: the page makes no request and runs no script. It has inline CSS and
//! inline SVG only, and a Content-Security-Policy (`default-src 'none'`) that would block
//! anything else; every piece of plan text is HTML-escaped.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::check::{self, CheckOptions, Status};
use crate::diag::Diagnostic;
use crate::model::Plan;
use crate::schedule::{ReleaseSchedule, ScheduleReport};
use crate::simulate::{SimMode, Simulation};
use crate::svg::{self, escape};
use crate::view::{self, number, Ranking, ReleaseStatus};

/// What goes into a report.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Its deterministic schedule ([`crate::dispatch::schedule`]).
    pub schedule: &'a ScheduleReport,
    /// Its Monte Carlo simulation, when one was run.
    pub simulation: Option<&'a Simulation>,
    /// Its plan-quality warnings ([`crate::lint::lint`]).
    pub warnings: &'a [Diagnostic],
    /// The plan's file name, to locate the warnings.
    pub source: &'a str,
    /// Each scenario's id and simulation, run like `simulation` (same seed and options), for
    /// the "Scenarios" section; empty: no such section.
    pub scenarios: &'a [(String, Simulation)],
    /// The milestone trend over versions of the plan (`report --trend`), with each version's
    /// label (its file).
    pub trend: Option<(&'a crate::trend::Trend, &'a [String])>,
}

const CSS: &str = "
:root { color-scheme: light; --ink: #222; --muted: #666; --line: #ddd; --late: #d62728; --ok: #2ca02c; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1000px; padding: 24px 16px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.meta { color: var(--muted); margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; margin-top: 18px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 20px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.late { color: var(--late); font-weight: 600; }
.ok { color: var(--ok); font-weight: 600; }
figure { margin: 8px 0 16px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
ul.warnings { padding-left: 18px; }
ul.warnings li { margin: 4px 0; }
ul.warnings code { color: var(--muted); }
.help { color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
details summary { cursor: pointer; }
";

fn fmt_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), |d| d.to_string())
}

fn figure(out: &mut String, id: &str, svg: &str, caption: &str) {
    let _ = write!(
        out,
        "<figure id=\"{}\">{svg}<figcaption>{}</figcaption></figure>",
        escape(id),
        escape(caption)
    );
}

/// The report as one HTML document (see the module docs).
///
/// ```
/// use shipdate_engine::{dispatch, html, io, simulate};
/// let plan = io::parse_str(
///     "[plan]\nname = \"<b>demo</b>\"\n[[tasks]]\nid = \"a\"\nestimate = { low = 1, likely = 2, high = 4 }\n",
///     io::Format::Toml,
/// ).unwrap();
/// let s = dispatch::schedule(&plan);
/// let sim = simulate::simulate(&plan, &simulate::Options { iterations: 500, ..Default::default() }).unwrap();
/// let page = html::report(&html::ReportInput {
///     plan: &plan, schedule: &s, simulation: Some(&sim), warnings: &[], source: "demo.toml",
///     scenarios: &[], trend: None,
/// });
/// assert!(page.contains("&lt;b&gt;demo&lt;/b&gt;") && !page.contains("<b>demo"));
/// assert!(!page.contains("<script"));
/// ```
pub fn report(input: &ReportInput<'_>) -> String {
    let mut out = String::new();
    head(&mut out, input);
    summary(&mut out, input);
    releases(&mut out, input);
    schedule(&mut out, input);
    if let Some(sim) = input.simulation {
        scenarios(&mut out, input, sim);
        trend(&mut out, input);
        finish(&mut out, input.plan, sim);
        drivers(&mut out, input.plan, sim);
    }
    throughput(&mut out, input.plan);
    warnings(&mut out, input);
    health(&mut out, input);
    tasks(&mut out, input);
    out.push_str("<footer>Made by shipdate from ");
    out.push_str(&escape(input.source));
    out.push_str(". Percentiles are of simulated runs; \"P80\" is the date met in 80% of them.</footer>\n</body></html>\n");
    out
}

/// Each team's throughput (SPEC section 9): its run chart with the natural process limits,
/// and the verdict; for a team with item-sized tasks left, their burn-up fan. No section when
/// no team has one.
fn throughput(out: &mut String, plan: &Plan) {
    let teams: Vec<_> = plan
        .teams
        .iter()
        .enumerate()
        .filter_map(|(k, t)| t.throughput.as_ref().map(|tp| (k, t, tp)))
        .collect();
    if teams.is_empty() {
        return;
    }
    out.push_str("<section id=\"throughput\"><h2>Team throughput</h2><p class=\"help\">What each team finished per period, which its item-sized tasks are simulated from: a point outside the dashed natural process limits (mean ± 2.66 × the mean moving range) means the process was not stable, and the history is a weak guide.</p><div class=\"charts\">");
    for (k, t, tp) in teams {
        let n = tp.samples.len();
        let verdict = crate::throughput::team_verdict(&tp.samples);
        let caption = format!(
            "{}: {n} samples per {}, mean {}; {verdict}{}",
            t.id,
            tp.per.as_str(),
            view::number(tp.mean()),
            if n < crate::throughput::FEW_SAMPLES {
                "; fewer than 11 samples"
            } else {
                ""
            }
        );
        let svg = crate::throughput::team_run_chart(&t.id, tp);
        figure(out, &format!("throughput-{}", t.id), &svg, &caption);
        team_burn_up(out, plan, k);
    }
    out.push_str("</div></section>\n");
}

/// The burn-up fan of team `k`'s item-sized tasks (SPEC section 9, [`crate::burn_up::of_team`]):
/// none when it has none left, or in an undated plan.
fn team_burn_up(out: &mut String, plan: &Plan, k: usize) {
    use crate::burn_up;
    use crate::simulate::{DEFAULT_ITERATIONS, DEFAULT_SEED};
    let Some(items) = burn_up::team_items(plan, k) else {
        return;
    };
    let id = &plan.teams[k].id;
    let note = "at its whole throughput, on nothing else: links, shared capacity and risks are in the simulation, not here";
    match burn_up::of_team(plan, k, items, DEFAULT_ITERATIONS, DEFAULT_SEED) {
        None => {}
        Some(Ok(b)) => {
            let caption = format!(
                "{id}: burn-up of its item-sized tasks, {}; {note}",
                b.summary()
            );
            figure(out, &format!("burn-up-{id}"), &burn_up::chart(&b), &caption);
        }
        Some(Err(e)) => {
            let _ = write!(
                out,
                "<p class=\"help\" id=\"burn-up-{}\">{}: no burn-up of its {items} items: {}</p>",
                escape(id),
                escape(id),
                escape(&e.to_string())
            );
        }
    }
}

/// The document head and the page header: the plan's name, start, size and the run.
fn head(out: &mut String, input: &ReportInput<'_>) {
    let plan = input.plan;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <link rel=\"icon\" href=\"data:,\">\
         <title>{} — shipdate report</title><style>{CSS}</style></head><body>\n",
        escape(&plan.name)
    );
    let _ = write!(
        out,
        "<header><h1>{}</h1><p class=\"meta\">",
        escape(&plan.name)
    );
    match plan.start {
        Some(d) => {
            let _ = write!(
                out,
                "Starts {d} · times in working days of calendar <b>{}</b>",
                escape(&plan.calendars[plan.default_calendar].id)
            );
        }
        None => out.push_str("Undated plan · times in periods from 0"),
    }
    let _ = write!(
        out,
        " · {} tasks · {} teams · {} releases · {} risks",
        plan.tasks.len(),
        plan.teams.len(),
        plan.releases.len(),
        plan.risks.len()
    );
    if let Some(sim) = input.simulation {
        let _ = write!(
            out,
            " · {} iterations, seed {} ({})",
            sim.iterations,
            sim.seed,
            match sim.mode {
                SimMode::ResourceAware => "resource-aware",
                SimMode::CriticalPath => "critical path, capacity ignored",
            }
        );
    }
    out.push_str("</p></header>\n");
}

fn card(out: &mut String, k: &str, v: &str) {
    let _ = write!(
        out,
        "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>",
        escape(k),
        escape(v)
    );
}

/// A time as a card shows it: its date, or the time in periods.
fn card_time(m: view::Moment) -> String {
    match m.date {
        Some(d) => d.to_string(),
        None => format!("{} periods", number(m.time)),
    }
}

/// The summary cards: the planned finish and the simulated P50, P80 and P95.
fn summary(out: &mut String, input: &ReportInput<'_>) {
    out.push_str("<section id=\"summary\"><div class=\"cards\">");
    let s = input.schedule;
    card(
        out,
        "Planned finish",
        &card_time(view::Moment {
            time: s.makespan,
            date: s.finish_date,
        }),
    );
    if let Some(sim) = input.simulation {
        let f = view::finish(sim);
        for (k, m) in [
            ("P50 finish", f.p50),
            ("P80 finish", f.p80),
            ("P95 finish", f.p95),
        ] {
            card(out, k, &card_time(m));
        }
    }
    out.push_str("</div></section>\n");
}

/// The release table (planned, and simulated when there is a run) and each release's window
/// odds.
fn releases(out: &mut String, input: &ReportInput<'_>) {
    if input.plan.releases.is_empty() {
        return;
    }
    let sim = input.simulation;
    out.push_str("<section id=\"releases\"><h2>Releases</h2><table><thead><tr><th>Release</th><th>Target</th><th>Planned ready</th><th>Planned deploy</th>");
    if sim.is_some() {
        out.push_str("<th>Deploy P50</th><th>P80</th><th>P95</th><th class=\"num\">On time</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for (i, r) in input.schedule.releases.iter().enumerate() {
        release_row(out, input.plan.is_dated(), r);
        if let Some(rr) = sim.and_then(|m| m.releases.get(i)) {
            let row = view::release_odds(rr);
            for cell in [&row.p50, &row.p80, &row.p95] {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            }
            let _ = write!(
                out,
                "<td class=\"num\">{}</td>",
                row.on_time.map_or_else(|| "—".to_string(), view::percent)
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    if let Some(sim) = sim {
        out.push_str("<div class=\"charts\">");
        for rr in &sim.releases {
            figure(
                out,
                &format!("windows-{}", rr.id),
                &svg::release_window_odds(rr),
                &format!(
                    "Share of iterations in which {} deploys in each window.",
                    rr.id
                ),
            );
        }
        out.push_str("</div>");
    }
    out.push_str("</section>\n");
}

/// The milestone trend (SPEC section 8): the chart and, per version, each release's deploy
/// P50 / P80.
fn trend(out: &mut String, input: &ReportInput<'_>) {
    let Some((t, labels)) = input.trend else {
        return;
    };
    out.push_str("<section id=\"trend\"><h2>Milestone trend</h2><p class=\"help\">Each version of the plan simulated from its status date with the same random draws: the deploy P80 (solid) and P50 (dashed) of each release by status date. A line that climbs is a release slipping; the dotted diagonal is where a forecast would equal its status date.</p>");
    out.push_str(&crate::trend::chart(t));
    out.push_str("<table><thead><tr><th>Status date</th>");
    let ids: Vec<&str> = t
        .points
        .last()
        .map(|p| p.releases.iter().map(|r| r.id.as_str()).collect())
        .unwrap_or_default();
    for id in &ids {
        let _ = write!(out, "<th class=\"num\">{} P50 / P80</th>", escape(id));
    }
    out.push_str("<th>Version</th></tr></thead><tbody>");
    for p in &t.points {
        let _ = write!(out, "<tr><td>{}</td>", escape(&view::when(p.status_date)));
        for id in &ids {
            let cell = p.releases.iter().find(|r| r.id == *id).map_or_else(
                || "—".to_string(),
                |r| match (r.p50_date, r.p80_date, r.p50, r.p80) {
                    (Some(a), Some(b), _, _) => format!("{a} / {b}"),
                    (_, _, Some(a), Some(b)) => {
                        format!("{} / {}", view::number(a), view::number(b))
                    }
                    _ => "unscheduled".into(),
                },
            );
            let _ = write!(out, "<td class=\"num\">{}</td>", escape(&cell));
        }
        let label = labels.get(p.version).map_or("", String::as_str);
        let _ = write!(out, "<td>{}</td></tr>", escape(label));
    }
    out.push_str("</tbody></table></section>\n");
}

/// The base plan and each scenario side by side (SPEC section 7): per release, each
/// variant's deploy P50/P80 and on-time odds ([`view::compare_rows`]).
fn scenarios(out: &mut String, input: &ReportInput<'_>, base: &Simulation) {
    if input.scenarios.is_empty() {
        return;
    }
    let sims: Vec<&Simulation> = input.scenarios.iter().map(|(_, s)| s).collect();
    let rows = view::compare_rows(base, &sims);
    out.push_str("<section id=\"scenarios\"><h2>Scenarios</h2><p class=\"help\">The plan and each scenario simulated with the same random draws: a difference is the scenario's effect.</p><table><thead><tr><th>Release</th>");
    let ids = std::iter::once("base").chain(input.scenarios.iter().map(|(id, _)| id.as_str()));
    for id in ids {
        let id = escape(id);
        let _ = write!(
            out,
            "<th class=\"num\">{id} P50</th><th class=\"num\">{id} P80</th><th class=\"num\">{id} on time</th>"
        );
    }
    out.push_str("</tr></thead><tbody>");
    for r in &rows {
        let _ = write!(out, "<tr><td>{}</td>", escape(&r.id));
        let cells = std::iter::once(Some(&r.base)).chain(r.scenarios.iter().map(Option::as_ref));
        for c in cells {
            match c {
                Some(c) => {
                    let on_time = c.on_time.map_or_else(|| "—".to_string(), view::percent);
                    let _ = write!(
                        out,
                        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{on_time}</td>",
                        escape(&c.p50),
                        escape(&c.p80)
                    );
                }
                None => out.push_str("<td>—</td><td>—</td><td>—</td>"),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table><ul>");
    for (id, _) in input.scenarios {
        let name = input.plan.scenario(id).and_then(|s| s.name.as_deref());
        let _ = write!(out, "<li><b>{}</b>", escape(id));
        if let Some(n) = name {
            let _ = write!(out, ": {}", escape(n));
        }
        out.push_str("</li>");
    }
    out.push_str("</ul></section>\n");
}

/// The planned cells of a release's row (the row is left open for the simulated cells).
fn release_row(out: &mut String, dated: bool, r: &ReleaseSchedule) {
    let row = view::ScheduledRelease::of(r);
    let status = match row.status {
        ReleaseStatus::Unscheduled | ReleaseStatus::Late(_) => {
            format!("<span class=\"late\">{}</span>", row.status.word())
        }
        ReleaseStatus::OnTime => format!("<span class=\"ok\">{}</span>", row.status.word()),
        ReleaseStatus::NoTarget => String::new(),
    };
    let ready = if dated {
        fmt_date(r.ready_date)
    } else {
        row.ready
    };
    let _ = write!(
        out,
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {status}</td>",
        escape(&r.id),
        row.target.unwrap_or_else(|| "—".to_string()),
        escape(&ready),
        escape(row.deploy.as_deref().unwrap_or("—"))
    );
}

/// The Gantt chart of the deterministic schedule.
fn schedule(out: &mut String, input: &ReportInput<'_>) {
    out.push_str("<section id=\"schedule\"><h2>Schedule</h2>");
    figure(
        out,
        "gantt",
        &svg::gantt(input.plan, input.schedule),
        "The resource-feasible schedule with single-point estimates. Red: critical (no slack). Dashed: release deploys.",
    );
    out.push_str("</section>\n");
}

/// The simulated finish: histogram and S-curve.
fn finish(out: &mut String, plan: &Plan, sim: &Simulation) {
    let label = svg::time_labels(plan);
    out.push_str("<section id=\"finish\"><h2>When will it finish?</h2><div class=\"charts\">");
    figure(
        out,
        "histogram",
        &svg::histogram(&sim.histogram, &sim.makespan, &label),
        &format!("Finish of {} simulated runs.", sim.iterations),
    );
    figure(
        out,
        "s-curve",
        &svg::s_curve(&sim.histogram, &sim.makespan, &label),
        "Probability of finishing by each date: read P80 as the date with 4 chances in 5.",
    );
    out.push_str("</div></section>\n");
}

/// What drives the risk: the tornados of tasks and risks, the tasks most often critical and
/// the simulation's notes.
fn drivers(out: &mut String, plan: &Plan, sim: &Simulation) {
    out.push_str("<section id=\"drivers\"><h2>What drives the risk?</h2><div class=\"charts\">");
    figure(
        out,
        "tornado-tasks",
        &svg::task_tornado(plan, sim),
        "How strongly each task's duration moves the finish (Spearman).",
    );
    figure(
        out,
        "tornado-risks",
        &svg::risk_tornado(plan, sim),
        "How much later the P80 finish is with each risk than without it (same random numbers).",
    );
    out.push_str("</div>");
    let crit = view::task_drivers(plan, sim, Ranking::Criticality, view::REPORT_DRIVERS);
    if !crit.is_empty() {
        out.push_str("<h3>Most often critical</h3><table><thead><tr><th>Task</th><th>Team</th><th class=\"num\">Critical in</th><th class=\"num\">Sensitivity</th></tr></thead><tbody>");
        for d in crit {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&d.label),
                d.team.as_deref().map_or(String::new(), escape),
                view::percent(d.criticality),
                view::correlation(d.sensitivity)
            );
        }
        out.push_str("</tbody></table>");
    }
    if !sim.warnings.is_empty() {
        out.push_str("<h3>Simulation notes</h3><ul class=\"warnings\">");
        for w in &sim.warnings {
            let _ = write!(out, "<li>{}</li>", escape(w));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>\n");
}

/// The plan-quality warnings, located in the plan's file.
fn warnings(out: &mut String, input: &ReportInput<'_>) {
    out.push_str("<section id=\"warnings\"><h2>Plan quality</h2>");
    if input.warnings.is_empty() {
        out.push_str("<p>No warnings: every task is linked, lags are short, and no team is loaded beyond its capacity.</p>");
    } else {
        let _ = write!(
            out,
            "<p>{} warning(s). They do not stop the plan from being computed, but each makes the dates less trustworthy.</p><ul class=\"warnings\">",
            input.warnings.len()
        );
        for w in input.warnings {
            let loc = match w.pos {
                Some(p) => format!("{}:{}:{}", input.source, p.line, p.column),
                None => input.source.to_string(),
            };
            let _ = write!(
                out,
                "<li><code>{}</code> {}",
                escape(&loc),
                escape(&w.message)
            );
            if let Some(h) = &w.help {
                let _ = write!(out, " <span class=\"help\">({})</span>", escape(h));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>\n");
}

/// The schedule health check (DCMA 14-point, [`crate::check`] with its default thresholds):
/// one row per check, the failed checks' offenders located in the plan's file.
fn health(out: &mut String, input: &ReportInput<'_>) {
    let report = check::check(input.plan, &CheckOptions::default());
    let _ = write!(
        out,
        "<section id=\"health\"><h2>Schedule health check</h2><p>The DCMA 14-point assessment of the plan's logic (capacity ignored): {} passed, {} failed, {} skipped.</p>",
        report.passed, report.failed, report.skipped
    );
    out.push_str("<table><thead><tr><th class=\"num\">#</th><th>Check</th><th>Threshold</th><th class=\"num\">Count</th><th class=\"num\">Share</th><th>Result</th><th>Tasks</th></tr></thead><tbody>");
    let rows = view::health_rows(&report);
    for row in &rows {
        let class = match (row.failed, row.result) {
            (true, _) => " class=\"late\"",
            (false, "pass") => " class=\"ok\"",
            _ => "",
        };
        let _ = write!(
            out,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td{class}>{}</td><td>{}</td></tr>",
            row.number,
            escape(row.name),
            escape(&row.threshold),
            escape(&row.count),
            escape(&row.share),
            row.result,
            escape(&row.subjects)
        );
    }
    out.push_str("</tbody></table><ul class=\"warnings\">");
    for row in &rows {
        if let Some(note) = &row.note {
            let _ = write!(out, "<li>{}: {}</li>", escape(row.name), escape(note));
        }
    }
    for c in report.checks.iter().filter(|c| c.status == Status::Fail) {
        for s in &c.subjects {
            let loc = match s.pos {
                Some(p) => format!("{}:{}:{}", input.source, p.line, p.column),
                None => input.source.to_string(),
            };
            let _ = write!(
                out,
                "<li><code>{}</code> {}: <code>{}</code> {}</li>",
                escape(&loc),
                escape(c.name),
                escape(&s.id),
                escape(&s.detail)
            );
        }
    }
    out.push_str("</ul></section>\n");
}

/// Every task with its planned dates, folded.
fn tasks(out: &mut String, input: &ReportInput<'_>) {
    let plan = input.plan;
    let dated = plan.is_dated();
    out.push_str("<section id=\"tasks\"><h2>Tasks</h2><details><summary>Every task with its planned dates</summary><table><thead><tr><th>Task</th><th>Team</th><th>Start</th><th>Finish</th><th class=\"num\">Slack</th></tr></thead><tbody>");
    for (t, r) in plan.tasks.iter().zip(&input.schedule.tasks) {
        let (a, b) = if dated {
            (fmt_date(r.start_date), fmt_date(r.finish_date))
        } else {
            (number(r.start), number(r.finish))
        };
        let _ = write!(
            out,
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape(t.label()),
            if r.critical {
                " <span class=\"late\">critical</span>"
            } else {
                ""
            },
            t.team.map_or(String::new(), |k| escape(&plan.teams[k].id)),
            escape(&a),
            escape(&b),
            number(r.slack)
        );
    }
    out.push_str("</tbody></table></details></section>\n");
}
