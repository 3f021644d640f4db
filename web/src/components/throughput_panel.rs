//! The Throughput tab (SPEC section 9): a team's throughput from a tracker's CSV export of
//! finished items, opened or dropped on the page and read by the engine as
//! `shipdate throughput FILE.csv` reads it ([`throughput::analyse`], the same column
//! detection and window defaults); its run chart with the process limits, the stability
//! verdict and the small-sample warning; a button that writes `throughput = { ... }` into
//! the chosen team through an engine edit; the team's throughput as the plan holds it; and
//! the burn-up fan of its item-sized tasks' items (or a count typed in),
//! [`burn_up::of_team`]. A file that cannot be read shows its located errors here; the plan
//! is not touched.

use leptos::prelude::*;
use shipdate_engine::burn_up;
use shipdate_engine::diag::Diagnostic;
use shipdate_engine::model::{Per, Plan, Throughput};
use shipdate_engine::simulate::{DEFAULT_ITERATIONS, DEFAULT_SEED};
use shipdate_engine::throughput::{self, Analysis, Request, DEFAULT_WEEKS, FEW_SAMPLES};
use shipdate_engine::view::number;
use wasm_bindgen::JsCast;

use crate::components::Svg;
use crate::edit::Edit;
use crate::state::DiagnosticRow;

/// A CSV file's analysis as the page shows it: the analysis, or its errors, each located
/// (`issues.csv: line 4, column 3: ...`).
pub fn analyse(name: &str, text: &str, per: Per, weeks: &str) -> Result<Analysis, Vec<String>> {
    let weeks = weeks
        .trim()
        .parse::<u32>()
        .map_err(|_| vec![format!("weeks `{}` must be a whole number", weeks.trim())])?;
    let request = Request {
        per,
        weeks,
        ..Request::default()
    };
    throughput::analyse(text, &request).map_err(|diags| located(name, &diags))
}

fn located(name: &str, diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{name}: {}", DiagnosticRow::of(d).text))
        .collect()
}

/// What one sample counts, in words.
fn unit(per: Per) -> &'static str {
    match per {
        Per::Day => "items per working day",
        Per::Week => "items per week",
    }
}

/// The small-sample note of `n` samples, if they are few.
fn few_note(n: usize) -> Option<String> {
    (n < FEW_SAMPLES).then(|| {
        format!(
            "Only {n} sample(s): the next one falls inside the range seen only {}% of the time (fewer than {FEW_SAMPLES}); count more weeks.",
            number((throughput::coverage(n) * 100.0).round())
        )
    })
}

