//! Resources: every work resource becomes a team with capacity `MaxUnits` (rounded, at
//! least one) and its display name; its calendar's own non-working days and its availability periods
//! below `MaxUnits` become time off.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};

use super::super::xml::Element;
use super::super::RESOURCE_TEXT1;
use super::calendars::Calendars;
use super::{date_of, ext_value, valid_id, Cx};
use crate::interchange::{slug, unique};
use crate::model::{Team, TimeOff, When};

/// The teams read, and where each came from.
pub(super) struct Teams {
    /// The plan's teams, in file order.
    pub list: Vec<Team>,
    /// The team of each resource UID.
    pub of_resource: HashMap<i64, usize>,
    /// Each team's `<Resource>` element's byte offset.
    pub at: Vec<usize>,
}

/// Reads every work resource as a team. With `ids_from_text1`, a resource's `Text1` (as a
/// shipdate export writes it) is the team's id; otherwise a slug of its name, made unique.
pub(super) fn read(
    cx: &mut Cx,
    root: &Element,
    cals: &mut Calendars,
    ids_from_text1: bool,
) -> Teams {
    let mut teams = Teams {
        list: Vec::new(),
        of_resource: HashMap::new(),
        at: Vec::new(),
    };
    let mut ids: HashSet<String> = HashSet::new();
    let Some(rs) = root.child("Resources") else {
        return teams;
    };
    for r in rs.all("Resource") {
        let Some(uid) = r.int("UID") else { continue };
        let Some(name) = r.text_of("Name") else {
            continue;
        };
        if r.flag("IsNull") || r.int("Type").is_some_and(|t| t != 1) {
            if r.int("Type").is_some_and(|t| t != 1) {
                cx.warn(
                    Some(r),
                    format!("resource `{name}` is a material or cost resource: not a team"),
                );
            }
            continue;
        }
        let wanted = ext_value(r, RESOURCE_TEXT1)
            .filter(|v| ids_from_text1 && valid_id(v) && !ids.contains(*v))
            .map(str::to_string);
        let id = match wanted {
            Some(v) => {
                ids.insert(v.clone());
                v
            }
            None => unique(slug(name, &format!("team-{uid}")), &mut ids),
        };
        let team = team(cx, r, name, id, cals);
        teams.of_resource.insert(uid, teams.list.len());
        teams.at.push(r.at);
        teams.list.push(team);
    }
    teams
}

/// The team of work resource `r` called `name`, with id `id`.
fn team(cx: &mut Cx, r: &Element, name: &str, id: String, cals: &mut Calendars) -> Team {
    let max_units = r.num("MaxUnits").unwrap_or(1.0);
    let capacity = (max_units.round() as i64).clamp(1, i64::from(u32::MAX)) as u32;
    if (max_units - f64::from(capacity)).abs() > 1e-9 {
        cx.warn(
            Some(r),
            format!("resource `{name}`: MaxUnits {max_units} read as capacity {capacity}"),
        );
    }
    let mut time_off = Vec::new();
    let mut calendar = 0;
    if let Some((c, days)) = r.int("CalendarUID").and_then(|u| cals.of_resource(u, &id)) {
        calendar = c;
        // The resource's own non-working exceptions: whole-team time off.
        time_off.extend(away(&days));
    }
    if let Some(ap) = r.child("AvailabilityPeriods") {
        time_off.extend(availability(ap, max_units, capacity));
    }
    let display = (name != id).then(|| name.to_string());
    let mut team = Team::new(id, capacity);
    team.name = display;
    team.calendar = calendar;
    team.time_off = time_off;
    team.pos = cx.at(r);
    team
}

/// Runs of consecutive days off as time off with capacity 0.
fn away(days: &[NaiveDate]) -> Vec<TimeOff> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len() && days[j + 1] == days[j] + Duration::days(1) {
            j += 1;
        }
        out.push(TimeOff {
            from: When::Date(days[i]),
            to: When::Date(days[j]),
            capacity: 0,
        });
        i = j + 1;
    }
    out
}

/// Availability periods below the team's capacity, as time off at the units available.
fn availability(ap: &Element, max_units: f64, capacity: u32) -> Vec<TimeOff> {
    let mut out = Vec::new();
    for p in ap.all("AvailabilityPeriod") {
        let units = p.num("AvailableUnits").unwrap_or(max_units);
        let (Some(from), Some(to)) = (
            p.text_of("AvailableFrom").and_then(date_of),
            p.text_of("AvailableTo").and_then(date_of),
        ) else {
            continue;
        };
        let cap = units.round().max(0.0) as u32;
        if cap < capacity {
            out.push(TimeOff {
                from: When::Date(from),
                to: When::Date(to),
                capacity: cap,
            });
        }
    }
    out
}
