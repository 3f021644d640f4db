//! The engine's own chart renderer: pure functions from results to SVG text.
//!
//! The same functions draw the charts of the HTML report ([`crate::html`]) and of the browser
//! planner, so both show the same pictures of the same numbers. Every chart is a standalone
//! `<svg>` element with a `viewBox`, presentation attributes instead of a stylesheet, a
//! `<title>` for screen readers and tooltips, and every piece of plan text escaped. Nothing
//! here measures text: labels are cut to a fixed number of characters.
//!
//! - [`gantt`]: the deterministic schedule, one row per task grouped by team, critical tasks
//!   in red, milestones as diamonds, release deploys as dashed lines; with a status date, done
//!   work drawn apart from remaining work and the status-date line ([`progress_layer`], which
//!   the browser's team lanes draw too).
//! - [`histogram`] and [`s_curve`]: the simulated finish, with P50, P80 and P95 marked.
//! - [`tornado`]: signed horizontal bars, largest first (task sensitivity, risk effect).
//! - [`window_odds`]: the probability of each deploy window of a release.
//!
//! Time axes are in the engine's time (working days from the start, or periods); the caller
//! passes how to label a point in time ([`time_labels`] gives dates for dated plans).

use std::fmt::Write as _;

use crate::calendar::Timeline;
use crate::model::{Plan, TaskKind, TaskState};
use crate::schedule::ScheduleReport;
use crate::simulate::{Histogram, ReleaseRisk, Simulation, Summary};
use crate::view::{self, number, short_date};

/// Colours shared by every chart (and usable by the pages that embed them).
pub mod colors {
    /// Ordinary bars.
    pub const BAR: &str = "#4c78a8";
    /// Critical tasks, late releases, the P95 marker.
    pub const CRITICAL: &str = "#d62728";
    /// Milestones and deploys.
    pub const MILESTONE: &str = "#6f42c1";
    /// The P50 marker.
    pub const P50: &str = "#2ca02c";
    /// The P80 marker.
    pub const P80: &str = "#ff7f0e";
    /// Axes and text.
    pub const INK: &str = "#333333";
    /// Grid lines.
    pub const GRID: &str = "#dddddd";
    /// Done tasks (history), muted.
    pub const DONE: &str = "#b4b4b4";
    /// The part of a started task's bar before the status date (the time it has worked).
    pub const ELAPSED: &str = "#555555";
    /// The status-date line.
    pub const STATUS: &str = "#111111";
}

pub(crate) const FONT: &str = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\"";

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// At most `n` characters of `s`, with an ellipsis when cut.
pub(crate) fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A coordinate with one decimal.
pub(crate) fn c(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".into()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

pub(crate) fn open(out: &mut String, w: f64, h: f64, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\" {FONT} font-size=\"11\"><title>{}</title>",
        c(w),
        c(h),
        c(w),
        c(h),
        escape(title),
        escape(title)
    );
}

pub(crate) fn text(out: &mut String, x: f64, y: f64, anchor: &str, fill: &str, body: &str) {
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"{fill}\">{}</text>",
        c(x),
        c(y),
        escape(body)
    );
}

pub(crate) fn line(
    out: &mut String,
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
    stroke: &str,
    extra: &str,
) {
    let _ = write!(
        out,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\"{extra}/>",
        c(x1),
        c(y1),
        c(x2),
        c(y2)
    );
}

/// Horizontal grid lines across `[x0, x0 + width]` at `0, step, ...` up to `top`, each
/// labelled with its value left of the plot; `y` places a value.
pub(crate) fn value_grid(
    out: &mut String,
    (x0, width): (f64, f64),
    (step, top): (f64, f64),
    y: impl Fn(f64) -> f64,
) {
    let mut v = 0.0;
    while v <= top + 1e-9 {
        line(out, x0, y(v), x0 + width, y(v), colors::GRID, "");
        text(
            out,
            x0 - 6.0,
            y(v) + 4.0,
            "end",
            colors::INK,
            &crate::format::number(v),
        );
        v += step;
    }
}

/// A "nice" step (1, 2 or 5 times a power of ten) giving at most about `ticks` steps over `span`.
pub fn nice_step(span: f64, ticks: usize) -> f64 {
    let raw = (span / ticks.max(1) as f64).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= raw {
            return m * mag;
        }
    }
    10.0 * mag
}

/// How to label a point of engine time: the date of that working day for dated plans
/// (`Jan 04`), the period number otherwise.
pub fn time_labels(plan: &Plan) -> impl Fn(f64) -> String {
    let tl = Timeline::new(plan);
    move |t: f64| match tl.date_of_day(t.floor().max(0.0) as i64) {
        Some(d) => short_date(d),
        None => number(t),
    }
}

