//! Unit tests of the leveller's parts against the schedule module's serial scheme and brute
//! force on tiny plans.

use super::decode::{Decode, GridDecoder, SgsDecoder};
use super::ga::{compare, Rng};
use super::grid::Grid;
use super::net::{is_feasible, Dir, Net, Orderer};
use super::*;
use crate::model::{Calendar, Estimate, Link, LinkKind, Plan, Task, TaskKind, Team, TimeOff, When};

/// A small random plan: whole durations 0..=5, up to 3 teams of capacity 1..=3, links of every
/// type with lags in -2..=2 (each to an earlier task, so no cycle), up to 2 releases; with
/// `timed`, a dated plan with a team holiday calendar and time off.
fn random_plan(seed: u64, n: usize, timed: bool) -> Plan {
    let mut rng = Rng::new(seed);
    let teams: Vec<Team> = (0..1 + rng.below(3))
        .map(|k| {
            let mut team = Team::new(format!("r{k}"), 1 + rng.below(3) as u32);
            team.calendar = usize::from(timed && k == 0);
            if timed && rng.below(2) == 0 {
                team.time_off = vec![TimeOff {
                    from: When::Date(chrono::NaiveDate::from_ymd_opt(2027, 1, 6).unwrap()),
                    to: When::Date(chrono::NaiveDate::from_ymd_opt(2027, 1, 8).unwrap()),
                    capacity: rng.below(2) as u32,
                }];
            }
            team
        })
        .collect();
    let kinds = [LinkKind::FS, LinkKind::SS, LinkKind::FF, LinkKind::SF];
    let tasks: Vec<Task> = (0..n)
        .map(|j| {
            let team = rng.below(teams.len() + 1);
            let team = (team < teams.len()).then_some(team);
            let demand = team.map_or(0, |t| 1 + rng.below(teams[t].capacity as usize) as u32);
            let mut after: Vec<Link> = Vec::new();
            for _ in 0..rng.below(3) {
                if j == 0 {
                    break;
                }
                let pred = rng.below(j);
                if after.iter().any(|l| l.pred == pred) {
                    continue;
                }
                let kind = kinds[rng.below(4)];
                after.push(Link::new(pred, kind, rng.below(5) as f64 - 2.0));
            }
            let d = rng.below(6) as f64;
            let mut task = Task::new(format!("t{j}"), Estimate::Fixed { value: d });
            task.team = team;
            task.demand = demand;
            task.extra_demands = match team {
                Some(t) if teams.len() > 1 && rng.below(3) == 0 => {
                    let other = (t + 1) % teams.len();
                    vec![(other, 1)]
                }
                _ => Vec::new(),
            };
            task.after = after;
            if d == 0.0 {
                task.kind = TaskKind::Milestone;
            }
            task
        })
        .collect();
    let releases = (0..rng.below(3))
        .map(|r| crate::model::Release::new(format!("rel{r}"), vec![rng.below(n)]))
        .collect();
    let mut plan = Plan::new("random");
    plan.start = timed.then(|| chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap());
    plan.calendars.push(Calendar {
        id: "team".into(),
        holidays: vec![chrono::NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()],
        ..Calendar::standard()
    });
    plan.teams = teams;
    plan.tasks = tasks;
    plan.releases = releases;
    plan
}

/// A random precedence-feasible list.
fn random_list(net: &Net, rng: &mut Rng) -> Vec<usize> {
    let n = net.len();
    let key: Vec<f64> = (0..n).map(|_| rng.unit()).collect();
    let tie: Vec<u32> = (0..n as u32).collect();
    let mut out = Vec::new();
    Orderer::default().order_by(net, Dir::Forward, &key, &tie, &mut out);
    out
}

