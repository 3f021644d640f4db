//! Scenarios (SPEC section 7): "what if" variants of a plan, each some fields of some teams,
//! tasks, risks and releases replaced, and a cut task removed with its links.
//!
//! A scenario is applied with the engine's plan edits ([`crate::edit`]): each replaced field
//! becomes an [`Edit`], and the edits are made together and the result validated like any
//! plan ([`edit::apply_together`]). So a scenario's plan passes every rule a plan in a file
//! does, and the errors of a scenario point into its table: the field whose edit was refused,
//! or the entity an error of the applied plan names.
//!
//! ```
//! use shipdate_engine::{scenario, Format};
//!
//! let src = "[plan]\nname = \"p\"\n[teams.be]\ncapacity = 1\n\
//!            [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\n\
//!            [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\n\
//!            [[scenarios]]\nid = \"hire\"\nteams = { be = { capacity = 2 } }\n\
//!            [[scenarios]]\nid = \"less\"\ntasks = { b = { cut = true } }\n";
//! let plan = scenario::parse_str(src, Format::Toml).unwrap();
//! assert_eq!(shipdate_engine::schedule(&plan).makespan, 5.0);
//! let hire = scenario::apply(&plan, "hire").unwrap();
//! assert_eq!(shipdate_engine::schedule(&hire).makespan, 3.0);
//! assert_eq!(scenario::apply(&plan, "less").unwrap().tasks.len(), 1);
//! let unknown = scenario::apply(&plan, "hier").unwrap_err();
//! assert_eq!(unknown[0].help.as_deref(), Some("did you mean `hire`?"));
//! ```

use crate::diag::{suggest, Diagnostic, Pos};
use crate::edit::{self, Edit, Refusal};
use crate::io::{self, Format};
use crate::model::{Change, Patch, Plan, Scenario};

/// Reads a plan and checks its scenarios: the plan, or every error in it and in its
/// scenarios (the applied scenarios' too), sorted by position.
///
/// # Errors
///
/// Every error of the plan, of its scenario tables and of each applied scenario.
pub fn parse_str(src: &str, format: Format) -> Result<Plan, Vec<Diagnostic>> {
    let (plan, mut errs) = io::parse_keeping_scenarios(src, format)?;
    errs.extend(check(&plan));
    if errs.is_empty() {
        Ok(plan)
    } else {
        Err(crate::diag::sort_by_position(errs))
    }
}

/// Applies every scenario of `plan`: the errors found (none when each gives a valid plan).
pub fn check(plan: &Plan) -> Vec<Diagnostic> {
    plan.scenarios
        .iter()
        .filter_map(|sc| applied(plan, sc).err())
        .flatten()
        .collect()
}

/// The plan of scenario `id`: the plan with the scenario's fields replaced and its cut tasks
/// removed, validated; it has no scenarios itself and no source positions.
///
/// # Errors
///
/// An unknown id (with the near miss, if any), or the errors of the scenario, located in
/// its table.
pub fn apply(plan: &Plan, id: &str) -> Result<Plan, Vec<Diagnostic>> {
    match plan.scenario(id) {
        Some(sc) => applied(plan, sc),
        None => {
            let ids = plan.scenarios.iter().map(|s| s.id.as_str());
            let help = match suggest(id, ids) {
                Some(s) => format!("did you mean `{s}`?"),
                None if plan.scenarios.is_empty() => "the plan has no [[scenarios]]".into(),
                None => {
                    let all: Vec<String> = plan
                        .scenarios
                        .iter()
                        .map(|s| format!("`{}`", s.id))
                        .collect();
                    format!("the plan's scenarios are {}", all.join(", "))
                }
            };
            Err(vec![Diagnostic::error(
                None,
                format!("unknown scenario `{id}`"),
            )
            .with_subject(id)
            .with_help(help)])
        }
    }
}

/// An edit and the change (and field) it comes from.
struct Step {
    edit: Edit,
    change: usize,
    field: usize,
}