/// Draws a time axis along `y` from `x0` to `x0 + w` for times `lo..hi`, with grid lines up to
/// `top`. Returns nothing; appends to `out`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn time_axis(
    out: &mut String,
    x0: f64,
    w: f64,
    y: f64,
    top: f64,
    lo: f64,
    hi: f64,
    label: &dyn Fn(f64) -> String,
) {
    let span = (hi - lo).max(1e-9);
    // Whole days (periods) once the span allows it: a date axis has nothing between days.
    let step = nice_step(span, 10).max(if span >= 2.0 { 1.0 } else { 0.0 });
    let mut t = (lo / step).ceil() * step;
    let x = |t: f64| x0 + (t - lo) / span * w;
    line(out, x0, y, x0 + w, y, colors::INK, "");
    while t <= hi + 1e-9 {
        line(out, x(t), top, x(t), y, colors::GRID, "");
        line(out, x(t), y, x(t), y + 4.0, colors::INK, "");
        text(out, x(t), y + 16.0, "middle", colors::INK, &label(t));
        t += step;
    }
}

/// The deterministic schedule as a Gantt chart: one row per task, grouped by team in team
/// order (tasks without a team last), bars over `[start, finish)`, critical tasks red,
/// milestones as diamonds, each scheduled release deploy as a dashed line.
///
/// ```
/// let plan = shipdate_engine::io::parse_str(
///     "[plan]\nname = \"demo\"\n[[tasks]]\nid = \"a\"\nestimate = 3\n",
///     shipdate_engine::io::Format::Toml,
/// ).unwrap();
/// let s = shipdate_engine::dispatch::schedule(&plan);
/// let svg = shipdate_engine::svg::gantt(&plan, &s);
/// assert!(svg.starts_with("<svg") && svg.contains("data-task=\"a\""));
/// ```
pub fn gantt(plan: &Plan, sched: &ScheduleReport) -> String {
    let label = time_labels(plan);
    let rows = gantt_rows(plan);
    let deploys = deploy_times(plan, sched);
    let headers = rows.iter().filter(|r| r.0.is_some()).count();
    let row_h = 18.0;
    let label_w = 230.0;
    let w = 960.0;
    let plot_w = w - label_w - 20.0;
    let top = 28.0 + if deploys.is_empty() { 0.0 } else { 14.0 };
    let h = top + (rows.len() + headers) as f64 * row_h + 34.0;
    let status = status_time(plan, sched);
    let hi = deploys
        .iter()
        .map(|d| d.1)
        .chain(status)
        .fold(sched.makespan, f64::max)
        .max(1.0);
    let x = |t: f64| label_w + t / hi * plot_w;
    let mut out = String::new();
    open(&mut out, w, h, &format!("Schedule of {}", plan.name));
    let bottom = h - 28.0;
    time_axis(
        &mut out,
        label_w,
        plot_w,
        bottom,
        top - 4.0,
        0.0,
        hi,
        &label,
    );
    let mut y = top;
    for (header, j) in &rows {
        if let Some(team) = header {
            let _ = write!(
                out,
                "<text x=\"4\" y=\"{}\" font-weight=\"bold\" fill=\"{}\">{}</text>",
                c(y + 13.0),
                colors::INK,
                escape(&cut(team, 34))
            );
            y += row_h;
        }
        let t = &plan.tasks[*j];
        text(
            &mut out,
            14.0,
            y + 13.0,
            "start",
            colors::INK,
            &cut(t.label(), 34),
        );
        gantt_bar(
            &mut out,
            plan,
            sched,
            *j,
            (x(sched.tasks[*j].start), x(sched.tasks[*j].finish)),
            y,
            row_h,
        );
        progress_layer(&mut out, sched, status, *j, (y + 3.0, row_h - 6.0), &x);
        y += row_h;
    }
    let plot = (label_w, plot_w, top, bottom);
    deploy_lines(&mut out, &deploys, plot, &x);
    status_line(&mut out, sched, status, (top - 4.0, bottom, w - 20.0), &x);
    out.push_str("</svg>");
    out
}

/// The Gantt's rows: each task once, grouped by team in team order (tasks without a team
/// last), the first row of each group carrying the group's name.
fn gantt_rows(plan: &Plan) -> Vec<(Option<String>, usize)> {
    let mut rows: Vec<(Option<String>, usize)> = Vec::new();
    for k in 0..plan.teams.len() {
        let mut first = true;
        for (j, t) in plan.tasks.iter().enumerate() {
            if t.team == Some(k) {
                rows.push((first.then(|| plan.teams[k].id.clone()), j));
                first = false;
            }
        }
    }
    let mut first = true;
    for (j, t) in plan.tasks.iter().enumerate() {
        if t.team.is_none() {
            rows.push((
                (first && !plan.teams.is_empty()).then(|| "no team".to_string()),
                j,
            ));
            first = false;
        }
    }
    rows
}

/// The status time of a schedule's status date on `plan`'s axis (the start of the status
/// day, or of the next working day; the period itself when undated), `None` without one.
pub(crate) fn status_time(plan: &Plan, sched: &ScheduleReport) -> Option<f64> {
    sched.status_date.map(|w| Timeline::new(plan).offset_of(w))
}

