//! Every edit, applied and refused.

use super::*;
use crate::model::Correlation;

/// Team `be` (a, b); c after a, no team; risk r on a and c; release v1 of b and c.
const SMALL: &str = "[plan]\nname = \"small\"\n\n[teams.be]\ncapacity = 1\n\n\
[[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\n\n\
[[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\n\n\
[[tasks]]\nid = \"c\"\nestimate = 4\nafter = [\"a\"]\n\n\
[[risks]]\nid = \"r\"\nprobability = 0.5\nimpact = 2\ntasks = [\"a\", \"c\"]\n\n\
[[releases]]\nid = \"v1\"\ntasks = [\"b\", \"c\"]\n";

fn plan() -> Plan {
    io::parse_str(SMALL, Format::Toml).unwrap()
}

fn ids(p: &Plan) -> Vec<&str> {
    p.tasks.iter().map(|t| t.id.as_str()).collect()
}

fn invalid(r: Refusal, word: &str) {
    match &r {
        Refusal::Invalid(d) => {
            assert!(!d.is_empty());
            assert!(r.to_string().contains(word), "{word} in {r}");
        }
        other => panic!("expected a validation refusal, got {other:?}"),
    }
}

fn no_such(r: Refusal, what: &str) {
    assert!(
        matches!(r, Refusal::NoSuch { what: w, .. } if w == what),
        "{r:?}"
    );
}

#[test]
fn teams_are_added_renamed_resized_and_deleted() {
    let p = plan();
    let q = apply(&p, &Edit::AddTeam).unwrap();
    assert_eq!((q.teams[1].id.as_str(), q.teams[1].capacity), ("team1", 1));
    let q = apply(&q, &Edit::AddTeam).unwrap();
    assert_eq!(q.teams[2].id, "team2");

    let q = apply(
        &p,
        &Edit::RenameTeam {
            team: 0,
            id: " back ".into(),
        },
    )
    .unwrap();
    assert_eq!(q.teams[0].id, "back");
    assert_eq!(q.tasks[0].team, Some(0));

    let q = apply(
        &p,
        &Edit::SetTeamCapacity {
            team: 0,
            capacity: 2,
        },
    )
    .unwrap();
    // Two slots: a [0,3) and b [0,2) run together; c [3,7).
    assert_eq!(crate::dispatch::schedule(&q).tasks[1].start, 0.0);
    let r = apply(
        &p,
        &Edit::SetTeamCapacity {
            team: 0,
            capacity: 0,
        },
    )
    .unwrap_err();
    assert!(matches!(&r, Refusal::Value(m) if m.contains("at least 1")));

    let q = apply(&p, &Edit::DeleteTeam(0)).unwrap();
    assert!(q.teams.is_empty() && q.tasks.iter().all(|t| t.team.is_none()));
    no_such(apply(&p, &Edit::DeleteTeam(1)).unwrap_err(), "team");
}

#[test]
fn deleting_a_team_renumbers_the_later_ones() {
    let p = apply(&plan(), &Edit::AddTeam).unwrap();
    let p = apply(
        &p,
        &Edit::SetTaskTeam {
            task: 2,
            team: Some(1),
        },
    )
    .unwrap();
    let q = apply(&p, &Edit::DeleteTeam(0)).unwrap();
    assert_eq!(q.teams[0].id, "team1");
    assert_eq!(
        q.tasks.iter().map(|t| t.team).collect::<Vec<_>>(),
        [None, None, Some(0)]
    );
}

#[test]
fn a_duplicate_team_id_is_refused_by_validation() {
    let p = apply(&plan(), &Edit::AddTeam).unwrap();
    let r = apply(
        &p,
        &Edit::RenameTeam {
            team: 1,
            id: "be".into(),
        },
    )
    .unwrap_err();
    invalid(r, "duplicate");
}

