//! The plan-editing tables' edits: what a row's text says, read into the engine's edit
//! values ([`shipdate_engine::edit`]), which the engine applies and validates.
//!
//! An accepted edit gives the new plan's TOML, written by the engine ([`io::to_toml`]), which
//! replaces the source view's text; a refused one gives the engine's reasons, shown next to
//! the row. Progress (the status date, a task's `started`, `done` and `remaining`) is written
//! even when the result breaks a rule of SPEC section 6 ([`apply_to_text`]): the error is the
//! plan's, listed with its line like any error of the text, and the next edit fixes it.
//! Nothing here changes a plan itself.

use shipdate_engine::edit::{self, Refusal};
// The engine's edit values, apart from the tables' `Edit`.
use shipdate_engine::edit as engine;
use shipdate_engine::io;
use shipdate_engine::model::{Actual, Items, LinkKind, Plan, TaskKind, Throughput};

/// Estimates are written as the engine writes them.
pub use shipdate_engine::edit::format_estimate;

/// One edit from the tables.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A new team with a free id and capacity 1.
    AddTeam,
    /// Renames team `0` (tasks keep it).
    TeamId(usize, String),
    /// Sets a team's capacity (text, an integer >= 1).
    TeamCapacity(usize, String),
    /// Sets a team's throughput history (SPEC section 9), as read from a tracker's CSV
    /// export; none: the team has none.
    TeamThroughput(usize, Option<Throughput>),
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
    /// Sets a task's estimate from text ([`edit::parse_estimate`]).
    TaskEstimate(usize, String),
    /// Sets an item-sized task's item count from text ([`edit::parse_items`]: `12`,
    /// `18/25`); empty: the task is estimated again. Its split factor is kept.
    TaskItems(usize, String),
    /// Sets an item-sized task's split factor from text ([`edit::parse_split`]: `1.2`,
    /// `1/1.3`); empty: none.
    TaskSplit(usize, String),
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
    /// Sets a risk's impact from text ([`edit::parse_estimate`]).
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
    /// Sets the plan's status date: a date (dated plans) or a time; empty: none.
    StatusDate(String),
    /// Sets the day (time) a task started; empty: not started.
    TaskStarted(usize, String),
    /// Sets the last day (time) a task worked: it is done; empty: not done.
    TaskDone(usize, String),
    /// Sets a task's work left from the status date, in working days (any estimate form);
    /// empty: none given.
    TaskRemaining(usize, String),
}

impl Edit {
    /// Whether the edit records progress (SPEC section 6), written even when the result
    /// breaks one of its rules.
    pub fn is_progress(&self) -> bool {
        matches!(
            self,
            Edit::StatusDate(_)
                | Edit::TaskStarted(..)
                | Edit::TaskDone(..)
                | Edit::TaskRemaining(..)
        )
    }
}