/// The progress layer of a Gantt (the report's and the browser's team lanes): drawn over
/// task `j`'s bar, whose top and height are `bar`. A done task's bar is covered in the muted
/// done colour (`data-done`); a started task's bar from its actual start to the status time
/// `s` in the elapsed colour (`data-elapsed`), its remaining work left as drawn. Nothing for a
/// task that is not started, a milestone, or a plan without a status date, so those charts
/// are as before to the byte. The layer lets the bar's own tooltip through.
pub fn progress_layer(
    out: &mut String,
    sched: &ScheduleReport,
    status: Option<f64>,
    j: usize,
    bar: (f64, f64),
    x: &dyn Fn(f64) -> f64,
) {
    let (Some(s), Some(state)) = (status, sched.tasks[j].state) else {
        return;
    };
    let t = &sched.tasks[j];
    if t.finish <= t.start {
        return;
    }
    let (what, fill, to) = match state {
        TaskState::Done => ("done", colors::DONE, t.finish),
        TaskState::InProgress => ("elapsed", colors::ELAPSED, s.min(t.finish)),
        TaskState::NotStarted => return,
    };
    if to <= t.start {
        return;
    }
    let _ = write!(
        out,
        "<rect data-{what}=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" fill=\"{fill}\" pointer-events=\"none\"/>",
        escape(&t.id),
        c(x(t.start)),
        c(bar.0),
        c((x(to) - x(t.start)).max(1.0)),
        c(bar.1),
    );
}

/// The status-date line of a Gantt at status time `status`, from `span.0` down to `span.1`,
/// with its label (`status 2027-01-18`, the date as written; `data-status` holds it) beside
/// it, or before it when it is close to the plot's right edge `span.2`. Nothing without a
/// status date.
pub fn status_line(
    out: &mut String,
    sched: &ScheduleReport,
    status: Option<f64>,
    span: (f64, f64, f64),
    x: &dyn Fn(f64) -> f64,
) {
    let (Some(s), Some(when)) = (status, sched.status_date) else {
        return;
    };
    let label = view::when(when);
    let _ = write!(
        out,
        "<line data-status=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"/>",
        escape(&label),
        c(x(s)),
        c(span.0),
        c(x(s)),
        c(span.1),
        colors::STATUS
    );
    let (lx, anchor) = if x(s) > span.2 - 110.0 {
        (x(s) - 3.0, "end")
    } else {
        (x(s) + 3.0, "start")
    };
    text(
        out,
        lx,
        span.1 - 4.0,
        anchor,
        colors::STATUS,
        &format!("status {label}"),
    );
}

/// Each scheduled release deploy: (release id, engine time, late).
fn deploy_times(plan: &Plan, sched: &ScheduleReport) -> Vec<(String, f64, bool)> {
    let tl = Timeline::new(plan);
    sched
        .releases
        .iter()
        .filter_map(|r| {
            let x = match (r.deploy_date, r.deploy) {
                (Some(d), _) => tl.day_of_date(d) as f64,
                (None, Some(x)) => x,
                _ => return None,
            };
            Some((r.id.clone(), x, r.on_time == Some(false)))
        })
        .collect()
}

/// A task's tooltip: its name, dates (or times) and slack.
pub(crate) fn task_tip(t: &crate::model::Task, s: &crate::schedule::TaskSchedule) -> String {
    match (s.start_date, s.finish_date) {
        (Some(a), Some(b)) => format!("{}: {a} to {b}, slack {}", t.label(), number(s.slack)),
        _ => format!(
            "{}: {} to {}, slack {}",
            t.label(),
            number(s.start),
            number(s.finish),
            number(s.slack)
        ),
    }
}

/// Task `j`'s bar from `xs.0` to `xs.1` in the row at `y` (a diamond for a milestone).
fn gantt_bar(
    out: &mut String,
    plan: &Plan,
    sched: &ScheduleReport,
    j: usize,
    xs: (f64, f64),
    y: f64,
    row_h: f64,
) {
    let t = &plan.tasks[j];
    let s = &sched.tasks[j];
    let tip = task_tip(t, s);
    let fill = if s.critical {
        colors::CRITICAL
    } else {
        colors::BAR
    };
    if t.kind == TaskKind::Milestone || s.finish <= s.start {
        milestone(out, &t.id, xs.0, y + row_h / 2.0, s.critical, &tip);
    } else {
        let _ = write!(
            out,
            "<rect data-task=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" fill=\"{fill}\"><title>{}</title></rect>",
            escape(&t.id),
            c(xs.0),
            c(y + 3.0),
            c((xs.1 - xs.0).max(1.0)),
            c(row_h - 6.0),
            escape(&tip)
        );
    }
}

