//! Release deploy dates and open deploy windows as an iCalendar (RFC 5545) file.
//!
//! One all-day `VEVENT` per scheduled deploy (`Deploy RELEASE`, with its ready date, target and
//! on-time status in the description) and one per open deploy window of each release
//! (`Deploy window: RELEASE`, marked transparent so it does not block anyone's calendar).
//!
//! The output is deterministic: `UID`s are derived from the plan, release and date, and
//! `DTSTAMP` is the plan's start date at midnight UTC, so the same plan always gives the same
//! bytes. Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character); text
//! values escape `\`, `;`, `,` and line breaks.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::calendar;
use crate::model::{Plan, When};
use crate::schedule::ScheduleReport;

/// Why a calendar cannot be written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum IcalError {
    /// The plan has no start date, so there are no dates to put in a calendar.
    #[error("plan `{0}` is undated (no [plan] start): iCalendar events need dates")]
    Undated(String),
}

/// Escapes a TEXT value (RFC 5545 section 3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets, ended by CRLF (RFC 5545 section 3.1).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A UID part: letters, digits, `.`, `-` and `_` kept, anything else as `_XX` hex bytes, so
/// distinct ids give distinct UIDs.
fn uid_part(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
            out.push(b as char);
        } else {
            let _ = write!(out, "_{b:02X}");
        }
    }
    out
}

struct Event<'a> {
    uid: String,
    date: NaiveDate,
    summary: String,
    description: String,
    category: &'a str,
    transparent: bool,
}

/// The plan's deploys and deploy windows as an iCalendar file.
///
/// # Errors
///
/// [`IcalError::Undated`] when the plan has no start date.
///
/// ```
/// use shipdate_engine::{dispatch, io, interchange::ical};
/// let plan = io::parse_str(
///     "[plan]\nname = \"demo\"\nstart = 2027-01-04\n[[tasks]]\nid = \"a\"\nestimate = 3\n\
///      [[releases]]\nid = \"r1\"\ntasks = [\"a\"]\nwindows = [2027-01-06, 2027-01-12]\n",
///     io::Format::Toml,
/// ).unwrap();
/// let ics = ical::calendar(&plan, &dispatch::schedule(&plan)).unwrap();
/// assert!(ics.contains("SUMMARY:Deploy r1\r\nDTSTART;VALUE=DATE:20270112\r\n"));
/// ```
pub fn calendar(plan: &Plan, sched: &ScheduleReport) -> Result<String, IcalError> {
    let Some(start) = plan.start else {
        return Err(IcalError::Undated(plan.name.clone()));
    };
    let domain = format!("{}.shipdate", uid_part(&super::slug(&plan.name, "plan")));
    let mut events = Vec::new();
    for (r, rs) in plan.releases.iter().zip(&sched.releases) {
        if let Some(d) = rs.deploy_date {
            let mut desc = String::new();
            if let Some(ready) = rs.ready_date {
                let _ = write!(desc, "Ready {ready}.");
            }
            match (r.target, rs.on_time) {
                (Some(When::Date(t)), Some(true)) => {
                    let _ = write!(desc, " Target {t}: on time.");
                }
                (Some(When::Date(t)), _) => {
                    let _ = write!(desc, " Target {t}: late.");
                }
                _ => {}
            }
            let names: Vec<&str> = r.tasks.iter().map(|&j| plan.tasks[j].label()).collect();
            if !names.is_empty() {
                let _ = write!(desc, "\nTasks: {}.", names.join(", "));
            }
            events.push(Event {
                uid: format!("deploy-{}@{domain}", uid_part(&r.id)),
                date: d,
                summary: format!("Deploy {}", r.id),
                description: desc.trim().to_string(),
                category: "DEPLOY",
                transparent: false,
            });
        }
        for w in calendar::open_windows(plan, r) {
            if let When::Date(d) = w {
                events.push(Event {
                    uid: format!("window-{}-{}@{domain}", uid_part(&r.id), ymd(d)),
                    date: d,
                    summary: format!("Deploy window: {}", r.id),
                    description: format!("An open deploy window for release {}.", r.id),
                    category: "DEPLOY-WINDOW",
                    transparent: true,
                });
            }
        }
    }
    crate::sorting::sort_by(&mut events, |a, b| {
        a.date.cmp(&b.date).then(a.uid.cmp(&b.uid))
    });

    let stamp = format!("{}T000000Z", ymd(start));
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//shipdate//release calendar//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(&plan.name)));
    for e in &events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", e.uid));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(&mut out, &format!("SUMMARY:{}", text(&e.summary)));
        line(&mut out, &format!("DTSTART;VALUE=DATE:{}", ymd(e.date)));
        let next = e.date.succ_opt().unwrap_or(e.date);
        line(&mut out, &format!("DTEND;VALUE=DATE:{}", ymd(next)));
        if !e.description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", text(&e.description)));
        }
        line(&mut out, &format!("CATEGORIES:{}", e.category));
        line(
            &mut out,
            if e.transparent {
                "TRANSP:TRANSPARENT"
            } else {
                "TRANSP:OPAQUE"
            },
        );
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_utf8_whole_and_lines_short() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        line(&mut out, &long);
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
        assert_eq!(text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        assert_eq!(uid_part("r 1/x"), "r_201_2Fx");
    }
}
