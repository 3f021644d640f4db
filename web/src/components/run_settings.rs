//! The iterations and seed fields of a panel that simulates versions side by side (Compare,
//! Scenarios), shown only while the panel's tab is, so that the Risk tab's fields keep their
//! labels to themselves.

use leptos::prelude::*;

use crate::components::risk_panel::MAX_ITERATIONS;

/// Two number fields, `{id}-iterations` and `{id}-seed` (also their test ids), labelled.
#[component]
pub fn RunSettings(
    /// The prefix of the fields' ids.
    id: &'static str,
    /// The iterations field's label.
    iterations_label: &'static str,
    /// The seed field's label.
    seed_label: &'static str,
    /// The iterations, as typed.
    iterations: RwSignal<String>,
    /// The seed, as typed.
    seed: RwSignal<String>,
    /// Whether the panel is on show.
    #[prop(into)]
    visible: Signal<bool>,
) -> impl IntoView {
    let iterations_id = format!("{id}-iterations");
    let seed_id = format!("{id}-seed");
    view! {
        <Show when=move || visible.get()>
            <label for=iterations_id.clone()>{iterations_label}</label>
            <input
                id=iterations_id.clone()
                data-testid=iterations_id.clone()
                type="number"
                min="1"
                max=MAX_ITERATIONS
                prop:value=iterations
                on:input=move |ev| iterations.set(event_target_value(&ev))
            />
            <label for=seed_id.clone()>{seed_label}</label>
            <input
                id=seed_id.clone()
                data-testid=seed_id.clone()
                type="number"
                min="0"
                prop:value=seed
                on:input=move |ev| seed.set(event_target_value(&ev))
            />
        </Show>
    }
}