/// Reads a table's text into the engine's edit ([`shipdate_engine::edit::Edit`]): ids to
/// indices, numbers and estimates to values. Text that says nothing the engine can use is
/// refused here, with the reason.
pub fn to_engine(plan: &Plan, edit: &Edit) -> Result<engine::Edit, Refusal> {
    let value = |m: String| Refusal::Value(m);
    Ok(match edit {
        Edit::AddTeam => engine::Edit::AddTeam,
        Edit::TeamId(team, id) => engine::Edit::RenameTeam {
            team: *team,
            id: id.clone(),
        },
        Edit::TeamCapacity(team, cap) => engine::Edit::SetTeamCapacity {
            team: *team,
            capacity: cap.trim().parse::<u32>().map_err(|_| {
                value(format!(
                    "capacity `{cap}` must be a whole number of at least 1"
                ))
            })?,
        },
        Edit::TeamThroughput(team, throughput) => engine::Edit::SetTeamThroughput {
            team: *team,
            throughput: throughput.clone(),
        },
        Edit::DeleteTeam(k) => engine::Edit::DeleteTeam(*k),
        Edit::AddTask => engine::Edit::AddTask,
        Edit::TaskId(task, id) => engine::Edit::RenameTask {
            task: *task,
            id: id.clone(),
        },
        Edit::TaskName(task, name) => engine::Edit::SetTaskName {
            task: *task,
            name: Some(name.clone()),
        },
        Edit::TaskTeam(task, team) => engine::Edit::SetTaskTeam {
            task: *task,
            team: if team.is_empty() {
                None
            } else {
                Some(
                    plan.team_index(team)
                        .ok_or_else(|| value(format!("no team `{team}` in the plan")))?,
                )
            },
        },
        Edit::TaskEstimate(task, text) => engine::Edit::SetTaskEstimate {
            task: *task,
            estimate: edit::parse_estimate(text)?,
        },
        Edit::TaskItems(task, text) => engine::Edit::SetTaskItems {
            task: *task,
            items: match text.trim() {
                "" => None,
                t => {
                    let (low, high) = edit::parse_items(t)?;
                    let split = task_items(plan, *task)?.and_then(|i| i.split);
                    Some(Items { low, high, split })
                }
            },
        },
        Edit::TaskSplit(task, text) => {
            let Some(items) = task_items(plan, *task)? else {
                return Err(value(
                    "a split factor grows an item count: give the task items first".into(),
                ));
            };
            engine::Edit::SetTaskItems {
                task: *task,
                items: Some(Items {
                    split: edit::parse_split(text)?,
                    ..items
                }),
            }
        }
        Edit::TaskKind(task, kind) => engine::Edit::SetTaskKind {
            task: *task,
            kind: match kind.as_str() {
                "work" => TaskKind::Work,
                "gate" => TaskKind::Gate,
                "milestone" => TaskKind::Milestone,
                k => return Err(value(format!("unknown kind `{k}`"))),
            },
        },
        Edit::DeleteTask(j) => engine::Edit::DeleteTask(*j),
        Edit::AddLink(pred, succ) => {
            let a = edit::parse_task_ids(plan, pred)?;
            let b = edit::parse_task_ids(plan, succ)?;
            let (&[pred], &[succ]) = (a.as_slice(), b.as_slice()) else {
                return Err(value("pick one task on each side of the link".into()));
            };
            engine::Edit::AddLink { pred, succ }
        }
        Edit::SetLink(task, link, kind, lag) => engine::Edit::SetLink {
            task: *task,
            link: *link,
            kind: match kind.as_str() {
                "FS" => LinkKind::FS,
                "SS" => LinkKind::SS,
                "FF" => LinkKind::FF,
                "SF" => LinkKind::SF,
                k => return Err(value(format!("unknown link type `{k}`"))),
            },
            lag: lag
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| value(format!("lag `{lag}` is not a number")))?,
        },
        Edit::DeleteLink(task, link) => engine::Edit::DeleteLink {
            task: *task,
            link: *link,
        },
        Edit::AddRisk => engine::Edit::AddRisk,
        Edit::RiskId(risk, id) => engine::Edit::RenameRisk {
            risk: *risk,
            id: id.clone(),
        },
        Edit::RiskProbability(risk, text) => engine::Edit::SetRiskProbability {
            risk: *risk,
            probability: text
                .trim()
                .parse::<f64>()
                .map_err(|_| value(format!("probability `{text}` is not a number")))?,
        },
        Edit::RiskImpact(risk, text) => engine::Edit::SetRiskImpact {
            risk: *risk,
            impact: edit::parse_estimate(text)?,
        },
        Edit::RiskTasks(risk, text) => engine::Edit::SetRiskTasks {
            risk: *risk,
            tasks: edit::parse_task_ids(plan, text)?,
        },
        Edit::DeleteRisk(r) => engine::Edit::DeleteRisk(*r),
        Edit::AddRelease => engine::Edit::AddRelease,
        Edit::ReleaseId(release, id) => engine::Edit::RenameRelease {
            release: *release,
            id: id.clone(),
        },
        Edit::ReleaseTasks(release, text) => engine::Edit::SetReleaseTasks {
            release: *release,
            tasks: edit::parse_task_ids(plan, text)?,
        },
        Edit::ReleaseTarget(release, text) => engine::Edit::SetReleaseTarget {
            release: *release,
            target: edit::parse_target(plan, text)?,
        },
        Edit::DeleteRelease(r) => engine::Edit::DeleteRelease(*r),
        Edit::StatusDate(text) => {
            engine::Edit::SetStatusDate(edit::parse_when(plan, text, "status date")?)
        }
        Edit::TaskStarted(task, text) => {
            let started = edit::parse_when(plan, text, "started")?;
            actual(plan, *task, |a| a.started = started)?
        }
        Edit::TaskDone(task, text) => {
            let done = edit::parse_when(plan, text, "done")?;
            actual(plan, *task, |a| a.done = done)?
        }
        Edit::TaskRemaining(task, text) => {
            let remaining = match text.trim() {
                "" => None,
                t => Some(edit::parse_estimate(t)?),
            };
            actual(plan, *task, |a| a.remaining = remaining)?
        }
    })
}

