//! Writes the realistic benchmark plan (`benches/synthetic/mod.rs`, `realistic_plan`) as TOML
//! on standard output, for whole-process timings of the CLI (`benches/cli.sh`).
//!
//! `cargo run --release --example realistic_plan -- TASKS [SEED] > plan.toml`

#[path = "../benches/synthetic/mod.rs"]
#[allow(dead_code)]
mod synthetic;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    print!(
        "{}",
        shipdate_engine::io::to_toml(&synthetic::realistic_plan(n, seed))
    );
}