/// The dashed deploy lines, releases deploying at the same time sharing one line and one
/// label; `plot` is (left, width, top, bottom) of the plot area.
fn deploy_lines(
    out: &mut String,
    deploys: &[(String, f64, bool)],
    plot: (f64, f64, f64, f64),
    x: &dyn Fn(f64) -> f64,
) {
    let (label_w, plot_w, top, bottom) = plot;
    let mut groups: Vec<(f64, Vec<&str>, bool)> = Vec::new();
    for (id, t, late) in deploys {
        match groups.iter_mut().find(|g| (g.0 - t).abs() < 1e-9) {
            Some(g) => {
                g.1.push(id);
                g.2 |= *late;
            }
            None => groups.push((*t, vec![id.as_str()], *late)),
        }
    }
    crate::sorting::sort_by(&mut groups, |a, b| a.0.total_cmp(&b.0));
    for (i, (t, ids, late)) in groups.iter().enumerate() {
        let color = if *late {
            colors::CRITICAL
        } else {
            colors::MILESTONE
        };
        line(
            out,
            x(*t),
            top - 4.0,
            x(*t),
            bottom,
            color,
            " stroke-dasharray=\"4 3\"",
        );
        let ly = 14.0 + if i % 2 == 1 { 12.0 } else { 0.0 };
        let anchor = if x(*t) > label_w + plot_w * 0.8 {
            "end"
        } else {
            "middle"
        };
        let names: Vec<String> = ids.iter().map(|id| cut(id, 20)).collect();
        let _ = write!(
            out,
            "<text data-release=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"{color}\">{}</text>",
            escape(&ids.join(" ")),
            c(x(*t)),
            c(ly),
            escape(&format!("deploy {}", names.join(", ")))
        );
    }
}

/// The marker lines of P50, P80 and P95.
fn percentile_marks(m: &Summary) -> [(&'static str, f64, &'static str); 3] {
    [
        ("P50", m.p50, colors::P50),
        ("P80", m.p80, colors::P80),
        ("P95", m.p95, colors::CRITICAL),
    ]
}

/// The range a histogram chart shows: its bins, widened to hold the markers, and at least
/// two units (days or periods) wide so that a finish with no spread still has an axis.
fn hist_range(h: &Histogram, m: &Summary) -> (f64, f64) {
    let lo = h.from.min(m.p50);
    let hi = (h.from + h.width * h.counts.len() as f64).max(m.p95);
    if hi - lo < 2.0 {
        let mid = (lo + hi) / 2.0;
        (mid - 1.0, mid + 1.0)
    } else {
        (lo, hi)
    }
}

/// How far a bin narrower than 5 px is moved left so that its 4 px bar stays centred on it.
fn bar_pad(px: f64) -> f64 {
    if px - 1.0 < 4.0 {
        (4.0 - (px - 1.0).max(0.0)) / 2.0
    } else {
        0.0
    }
}

/// The distribution of the simulated finish: one bar per histogram bin, with the P50, P80
/// and P95 of `m` as labelled vertical lines. `label` names a point in time on the axis.
pub fn histogram(h: &Histogram, m: &Summary, label: &dyn Fn(f64) -> String) -> String {
    let (w, ht) = (640.0, 300.0);
    let (x0, y0, pw, ph) = (48.0, 34.0, w - 68.0, ht - 34.0 - 40.0);
    let (lo, hi) = hist_range(h, m);
    let x = |t: f64| x0 + (t - lo) / (hi - lo) * pw;
    let max = h.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let total: u64 = h.counts.iter().sum();
    let mut out = String::new();
    open(&mut out, w, ht, "Distribution of the finish");
    // Y axis: share of iterations.
    let top_share = max / total.max(1) as f64;
    let step = nice_step(top_share * 100.0, 5);
    let mut p = 0.0;
    while p <= top_share * 100.0 + 1e-9 {
        let yy = y0 + ph - p / 100.0 / top_share * ph;
        line(&mut out, x0, yy, x0 + pw, yy, colors::GRID, "");
        text(
            &mut out,
            x0 - 6.0,
            yy + 4.0,
            "end",
            colors::INK,
            &format!("{}%", number(p)),
        );
        p += step;
    }
    for (k, &n) in h.counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let a = h.from + h.width * k as f64;
        let bh = n as f64 / max * ph;
        let _ = write!(
            out,
            "<rect class=\"bin\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
            c(x(a) + 0.5 - bar_pad(x(a + h.width) - x(a))),
            c(y0 + ph - bh),
            c((x(a + h.width) - x(a) - 1.0).max(4.0)),
            c(bh),
            colors::BAR,
            escape(&format!(
                "{} to {}: {} iterations ({}%)",
                number(a),
                number(a + h.width),
                n,
                number(n as f64 * 100.0 / total.max(1) as f64)
            ))
        );
    }
    for (i, (name, v, color)) in percentile_marks(m).into_iter().enumerate() {
        line(
            &mut out,
            x(v),
            y0 - 4.0,
            x(v),
            y0 + ph,
            color,
            " stroke-width=\"2\"",
        );
        text(
            &mut out,
            x(v),
            12.0 + 11.0 * i as f64,
            "middle",
            color,
            &format!("{name} {}", label(v)),
        );
    }
    time_axis(&mut out, x0, pw, y0 + ph, y0 + ph, lo, hi, label);
    out.push_str("</svg>");
    out
}