/// The best fitness over every precedence-feasible list (each decoded by the general scheme).
fn brute_force(plan: &Plan, problem: &Problem) -> Vec<f64> {
    let n = plan.tasks.len();
    let net = Net::new(plan);
    let obj = Objective::new(plan);
    let mut sgs = Sgs::new(problem);
    let (mut s, mut f) = (vec![0.0; n], vec![0.0; n]);
    let mut best = vec![f64::INFINITY; obj.len()];
    let mut fit = vec![0.0; obj.len()];
    let mut list = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    #[allow(clippy::too_many_arguments)]
    fn go(
        net: &Net,
        problem: &Problem,
        obj: &Objective,
        sgs: &mut Sgs,
        list: &mut Vec<usize>,
        placed: &mut [bool],
        s: &mut [f64],
        f: &mut [f64],
        fit: &mut [f64],
        best: &mut [f64],
    ) {
        let n = net.len();
        if list.len() == n {
            sgs.run(problem, problem.point_durations(), list, s, f);
            obj.eval(f, fit);
            if compare(fit, best) == std::cmp::Ordering::Less {
                best.copy_from_slice(fit);
            }
            return;
        }
        for j in 0..n {
            if !placed[j] && net.preds(j).iter().all(|a| placed[a.other]) {
                placed[j] = true;
                list.push(j);
                go(net, problem, obj, sgs, list, placed, s, f, fit, best);
                list.pop();
                placed[j] = false;
            }
        }
    }
    go(
        &net,
        problem,
        &obj,
        &mut sgs,
        &mut list,
        &mut placed,
        &mut s,
        &mut f,
        &mut fit,
        &mut best,
    );
    best
}

