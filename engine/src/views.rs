//! The browser planner's extra charts, drawn like [`crate::svg`]'s (standalone `<svg>`, every
//! piece of plan text escaped, no stylesheet):
//!
//! - [`dependency_graph`]: the task network in layers (longest path from the sources), nodes
//!   coloured by team, cross-team links dashed, the critical path in thick red;
//! - [`gantt_lanes`]: the schedule with one lane per team (overlapping tasks stacked inside
//!   it), each release's ready and deploy markers, and its freeze periods shaded; with a
//!   status date, done work apart from remaining work and the status-date line (the report's
//!   Gantt draws them with the same [`crate::svg::progress_layer`] and [`crate::svg::status_line`]);
//! - [`team_load`]: the windows plan's work against capacity, per team and window.
//!
//! Layout only: nothing here measures text (labels are cut to a fixed number of characters).

use std::fmt::Write as _;

use crate::calendar::Timeline;
use crate::model::{Plan, TaskKind, When};
use crate::optimize::WindowsReport;
use crate::schedule::ScheduleReport;
use crate::svg::{
    c, colors, cut, escape, line, milestone, open, progress_layer, status_line, status_time,
    task_tip, text, time_axis, time_labels,
};
use crate::view::number;

/// The colour of team `k` (ten distinct colours, then repeating); tasks without a team are
/// grey.
pub fn team_color(k: Option<usize>) -> &'static str {
    const PALETTE: [&str; 10] = [
        "#4c78a8", "#f58518", "#54a24b", "#b279a2", "#72b7b2", "#eeca3b", "#9d755d", "#ff9da6",
        "#bab0ac", "#79706e",
    ];
    match k {
        Some(k) => PALETTE[k % PALETTE.len()],
        None => "#c7c7c7",
    }
}

/// The layered layout of the task network: `layer[j]` is the length (in links) of the longest
/// chain of predecessors ending at task `j`, and `rows[l]` the tasks of layer `l` top to
/// bottom, ordered to shorten links (a few barycentre sweeps, ties by team then plan order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layers {
    /// Each task's layer.
    pub layer: Vec<usize>,
    /// Each layer's tasks, in drawing order.
    pub rows: Vec<Vec<usize>>,
}

