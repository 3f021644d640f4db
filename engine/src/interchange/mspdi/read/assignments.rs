//! Assignments: a task's team and demand (`Units`, a whole number in the plan), and whether
//! the file's own schedule over-allocates a team (then shipdate's levelling moves its dates).

use chrono::NaiveDateTime;

use super::super::xml::Element;
use super::resources::Teams;
use super::tasks::Leaves;
use super::Cx;
use crate::model::TaskKind;

/// Gives tasks their teams and demands from the file's assignments. Units are rounded to a
/// whole demand of at least 1 (fractional units noted) and cut to the team's capacity
/// (noted); a task's first team is its team, further ones are extra demands.
pub(super) fn read(cx: &mut Cx, root: &Element, leaves: &mut Leaves, teams: &Teams) {
    let Some(asg) = root.child("Assignments") else {
        return;
    };
    for a in asg.all("Assignment") {
        let (Some(tu), Some(ru)) = (a.int("TaskUID"), a.int("ResourceUID")) else {
            continue;
        };
        let (Some(&j), Some(&k)) = (leaves.index.get(&tu), teams.of_resource.get(&ru)) else {
            continue;
        };
        if leaves.tasks[j].kind == TaskKind::Milestone {
            continue;
        }
        let team = &teams.list[k];
        let task_id = &leaves.tasks[j].id;
        let units = a.num("Units").unwrap_or(1.0);
        let mut d = (units.round().max(1.0) as i64).clamp(1, i64::from(u32::MAX)) as u32;
        if units.fract() != 0.0 {
            cx.warn(
                Some(a),
                format!(
                    "task `{task_id}`: {units} units of `{}` read as demand {d} (demands are whole numbers)",
                    team.id
                ),
            );
        }
        if d > team.capacity {
            cx.warn(
                Some(a),
                format!(
                    "task `{task_id}`: {units} units of `{}` cut to its capacity {}",
                    team.id, team.capacity
                ),
            );
            d = team.capacity;
        }
        let task = &mut leaves.tasks[j];
        if task.team.is_none() {
            task.team = Some(k);
            task.demand = d;
        } else if task.team != Some(k) && !task.extra_demands.iter().any(|&(x, _)| x == k) {
            task.extra_demands.push((k, d));
        }
    }
}

/// Warns, once per team, when the file's own task dates make a team's demands add up to more
/// than its capacity at some moment: shipdate levels the plan, so those dates will move.
pub(super) fn check_overallocation(cx: &mut Cx, leaves: &Leaves, teams: &Teams) {
    let mut per_team: Vec<Vec<Span>> = vec![Vec::new(); teams.list.len()];
    for (j, t) in leaves.tasks.iter().enumerate() {
        let Some((from, to)) = leaves.spans[j] else {
            continue;
        };
        if t.kind == TaskKind::Milestone {
            continue;
        }
        for (k, d) in t.demands() {
            per_team[k].push((from, to, d));
        }
    }
    for (k, spans) in per_team.iter().enumerate() {
        let team = &teams.list[k];
        if let Some((when, load)) = first_overload(spans, team.capacity) {
            cx.warn_at(
                teams.at[k],
                format!(
                    "resource `{}` is over-allocated in the file's own schedule (demand {load} against capacity {} from {}): shipdate levels it, so its tasks' dates will move",
                    team.name.as_deref().unwrap_or(&team.id),
                    team.capacity,
                    when.format("%Y-%m-%d %H:%M")
                ),
            );
        }
    }
}

/// One team's use in the file's own schedule: from when to when, how many units.
type Span = (NaiveDateTime, NaiveDateTime, u32);

/// The first moment the spans use more than `capacity` at once, and how much they use then.
fn first_overload(spans: &[Span], capacity: u32) -> Option<(NaiveDateTime, u64)> {
    // Ends before starts at the same moment: a task finishing at 16:00 frees its team for
    // one starting at 16:00.
    let mut events: Vec<(NaiveDateTime, bool, u32)> = Vec::with_capacity(spans.len() * 2);
    for &(from, to, units) in spans {
        if to > from {
            events.push((from, true, units));
            events.push((to, false, units));
        }
    }
    events.sort();
    let mut load: u64 = 0;
    for (t, starts, units) in events {
        if starts {
            load += u64::from(units);
            if load > u64::from(capacity) {
                return Some((t, load));
            }
        } else {
            load -= u64::from(units);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overload_is_found_by_a_sweep() {
        let t = |h: u32| {
            chrono::NaiveDate::from_ymd_opt(2027, 1, 4)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        // Back to back: never more than 1 at once.
        assert_eq!(
            first_overload(&[(t(8), t(12), 1), (t(12), t(16), 1)], 1),
            None
        );
        // Overlapping from 10:00.
        assert_eq!(
            first_overload(&[(t(8), t(12), 1), (t(10), t(16), 1)], 1),
            Some((t(10), 2))
        );
        // Within capacity 2 until the third joins at 11:00.
        assert_eq!(
            first_overload(&[(t(8), t(12), 1), (t(9), t(16), 1), (t(11), t(13), 1)], 2),
            Some((t(11), 3))
        );
        // Zero-length spans hold nothing.
        assert_eq!(first_overload(&[(t(8), t(8), 5)], 1), None);
    }
}
