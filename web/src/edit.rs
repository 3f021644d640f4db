//! The plan-editing tables' edits, as plain functions on the engine's [`Plan`].
//!
//! An edit changes a copy of the last valid plan, writes it back as TOML with the engine's
//! writer ([`io::to_toml`]) and reads that text again: the engine's own validation decides
//! whether the edit is accepted. An accepted edit gives the new TOML (which replaces the
//! source view's text); a refused one gives the engine's messages, shown next to the row.

use shipdate_engine::io::{self, Format};
use shipdate_engine::model::{Estimate, Link, LinkKind, Plan, Release, Risk, Task, TaskKind, Team};
use shipdate_engine::report::number;

/// One edit from the tables.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A new team with a free id and capacity 1.
    AddTeam,
    /// Renames team `0` (tasks keep it).
    TeamId(usize, String),
    /// Sets a team's capacity (text, an integer >= 1).
    TeamCapacity(usize, String),
    /// Deletes a team; its tasks are left without one.
    DeleteTeam(usize),
    /// A new task with a free id and estimate 1.
    AddTask,
    /// Renames a task (links, risks and releases follow).
    TaskId(usize, String),
    /// Sets a task's name (empty: none).
    TaskName(usize, String),
    /// Sets a task's team (empty: none).
    TaskTeam(usize, String),
    /// Sets a task's estimate from text ([`parse_estimate`]).
    TaskEstimate(usize, String),
    /// Sets a task's kind (`work`, `gate`, `milestone`).
    TaskKind(usize, String),
    /// Deletes a task and every reference to it.
    DeleteTask(usize),
    /// Adds a finish-to-start link from task `pred` (id) to task `succ` (id).
    AddLink(String, String),
    /// Sets link `k` of task `j`: type and lag (text).
    SetLink(usize, usize, String, String),
    /// Deletes link `k` of task `j`.
    DeleteLink(usize, usize),
    /// A new risk on the first task.
    AddRisk,
    /// Renames a risk.
    RiskId(usize, String),
    /// Sets a risk's probability (text).
    RiskProbability(usize, String),
    /// Sets a risk's impact from text ([`parse_estimate`]).
    RiskImpact(usize, String),
    /// Sets the tasks a risk affects (ids separated by commas or spaces).
    RiskTasks(usize, String),
    /// Deletes a risk.
    DeleteRisk(usize),
    /// A new release of the last task.
    AddRelease,
    /// Renames a release.
    ReleaseId(usize, String),
    /// Sets a release's tasks (ids separated by commas or spaces).
    ReleaseTasks(usize, String),
    /// Sets a release's target: a date (dated plans) or a period; empty: none.
    ReleaseTarget(usize, String),
    /// Deletes a release.
    DeleteRelease(usize),
}

/// An estimate as the tables show it: `5` (fixed), `3/5/10` (Beta-PERT low/likely/high),
/// `tri 3/5/10`, `uni 2/6`, `logn 5/9` (median/p90).
pub fn format_estimate(e: &Estimate) -> String {
    match *e {
        Estimate::Fixed { value } => number(value),
        Estimate::Pert { low, likely, high } => {
            format!("{}/{}/{}", number(low), number(likely), number(high))
        }
        Estimate::Triangular { low, likely, high } => {
            format!("tri {}/{}/{}", number(low), number(likely), number(high))
        }
        Estimate::Uniform { low, high } => format!("uni {}/{}", number(low), number(high)),
        Estimate::Lognormal { median, p90 } => format!("logn {}/{}", number(median), number(p90)),
    }
}

/// Reads an estimate written as [`format_estimate`] writes it (the engine then checks its
/// order and signs).
pub fn parse_estimate(text: &str) -> Result<Estimate, String> {
    let t = text.trim();
    let (kind, rest) = match t.split_once(' ') {
        Some((k, r)) if k.chars().all(|c| c.is_ascii_alphabetic()) => (k, r.trim()),
        _ => ("", t),
    };
    let nums: Result<Vec<f64>, _> = rest
        .split(['/', ','])
        .map(|x| x.trim().parse::<f64>())
        .collect();
    let bad = || {
        format!(
            "`{text}` is not an estimate: write 5, 3/5/10 (low/likely/high), tri 3/5/10, uni 2/6 or logn 5/9"
        )
    };
    let n = nums.map_err(|_| bad())?;
    if n.iter().any(|x| !x.is_finite()) {
        return Err(bad());
    }
    Ok(match (kind, n.as_slice()) {
        ("", [v]) => Estimate::Fixed { value: *v },
        ("" | "pert", [low, likely, high]) => Estimate::Pert {
            low: *low,
            likely: *likely,
            high: *high,
        },
        ("tri", [low, likely, high]) => Estimate::Triangular {
            low: *low,
            likely: *likely,
            high: *high,
        },
        ("uni", [low, high]) => Estimate::Uniform {
            low: *low,
            high: *high,
        },
        ("logn", [median, p90]) => Estimate::Lognormal {
            median: *median,
            p90: *p90,
        },
        _ => return Err(bad()),
    })
}