/// Lays out `plan`'s task network in layers (see [`Layers`]).
///
/// ```
/// let plan = shipdate_engine::io::parse_str(
///     "[plan]\nname = \"d\"\n[[tasks]]\nid = \"a\"\nestimate = 1\n[[tasks]]\nid = \"b\"\nestimate = 1\nafter = [\"a\"]\n",
///     shipdate_engine::io::Format::Toml,
/// ).unwrap();
/// let l = shipdate_engine::views::layers(&plan);
/// assert_eq!(l.layer, vec![0, 1]);
/// ```
pub fn layers(plan: &Plan) -> Layers {
    let n = plan.tasks.len();
    let order = crate::graph::topological_order(plan);
    let mut layer = vec![0usize; n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &j in &order {
        for l in &plan.tasks[j].after {
            layer[j] = layer[j].max(layer[l.pred] + 1);
            succs[l.pred].push(j);
        }
    }
    let depth = layer.iter().copied().max().map_or(0, |d| d + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for j in 0..n {
        rows[layer[j]].push(j);
    }
    let team_key = |j: usize| plan.tasks[j].team.unwrap_or(usize::MAX);
    for row in &mut rows {
        crate::sorting::sort_by_key(row, |&j| (team_key(j), j));
    }
    let mut pos = vec![0.0f64; n];
    let place = |rows: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for row in rows {
            for (i, &j) in row.iter().enumerate() {
                pos[j] = i as f64;
            }
        }
    };
    place(&rows, &mut pos);
    for _ in 0..4 {
        // Down: by the mean position of predecessors; up: of successors.
        for l in 1..depth {
            let bary: Vec<(f64, usize)> = rows[l]
                .iter()
                .map(|&j| {
                    let a = &plan.tasks[j].after;
                    let b = if a.is_empty() {
                        pos[j]
                    } else {
                        a.iter().map(|x| pos[x.pred]).sum::<f64>() / a.len() as f64
                    };
                    (b, j)
                })
                .collect();
            rows[l] = sorted(bary, &team_key);
            place(&rows, &mut pos);
        }
        for l in (0..depth.saturating_sub(1)).rev() {
            let bary: Vec<(f64, usize)> = rows[l]
                .iter()
                .map(|&j| {
                    let s = &succs[j];
                    let b = if s.is_empty() {
                        pos[j]
                    } else {
                        s.iter().map(|&x| pos[x]).sum::<f64>() / s.len() as f64
                    };
                    (b, j)
                })
                .collect();
            rows[l] = sorted(bary, &team_key);
            place(&rows, &mut pos);
        }
    }
    Layers { layer, rows }
}

fn sorted(mut bary: Vec<(f64, usize)>, team_key: &dyn Fn(usize) -> usize) -> Vec<usize> {
    crate::sorting::sort_by(&mut bary, |a, b| {
        a.0.total_cmp(&b.0)
            .then(team_key(a.1).cmp(&team_key(b.1)))
            .then(a.1.cmp(&b.1))
    });
    bary.into_iter().map(|(_, j)| j).collect()
}

fn legend(out: &mut String, plan: &Plan, y: f64) {
    let mut x = 8.0;
    let mut entries: Vec<(Option<usize>, &str)> = plan
        .teams
        .iter()
        .enumerate()
        .map(|(k, t)| (Some(k), t.id.as_str()))
        .collect();
    if plan.tasks.iter().any(|t| t.team.is_none()) {
        entries.push((None, "no team"));
    }
    for (k, id) in entries {
        let label = cut(id, 18);
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>",
            c(x),
            c(y - 9.0),
            team_color(k)
        );
        text(out, x + 14.0, y, "start", colors::INK, &label);
        x += 24.0 + 7.0 * label.chars().count() as f64;
    }
}

