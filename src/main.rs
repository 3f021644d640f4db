//! `shipdate`: release planning from the command line.
//!
//! `main` parses arguments, runs one command, prints errors once, and maps them to exit codes:
//! 0 on success, 2 on a plan error, 3 when `check --strict` finds a failed check, 1 on any other
//! failure.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

/// Release planning: dependency graph, resource-feasible schedule, deploy windows and Monte
/// Carlo delay risk.
#[derive(Parser, Debug)]
#[command(name = "shipdate", version, about, long_about = None)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a plan and print a one-screen summary.
    Validate(cli::validate::ValidateArgs),
    /// Compute a resource-feasible deterministic schedule.
    Schedule(cli::schedule::ScheduleArgs),
    /// Monte Carlo simulation of delay risk.
    Simulate(cli::simulate::SimulateArgs),
    /// The base plan and every scenario simulated side by side with the same seed.
    Compare(cli::compare::CompareArgs),
    /// Schedule health check: the DCMA 14-point assessment of the plan's logic.
    Check(cli::check::CheckArgs),
    /// What changed between two versions of a plan, and what each change did to each
    /// release's P80 (same random numbers for both).
    Diff(cli::diff::DiffArgs),
    /// Milestone trend: each release's P50/P80 deploy date by status date over versions of
    /// a plan.
    Trend(cli::trend::TrendArgs),
    /// Release scope and window planning (mixed-integer programming).
    Windows(cli::windows::WindowsArgs),
    /// Write a self-contained HTML report with charts.
    Report(cli::report::ReportArgs),
    /// Turn MS Project XML, CSV or PSPLIB into a plan.
    Import(cli::import::ImportArgs),
    /// Write the plan and its schedule as MS Project XML, iCalendar, Mermaid, JSON or TOML.
    Export(cli::export::ExportArgs),
    /// Write a commented starter plan.
    Init(cli::init::InitArgs),
    /// Throughput history from a tracker's CSV export: the plan line, process limits, and
    /// "when" and "how many" forecasts.
    Throughput(cli::throughput::ThroughputArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Validate(a) => cli::validate::run(&a),
        Command::Schedule(a) => cli::schedule::run(&a),
        Command::Simulate(a) => cli::simulate::run(&a),
        Command::Compare(a) => cli::compare::run(&a),
        Command::Check(a) => cli::check::run(&a),
        Command::Diff(a) => cli::diff::run(&a),
        Command::Trend(a) => cli::trend::run(&a),
        Command::Windows(a) => cli::windows::run(&a),
        Command::Report(a) => cli::report::run(&a),
        Command::Import(a) => cli::import::run(&a),
        Command::Export(a) => cli::export::run(&a),
        Command::Init(a) => cli::init::run(&a),
        Command::Throughput(a) => cli::throughput::run(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => cli::report_error(&err),
    }
}