#[test]
fn tasks_are_added_renamed_and_reestimated() {
    let p = plan();
    let q = apply(&p, &Edit::AddTask).unwrap();
    assert_eq!(ids(&q), ["a", "b", "c", "task1"]);
    assert_eq!(q.tasks[3].estimate, Estimate::Fixed { value: 1.0 });

    // Renaming: links, risks and releases follow the task.
    let q = apply(
        &p,
        &Edit::RenameTask {
            task: 0,
            id: "alpha".into(),
        },
    )
    .unwrap();
    assert_eq!(ids(&q), ["alpha", "b", "c"]);
    assert_eq!(q.tasks[2].after[0].pred, 0);
    assert!(io::to_toml(&q).contains("after = [\"alpha\"]"));
    let r = apply(
        &p,
        &Edit::RenameTask {
            task: 1,
            id: "a".into(),
        },
    )
    .unwrap_err();
    invalid(r, "a");

    let q = apply(
        &p,
        &Edit::SetTaskEstimate {
            task: 0,
            estimate: Estimate::Fixed { value: 5.0 },
        },
    )
    .unwrap();
    // a [0,5) -> c [5,9).
    assert_eq!(crate::dispatch::schedule(&q).makespan, 9.0);
    let backwards = Estimate::Pert {
        low: 5.0,
        likely: 3.0,
        high: 1.0,
    };
    let r = apply(
        &p,
        &Edit::SetTaskEstimate {
            task: 0,
            estimate: backwards,
        },
    )
    .unwrap_err();
    assert!(matches!(r, Refusal::Invalid(_)), "{r:?}");
    no_such(
        apply(
            &p,
            &Edit::SetTaskEstimate {
                task: 9,
                estimate: backwards,
            },
        )
        .unwrap_err(),
        "task",
    );
}

#[test]
fn task_names_teams_kinds_and_options() {
    let p = plan();
    let q = apply(
        &p,
        &Edit::SetTaskName {
            task: 1,
            name: Some(" Build ".into()),
        },
    )
    .unwrap();
    assert_eq!(q.tasks[1].name.as_deref(), Some("Build"));
    let q = apply(
        &q,
        &Edit::SetTaskName {
            task: 1,
            name: Some("  ".into()),
        },
    )
    .unwrap();
    assert_eq!(q.tasks[1].name, None);

    let q = apply(
        &p,
        &Edit::SetTaskTeam {
            task: 2,
            team: Some(0),
        },
    )
    .unwrap();
    assert_eq!(q.tasks[2].team, Some(0));
    let q = apply(
        &q,
        &Edit::SetTaskTeam {
            task: 2,
            team: None,
        },
    )
    .unwrap();
    assert_eq!(q.tasks[2].team, None);
    no_such(
        apply(
            &p,
            &Edit::SetTaskTeam {
                task: 2,
                team: Some(4),
            },
        )
        .unwrap_err(),
        "team",
    );

    let q = apply(
        &p,
        &Edit::SetTaskKind {
            task: 1,
            kind: TaskKind::Milestone,
        },
    )
    .unwrap();
    assert_eq!(q.tasks[1].kind, TaskKind::Milestone);
    assert_eq!(q.tasks[1].estimate, Estimate::Fixed { value: 0.0 });
    let q = apply(
        &p,
        &Edit::SetTaskKind {
            task: 1,
            kind: TaskKind::Gate,
        },
    )
    .unwrap();
    assert_eq!(
        (q.tasks[1].kind, q.tasks[1].estimate),
        (TaskKind::Gate, p.tasks[1].estimate)
    );

    let q = apply(
        &p,
        &Edit::SetTaskOptional {
            task: 1,
            optional: true,
        },
    )
    .unwrap();
    assert!(q.tasks[1].optional && !q.tasks[0].optional);
}

#[test]
fn cutting_a_task_removes_it_with_its_links_and_references() {
    let mut p = plan();
    p.correlations.push(Correlation {
        tasks: vec![0, 2],
        coefficient: 0.5,
        pos: None,
    });
    p.correlations.push(Correlation {
        tasks: vec![1, 2],
        coefficient: 0.3,
        pos: None,
    });
    let q = apply(&p, &Edit::DeleteTask(0)).unwrap();
    assert_eq!(ids(&q), ["b", "c"]);
    // c loses its only link; the risk keeps c (now 1); v1 keeps b and c.
    assert!(q.tasks[1].after.is_empty());
    assert_eq!(q.risks[0].tasks, vec![1]);
    assert_eq!(q.releases[0].tasks, vec![0, 1]);
    // The correlation with a has one task left and goes; the other is renumbered.
    assert_eq!(q.correlations.len(), 1);
    assert_eq!(q.correlations[0].tasks, vec![0, 1]);
    // A successor keeps its other links.
    let p2 = apply(&plan(), &Edit::AddLink { pred: 1, succ: 2 }).unwrap();
    let q = apply(&p2, &Edit::DeleteTask(0)).unwrap();
    assert_eq!(q.tasks[1].after.len(), 1);
    assert_eq!(q.tasks[1].after[0].pred, 0);
    no_such(apply(&p, &Edit::DeleteTask(3)).unwrap_err(), "task");
}