/// The cumulative probability of finishing by each time (the S-curve), from the histogram
/// (a point at the upper edge of every bin), with P50, P80 and P95 marked where the curve
/// crosses 50, 80 and 95 %.
pub fn s_curve(h: &Histogram, m: &Summary, label: &dyn Fn(f64) -> String) -> String {
    let (w, ht) = (640.0, 300.0);
    let (x0, y0, pw, ph) = (48.0, 20.0, w - 68.0, ht - 20.0 - 40.0);
    let (lo, hi) = hist_range(h, m);
    let x = |t: f64| x0 + (t - lo) / (hi - lo) * pw;
    let y = |p: f64| y0 + ph - p * ph;
    let total: u64 = h.counts.iter().sum();
    let mut out = String::new();
    open(&mut out, w, ht, "Probability of finishing by each date");
    for p in [0.0, 0.25, 0.5, 0.75, 1.0] {
        line(&mut out, x0, y(p), x0 + pw, y(p), colors::GRID, "");
        text(
            &mut out,
            x0 - 6.0,
            y(p) + 4.0,
            "end",
            colors::INK,
            &format!("{}%", number(p * 100.0)),
        );
    }
    let mut pts = vec![format!("{},{}", c(x(lo)), c(y(0.0)))];
    let mut cum = 0u64;
    pts.push(format!("{},{}", c(x(h.from)), c(y(0.0))));
    for (k, &n) in h.counts.iter().enumerate() {
        cum += n;
        let edge = h.from + h.width * (k + 1) as f64;
        pts.push(format!(
            "{},{}",
            c(x(edge)),
            c(y(cum as f64 / total.max(1) as f64))
        ));
    }
    let _ = write!(
        out,
        "<polyline class=\"cdf\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
        pts.join(" "),
        colors::BAR
    );
    for (name, v, color) in percentile_marks(m) {
        let p: f64 = name[1..].parse::<f64>().unwrap_or(0.0) / 100.0;
        line(
            &mut out,
            x0,
            y(p),
            x(v),
            y(p),
            color,
            " stroke-dasharray=\"3 3\"",
        );
        line(
            &mut out,
            x(v),
            y(p),
            x(v),
            y0 + ph,
            color,
            " stroke-dasharray=\"3 3\"",
        );
        let _ = write!(
            out,
            "<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{color}\"><title>{}</title></circle>",
            c(x(v)),
            c(y(p)),
            escape(&format!("{name}: {}", label(v)))
        );
        text(
            &mut out,
            x(v) + 6.0,
            y(p) - 6.0,
            "start",
            color,
            &format!("{name} {}", label(v)),
        );
    }
    time_axis(&mut out, x0, pw, y0 + ph, y0 + ph, lo, hi, label);
    out.push_str("</svg>");
    out
}

/// Signed horizontal bars, largest magnitude first (at most `max_rows`), around a zero line:
/// `items` are `(label, value)`; `fmt` writes a value. Zero values are left out; with none left
/// the chart says "nothing to show".
pub fn tornado(
    title: &str,
    items: &[(String, f64)],
    max_rows: usize,
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let mut rows: Vec<&(String, f64)> = items
        .iter()
        .filter(|(_, v)| v.is_finite() && v.abs() > 1e-9)
        .collect();
    crate::sorting::sort_by(&mut rows, |a, b| {
        b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0))
    });
    rows.truncate(max_rows);
    let row_h = 20.0;
    let (w, label_w) = (640.0, 200.0);
    let h = 30.0 + rows.len().max(1) as f64 * row_h + 10.0;
    let mut out = String::new();
    open(&mut out, w, h, title);
    text(&mut out, 4.0, 16.0, "start", colors::INK, title);
    if rows.is_empty() {
        text(&mut out, 4.0, 40.0, "start", colors::INK, "nothing to show");
        out.push_str("</svg>");
        return out;
    }
    let max = rows
        .iter()
        .map(|r| r.1.abs())
        .fold(0.0, f64::max)
        .max(1e-12);
    let neg = rows.iter().any(|r| r.1 < 0.0);
    let plot_w = w - label_w - 70.0;
    let zero = if neg { label_w + plot_w / 2.0 } else { label_w };
    let scale = if neg { plot_w / 2.0 } else { plot_w } / max;
    let mut y = 30.0;
    for (name, v) in rows {
        text(
            &mut out,
            label_w - 6.0,
            y + 14.0,
            "end",
            colors::INK,
            &cut(name, 30),
        );
        let (bx, bw) = if *v >= 0.0 {
            (zero, v * scale)
        } else {
            (zero + v * scale, -v * scale)
        };
        let _ = write!(
            out,
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
            c(bx),
            c(y + 3.0),
            c(bw.max(0.5)),
            c(row_h - 6.0),
            if *v >= 0.0 { colors::BAR } else { colors::P50 },
            escape(&format!("{name}: {}", fmt(*v)))
        );
        let (tx, anchor) = if *v >= 0.0 {
            (bx + bw + 4.0, "start")
        } else {
            (bx - 4.0, "end")
        };
        text(&mut out, tx, y + 14.0, anchor, colors::INK, &fmt(*v));
        y += row_h;
    }
    line(&mut out, zero, 26.0, zero, y, colors::INK, "");
    out.push_str("</svg>");
    out
}

