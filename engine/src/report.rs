//! Rendering results for people: Mermaid gantt and CSV (the CLI and the web app share them).

use std::fmt::Write as _;

use crate::model::{Plan, TaskKind};
use crate::schedule::ScheduleReport;

/// Numbers are written by the view model's rule ([`crate::view::number`]).
pub use crate::view::number;

/// A Mermaid `gantt` chart of a schedule: one section per team (tasks with no team last),
/// critical tasks marked `crit`, milestones as milestones, and a section of release deploys.
///
/// Dated plans use calendar dates (a bar ends the day after its last working day, as Mermaid
/// draws end dates exclusively); undated plans use periods (`dateFormat x`, one period drawn as
/// one second).
pub fn mermaid_gantt(plan: &Plan, s: &ScheduleReport) -> String {
    let mut out = String::new();
    let dated = s.start_date.is_some();
    let _ = writeln!(out, "gantt");
    let _ = writeln!(out, "    title {}", mermaid_text(&plan.name));
    if dated {
        let _ = writeln!(out, "    dateFormat YYYY-MM-DD");
        let _ = writeln!(out, "    axisFormat %b %d");
    } else {
        let _ = writeln!(out, "    dateFormat x");
        let _ = writeln!(out, "    axisFormat %s");
    }
    let mut sections: Vec<(String, Vec<usize>)> = plan
        .teams
        .iter()
        .map(|t| (t.id.clone(), Vec::new()))
        .collect();
    let mut unteamed = Vec::new();
    for (j, task) in plan.tasks.iter().enumerate() {
        match task.team {
            Some(k) => sections[k].1.push(j),
            None => unteamed.push(j),
        }
    }
    sections.retain(|(_, v)| !v.is_empty());
    if !unteamed.is_empty() {
        sections.push(("no team".to_string(), unteamed));
    }
    for (name, tasks) in &sections {
        let _ = writeln!(out, "    section {}", mermaid_text(name));
        for &j in tasks {
            let task = &plan.tasks[j];
            let row = &s.tasks[j];
            let mut tags = Vec::new();
            if row.critical {
                tags.push("crit".to_string());
            }
            let milestone = task.kind == TaskKind::Milestone || row.finish <= row.start;
            if milestone {
                tags.push("milestone".to_string());
            }
            tags.push(mermaid_id(&task.id));
            let span = if dated {
                let start = row.start_date.expect("dated schedule has dates");
                if milestone {
                    format!("{start}, 0d")
                } else {
                    let end = row.finish_date.expect("dated schedule has dates")
                        + chrono::Duration::days(1);
                    format!("{start}, {end}")
                }
            } else {
                format!("{}, {}", millis(row.start), millis(row.finish))
            };
            let label = match &task.name {
                Some(n) => format!("{} ({})", mermaid_text(n), mermaid_text(&task.id)),
                None => mermaid_text(&task.id),
            };
            let _ = writeln!(out, "    {label} :{}, {span}", tags.join(", "));
        }
    }
    let deploys: Vec<_> = s.releases.iter().filter(|r| !r.unscheduled).collect();
    if !deploys.is_empty() {
        let _ = writeln!(out, "    section releases");
        for r in deploys {
            let at = match (r.deploy_date, r.deploy) {
                (Some(d), _) => format!("{d}, 0d"),
                (None, Some(x)) => format!("{}, {}", millis(x), millis(x)),
                (None, None) => continue,
            };
            let tag = if r.on_time == Some(false) {
                "crit, milestone"
            } else {
                "milestone"
            };
            let _ = writeln!(
                out,
                "    deploy {} :{tag}, {}, {at}",
                mermaid_text(&r.id),
                mermaid_id(&format!("release-{}", r.id))
            );
        }
    }
    out
}

fn millis(t: f64) -> i64 {
    (t * 1000.0).round() as i64
}

/// Text safe inside a Mermaid gantt line: no `:`, `;`, `#` or line breaks.
fn mermaid_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ':' | ';' | '#' | '\n' | '\r' => ' ',
            c => c,
        })
        .collect()
}

/// A Mermaid task id: letters, digits and `_` only.
fn mermaid_id(s: &str) -> String {
    let body: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("t_{body}")
}

/// The schedule as CSV, one row per task: `id,name,team,start,finish,start_date,finish_date,
/// slack,critical` (RFC 4180 quoting; dates empty in undated plans).
pub fn schedule_csv(s: &ScheduleReport) -> String {
    let mut out = String::from("id,name,team,start,finish,start_date,finish_date,slack,critical\n");
    for t in &s.tasks {
        let cells = [
            csv_cell(&t.id),
            csv_cell(t.name.as_deref().unwrap_or("")),
            csv_cell(t.team.as_deref().unwrap_or("")),
            number(t.start),
            number(t.finish),
            t.start_date.map(|d| d.to_string()).unwrap_or_default(),
            t.finish_date.map(|d| d.to_string()).unwrap_or_default(),
            number(t.slack),
            t.critical.to_string(),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_cells() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(-0.0001), "0");
        assert_eq!(number(1.0 / 3.0), "0.333");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(mermaid_id("web-pay.v2"), "t_web_pay_v2");
        assert_eq!(mermaid_text("a: b; #c"), "a  b   c");
    }
}
