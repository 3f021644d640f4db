//! Integration tests: one test binary, one module per area.
//! Each module is declared here; add yours with one `mod name;` line.
// The independent schedule checker lives with the engine's behaviour tests.
mod check;
#[path = "../../engine/tests/behaviour/checker.rs"]
mod checker;
mod cli;
mod diff;
mod files;
mod fuzz;
mod fuzz_findings;
mod interchange;
mod layers;
mod leveling_cli;
mod parse;
mod progress;
mod report;
mod scenarios;
mod schedule;
mod simulate;
mod simulate_cli;
mod throughput_cli;
mod util;
mod windows;
