#!/usr/bin/env bash
# Whole-process timings of the CLI on plans shaped like real ones (benches/synthetic/mod.rs,
# `realistic_plan`: every estimate its own, 1 to 3 predecessors among the previous 40 tasks on
# 8 teams of capacity 2 to 6, one risk per 50 tasks, 3 releases on a biweekly cadence), at
# 1,000, 2,000 and 4,000 tasks, in critical-path and resource-aware mode, 10,000 iterations,
# the default analysis (criticality, sensitivity, per-risk effects) and JSON output: what a
# user waits for. Prints the best of RUNS wall-clock times per cell, with the machine.
#
#   benches/cli.sh [BIN] [RUNS]        BIN defaults to target/release/shipdate (built here)
#   SIZES="1000 2000" MODES="cp" benches/cli.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
cargo build --release --quiet --bin shipdate --example realistic_plan
BIN="$(readlink -f "${1:-target/release/shipdate}")"
RUNS="${2:-3}"
SIZES="${SIZES:-1000 2000 4000}"
MODES="${MODES:-cp resource}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary:  $BIN"
printf '%-8s %-15s %s\n' tasks mode "best of $RUNS (s)"
for n in $SIZES; do
  target/release/examples/realistic_plan "$n" >"$work/plan$n.toml"
  for mode in $MODES; do
    flags=()
    [[ $mode == cp ]] && flags=(--ignore-capacity)
    best=""
    for _ in $(seq "$RUNS"); do
      t0=$(date +%s%N)
      "$BIN" simulate "$work/plan$n.toml" -n 10000 "${flags[@]}" --format json >/dev/null
      t=$(($(date +%s%N) - t0))
      if [[ -z $best ]] || ((t < best)); then best=$t; fi
    done
    label=$([[ $mode == cp ]] && echo "critical path" || echo "resource-aware")
    printf '%-8s %-15s %d.%03d\n' "$n" "$label" $((best / 1000000000)) $((best / 1000000 % 1000))
  done
done
