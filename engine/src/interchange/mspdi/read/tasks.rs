//! Tasks: the outline (which rows are summaries, the leaves under each summary) and the leaf
//! tasks with their ids, names, durations and estimates.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};

use super::super::xml::Element;
use super::super::{DURATION123, TEXT1};
use super::{date_of, datetime_of, duration_minutes, ext_value, tidy, valid_id, Cx};
use crate::interchange::{slug, unique};
use crate::model::{Estimate, Task, TaskKind};

/// A task row as read.
pub(super) struct RawTask<'a> {
    pub uid: i64,
    pub el: &'a Element,
    level: i64,
    pub summary: bool,
}

/// The task rows and their outline.
pub(super) struct Outline<'a> {
    /// Every row that is not blank, inactive or the project summary, in file order.
    pub raw: Vec<RawTask<'a>>,
    /// The leaf tasks under each summary (by UID).
    pub leaves_of: HashMap<i64, Vec<i64>>,
    /// Each task's chain of summaries, innermost last.
    pub parents: HashMap<i64, Vec<i64>>,
}

/// Reads the task rows (leaving out blank rows, inactive tasks and the project summary) and
/// their outline: a row followed by a deeper `OutlineLevel` is a summary too.
pub(super) fn outline<'a>(cx: &mut Cx, root: &'a Element) -> Outline<'a> {
    let mut raw: Vec<RawTask> = Vec::new();
    if let Some(ts) = root.child("Tasks") {
        for t in ts.all("Task") {
            let Some(uid) = t.int("UID") else { continue };
            let level = t.int("OutlineLevel").unwrap_or(1);
            if (uid == 0 && level == 0) || t.flag("IsNull") {
                continue;
            }
            if t.text_of("Active") == Some("0") {
                cx.warn(
                    Some(t),
                    format!(
                        "task `{}` is inactive: left out",
                        t.text_of("Name").unwrap_or("")
                    ),
                );
                continue;
            }
            raw.push(RawTask {
                uid,
                el: t,
                level,
                summary: t.flag("Summary"),
            });
        }
    }
    for i in 0..raw.len() {
        if raw.get(i + 1).is_some_and(|n| n.level > raw[i].level) {
            raw[i].summary = true;
        }
    }
    let mut leaves_of: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut parents: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut stack: Vec<(i64, i64)> = Vec::new(); // (level, uid) of open summaries
    for t in &raw {
        while stack.last().is_some_and(|&(l, _)| l >= t.level) {
            stack.pop();
        }
        parents.insert(t.uid, stack.iter().map(|&(_, u)| u).collect());
        if t.summary {
            stack.push((t.level, t.uid));
        } else {
            for &(_, s) in &stack {
                leaves_of.entry(s).or_default().push(t.uid);
            }
        }
    }
    Outline {
        raw,
        leaves_of,
        parents,
    }
}

/// The leaf tasks: the plan's tasks, in file order.
pub(super) struct Leaves<'a, 'o> {
    /// The plan's tasks (no team, demand or links yet).
    pub tasks: Vec<Task>,
    /// The task of each leaf UID.
    pub index: HashMap<i64, usize>,
    /// The row of each task.
    pub raw: Vec<&'o RawTask<'a>>,
    /// The file's own start and finish of each task, when it gives them.
    pub spans: Vec<Option<(NaiveDateTime, NaiveDateTime)>>,
    /// The first task start in the file (for a project without a start date).
    pub first_start: Option<NaiveDate>,
}

/// The shipdate id of a task: its `Text1` when the file names that field `shipdate id` (and
/// the value is a valid, unused id), else a slug of its name, made unique.
fn task_id(t: &RawTask, ids_from_text1: bool, taken: &mut HashSet<String>) -> String {
    let wanted = if ids_from_text1 {
        ext_value(t.el, TEXT1)
            .filter(|v| valid_id(v) && !taken.contains(*v))
            .map(str::to_string)
    } else {
        None
    };
    match wanted {
        Some(v) => {
            taken.insert(v.clone());
            v
        }
        None => unique(
            slug(
                t.el.text_of("Name").unwrap_or(""),
                &format!("task-{}", t.uid),
            ),
            taken,
        ),
    }
}

/// A task's estimate from its duration (`days`) and, when they hold an ordered triple whose
/// expected value is that duration, MS Project's PERT fields `Duration1`-`Duration3`.
fn estimate(cx: &Cx, el: &Element, days: f64) -> Estimate {
    let durs: Vec<Option<f64>> = DURATION123
        .iter()
        .map(|f| {
            let attr = el
                .all("ExtendedAttribute")
                .find(|e| e.text_of("FieldID") == Some(f))?;
            let minutes = duration_minutes(attr.text_of("Value")?)?;
            Some(tidy(cx.working_days(minutes, attr.int("DurationFormat"))))
        })
        .collect();
    match (durs[0], durs[1], durs[2]) {
        (Some(low), Some(likely), Some(high))
            if low <= likely && likely <= high && low < high && (likely - days).abs() < 1e-6 =>
        {
            Estimate::Pert { low, likely, high }
        }
        _ => Estimate::Fixed { value: days },
    }
}

/// Reads the leaf tasks (summaries are flattened by the links step); notes the summaries
/// flattened and the elapsed durations converted.
pub(super) fn leaves<'a, 'o>(
    cx: &mut Cx,
    outline: &'o Outline<'a>,
    ids_from_text1: bool,
) -> Leaves<'a, 'o> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Leaves {
        tasks: Vec::new(),
        index: HashMap::new(),
        raw: Vec::new(),
        spans: Vec::new(),
        first_start: None,
    };
    let mut elapsed = 0;
    for t in outline.raw.iter().filter(|t| !t.summary) {
        let el = t.el;
        let id = task_id(t, ids_from_text1, &mut taken);
        let mut name = el.text_of("Name").map(str::to_string);
        if ids_from_text1 && name.as_deref() == Some(id.as_str()) {
            // Written from a task with no name of its own.
            name = None;
        }
        let minutes = el
            .text_of("Duration")
            .and_then(duration_minutes)
            .unwrap_or(0.0);
        let format = el.int("DurationFormat");
        if format.is_some_and(|f| super::super::ELAPSED_FORMATS.contains(&f)) && minutes != 0.0 {
            elapsed += 1;
        }
        let days = tidy(cx.working_days(minutes, format).max(0.0));
        let kind = if days == 0.0 {
            TaskKind::Milestone
        } else {
            TaskKind::Work
        };
        if out.first_start.is_none() {
            out.first_start = el.text_of("Start").and_then(date_of);
        }
        let span = el
            .text_of("Start")
            .and_then(datetime_of)
            .zip(el.text_of("Finish").and_then(datetime_of));
        out.index.insert(t.uid, out.tasks.len());
        out.raw.push(t);
        out.spans.push(span);
        let estimate = if kind == TaskKind::Milestone {
            Estimate::Fixed { value: 0.0 }
        } else {
            estimate(cx, el, days)
        };
        let mut task = Task::new(id, estimate);
        task.name = name;
        task.kind = kind;
        task.pos = cx.at(el);
        out.tasks.push(task);
    }
    let summaries = outline.raw.iter().filter(|t| t.summary).count();
    if summaries > 0 {
        cx.warn(
            None,
            format!("{summaries} summary task(s) flattened: their links now apply to the tasks under them"),
        );
    }
    if elapsed > 0 {
        cx.warn(
            None,
            format!("{elapsed} elapsed-time duration(s) converted to working days at the calendar's share of working days"),
        );
    }
    out
}