/// The dependency graph: one box per task in its [`layers`] column, coloured by team, with a
/// thick red border on critical tasks; links drawn from predecessor to successor, dashed when
/// they cross teams, thick red when both ends are critical (the critical path). Each task's
/// box is a `<g data-task="id">` with a `<title>`.
///
/// ```
/// let plan = shipdate_engine::io::parse_str(
///     "[plan]\nname = \"d\"\n[[tasks]]\nid = \"a\"\nestimate = 1\n[[tasks]]\nid = \"b\"\nestimate = 1\nafter = [\"a\"]\n",
///     shipdate_engine::io::Format::Toml,
/// ).unwrap();
/// let s = shipdate_engine::dispatch::schedule(&plan);
/// let svg = shipdate_engine::views::dependency_graph(&plan, &s);
/// assert!(svg.contains("data-task=\"b\"") && svg.contains("data-link=\"a b\""));
/// ```
pub fn dependency_graph(plan: &Plan, sched: &ScheduleReport) -> String {
    let lay = layers(plan);
    let (node_w, node_h, col_w, row_h) = (130.0, 30.0, 180.0, 44.0);
    let top = 34.0;
    let tallest = lay.rows.iter().map(Vec::len).max().unwrap_or(0);
    let w = (lay.rows.len() as f64 * col_w + 20.0).max(400.0);
    let h = top + tallest as f64 * row_h + 10.0;
    let mut xy = vec![(0.0, 0.0); plan.tasks.len()];
    for (l, row) in lay.rows.iter().enumerate() {
        for (i, &j) in row.iter().enumerate() {
            xy[j] = (10.0 + l as f64 * col_w, top + i as f64 * row_h);
        }
    }
    let crit = |j: usize| sched.tasks.get(j).is_some_and(|t| t.critical);
    let mut out = String::new();
    open(&mut out, w, h, &format!("Dependencies of {}", plan.name));
    legend(&mut out, plan, 16.0);
    // Links first (under the boxes), critical ones last so they stay on top.
    for pass in [false, true] {
        for (j, t) in plan.tasks.iter().enumerate() {
            for l in &t.after {
                let on_path = crit(l.pred) && crit(j);
                if on_path != pass {
                    continue;
                }
                let (x1, y1) = (xy[l.pred].0 + node_w, xy[l.pred].1 + node_h / 2.0);
                let (x2, y2) = (xy[j].0, xy[j].1 + node_h / 2.0);
                let cross = plan.tasks[l.pred].team != t.team;
                let (stroke, width) = if on_path {
                    (colors::CRITICAL, "2.5")
                } else if cross {
                    (colors::INK, "1.2")
                } else {
                    ("#9a9a9a", "1")
                };
                let dash = if cross {
                    " stroke-dasharray=\"5 3\""
                } else {
                    ""
                };
                let mx = (x1 + x2) / 2.0;
                let _ = write!(
                    out,
                    "<path data-link=\"{} {}\" data-critical=\"{on_path}\" data-cross-team=\"{cross}\" d=\"M{} {}C{} {} {} {} {} {}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}><title>{}</title></path>",
                    escape(&plan.tasks[l.pred].id),
                    escape(&t.id),
                    c(x1),
                    c(y1),
                    c(mx),
                    c(y1),
                    c(mx),
                    c(y2),
                    c(x2 - 3.0),
                    c(y2),
                    escape(&format!(
                        "{} → {} ({:?}{})",
                        plan.tasks[l.pred].id,
                        t.id,
                        l.kind,
                        if l.lag != 0.0 {
                            format!(", lag {}", number(l.lag))
                        } else {
                            String::new()
                        }
                    ))
                );
            }
        }
    }
    for (j, t) in plan.tasks.iter().enumerate() {
        let (x, y) = xy[j];
        let critical = crit(j);
        let s = sched.tasks.get(j);
        let tip = format!(
            "{}{}{}",
            t.label(),
            t.team
                .map(|k| format!(" · team {}", plan.teams[k].id))
                .unwrap_or_default(),
            s.map(|s| format!(
                " · {} to {} · slack {}",
                number(s.start),
                number(s.finish),
                number(s.slack)
            ))
            .unwrap_or_default()
        );
        let rx = match t.kind {
            TaskKind::Milestone => 14.0,
            TaskKind::Gate => 0.0,
            TaskKind::Work => 4.0,
        };
        let (stroke, sw) = if critical {
            (colors::CRITICAL, "3")
        } else {
            ("#555555", "1")
        };
        let _ = write!(
            out,
            "<g data-task=\"{}\" data-critical=\"{critical}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{node_w}\" height=\"{node_h}\" rx=\"{rx}\" fill=\"{}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/>",
            escape(&t.id),
            escape(&tip),
            c(x),
            c(y),
            team_color(t.team)
        );
        text(
            &mut out,
            x + node_w / 2.0,
            y + 19.0,
            "middle",
            "#111111",
            &cut(&t.id, 19),
        );
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// Plan time of the start of `w` (dated: its working day; undated: the period).
fn offset(tl: &Timeline, w: When) -> f64 {
    match w {
        When::Date(d) => tl.day_of_date(d) as f64,
        When::Period(p) => p,
    }
}

/// The schedule by team lane: one lane per team (then tasks without a team), overlapping
/// tasks stacked in sub-rows, bars coloured by team with critical ones outlined red. Each
/// release's ready time is a solid marker line and its deploy a dashed one; its freeze
/// periods are shaded. Bars are `<rect data-task>`, markers carry `data-ready`,
/// `data-deploy` and `data-freeze` with the release id. With a status date, done tasks are
/// muted (`data-done`), the worked part of started ones is dark (`data-elapsed`) and the
/// status date is a line (`data-status`) labelled `status DATE`.
pub fn gantt_lanes(plan: &Plan, sched: &ScheduleReport) -> String {
    let label = time_labels(plan);
    let tl = Timeline::new(plan);
    let lanes = lanes(plan, sched);
    let marks = release_marks(&tl, sched);
    let status = status_time(plan, sched);
    let hi = marks
        .iter()
        .map(|m| m.2.unwrap_or(m.1))
        .chain(status)
        .fold(sched.makespan, f64::max)
        .max(1.0)
        * 1.02;
    let freezes = freezes(plan, &tl, hi);
    let row_h = 20.0;
    let label_w = 130.0;
    let w = 1000.0;
    let plot_w = w - label_w - 20.0;
    let top = 18.0 + 14.0 * marks.len().min(6) as f64;
    let nrows: usize = lanes.iter().map(|l| l.2.len()).sum();
    let lanes_h = nrows as f64 * row_h + lanes.len() as f64 * 6.0;
    let bottom = top + lanes_h + 4.0;
    let h = bottom + 30.0;
    let x = |t: f64| label_w + t / hi * plot_w;
    let mut out = String::new();
    open(&mut out, w, h, &format!("Team lanes of {}", plan.name));
    for (id, a, b) in &freezes {
        let _ = write!(
            out,
            "<rect data-freeze=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#9ecae1\" fill-opacity=\"0.35\"><title>{}</title></rect>",
            escape(id),
            c(x(*a)),
            c(top - 4.0),
            c((x(*b) - x(*a)).max(1.0)),
            c(bottom - top + 4.0),
            escape(&format!("freeze of {id}"))
        );
    }
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
    for (name, team, rows) in &lanes {
        let lane_h = rows.len() as f64 * row_h;
        let _ = write!(
            out,
            "<rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"0.08\"/>",
            c(y),
            c(w),
            c(lane_h + 2.0),
            team_color(*team)
        );
        let _ = write!(
            out,
            "<text data-lane=\"{}\" x=\"6\" y=\"{}\" font-weight=\"bold\" fill=\"{}\">{}</text>",
            escape(name),
            c(y + 14.0),
            colors::INK,
            escape(&cut(name, 18))
        );
        for row in rows {
            for &j in row {
                lane_bar(&mut out, plan, sched, (j, status), y, &x);
            }
            y += row_h;
        }
        y += 6.0;
    }
    for (i, mark) in marks.iter().enumerate() {
        release_marker(&mut out, i, mark, (label_w, plot_w, bottom), &x);
    }
    status_line(&mut out, sched, status, (top - 4.0, bottom, w - 20.0), &x);
    out.push_str("</svg>");
    out
}

/// A team lane: its name, its team, and its tasks in sub-rows.
type Lane = (String, Option<usize>, Vec<Vec<usize>>);

/// One lane per team (then one for tasks without a team), empty ones left out; inside a
/// lane, tasks by start, each in the first sub-row free when it starts.
fn lanes(plan: &Plan, sched: &ScheduleReport) -> Vec<Lane> {
    let mut lanes: Vec<Lane> = Vec::new();
    let mut groups: Vec<(String, Option<usize>)> = plan
        .teams
        .iter()
        .enumerate()
        .map(|(k, t)| (t.id.clone(), Some(k)))
        .collect();
    groups.push(("no team".into(), None));
    for (name, team) in groups {
        let mut tasks: Vec<usize> = (0..plan.tasks.len())
            .filter(|&j| plan.tasks[j].team == team)
            .collect();
        if tasks.is_empty() {
            continue;
        }
        crate::sorting::sort_by(&mut tasks, |&a, &b| {
            sched.tasks[a]
                .start
                .total_cmp(&sched.tasks[b].start)
                .then(a.cmp(&b))
        });
        let mut rows: Vec<(f64, Vec<usize>)> = Vec::new();
        for j in tasks {
            let s = &sched.tasks[j];
            match rows.iter_mut().find(|r| r.0 <= s.start + 1e-9) {
                Some(r) => {
                    r.0 = s.finish.max(s.start + 1e-6);
                    r.1.push(j);
                }
                None => rows.push((s.finish.max(s.start + 1e-6), vec![j])),
            }
        }
        lanes.push((name, team, rows.into_iter().map(|r| r.1).collect()));
    }
    lanes
}

/// A release's markers: (release, ready, deploy, late).
type Mark<'a> = (&'a str, f64, Option<f64>, bool);

fn release_marks<'a>(tl: &Timeline, sched: &'a ScheduleReport) -> Vec<Mark<'a>> {
    sched
        .releases
        .iter()
        .map(|r| {
            let deploy = match (r.deploy_date, r.deploy) {
                (Some(d), _) => Some(tl.day_of_date(d) as f64),
                (None, Some(x)) => Some(x),
                _ => None,
            };
            (r.id.as_str(), r.ready, deploy, r.on_time == Some(false))
        })
        .collect()
}

