//! What the web worker computes and sends back: the risk view (a Monte Carlo run) and the
//! scope view (the windows plan), as plain data plus the engine's SVG charts.
//!
//! Both are built here from the engine's results, so the native tests check them, and they
//! travel between the worker and the page as JSON ([`Request`], [`Reply`]).

use serde::{Deserialize, Serialize};
use shipdate_engine::io::{self, Format};
use shipdate_engine::model::{Plan, When};
use shipdate_engine::optimize::{self, WindowsOptions, WindowsReport};
use shipdate_engine::simulate::{self, Options, Simulation};
use shipdate_engine::view::{self, number, when, ReleaseStatus};
use shipdate_engine::{svg, views};

use crate::compare::{self, DiffView, ScenariosView};

/// A job for the worker.
///
/// Externally tagged (`{"simulate": {...}}`), as is [`Reply`]: an internally tagged enum is
/// read through serde's buffered `Content`, which put about 12 KB (gzipped) in the wasm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// A Monte Carlo run with the CLI's defaults but for these iterations and seed.
    Simulate {
        /// Job number (replies carry it).
        id: u32,
        /// The plan's TOML.
        plan: String,
        /// Iterations.
        iterations: usize,
        /// Seed.
        seed: u64,
    },
    /// Batches `from..to` of a [`Request::Simulate`] run, to be merged with the other parts
    /// (`simulate::simulate_part`); answered with the part's bytes.
    SimulatePart {
        /// Job number.
        id: u32,
        /// Which part of the job.
        part: usize,
        /// The plan's TOML.
        plan: String,
        /// Iterations of the whole run.
        iterations: usize,
        /// Seed.
        seed: u64,
        /// First batch.
        from: usize,
        /// End of the batches (exclusive).
        to: usize,
    },
    /// Merges the parts of a run (sent alongside as bytes) into its risk view.
    Merge {
        /// Job number.
        id: u32,
        /// The plan's TOML.
        plan: String,
        /// Iterations of the whole run.
        iterations: usize,
        /// Seed.
        seed: u64,
    },
    /// `shipdate diff OLD NEW` on two plan texts ([`crate::compare::run_diff`]).
    Diff {
        /// Job number.
        id: u32,
        /// The old version's TOML.
        old: String,
        /// The current plan's TOML.
        new: String,
        /// Iterations of each simulation.
        iterations: usize,
        /// Seed.
        seed: u64,
    },
    /// `shipdate compare` on a plan with scenarios ([`crate::compare::run_scenarios`]).
    Scenarios {
        /// Job number.
        id: u32,
        /// The plan's TOML.
        plan: String,
        /// Iterations of each simulation.
        iterations: usize,
        /// Seed.
        seed: u64,
    },
    /// The windows plan (scope and deploy windows).
    Windows {
        /// Job number.
        id: u32,
        /// The plan's TOML.
        plan: String,
        /// Seconds of solver time before the best plan found is returned.
        time_limit: f64,
    },
}

/// A message from the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// Iterations done so far.
    Progress {
        /// Job number.
        id: u32,
        /// Iterations finished.
        done: usize,
        /// Iterations in all (of this part, for a part).
        total: usize,
        /// Which part of the job (0 for a whole run).
        #[serde(default)]
        part: usize,
    },
    /// A finished simulation.
    Simulated {
        /// Job number.
        id: u32,
        /// The result.
        view: Box<RiskView>,
    },
    /// A finished windows plan.
    Planned {
        /// Job number.
        id: u32,
        /// The result.
        view: Box<ScopeView>,
    },
    /// A finished diff.
    Diffed {
        /// Job number.
        id: u32,
        /// The result.
        view: Box<DiffView>,
    },
    /// The base plan and its scenarios, simulated.
    Compared {
        /// Job number.
        id: u32,
        /// The result.
        view: Box<ScenariosView>,
    },
    /// The job could not run.
    Failed {
        /// Job number.
        id: u32,
        /// Why.
        message: String,
    },
}

/// One percentile of the finish: its engine time (working days or periods from the start)
/// and, for dated plans, its date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Working days (periods) from the start: exactly the CLI's `makespan.pNN`.
    pub value: f64,
    /// The date, for dated plans: the CLI's `finish_date.pNN`.
    pub date: Option<String>,
}

