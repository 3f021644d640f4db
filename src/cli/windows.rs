//! `shipdate windows`: release scope and window planning.

use clap::Args;

/// Arguments of `shipdate windows`.
#[derive(Args, Debug)]
pub struct WindowsArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
}

/// Runs the command.
pub fn run(args: &WindowsArgs) -> anyhow::Result<()> {
    anyhow::bail!("windows is not available yet for {}", args.plan)
}