#[test]
fn links_are_added_retyped_and_deleted() {
    let p = plan();
    let q = apply(&p, &Edit::AddLink { pred: 1, succ: 2 }).unwrap();
    assert_eq!(q.tasks[2].after.len(), 2);
    assert_eq!(
        (q.tasks[2].after[1].kind, q.tasks[2].after[1].lag),
        (LinkKind::FS, 0.0)
    );
    let q = apply(
        &q,
        &Edit::SetLink {
            task: 2,
            link: 1,
            kind: LinkKind::SS,
            lag: 1.5,
        },
    )
    .unwrap();
    assert_eq!(
        (q.tasks[2].after[1].kind, q.tasks[2].after[1].lag),
        (LinkKind::SS, 1.5)
    );
    let q = apply(&q, &Edit::DeleteLink { task: 2, link: 0 }).unwrap();
    assert_eq!(q.tasks[2].after.len(), 1);
    assert_eq!(q.tasks[2].after[0].pred, 1);

    // Refused: a duplicate, a cycle, a lag that is no number, links that do not exist.
    let r = apply(&p, &Edit::AddLink { pred: 0, succ: 2 }).unwrap_err();
    assert!(matches!(&r, Refusal::Value(m) if m.contains("already follows")));
    invalid(
        apply(&p, &Edit::AddLink { pred: 2, succ: 0 }).unwrap_err(),
        "cycle",
    );
    let r = apply(
        &p,
        &Edit::SetLink {
            task: 2,
            link: 0,
            kind: LinkKind::FF,
            lag: f64::NAN,
        },
    )
    .unwrap_err();
    assert!(matches!(r, Refusal::Value(_)));
    no_such(
        apply(&p, &Edit::DeleteLink { task: 1, link: 0 }).unwrap_err(),
        "link",
    );
    no_such(
        apply(&p, &Edit::AddLink { pred: 7, succ: 0 }).unwrap_err(),
        "task",
    );
}

#[test]
fn risks_are_added_changed_and_deleted() {
    let p = plan();
    let q = apply(&p, &Edit::AddRisk).unwrap();
    assert_eq!(
        (q.risks[1].id.as_str(), q.risks[1].tasks.as_slice()),
        ("risk1", &[0][..])
    );
    let q = apply(
        &p,
        &Edit::RenameRisk {
            risk: 0,
            id: "vendor".into(),
        },
    )
    .unwrap();
    assert_eq!(q.risks[0].id, "vendor");
    let q = apply(
        &p,
        &Edit::SetRiskProbability {
            risk: 0,
            probability: 0.25,
        },
    )
    .unwrap();
    assert_eq!(q.risks[0].probability, 0.25);
    assert!(matches!(
        apply(
            &p,
            &Edit::SetRiskProbability {
                risk: 0,
                probability: 1.5
            }
        )
        .unwrap_err(),
        Refusal::Invalid(_)
    ));
    let impact = Estimate::Uniform {
        low: 1.0,
        high: 4.0,
    };
    let q = apply(&p, &Edit::SetRiskImpact { risk: 0, impact }).unwrap();
    assert_eq!(q.risks[0].impact, impact);
    let q = apply(
        &p,
        &Edit::SetRiskTasks {
            risk: 0,
            tasks: vec![1],
        },
    )
    .unwrap();
    assert_eq!(q.risks[0].tasks, vec![1]);
    no_such(
        apply(
            &p,
            &Edit::SetRiskTasks {
                risk: 0,
                tasks: vec![1, 5],
            },
        )
        .unwrap_err(),
        "task",
    );
    let q = apply(&p, &Edit::DeleteRisk(0)).unwrap();
    assert!(q.risks.is_empty());
    no_such(apply(&p, &Edit::DeleteRisk(1)).unwrap_err(), "risk");

    let mut empty = p.clone();
    empty.tasks.clear();
    empty.risks.clear();
    empty.releases.clear();
    assert!(matches!(
        apply(&empty, &Edit::AddRisk).unwrap_err(),
        Refusal::Value(m) if m.contains("add a task first")
    ));
    assert!(matches!(
        apply(&empty, &Edit::AddRelease).unwrap_err(),
        Refusal::Value(m) if m.contains("add a task first")
    ));
}