/// A milestone (or zero-length task) as a diamond centred on `(cx, cy)`, red when critical,
/// with its tooltip; `data-task` carries the task id.
pub(crate) fn milestone(out: &mut String, id: &str, cx: f64, cy: f64, critical: bool, tip: &str) {
    let _ = write!(
        out,
        "<path data-task=\"{}\" d=\"M{} {}L{} {}L{} {}L{} {}Z\" fill=\"{}\"><title>{}</title></path>",
        escape(id),
        c(cx),
        c(cy - 6.0),
        c(cx + 6.0),
        c(cy),
        c(cx),
        c(cy + 6.0),
        c(cx - 6.0),
        c(cy),
        if critical { colors::CRITICAL } else { colors::MILESTONE },
        escape(tip)
    );
}

/// [`window_odds`] of a simulated release: each window labelled by its date (`Mar 09`) or, in
/// undated plans, its period.
pub fn release_window_odds(rr: &ReleaseRisk) -> String {
    let windows: Vec<(String, f64)> = view::window_rows(rr)
        .into_iter()
        .map(|w| (w.short, w.probability))
        .collect();
    window_odds(&rr.id, &windows, rr.unscheduled_probability)
}

/// The tornado of tasks: each task's rank correlation with the finish
/// ([`view::task_sensitivities`]), the [`view::TORNADO_ROWS`] largest.
pub fn task_tornado(plan: &Plan, sim: &Simulation) -> String {
    tornado(
        "Tasks: rank correlation with the finish",
        &view::task_sensitivities(plan, sim),
        view::TORNADO_ROWS,
        &view::correlation,
    )
}

/// The tornado of risks: each risk's effect on the P80 finish ([`view::risk_effects`]), in
/// days (periods), the [`view::TORNADO_ROWS`] largest.
pub fn risk_tornado(plan: &Plan, sim: &Simulation) -> String {
    let unit = if plan.is_dated() { "days" } else { "periods" };
    tornado(
        "Risks: effect on the P80 finish",
        &view::risk_effects(sim),
        view::TORNADO_ROWS,
        &|v| format!("{} {unit}", number(v)),
    )
}

