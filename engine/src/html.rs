//! The self-contained HTML report: one file for people who will never run the tool.
//!
//! It holds the deterministic schedule (Gantt and table), the simulated finish (histogram and
//! S-curve with P50, P80 and P95), per-release dates, on-time odds and deploy-window odds, the
//! tornado of tasks (rank correlation with the finish) and of risks (effect on the P80), and
//! the plan's quality warnings. Charts are the engine's own SVG ([`crate::svg`]), inline.
//!
//! Architecture invariant: the page makes no request and runs no script. It has inline CSS and
//! inline SVG only, and a Content-Security-Policy (`default-src 'none'`) that would block
//! anything else; every piece of plan text is HTML-escaped.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::diag::Diagnostic;
use crate::model::{Plan, When};
use crate::report::number;
use crate::schedule::ScheduleReport;
use crate::simulate::{SimMode, Simulation};
use crate::svg::{self, escape};

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

fn when(w: When) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::Period(p) => number(p),
    }
}

fn pct(p: f64) -> String {
    format!("{}%", number((p * 1000.0).round() / 10.0))
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
/// });
/// assert!(page.contains("&lt;b&gt;demo&lt;/b&gt;") && !page.contains("<b>demo"));
/// assert!(!page.contains("<script"));
/// ```
pub fn report(input: &ReportInput<'_>) -> String {
    let plan = input.plan;
    let s = input.schedule;
    let sim = input.simulation;
    let label = svg::time_labels(plan);
    let dated = plan.is_dated();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <link rel=\"icon\" href=\"data:,\">\
         <title>{} — shipdate report</title><style>{CSS}</style></head><body>\n",
        escape(&plan.name)
    );

    // Header.
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
    if let Some(sim) = sim {
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

    // Summary cards.
    out.push_str("<section id=\"summary\"><div class=\"cards\">");
    let card = |out: &mut String, k: &str, v: String| {
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>",
            escape(k),
            escape(&v)
        );
    };
    card(
        &mut out,
        "Planned finish",
        match s.finish_date {
            Some(d) => d.to_string(),
            None => format!("{} periods", number(s.makespan)),
        },
    );
    if let Some(sim) = sim {
        for (k, v, d) in [
            (
                "P50 finish",
                sim.makespan.p50,
                sim.finish_date.map(|f| f.p50),
            ),
            (
                "P80 finish",
                sim.makespan.p80,
                sim.finish_date.map(|f| f.p80),
            ),
            (
                "P95 finish",
                sim.makespan.p95,
                sim.finish_date.map(|f| f.p95),
            ),
        ] {
            card(
                &mut out,
                k,
                d.map_or_else(|| format!("{} periods", number(v)), |d| d.to_string()),
            );
        }
    }
    out.push_str("</div></section>\n");

    // Releases.
    if !plan.releases.is_empty() {
        out.push_str("<section id=\"releases\"><h2>Releases</h2><table><thead><tr><th>Release</th><th>Target</th><th>Planned ready</th><th>Planned deploy</th>");
        if sim.is_some() {
            out.push_str(
                "<th>Deploy P50</th><th>P80</th><th>P95</th><th class=\"num\">On time</th>",
            );
        }
        out.push_str("</tr></thead><tbody>");
        for (i, r) in s.releases.iter().enumerate() {
            let status = match (r.unscheduled, r.on_time) {
                (true, _) => "<span class=\"late\">unscheduled</span>".to_string(),
                (false, Some(false)) => "<span class=\"late\">late</span>".to_string(),
                (false, Some(true)) => "<span class=\"ok\">on time</span>".to_string(),
                (false, None) => String::new(),
            };
            let ready = if dated {
                fmt_date(r.ready_date)
            } else {
                number(r.ready)
            };
            let deploy = match (r.deploy_date, r.deploy) {
                (Some(d), _) => d.to_string(),
                (None, Some(x)) => number(x),
                _ => "—".into(),
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {status}</td>",
                escape(&r.id),
                r.target.map_or_else(|| "—".to_string(), when),
                escape(&ready),
                escape(&deploy)
            );
            if let Some(rr) = sim.and_then(|m| m.releases.get(i)) {
                let cells: [String; 3] = match (&rr.deploy_date, &rr.deploy) {
                    (Some(p), _) => [p.p50, p.p80, p.p95]
                        .map(|d| d.map_or_else(|| "unscheduled".to_string(), |d| d.to_string())),
                    (None, Some(p)) => [p.p50, p.p80, p.p95]
                        .map(|d| d.map_or_else(|| "unscheduled".to_string(), number)),
                    _ => [rr.ready.p50, rr.ready.p80, rr.ready.p95].map(number),
                };
                for cell in cells {
                    let _ = write!(out, "<td>{}</td>", escape(&cell));
                }
                let _ = write!(
                    out,
                    "<td class=\"num\">{}</td>",
                    rr.on_time_probability.map_or_else(|| "—".to_string(), pct)
                );
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
        if let Some(sim) = sim {
            out.push_str("<div class=\"charts\">");
            for rr in &sim.releases {
                let chart = svg::release_window_odds(rr);
                figure(
                    &mut out,
                    &format!("windows-{}", rr.id),
                    &chart,
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

    // Schedule.
    out.push_str("<section id=\"schedule\"><h2>Schedule</h2>");
    figure(
        &mut out,
        "gantt",
        &svg::gantt(plan, s),
        "The resource-feasible schedule with single-point estimates. Red: critical (no slack). Dashed: release deploys.",
    );
    out.push_str("</section>\n");

    if let Some(sim) = sim {
        out.push_str("<section id=\"finish\"><h2>When will it finish?</h2><div class=\"charts\">");
        figure(
            &mut out,
            "histogram",
            &svg::histogram(&sim.histogram, &sim.makespan, &label),
            &format!("Finish of {} simulated runs.", sim.iterations),
        );
        figure(
            &mut out,
            "s-curve",
            &svg::s_curve(&sim.histogram, &sim.makespan, &label),
            "Probability of finishing by each date: read P80 as the date with 4 chances in 5.",
        );
        out.push_str("</div></section>\n");

        out.push_str(
            "<section id=\"drivers\"><h2>What drives the risk?</h2><div class=\"charts\">",
        );
        let tasks: Vec<(String, f64)> = sim
            .tasks
            .iter()
            .zip(&plan.tasks)
            .map(|(r, t)| (t.label().to_string(), r.sensitivity))
            .collect();
        figure(
            &mut out,
            "tornado-tasks",
            &svg::tornado(
                "Tasks: rank correlation with the finish",
                &tasks,
                12,
                &|v| format!("{v:.2}"),
            ),
            "How strongly each task's duration moves the finish (Spearman).",
        );
        let risks: Vec<(String, f64)> = sim
            .risks
            .iter()
            .filter_map(|r| r.p80_effect.map(|e| (r.id.clone(), e)))
            .collect();
        let unit = if dated { "days" } else { "periods" };
        figure(
            &mut out,
            "tornado-risks",
            &svg::tornado("Risks: effect on the P80 finish", &risks, 12, &|v| {
                format!("{} {unit}", number(v))
            }),
            "How much later the P80 finish is with each risk than without it (same random numbers).",
        );
        out.push_str("</div>");
        let mut crit: Vec<(usize, f64)> = sim
            .tasks
            .iter()
            .enumerate()
            .map(|(j, r)| (j, r.criticality))
            .filter(|&(_, c)| c > 0.0)
            .collect();
        crit.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        crit.truncate(10);
        if !crit.is_empty() {
            out.push_str("<h3>Most often critical</h3><table><thead><tr><th>Task</th><th>Team</th><th class=\"num\">Critical in</th><th class=\"num\">Sensitivity</th></tr></thead><tbody>");
            for (j, c) in crit {
                let t = &plan.tasks[j];
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2}</td></tr>",
                    escape(t.label()),
                    t.team.map_or(String::new(), |k| escape(&plan.teams[k].id)),
                    pct(c),
                    sim.tasks[j].sensitivity
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

    // Warnings.
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

    // Task table.
    out.push_str("<section id=\"tasks\"><h2>Tasks</h2><details><summary>Every task with its planned dates</summary><table><thead><tr><th>Task</th><th>Team</th><th>Start</th><th>Finish</th><th class=\"num\">Slack</th></tr></thead><tbody>");
    for (t, r) in plan.tasks.iter().zip(&s.tasks) {
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
    out.push_str("<footer>Made by shipdate from ");
    out.push_str(&escape(input.source));
    out.push_str(". Percentiles are of simulated runs; \"P80\" is the date met in 80% of them.</footer>\n</body></html>\n");
    out
}