/// Task `task`'s items (none when it is estimated), or the refusal naming a missing row.
fn task_items(plan: &Plan, task: usize) -> Result<Option<Items>, Refusal> {
    plan.tasks
        .get(task)
        .map(|t| t.items)
        .ok_or(Refusal::NoSuch {
            what: "task",
            index: task,
            count: plan.tasks.len(),
        })
}

/// The edit that sets task `task`'s progress to its present progress changed by `f`.
fn actual(plan: &Plan, task: usize, f: impl FnOnce(&mut Actual)) -> Result<engine::Edit, Refusal> {
    let t = plan.tasks.get(task).ok_or(Refusal::NoSuch {
        what: "task",
        index: task,
        count: plan.tasks.len(),
    })?;
    let mut actual = t.actual;
    f(&mut actual);
    Ok(engine::Edit::SetTaskActual { task, actual })
}

/// Applies a table's `edit` to `plan` through the engine: the new plan's TOML, or the
/// engine's reasons for refusing it.
pub fn apply(plan: &Plan, edit: &Edit) -> Result<String, Vec<String>> {
    apply_to_text(plan, edit).map(|(text, _)| text)
}

/// Applies a table's `edit` to `plan`: the new plan's TOML and the edited plan, or the
/// engine's reasons for refusing it. A progress edit ([`Edit::is_progress`]) is made without
/// validating the result ([`edit::apply_unchecked`]): when it breaks a rule of the plan, the
/// text has the error (located when read) and the plan is what the tables go on editing.
pub fn apply_to_text(plan: &Plan, edit: &Edit) -> Result<(String, Plan), Vec<String>> {
    to_engine(plan, edit)
        .and_then(|e| {
            if edit.is_progress() {
                edit::apply_unchecked(plan, &e)
            } else {
                edit::apply(plan, &e)
            }
        })
        .map(|p| (io::to_toml(&p), p))
        .map_err(|r| r.reasons())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdate_engine::io::Format;
    use shipdate_engine::model::{Estimate, LinkKind};

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
    fn estimate_text_goes_through_the_engines_reader() {
        let p = plan(SMALL);
        let q = plan(&apply(&p, &Edit::TaskEstimate(1, "tri 1/2/4".into())).unwrap());
        assert_eq!(format_estimate(&q.tasks[1].estimate), "tri 1/2/4");
        let e = apply(&p, &Edit::TaskEstimate(1, "five".into())).unwrap_err();
        assert!(e[0].contains("is not an estimate"), "{e:?}");
        let e = apply(&p, &Edit::ReleaseTarget(0, "2026-01-01".into())).unwrap_err();
        assert!(e[0].contains("not a number"), "{e:?}");
        let e = apply(&p, &Edit::AddLink("a b".into(), "c".into())).unwrap_err();
        assert!(e[0].contains("one task on each side"), "{e:?}");
        let e = apply(&p, &Edit::TaskTeam(0, "fe".into())).unwrap_err();
        assert!(e[0].contains("no team `fe`"), "{e:?}");
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
    fn item_cells_make_a_task_item_sized_through_the_engine() {
        let p = plan(SMALL);
        // No throughput on `be` yet: the engine's reason, with its fix.
        let e = apply(&p, &Edit::TaskItems(0, "18/25".into())).unwrap_err();
        assert!(e[0].contains("has no `throughput`"), "{e:?}");
        let tp = Throughput::per_day(vec![2.0, 3.0]);
        let q = plan(&apply(&p, &Edit::TeamThroughput(0, Some(tp.clone()))).unwrap());
        assert_eq!(q.teams[0].throughput, Some(tp));
        let text = apply(&q, &Edit::TaskItems(0, "18/25".into())).unwrap();
        assert!(text.contains("items = { low = 18, high = 25 }"), "{text}");
        assert!(!text.contains("estimate = 3\n"), "{text}");
        let r = plan(&text);
        assert_eq!(
            shipdate_engine::edit::format_items(&r.tasks[0].items.unwrap()),
            "18/25"
        );
        // A split factor; then a new count keeps it.
        let r = plan(&apply(&r, &Edit::TaskSplit(0, "1/1.3".into())).unwrap());
        let r = plan(&apply(&r, &Edit::TaskItems(0, "20".into())).unwrap());
        let items = r.tasks[0].items.unwrap();
        assert_eq!(
            (items.low, items.high, items.split),
            (20, 20, Some((1.0, 1.3)))
        );
        // A split without items, and text that is no count, are refused here.
        let e = apply(&r, &Edit::TaskSplit(1, "1.2".into())).unwrap_err();
        assert!(e[0].contains("give the task items first"), "{e:?}");
        let e = apply(&r, &Edit::TaskItems(0, "many".into())).unwrap_err();
        assert!(e[0].contains("is not an item count"), "{e:?}");
        // Empty: estimated again (estimate 0 until one is given).
        let s = plan(&apply(&r, &Edit::TaskItems(0, String::new())).unwrap());
        assert_eq!(s.tasks[0].items, None);
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
    fn progress_is_recorded_and_written_even_when_it_breaks_a_rule() {
        let dated = "[plan]\nname = \"p\"\nstart = 2027-01-04\n\
[[tasks]]\nid = \"a\"\nestimate = 5\n\
[[tasks]]\nid = \"b\"\nestimate = 4\nafter = [\"a\"]\n";
        let p = plan(dated);
        // `done` without a status date: written, and the text's error says what to add.
        let (text, q) = apply_to_text(&p, &Edit::TaskDone(0, "2027-01-08".into())).unwrap();
        let errors = io::parse_str(&text, Format::Toml).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|d| d.message.contains("task `a`") && d.message.contains("status date")),
            "{errors:?}"
        );
        // The next edit, on the edited plan, fixes it.
        let (text, _) = apply_to_text(&q, &Edit::StatusDate("2027-01-18".into())).unwrap();
        let r = plan(&text);
        let s = shipdate_engine::dispatch::schedule(&r);
        // a done over [0, 5) (no `started`: its estimate before its finish); b from day 10.
        assert_eq!((s.tasks[0].start, s.tasks[0].finish), (0.0, 5.0));
        assert_eq!((s.tasks[1].start, s.tasks[1].finish), (10.0, 14.0));
        // Started with 2 days left: b runs [10, 12) from its actual start on day 8.
        let r = plan(&apply(&r, &Edit::TaskStarted(1, "2027-01-14".into())).unwrap());
        let r = plan(&apply(&r, &Edit::TaskRemaining(1, "2".into())).unwrap());
        let s = shipdate_engine::dispatch::schedule(&r);
        assert_eq!((s.tasks[1].start, s.tasks[1].finish), (8.0, 12.0));
        // Clearing: empty text.
        let r = plan(&apply(&r, &Edit::TaskRemaining(1, " ".into())).unwrap());
        assert_eq!(r.tasks[1].actual.remaining, None);
        // Text that is no date is refused at the row, not written.
        let e = apply(&r, &Edit::TaskDone(1, "friday".into())).unwrap_err();
        assert_eq!(
            e,
            vec!["done `friday` is not a date (YYYY-MM-DD)".to_string()]
        );
        let e = apply(&r, &Edit::StatusDate("3".into())).unwrap_err();
        assert!(e[0].contains("not a date"), "{e:?}");
        // Other edits are still validated before they are written.
        assert!(apply_to_text(&r, &Edit::TaskId(1, "a".into())).is_err());
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