fn ids(plan: &Plan, text: &str) -> Result<Vec<usize>, String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|id| {
            plan.task_index(id)
                .ok_or_else(|| format!("no task `{id}` in the plan"))
        })
        .collect()
}

fn free_id(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|k| format!("{prefix}{k}"))
        .find(|id| !taken(id))
        .expect("some id is free")
}

/// Removes task `j` and every reference to it, renumbering the others.
fn remove_task(plan: &mut Plan, j: usize) {
    plan.tasks.remove(j);
    let fix = |x: usize| if x > j { x - 1 } else { x };
    for t in &mut plan.tasks {
        t.after.retain(|l| l.pred != j);
        for l in &mut t.after {
            l.pred = fix(l.pred);
        }
    }
    for r in &mut plan.risks {
        r.tasks.retain(|&x| x != j);
        r.tasks.iter_mut().for_each(|x| *x = fix(*x));
    }
    for c in &mut plan.correlations {
        c.tasks.retain(|&x| x != j);
        c.tasks.iter_mut().for_each(|x| *x = fix(*x));
    }
    plan.correlations.retain(|c| c.tasks.len() >= 2);
    for r in &mut plan.releases {
        r.tasks.retain(|&x| x != j);
        r.tasks.iter_mut().for_each(|x| *x = fix(*x));
    }
}

/// Applies `edit` to a copy of `plan`: the new plan's TOML, or why the engine refused it.
pub fn apply(plan: &Plan, edit: &Edit) -> Result<String, Vec<String>> {
    let mut p = plan.clone();
    change(&mut p, edit).map_err(|e| vec![e])?;
    let text = io::to_toml(&p);
    match io::parse_str(&text, Format::Toml) {
        Ok(_) => Ok(text),
        Err(diags) => Err(diags
            .iter()
            .filter(|d| d.severity == shipdate_engine::Severity::Error)
            .map(|d| match &d.help {
                Some(h) => format!("{} ({h})", d.message),
                None => d.message.clone(),
            })
            .collect()),
    }
}

