//! The scope view: the windows plan (which release rides which deploy window, what is cut,
//! each team's load against capacity per window), solved in the worker.

use leptos::prelude::*;

use crate::analysis::{Reply, Request, ScopeView};
use crate::components::Svg;
use crate::worker::Client;

/// The scope view.
#[component]
pub fn ScopePanel(
    /// The plan's current source text.
    #[prop(into)]
    source: Signal<String>,
    /// Whether the current text is a valid plan.
    #[prop(into)]
    runnable: Signal<bool>,
) -> impl IntoView {
    let result = RwSignal::new(None::<(ScopeView, String)>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let job = StoredValue::new(0u32);
    let pending = StoredValue::new(String::new());
    let client = StoredValue::new_local(None::<Client>);
    let on_reply = move |reply: Reply| match reply {
        Reply::Planned { id, view } if id == job.get_value() => {
            result.set(Some((*view, pending.get_value())));
            error.set(None);
            busy.set(false);
        }
        Reply::Failed { id, message } if id == job.get_value() || id == 0 => {
            error.set(Some(message));
            busy.set(false);
        }
        _ => {}
    };
    let run = move |_| {
        if client.with_value(|c| c.is_none()) {
            match Client::spawn(on_reply) {
                Ok(c) => client.set_value(Some(c)),
                Err(e) => return error.set(Some(e)),
            }
        }
        let id = job.get_value() + 1;
        job.set_value(id);
        let src = source.get_untracked();
        pending.set_value(src.clone());
        let req = Request::Windows {
            id,
            plan: src,
            time_limit: 5.0,
        };
        if let Some(Err(e)) = client.with_value(|c| c.as_ref().map(|c| c.post(&req))) {
            return error.set(Some(e));
        }
        busy.set(true);
    };
    let stale = move || result.with(|r| r.as_ref().is_some_and(|(_, s)| *s != source.get()));
    let view_of = move || result.with(|r| r.as_ref().map(|(v, _)| v.clone()));
    view! {
        <section class="scope" data-testid="scope-view" aria-labelledby="scope-title">
            <h2 id="scope-title" class="pane-title">"What rides which train, and what to cut"</h2>
            <p class="controls">
                <button
                    type="button"
                    data-testid="windows-run"
                    disabled=move || busy.get() || !runnable.get()
                    on:click=run
                >
                    "Plan deploy windows"
                </button>
                <span role="status" aria-live="polite" data-testid="windows-status">
                    {move || {
                        if busy.get() {
                            "Solving…".to_string()
                        } else if let Some(e) = error.get() {
                            format!("Could not plan windows: {e}")
                        } else if let Some(v) = view_of() {
                            format!("Done: {}.", v.status)
                        } else {
                            String::new()
                        }
                    }}
                </span>
            </p>
            {move || {
                view_of()
                    .map(|v| {
                        view! {
                            <Show when=stale>
                                <p class="stale-note" role="status">
                                    "The plan changed since this answer: plan again for current numbers."
                                </p>
                            </Show>
                            <table data-testid="windows-releases">
                                <caption>"Release to window"</caption>
                                <thead><tr><th scope="col">"Release"</th><th scope="col">"Window"</th><th scope="col">"Target"</th><th scope="col">"Status"</th><th scope="col">"Cut"</th></tr></thead>
                                <tbody>
                                    {v.releases.iter().cloned().map(|r| view! {
                                        <tr data-release=r.id.clone()>
                                            <th scope="row">{r.id.clone()}</th>
                                            <td data-col="window">{r.window}</td>
                                            <td>{r.target}</td>
                                            <td data-col="status">{r.status}</td>
                                            <td>{r.cut.join(", ")}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <h3>"Cut list"</h3>
                            {if v.cut.is_empty() {
                                view! { <p data-testid="cut-list">"Nothing is cut."</p> }.into_any()
                            } else {
                                view! {
                                    <ul data-testid="cut-list">
                                        {v.cut.iter().cloned().map(|(id, work)| view! { <li>{id}" ("{work}" days of work)"</li> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <h3>"Team load against capacity"</h3>
                            <Svg svg=v.load_svg.clone() testid="team-load" />
                            {v.overload.iter().cloned().map(|m| view! { <p class="bad" data-testid="overload">{m}</p> }).collect_view()}
                        }
                    })
            }}
        </section>
    }
}
