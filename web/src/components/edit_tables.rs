//! Tables that edit the plan: teams, tasks, links, risks and releases (add, edit, delete),
//! and each task's progress (started, done, work left; SPEC section 6).
//!
//! Every change goes through [`crate::edit::apply`]: the edited plan is written back as TOML
//! by the engine and read again, so the tables and the source view always hold the same plan.
//! A change the engine refuses is not applied; its reasons show in the row that was edited.
//! Progress is written even when it breaks a rule of section 6 (a task done after the status
//! date): the error shows in the diagnostics list, like an error typed in the source.

use leptos::prelude::*;
use shipdate_engine::model::{LinkKind, Plan, TaskKind, When};
use shipdate_engine::view::number;

use crate::edit::{format_estimate, Edit};
use shipdate_engine::edit::{format_items, format_split};

/// The editing tables of the last valid plan.
#[component]
pub fn EditTables(
    /// The last valid plan.
    #[prop(into)]
    plan: Signal<Option<Plan>>,
    /// Applies an edit; `Err` holds the engine's reasons for refusing it.
    apply: Callback<Edit, Result<(), Vec<String>>>,
) -> impl IntoView {
    let error = RwSignal::new(None::<(String, Vec<String>)>);
    let submit = move |key: String, edit: Edit| match apply.run(edit) {
        Ok(()) => error.set(None),
        Err(e) => error.set(Some((key, e))),
    };
    let err_cell = move |key: String| {
        view! {
            <td class="row-error" data-testid="edit-error" role="alert">
                {move || {
                    error
                        .with(|e| e.as_ref().filter(|(k, _)| *k == key).map(|(_, m)| m.join("; ")))
                }}
            </td>
        }
    };
    let text_input = move |key: String,
                           label: String,
                           testid: &'static str,
                           value: String,
                           make: std::rc::Rc<dyn Fn(String) -> Edit>| {
        view! {
            <td>
                <input
                    type="text"
                    aria-label=label
                    data-testid=testid
                    data-row=key.clone()
                    value=value
                    on:change=move |ev| submit(key.clone(), make(event_target_value(&ev)))
                />
            </td>
        }
    };
    // A day (dated plans: a date input) or a time (undated: text).
    let when_input = move |key: String,
                           label: String,
                           testid: &'static str,
                           (dated, value): (bool, Option<When>),
                           make: std::rc::Rc<dyn Fn(String) -> Edit>| {
        let text = match value {
            Some(When::Date(d)) => d.to_string(),
            Some(When::Period(t)) => number(t),
            None => String::new(),
        };
        view! {
            <td>
                <input
                    type=if dated { "date" } else { "text" }
                    aria-label=label
                    data-testid=testid
                    data-row=key.clone()
                    prop:value=text
                    on:change=move |ev| submit(key.clone(), make(event_target_value(&ev)))
                />
            </td>
        }
    };
    let delete_button = move |key: String, label: String, edit: Edit| {
        view! {
            <td>
                <button type="button" aria-label=label data-testid="delete" data-row=key.clone() on:click=move |_| submit(key.clone(), edit.clone())>
                    "Delete"
                </button>
            </td>
        }
    };
    let add_button = move |key: &'static str, label: &'static str, edit: Edit| {
        view! {
            <button type="button" data-testid=key on:click=move |_| submit(key.to_string(), edit.clone())>
                {label}
            </button>
            {err_cell(key.to_string())}
        }
    };
    move || {
        let Some(p) = plan.get() else {
            return view! { <p class="empty">"Fix the errors in the plan to edit it in tables."</p> }.into_any();
        };
        let dated = p.is_dated();
        let team_ids: Vec<String> = p.teams.iter().map(|t| t.id.clone()).collect();
        let task_ids: Vec<String> = p.tasks.iter().map(|t| t.id.clone()).collect();
        let teams = p.teams.iter().enumerate().map(|(k, t)| {
            let key = format!("team:{}", t.id);
            view! {
                <tr data-team=t.id.clone()>
                    {text_input(key.clone(), format!("Id of team {}", t.id), "edit-team-id", t.id.clone(), std::rc::Rc::new(move |v| Edit::TeamId(k, v)))}
                    {text_input(key.clone(), format!("Capacity of team {}", t.id), "edit-team-capacity", t.capacity.to_string(), std::rc::Rc::new(move |v| Edit::TeamCapacity(k, v)))}
                    <td data-testid="edit-team-throughput">{t.throughput.as_ref().map(|tp| format!("{} samples per {}, mean {}", tp.samples.len(), tp.per.as_str(), number(tp.mean()))).unwrap_or_else(|| "none (Throughput tab)".into())}</td>
                    {delete_button(key.clone(), format!("Delete team {}", t.id), Edit::DeleteTeam(k))}
                    {err_cell(key)}
                </tr>
            }
        }).collect_view();
        let tasks = p.tasks.iter().enumerate().map(|(j, t)| {
            let key = format!("task:{}", t.id);
            let team = t.team.map(|k| p.teams[k].id.clone()).unwrap_or_default();
            let kind = match t.kind { TaskKind::Work => "work", TaskKind::Gate => "gate", TaskKind::Milestone => "milestone" };
            let k2 = key.clone();
            let k3 = key.clone();
            let options = team_ids.iter().map(|id| {
                let selected = *id == team;
                view! { <option value=id.clone() selected=selected>{id.clone()}</option> }
            }).collect_view();
            view! {
                <tr data-task=t.id.clone()>
                    {text_input(key.clone(), format!("Id of task {}", t.id), "edit-task-id", t.id.clone(), std::rc::Rc::new(move |v| Edit::TaskId(j, v)))}
                    {text_input(key.clone(), format!("Name of task {}", t.id), "edit-task-name", t.name.clone().unwrap_or_default(), std::rc::Rc::new(move |v| Edit::TaskName(j, v)))}
                    <td>
                        <select aria-label=format!("Team of task {}", t.id) data-testid="edit-task-team" on:change=move |ev| submit(k2.clone(), Edit::TaskTeam(j, event_target_value(&ev)))>
                            <option value="" selected=team.is_empty()>"(none)"</option>
                            {options}
                        </select>
                    </td>
                    {match t.items {
                        // An item-sized task has no estimate: its duration is its team's throughput's.
                        Some(_) => view! {
                            <td>
                                <input type="text" disabled aria-label=format!("Estimate of task {}", t.id) data-testid="edit-task-estimate" data-row=key.clone() value="" placeholder="n/a" title="Not applicable: the task is item-sized (clear Items to estimate it in days)"/>
                            </td>
                        }.into_any(),
                        None => text_input(key.clone(), format!("Estimate of task {}", t.id), "edit-task-estimate", format_estimate(&t.estimate), std::rc::Rc::new(move |v| Edit::TaskEstimate(j, v))).into_any(),
                    }}
                    {text_input(key.clone(), format!("Items of task {}", t.id), "edit-task-items", t.items.as_ref().map(format_items).unwrap_or_default(), std::rc::Rc::new(move |v| Edit::TaskItems(j, v)))}
                    {text_input(key.clone(), format!("Split of task {}", t.id), "edit-task-split", t.items.as_ref().map(format_split).unwrap_or_default(), std::rc::Rc::new(move |v| Edit::TaskSplit(j, v)))}
                    <td>
                        <select aria-label=format!("Kind of task {}", t.id) data-testid="edit-task-kind" on:change=move |ev| submit(k3.clone(), Edit::TaskKind(j, event_target_value(&ev)))>
                            {["work", "gate", "milestone"].map(|k| view! { <option value=k selected=k == kind>{k}</option> }).collect_view()}
                        </select>
                    </td>
                    {when_input(key.clone(), format!("Started on (task {})", t.id), "edit-task-started", (dated, t.actual.started), std::rc::Rc::new(move |v| Edit::TaskStarted(j, v)))}
                    {when_input(key.clone(), format!("Done on (task {})", t.id), "edit-task-done", (dated, t.actual.done), std::rc::Rc::new(move |v| Edit::TaskDone(j, v)))}
                    {text_input(key.clone(), format!("Work left of task {}", t.id), "edit-task-remaining", t.actual.remaining.as_ref().map(format_estimate).unwrap_or_default(), std::rc::Rc::new(move |v| Edit::TaskRemaining(j, v)))}
                    {delete_button(key.clone(), format!("Delete task {}", t.id), Edit::DeleteTask(j))}
                    {err_cell(key)}
                </tr>
            }
        }).collect_view();
        let links = p.tasks.iter().enumerate().flat_map(|(j, t)| {
            let p = &p;
            t.after.iter().enumerate().map(move |(k, l)| {
                let pred = p.tasks[l.pred].id.clone();
                let key = format!("link:{pred}>{}", t.id);
                let kind = format!("{:?}", l.kind);
                let lag = number(l.lag);
                let k2 = key.clone();
                let k3 = key.clone();
                let lag_now = lag.clone();
                let kind_now = kind.clone();
                view! {
                    <tr data-link=format!("{pred} {}", t.id)>
                        <td>{pred.clone()}" → "{t.id.clone()}</td>
                        <td>
                            <select aria-label=format!("Type of link {pred} to {}", t.id) on:change=move |ev| submit(k2.clone(), Edit::SetLink(j, k, event_target_value(&ev), lag_now.clone()))>
                                {[LinkKind::FS, LinkKind::SS, LinkKind::FF, LinkKind::SF].map(|x| { let s = format!("{x:?}"); view! { <option value=s.clone() selected=s == kind>{s.clone()}</option> } }).collect_view()}
                            </select>
                        </td>
                        <td>
                            <input type="text" aria-label=format!("Lag of link {pred} to {}", t.id) value=lag on:change=move |ev| submit(k3.clone(), Edit::SetLink(j, k, kind_now.clone(), event_target_value(&ev)))/>
                        </td>
                        {delete_button(key.clone(), format!("Delete link {pred} to {}", t.id), Edit::DeleteLink(j, k))}
                        {err_cell(key)}
                    </tr>
                }
            }).collect::<Vec<_>>()
        }).collect_view();
        let new_pred = RwSignal::new(task_ids.first().cloned().unwrap_or_default());
        let new_succ = RwSignal::new(task_ids.last().cloned().unwrap_or_default());
        let task_options = move |sel: RwSignal<String>| {
            task_ids
                .iter()
                .map(|id| {
                    let selected = sel.get_untracked() == *id;
                    view! { <option value=id.clone() selected=selected>{id.clone()}</option> }
                })
                .collect_view()
        };
        let pred_options = task_options.clone()(new_pred);
        let succ_options = task_options(new_succ);
        let risks = p.risks.iter().enumerate().map(|(r, x)| {
            let key = format!("risk:{}", x.id);
            let tasks: Vec<&str> = x.tasks.iter().map(|&j| p.tasks[j].id.as_str()).collect();
            view! {
                <tr data-risk=x.id.clone()>
                    {text_input(key.clone(), format!("Id of risk {}", x.id), "edit-risk-id", x.id.clone(), std::rc::Rc::new(move |v| Edit::RiskId(r, v)))}
                    {text_input(key.clone(), format!("Probability of risk {}", x.id), "edit-risk-probability", number(x.probability), std::rc::Rc::new(move |v| Edit::RiskProbability(r, v)))}
                    {text_input(key.clone(), format!("Impact of risk {}", x.id), "edit-risk-impact", format_estimate(&x.impact), std::rc::Rc::new(move |v| Edit::RiskImpact(r, v)))}
                    {text_input(key.clone(), format!("Tasks of risk {}", x.id), "edit-risk-tasks", tasks.join(", "), std::rc::Rc::new(move |v| Edit::RiskTasks(r, v)))}
                    {delete_button(key.clone(), format!("Delete risk {}", x.id), Edit::DeleteRisk(r))}
                    {err_cell(key)}
                </tr>
            }
        }).collect_view();
        let releases = p.releases.iter().enumerate().map(|(r, x)| {
            let key = format!("release:{}", x.id);
            let tasks: Vec<&str> = x.tasks.iter().map(|&j| p.tasks[j].id.as_str()).collect();
            let target = match x.target { Some(When::Date(d)) => d.to_string(), Some(When::Period(t)) => number(t), None => String::new() };
            view! {
                <tr data-release=x.id.clone()>
                    {text_input(key.clone(), format!("Id of release {}", x.id), "edit-release-id", x.id.clone(), std::rc::Rc::new(move |v| Edit::ReleaseId(r, v)))}
                    {text_input(key.clone(), format!("Tasks of release {}", x.id), "edit-release-tasks", tasks.join(", "), std::rc::Rc::new(move |v| Edit::ReleaseTasks(r, v)))}
                    {text_input(key.clone(), format!("Target of release {}", x.id), "edit-release-target", target, std::rc::Rc::new(move |v| Edit::ReleaseTarget(r, v)))}
                    {delete_button(key.clone(), format!("Delete release {}", x.id), Edit::DeleteRelease(r))}
                    {err_cell(key)}
                </tr>
            }
        }).collect_view();
        view! {
            <div class="edit-tables" data-testid="edit-tables">
                <p class="help">"Edits here rewrite the plan's TOML (comments in the source are not kept). Estimates: 5, 3/5/10 (low/likely/high), tri 3/5/10, uni 2/6, logn 5/9. Items (instead of an estimate, for a team with a throughput): 12 or 18/25 (low/high), grown by a split factor such as 1/1.3; empty Items: estimated in days again. Progress: the day a task started, the last day it worked (done), and the working days left from the status date (any estimate form; empty: from its estimate)."</p>
                <table data-testid="edit-teams">
                    <caption>"Teams"</caption>
                    <thead><tr><th scope="col">"Id"</th><th scope="col">"Capacity"</th><th scope="col">"Throughput"</th><th></th><th></th></tr></thead>
                    <tbody>{teams}</tbody>
                </table>
                <p>{add_button("add-team", "Add team", Edit::AddTeam)}</p>
                <table data-testid="edit-tasks">
                    <caption>"Tasks"</caption>
                    <thead><tr><th scope="col">"Id"</th><th scope="col">"Name"</th><th scope="col">"Team"</th><th scope="col">"Estimate"</th><th scope="col">"Items"</th><th scope="col">"Split"</th><th scope="col">"Kind"</th><th scope="col">"Started"</th><th scope="col">"Done"</th><th scope="col">"Work left"</th><th></th><th></th></tr></thead>
                    <tbody>{tasks}</tbody>
                </table>
                <p>{add_button("add-task", "Add task", Edit::AddTask)}</p>
                <table data-testid="edit-links">
                    <caption>"Links"</caption>
                    <thead><tr><th scope="col">"Link"</th><th scope="col">"Type"</th><th scope="col">"Lag"</th><th></th><th></th></tr></thead>
                    <tbody>{links}</tbody>
                </table>
                <p class="add-link">
                    <label for="new-link-pred">"New link from"</label>
                    <select id="new-link-pred" on:change=move |ev| new_pred.set(event_target_value(&ev))>{pred_options}</select>
                    <label for="new-link-succ">"to"</label>
                    <select id="new-link-succ" on:change=move |ev| new_succ.set(event_target_value(&ev))>{succ_options}</select>
                    <button type="button" data-testid="add-link" on:click=move |_| submit("add-link".into(), Edit::AddLink(new_pred.get_untracked(), new_succ.get_untracked()))>"Add link"</button>
                    {err_cell("add-link".to_string())}
                </p>
                <table data-testid="edit-risks">
                    <caption>"Risks"</caption>
                    <thead><tr><th scope="col">"Id"</th><th scope="col">"Probability"</th><th scope="col">"Impact"</th><th scope="col">"Tasks"</th><th></th><th></th></tr></thead>
                    <tbody>{risks}</tbody>
                </table>
                <p>{add_button("add-risk", "Add risk", Edit::AddRisk)}</p>
                <table data-testid="edit-releases">
                    <caption>"Releases"</caption>
                    <thead><tr><th scope="col">"Id"</th><th scope="col">"Tasks"</th><th scope="col">"Target"</th><th></th><th></th></tr></thead>
                    <tbody>{releases}</tbody>
                </table>
                <p>{add_button("add-release", "Add release", Edit::AddRelease)}</p>
            </div>
        }.into_any()
    }
}