/// The Throughput tab.
#[component]
pub fn ThroughputPanel(
    /// The plan the tables edit.
    #[prop(into)]
    plan: Signal<Option<Plan>>,
    /// Applies an edit; `Err` holds the engine's reasons for refusing it.
    apply: Callback<Edit, Result<(), Vec<String>>>,
    /// Whether the tab is on show (the burn-up fan is simulated only then).
    #[prop(into)]
    visible: Signal<bool>,
) -> impl IntoView {
    // The chosen team's id (empty: the first team with item-sized tasks, else the first).
    let chosen = RwSignal::new(String::new());
    let csv = RwSignal::new(None::<(String, String)>);
    let per = RwSignal::new(Per::Day);
    let weeks = RwSignal::new(DEFAULT_WEEKS.to_string());
    let note = RwSignal::new(None::<(bool, String)>);
    let items_text = RwSignal::new(String::new());

    let team = Memo::new(move |_| {
        plan.with(|p| {
            let p = p.as_ref()?;
            let id = chosen.get();
            p.team_index(&id)
                .or_else(|| {
                    (0..p.teams.len()).find(|&k| {
                        p.tasks
                            .iter()
                            .any(|t| t.team == Some(k) && t.items.is_some())
                    })
                })
                .or((!p.teams.is_empty()).then_some(0))
                .map(|k| (k, p.teams[k].id.clone()))
        })
    });
    let analysis = Memo::new(move |_| {
        csv.with(|c| {
            c.as_ref()
                .map(|(name, text)| analyse(name, text, per.get(), &weeks.get()))
        })
    });
    let read_file = move |file: web_sys::File| {
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(t) => {
                    note.set(None);
                    csv.set(Some((name, t.as_string().unwrap_or_default())));
                }
                Err(e) => note.set(Some((false, format!("Could not read {name}: {e:?}.")))),
            }
        });
    };
    let on_open = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            input.set_value("");
            read_file(file);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            read_file(file);
        }
    };
    let use_it = move |_| {
        let Some((k, id)) = team.get_untracked() else {
            return;
        };
        let Some(Ok(a)) = analysis.get_untracked() else {
            return;
        };
        let tp = Throughput {
            per: a.history.per,
            samples: a.history.samples.clone(),
        };
        match apply.run(Edit::TeamThroughput(k, Some(tp))) {
            Ok(()) => note.set(Some((
                true,
                format!(
                    "Team {id} now forecasts from {} samples ({}). The schedule and the Risk tab use it.",
                    a.history.samples.len(),
                    a.plan_line
                ),
            ))),
            Err(e) => note.set(Some((false, e.join("; ")))),
        }
    };

    // The team's throughput as the plan holds it: run chart, verdict and the burn-up fan.
    let current = move || {
        let (k, id) = team.get()?;
        let tp = plan.with(|p| p.as_ref().and_then(|p| p.teams[k].throughput.clone()));
        let Some(tp) = tp else {
            return Some(view! {
                <p class="help" data-testid="team-throughput-none">
                    {format!("Team {id} has no throughput yet: open a CSV export of what it finished.")}
                </p>
            }.into_any());
        };
        let svg = throughput::team_run_chart(&id, &tp);
        let caption = format!(
            "{} samples, {}, mean {}: {}",
            tp.samples.len(),
            unit(tp.per),
            number(tp.mean()),
            throughput::team_verdict(&tp.samples)
        );
        Some(view! {
            <h3>{format!("Team {id}'s throughput in the plan")}</h3>
            <Svg svg=svg testid="team-run-chart" />
            <p data-testid="team-throughput-verdict">{caption}</p>
            {few_note(tp.samples.len()).map(|n| view! { <p class="warning" data-testid="team-throughput-few">{n}</p> })}
        }.into_any())
    };
    let default_items = Memo::new(move |_| {
        let (k, _) = team.get()?;
        plan.with(|p| p.as_ref().and_then(|p| burn_up::team_items(p, k)))
    });
    let fan = Memo::new(move |_| {
        if !visible.get() {
            return None;
        }
        let (k, id) = team.get()?;
        let typed = items_text.get();
        let items = match typed.trim() {
            "" => default_items.get()?,
            t => match t.parse::<u64>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Some(Err(format!(
                        "`{t}` is not a count of items (a whole number above 0)"
                    )))
                }
            },
        };
        plan.with(|p| {
            let p = p.as_ref()?;
            p.teams[k].throughput.as_ref()?;
            Some(
                match burn_up::of_team(p, k, items, DEFAULT_ITERATIONS, DEFAULT_SEED) {
                    None => Err("a burn-up fan needs a dated plan (a start date)".to_string()),
                    Some(Err(e)) => Err(format!("no burn-up of {items} items for team {id}: {e}")),
                    Some(Ok(b)) => Ok((burn_up::chart(&b), b.summary())),
                },
            )
        })
    });

    let shown = move || {
        let result = analysis.get()?;
        Some(match result {
            Err(errors) => view! {
                <ul class="diagnostics" data-testid="csv-errors" role="alert">
                    {errors.into_iter().map(|e| view! { <li class="error" data-testid="csv-error">{e}</li> }).collect_view()}
                </ul>
            }.into_any(),
            Ok(a) => {
                let name = csv.with_untracked(|c| c.as_ref().map(|c| c.0.clone()).unwrap_or_default());
                let h = &a.history;
                let read = format!(
                    "{name}: {} finished item(s) in column {:?}{}; history {} to {}, {} samples",
                    a.finished,
                    a.column,
                    if a.unfinished > 0 { format!(", {} not finished", a.unfinished) } else { String::new() },
                    throughput::day_text(h.from),
                    throughput::day_text(h.to),
                    h.samples.len()
                );
                let limits = match &a.limits {
                    Some(l) => format!(
                        "Mean {} {}; natural process limits {} to {} (mean ± 2.66 × mean moving range {})",
                        number(a.mean), unit(h.per), number(l.lower), number(l.upper), number(l.mean_moving_range)
                    ),
                    None => format!("Mean {} {}; no process limits (fewer than 2 samples)", number(a.mean), unit(h.per)),
                };
                let warnings: Vec<String> = a.warnings.iter().map(|w| format!("{name}: {}", DiagnosticRow::of(w).text)).collect();
                let label = team.get().map(|(_, id)| format!("Use as team {id}'s throughput")).unwrap_or_else(|| "Add a team to the plan first".into());
                let no_team = team.get().is_none();
                view! {
                    <div data-testid="csv-analysis">
                        <p data-testid="csv-read">{read}</p>
                        <Svg svg=throughput::run_chart(&a) testid="csv-run-chart" />
                        <p><code data-testid="csv-plan-line">{a.plan_line.clone()}</code></p>
                        <p data-testid="csv-limits">{limits}</p>
                        <p data-testid="csv-verdict" data-stability=format!("{:?}", a.stability)>{format!("Stability: {}", throughput::verdict(&a))}</p>
                        {few_note(h.samples.len()).map(|n| view! { <p class="warning" data-testid="csv-few">{n}</p> })}
                        <ul class="diagnostics">
                            {warnings.into_iter().map(|w| view! { <li class="warning" data-testid="csv-warning">{w}</li> }).collect_view()}
                        </ul>
                        <button type="button" data-testid="throughput-apply" disabled=no_team on:click=use_it>{label}</button>
                    </div>
                }.into_any()
            }
        })
    };

    view! {
        <section class="throughput" data-testid="throughput-view">
            <h2 class="pane-title">"Throughput"</h2>
            <p class="help">"A team's item-sized tasks are forecast from what it finished. Open or drop a tracker's CSV export of finished items (Jira, Linear, Azure DevOps, GitHub: the completion column is found by its name), read as shipdate throughput FILE.csv reads it, and use it as the team's throughput."</p>
            {move || {
                let teams: Vec<String> = plan.with(|p| p.as_ref().map(|p| p.teams.iter().map(|t| t.id.clone()).collect()).unwrap_or_default());
                if teams.is_empty() {
                    return view! { <p class="empty">"The plan has no team (or has errors): add a team to give it a throughput."</p> }.into_any();
                }
                let now = team.get().map(|t| t.1).unwrap_or_default();
                view! {
                    <p>
                        <label for="throughput-team">"Team "</label>
                        <select id="throughput-team" data-testid="throughput-team" on:change=move |ev| chosen.set(event_target_value(&ev))>
                            {teams.into_iter().map(|id| { let sel = id == now; view! { <option value=id.clone() selected=sel>{id.clone()}</option> } }).collect_view()}
                        </select>
                    </p>
                }.into_any()
            }}
            <div class="drop-zone" data-testid="csv-drop" on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
                <label class="file-button">
                    "Open CSV export…"
                    <input id="throughput-file" data-testid="throughput-file" type="file" accept=".csv,.tsv,.txt,text/csv,text/plain" on:change=on_open />
                </label>
                " or drop it here. "
                <label for="throughput-per">"One sample per "</label>
                <select id="throughput-per" data-testid="throughput-per" on:change=move |ev| per.set(if event_target_value(&ev) == "week" { Per::Week } else { Per::Day })>
                    <option value="day" selected=true>"working day"</option>
                    <option value="week">"week"</option>
                </select>
                " "
                <label for="throughput-weeks">"over the last "</label>
                <input id="throughput-weeks" data-testid="throughput-weeks" type="number" min="1" size="4" prop:value=move || weeks.get() on:change=move |ev| weeks.set(event_target_value(&ev)) />
                " weeks"
            </div>
            {shown}
            {move || note.get().map(|(ok, n)| view! { <p class=if ok { "notice" } else { "row-error" } role="status" data-testid="throughput-note">{n}</p> })}
            {current}
            {move || {
                let (_, id) = team.get()?;
                let has = plan.with(|p| p.as_ref().is_some_and(|p| p.teams.iter().any(|t| t.id == id && t.throughput.is_some())));
                has.then(|| view! {
                    <h3>"Burn-up"</h3>
                    <p>
                        <label for="burn-up-items">"Items "</label>
                        <input id="burn-up-items" data-testid="burn-up-items" type="text" size="6"
                            placeholder=move || default_items.get().map(|n| n.to_string()).unwrap_or_default()
                            prop:value=move || items_text.get()
                            on:change=move |ev| items_text.set(event_target_value(&ev)) />
                        <span class="help">" (empty: its item-sized tasks' items, each the middle of its range times the middle of its split; at the team's whole throughput from the plan's start or status date, 10,000 futures, seed 1)"</span>
                    </p>
                    {move || match fan.get() {
                        None => view! { <p class="help" data-testid="burn-up-none">"Give a number of items to draw the burn-up fan."</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="row-error" data-testid="burn-up-error">{e}</p> }.into_any(),
                        Some(Ok((svg, summary))) => view! {
                            <Svg svg=svg testid="burn-up" />
                            <p data-testid="burn-up-summary">{summary}</p>
                        }.into_any(),
                    }}
                })
            }}
        </section>
    }
}
