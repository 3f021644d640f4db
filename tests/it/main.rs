//! Integration tests: one test binary, one module per area.
//! Each module is declared here; add yours with one `mod name;` line.
mod checker;
mod cli;
mod files;
mod fuzz;
mod interchange;
mod leveling;
mod parse;
mod psplib;
mod report;
mod schedule;
mod simulate;
mod simulate_cli;
mod windows;
