//! The engine's behaviour, through its public API only: schedules checked by an independent
//! feasibility checker, the leveller and exact mode against PSPLIB's proven optima, the
//! Patterson optima and brute force. One test binary, one module per area; add yours with one
//! `mod name;` line. (What goes through the `shipdate` binary is in the root's `tests/it`.)
//!
//! The PSPLIB and Patterson instances are read from `shared/psplib` in the nearest directory
//! above this crate that has one, or from `$SHIPDATE_PSPLIB`.
mod checker;
mod checker_tests;
mod handoffs;
mod leveling;
mod progress;
mod psplib;
mod risk_effects;
mod stable_draws;
mod throughput;
mod util;
