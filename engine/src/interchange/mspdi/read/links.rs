//! Links: FS, SS, FF and SF with their lags, summary tasks expanded (a link from a summary
//! is a link from each task under it, a link to a summary one to each of them).

use std::collections::{HashMap, HashSet};

use super::super::xml::Element;
use super::super::ELAPSED_FORMATS;
use super::tasks::{Leaves, Outline};
use super::{tidy, Cx};
use crate::model::{Link, LinkKind};

/// What the links step counts for its closing notes.
#[derive(Default)]
struct Counts {
    /// FF or SF links through a summary (by the link element's offset).
    loose_types: HashSet<usize>,
    /// Elapsed-time lags (by the link element's offset).
    elapsed: HashSet<usize>,
}

/// Gives every leaf task its links: its own and those of the summaries above it.
pub(super) fn read(cx: &mut Cx, outline: &Outline, leaves: &mut Leaves) {
    let known: HashSet<i64> = outline.raw.iter().map(|t| t.uid).collect();
    let by_uid: HashMap<i64, &Element> = outline.raw.iter().map(|t| (t.uid, t.el)).collect();
    let mut counts = Counts::default();
    for j in 0..leaves.raw.len() {
        let uid = leaves.raw[j].uid;
        let mut holders = vec![uid];
        holders.extend(outline.parents.get(&uid).into_iter().flatten().copied());
        let mut links: Vec<Link> = Vec::new();
        for h in holders {
            let Some(el) = by_uid.get(&h) else { continue };
            for pl in el.all("PredecessorLink") {
                let Some(pu) = pl.int("PredecessorUID") else {
                    continue;
                };
                if pl.flag("CrossProject") {
                    cx.warn(Some(pl), "a link to another project is ignored");
                    continue;
                }
                if !known.contains(&pu) {
                    cx.warn(
                        Some(pl),
                        format!(
                            "task `{}`: a link from unknown task UID {pu} is ignored",
                            leaves.tasks[j].id
                        ),
                    );
                    continue;
                }
                let through_summary = h != uid || !leaves.index.contains_key(&pu);
                let link = Held {
                    el: pl,
                    pred_uid: pu,
                    through_summary,
                };
                add_link(cx, outline, leaves, j, &link, &mut counts, &mut links);
            }
        }
        leaves.tasks[j].after = links;
    }
    if !counts.loose_types.is_empty() {
        cx.warn(
            None,
            format!(
                "{} finish-to-finish or start-to-finish link(s) through summary tasks applied to every task under them (stricter than MS Project)",
                counts.loose_types.len()
            ),
        );
    }
    if !counts.elapsed.is_empty() {
        cx.warn(
            None,
            format!(
                "{} elapsed-time lag(s) converted to working days at the calendar's share of working days",
                counts.elapsed.len()
            ),
        );
    }
}

/// A `PredecessorLink` element held by task `j` or a summary above it.
struct Held<'a> {
    el: &'a Element,
    pred_uid: i64,
    through_summary: bool,
}

/// Adds to `links` (of task `j`) one link per task the predecessor stands for, its lag in
/// working days; a link already there is not repeated.
fn add_link(
    cx: &Cx,
    outline: &Outline,
    leaves: &Leaves,
    j: usize,
    held: &Held,
    counts: &mut Counts,
    links: &mut Vec<Link>,
) {
    let pl = held.el;
    let kind = match pl.int("Type").unwrap_or(1) {
        0 => LinkKind::FF,
        2 => LinkKind::SF,
        3 => LinkKind::SS,
        _ => LinkKind::FS,
    };
    if held.through_summary && matches!(kind, LinkKind::FF | LinkKind::SF) {
        counts.loose_types.insert(pl.at);
    }
    let raw_lag = pl.num("LinkLag").unwrap_or(0.0);
    let format = pl.int("LagFormat").unwrap_or(7);
    if ELAPSED_FORMATS.contains(&format) && raw_lag != 0.0 {
        counts.elapsed.insert(pl.at);
    }
    for p in expand(outline, leaves, held.pred_uid) {
        if p == j {
            continue;
        }
        let lag = match format {
            19 | 20 => raw_lag / 100.0 * leaves.tasks[p].estimate.point(),
            f => cx.working_days(raw_lag / 10.0, Some(f)),
        };
        let mut link = Link::new(p, kind, tidy(lag));
        link.pos = cx.at(pl);
        if !links
            .iter()
            .any(|l| l.pred == p && l.kind == kind && l.lag == link.lag)
        {
            links.push(link);
        }
    }
}

/// The tasks a predecessor UID stands for: itself, or every leaf under a summary.
fn expand(outline: &Outline, leaves: &Leaves, uid: i64) -> Vec<usize> {
    match leaves.index.get(&uid) {
        Some(&j) => vec![j],
        None => outline
            .leaves_of
            .get(&uid)
            .map(|ls| {
                ls.iter()
                    .filter_map(|u| leaves.index.get(u).copied())
                    .collect()
            })
            .unwrap_or_default(),
    }
}
