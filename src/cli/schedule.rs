//! `shipdate schedule`: the resource-feasible deterministic schedule.

use clap::Args;

/// Arguments of `shipdate schedule`: the resource-feasible deterministic schedule.
#[derive(Args, Debug)]
pub struct ScheduleArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
}

/// Runs the command.
pub fn run(args: &ScheduleArgs) -> anyhow::Result<()> {
    let _plan = super::load_plan(&args.plan)?;
    Ok(())
}