fn change(p: &mut Plan, edit: &Edit) -> Result<(), String> {
    match edit {
        Edit::AddTeam => {
            let id = free_id("team", |id| p.team_index(id).is_some());
            p.teams.push(Team {
                id,
                name: None,
                capacity: 1,
                calendar: p.default_calendar,
                time_off: Vec::new(),
                pos: None,
            });
        }
        Edit::TeamId(k, id) => p.teams[*k].id = id.trim().to_string(),
        Edit::TeamCapacity(k, cap) => {
            p.teams[*k].capacity = cap
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|&c| c >= 1)
                .ok_or_else(|| format!("capacity `{cap}` must be a whole number of at least 1"))?;
        }
        Edit::DeleteTeam(k) => {
            let k = *k;
            p.teams.remove(k);
            for t in &mut p.tasks {
                t.team = match t.team {
                    Some(x) if x == k => None,
                    Some(x) if x > k => Some(x - 1),
                    x => x,
                };
                t.extra_demands.retain(|d| d.0 != k);
                for d in &mut t.extra_demands {
                    if d.0 > k {
                        d.0 -= 1;
                    }
                }
            }
        }
        Edit::AddTask => {
            let id = free_id("task", |id| p.task_index(id).is_some());
            p.tasks.push(Task {
                id,
                name: None,
                team: None,
                demand: 1,
                extra_demands: Vec::new(),
                estimate: Estimate::Fixed { value: 1.0 },
                after: Vec::new(),
                kind: TaskKind::Work,
                optional: false,
                pos: None,
            });
        }
        Edit::TaskId(j, id) => p.tasks[*j].id = id.trim().to_string(),
        Edit::TaskName(j, name) => {
            let n = name.trim();
            p.tasks[*j].name = (!n.is_empty()).then(|| n.to_string());
        }
        Edit::TaskTeam(j, team) => {
            p.tasks[*j].team = if team.is_empty() {
                None
            } else {
                Some(
                    p.team_index(team)
                        .ok_or_else(|| format!("no team `{team}` in the plan"))?,
                )
            };
        }
        Edit::TaskEstimate(j, text) => p.tasks[*j].estimate = parse_estimate(text)?,
        Edit::TaskKind(j, kind) => {
            p.tasks[*j].kind = match kind.as_str() {
                "work" => TaskKind::Work,
                "gate" => TaskKind::Gate,
                "milestone" => TaskKind::Milestone,
                k => return Err(format!("unknown kind `{k}`")),
            };
            if p.tasks[*j].kind == TaskKind::Milestone {
                p.tasks[*j].estimate = Estimate::Fixed { value: 0.0 };
            }
        }
        Edit::DeleteTask(j) => remove_task(p, *j),
        Edit::AddLink(pred, succ) => {
            let a = ids(p, pred)?;
            let b = ids(p, succ)?;
            let (&[a], &[b]) = (a.as_slice(), b.as_slice()) else {
                return Err("pick one task on each side of the link".into());
            };
            if p.tasks[b].after.iter().any(|l| l.pred == a) {
                return Err(format!(
                    "`{}` already follows `{}`",
                    p.tasks[b].id, p.tasks[a].id
                ));
            }
            p.tasks[b].after.push(Link {
                pred: a,
                kind: LinkKind::FS,
                lag: 0.0,
                pos: None,
            });
        }
        Edit::SetLink(j, k, kind, lag) => {
            let l = &mut p.tasks[*j].after[*k];
            l.kind = match kind.as_str() {
                "FS" => LinkKind::FS,
                "SS" => LinkKind::SS,
                "FF" => LinkKind::FF,
                "SF" => LinkKind::SF,
                k => return Err(format!("unknown link type `{k}`")),
            };
            l.lag = lag
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("lag `{lag}` is not a number"))?;
        }
        Edit::DeleteLink(j, k) => {
            p.tasks[*j].after.remove(*k);
        }
        Edit::AddRisk => {
            let id = free_id("risk", |id| p.risks.iter().any(|r| r.id == id));
            if p.tasks.is_empty() {
                return Err("add a task first: a risk delays tasks".into());
            }
            p.risks.push(Risk {
                id,
                probability: 0.2,
                impact: Estimate::Pert {
                    low: 1.0,
                    likely: 2.0,
                    high: 5.0,
                },
                tasks: vec![0],
                pos: None,
            });
        }
        Edit::RiskId(r, id) => p.risks[*r].id = id.trim().to_string(),
        Edit::RiskProbability(r, text) => {
            p.risks[*r].probability = text
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("probability `{text}` is not a number"))?;
        }
        Edit::RiskImpact(r, text) => p.risks[*r].impact = parse_estimate(text)?,
        Edit::RiskTasks(r, text) => p.risks[*r].tasks = ids(p, text)?,
        Edit::DeleteRisk(r) => {
            p.risks.remove(*r);
        }
        Edit::AddRelease => {
            let id = free_id("release-", |id| p.releases.iter().any(|r| r.id == id));
            if p.tasks.is_empty() {
                return Err("add a task first: a release ships tasks".into());
            }
            p.releases.push(Release::new(id, vec![p.tasks.len() - 1]));
        }
        Edit::ReleaseId(r, id) => p.releases[*r].id = id.trim().to_string(),
        Edit::ReleaseTasks(r, text) => p.releases[*r].tasks = ids(p, text)?,
        Edit::ReleaseTarget(r, text) => {
            let t = text.trim();
            p.releases[*r].target = if t.is_empty() {
                None
            } else if p.is_dated() {
                Some(shipdate_engine::model::When::Date(
                    t.parse::<chrono::NaiveDate>()
                        .map_err(|_| format!("target `{t}` is not a date (YYYY-MM-DD)"))?,
                ))
            } else {
                Some(shipdate_engine::model::When::Period(
                    t.parse::<f64>()
                        .map_err(|_| format!("target `{t}` is not a number"))?,
                ))
            };
        }
        Edit::DeleteRelease(r) => {
            p.releases.remove(*r);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "[plan]\nname = \"small\"\n\n[teams.be]\ncapacity = 1\n\n\
[[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\n\n\
[[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\n\n\
[[tasks]]\nid = \"c\"\nestimate = 4\nafter = [\"a\"]\n\n\
[[risks]]\nid = \"r\"\nprobability = 0.5\nimpact = 2\ntasks = [\"a\", \"c\"]\n\n\
[[releases]]\nid = \"v1\"\ntasks = [\"b\", \"c\"]\n";

    fn plan(text: &str) -> Plan {
        io::parse_str(text, Format::Toml).unwrap()
    }

    #[test]
    fn estimates_round_trip_through_their_text() {
        for e in [
            Estimate::Fixed { value: 5.0 },
            Estimate::Pert {
                low: 1.0,
                likely: 2.5,
                high: 7.0,
            },
            Estimate::Triangular {
                low: 1.0,
                likely: 2.0,
                high: 3.0,
            },
            Estimate::Uniform {
                low: 2.0,
                high: 6.0,
            },
            Estimate::Lognormal {
                median: 5.0,
                p90: 9.0,
            },
        ] {
            assert_eq!(parse_estimate(&format_estimate(&e)), Ok(e));
        }
        assert_eq!(
            parse_estimate(" 3, 5 ,10"),
            Ok(Estimate::Pert {
                low: 3.0,
                likely: 5.0,
                high: 10.0
            })
        );
        assert!(parse_estimate("five").is_err());
        assert!(parse_estimate("1/2").is_err());
    }

    #[test]
    fn an_estimate_edit_rewrites_the_toml_and_moves_the_schedule() {
        let p = plan(SMALL);
        let text = apply(&p, &Edit::TaskEstimate(0, "5".into())).unwrap();
        let q = plan(&text);
        assert_eq!(q.tasks[0].estimate, Estimate::Fixed { value: 5.0 });
        // a [0,5) -> c [5,9).
        assert_eq!(shipdate_engine::dispatch::schedule(&q).makespan, 9.0);
    }

    #[test]
    fn refused_edits_carry_the_engines_reason() {
        let p = plan(SMALL);
        // A cycle: a after c, c after a.
        let e = apply(&p, &Edit::AddLink("c".into(), "a".into())).unwrap_err();
        assert!(e.iter().any(|m| m.contains("cycle")), "{e:?}");
        // A duplicate id.
        let e = apply(&p, &Edit::TaskId(1, "a".into())).unwrap_err();
        assert!(!e.is_empty());
        let e = apply(&p, &Edit::TeamCapacity(0, "0".into())).unwrap_err();
        assert!(e[0].contains("at least 1"));
        let e = apply(&p, &Edit::TaskEstimate(0, "5/3/1".into())).unwrap_err();
        assert!(!e.is_empty());
    }

    #[test]
    fn renames_and_deletes_keep_references_right() {
        let p = plan(SMALL);
        let q = plan(&apply(&p, &Edit::TaskId(0, "alpha".into())).unwrap());
        assert_eq!(q.tasks[2].after[0].pred, 0);
        assert_eq!(q.tasks[0].id, "alpha");
        // Deleting a: c loses its link, the risk keeps c (now index 1), v1 keeps b and c.
        let q = plan(&apply(&p, &Edit::DeleteTask(0)).unwrap());
        assert_eq!(
            q.tasks.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            ["b", "c"]
        );
        assert!(q.tasks[1].after.is_empty());
        assert_eq!(q.risks[0].tasks, vec![1]);
        assert_eq!(q.releases[0].tasks, vec![0, 1]);
        // Deleting the team leaves its tasks without one.
        let q = plan(&apply(&p, &Edit::DeleteTeam(0)).unwrap());
        assert!(q.teams.is_empty() && q.tasks.iter().all(|t| t.team.is_none()));
        // Adding rows gives fresh ids.
        let q = plan(&apply(&p, &Edit::AddTask).unwrap());
        assert_eq!(q.tasks[3].id, "task1");
        let q = plan(&apply(&q, &Edit::AddRelease).unwrap());
        assert_eq!(q.releases[1].id, "release-1");
        let q = plan(&apply(&q, &Edit::AddRisk).unwrap());
        assert_eq!(q.risks[1].id, "risk1");
        let q = plan(&apply(&q, &Edit::AddTeam).unwrap());
        assert_eq!(q.teams[1].id, "team1");
    }

    #[test]
    fn links_get_types_and_lags() {
        let p = plan(SMALL);
        let q = plan(&apply(&p, &Edit::AddLink("b".into(), "c".into())).unwrap());
        assert_eq!(q.tasks[2].after.len(), 2);
        let q = plan(&apply(&q, &Edit::SetLink(2, 1, "SS".into(), "1.5".into())).unwrap());
        assert_eq!(
            (q.tasks[2].after[1].kind, q.tasks[2].after[1].lag),
            (LinkKind::SS, 1.5)
        );
        let q = plan(&apply(&q, &Edit::DeleteLink(2, 0)).unwrap());
        assert_eq!(q.tasks[2].after.len(), 1);
        assert_eq!(q.tasks[2].after[0].pred, 1);
    }
}