/// The probability of each deploy window of a release (`(window label, probability)`, in
/// window order), as vertical bars labelled with percentages; `unscheduled` adds a last bar
/// for "no window".
pub fn window_odds(release: &str, windows: &[(String, f64)], unscheduled: f64) -> String {
    let mut bars: Vec<(String, f64, bool)> = windows
        .iter()
        .map(|(l, p)| (l.clone(), *p, false))
        .collect();
    if unscheduled > 0.0 {
        bars.push(("no window".into(), unscheduled, true));
    }
    let n = bars.len().max(1);
    let bw = (560.0 / n as f64).clamp(14.0, 70.0);
    let w = (60.0 + bw * n as f64 + 20.0).max(240.0);
    let (y0, ph) = (34.0, 150.0);
    let h = y0 + ph + 56.0;
    let title = format!("Deploy window odds of {release}");
    let mut out = String::new();
    open(&mut out, w, h, &title);
    text(&mut out, 4.0, 16.0, "start", colors::INK, &title);
    line(&mut out, 50.0, y0 + ph, w - 10.0, y0 + ph, colors::INK, "");
    let rotate = bw < 56.0;
    for (i, (l, p, none)) in bars.iter().enumerate() {
        let x = 56.0 + bw * i as f64;
        let bh = p.clamp(0.0, 1.0) * ph;
        let _ = write!(
            out,
            "<rect class=\"window\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
            c(x + 2.0),
            c(y0 + ph - bh),
            c(bw - 4.0),
            c(bh.max(0.5)),
            if *none { colors::CRITICAL } else { colors::MILESTONE },
            escape(&format!("{l}: {}%", number(p * 100.0)))
        );
        text(
            &mut out,
            x + bw / 2.0,
            y0 + ph - bh - 4.0,
            "middle",
            colors::INK,
            &format!("{}%", number((p * 1000.0).round() / 10.0)),
        );
        if rotate {
            let (lx, ly) = (x + bw / 2.0 + 4.0, y0 + ph + 8.0);
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{}\" transform=\"rotate(-45 {} {})\">{}</text>",
                c(lx),
                c(ly),
                colors::INK,
                c(lx),
                c(ly),
                escape(&cut(l, 12))
            );
        } else {
            text(
                &mut out,
                x + bw / 2.0,
                y0 + ph + 16.0,
                "middle",
                colors::INK,
                &cut(l, 12),
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{parse_str, Format};

    /// Every chart must be well-formed XML with an `svg` root.
    fn well_formed(svg: &str) {
        let mut r = quick_xml::Reader::from_str(svg);
        let mut depth = 0i32;
        let mut root = None;
        loop {
            match r.read_event().expect("well-formed SVG") {
                quick_xml::events::Event::Start(e) => {
                    root.get_or_insert_with(|| e.name().as_ref().to_vec());
                    depth += 1;
                }
                quick_xml::events::Event::End(_) => depth -= 1,
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(depth, 0);
        assert_eq!(root.as_deref(), Some(&b"svg"[..]));
    }

    fn attr(svg: &str, marker: &str, name: &str) -> f64 {
        let at = svg.find(marker).expect(marker);
        let rest = &svg[at..];
        let k = rest.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        rest[k..k + rest[k..].find('"').unwrap()].parse().unwrap()
    }

    /// A dated plan with progress: `a` done over days [0, 5), `b` started on day 5 with 3 days
    /// left from the status date (day 10, 2027-01-18), so over [10, 13); `c` after it, [13, 15).
    const PROGRESS: &str = "[plan]\nname = \"p\"\nstart = 2027-01-04\nstatus_date = 2027-01-18\n\
[[tasks]]\nid = \"a\"\nestimate = 5\nstarted = 2027-01-04\ndone = 2027-01-08\n\
[[tasks]]\nid = \"b\"\nestimate = 6\nafter = [\"a\"]\nstarted = 2027-01-11\nremaining = 3\n\
[[tasks]]\nid = \"c\"\nestimate = 2\nafter = [\"b\"]\n";

    /// The value `c` writes for `x`.
    fn r(x: f64) -> f64 {
        (x * 10.0).round() / 10.0
    }

    #[test]
    fn gantt_draws_done_work_elapsed_work_and_the_status_line() {
        let plan = parse_str(PROGRESS, Format::Toml).unwrap();
        let s = crate::dispatch::schedule(&plan);
        assert_eq!((s.tasks[0].start, s.tasks[0].finish), (0.0, 5.0));
        assert_eq!((s.tasks[1].start, s.tasks[1].finish), (5.0, 13.0));
        assert_eq!(s.makespan, 15.0);
        // The report's Gantt: plot from x = 230 over 710 units for 15 days.
        let svg = gantt(&plan, &s);
        well_formed(&svg);
        let x = |t: f64| 230.0 + t / 15.0 * 710.0;
        assert_eq!(attr(&svg, "data-done=\"a\"", "x"), r(x(0.0)));
        assert_eq!(attr(&svg, "data-done=\"a\"", "width"), r(x(5.0) - x(0.0)));
        assert_eq!(attr(&svg, "data-elapsed=\"b\"", "x"), r(x(5.0)));
        assert_eq!(
            attr(&svg, "data-elapsed=\"b\"", "width"),
            r(x(10.0) - x(5.0))
        );
        assert!(!svg.contains("data-done=\"b\"") && !svg.contains("data-elapsed=\"a\""));
        assert!(!svg.contains("data-done=\"c\"") && !svg.contains("data-elapsed=\"c\""));
        assert_eq!(attr(&svg, "data-status=\"2027-01-18\"", "x1"), r(x(10.0)));
        assert_eq!(attr(&svg, "data-status=\"2027-01-18\"", "x2"), r(x(10.0)));
        assert!(svg.contains(">status 2027-01-18</text>"));
        // The browser's team lanes draw the same layer: from x = 130 over 850 units for
        // 15 x 1.02 days.
        let svg = crate::views::gantt_lanes(&plan, &s);
        well_formed(&svg);
        let x = |t: f64| 130.0 + t / (15.0 * 1.02) * 850.0;
        assert_eq!(attr(&svg, "data-done=\"a\"", "x"), r(x(0.0)));
        assert_eq!(attr(&svg, "data-done=\"a\"", "width"), r(x(5.0) - x(0.0)));
        assert_eq!(attr(&svg, "data-elapsed=\"b\"", "x"), r(x(5.0)));
        assert_eq!(
            attr(&svg, "data-elapsed=\"b\"", "width"),
            r(x(10.0) - x(5.0))
        );
        assert!(!svg.contains("data-done=\"c\"") && !svg.contains("data-elapsed=\"c\""));
        assert_eq!(attr(&svg, "data-status=\"2027-01-18\"", "x1"), r(x(10.0)));
        assert!(svg.contains(">status 2027-01-18</text>"));
    }

    #[test]
    fn a_status_past_the_last_finish_widens_the_axis_to_show_its_line() {
        // Undated, everything done by 4, status 8: the axis reaches 8 and the line sits at
        // the right end of the plot.
        let plan = parse_str(
            "[plan]\nname = \"p\"\nstatus = 8\n[[tasks]]\nid = \"a\"\nestimate = 4\nstarted = 0\ndone = 4\n",
            Format::Toml,
        )
        .unwrap();
        let s = crate::dispatch::schedule(&plan);
        let svg = gantt(&plan, &s);
        assert_eq!(attr(&svg, "data-status=\"8\"", "x1"), 940.0);
        assert_eq!(attr(&svg, "data-done=\"a\"", "width"), r(4.0 / 8.0 * 710.0));
        assert!(svg.contains("text-anchor=\"end\" fill=\"#111111\">status 8</text>"));
    }

    #[test]
    fn charts_without_progress_have_no_progress_layer() {
        // The same plan without any progress: no done, elapsed or status marks at all; with a
        // status date and nothing started, the status line is the only addition.
        let bare = "[plan]\nname = \"p\"\n[[tasks]]\nid = \"a\"\nestimate = 4\n\
[[tasks]]\nid = \"b\"\nestimate = 6\nafter = [\"a\"]\n";
        let with_status = bare.replace("name = \"p\"\n", "name = \"p\"\nstatus = 0\n");
        for draw in [gantt, crate::views::gantt_lanes] {
            let plan = parse_str(bare, Format::Toml).unwrap();
            let before = draw(&plan, &crate::dispatch::schedule(&plan));
            for mark in ["data-done", "data-elapsed", "data-status", "status "] {
                assert!(!before.contains(mark), "{mark}");
            }
            let plan = parse_str(&with_status, Format::Toml).unwrap();
            let after = draw(&plan, &crate::dispatch::schedule(&plan));
            let line = after.find("<line data-status").expect("the status line");
            let end = after[line..].find("</text>").expect("its label") + line + 7;
            assert!(after[line..end].ends_with(">status 0</text>"));
            let stripped = format!("{}{}", &after[..line], &after[end..]);
            assert_eq!(stripped, before);
        }
    }

    #[test]
    fn gantt_bars_sit_at_their_times_and_text_is_escaped() {
        // Undated: a [0, 4), b [4, 10); plot from x = 230 over 710 units for 10 periods.
        let plan = parse_str(
            "[plan]\nname = \"<x>\"\n[[tasks]]\nid = \"a\"\nname = \"<img src=x onerror=alert(1)>\"\nestimate = 4\n\
             [[tasks]]\nid = \"b\"\nestimate = 6\nafter = [\"a\"]\n",
            Format::Toml,
        )
        .unwrap();
        let s = crate::dispatch::schedule(&plan);
        let svg = gantt(&plan, &s);
        well_formed(&svg);
        assert!(!svg.contains("<img"));
        assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"));
        let x0 = 230.0;
        let scale = 710.0 / 10.0;
        assert_eq!(attr(&svg, "data-task=\"a\"", "x"), x0);
        assert_eq!(attr(&svg, "data-task=\"a\"", "width"), 4.0 * scale);
        assert_eq!(attr(&svg, "data-task=\"b\"", "x"), x0 + 4.0 * scale);
        assert_eq!(attr(&svg, "data-task=\"b\"", "width"), 6.0 * scale);
    }

    #[test]
    fn histogram_and_curve_mark_the_percentiles() {
        let h = Histogram {
            from: 10.0,
            width: 1.0,
            counts: vec![1, 3, 4, 2],
        };
        let m = Summary {
            mean: 11.7,
            p10: 10.5,
            p50: 11.5,
            p80: 12.5,
            p90: 13.0,
            p95: 13.5,
        };
        let label = |t: f64| number(t);
        let svg = histogram(&h, &m, &label);
        well_formed(&svg);
        assert_eq!(svg.matches("class=\"bin\"").count(), 4);
        for p in ["P50 11.5", "P80 12.5", "P95 13.5"] {
            assert!(svg.contains(p), "{p}");
        }
        // The tallest bin (4 of 10) is the full plot height; the first (1) a quarter of it.
        let ph: f64 = 300.0 - 34.0 - 40.0;
        let first = svg.find("class=\"bin\"").unwrap();
        assert_eq!(
            attr(&svg[first..], "class=\"bin\"", "height"),
            (ph / 4.0 * 10.0).round() / 10.0
        );
        let curve = s_curve(&h, &m, &label);
        well_formed(&curve);
        // Cumulative shares 0.1, 0.4, 0.8, 1.0 at the bins' upper edges.
        let y = |p: f64| 20.0 + 240.0 - p * 240.0;
        let x = |t: f64| 48.0 + (t - 10.0) / 4.0 * 572.0;
        let pts = format!("{},{}", c(x(13.0)), c(y(0.8)));
        assert!(curve.contains(&pts), "{pts} in {curve}");
        assert_eq!(curve.matches("class=\"mark\"").count(), 3);
    }

    #[test]
    fn tornado_orders_by_magnitude_and_windows_sum() {
        let items = vec![
            ("small".to_string(), 0.1),
            ("big".to_string(), -0.8),
            ("mid".to_string(), 0.5),
        ];
        let svg = tornado("t", &items, 2, &|v| format!("{v:.2}"));
        well_formed(&svg);
        assert_eq!(svg.matches("class=\"bar\"").count(), 2);
        assert!(svg.find("big").unwrap() < svg.find("mid").unwrap());
        assert!(!svg.contains("small"));
        let w = window_odds(
            "r<1>",
            &[("Feb 16".into(), 0.7), ("Mar 02".into(), 0.2)],
            0.1,
        );
        well_formed(&w);
        assert_eq!(w.matches("class=\"window\"").count(), 3);
        assert!(w.contains("r&lt;1&gt;") && w.contains("70%") && w.contains("no window"));
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(10.0, 10), 1.0);
        assert_eq!(nice_step(43.0, 10), 5.0);
        assert_eq!(nice_step(0.9, 5), 0.2);
        assert_eq!(nice_step(1000.0, 10), 100.0);
    }
}
