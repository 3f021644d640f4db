//! `shipdate simulate`: Monte Carlo delay risk.

use clap::Args;

/// Arguments of `shipdate simulate`.
#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
}

/// Runs the command.
pub fn run(args: &SimulateArgs) -> anyhow::Result<()> {
    anyhow::bail!("simulate is not available yet for {}", args.plan)
}