fn applied(plan: &Plan, sc: &Scenario) -> Result<Plan, Vec<Diagnostic>> {
    let mut base = plan.clone();
    base.scenarios.clear();
    let (steps, mut errs) = steps(&base, sc);
    let edits: Vec<Edit> = steps.iter().map(|s| s.edit.clone()).collect();
    match edit::apply_together(&base, &edits) {
        Ok(mut p) if errs.is_empty() => {
            io::clear_positions(&mut p);
            Ok(p)
        }
        Ok(_) => Err(errs),
        Err(refusals) => {
            for (i, r) in refusals {
                match (i, r) {
                    (None, Refusal::Invalid(diags)) => {
                        errs.extend(diags.into_iter().map(|d| invalid(&base, sc, d)));
                    }
                    (i, r) => {
                        let step = i.map(|i| &steps[i]);
                        let pos = step.and_then(|s| {
                            let c = &sc.changes[s.change];
                            c.fields.get(s.field).and_then(|f| f.pos).or(c.pos)
                        });
                        let who = step.map(|s| entity(&base, &sc.changes[s.change]));
                        let what = who
                            .map(|(k, id)| format!("{k} `{id}`: "))
                            .unwrap_or_default();
                        errs.push(error(sc, pos.or(sc.pos), format!("{what}{r}"), None));
                    }
                }
            }
            Err(errs)
        }
    }
}

/// An error of the applied plan, located at the change of the entity it names, else at a
/// cut of one of the tasks of the release or risk it names (a release left empty), else at
/// the scenario.
fn invalid(base: &Plan, sc: &Scenario, d: Diagnostic) -> Diagnostic {
    let subject = d.subject.as_deref();
    let named = subject.and_then(|s| sc.changes.iter().find(|c| entity(base, c).1 == s));
    let lists = |s: &str| -> Vec<usize> {
        let release = base.releases.iter().find(|r| r.id == s).map(|r| &r.tasks);
        let risk = base.risks.iter().find(|r| r.id == s).map(|r| &r.tasks);
        release.or(risk).cloned().unwrap_or_default()
    };
    let cut = subject.and_then(|s| {
        let tasks = lists(s);
        sc.changes.iter().find(|c| {
            c.is_cut() && matches!(c.patch, Patch::Task { task, .. } if tasks.contains(&task))
        })
    });
    let pos = named.or(cut).and_then(|c| c.pos).or(sc.pos);
    error(sc, pos, d.message, d.help)
}

fn error(sc: &Scenario, pos: Option<Pos>, msg: String, help: Option<String>) -> Diagnostic {
    let mut d = Diagnostic::error(pos, format!("scenario `{}`: {msg}", sc.id));
    d.subject = Some(sc.id.clone());
    d.help = help;
    d
}

/// The kind and id of a change's entity in the base plan.
fn entity<'p>(base: &'p Plan, c: &Change) -> (&'static str, &'p str) {
    let id = |ids: Vec<&'p str>, k: usize| ids.get(k).copied().unwrap_or("?");
    match &c.patch {
        Patch::Team { team, .. } => (
            "team",
            id(base.teams.iter().map(|t| t.id.as_str()).collect(), *team),
        ),
        Patch::Task { task, .. } => (
            "task",
            id(base.tasks.iter().map(|t| t.id.as_str()).collect(), *task),
        ),
        Patch::Risk { risk, .. } => (
            "risk",
            id(base.risks.iter().map(|t| t.id.as_str()).collect(), *risk),
        ),
        Patch::Release { release, .. } => (
            "release",
            id(
                base.releases.iter().map(|t| t.id.as_str()).collect(),
                *release,
            ),
        ),
    }
}

/// The scenario's edits, cuts last (from the last task down, so that the indices of the
/// others hold), and the errors of fields no edit replaces.
fn steps(base: &Plan, sc: &Scenario) -> (Vec<Step>, Vec<Diagnostic>) {
    let mut steps = Vec::new();
    let mut cuts = Vec::new();
    let mut errs = Vec::new();
    for (ci, c) in sc.changes.iter().enumerate() {
        for (fi, f) in c.fields.iter().enumerate() {
            let edits = edits_of(&c.patch, &f.key);
            if edits.is_empty() {
                let (kind, id) = entity(base, c);
                errs.push(error(
                    sc,
                    f.pos.or(c.pos).or(sc.pos),
                    format!("{kind} `{id}`: a scenario cannot replace `{}`", f.key),
                    None,
                ));
            }
            for edit in edits {
                let step = Step {
                    edit,
                    change: ci,
                    field: fi,
                };
                if let Edit::DeleteTask(j) = step.edit {
                    cuts.push((j, step));
                } else {
                    steps.push(step);
                }
            }
        }
    }
    crate::sorting::sort_by_key(&mut cuts, |c| std::cmp::Reverse(c.0));
    cuts.dedup_by_key(|c| c.0);
    steps.extend(cuts.into_iter().map(|(_, s)| s));
    (steps, errs)
}

