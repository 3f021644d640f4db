//! Widgets: each renders plain data from [`crate::state`] and reports edits through callbacks.

pub mod compare_panel;
pub mod diagnostics;
pub mod edit_tables;
pub mod risk_panel;
pub mod run_settings;
pub mod scenarios_panel;
pub mod schedule_tables;
pub mod scope_panel;
pub mod source_editor;
pub mod status_date;
pub mod svg;
pub mod throughput_panel;

pub use compare_panel::ComparePanel;
pub use diagnostics::DiagnosticList;
pub use edit_tables::EditTables;
pub use risk_panel::RiskPanel;
pub use run_settings::RunSettings;
pub use scenarios_panel::ScenariosPanel;
pub use schedule_tables::ScheduleTables;
pub use scope_panel::ScopePanel;
pub use source_editor::SourceEditor;
pub use status_date::StatusDate;
pub use svg::Svg;
pub use throughput_panel::ThroughputPanel;
