//! The planner screen: the plan's source on the left with its problems below it; on the
//! right, tabs for the schedule (tables and team lanes), the dependency graph, the risk view,
//! the comparison with a saved version, the scenarios side by side, the scope view, a team's
//! throughput from a tracker's CSV export and the editing tables. Every edit is re-parsed, re-scheduled and saved in
//! the browser; the toolbar starts a new plan, opens and downloads files, and makes share
//! links.

use leptos::html::Textarea;
use leptos::prelude::*;
use shipdate_engine::io::{self, Format};
use wasm_bindgen::JsCast;

use crate::components::{
    ComparePanel, DiagnosticList, EditTables, RiskPanel, ScenariosPanel, ScheduleTables,
    ScopePanel, SourceEditor, StatusDate, Svg, ThroughputPanel,
};
use crate::edit::{self, Edit};
use crate::share;
use crate::state::{self, Planner, EMPTY_PLAN, EXAMPLE_PLAN};
use crate::storage;

/// The tabs of the right-hand pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Schedule,
    Graph,
    Risk,
    Compare,
    Scenarios,
    Throughput,
    Scope,
    Edit,
}

const TABS: [(Tab, &str, &str); 8] = [
    (Tab::Schedule, "schedule", "Schedule"),
    (Tab::Graph, "graph", "Dependencies"),
    (Tab::Risk, "risk", "Risk"),
    (Tab::Compare, "compare", "Compare"),
    (Tab::Scenarios, "scenarios", "Scenarios"),
    (Tab::Throughput, "throughput", "Throughput"),
    (Tab::Scope, "scope", "Scope"),
    (Tab::Edit, "edit", "Edit tables"),
];

/// Offers `text` as a file download named `name`.
fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "not an anchor")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url).map_err(err)?;
    Ok(())
}

/// A file name from the plan's name: letters, digits and dashes.
fn file_stem(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "plan".into()
    } else {
        s
    }
}

/// The plan carried by the page's URL fragment, if any (and the fragment is then removed, so
/// that a reload opens the saved plan).
fn plan_from_link() -> Result<Option<String>, String> {
    let Some(w) = web_sys::window() else {
        return Ok(None);
    };
    let hash = w.location().hash().unwrap_or_default();
    let found = share::decode(&hash);
    if hash.len() > 1 {
        if let (Ok(h), Ok(path), Ok(search)) =
            (w.history(), w.location().pathname(), w.location().search())
        {
            let _ = h.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("{path}{search}")),
            );
        }
    }
    found
}

