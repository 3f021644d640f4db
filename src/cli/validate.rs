//! `shipdate validate`.

use clap::Args;

/// Arguments of `shipdate validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// The plan file (.toml, .json, .sm, .rcp, or - for standard input).
    pub plan: String,
}

/// Runs the command.
pub fn run(args: &ValidateArgs) -> anyhow::Result<()> {
    let _plan = super::load_plan(&args.plan)?;
    Ok(())
}
