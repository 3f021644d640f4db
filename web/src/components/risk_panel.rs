//! The risk view: runs the Monte Carlo simulation in web workers, one per core, each on a
//! contiguous range of the run's seeded batches, merged by one of them into exactly the
//! single-run result (progress, cancel). It shows the finish's P50/P80/P95, histogram and
//! S-curve, each release's window odds, the tornados of tasks and risks, and the criticality
//! table.

use leptos::prelude::*;

use crate::analysis::{split_batches, Reply, Request, RiskView};
use crate::components::Svg;
use crate::worker::{Client, Incoming};

/// The most iterations a run in the page may ask for.
pub const MAX_ITERATIONS: usize = 200_000;

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Running { done: usize, total: usize },
    Done,
    Cancelled,
    Failed(String),
}

/// The risk view.
#[component]
pub fn RiskPanel(
    /// The plan's current source text.
    #[prop(into)]
    source: Signal<String>,
    /// Whether the current text is a valid plan.
    #[prop(into)]
    runnable: Signal<bool>,
) -> impl IntoView {
    let iterations = RwSignal::new("10000".to_string());
    let seed = RwSignal::new("1".to_string());
    let status = RwSignal::new(Status::Idle);
    let result = RwSignal::new(None::<(RiskView, String)>);
    let job = StoredValue::new(0u32);
    let pending = StoredValue::new((String::new(), 0usize, 0u64));
    let clients = StoredValue::new_local(Vec::<Client>::new());
    // Per part of the running job: iterations done, and its bytes once finished.
    let part_done = StoredValue::new(Vec::<usize>::new());
    let part_bytes = StoredValue::new_local(Vec::<Option<js_sys::Uint8Array>>::new());

    let on_message = move |m: Incoming| {
        let current = job.get_value();
        let total = pending.with_value(|p| p.1);
        match m {
            Incoming::Reply(Reply::Progress { id, done, part, .. }) if id == current => {
                part_done.update_value(|d| {
                    if let Some(x) = d.get_mut(part) {
                        *x = done;
                    }
                });
                let done = part_done.with_value(|d| d.iter().sum());
                status.set(Status::Running { done, total });
            }
            Incoming::Part { id, part, bytes } if id == current => {
                part_bytes.update_value(|b| {
                    if let Some(x) = b.get_mut(part) {
                        *x = Some(bytes);
                    }
                });
                let all: Option<Vec<js_sys::Uint8Array>> =
                    part_bytes.with_value(|b| b.iter().cloned().collect());
                if let Some(all) = all {
                    // Every part is in: one worker merges them into the result.
                    let (plan, iterations, seed) = pending.get_value();
                    let req = Request::Merge {
                        id,
                        plan,
                        iterations,
                        seed,
                    };
                    let sent = clients.with_value(|c| c[0].post_merge(&req, &all));
                    if let Err(e) = sent {
                        status.set(Status::Failed(e));
                    }
                }
            }
            Incoming::Reply(Reply::Simulated { id, view }) if id == current => {
                result.set(Some((*view, pending.with_value(|p| p.0.clone()))));
                status.set(Status::Done);
            }
            Incoming::Reply(Reply::Failed { id, message }) if id == current || id == 0 => {
                status.set(Status::Failed(message));
            }
            _ => {}
        }
    };
    let run = move || {
        let Ok(n) = iterations.get_untracked().trim().parse::<usize>() else {
            status.set(Status::Failed("iterations must be a whole number".into()));
            return;
        };
        // The sensitivity ranks keep a byte per task and iteration, and merging the parts
        // holds them twice: cap what a browser tab is asked to hold.
        if !(1..=MAX_ITERATIONS).contains(&n) {
            status.set(Status::Failed(format!(
                "iterations must be between 1 and {MAX_ITERATIONS} in the browser"
            )));
            return;
        }
        let Ok(s) = seed.get_untracked().trim().parse::<u64>() else {
            status.set(Status::Failed("the seed must be a whole number".into()));
            return;
        };
        let id = job.get_value() + 1;
        job.set_value(id);
        let src = source.get_untracked();
        pending.set_value((src.clone(), n, s));
        // One worker per core (at most 4), each running a contiguous range of batches.
        let cores = web_sys::window()
            .map(|w| w.navigator().hardware_concurrency())
            .unwrap_or(1.0) as usize;
        let ranges = split_batches(n, cores.clamp(1, 4));
        while clients.with_value(|c| c.len()) < ranges.len() {
            match Client::spawn_with(on_message) {
                Ok(c) => clients.update_value(|cs| cs.push(c)),
                Err(e) => {
                    status.set(Status::Failed(e));
                    return;
                }
            }
        }
        part_done.set_value(vec![0; ranges.len()]);
        part_bytes.set_value(vec![None; ranges.len()]);
        let sent = clients.with_value(|cs| {
            if ranges.len() == 1 {
                return cs[0].post(&Request::Simulate {
                    id,
                    plan: src.clone(),
                    iterations: n,
                    seed: s,
                });
            }
            ranges
                .iter()
                .enumerate()
                .try_for_each(|(part, &(from, to))| {
                    cs[part].post_part(&Request::SimulatePart {
                        id,
                        part,
                        plan: src.clone(),
                        iterations: n,
                        seed: s,
                        from,
                        to,
                    })
                })
        });
        match sent {
            Ok(()) => status.set(Status::Running { done: 0, total: n }),
            Err(e) => status.set(Status::Failed(e)),
        }
    };
    let cancel = move |_| {
        // Terminating the workers stops the run at once; the next run starts fresh ones.
        clients.set_value(Vec::new());
        job.set_value(job.get_value() + 1);
        status.set(Status::Cancelled);
    };
    let running = move || matches!(status.get(), Status::Running { .. });
    let status_text = move || match status.get() {
        Status::Idle => "Not run yet.".to_string(),
        Status::Running { done, total } => format!("Running: {done} of {total} iterations…"),
        Status::Done => "Done.".to_string(),
        Status::Cancelled => "Cancelled.".to_string(),
        Status::Failed(e) => format!("Could not simulate: {e}"),
    };
    let progress = move || match status.get() {
        Status::Running { done, total } => (done as f64, total.max(1) as f64),
        Status::Done => (1.0, 1.0),
        _ => (0.0, 1.0),
    };
    let stale = move || result.with(|r| r.as_ref().is_some_and(|(_, src)| *src != source.get()));
    let view_of = move || result.with(|r| r.as_ref().map(|(v, _)| v.clone()));

    view! {
        <section class="risk" data-testid="risk-view" aria-labelledby="risk-title">
            <h2 id="risk-title" class="pane-title">"How sure are we?"</h2>
            <form
                class="controls"
                on:submit=move |ev| {
                    ev.prevent_default();
                    run();
                }
            >
                <label for="sim-iterations">"Iterations"</label>
                <input
                    id="sim-iterations"
                    type="number"
                    min="1"
                    max=MAX_ITERATIONS
                    prop:value=iterations
                    on:input=move |ev| iterations.set(event_target_value(&ev))
                />
                <label for="sim-seed">"Seed"</label>
                <input
                    id="sim-seed"
                    type="number"
                    min="0"
                    prop:value=seed
                    on:input=move |ev| seed.set(event_target_value(&ev))
                />
                <button
                    type="submit"
                    data-testid="sim-run"
                    disabled=move || running() || !runnable.get()
                >
                    "Run simulation"
                </button>
                <button
                    type="button"
                    data-testid="sim-cancel"
                    disabled=move || !running()
                    on:click=cancel
                >
                    "Cancel"
                </button>
                <progress
                    data-testid="sim-progress"
                    aria-label="Simulation progress"
                    max=move || progress().1
                    prop:value=move || progress().0
                ></progress>
                <span role="status" aria-live="polite" data-testid="sim-status">
                    {status_text}
                </span>
            </form>
            {move || {
                view_of()
                    .map(|v| {
                        let unit = |p: &crate::analysis::Point| {
                            p.date.clone().unwrap_or_else(|| shipdate_engine::view::number(p.value))
                        };
                        let (p50, p80, p95) = (unit(&v.p50), unit(&v.p80), unit(&v.p95));
                        let (v50, v80, v95) = (
                            v.p50.value.to_string(),
                            v.p80.value.to_string(),
                            v.p95.value.to_string(),
                        );
                        let releases = v.releases.clone();
                        let odds = v.releases.clone();
                        let critical = v.critical.clone();
                        let as_of = v.as_of.clone();
                        view! {
                            {as_of.map(|a| view! { <p class="summary" data-testid="sim-as-of">"Forecast " {a}</p> })}
                            <Show when=stale>
                                <p class="stale-note" role="status" data-testid="sim-stale">
                                    "The plan changed since this run: run it again for current numbers."
                                </p>
                            </Show>
                            <div class="cards" data-testid="sim-result" data-iterations=v.iterations data-seed=v.seed.to_string()>
                                <div class="card"><span class="k">"P50 finish"</span><span class="v" data-testid="p50" data-value=v50>{p50}</span></div>
                                <div class="card"><span class="k">"P80 finish"</span><span class="v" data-testid="p80" data-value=v80>{p80}</span></div>
                                <div class="card"><span class="k">"P95 finish"</span><span class="v" data-testid="p95" data-value=v95>{p95}</span></div>
                            </div>
                            <div class="charts">
                                <Svg svg=v.histogram_svg.clone() testid="histogram" />
                                <Svg svg=v.s_curve_svg.clone() testid="s-curve" />
                            </div>
                            <Show when={
                                let empty = releases.is_empty();
                                move || !empty
                            }>
                                <table data-testid="release-odds">
                                    <caption>"Releases"</caption>
                                    <thead><tr><th scope="col">"Release"</th><th scope="col">"P80 deploy"</th><th scope="col" class="num">"On time"</th></tr></thead>
                                    <tbody>
                                        {releases.clone().into_iter().map(|r| view! {
                                            <tr data-release=r.id.clone()>
                                                <th scope="row">{r.id.clone()}</th>
                                                <td>{r.deploy_p80.clone()}</td>
                                                <td class="num">{r.on_time.map(shipdate_engine::view::percent).unwrap_or_else(|| "no target".into())}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </Show>
                            <div class="charts">
                                {odds.into_iter().map(|r| view! { <Svg svg=r.svg testid="window-odds" /> }).collect_view()}
                            </div>
                            <div class="charts">
                                <Svg svg=v.tornado_tasks_svg.clone() testid="tornado-tasks" />
                                <Svg svg=v.tornado_risks_svg.clone() testid="tornado-risks" />
                            </div>
                            <table data-testid="criticality">
                                <caption>"Most often critical"</caption>
                                <thead><tr><th scope="col">"Task"</th><th scope="col">"Team"</th><th scope="col" class="num">"Critical in"</th><th scope="col" class="num">"Sensitivity"</th></tr></thead>
                                <tbody>
                                    {critical.into_iter().map(|c| view! {
                                        <tr data-task=c.id.clone()>
                                            <th scope="row">{c.label}</th>
                                            <td>{c.team}</td>
                                            <td class="num">{c.criticality}</td>
                                            <td class="num">{c.sensitivity}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {v.warnings.iter().map(|w| view! { <p class="note">{w.clone()}</p> }).collect_view()}
                        }
                    })
            }}
        </section>
    }
}