/// One release's odds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseOdds {
    /// Release id.
    pub id: String,
    /// Probability of deploying by its target (no target: `None`).
    pub on_time: Option<f64>,
    /// P80 deploy (date or time), `unscheduled` where none.
    pub deploy_p80: String,
    /// The window-odds chart (engine SVG).
    pub svg: String,
}

/// One row of the criticality table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CriticalRow {
    /// Task id.
    pub id: String,
    /// Its name or id.
    pub label: String,
    /// Its team, or empty.
    pub team: String,
    /// Share of iterations in which it was critical, as a percentage text.
    pub criticality: String,
    /// Spearman rank correlation with the finish, two decimals.
    pub sensitivity: String,
}

/// The risk view of one simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskView {
    /// Iterations run.
    pub iterations: usize,
    /// Seed used.
    pub seed: u64,
    /// `as of DATE` when the plan has a status date: the forecast is from that date.
    pub as_of: Option<String>,
    /// Median finish.
    pub p50: Point,
    /// 80th percentile finish.
    pub p80: Point,
    /// 95th percentile finish.
    pub p95: Point,
    /// Histogram of the finish (engine SVG).
    pub histogram_svg: String,
    /// S-curve of the finish (engine SVG).
    pub s_curve_svg: String,
    /// Tornado of tasks by rank correlation (engine SVG).
    pub tornado_tasks_svg: String,
    /// Tornado of risks by effect on the P80 (engine SVG).
    pub tornado_risks_svg: String,
    /// Per release, in plan order.
    pub releases: Vec<ReleaseOdds>,
    /// Tasks critical in some iteration, most often first (at most
    /// [`view::BROWSER_DRIVERS`]).
    pub critical: Vec<CriticalRow>,
    /// The engine's notes about the run.
    pub warnings: Vec<String>,
}

impl RiskView {
    /// The view of `sim`, a simulation of `plan`: the engine's view model
    /// ([`shipdate_engine::view`]) with its charts.
    pub fn of(plan: &Plan, sim: &Simulation) -> Self {
        let label = svg::time_labels(plan);
        let point = |m: view::Moment| Point {
            value: m.time,
            date: m.date.map(|d| d.to_string()),
        };
        let finish = view::finish(sim);
        let releases = sim
            .releases
            .iter()
            .map(|rr| {
                let row = view::release_odds(rr);
                ReleaseOdds {
                    id: row.id,
                    on_time: row.on_time,
                    deploy_p80: row.p80,
                    svg: svg::release_window_odds(rr),
                }
            })
            .collect();
        let critical =
            view::task_drivers(plan, sim, view::Ranking::Criticality, view::BROWSER_DRIVERS)
                .into_iter()
                .map(|d| CriticalRow {
                    id: d.id,
                    label: d.label,
                    team: d.team.unwrap_or_default(),
                    criticality: view::percent(d.criticality),
                    sensitivity: view::correlation(d.sensitivity),
                })
                .collect();
        RiskView {
            iterations: sim.iterations,
            seed: sim.seed,
            as_of: view::as_of(sim.status_date),
            p50: point(finish.p50),
            p80: point(finish.p80),
            p95: point(finish.p95),
            histogram_svg: svg::histogram(&sim.histogram, &sim.makespan, &label),
            s_curve_svg: svg::s_curve(&sim.histogram, &sim.makespan, &label),
            tornado_tasks_svg: svg::task_tornado(plan, sim),
            tornado_risks_svg: svg::risk_tornado(plan, sim),
            releases,
            critical,
            warnings: sim.warnings.clone(),
        }
    }
}

/// One release in the windows plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScopeRelease {
    /// Release id.
    pub id: String,
    /// The window it ships in, or `unscheduled`.
    pub window: String,
    /// Its target, or empty.
    pub target: String,
    /// `on time`, `late`, `unscheduled` or `no target`.
    pub status: String,
    /// Tasks cut from it.
    pub cut: Vec<String>,
}

/// The scope view of a windows plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeView {
    /// Releases, in plan order.
    pub releases: Vec<ScopeRelease>,
    /// Every task cut, with its work.
    pub cut: Vec<(String, String)>,
    /// The team-load chart (engine SVG).
    pub load_svg: String,
    /// The overload messages (what capacity is missing by which window).
    pub overload: Vec<String>,
    /// Proven optimal, or where the solver stopped.
    pub status: String,
}

