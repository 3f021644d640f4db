//! The list of validation errors and warnings, each with its line; a click (or Enter) on one
//! moves the editor's cursor to that line.

use leptos::prelude::*;

use crate::state::DiagnosticRow;

/// The diagnostics of the current text, or a line saying the plan is valid.
#[component]
pub fn DiagnosticList(
    /// The diagnostics to show, in order.
    #[prop(into)]
    diagnostics: Signal<Vec<DiagnosticRow>>,
    /// Called with a diagnostic's line when the user picks it.
    on_select: Callback<u32>,
) -> impl IntoView {
    let count = move || diagnostics.with(|d| d.len());
    let heading = move || match count() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    let items = move || {
        diagnostics
            .get()
            .into_iter()
            .enumerate()
            .collect::<Vec<_>>()
    };
    view! {
        <section class="diagnostics" data-testid="diagnostics" aria-live="polite">
            <Show
                when=move || { count() > 0 }
                fallback=|| {
                    view! {
                        <p class="valid" data-testid="valid">
                            "The plan is valid."
                        </p>
                    }
                }
            >
                <h2 class="pane-title" data-testid="problem-count">
                    {heading}
                </h2>
                <ul data-testid="diagnostic-list">
                    <For
                        each=items
                        key=|item| item.clone()
                        children=move |(_, d)| {
                            let line = d.line;
                            view! {
                                <li
                                    class=d.severity
                                    data-testid="diagnostic"
                                    data-line=line.map(|l| l.to_string())
                                >
                                    <button
                                        type="button"
                                        on:click=move |_| {
                                            if let Some(l) = line {
                                                on_select.run(l);
                                            }
                                        }
                                    >
                                        {d.text}
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
            </Show>
        </section>
    }
}