#[test]
fn releases_are_added_changed_and_deleted() {
    let p = plan();
    let q = apply(&p, &Edit::AddRelease).unwrap();
    assert_eq!(
        (q.releases[1].id.as_str(), q.releases[1].tasks.as_slice()),
        ("release-1", &[2][..])
    );
    let q = apply(
        &p,
        &Edit::RenameRelease {
            release: 0,
            id: "v2".into(),
        },
    )
    .unwrap();
    assert_eq!(q.releases[0].id, "v2");
    let q = apply(
        &p,
        &Edit::SetReleaseTasks {
            release: 0,
            tasks: vec![0],
        },
    )
    .unwrap();
    assert_eq!(q.releases[0].tasks, vec![0]);
    // A target 1 period before the release is ready: late.
    let q = apply(
        &p,
        &Edit::SetReleaseTarget {
            release: 0,
            target: Some(When::Period(6.0)),
        },
    )
    .unwrap();
    let s = crate::dispatch::schedule(&q);
    assert_eq!(
        (s.releases[0].ready, s.releases[0].on_time),
        (7.0, Some(false))
    );
    let q = apply(
        &q,
        &Edit::SetReleaseTarget {
            release: 0,
            target: None,
        },
    )
    .unwrap();
    assert_eq!(q.releases[0].target, None);
    let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let r = apply(
        &p,
        &Edit::SetReleaseTarget {
            release: 0,
            target: Some(When::Date(date)),
        },
    )
    .unwrap_err();
    assert!(matches!(r, Refusal::Value(_)));
    let q = apply(&p, &Edit::DeleteRelease(0)).unwrap();
    assert!(q.releases.is_empty());
    no_such(apply(&p, &Edit::DeleteRelease(1)).unwrap_err(), "release");
}

#[test]
fn edits_in_a_row_stop_at_the_first_refusal() {
    let p = plan();
    let edits = [
        Edit::AddTask,
        Edit::AddLink { pred: 2, succ: 3 },
        Edit::AddLink { pred: 3, succ: 0 },
        Edit::AddTeam,
    ];
    let (at, why) = apply_all(&p, &edits).unwrap_err();
    assert_eq!(at, 2);
    invalid(why, "cycle");
    let q = apply_all(&p, &edits[..2]).unwrap();
    assert_eq!(q.tasks[3].after[0].pred, 2);
}

#[test]
fn table_text_reads_and_writes_the_engines_values() {
    for e in [
        Estimate::Fixed { value: 5.0 },
        Estimate::Pert {
            low: 1.0,
            likely: 2.5,
            high: 7.0,
        },
        Estimate::Triangular {
            low: 1.0,
            likely: 2.0,
            high: 3.0,
        },
        Estimate::Uniform {
            low: 2.0,
            high: 6.0,
        },
        Estimate::Lognormal {
            median: 5.0,
            p90: 9.0,
        },
    ] {
        assert_eq!(parse_estimate(&format_estimate(&e)), Ok(e));
    }
    assert_eq!(
        parse_estimate(" 3, 5 ,10"),
        Ok(Estimate::Pert {
            low: 3.0,
            likely: 5.0,
            high: 10.0
        })
    );
    for bad in ["five", "1/2", "tri 1/2", "inf", ""] {
        assert!(parse_estimate(bad).is_err(), "{bad}");
    }
    let p = plan();
    assert_eq!(parse_task_ids(&p, "c, a b"), Ok(vec![2, 0, 1]));
    assert!(matches!(
        parse_task_ids(&p, "a, zz"),
        Err(Refusal::Value(m)) if m.contains("`zz`")
    ));
    assert_eq!(parse_target(&p, " "), Ok(None));
    assert_eq!(parse_target(&p, "4.5"), Ok(Some(When::Period(4.5))));
    assert!(parse_target(&p, "2026-03-02").is_err());
    let dated = io::parse_str(
        "[plan]\nname = \"d\"\nstart = 2026-03-02\n[[tasks]]\nid = \"a\"\nestimate = 1\n",
        Format::Toml,
    )
    .unwrap();
    assert_eq!(
        parse_target(&dated, "2026-03-09"),
        Ok(Some(When::Date(
            NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()
        )))
    );
    assert!(parse_target(&dated, "9").is_err());
}

