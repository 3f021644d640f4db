//! Calendars: the project calendar becomes the plan's default (working weekdays, non-working
//! exceptions as holidays, base calendars resolved); a resource calendar whose weekdays differ
//! becomes a calendar of its own.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};

use super::super::xml::Element;
use super::{date_of, Cx};
use crate::interchange::{slug, unique};
use crate::model::Calendar;

/// A calendar as read: weekdays (Monday first; `None` = inherited) and dates off.
#[derive(Debug, Clone, Default)]
pub(super) struct RawCal {
    name: String,
    base: Option<i64>,
    weekdays: [Option<bool>; 7],
    pub off: Vec<NaiveDate>,
}

/// The most days one exception range may span (longer ones are cut and noted).
const MAX_EXCEPTION_DAYS: i64 = 3660;

/// The non-working days of an exception's `TimePeriod` into `cal.off` (a working exception
/// is noted and ignored; a range over [`MAX_EXCEPTION_DAYS`] is cut and noted).
fn exception_range(cx: &mut Cx, cal: &mut RawCal, tp: &Element, working: bool, at: &Element) {
    let (Some(from), Some(to)) = (
        tp.text_of("FromDate").and_then(date_of),
        tp.text_of("ToDate").and_then(date_of),
    ) else {
        return;
    };
    if working {
        cx.warn(
            Some(at),
            format!(
                "calendar `{}`: working exception {from} to {to} ignored (shipdate calendars have holidays only)",
                cal.name
            ),
        );
        return;
    }
    let mut d = from;
    let mut n = 0;
    while d <= to && n < MAX_EXCEPTION_DAYS {
        cal.off.push(d);
        d += Duration::days(1);
        n += 1;
    }
    if d <= to {
        cx.warn(
            Some(at),
            format!(
                "calendar `{}`: exception {from} to {to} cut to {MAX_EXCEPTION_DAYS} days",
                cal.name
            ),
        );
    }
}

