//! The schedule as two tables: releases (ready, deploy, on time, deployed) and tasks (start,
//! finish, days or work left, slack, state at the status date, critical, deadline). While the
//! plan has errors the last valid schedule stays, dimmed.

use leptos::prelude::*;

use crate::state::{ReleaseRow, ScheduleView, TaskRow};

/// The schedule tables.
#[component]
pub fn ScheduleTables(
    /// The schedule of the last valid text, if any.
    #[prop(into)]
    schedule: Signal<Option<ScheduleView>>,
    /// Whether it is from an earlier text than the one in the editor.
    #[prop(into)]
    stale: Signal<bool>,
) -> impl IntoView {
    let tasks = move || schedule.with(|s| s.as_ref().map(|s| s.tasks.clone()).unwrap_or_default());
    let releases =
        move || schedule.with(|s| s.as_ref().map(|s| s.releases.clone()).unwrap_or_default());
    let has_schedule = move || schedule.with(|s| s.is_some());
    let has_releases =
        move || schedule.with(|s| s.as_ref().is_some_and(|s| !s.releases.is_empty()));
    let dated = move || schedule.with(|s| s.as_ref().is_some_and(|s| s.dated));
    let finish = move || schedule.with(|s| s.as_ref().map(|s| s.finish.clone()));
    let makespan = move || schedule.with(|s| s.as_ref().map(|s| s.makespan.clone()));
    let as_of = move || schedule.with(|s| s.as_ref().and_then(|s| s.as_of.clone()));
    let progress = move || schedule.with(|s| s.as_ref().is_some_and(|s| s.as_of.is_some()));
    let has_due = move || {
        schedule.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.tasks.iter().any(|t| !t.due.is_empty()))
        })
    };
    view! {
        <section
            id="schedule"
            data-testid="schedule"
            class:stale=move || stale.get()
            data-stale=move || stale.get().to_string()
        >
            <h2 class="pane-title">"Schedule"</h2>
            <Show when=move || stale.get()>
                <p class="stale-note" data-testid="stale-note" role="status">
                    "The plan has errors: this is the schedule of its last valid version."
                </p>
            </Show>
            <Show
                when=has_schedule
                fallback=|| {
                    view! {
                        <p class="empty" data-testid="no-schedule">
                            "No schedule yet: fix the errors in the plan."
                        </p>
                    }
                }
            >
                <p class="summary" data-testid="summary">
                    {move || as_of().map(|a| view! { <span data-testid="as-of">{a}</span> " · " })}
                    <Show
                        when=dated
                        fallback=move || {
                            view! {
                                "Makespan: "
                                <strong data-testid="makespan">{makespan}</strong>
                                " periods"
                            }
                        }
                    >
                        "Finish: "
                        <strong data-testid="finish">{finish}</strong>
                        " · makespan "
                        <span data-testid="makespan">{makespan}</span>
                        " working days"
                    </Show>
                </p>
                <Show when=has_releases>
                    <table class="releases" data-testid="releases-table">
                        <caption>"Releases"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Release"</th>
                                <th scope="col">"Ready"</th>
                                <th scope="col">"Deploy"</th>
                                <th scope="col">"Target"</th>
                                <th scope="col">"Status"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=releases key=|r| r.clone() children=release_row />
                        </tbody>
                    </table>
                </Show>
                <table class="tasks" data-testid="tasks-table">
                    <caption>"Tasks"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Task"</th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Team"</th>
                            <th scope="col">"Start"</th>
                            <th scope="col">"Finish"</th>
                            <th scope="col" class="num">
                                {move || if progress() { "Left" } else { "Days" }}
                            </th>
                            <th scope="col" class="num">"Slack"</th>
                            <Show when=progress>
                                <th scope="col">"State"</th>
                            </Show>
                            <th scope="col">"Critical"</th>
                            <Show when=has_due>
                                <th scope="col">"Deadline"</th>
                            </Show>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=tasks
                            key=|t| t.clone()
                            children=move |t| {
                                let (progress, has_due) = untrack(|| (progress(), has_due()));
                                task_row(t, progress, has_due)
                            }
                        />
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

fn release_row(r: ReleaseRow) -> impl IntoView {
    let status_class = match r.status {
        "on time" => "status ok",
        "late" | "unscheduled" => "status bad",
        _ => "status",
    };
    let key = r.id.clone();
    let status = if r.deployed.is_empty() {
        r.status.to_string()
    } else {
        format!("deployed {}", r.deployed)
    };
    view! {
        <tr data-testid="release-row" data-release=key>
            <th scope="row">{r.id}</th>
            <td data-col="ready">{r.ready}</td>
            <td data-col="deploy">{r.deploy}</td>
            <td data-col="target">{r.target}</td>
            <td data-col="status" class=status_class>
                {status}
            </td>
        </tr>
    }
}

fn task_row(t: TaskRow, progress: bool, has_due: bool) -> impl IntoView {
    let key = t.id.clone();
    let missed = t.due.starts_with("MISSES");
    view! {
        <tr data-testid="task-row" data-task=key class:critical=t.critical>
            <th scope="row">{t.id}</th>
            <td data-col="name">{t.name}</td>
            <td data-col="team">{t.team}</td>
            <td data-col="start">{t.start}</td>
            <td data-col="finish">{t.finish}</td>
            <td data-col="duration" class="num">{t.duration}</td>
            <td data-col="slack" class="num">{t.slack}</td>
            {progress.then(|| view! { <td data-col="state">{t.state}</td> })}
            <td data-col="critical">{if t.critical { "critical" } else { "" }}</td>
            {has_due
                .then(|| {
                    view! {
                        <td data-col="due" class:status=true class:bad=missed>
                            {t.due}
                        </td>
                    }
                })}
        </tr>
    }
}