#[test]
fn the_status_date_is_set_and_cleared_and_progress_follows_it() {
    let dated = "[plan]\nname = \"p\"\nstart = 2027-01-04\n\
[[tasks]]\nid = \"a\"\nestimate = 5\n\
[[tasks]]\nid = \"b\"\nestimate = 2\nafter = [\"a\"]\n";
    let p = io::parse_str(dated, Format::Toml).unwrap();
    let d = |s: &str| When::Date(s.parse().unwrap());
    let q = apply(&p, &Edit::SetStatusDate(Some(d("2027-01-18")))).unwrap();
    assert_eq!(q.status, Some(d("2027-01-18")));
    // Not started: a now starts at the status date (day 10), b after it.
    let s = crate::dispatch::schedule(&q);
    assert_eq!((s.tasks[0].start, s.tasks[1].finish), (10.0, 17.0));
    // Marking a done on 2027-01-08 (days [0, 5)): b starts at the status date.
    let actual = Actual {
        started: Some(d("2027-01-04")),
        done: Some(d("2027-01-08")),
        ..Actual::default()
    };
    let q = apply(&q, &Edit::SetTaskActual { task: 0, actual }).unwrap();
    let s = crate::dispatch::schedule(&q);
    assert_eq!((s.tasks[0].start, s.tasks[0].finish), (0.0, 5.0));
    assert_eq!((s.tasks[1].start, s.tasks[1].finish), (10.0, 12.0));
    // Clearing the status date leaves `done` without one: refused by validation, with the
    // fix; made anyway by `apply_unchecked`, whose plan the reader then refuses the same way.
    invalid(apply(&q, &Edit::SetStatusDate(None)).unwrap_err(), "status");
    let r = apply_unchecked(&q, &Edit::SetStatusDate(None)).unwrap();
    assert_eq!(r.status, None);
    assert!(io::parse_str(&io::to_toml(&r), Format::Toml).is_err());
    // A period in a dated plan (and a date in an undated one) says what to write.
    let e = apply(&p, &Edit::SetStatusDate(Some(When::Period(3.0)))).unwrap_err();
    assert!(e.to_string().contains("status date is a date"), "{e}");
    let u = plan();
    let e = apply(&u, &Edit::SetStatusDate(Some(d("2027-01-18")))).unwrap_err();
    assert!(e.to_string().contains("is a period"), "{e}");
    // Unchecked edits still refuse what cannot be made at all.
    no_such(
        apply_unchecked(&p, &Edit::SetTaskActual { task: 9, actual }).unwrap_err(),
        "task",
    );
    // Table text: dates in dated plans, numbers otherwise, empty for none.
    assert_eq!(
        parse_when(&p, " 2027-01-18 ", "done").unwrap(),
        Some(d("2027-01-18"))
    );
    assert_eq!(parse_when(&p, "", "done").unwrap(), None);
    let e = parse_when(&p, "soon", "done").unwrap_err();
    assert_eq!(e.to_string(), "done `soon` is not a date (YYYY-MM-DD)");
    assert_eq!(
        parse_when(&u, "4.5", "started").unwrap(),
        Some(When::Period(4.5))
    );
}

