//! The plan's TOML source: a labelled textarea with a line-number gutter marking error lines.

use leptos::html::{Div, Textarea};
use leptos::prelude::*;

/// The source editor. The textarea is uncontrolled (it keeps its own cursor and undo history);
/// every edit is reported through `on_input` with the whole text.
#[component]
pub fn SourceEditor(
    /// The text the editor opens with.
    initial: String,
    /// How many lines the text has.
    #[prop(into)]
    line_count: Signal<u32>,
    /// The lines holding an error, sorted.
    #[prop(into)]
    error_lines: Signal<Vec<u32>>,
    /// Called with the whole text on every edit.
    on_input: Callback<String>,
    /// The textarea, so that the page can move the cursor to a line.
    textarea: NodeRef<Textarea>,
) -> impl IntoView {
    let gutter = NodeRef::<Div>::new();
    let sync_scroll = move || {
        if let (Some(t), Some(g)) = (textarea.get_untracked(), gutter.get_untracked()) {
            g.set_scroll_top(t.scroll_top());
        }
    };
    let lines = move || {
        let errors = error_lines.get();
        (1..=line_count.get())
            .map(|l| (l, errors.binary_search(&l).is_ok()))
            .collect::<Vec<_>>()
    };
    view! {
        <div class="editor-box">
            <label for="plan-source" class="pane-title">
                "Plan (TOML)"
            </label>
            <div class="editor">
                <div class="gutter" aria-hidden="true" node_ref=gutter data-testid="gutter">
                    <For
                        each=lines
                        key=|line| *line
                        children=move |(line, error)| {
                            view! {
                                <div
                                    class=if error { "gutter-line error" } else { "gutter-line" }
                                    data-line=line
                                >
                                    {line}
                                </div>
                            }
                        }
                    />
                </div>
                <textarea
                    id="plan-source"
                    data-testid="plan-source"
                    node_ref=textarea
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap="off"
                    prop:value=initial
                    on:input=move |ev| {
                        on_input.run(event_target_value(&ev));
                        sync_scroll();
                    }
                    on:scroll=move |_| sync_scroll()
                ></textarea>
            </div>
        </div>
    }
}