/// Every release's freeze periods that show before `hi`: (release, from, to), clipped.
fn freezes<'a>(plan: &'a Plan, tl: &Timeline, hi: f64) -> Vec<(&'a str, f64, f64)> {
    plan.releases
        .iter()
        .flat_map(|r| {
            r.freeze.iter().filter_map(move |f| {
                let a = offset(tl, f.from);
                // Dated freezes are inclusive of their last day.
                let b = offset(tl, f.to)
                    + if matches!(f.to, When::Date(_)) {
                        1.0
                    } else {
                        0.0
                    };
                (b > 0.0 && a < hi).then_some((r.id.as_str(), a.max(0.0), b.min(hi)))
            })
        })
        .collect()
}

/// Task `j`'s bar in the sub-row at `y`: team-coloured, outlined red when critical, its
/// progress at status time `status` over it, its id inside when it fits (a diamond for a
/// milestone).
fn lane_bar(
    out: &mut String,
    plan: &Plan,
    sched: &ScheduleReport,
    (j, status): (usize, Option<f64>),
    y: f64,
    x: &dyn Fn(f64) -> f64,
) {
    let row_h = 20.0;
    let t = &plan.tasks[j];
    let s = &sched.tasks[j];
    let tip = task_tip(t, s);
    if t.kind == TaskKind::Milestone || s.finish <= s.start {
        milestone(out, &t.id, x(s.start), y + row_h / 2.0, s.critical, &tip);
        return;
    }
    let bw = (x(s.finish) - x(s.start)).max(1.0);
    let stroke = if s.critical {
        format!(" stroke=\"{}\" stroke-width=\"2\"", colors::CRITICAL)
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "<rect data-task=\"{}\" data-critical=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" fill=\"{}\"{stroke}><title>{}</title></rect>",
        escape(&t.id),
        s.critical,
        c(x(s.start)),
        c(y + 3.0),
        c(bw),
        c(row_h - 6.0),
        team_color(t.team),
        escape(&tip)
    );
    progress_layer(out, sched, status, j, (y + 3.0, row_h - 6.0), x);
    let fits = (bw / 6.5).floor() as usize;
    if fits >= 3 {
        text(
            out,
            x(s.start) + 3.0,
            y + 14.0,
            "start",
            "#111111",
            &cut(&t.id, fits),
        );
    }
}

