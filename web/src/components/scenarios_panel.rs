//! The Scenarios tab: the base plan and each of its `[[scenarios]]` simulated with the same
//! seed, side by side, per release (deploy P50/P80 and on-time odds), as `shipdate compare`
//! shows them (computed in the worker, [`crate::compare::run_scenarios`]).

use leptos::prelude::*;
use shipdate_engine::model::Plan;
use shipdate_engine::simulate::{DEFAULT_ITERATIONS, DEFAULT_SEED};

use crate::analysis::{Reply, Request};
use crate::compare::ScenariosView;
use crate::components::compare_panel::read_settings;
use crate::components::RunSettings;
use crate::worker::Client;

/// The Scenarios tab.
#[component]
pub fn ScenariosPanel(
    /// The plan's current source text.
    #[prop(into)]
    source: Signal<String>,
    /// The current plan, when its text is valid.
    #[prop(into)]
    plan: Signal<Option<Plan>>,
    /// Whether the tab is on show (its number fields exist only then).
    #[prop(into)]
    visible: Signal<bool>,
) -> impl IntoView {
    let iterations = RwSignal::new(DEFAULT_ITERATIONS.to_string());
    let seed = RwSignal::new(DEFAULT_SEED.to_string());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let result = RwSignal::new(None::<(ScenariosView, String)>);
    let job = StoredValue::new(0u32);
    let pending = StoredValue::new(String::new());
    let client = StoredValue::new_local(None::<Client>);
    let count = move || plan.with(|p| p.as_ref().map(|p| p.scenarios.len()));

    let on_reply = move |reply: Reply| match reply {
        Reply::Compared { id, view } if id == job.get_value() => {
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
    let run = move || {
        let (n, s) = match read_settings(&iterations.get_untracked(), &seed.get_untracked()) {
            Ok(x) => x,
            Err(e) => return error.set(Some(e)),
        };
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
        let req = Request::Scenarios {
            id,
            plan: src,
            iterations: n,
            seed: s,
        };
        if let Some(Err(e)) = client.with_value(|c| c.as_ref().map(|c| c.post(&req))) {
            return error.set(Some(e));
        }
        error.set(None);
        busy.set(true);
    };
    let stale = move || result.with(|r| r.as_ref().is_some_and(|(_, s)| *s != source.get()));

    view! {
        <section class="scenarios" data-testid="scenarios-view" aria-labelledby="scenarios-title">
            <h2 id="scenarios-title" class="pane-title">"What if? The plan and its scenarios"</h2>
            <p class="help">
                {move || match count() {
                    Some(0) => "This plan has no [[scenarios]]. A scenario replaces some fields of teams, tasks, risks or releases, or cuts tasks; see examples/scenarios.toml.".to_string(),
                    Some(n) => format!("The base plan and its {n} scenario(s), each simulated with the same seed (common random numbers), as shipdate compare shows them."),
                    None => "Fix the plan's errors first.".to_string(),
                }}
            </p>
            <form class="controls" on:submit=move |ev| { ev.prevent_default(); run(); }>
                <RunSettings
                    id="scenarios"
                    iterations_label="Iterations of each variant"
                    seed_label="Seed of every variant"
                    iterations=iterations
                    seed=seed
                    visible=visible
                />
                <button
                    type="submit"
                    data-testid="scenarios-run"
                    disabled=move || busy.get() || count().is_none()
                >
                    "Compare scenarios"
                </button>
                <span role="status" aria-live="polite" data-testid="scenarios-status" aria-busy=move || busy.get().to_string()>
                    {move || {
                        if busy.get() {
                            "Simulating the base plan and each scenario…".to_string()
                        } else if let Some(e) = error.get() {
                            format!("Could not compare: {e}")
                        } else {
                            String::new()
                        }
                    }}
                </span>
            </form>
            {move || result.get().map(|(v, _)| {
                let mut heads = vec![("base".to_string(), "the plan as written".to_string())];
                heads.extend(v.scenarios.iter().map(|s| (s.id.clone(), s.name.clone().unwrap_or_default())));
                let columns = heads.clone();
                view! {
                    <Show when=stale>
                        <p class="stale-note" role="status" data-testid="scenarios-stale">
                            "The plan changed since this comparison: run it again for current numbers."
                        </p>
                    </Show>
                    <table data-testid="scenarios-table" data-iterations=v.iterations data-seed=v.seed.to_string()>
                        <caption>{format!("Deploy P50 / P80 and on-time odds, {} simulated futures each, seed {}", v.iterations, v.seed)}</caption>
                        <thead>
                            <tr>
                                <th scope="col" rowspan="2">"Release"</th>
                                {heads.into_iter().map(|(id, name)| {
                                    let text = id.clone();
                                    view! { <th scope="colgroup" colspan="3" title=name data-variant=id>{text}</th> }
                                }).collect_view()}
                            </tr>
                            <tr>
                                {columns.into_iter().map(|_| view! {
                                    <th scope="col">"P50"</th><th scope="col">"P80"</th><th scope="col" class="num">"On time"</th>
                                }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {v.rows.into_iter().map(|r| view! {
                                <tr data-release=r.id.clone()>
                                    <th scope="row">{r.id.clone()}</th>
                                    {r.cells.into_iter().enumerate().map(|(i, c)| match c {
                                        Some(c) => view! {
                                            <td data-variant=i data-col="p50">{c.p50}</td>
                                            <td data-variant=i data-col="p80">{c.p80}</td>
                                            <td data-variant=i data-col="on-time" class="num" data-value=c.on_time_value.map(|x| x.to_string()).unwrap_or_default()>{c.on_time}</td>
                                        }.into_any(),
                                        None => view! {
                                            <td data-variant=i data-col="p50">"-"</td>
                                            <td data-variant=i data-col="p80">"-"</td>
                                            <td data-variant=i data-col="on-time" class="num">"-"</td>
                                        }.into_any(),
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            })}
        </section>
    }
}
