//! A small format-neutral value tree that keeps the byte offset of every key and value, so
//! TOML and JSON go through one converter and give the same located errors.

use chrono::NaiveDate;

use crate::diag::Pos;

/// A value and where it starts in the source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Byte offset of the value's first character (a table header for `[[tasks]]` tables).
    pub start: usize,
    /// The value.
    pub val: Val,
}

/// A key/value pair of a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// The key.
    pub key: String,
    /// Byte offset of the key.
    pub key_start: usize,
    /// The value.
    pub value: Node,
}

/// The values of TOML and JSON, merged.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    /// JSON `null` (treated as absent).
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in i64.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
    /// A TOML local date.
    Date(NaiveDate),
    /// A TOML date-time, time or offset date-time (only dates are used by plans).
    Datetime(String),
    /// An array.
    Array(Vec<Node>),
    /// A table (object), entries in source order.
    Table(Vec<Entry>),
}

impl Val {
    /// "a string", "an integer", ... for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Int(_) => "an integer",
            Val::Float(_) => "a number",
            Val::Str(_) => "a string",
            Val::Date(_) => "a date",
            Val::Datetime(_) => "a date-time",
            Val::Array(_) => "an array",
            Val::Table(_) => "a table",
        }
    }
}

/// Turns byte offsets into 1-based line and column (the same answer as [`Pos::of_offset`],
/// without rescanning the text for every position).
pub(crate) struct Locator<'a> {
    src: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    /// Indexes the line starts of `src`.
    pub fn new(src: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Locator { src, line_starts }
    }

    /// The position of byte offset `offset`.
    pub fn pos(&self, offset: usize) -> Pos {
        let mut offset = offset.min(self.src.len());
        while offset > 0 && !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self.src[start..offset].chars().count() + 1;
        Pos {
            line: line as u32,
            column: column as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_agrees_with_pos_of_offset() {
        let src = "ab\ncdé\n\nxyz\n";
        let loc = Locator::new(src);
        for i in 0..=src.len() + 2 {
            assert_eq!(loc.pos(i), Pos::of_offset(src, i), "offset {i}");
        }
    }
}