impl ScopeView {
    /// The view of `report`, the windows plan of `plan`.
    pub fn of(plan: &Plan, report: &WindowsReport) -> Self {
        let releases = report
            .releases
            .iter()
            .map(|r| ScopeRelease {
                id: r.id.clone(),
                window: r
                    .deployed
                    .or(r.window)
                    .map_or(view::UNSCHEDULED.into(), when),
                target: r.target.map(when).unwrap_or_default(),
                status: match r.deployed {
                    Some(d) => view::deployed(d),
                    None => if r.unscheduled {
                        ReleaseStatus::Unscheduled
                    } else if r.target.is_none() {
                        ReleaseStatus::NoTarget
                    } else if r.on_time {
                        ReleaseStatus::OnTime
                    } else {
                        ReleaseStatus::Late(None)
                    }
                    .word()
                    .into(),
                },
                cut: r.cut.clone(),
            })
            .collect();
        let cut = report
            .tasks
            .iter()
            .filter(|t| t.cut)
            .map(|t| (t.id.clone(), number(t.work)))
            .collect();
        let dated = plan.is_dated();
        let label = move |w: When| match w {
            When::Date(d) if dated => view::short_date(d),
            w => when(w),
        };
        let status = if report.status.optimal {
            "proven optimal".to_string()
        } else {
            format!(
                "best plan found within the time limit{}",
                report
                    .status
                    .gap
                    .map(|g| format!(" (gap {})", view::percent(g)))
                    .unwrap_or_default()
            )
        };
        ScopeView {
            releases,
            cut,
            load_svg: views::team_load(report, &label),
            overload: report.overload.iter().map(|o| o.message.clone()).collect(),
            status,
        }
    }
}

/// Runs one job; `progress(done)` is called after each batch of a simulation.
fn read_plan(id: u32, text: &str) -> Result<Plan, Reply> {
    io::parse_str(text, Format::Toml).map_err(|d| Reply::Failed {
        id,
        message: format!("the plan has {} error(s): fix them first", d.len()),
    })
}

fn sim_options(iterations: usize, seed: u64) -> Options {
    Options {
        iterations,
        seed,
        ..Options::default()
    }
}

/// Runs a [`Request::SimulatePart`]: the part's bytes, or the failure to send back.
pub fn run_part(req: &Request, progress: &dyn Fn(usize)) -> Result<Vec<u8>, Reply> {
    let Request::SimulatePart {
        id,
        plan,
        iterations,
        seed,
        from,
        to,
        ..
    } = req
    else {
        return Err(Reply::Failed {
            id: 0,
            message: "not a part job".into(),
        });
    };
    let plan = read_plan(*id, plan)?;
    simulate::simulate_part(
        &plan,
        &sim_options(*iterations, *seed),
        *from..*to,
        progress,
    )
    .map(|p| p.to_bytes())
    .map_err(|e| Reply::Failed {
        id: *id,
        message: e.to_string(),
    })
}

/// Runs a [`Request::Merge`] over the parts' bytes.
pub fn run_merge(req: &Request, parts: &[Vec<u8>]) -> Reply {
    let Request::Merge {
        id,
        plan,
        iterations,
        seed,
    } = req
    else {
        return Reply::Failed {
            id: 0,
            message: "not a merge job".into(),
        };
    };
    let id = *id;
    let fail = |e: simulate::PartError| Reply::Failed {
        id,
        message: e.to_string(),
    };
    let plan = match read_plan(id, plan) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let parts: Result<Vec<_>, _> = parts
        .iter()
        .map(|b| simulate::Part::from_bytes(b))
        .collect();
    let sim = parts.and_then(|p| simulate::merge_parts(&plan, &sim_options(*iterations, *seed), p));
    match sim {
        Ok(sim) => Reply::Simulated {
            id,
            view: Box::new(RiskView::of(&plan, &sim)),
        },
        Err(e) => fail(e),
    }
}

