//! TOML text to the value tree, through the `toml` crate's span-preserving parser.

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::tree::{Entry, Node, Val};

/// Parses a TOML document; a syntax error comes back as (byte offset, message).
pub(crate) fn parse(src: &str) -> Result<Node, (usize, String)> {
    match DeTable::parse(src) {
        Ok(table) => {
            let start = table.span().start;
            Ok(Node {
                start,
                val: table_val(table.into_inner()),
            })
        }
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            Err((at, e.message().trim().to_string()))
        }
    }
}

fn table_val(table: DeTable<'_>) -> Val {
    let mut entries: Vec<Entry> = table
        .into_iter()
        .map(|(k, v)| Entry {
            key_start: k.span().start,
            key: k.into_inner().into_owned(),
            value: node(v),
        })
        .collect();
    // The crate keeps keys sorted by name; plans keep file order.
    crate::sorting::sort_by_key(&mut entries, |e| e.key_start);
    Val::Table(entries)
}

fn node(v: Spanned<DeValue<'_>>) -> Node {
    let start = v.span().start;
    let val = match v.into_inner() {
        DeValue::String(s) => Val::Str(s.into_owned()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Val::Int(n),
            // Beyond i64: keep the value as a float (a decimal one parses exactly as written).
            Err(_) => Val::Float(match i.radix() {
                10 => i.as_str().parse().unwrap_or(f64::NAN),
                _ => f64::INFINITY,
            }),
        },
        DeValue::Float(f) => Val::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Val::Bool(b),
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                match NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()) {
                    Some(date) => Val::Date(date),
                    None => Val::Datetime(dt.to_string()),
                }
            }
            _ => Val::Datetime(dt.to_string()),
        },
        DeValue::Array(a) => Val::Array(a.into_iter().map(node).collect()),
        DeValue::Table(t) => table_val(t),
    };
    Node { start, val }
}