/// The edits that replace field `key` of a patch's entity with the patch's value.
fn edits_of(patch: &Patch, key: &str) -> Vec<Edit> {
    match patch {
        Patch::Team { team, value: v } => {
            let team = *team;
            vec![match key {
                "name" => Edit::SetTeamName {
                    team,
                    name: v.name.clone(),
                },
                "capacity" => Edit::SetTeamCapacity {
                    team,
                    capacity: v.capacity,
                },
                "calendar" => Edit::SetTeamCalendar {
                    team,
                    calendar: v.calendar,
                },
                "time_off" => Edit::SetTeamTimeOff {
                    team,
                    time_off: v.time_off.clone(),
                },
                "throughput" => Edit::SetTeamThroughput {
                    team,
                    throughput: v.throughput.clone(),
                },
                _ => return Vec::new(),
            }]
        }
        Patch::Task { task, value: v } => {
            let task = *task;
            let demand = Edit::SetTaskDemand {
                task,
                demand: v.demand,
            };
            match key {
                "cut" => vec![Edit::DeleteTask(task)],
                "name" => vec![Edit::SetTaskName {
                    task,
                    name: v.name.clone(),
                }],
                "team" => vec![Edit::SetTaskTeam { task, team: v.team }, demand],
                "demand" => vec![demand],
                "extra_demands" => vec![Edit::SetTaskExtraDemands {
                    task,
                    demands: v.extra_demands.clone(),
                }],
                // Items first (an estimate replaces them), then the kind: a milestone's
                // estimate is 0, and the value has it so.
                "kind" | "estimate" => vec![
                    Edit::SetTaskItems {
                        task,
                        items: v.items,
                    },
                    Edit::SetTaskKind { task, kind: v.kind },
                    Edit::SetTaskEstimate {
                        task,
                        estimate: v.estimate,
                    },
                ],
                "items" | "split" => vec![Edit::SetTaskItems {
                    task,
                    items: v.items,
                }],
                "after" => vec![Edit::SetTaskLinks {
                    task,
                    after: v.after.clone(),
                }],
                "optional" => vec![Edit::SetTaskOptional {
                    task,
                    optional: v.optional,
                }],
                "started" | "done" | "remaining" | "progress" => vec![Edit::SetTaskActual {
                    task,
                    actual: v.actual,
                }],
                "not_before" | "due" => vec![Edit::SetTaskDates {
                    task,
                    dates: v.dates,
                }],
                _ => Vec::new(),
            }
        }
        Patch::Risk { risk, value: v } => {
            let risk = *risk;
            vec![match key {
                "probability" => Edit::SetRiskProbability {
                    risk,
                    probability: v.probability,
                },
                "impact" => Edit::SetRiskImpact {
                    risk,
                    impact: v.impact,
                },
                "tasks" => Edit::SetRiskTasks {
                    risk,
                    tasks: v.tasks.clone(),
                },
                "status" => Edit::SetRiskStatus {
                    risk,
                    status: v.status,
                },
                _ => return Vec::new(),
            }]
        }
        Patch::Release { release, value: v } => {
            let release = *release;
            vec![match key {
                "tasks" => Edit::SetReleaseTasks {
                    release,
                    tasks: v.tasks.clone(),
                },
                "target" => Edit::SetReleaseTarget {
                    release,
                    target: v.target,
                },
                "windows" => Edit::SetReleaseWindows {
                    release,
                    windows: v.windows.clone(),
                },
                "cadence" => Edit::SetReleaseCadence {
                    release,
                    cadence: v.cadence.clone(),
                },
                "freeze" => Edit::SetReleaseFreeze {
                    release,
                    freeze: v.freeze.clone(),
                },
                "value" => Edit::SetReleaseValue {
                    release,
                    value: v.value,
                },
                "deployed" => Edit::SetReleaseDeployed {
                    release,
                    deployed: v.deployed,
                },
                _ => return Vec::new(),
            }]
        }
    }
}

#[cfg(test)]
mod tests;