#[test]
fn a_team_gets_a_throughput_and_a_task_becomes_item_sized() {
    use crate::model::Per;
    let p = plan();
    // Items on a team without throughput: refused by validation, with the fix.
    let items = Items {
        low: 18,
        high: 25,
        split: Some((1.0, 1.3)),
    };
    let e = apply(
        &p,
        &Edit::SetTaskItems {
            task: 0,
            items: Some(items),
        },
    )
    .unwrap_err();
    invalid(e, "no `throughput`");
    // The team's throughput first; then a is item-sized, its estimate gone.
    let tp = Throughput {
        per: Per::Day,
        samples: vec![3.0, 0.0, 5.0, 2.0],
    };
    let q = apply(
        &p,
        &Edit::SetTeamThroughput {
            team: 0,
            throughput: Some(tp.clone()),
        },
    )
    .unwrap();
    assert_eq!(q.teams[0].throughput.as_ref(), Some(&tp));
    assert!(io::to_toml(&q).contains("throughput = { per = \"day\", samples = [3, 0, 5, 2] }"));
    let r = apply(
        &q,
        &Edit::SetTaskItems {
            task: 0,
            items: Some(items),
        },
    )
    .unwrap();
    assert_eq!(r.tasks[0].items, Some(items));
    assert_eq!(r.tasks[0].estimate, Estimate::Fixed { value: 0.0 });
    // Its single point: 21.5 items x 1.15 at the mean 2.5 a day (capacity 1, demand 1).
    assert!((r.duration_point(0) - 21.5 * 1.15 / 2.5).abs() < 1e-12);
    // A team without throughput again: its item-sized task is refused.
    let e = apply(
        &r,
        &Edit::SetTeamThroughput {
            team: 0,
            throughput: None,
        },
    )
    .unwrap_err();
    invalid(e, "no `throughput`");
    // Back to an estimated task: items cleared, then an estimate.
    let s = apply(
        &r,
        &Edit::SetTaskItems {
            task: 0,
            items: None,
        },
    )
    .unwrap();
    assert_eq!(s.tasks[0].items, None);
    let s = apply(
        &s,
        &Edit::SetTaskEstimate {
            task: 0,
            estimate: Estimate::Fixed { value: 3.0 },
        },
    )
    .unwrap();
    assert_eq!(s.duration_point(0), 3.0);
    // Samples the plan refuses are refused here too; rows that do not exist are named.
    let e = apply(
        &p,
        &Edit::SetTeamThroughput {
            team: 0,
            throughput: Some(Throughput::per_day(vec![0.0, 0.0])),
        },
    )
    .unwrap_err();
    invalid(e, "no sample above 0");
    no_such(
        apply(
            &p,
            &Edit::SetTeamThroughput {
                team: 3,
                throughput: None,
            },
        )
        .unwrap_err(),
        "team",
    );
    no_such(
        apply(
            &p,
            &Edit::SetTaskItems {
                task: 9,
                items: None,
            },
        )
        .unwrap_err(),
        "task",
    );
}

#[test]
fn item_counts_and_split_factors_read_and_write_as_the_tables_show_them() {
    let items = Items {
        low: 18,
        high: 25,
        split: Some((1.0, 1.3)),
    };
    assert_eq!(format_items(&items), "18/25");
    assert_eq!(format_split(&items), "1/1.3");
    assert_eq!(format_items(&Items::exactly(12)), "12");
    assert_eq!(format_split(&Items::exactly(12)), "");
    assert_eq!(parse_items(" 18 / 25 ").unwrap(), (18, 25));
    assert_eq!(parse_items("12").unwrap(), (12, 12));
    assert_eq!(parse_items("18,25").unwrap(), (18, 25));
    let e = parse_items("lots").unwrap_err();
    assert_eq!(
        e.to_string(),
        "`lots` is not an item count: write a whole number (12) or a range (18/25)"
    );
    assert!(parse_items("1.5").is_err() && parse_items("1/2/3").is_err());
    assert_eq!(parse_split("1/1.3").unwrap(), Some((1.0, 1.3)));
    assert_eq!(parse_split("1.2").unwrap(), Some((1.2, 1.2)));
    assert_eq!(parse_split("  ").unwrap(), None);
    assert!(parse_split("x").is_err() && parse_split("inf").is_err());
    // What is read is what was written.
    for text in ["18/25", "12"] {
        let (low, high) = parse_items(text).unwrap();
        let i = Items {
            low,
            high,
            split: None,
        };
        assert_eq!(format_items(&i), text);
    }
}
