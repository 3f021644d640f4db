//! The Compare tab: "Save version" keeps a labelled copy of the plan's text in the browser
//! ([`crate::storage`]); the current plan is compared with a saved version or an opened file
//! as `shipdate diff OLD NEW` compares them: the changes, each release's old and new numbers,
//! and the attribution of each P80 move to the changes (computed in the worker,
//! [`crate::compare::run_diff`]).

use leptos::prelude::*;
use shipdate_engine::io::{self, Format};
use shipdate_engine::model::Plan;
use shipdate_engine::simulate::{DEFAULT_ITERATIONS, DEFAULT_SEED};
use wasm_bindgen::JsCast;

use crate::analysis::{Reply, Request};
use crate::compare::{DiffView, VersionCell};
use crate::components::risk_panel::MAX_ITERATIONS;
use crate::components::RunSettings;
use crate::storage::{self, Version};
use crate::worker::Client;

/// The browser's local time, `2026-12-06 16:42`.
fn now_text() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// Reads the iterations and seed fields: the numbers, or what is wrong.
pub fn read_settings(iterations: &str, seed: &str) -> Result<(usize, u64), String> {
    let n = iterations
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_ITERATIONS).contains(n))
        .ok_or(format!(
            "iterations must be a whole number between 1 and {MAX_ITERATIONS}"
        ))?;
    let s = seed
        .trim()
        .parse::<u64>()
        .map_err(|_| "the seed must be a whole number".to_string())?;
    Ok((n, s))
}

fn cell_text(c: &Option<VersionCell>, f: fn(&VersionCell) -> &String, none: &str) -> String {
    c.as_ref().map_or(none.to_string(), |c| f(c).clone())
}

