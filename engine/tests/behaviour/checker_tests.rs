//! The checker's own tests: it accepts what is feasible and rejects each kind of violation.

use shipdate_engine::model::Plan;

use crate::checker::check;
use crate::util::plan;

/// Two tasks of 3 days each on a team of capacity 1, `b` after `a` (FS, lag 1).
fn two() -> Plan {
    plan(
        r#"
[plan]
name = "t"
[teams.be]
capacity = 1
[[tasks]]
id = "a"
team = "be"
estimate = 3
[[tasks]]
id = "b"
team = "be"
estimate = 3
after = [{ task = "a", type = "FS", lag = 1 }]
"#,
    )
}

#[test]
fn accepts_a_feasible_schedule() {
    assert_eq!(
        check(&two(), &[0.0, 4.0], &[3.0, 7.0]),
        Vec::<String>::new()
    );
}

#[test]
fn rejects_capacity_overlap_wrong_duration_and_negative_start() {
    let p = two();
    // Overlap on [4, 5) and... b does not respect the FS lag either.
    let v = check(&p, &[2.0, 4.0], &[5.0, 7.0]);
    assert!(v.iter().any(|m| m.contains("over capacity")), "{v:?}");
    assert!(v.iter().any(|m| m.contains("link FS a -> b")), "{v:?}");
    let v = check(&p, &[0.0, 4.0], &[3.0, 6.5]);
    assert!(v.iter().any(|m| m.contains("task b works 2.5")), "{v:?}");
    assert_eq!(v.len(), 1, "{v:?}");
    let v = check(&p, &[-1.0, 4.0], &[2.0, 7.0]);
    assert!(v.iter().any(|m| m.contains("starts before 0")), "{v:?}");
}

#[test]
fn rejects_each_violated_link_type() {
    for (kind, lag, bad_b, good_b) in [
        // a runs [0, 4); b lasts 2.
        ("SS", 1.0, 0.5, 1.0),  // s_b >= s_a + 1
        ("FF", -1.0, 0.5, 1.0), // f_b >= f_a - 1 = 3
        ("SF", 3.0, 0.5, 1.0),  // f_b >= s_a + 3 = 3
        ("FS", -2.0, 1.5, 2.0), // s_b >= f_a - 2 = 2
    ] {
        let p = plan(&format!(
            r#"
[plan]
name = "t"
[[tasks]]
id = "a"
estimate = 4
[[tasks]]
id = "b"
estimate = 2
after = [{{ task = "a", type = "{kind}", lag = {lag} }}]
"#
        ));
        let ok = check(&p, &[0.0, good_b], &[4.0, good_b + 2.0]);
        assert!(ok.is_empty(), "{kind}: {ok:?}");
        let v = check(&p, &[0.0, bad_b], &[4.0, bad_b + 2.0]);
        assert_eq!(v.len(), 1, "{kind}: {v:?}");
        assert!(v[0].contains(&format!("link {kind} a -> b")), "{v:?}");
    }
}

#[test]
fn capacity_within_a_day_and_time_off() {
    // Capacity 2, with time off at capacity 1 on period 2.
    let p = plan(
        r#"
[plan]
name = "t"
[teams.be]
capacity = 2
time_off = [{ from = 2, to = 2, capacity = 1 }]
[[tasks]]
id = "a"
team = "be"
estimate = 1
[[tasks]]
id = "b"
team = "be"
estimate = 1
[[tasks]]
id = "c"
team = "be"
estimate = 0.5
"#,
    );
    // a and b in parallel on day 0, c from 0.5 on day 0: three at once from 0.5.
    let v = check(&p, &[0.0, 0.0, 0.5], &[1.0, 1.0, 1.0]);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("3 > 2"), "{v:?}");
    // b and c both start in a's second half: three at once again, at a start inside the day.
    assert_eq!(check(&p, &[0.0, 0.5, 0.5], &[1.0, 1.5, 1.0]).len(), 1);
    // b after a, c in a's second half: never more than 2.
    assert!(check(&p, &[0.0, 1.0, 0.5], &[1.0, 2.0, 1.0]).is_empty());
    // Two in parallel on period 2, where the team has capacity 1.
    let v = check(&p, &[2.0, 2.0, 0.0], &[3.0, 3.0, 0.5]);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("2 > 1"), "{v:?}");
}

#[test]
fn durations_count_working_days_only() {
    // Dated: 2027-01-08 is a Friday, the 11th a Monday; a team holiday on the 12th.
    let p = plan(
        r#"
[plan]
name = "t"
start = 2027-01-04
[calendars.be]
holidays = [2027-01-12]
[teams.be]
capacity = 1
calendar = "be"
[[tasks]]
id = "a"
team = "be"
estimate = 3
"#,
    );
    // Day 4 is Friday the 8th, day 5 Monday, day 6 the holiday, day 7 Wednesday.
    assert!(check(&p, &[4.0], &[8.0]).is_empty());
    assert_eq!(check(&p, &[4.0], &[7.0]).len(), 1);
}