/// Runs a [`Request::Diff`] or [`Request::Scenarios`].
fn run_compare(req: &Request) -> Reply {
    let (id, result) = match req {
        Request::Diff {
            id,
            old,
            new,
            iterations,
            seed,
        } => (
            *id,
            compare::run_diff(old, new, *iterations, *seed).map(|v| Reply::Diffed {
                id: *id,
                view: Box::new(v),
            }),
        ),
        Request::Scenarios {
            id,
            plan,
            iterations,
            seed,
        } => (
            *id,
            compare::run_scenarios(plan, *iterations, *seed).map(|v| Reply::Compared {
                id: *id,
                view: Box::new(v),
            }),
        ),
        _ => (0, Err("not a comparison job".into())),
    };
    result.unwrap_or_else(|message| Reply::Failed { id, message })
}

/// Splits the batches of a run of `iterations` into `k` contiguous ranges (fewer when there
/// are fewer batches).
pub fn split_batches(iterations: usize, k: usize) -> Vec<(usize, usize)> {
    let b = simulate::batch_count(iterations);
    let k = k.clamp(1, b.max(1));
    (0..k).map(|i| (b * i / k, b * (i + 1) / k)).collect()
}

/// Runs one job; `progress(done)` is called after each batch of a simulation.
pub fn run(req: &Request, progress: &(dyn Fn(usize) + Sync)) -> Reply {
    let (id, plan_text) = match req {
        Request::Simulate { id, plan, .. }
        | Request::Windows { id, plan, .. }
        | Request::SimulatePart { id, plan, .. }
        | Request::Merge { id, plan, .. } => (*id, plan),
        Request::Diff { .. } | Request::Scenarios { .. } => return run_compare(req),
    };
    let plan = match read_plan(id, plan_text) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match req {
        Request::Diff { .. } | Request::Scenarios { .. } => run_compare(req),
        Request::SimulatePart { .. } | Request::Merge { .. } => Reply::Failed {
            id,
            message: "part and merge jobs carry bytes: use run_part and run_merge".into(),
        },
        Request::Simulate {
            iterations, seed, ..
        } => {
            let options = sim_options(*iterations, *seed);
            match simulate::simulate_with_progress(&plan, &options, progress) {
                Ok(sim) => Reply::Simulated {
                    id,
                    view: Box::new(RiskView::of(&plan, &sim)),
                },
                Err(e) => Reply::Failed {
                    id,
                    message: e.to_string(),
                },
            }
        }
        Request::Windows { time_limit, .. } => {
            let options = WindowsOptions {
                time_limit: Some(*time_limit),
            };
            match optimize::plan_windows(&plan, &options) {
                Ok(r) => Reply::Planned {
                    id,
                    view: Box::new(ScopeView::of(&plan, &r)),
                },
                Err(e) => Reply::Failed {
                    id,
                    message: e.to_string(),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_the_shape_worker_js_reads_and_writes() {
        // `worker.js` reads a part job's `id` and `part` under `simulate_part`, and posts a
        // failure it catches as `{ failed: { id, message } }`.
        let part = Request::SimulatePart {
            id: 4,
            part: 1,
            plan: String::new(),
            iterations: 10,
            seed: 1,
            from: 0,
            to: 1,
        };
        let json: serde_json::Value = serde_json::to_value(&part).unwrap();
        assert_eq!(json["simulate_part"]["id"], 4);
        assert_eq!(json["simulate_part"]["part"], 1);
        let failed: Reply =
            serde_json::from_str(r#"{ "failed": { "id": 0, "message": "boom" } }"#).unwrap();
        assert_eq!(
            failed,
            Reply::Failed {
                id: 0,
                message: "boom".into()
            }
        );
    }

    #[test]
    fn the_worker_job_gives_the_engines_numbers() {
        let plan_text = crate::state::EXAMPLE_PLAN.to_string();
        let req = Request::Simulate {
            id: 3,
            plan: plan_text.clone(),
            iterations: 500,
            seed: 7,
        };
        let seen = std::sync::Mutex::new(Vec::new());
        let reply = run(&req, &|d| seen.lock().unwrap().push(d));
        let plan = io::parse_str(&plan_text, Format::Toml).unwrap();
        let sim = simulate::simulate(
            &plan,
            &Options {
                iterations: 500,
                seed: 7,
                ..Options::default()
            },
        )
        .unwrap();
        let Reply::Simulated { id, view } = reply else {
            panic!("{reply:?}")
        };
        assert_eq!(id, 3);
        assert_eq!(view.p80.value.to_bits(), sim.makespan.p80.to_bits());
        assert_eq!(view.p80.date, sim.finish_date.map(|d| d.p80.to_string()));
        assert_eq!(view.releases.len(), plan.releases.len());
        // One call per batch with the iterations finished so far. Batches run in parallel and
        // finish in any order, so the calls are the prefix sums of the batch sizes (128, 128,
        // 128, 116) in some order, and they may reach the callback out of order.
        let mut seen = seen.lock().unwrap().clone();
        seen.sort_unstable();
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert_eq!(seen.last(), Some(&500), "{seen:?}");
        let mut sizes: Vec<usize> = std::iter::once(seen[0])
            .chain(seen.windows(2).map(|w| w[1] - w[0]))
            .collect();
        sizes.sort_unstable();
        assert_eq!(sizes, vec![116, 128, 128, 128], "{seen:?}");
        // Through JSON and back, as between the worker and the page.
        let json = serde_json::to_string(&Reply::Simulated { id, view }).unwrap();
        assert!(matches!(
            serde_json::from_str::<Reply>(&json).unwrap(),
            Reply::Simulated { id: 3, .. }
        ));
    }

    #[test]
    fn the_windows_job_gives_the_specs_worked_example() {
        // SPEC section 5: cut b; r1 ships at 5 on time; r2 at 10 on time.
        let plan = "[plan]\nname = \"w\"\n[teams.be]\ncapacity = 1\n\
[[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 4\n\
[[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 4\noptional = true\n\
[[tasks]]\nid = \"c\"\nteam = \"be\"\nestimate = 3\n\
[[releases]]\nid = \"r1\"\ntasks = [\"a\", \"b\"]\nwindows = [5, 10]\ntarget = 5\nvalue = 10\n\
[[releases]]\nid = \"r2\"\ntasks = [\"c\"]\nwindows = [5, 10]\ntarget = 10\nvalue = 1\n";
        let reply = run(
            &Request::Windows {
                id: 1,
                plan: plan.into(),
                time_limit: 5.0,
            },
            &|_| {},
        );
        let Reply::Planned { view, .. } = reply else {
            panic!("{reply:?}")
        };
        let rows: Vec<(&str, &str, &str)> = view
            .releases
            .iter()
            .map(|r| (r.id.as_str(), r.window.as_str(), r.status.as_str()))
            .collect();
        assert_eq!(rows, [("r1", "5", "on time"), ("r2", "10", "on time")]);
        assert_eq!(view.cut, [("b".to_string(), "4".to_string())]);
        assert!(view.load_svg.contains("data-team=\"be\""));
    }

    #[test]
    fn parts_merged_in_a_worker_give_the_whole_runs_view() {
        let plan = crate::state::EXAMPLE_PLAN.to_string();
        let whole = run(
            &Request::Simulate {
                id: 1,
                plan: plan.clone(),
                iterations: 1000,
                seed: 9,
            },
            &|_| {},
        );
        let ranges = split_batches(1000, 2);
        assert_eq!(ranges, [(0, 4), (4, 8)]);
        assert_eq!(split_batches(100, 4), [(0, 1)]);
        let parts: Vec<Vec<u8>> = ranges
            .iter()
            .enumerate()
            .map(|(i, &(from, to))| {
                run_part(
                    &Request::SimulatePart {
                        id: 1,
                        part: i,
                        plan: plan.clone(),
                        iterations: 1000,
                        seed: 9,
                        from,
                        to,
                    },
                    &|_| {},
                )
                .unwrap()
            })
            .collect();
        let merge = Request::Merge {
            id: 1,
            plan,
            iterations: 1000,
            seed: 9,
        };
        assert_eq!(run_merge(&merge, &parts), whole);
        assert!(matches!(
            run_merge(&merge, &parts[..1]),
            Reply::Failed { id: 1, .. }
        ));
    }

    #[test]
    fn a_broken_plan_is_a_failed_job() {
        let reply = run(
            &Request::Simulate {
                id: 2,
                plan: "[plan]\n".into(),
                iterations: 10,
                seed: 1,
            },
            &|_| {},
        );
        assert!(matches!(reply, Reply::Failed { id: 2, .. }));
    }
}