/// Release `i`'s ready line (solid) and deploy line (dashed) with their caption; `plot` is
/// (left, width, bottom) of the plot area.
fn release_marker(
    out: &mut String,
    i: usize,
    mark: &Mark<'_>,
    plot: (f64, f64, f64),
    x: &dyn Fn(f64) -> f64,
) {
    let (label_w, plot_w, bottom) = plot;
    let (id, ready, deploy, late) = *mark;
    let ly = 14.0 + 14.0 * (i % 6) as f64;
    let color = if late {
        colors::CRITICAL
    } else {
        colors::MILESTONE
    };
    let _ = write!(
        out,
        "<line data-ready=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"><title>{}</title></line>",
        escape(id),
        c(x(ready)),
        c(ly + 2.0),
        c(x(ready)),
        c(bottom),
        colors::P50,
        escape(&format!("{id} ready"))
    );
    let mut caption = format!("{} ready", cut(id, 16));
    if let Some(d) = deploy {
        line(
            out,
            x(d),
            ly + 2.0,
            x(d),
            bottom,
            color,
            &format!(" stroke-dasharray=\"4 3\" data-deploy=\"{}\"", escape(id)),
        );
        caption.push_str(" · deploy");
    }
    let anchor = if x(ready) > label_w + plot_w * 0.7 {
        "end"
    } else {
        "start"
    };
    text(out, x(ready) + 3.0, ly, anchor, color, &caption);
}

