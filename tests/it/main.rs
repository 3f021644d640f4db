//! Integration tests: one test binary, one module per area.
//! Each module is declared here; add yours with one `mod name;` line.
mod parse;
mod checker;
mod psplib;
mod schedule;
