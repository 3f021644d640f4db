//! PSPLIB single-mode `.sm` and Patterson `.rcp` project files.
//!
//! Jobs become tasks `"1"`..`"N"` (dummies included, as milestones when their duration is 0),
//! renewable resources become teams `"R1"`..`"Rk"` with that capacity. A job's first positive
//! request names its team; further requests go to [`Task::extra_demands`]. No start date, no
//! releases.

use super::tree::Locator;
use crate::diag::{Diagnostic, Pos};
use crate::model::{Calendar, Estimate, Link, LinkKind, Plan, Task, TaskKind, Team};

/// A whole-number token and where it is.
#[derive(Clone, Copy)]
struct Num {
    v: i64,
    at: usize,
}

struct Job {
    /// Where the job is defined (its number, or its first token in `.rcp`).
    at: usize,
    duration: Num,
    requests: Vec<Num>,
    successors: Vec<Num>,
}

struct Cx<'a> {
    loc: Locator<'a>,
    errs: Vec<Diagnostic>,
}

impl Cx<'_> {
    fn err(&mut self, at: usize, msg: impl Into<String>) {
        self.errs
            .push(Diagnostic::error(Some(self.loc.pos(at)), msg));
    }

    fn subject_err(&mut self, at: usize, subject: String, msg: impl Into<String>) {
        let d = Diagnostic::error(Some(self.loc.pos(at)), msg).with_subject(subject);
        self.errs.push(d);
    }

    fn num(&mut self, tok: (usize, &str)) -> Option<Num> {
        match tok.1.parse::<i64>() {
            Ok(v) => Some(Num { v, at: tok.0 }),
            Err(_) => {
                self.err(
                    tok.0,
                    format!("expected a whole number, found `{}`", short(tok.1)),
                );
                None
            }
        }
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 20 {
        format!("{}...", s.chars().take(20).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Whitespace-separated tokens of `text` with their byte offsets (plus `base`).
fn tokens(text: &str, base: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((base + s, &text[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((base + s, &text[s..]));
    }
    out
}

/// Parses a PSPLIB single-mode `.sm` file.
pub(crate) fn parse_sm(src: &str) -> Result<Plan, Vec<Diagnostic>> {
    let mut cx = Cx {
        loc: Locator::new(src),
        errs: Vec::new(),
    };
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut off = 0;
    for l in src.split_inclusive('\n') {
        lines.push((off, l.trim_end_matches(['\n', '\r'])));
        off += l.len();
    }
    let after_colon = |l: &str| l.split_once(':').map(|(_, r)| r.trim().to_string());

    let mut name = "PSPLIB project".to_string();
    let mut jobs_n: Option<Num> = None;
    let mut renewable: Option<Num> = None;
    for &(at, l) in &lines {
        let t = l.trim_start();
        if t.starts_with("file with basedata") {
            if let Some(n) = after_colon(t).filter(|n| !n.is_empty()) {
                name = n;
            }
        } else if t.starts_with("jobs (incl. supersource/sink") {
            let colon = l.find(':').map_or(l.len(), |i| i + 1);
            match tokens(&l[colon..], at + colon).first() {
                Some(&tok) => jobs_n = cx.num(tok),
                None => cx.err(at, "missing the number of jobs"),
            }
        } else if t.starts_with("- renewable") {
            let colon = l.find(':').map_or(l.len(), |i| i + 1);
            match tokens(&l[colon..], at + colon).first() {
                Some(&tok) => renewable = cx.num(tok),
                None => cx.err(at, "missing the number of renewable resources"),
            }
        }
    }
    if jobs_n.is_none() && cx.errs.is_empty() {
        cx.err(0, "missing `jobs (incl. supersource/sink ):` line");
    }
    if renewable.is_none() && cx.errs.is_empty() {
        cx.err(0, "missing `- renewable :` line");
    }

    // The data lines of a section: after its title, skipping header and rule lines, up to
    // the next line of asterisks.
    let section = |title: &str| -> Option<Vec<(usize, &str)>> {
        let i = lines
            .iter()
            .position(|(_, l)| l.trim_start().starts_with(title))?;
        Some(
            lines[i + 1..]
                .iter()
                .take_while(|(_, l)| !l.trim_start().starts_with('*'))
                .filter(|(_, l)| {
                    let t = l.trim_start();
                    !t.is_empty()
                        && !t.starts_with('-')
                        && t.starts_with(|c: char| c.is_ascii_digit())
                })
                .copied()
                .collect(),
        )
    };
    let missing =
        |cx: &mut Cx, title: &str| cx.err(src.len(), format!("missing section `{title}`"));

    let mut succ_of: Vec<(Num, Vec<Num>)> = Vec::new();
    match section("PRECEDENCE RELATIONS") {
        None => missing(&mut cx, "PRECEDENCE RELATIONS:"),
        Some(rows) => {
            for (at, l) in rows {
                let toks = tokens(l, at);
                let nums: Vec<Num> = toks.iter().filter_map(|&t| cx.num(t)).collect();
                if nums.len() != toks.len() {
                    continue;
                }
                if nums.len() < 3 {
                    cx.err(
                        at,
                        "a precedence line needs: job, modes, successor count, successors",
                    );
                    continue;
                }
                if nums[1].v != 1 {
                    cx.err(
                        nums[1].at,
                        format!(
                            "job {} has {} modes; only single-mode files are read",
                            nums[0].v, nums[1].v
                        ),
                    );
                }
                let listed = nums.len() - 3;
                if nums[2].v != listed as i64 {
                    cx.err(
                        nums[2].at,
                        format!(
                            "job {} says {} successors but lists {listed}",
                            nums[0].v, nums[2].v
                        ),
                    );
                }
                succ_of.push((nums[0], nums[3..].to_vec()));
            }
        }
    }

    let mut requests: Vec<(Num, Num, Vec<Num>)> = Vec::new();
    match section("REQUESTS/DURATIONS") {
        None => missing(&mut cx, "REQUESTS/DURATIONS:"),
        Some(rows) => {
            let k = renewable.map_or(0, |r| r.v.max(0) as usize);
            for (at, l) in rows {
                let toks = tokens(l, at);
                let nums: Vec<Num> = toks.iter().filter_map(|&t| cx.num(t)).collect();
                if nums.len() != toks.len() {
                    continue;
                }
                if nums.len() < 3 + k {
                    cx.err(
                        at,
                        format!("a request line needs: job, mode, duration and {k} requests"),
                    );
                    continue;
                }
                requests.push((nums[0], nums[2], nums[3..3 + k].to_vec()));
            }
        }
    }

    let mut caps: Vec<Num> = Vec::new();
    match lines
        .iter()
        .position(|(_, l)| l.trim_start().starts_with("RESOURCEAVAILABILITIES"))
    {
        None => missing(&mut cx, "RESOURCEAVAILABILITIES:"),
        Some(i) => {
            let k = renewable.map_or(0, |r| r.v.max(0) as usize);
            let row = lines[i + 1..]
                .iter()
                .find(|(_, l)| l.trim_start().starts_with(|c: char| c.is_ascii_digit()));
            match row {
                None => cx.err(lines[i].0, "missing the resource availabilities"),
                Some(&(at, l)) => {
                    let toks = tokens(l, at);
                    let nums: Vec<Num> = toks.iter().filter_map(|&t| cx.num(t)).collect();
                    if nums.len() == toks.len() {
                        if nums.len() < k {
                            cx.err(at, format!("expected {k} resource availabilities"));
                        } else {
                            caps = nums[..k].to_vec();
                        }
                    }
                }
            }
        }
    }

    if !cx.errs.is_empty() {
        return Err(super::sorted(cx.errs));
    }
    let n = jobs_n.map_or(0, |n| n.v);
    let count_at = jobs_n.map_or(0, |n| n.at);
    for (what, len) in [("precedence", succ_of.len()), ("request", requests.len())] {
        if len as i64 != n {
            cx.err(
                count_at,
                format!("the file declares {n} jobs but has {len} {what} lines"),
            );
        }
    }
    if !cx.errs.is_empty() {
        return Err(super::sorted(cx.errs));
    }
    let mut jobs = Vec::new();
    for (i, ((pj, succ), (rj, dur, req))) in succ_of.into_iter().zip(requests).enumerate() {
        for j in [pj, rj] {
            if j.v != i as i64 + 1 {
                cx.err(
                    j.at,
                    format!("expected job {} here, found job {}", i + 1, j.v),
                );
            }
        }
        jobs.push(Job {
            at: rj.at,
            duration: dur,
            requests: req,
            successors: succ,
        });
    }
    build(cx, name, caps, jobs)
}

/// Parses a Patterson `.rcp` file.
pub(crate) fn parse_rcp(src: &str) -> Result<Plan, Vec<Diagnostic>> {
    let mut cx = Cx {
        loc: Locator::new(src),
        errs: Vec::new(),
    };
    let toks = tokens(src, 0);
    let mut it = toks.into_iter();
    let end = src.len();
    // Reads the next whole number, or records an error and stops.
    let mut next = |cx: &mut Cx, what: &str| -> Option<Num> {
        match it.next() {
            Some(t) => cx.num(t),
            None => {
                cx.err(end, format!("the file ends where {what} was expected"));
                None
            }
        }
    };
    let parsed = (|| {
        let n = next(&mut cx, "the number of jobs")?;
        let k = next(&mut cx, "the number of resources")?;
        if n.v < 1 || k.v < 0 {
            cx.err(
                n.at,
                "the number of jobs must be at least 1 and of resources at least 0",
            );
            return None;
        }
        let mut caps = Vec::new();
        for r in 0..k.v {
            caps.push(next(
                &mut cx,
                &format!("the capacity of resource {}", r + 1),
            )?);
        }
        let mut jobs = Vec::new();
        for j in 1..=n.v {
            let duration = next(&mut cx, &format!("the duration of job {j}"))?;
            let mut requests = Vec::new();
            for r in 0..k.v {
                requests.push(next(
                    &mut cx,
                    &format!("job {j}'s request for resource {}", r + 1),
                )?);
            }
            let s = next(&mut cx, &format!("job {j}'s number of successors"))?;
            if s.v < 0 {
                cx.err(s.at, format!("job {j} has a negative number of successors"));
                return None;
            }
            let mut successors = Vec::new();
            for _ in 0..s.v {
                successors.push(next(&mut cx, &format!("a successor of job {j}"))?);
            }
            jobs.push(Job {
                at: duration.at,
                duration,
                requests,
                successors,
            });
        }
        Some((caps, jobs))
    })();
    let Some((caps, jobs)) = parsed else {
        return Err(super::sorted(cx.errs));
    };
    if let Some((at, t)) = it.next() {
        cx.err(at, format!("unexpected `{}` after the last job", short(t)));
        return Err(super::sorted(cx.errs));
    }
    build(cx, "Patterson project".into(), caps, jobs)
}

/// Validates the jobs and resources and builds the plan.
fn build(
    mut cx: Cx,
    name: String,
    caps: Vec<Num>,
    jobs: Vec<Job>,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut teams = Vec::new();
    for (r, c) in caps.iter().enumerate() {
        let id = format!("R{}", r + 1);
        if c.v < 1 || c.v > u32::MAX as i64 {
            cx.subject_err(
                c.at,
                id.clone(),
                format!("team `{id}`: capacity must be at least 1, not {}", c.v),
            );
        }
        teams.push(Team {
            id,
            name: None,
            capacity: c.v.clamp(1, u32::MAX as i64) as u32,
            calendar: 0,
            time_off: Vec::new(),
            pos: Some(cx.loc.pos(c.at)),
        });
    }
    let n = jobs.len();
    let mut preds: Vec<Vec<Link>> = vec![Vec::new(); n];
    let mut edges = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        for s in &job.successors {
            if s.v < 1 || s.v > n as i64 {
                cx.subject_err(
                    s.at,
                    (i + 1).to_string(),
                    format!("job {}: successor {} is not a job (1..{n})", i + 1, s.v),
                );
            } else if s.v as usize == i + 1 {
                cx.subject_err(
                    s.at,
                    (i + 1).to_string(),
                    format!("job {} follows itself", i + 1),
                );
            } else {
                let succ = s.v as usize - 1;
                edges.push((i, succ));
                preds[succ].push(Link {
                    pred: i,
                    kind: LinkKind::FS,
                    lag: 0.0,
                    pos: Some(cx.loc.pos(s.at)),
                });
            }
        }
    }
    let mut tasks = Vec::new();
    for (i, (job, after)) in jobs.iter().zip(preds).enumerate() {
        let id = (i + 1).to_string();
        let d = job.duration;
        if d.v < 0 {
            cx.subject_err(
                d.at,
                id.clone(),
                format!("job {id}: negative duration {}", d.v),
            );
        }
        let mut demands = Vec::new();
        for (r, q) in job.requests.iter().enumerate() {
            let Some(cap) = caps.get(r) else { break };
            if q.v < 0 {
                cx.subject_err(
                    q.at,
                    id.clone(),
                    format!("job {id}: negative request {}", q.v),
                );
            } else if q.v > cap.v {
                cx.subject_err(
                    q.at,
                    id.clone(),
                    format!(
                        "task `{id}`: demand {} is above the capacity {} of team `R{}`",
                        q.v,
                        cap.v,
                        r + 1
                    ),
                );
            } else if q.v > 0 {
                demands.push((r, q.v as u32));
            }
        }
        let (team, demand) = demands.first().map_or((None, 0), |&(t, q)| (Some(t), q));
        tasks.push(Task {
            id,
            name: None,
            team,
            demand,
            extra_demands: demands.iter().skip(1).copied().collect(),
            estimate: Estimate::Fixed {
                value: d.v.max(0) as f64,
            },
            after,
            kind: if d.v == 0 {
                TaskKind::Milestone
            } else {
                TaskKind::Work
            },
            optional: false,
            pos: Some(cx.loc.pos(job.at)),
        });
    }
    for cycle in crate::graph::find_cycles(n, &edges) {
        let mut path: Vec<String> = cycle.iter().map(|i| (i + 1).to_string()).collect();
        path.push(path[0].clone());
        let first = cycle[0];
        let at = tasks[first].pos.unwrap_or(Pos { line: 1, column: 1 });
        let mut d = Diagnostic::error(Some(at), format!("dependency cycle: {}", path.join(" -> ")));
        d.subject = Some((first + 1).to_string());
        cx.errs.push(d);
    }
    if !cx.errs.is_empty() {
        return Err(super::sorted(cx.errs));
    }
    Ok(Plan {
        name,
        start: None,
        calendars: vec![Calendar::standard()],
        default_calendar: 0,
        teams,
        tasks,
        risks: Vec::new(),
        correlations: Vec::new(),
        releases: Vec::new(),
    })
}