/// The Compare tab.
#[component]
pub fn ComparePanel(
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
    let (loaded, load_notice) = storage::load_versions();
    let versions = RwSignal::new(loaded);
    let label = RwSignal::new(String::new());
    let saved_note = RwSignal::new(load_notice);
    let iterations = RwSignal::new(DEFAULT_ITERATIONS.to_string());
    let seed = RwSignal::new(DEFAULT_SEED.to_string());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // The result, the old version's label and the current text it was computed for.
    let result = RwSignal::new(None::<(DiffView, String, String)>);
    let job = StoredValue::new(0u32);
    let pending = StoredValue::new((String::new(), String::new()));
    let client = StoredValue::new_local(None::<Client>);

    let default_label = move || {
        let status = plan.with(|p| p.as_ref().and_then(|p| p.status));
        storage::default_label(status, &now_text())
    };
    let save = move || {
        let text = source.get_untracked();
        let (list, id) = storage::with_version(
            &versions.get_untracked(),
            &label.get_untracked(),
            &default_label(),
            &now_text(),
            &text,
        );
        match storage::save_versions(&list) {
            Ok(()) => {
                let name = list.iter().find(|v| v.id == id).map(|v| v.label.clone());
                versions.set(list);
                label.set(String::new());
                saved_note.set(Some(format!(
                    "Saved version \u{201c}{}\u{201d}.",
                    name.unwrap_or_default()
                )));
            }
            Err(e) => saved_note.set(Some(format!("Could not save the version: {e}."))),
        }
    };
    let delete = move |id: u32| {
        let list = storage::without_version(&versions.get_untracked(), id);
        match storage::save_versions(&list) {
            Ok(()) => {
                versions.set(list);
                saved_note.set(Some("Version deleted.".into()));
            }
            Err(e) => saved_note.set(Some(format!("Could not delete the version: {e}."))),
        }
    };
    let on_reply = move |reply: Reply| match reply {
        Reply::Diffed { id, view } if id == job.get_value() => {
            let (old_label, new) = pending.get_value();
            result.set(Some((*view, old_label, new)));
            error.set(None);
            busy.set(false);
        }
        Reply::Failed { id, message } if id == job.get_value() || id == 0 => {
            error.set(Some(message));
            busy.set(false);
        }
        _ => {}
    };
    let compare = move |old_label: String, old: String| {
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
        let new = source.get_untracked();
        pending.set_value((old_label, new.clone()));
        let req = Request::Diff {
            id,
            old,
            new,
            iterations: n,
            seed: s,
        };
        if let Some(Err(e)) = client.with_value(|c| c.as_ref().map(|c| c.post(&req))) {
            return error.set(Some(e));
        }
        error.set(None);
        busy.set(true);
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(t) => t.as_string().unwrap_or_default(),
                Err(e) => return error.set(Some(format!("could not read {name}: {e:?}"))),
            };
            // A JSON plan is compared as the TOML it reads as.
            let text = if name.to_ascii_lowercase().ends_with(".json") {
                match io::parse_str(&text, Format::Json) {
                    Ok(p) => io::to_toml(&p),
                    Err(d) => {
                        return error.set(Some(format!(
                            "{name} is not a valid plan ({} error(s))",
                            d.len()
                        )))
                    }
                }
            } else {
                text
            };
            compare(name, text);
        });
    };
    let stale = move || result.with(|r| r.as_ref().is_some_and(|(_, _, s)| *s != source.get()));

    view! {
        <section class="compare" data-testid="compare-view" aria-labelledby="compare-title">
            <h2 id="compare-title" class="pane-title">"What changed and why"</h2>
            <p class="help">
                "Save versions of the plan as you go (they stay in this browser). Compare the current plan with one: \
                 the changes, each release's numbers before and after, and how much each change moved its P80. \
                 Both versions are simulated with the same seed, so the difference is the changes' effect; \
                 the numbers are those of shipdate diff OLD NEW with the same seed and iterations."
            </p>
            <form class="controls" on:submit=move |ev| { ev.prevent_default(); save(); }>
                <label for="version-label">"Label"</label>
                <input
                    id="version-label"
                    data-testid="version-label"
                    type="text"
                    class="wide"
                    placeholder=default_label
                    prop:value=label
                    on:input=move |ev| label.set(event_target_value(&ev))
                />
                <button type="submit" data-testid="save-version">"Save version"</button>
                <span role="status" aria-live="polite" data-testid="version-note">
                    {move || saved_note.get().unwrap_or_default()}
                </span>
            </form>
            {move || {
                let list: Vec<Version> = versions.get().into_iter().rev().collect();
                if list.is_empty() {
                    return view! { <p class="note" data-testid="versions-empty">"No saved versions yet."</p> }.into_any();
                }
                view! {
                    <table data-testid="versions">
                        <caption>"Saved versions"</caption>
                        <thead><tr><th scope="col">"Label"</th><th scope="col">"Saved"</th><th scope="col">"Compare"</th><th scope="col">"Delete"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|v| {
                                let (id, name, text) = (v.id, v.label.clone(), v.source.clone());
                                view! {
                                    <tr data-version=v.id>
                                        <th scope="row">{v.label.clone()}</th>
                                        <td>{v.saved.clone()}</td>
                                        <td>
                                            <button
                                                type="button"
                                                data-testid="compare-version"
                                                disabled=move || busy.get()
                                                on:click=move |_| compare(name.clone(), text.clone())
                                            >
                                                "Compare with the current plan"
                                            </button>
                                        </td>
                                        <td>
                                            <button type="button" data-testid="delete-version" on:click=move |_| delete(id)>
                                                "Delete"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <div class="controls">
                <label class="file-button">
                    "Compare with a file…"
                    <input
                        id="compare-file"
                        data-testid="compare-file"
                        type="file"
                        accept=".toml,.json,application/json,application/toml,text/plain"
                        on:change=on_file
                    />
                </label>
                <RunSettings
                    id="compare"
                    iterations_label="Iterations of each version"
                    seed_label="Seed of both"
                    iterations=iterations
                    seed=seed
                    visible=visible
                />
                <span role="status" aria-live="polite" data-testid="compare-status" aria-busy=move || busy.get().to_string()>
                    {move || {
                        if busy.get() {
                            "Comparing: simulating each version…".to_string()
                        } else if let Some(e) = error.get() {
                            format!("Could not compare: {e}")
                        } else {
                            String::new()
                        }
                    }}
                </span>
            </div>
            {move || result.get().map(|(v, old_label, _)| view! {
                <Show when=stale>
                    <p class="stale-note" role="status" data-testid="compare-stale">
                        "The plan changed since this comparison: compare again for current numbers."
                    </p>
                </Show>
                <DiffTables view=v old_label=old_label />
            })}
        </section>
    }
}

/// A diff's tables: changes, releases, and why each P80 moved.
#[component]
fn DiffTables(view: DiffView, old_label: String) -> impl IntoView {
    let v = view;
    let summary = format!(
        "{old_label} \u{2192} current plan: {} change(s) (each version simulated with seed {}, {} iterations)",
        v.changes.len(),
        v.seed,
        v.iterations
    );
    let unit = v.unit.clone();
    let changes = v.changes.clone();
    let rows = v.releases.clone();
    let why = v.releases.clone();
    view! {
        <div data-testid="diff-result" data-iterations=v.iterations data-seed=v.seed.to_string()>
            <p class="summary" data-testid="diff-summary">{summary}</p>
            {if changes.is_empty() {
                view! { <p data-testid="diff-no-changes">"No changes."</p> }.into_any()
            } else {
                view! {
                    <table data-testid="diff-changes">
                        <caption>"Changes, in the order applied"</caption>
                        <thead><tr><th scope="col" class="num">"#"</th><th scope="col">"Change"</th><th scope="col">"Subject"</th><th scope="col">"Old"</th><th scope="col">"New"</th></tr></thead>
                        <tbody>
                            {changes.into_iter().map(|c| view! {
                                <tr data-change=c.id>
                                    <td class="num">{c.id}</td>
                                    <td data-col="kind">{c.kind}</td>
                                    <td data-col="subject">{c.subject}</td>
                                    <td data-col="old" class="wrap">{c.old}</td>
                                    <td data-col="new" class="wrap">{c.new}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <table data-testid="diff-releases">
                <caption>"Releases (ready P50 and P80, on-time odds)"</caption>
                <thead><tr>
                    <th scope="col">"Release"</th>
                    <th scope="col">"P50 old"</th><th scope="col">"P50 new"</th>
                    <th scope="col">"P80 old"</th><th scope="col">"P80 new"</th>
                    <th scope="col" class="num">{format!("Move ({unit})")}</th>
                    <th scope="col" class="num">"On time old"</th><th scope="col" class="num">"On time new"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let raw = |c: &Option<VersionCell>| c.as_ref().map(|c| c.p80_value.to_string()).unwrap_or_default();
                        let odds = |c: &Option<VersionCell>| c.as_ref().and_then(|c| c.on_time_value).map(|x| x.to_string()).unwrap_or_default();
                        view! {
                            <tr data-release=r.id.clone()>
                                <th scope="row">{r.id.clone()}</th>
                                <td data-col="p50-old">{cell_text(&r.old, |c| &c.p50, "(new)")}</td>
                                <td data-col="p50-new">{cell_text(&r.new, |c| &c.p50, "(removed)")}</td>
                                <td data-col="p80-old" data-value=raw(&r.old)>{cell_text(&r.old, |c| &c.p80, "(new)")}</td>
                                <td data-col="p80-new" data-value=raw(&r.new)>{cell_text(&r.new, |c| &c.p80, "(removed)")}</td>
                                <td data-col="move" class="num" data-value=r.moved_value.map(|x| x.to_string()).unwrap_or_default()>{r.moved.clone()}</td>
                                <td data-col="on-time-old" class="num" data-value=odds(&r.old)>{cell_text(&r.old, |c| &c.on_time, "-")}</td>
                                <td data-col="on-time-new" class="num" data-value=odds(&r.new)>{cell_text(&r.new, |c| &c.on_time, "-")}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <h3>"Why (each change applied in turn, same random numbers; the parts add up)"</h3>
            <ul class="why" data-testid="diff-why">
                {why.into_iter().filter(|r| r.why.is_some()).map(|r| view! {
                    <li data-release=r.id.clone()>
                        <span class="why-line" data-testid="why-line">{format!("{}: {}", r.id, r.why.clone().unwrap_or_default())}</span>
                        <ul>
                            {r.parts.into_iter().map(|p| view! {
                                <li data-change=p.change data-value=p.value.to_string()>
                                    <span class="part-move">{p.moved}</span>" "{p.text}
                                </li>
                            }).collect_view()}
                        </ul>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}