#[test]
fn the_grid_gives_exactly_what_the_general_scheme_gives() {
    let mut checked = 0;
    for seed in 0..300 {
        let plan = random_plan(seed, 12, false);
        let problem = Problem::new(&plan);
        let net = Net::new(&plan);
        let d = problem.point_durations();
        let (fwd, bwd) = Grid::pair(&plan, &problem, &net, d).expect("plain whole plan");
        let mut dec = GridDecoder { fwd, bwd };
        let mut sgs = Sgs::new(&problem);
        let mut rng = Rng::new(seed);
        let n = plan.tasks.len();
        for _ in 0..20 {
            let list = random_list(&net, &mut rng);
            let (mut s1, mut f1, mut s2, mut f2) =
                (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
            dec.forward(&list, &mut s1, &mut f1);
            sgs.run(&problem, d, &list, &mut s2, &mut f2);
            assert_eq!((&s1, &f1), (&s2, &f2), "seed {seed}, list {list:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6000);
}

#[test]
fn the_mirror_plan_right_justifies_like_the_mirror_grid() {
    // On plain whole plans both backward passes must order the tasks alike: the mirrored plan
    // (general scheme) and the mirrored grid give the same right-justified starts up to a shift.
    for seed in 0..200 {
        let plan = random_plan(seed, 10, false);
        let problem = Problem::new(&plan);
        let net = Net::new(&plan);
        let d = problem.point_durations();
        let (fwd, bwd) = Grid::pair(&plan, &problem, &net, d).expect("plain whole plan");
        let mut grid = GridDecoder { fwd, bwd };
        let n = plan.tasks.len();
        let mut rng = Rng::new(seed + 7);
        let list = random_list(&net, &mut rng);
        let (mut s, mut f) = (vec![0.0; n], vec![0.0; n]);
        grid.forward(&list, &mut s, &mut f);
        let makespan = f.iter().copied().fold(0.0, f64::max);
        let mut general = SgsDecoder::new(&plan, &problem, &net, d, 3.0 * makespan + 10.0);
        // The backward list: by decreasing finish, feasible on the mirrored network.
        let key: Vec<f64> = f.iter().map(|x| -x).collect();
        let tie: Vec<u32> = (0..n as u32).collect();
        let mut blist = Vec::new();
        Orderer::default().order_by(&net, Dir::Mirror, &key, &tie, &mut blist);
        assert!(is_feasible(&net, Dir::Mirror, &blist));
        let (mut k1, mut k2) = (vec![0.0; n], vec![0.0; n]);
        assert!(grid.backward(&blist, makespan, &mut k1));
        assert!(general.backward(&blist, makespan, &mut k2));
        // k2 are starts in original time (deadline = makespan); k1 are -(mirror finish).
        let shift = k2[0] - k1[0];
        for j in 0..n {
            assert!(
                (k2[j] - k1[j] - shift).abs() < 1e-9,
                "seed {seed}: {k1:?} vs {k2:?}"
            );
        }
    }
}

#[test]
fn lower_bounds_never_exceed_the_brute_force_optimum_and_the_search_reaches_it() {
    for seed in 0..150 {
        let plan = random_plan(seed, 6, seed % 3 == 0);
        let problem = Problem::new(&plan);
        let opt = brute_force(&plan, &problem);
        let got = level(&plan, &problem, &Options::default());
        assert!(
            compare(&got.lower_bound, &opt) != std::cmp::Ordering::Greater
                && got
                    .lower_bound
                    .iter()
                    .zip(&opt)
                    .all(|(l, o)| *l <= o + 1e-9),
            "seed {seed}: bound {:?} above optimum {opt:?}",
            got.lower_bound
        );
        assert_eq!(
            compare(&got.fitness, &opt),
            std::cmp::Ordering::Equal,
            "seed {seed}: found {:?}, brute force {opt:?}",
            got.fitness
        );
    }
}

#[test]
fn the_destructive_bound_is_valid_on_plain_instances() {
    // Plain plans: the makespan bound (resource, energetic, shaving) is at most the optimum,
    // which brute force over lists gives (every active schedule is some list's).
    for seed in 0..150 {
        let plan = random_plan(1000 + seed, 7, false);
        let problem = Problem::new(&plan);
        let net = Net::new(&plan);
        let d = problem.point_durations();
        let (fwd, _) = Grid::pair(&plan, &problem, &net, d).expect("plain whole plan");
        let opt = *brute_force(&plan, &problem).last().unwrap() as i64;
        let topo = problem.topological_order();
        let mut prop = bounds::Propagator::new(&fwd, topo);
        // The optimum itself must survive propagation and shaving...
        let mut w = bounds::Windows {
            es: vec![0; plan.tasks.len()],
            lf: vec![opt; plan.tasks.len()],
        };
        assert!(
            prop.shave(&mut w, 4),
            "seed {seed}: optimum {opt} ruled out"
        );
        // ...and one less must not survive when the general bound says so.
        let obj = Objective::new(&plan);
        let grids = Grid::pair(&plan, &problem, &net, d);
        let lb = lower_bounds(&problem, &obj, grids.as_ref());
        assert!(*lb.last().unwrap() <= opt as f64, "seed {seed}");
    }
}

#[test]
fn generated_plans_are_valid_and_acyclic() {
    let p = generate::rcpsp(
        generate::RcpspParams {
            jobs: 30,
            complexity: 1.8,
            factor: 0.5,
            strength: 0.3,
        },
        7,
    );
    assert_eq!(p.tasks.len(), 32);
    let net = Net::new(&p);
    let topo = crate::graph::topological_order(&p);
    assert!(is_feasible(&net, Dir::Forward, &topo));
    for t in &p.tasks {
        for (k, q) in t.demands() {
            assert!(q <= p.teams[k].capacity);
        }
    }
    let r = generate::release_plan(200, 5, 3, 1);
    assert_eq!(r.tasks.len(), 200);
    assert_eq!(r.releases.len(), 3);
    let topo = crate::graph::topological_order(&r);
    assert_eq!(topo.len(), 200);
}

/// Exact mode started from a single heuristic schedule, with this branch-and-bound budget.
fn exact_from_one_schedule(
    plan: &Plan,
    problem: &Problem,
    seed: u64,
    branch_nodes: u64,
) -> exact::Exact {
    let options = exact::ExactOptions {
        heuristic: Options {
            schedules: Some(1),
            seed,
        },
        branch_nodes,
        ..exact::ExactOptions::default()
    };
    exact::solve(plan, problem, &options).expect("a grid plan")
}

#[test]
fn exact_mode_agrees_with_brute_force() {
    // Plain whole plans with releases: exact mode's proven value is the brute-force optimum,
    // and its bounds are never above it, whatever the heuristic found first (a tiny budget
    // leaves the proof to the bounds, the search and the solver).
    let mut proven = 0;
    for seed in 0..80 {
        let plan = random_plan(500 + seed, 7, false);
        let problem = Problem::new(&plan);
        let opt = brute_force(&plan, &problem);
        let branch_nodes = exact::ExactOptions::default().branch_nodes;
        let e = exact_from_one_schedule(&plan, &problem, seed, branch_nodes);
        for (l, o) in e.best.lower_bound.iter().zip(&opt) {
            assert!(*l <= o + 1e-9, "seed {seed}: bound {l} above optimum {o}");
        }
        if e.best.optimal {
            proven += 1;
            assert_eq!(
                compare(&e.best.fitness, &opt),
                std::cmp::Ordering::Equal,
                "seed {seed}: exact {:?}, brute force {opt:?}",
                e.best.fitness
            );
        }
    }
    assert!(proven >= 75, "proven {proven} of 80");
}

/// A random plan without releases whose links are all finish-to-start with lags of zero or
/// more (what the branch and bound over delaying alternatives takes).
fn random_fs_plan(seed: u64, n: usize) -> Plan {
    let mut plan = finish_to_start(random_plan(seed, n, false));
    plan.releases.clear();
    plan
}

/// `plan` with every link made finish-to-start with a lag of zero or more.
fn finish_to_start(mut plan: Plan) -> Plan {
    for t in &mut plan.tasks {
        for l in &mut t.after {
            l.kind = LinkKind::FS;
            l.lag = l.lag.abs();
        }
    }
    plan
}

#[test]
fn the_delaying_alternatives_search_finds_a_schedule_exactly_when_one_exists() {
    // "Is there a schedule finishing by T?" asked straight of the branch and bound (no
    // shaving first) for T around the brute-force optimal makespan: a schedule, checked here
    // for links, capacity and the deadline, whenever T reaches the optimum; a proof of none
    // below it.
    let mut searched = 0u64;
    for seed in 0..150 {
        let plan = random_fs_plan(1300 + seed, 8);
        let problem = Problem::new(&plan);
        let opt = *brute_force(&plan, &problem).last().unwrap() as i64;
        let net = Net::new(&plan);
        let (g, _) = Grid::pair(&plan, &problem, &net, problem.point_durations()).unwrap();
        let topo = problem.topological_order();
        let n = plan.tasks.len();
        let d = g.durations();
        for t in (opt - 2).max(0)..=opt + 1 {
            let w = bounds::Windows {
                es: vec![0; n],
                lf: vec![t; n],
            };
            let mut bnb = dh::Dh::new(&g, topo, &vec![true; n], &w, u64::MAX, None)
                .expect("finish-to-start links");
            let found = bnb.solve().expect("no budget");
            searched += bnb.nodes;
            let Some(starts) = found else {
                assert!(t < opt, "seed {seed}: none found by {t}, optimum {opt}");
                continue;
            };
            assert!(t >= opt, "seed {seed}: a schedule by {t}, optimum {opt}");
            let mut s = vec![0i64; n];
            for &(j, x) in &starts {
                s[j] = x;
            }
            for j in 0..n {
                assert!(s[j] >= 0 && s[j] + d[j] <= t, "seed {seed}: window of {j}");
                for (i, kind, lag) in g.links(j) {
                    assert!(
                        s[j] >= s[i] + exact::delta(kind, lag, d[i], d[j]),
                        "seed {seed}"
                    );
                }
            }
            for u in 0..t {
                for (k, &cap) in g.capacities().iter().enumerate() {
                    let used: u32 = (0..n)
                        .filter(|&j| s[j] <= u && u < s[j] + d[j])
                        .flat_map(|j| g.demands(j).iter())
                        .filter(|&&(kk, _)| kk as usize == k)
                        .map(|&(_, q)| q)
                        .sum();
                    assert!(used <= cap, "seed {seed}: team {k} over at {u}");
                }
            }
        }
    }
    assert!(searched > 1000, "{searched} nodes in all");
}

#[test]
fn exact_mode_by_delaying_alternatives_agrees_with_brute_force() {
    // Through exact mode, on finish-to-start plans with releases: from a one-schedule
    // heuristic every plan is proven at the brute-force optimum, releases first.
    for seed in 0..120 {
        let plan = finish_to_start(random_plan(900 + seed, 7, false));
        let problem = Problem::new(&plan);
        let opt = brute_force(&plan, &problem);
        let e = exact_from_one_schedule(&plan, &problem, seed, u64::MAX);
        assert!(e.best.optimal, "seed {seed}: not proven, {:?}", e.stopped);
        assert_eq!(
            compare(&e.best.fitness, &opt),
            std::cmp::Ordering::Equal,
            "seed {seed}: exact {:?}, brute force {opt:?}",
            e.best.fitness
        );
    }
}

#[test]
fn the_delaying_alternatives_search_agrees_with_the_other_exact_methods() {
    // Larger finish-to-start plans with lags, too many for brute force: exact mode with the
    // branch and bound and without it (shaving, the propagation search and the solver) prove
    // the same optimum wherever both finish.
    let mut compared = 0;
    for seed in 0..400 {
        let mut plan = random_fs_plan(2100 + seed, 12);
        for t in &mut plan.tasks {
            for l in &mut t.after {
                l.lag *= 2.0;
            }
        }
        let problem = Problem::new(&plan);
        let run = |branch_nodes| exact_from_one_schedule(&plan, &problem, seed, branch_nodes);
        let with = run(u64::MAX);
        assert!(with.best.optimal, "seed {seed}: {:?}", with.stopped);
        let without = run(0);
        if without.best.optimal {
            compared += usize::from(with.branch_nodes > 0);
            assert_eq!(with.best.fitness, without.best.fitness, "seed {seed}");
        }
    }
    assert!(compared >= 60, "compared {compared}");
}

#[test]
fn the_serial_scheme_resumed_mid_list_places_every_task_as_a_full_run() {
    // Dated plans with team calendars, time off, every link type and lags: resuming at any
    // list position from a full run's places gives that run's places to the bit.
    for seed in 0..60 {
        let plan = random_plan(3100 + seed, 9, seed % 2 == 0);
        let problem = Problem::new(&plan);
        let net = Net::new(&plan);
        let mut rng = Rng::new(seed);
        let order = random_list(&net, &mut rng);
        let n = plan.tasks.len();
        let d = problem.point_durations();
        let mut sgs = Sgs::new(&problem);
        let (mut s, mut f) = (vec![0.0; n], vec![0.0; n]);
        sgs.run(&problem, d, &order, &mut s, &mut f);
        for from in 0..=n {
            let (mut s2, mut f2) = (s.clone(), f.clone());
            // The tasks from `from` on must be placed again, whatever they held.
            for &j in &order[from..] {
                s2[j] = -1.0;
                f2[j] = -1.0;
            }
            sgs.run_from(&problem, d, &order, from, &mut s2, &mut f2);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&s2), bits(&s), "seed {seed}, from {from}");
            assert_eq!(bits(&f2), bits(&f), "seed {seed}, from {from}");
        }
    }
}

/// Islands: a budget of 20,000 schedules or more is shared by two, with their own seeds; the
/// result is the same on one thread or several (with the `parallel` feature, the islands run
/// on the pool's threads).
#[test]
fn islands_give_the_same_schedule_on_any_thread_count() {
    let plans = [
        generate::rcpsp(
            generate::RcpspParams {
                jobs: 60,
                complexity: 1.8,
                factor: 0.75,
                strength: 0.3,
            },
            7,
        ),
        random_plan(3, 40, false),
    ];
    assert_eq!(
        island_plan(5, 30_000),
        vec![(5, 15_000), (5 ^ 0x9e37_79b9_7f4a_7c15, 15_000)]
    );
    assert_eq!(island_plan(5, 19_999), vec![(5, 19_999)]);
    for plan in &plans {
        let problem = Problem::new(plan);
        let options = Options {
            schedules: Some(30_000),
            seed: 9,
        };
        let first = level(plan, &problem, &options);
        assert!(first.schedules <= 30_000);
        #[cfg(feature = "parallel")]
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let got = pool.install(|| level(plan, &problem, &options));
            assert_eq!(got, first, "{threads} threads");
        }
        assert_eq!(level(plan, &problem, &options), first);
    }
}

#[test]
fn the_live_schedule_caps_the_default_budget_and_is_the_capped_run() {
    use crate::dispatch::{schedule, schedule_live, schedule_with, Method, LIVE_SCHEDULES};
    // A 62-task PSPLIB-like plan on the integer grid: its default budget is above the cap.
    let params = |jobs| generate::RcpspParams {
        jobs,
        complexity: 1.8,
        factor: 0.75,
        strength: 0.3,
    };
    let plan = generate::rcpsp(params(60), 7);
    let problem = Problem::new(&plan);
    assert!(plan_budget(&plan, &problem) > LIVE_SCHEDULES);
    let live = schedule_live(&plan);
    let capped = schedule_with(
        &plan,
        &Method::Level(Options {
            schedules: Some(LIVE_SCHEDULES),
            seed: 1,
        }),
        None,
    )
    .unwrap();
    assert_eq!(live, capped);
    assert!(live.search.as_ref().unwrap().schedules <= LIVE_SCHEDULES);
    // A plan whose default budget is within the cap gets the default schedule.
    let small = generate::rcpsp(params(20), 7);
    assert!(plan_budget(&small, &Problem::new(&small)) <= LIVE_SCHEDULES);
    assert_eq!(schedule_live(&small), schedule(&small));
}
