//! The status-date control (SPEC section 6): the "as of" of the plan. Setting it makes the
//! schedule a forecast from it (work before it is history); clearing it plans from scratch.
//! The change goes through [`crate::edit::apply`] like every table edit; a plan that then
//! breaks a rule of section 6 shows the error in the diagnostics list.

use leptos::prelude::*;
use shipdate_engine::model::{Plan, When};
use shipdate_engine::view::number;

use crate::edit::Edit;

/// A date input (a number in undated plans) holding the plan's status date.
#[component]
pub fn StatusDate(
    /// The plan the tables edit.
    #[prop(into)]
    plan: Signal<Option<Plan>>,
    /// Applies an edit; `Err` holds the engine's reasons for refusing it.
    apply: Callback<Edit, Result<(), Vec<String>>>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let submit = move |text: String| match apply.run(Edit::StatusDate(text)) {
        Ok(()) => error.set(None),
        Err(e) => error.set(Some(e.join("; "))),
    };
    move || {
        let p = plan.get()?;
        let value = match p.status {
            Some(When::Date(d)) => d.to_string(),
            Some(When::Period(t)) => number(t),
            None => String::new(),
        };
        let kind = if p.is_dated() { "date" } else { "text" };
        let help = if p.status.is_some() {
            "The schedule is a forecast from this date: done work is history. Record started and done work in the Edit tables."
        } else {
            "Set it to re-forecast from a date: record started and done work in the Edit tables."
        };
        Some(view! {
            <p class="status-date">
                <label for="status-date">"Status date "</label>
                <input
                    id="status-date"
                    type=kind
                    data-testid="status-date"
                    prop:value=value
                    on:change=move |ev| submit(event_target_value(&ev))
                />
                " "
                <button type="button" data-testid="status-date-clear" on:click=move |_| submit(String::new())>
                    "Clear"
                </button>
                " "
                <span class="help">{help}</span>
                <span class="row-error" role="alert" data-testid="status-date-error">
                    {move || error.get()}
                </span>
            </p>
        })
    }
}
