//! Widgets: each renders plain data from [`crate::state`] and reports edits through callbacks.

pub mod diagnostics;
pub mod schedule_tables;
pub mod source_editor;

pub use diagnostics::DiagnosticList;
pub use schedule_tables::ScheduleTables;
pub use source_editor::SourceEditor;