fn read_calendar(cx: &mut Cx, c: &Element) -> RawCal {
    let mut cal = RawCal {
        name: c.text_of("Name").unwrap_or("calendar").to_string(),
        base: c.int("BaseCalendarUID").filter(|&b| b >= 0),
        ..RawCal::default()
    };
    if let Some(wd) = c.child("WeekDays") {
        for w in wd.all("WeekDay") {
            let working = w.flag("DayWorking");
            match w.int("DayType") {
                Some(t @ 1..=7) => {
                    // MSPDI: 1 = Sunday ... 7 = Saturday.
                    let monday_first = ((t + 5) % 7) as usize;
                    cal.weekdays[monday_first] = Some(working);
                }
                Some(0) => {
                    if let Some(tp) = w.child("TimePeriod") {
                        exception_range(cx, &mut cal, tp, working, w);
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(ex) = c.child("Exceptions") {
        for e in ex.all("Exception") {
            let recurring = e.int("Type").is_some_and(|t| t != 1)
                && e.int("Occurrences").is_some_and(|n| n > 1);
            if recurring {
                cx.warn(
                    Some(e),
                    format!(
                        "calendar `{}`: recurring exception `{}` ignored",
                        cal.name,
                        e.text_of("Name").unwrap_or("")
                    ),
                );
                continue;
            }
            if let Some(tp) = e.child("TimePeriod") {
                exception_range(cx, &mut cal, tp, e.flag("DayWorking"), e);
            }
        }
    }
    if c.child("WorkWeeks").is_some_and(|w| !w.children.is_empty()) {
        cx.warn(
            Some(c),
            format!(
                "calendar `{}`: work weeks (alternative weekly patterns for date ranges) ignored",
                cal.name
            ),
        );
    }
    cal.off.sort();
    cal.off.dedup();
    cal
}

/// Weekdays and holidays of calendar `uid`, its bases resolved (Monday to Friday where no
/// calendar in the chain says).
fn resolve_cal(cals: &HashMap<i64, RawCal>, uid: i64) -> ([bool; 7], Vec<NaiveDate>) {
    let mut days: [Option<bool>; 7] = [None; 7];
    let mut off = Vec::new();
    let mut seen = HashSet::new();
    let mut cur = Some(uid);
    while let Some(u) = cur {
        if !seen.insert(u) {
            break;
        }
        let Some(c) = cals.get(&u) else { break };
        for (d, w) in days.iter_mut().zip(c.weekdays) {
            if d.is_none() {
                *d = w;
            }
        }
        off.extend(c.off.iter().copied());
        cur = c.base;
    }
    let std = Calendar::standard().workdays;
    let mut out = [false; 7];
    for i in 0..7 {
        out[i] = days[i].unwrap_or(std[i]);
    }
    off.sort();
    off.dedup();
    (out, off)
}

/// The calendars read so far: the file's (by UID) and the plan's.
pub(super) struct Calendars {
    raw: HashMap<i64, RawCal>,
    /// The project calendar's UID, when the file has it.
    project: Option<i64>,
    /// The plan's calendars; the first is the default.
    pub list: Vec<Calendar>,
    ids: HashSet<String>,
    of_uid: HashMap<i64, usize>,
    /// The default calendar's share of working days in a week (for elapsed time).
    pub work_share: f64,
}

/// Reads every calendar, and makes the project calendar the plan's default.
pub(super) fn read(cx: &mut Cx, root: &Element) -> Calendars {
    let mut raw: HashMap<i64, RawCal> = HashMap::new();
    if let Some(cs) = root.child("Calendars") {
        for c in cs.all("Calendar") {
            if let Some(uid) = c.int("UID") {
                raw.insert(uid, read_calendar(cx, c));
            }
        }
    }
    let project = root.int("CalendarUID").filter(|u| raw.contains_key(u));
    let (workdays, holidays) = match project {
        Some(u) => resolve_cal(&raw, u),
        None => (Calendar::standard().workdays, Vec::new()),
    };
    let mut ids: HashSet<String> = HashSet::new();
    let default_id = unique(
        slug(
            project
                .and_then(|u| raw.get(&u))
                .map_or("standard", |c| c.name.as_str()),
            "standard",
        ),
        &mut ids,
    );
    let list = vec![Calendar {
        id: default_id,
        workdays: if workdays.contains(&true) {
            workdays
        } else {
            Calendar::standard().workdays
        },
        holidays,
    }];
    let work_share = f64::from(list[0].workdays.iter().filter(|&&w| w).count() as u32) / 7.0;
    Calendars {
        raw,
        project,
        list,
        ids,
        of_uid: HashMap::new(),
        work_share,
    }
}

impl Calendars {
    /// The plan calendar a resource with calendar `uid` works on, and the resource
    /// calendar's own days off beyond that calendar's holidays (`None`: no such calendar).
    /// The calendar is the resource calendar's base when it only adds exceptions, else a
    /// calendar of its own (named after it, or `team_id`) with its weekdays and its base's
    /// holidays.
    pub fn of_resource(&mut self, uid: i64, team_id: &str) -> Option<(usize, Vec<NaiveDate>)> {
        let rcal = self.raw.get(&uid)?;
        let own_days = rcal.weekdays.iter().any(Option::is_some);
        let (key, cal_name, workdays, holidays) = match (own_days, rcal.base) {
            (false, Some(b)) => {
                let (w, h) = resolve_cal(&self.raw, b);
                let name = self.raw.get(&b).map_or(String::new(), |c| c.name.clone());
                (b, name, w, h)
            }
            (false, None) => (
                self.project.unwrap_or(-1),
                String::new(),
                self.list[0].workdays,
                self.list[0].holidays.clone(),
            ),
            (true, base) => {
                let (w, _) = resolve_cal(&self.raw, uid);
                let h = match base {
                    Some(b) => resolve_cal(&self.raw, b).1,
                    None => Vec::new(),
                };
                (uid, rcal.name.clone(), w, h)
            }
        };
        let calendar = if Some(key) == self.project
            || (workdays == self.list[0].workdays && holidays == self.list[0].holidays)
        {
            0
        } else if let Some(&c) = self.of_uid.get(&key) {
            c
        } else {
            let cid = unique(slug(&cal_name, team_id), &mut self.ids);
            let workdays = if workdays.contains(&true) {
                workdays
            } else {
                self.list[0].workdays
            };
            self.list.push(Calendar {
                id: cid,
                workdays,
                holidays,
            });
            self.of_uid.insert(key, self.list.len() - 1);
            self.list.len() - 1
        };
        let mut days = rcal.off.clone();
        days.retain(|d| self.list[calendar].holidays.binary_search(d).is_err());
        Some((calendar, days))
    }
}