/// The planner screen.
#[component]
pub fn PlannerPage() -> impl IntoView {
    let mut restored = storage::load(EXAMPLE_PLAN);
    match plan_from_link() {
        Ok(Some(src)) => {
            restored.source = src;
            restored.notice = Some("Opened the plan from the shared link.".into());
            let _ = storage::save(&restored.source);
        }
        Ok(None) => {}
        Err(e) => {
            restored.notice = Some(format!("The shared link could not be opened: {e}."));
        }
    }
    let initial = restored.source.clone();
    let planner = RwSignal::new(Planner::new(restored.source));
    let notice = RwSignal::new(restored.notice);
    let textarea = NodeRef::<Textarea>::new();
    let tab = RwSignal::new(Tab::Schedule);
    let share_link = RwSignal::new(String::new());

    let set_text = move |text: String| {
        if let Err(e) = storage::save(&text) {
            notice.set(Some(format!(
                "Your changes could not be saved in this browser ({e})."
            )));
        }
        planner.update(|p| p.set_source(text));
    };
    let on_input = Callback::new(move |text: String| set_text(text));
    // A new text from outside the editor (tables, files, new plan): into the editor too.
    let replace = move |text: String| {
        if let Some(t) = textarea.get_untracked() {
            t.set_value(&text);
        }
        set_text(text);
    };
    let apply = Callback::new(move |e: Edit| {
        let result =
            planner.with_untracked(|p| p.editable().map(|plan| edit::apply_to_text(plan, &e)));
        match result {
            Some(Ok((text, edited))) => {
                replace(text.clone());
                planner.update(|p| p.keep_draft(&text, edited));
                Ok(())
            }
            Some(Err(msgs)) => Err(msgs),
            None => Err(vec![
                "the plan has errors: fix them in the source first".into()
            ]),
        }
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
    let source = Memo::new(move |_| planner.with(|p| p.source.clone()));
    let runnable = Memo::new(move |_| planner.with(|p| !p.has_errors()));
    let plan = Memo::new(move |_| planner.with(|p| p.editable().cloned()));
    // Charts only for the tab on show (the graph of a big plan is not free).
    let charts = Memo::new(move |_| {
        let t = tab.get();
        if t == Tab::Schedule || t == Tab::Graph {
            planner.with(|p| p.charts())
        } else {
            None
        }
    });
    let lanes = Signal::derive(move || {
        charts.with(|c| c.as_ref().map(|c| c.0.clone()).unwrap_or_default())
    });
    let graph = Signal::derive(move || {
        charts.with(|c| c.as_ref().map(|c| c.1.clone()).unwrap_or_default())
    });

    let download_as = move |json: bool| {
        let (name, text) = planner.with_untracked(|p| {
            let stem = file_stem(p.plan_name.as_deref().unwrap_or("plan"));
            if json {
                (format!("{stem}.json"), p.plan.as_ref().map(io::to_json))
            } else {
                (format!("{stem}.toml"), Some(p.source.clone()))
            }
        });
        let result = match text {
            Some(t) if json => download(&name, "application/json", &t),
            Some(t) => download(&name, "application/toml", &t),
            None => Err("the plan has errors: fix them first".into()),
        };
        if let Err(e) = result {
            notice.set(Some(format!("Could not download the plan: {e}.")));
        }
    };
    let on_open = move |ev: leptos::ev::Event| {
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
                Err(e) => {
                    notice.set(Some(format!("Could not read {name}: {e:?}.")));
                    return;
                }
            };
            if name.to_ascii_lowercase().ends_with(".json") {
                match io::parse_str(&text, Format::Json) {
                    Ok(plan) => replace(io::to_toml(&plan)),
                    Err(diags) => {
                        let first: Vec<String> = diags
                            .iter()
                            .take(3)
                            .map(|d| crate::state::DiagnosticRow::of(d).text)
                            .collect();
                        notice.set(Some(format!(
                            "{name} is not a valid plan: {}",
                            first.join("; ")
                        )));
                    }
                }
            } else {
                replace(text);
            }
        });
    };
    let make_link = move |_| {
        let Some(w) = web_sys::window() else { return };
        let loc = w.location();
        let base = format!(
            "{}{}",
            loc.origin().unwrap_or_default(),
            loc.pathname().unwrap_or_default()
        );
        let link = format!(
            "{base}#{}",
            planner.with_untracked(|p| share::encode(&p.source))
        );
        share_link.set(link.clone());
        let _ = w.navigator().clipboard().write_text(&link);
    };
    let on_tab_key = move |ev: leptos::ev::KeyboardEvent| {
        let i = TABS
            .iter()
            .position(|t| t.0 == tab.get_untracked())
            .unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" => (i + 1) % TABS.len(),
            "ArrowLeft" => (i + TABS.len() - 1) % TABS.len(),
            "Home" => 0,
            "End" => TABS.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        tab.set(TABS[next].0);
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&format!("tab-{}", TABS[next].1)))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    };

    view! {
        <header class="top">
            <h1>"shipdate"</h1>
            <span class="plan-name" data-testid="plan-name">
                {plan_name}
            </span>
            <nav class="toolbar" aria-label="Plan">
                <button type="button" data-testid="new-empty" on:click=move |_| replace(EMPTY_PLAN.to_string())>
                    "New empty plan"
                </button>
                <button type="button" data-testid="new-example" on:click=move |_| replace(EXAMPLE_PLAN.to_string())>
                    "Example plan"
                </button>
                <label class="file-button">
                    "Open TOML or JSON…"
                    <input
                        id="open-file"
                        data-testid="open-file"
                        type="file"
                        accept=".toml,.json,application/json,application/toml,text/plain"
                        on:change=on_open
                    />
                </label>
                <button type="button" data-testid="download-toml" on:click=move |_| download_as(false)>
                    "Download TOML"
                </button>
                <button type="button" data-testid="download-json" on:click=move |_| download_as(true)>
                    "Download JSON"
                </button>
                <button type="button" data-testid="make-share-link" on:click=make_link>
                    "Share link"
                </button>
            </nav>
        </header>
        <Show when=move || !share_link.get().is_empty()>
            <p class="share">
                <label for="share-link">"Share link (the plan is in the link itself; nothing is uploaded):"</label>
                <input id="share-link" data-testid="share-link" type="text" readonly prop:value=move || share_link.get() />
            </p>
        </Show>
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
                <div class="tabs" role="tablist" aria-label="Views" on:keydown=on_tab_key>
                    {TABS
                        .iter()
                        .map(|&(t, id, label)| {
                            view! {
                                <button
                                    type="button"
                                    role="tab"
                                    id=format!("tab-{id}")
                                    data-testid=format!("tab-{id}")
                                    aria-controls=format!("panel-{id}")
                                    aria-selected=move || (tab.get() == t).to_string()
                                    tabindex=move || if tab.get() == t { "0" } else { "-1" }
                                    on:click=move |_| tab.set(t)
                                >
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <div role="tabpanel" id="panel-schedule" aria-labelledby="tab-schedule" hidden=move || tab.get() != Tab::Schedule>
                    <StatusDate plan=plan apply=apply />
                    <ScheduleTables schedule=schedule stale=stale />
                    <h2 class="pane-title">"Team lanes"</h2>
                    <Svg svg=lanes testid="gantt" />
                </div>
                <div role="tabpanel" id="panel-graph" aria-labelledby="tab-graph" hidden=move || tab.get() != Tab::Graph>
                    <h2 class="pane-title">"Dependencies"</h2>
                    <p class="help">"Colour: team. Thick red: the critical path. Dashed: links across teams."</p>
                    <Svg svg=graph testid="graph" />
                </div>
                <div role="tabpanel" id="panel-risk" aria-labelledby="tab-risk" hidden=move || tab.get() != Tab::Risk>
                    <RiskPanel source=source runnable=runnable />
                </div>
                <div role="tabpanel" id="panel-compare" aria-labelledby="tab-compare" hidden=move || tab.get() != Tab::Compare>
                    <ComparePanel source=source plan=plan visible=Signal::derive(move || tab.get() == Tab::Compare) />
                </div>
                <div role="tabpanel" id="panel-scenarios" aria-labelledby="tab-scenarios" hidden=move || tab.get() != Tab::Scenarios>
                    <ScenariosPanel source=source plan=plan visible=Signal::derive(move || tab.get() == Tab::Scenarios) />
                </div>
                <div role="tabpanel" id="panel-scope" aria-labelledby="tab-scope" hidden=move || tab.get() != Tab::Scope>
                    <ScopePanel source=source runnable=runnable />
                </div>
                <div role="tabpanel" id="panel-throughput" aria-labelledby="tab-throughput" hidden=move || tab.get() != Tab::Throughput>
                    <ThroughputPanel plan=plan apply=apply visible=Signal::derive(move || tab.get() == Tab::Throughput) />
                </div>
                <div role="tabpanel" id="panel-edit" aria-labelledby="tab-edit" hidden=move || tab.get() != Tab::Edit>
                    {move || (tab.get() == Tab::Edit).then(|| view! { <EditTables plan=plan apply=apply /> })}
                </div>
            </section>
        </main>
    }
}