/// The windows plan's load: one row per team, one column per window (up to one past the last
/// window with work or a release), the capacity of the window's bucket as a grey bar and the
/// work shipping in it as a coloured bar inside (red where the team's work so far exceeds its
/// capacity so far). `label` names a window.
pub fn team_load(report: &WindowsReport, label: &dyn Fn(When) -> String) -> String {
    let mut teams: Vec<&str> = Vec::new();
    for l in &report.load {
        if !teams.contains(&l.team.as_str()) {
            teams.push(&l.team);
        }
    }
    // Windows up to the last one with work (or a release), and one more: cadences reach two
    // years out, most of it empty.
    let last = report
        .load
        .iter()
        .filter(|l| l.work > 0.0)
        .map(|l| l.window_number)
        .chain(report.releases.iter().filter_map(|r| r.window_number))
        .max()
        .unwrap_or(report.windows.len());
    let nw = (last + 1).min(report.windows.len()).max(1);
    let label_w = 110.0;
    let col = (860.0 / nw as f64).clamp(14.0, 60.0);
    let row_h = 56.0;
    let w = label_w + col * nw as f64 + 20.0;
    let h = 20.0 + row_h * teams.len() as f64 + 40.0;
    let mut out = String::new();
    open(&mut out, w, h, "Team load against capacity per window");
    for (r, team) in teams.iter().enumerate() {
        let y0 = 20.0 + r as f64 * row_h;
        let base = y0 + row_h - 10.0;
        let rows: Vec<_> = report
            .load
            .iter()
            .filter(|l| l.team == *team && l.window_number <= nw)
            .collect();
        let max = rows
            .iter()
            .map(|l| l.work.max(l.capacity))
            .fold(0.0f64, f64::max)
            .max(1e-9);
        let scale = (row_h - 16.0) / max;
        text(
            &mut out,
            6.0,
            base - 12.0,
            "start",
            colors::INK,
            &cut(team, 16),
        );
        line(
            &mut out,
            label_w,
            base,
            label_w + col * nw as f64,
            base,
            colors::GRID,
            "",
        );
        for l in rows {
            let i = l.window_number.saturating_sub(1) as f64;
            let x0 = label_w + i * col + 2.0;
            let bw = col - 4.0;
            let over = l.cumulative_work > l.cumulative_capacity + 1e-9;
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                c(x0),
                c(base - l.capacity * scale),
                c(bw),
                c(l.capacity * scale),
                colors::GRID
            );
            let _ = write!(
                out,
                "<rect data-team=\"{}\" data-window=\"{}\" data-over=\"{over}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
                escape(team),
                l.window_number,
                c(x0 + bw * 0.2),
                c(base - l.work * scale),
                c(bw * 0.6),
                c(l.work * scale),
                if over { colors::CRITICAL } else { colors::BAR },
                escape(&format!(
                    "{team}, window {}: work {} of capacity {} (so far {} of {})",
                    label(l.window),
                    number(l.work),
                    number(l.capacity),
                    number(l.cumulative_work),
                    number(l.cumulative_capacity)
                ))
            );
        }
    }
    let step = (nw as f64 / (860.0 / 70.0)).ceil().max(1.0) as usize;
    let base = 20.0 + row_h * teams.len() as f64;
    for (i, wdw) in report.windows.iter().take(nw).enumerate().step_by(step) {
        text(
            &mut out,
            label_w + (i as f64 + 0.5) * col,
            base + 14.0,
            "middle",
            colors::INK,
            &label(*wdw),
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{parse_str, Format};

    const PLAN: &str =
        "[plan]\nname = \"<b>x</b>\"\n[teams.be]\ncapacity = 1\n[teams.fe]\ncapacity = 1\n\
[[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\n\
[[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\n\
[[tasks]]\nid = \"c\"\nteam = \"fe\"\nestimate = 4\nafter = [\"a\"]\n\
[[tasks]]\nid = \"d\"\nestimate = 1\nafter = [\"b\", \"c\"]\n\
[[releases]]\nid = \"r\"\ntasks = [\"d\"]\nwindows = [9, 12]\nfreeze = [{ from = 8, to = 10 }]\n";

    #[test]
    fn layers_are_longest_paths_and_rows_follow_predecessors() {
        let plan = parse_str(PLAN, Format::Toml).unwrap();
        let l = layers(&plan);
        assert_eq!(l.layer, vec![0, 0, 1, 2]);
        assert_eq!(l.rows, vec![vec![0, 1], vec![2], vec![3]]);
    }

    #[test]
    fn graph_marks_critical_and_cross_team_links_and_escapes() {
        let plan = parse_str(PLAN, Format::Toml).unwrap();
        let s = crate::dispatch::schedule(&plan);
        // a [0,3) -> c [3,7) -> d [7,8) is the critical path; b [3,5) has slack.
        assert!(s.tasks[0].critical && s.tasks[2].critical && !s.tasks[1].critical);
        let svg = dependency_graph(&plan, &s);
        assert!(svg.contains("data-link=\"a c\" data-critical=\"true\" data-cross-team=\"true\""));
        assert!(svg.contains("data-link=\"b d\" data-critical=\"false\" data-cross-team=\"true\""));
        assert!(svg.contains("<g data-task=\"b\" data-critical=\"false\">"));
        assert!(svg.contains("&lt;b&gt;x&lt;/b&gt;") && !svg.contains("<b>"));
    }

    #[test]
    fn lanes_stack_overlaps_and_mark_releases_and_freezes() {
        let plan = parse_str(PLAN, Format::Toml).unwrap();
        let s = crate::dispatch::schedule(&plan);
        let svg = gantt_lanes(&plan, &s);
        for id in ["a", "b", "c", "d"] {
            assert!(svg.contains(&format!("data-task=\"{id}\"")), "{id}");
        }
        // Ready at 8; the window at 9 is frozen (8..10), so it deploys at 12.
        assert_eq!(s.releases[0].deploy, Some(12.0));
        assert!(svg.contains("data-ready=\"r\""));
        assert!(svg.contains("data-deploy=\"r\""));
        assert!(svg.contains("data-freeze=\"r\""));
        assert_eq!(svg.matches("data-lane=").count(), 3);
    }

    #[test]
    fn team_load_draws_work_and_capacity_per_window() {
        // SPEC section 5's worked example: b is cut, a ships in window 1 (time 5), c in
        // window 2 (time 10); `be` has 5 units of capacity in each bucket.
        let plan = parse_str(
            "[plan]\nname = \"w\"\n[teams.be]\ncapacity = 1\n\
[[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 4\n\
[[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 4\noptional = true\n\
[[tasks]]\nid = \"c\"\nteam = \"be\"\nestimate = 3\n\
[[releases]]\nid = \"r1\"\ntasks = [\"a\", \"b\"]\nwindows = [5, 10]\ntarget = 5\nvalue = 10\n\
[[releases]]\nid = \"r2\"\ntasks = [\"c\"]\nwindows = [5, 10]\ntarget = 10\nvalue = 1\n",
            Format::Toml,
        )
        .unwrap();
        let r = crate::optimize::plan_windows(&plan, &Default::default()).unwrap();
        let svg = team_load(&r, &|w| match w {
            When::Period(p) => number(p),
            When::Date(d) => d.to_string(),
        });
        assert!(svg.contains("data-team=\"be\" data-window=\"1\" data-over=\"false\""));
        assert!(svg.contains("data-team=\"be\" data-window=\"2\" data-over=\"false\""));
        assert!(svg.contains("window 5: work 4 of capacity 5"), "{svg}");
        assert!(svg.contains("window 10: work 3 of capacity 5"), "{svg}");
    }
}
