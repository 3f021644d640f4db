//! The planner screen: the plan's source on the left, its problems below it, the schedule on
//! the right. Every edit is re-parsed, re-scheduled and saved in the browser.

use leptos::html::Textarea;
use leptos::prelude::*;

use crate::components::{DiagnosticList, ScheduleTables, SourceEditor};
use crate::state::{self, Planner, EXAMPLE_PLAN};
use crate::storage;

/// The planner screen.
#[component]
pub fn PlannerPage() -> impl IntoView {
    let restored = storage::load(EXAMPLE_PLAN);
    let initial = restored.source.clone();
    let planner = RwSignal::new(Planner::new(restored.source));
    let notice = RwSignal::new(restored.notice);
    let textarea = NodeRef::<Textarea>::new();

    let on_input = Callback::new(move |text: String| {
        if let Err(e) = storage::save(&text) {
            notice.set(Some(format!(
                "Your changes could not be saved in this browser ({e})."
            )));
        }
        planner.update(|p| p.set_source(text));
    });
    let on_select = Callback::new(move |line: u32| {
        let Some(t) = textarea.get_untracked() else {
            return;
        };
        let src = t.value();
        let (start, end) = state::utf16_line_range(&src, line);
        let _ = t.focus();
        let _ = t.set_selection_range(start, end);
        // Bring the line into view, a few lines from the top.
        let lines = state::line_count(&src).max(1) as i32;
        let per_line = t.scroll_height() / lines;
        t.set_scroll_top((line as i32 - 4).max(0) * per_line);
    });

    let line_count = Memo::new(move |_| planner.with(|p| state::line_count(&p.source)));
    let error_lines = Memo::new(move |_| planner.with(|p| p.error_lines()));
    let diagnostics = Memo::new(move |_| planner.with(|p| p.diagnostics.clone()));
    let schedule = Memo::new(move |_| planner.with(|p| p.schedule.clone()));
    let stale = Memo::new(move |_| planner.with(|p| p.stale));
    let plan_name = Memo::new(move |_| planner.with(|p| p.plan_name.clone().unwrap_or_default()));

    view! {
        <header class="top">
            <h1>"shipdate"</h1>
            <span class="plan-name" data-testid="plan-name">
                {plan_name}
            </span>
        </header>
        {move || {
            notice
                .get()
                .map(|n| {
                    view! {
                        <p class="notice" role="alert" data-testid="notice">
                            {n}
                            " "
                            <button type="button" on:click=move |_| notice.set(None)>
                                "Dismiss"
                            </button>
                        </p>
                    }
                })
        }}
        <main class="layout">
            <section class="source-pane">
                <SourceEditor
                    initial=initial
                    line_count=line_count
                    error_lines=error_lines
                    on_input=on_input
                    textarea=textarea
                />
                <DiagnosticList diagnostics=diagnostics on_select=on_select />
            </section>
            <section class="schedule-pane">
                <ScheduleTables schedule=schedule stale=stale />
            </section>
        </main>
    }
}
