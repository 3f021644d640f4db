#!/usr/bin/env bash
# What a user waits for on a very large plan: the whole CLI process on a `realistic_plan`
# (benches/synthetic/mod.rs: every estimate its own, 1 to 3 predecessors among the previous
# 40 tasks on 8 teams, one risk per 50 tasks, 3 releases) of N tasks (default 100,000):
# validate, schedule (resource-feasible), simulate 1,000 iterations and export to MS Project
# XML. Simulation modes (MODES, default "cp fast"): `cp` critical path (`--ignore-capacity`),
# `fast` resource-aware with `--no-risk-effects`, `resource` resource-aware with the per-risk
# effects (hours at 100,000 tasks). Prints wall-clock seconds and peak resident memory (GNU
# time) for each, with the machine.
#
#   benches/large.sh [TASKS]                 MODES="cp fast resource" benches/large.sh 20000
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
cargo build --release --quiet --bin shipdate --example realistic_plan
BIN="$(readlink -f target/release/shipdate)"
N="${1:-100000}"
MODES="${MODES:-cp fast}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
target/release/examples/realistic_plan "$N" >"$work/plan.toml"
echo "plan:    $N tasks, $(du -h "$work/plan.toml" | cut -f1) of TOML"
printf '%-60s %10s %12s\n' step "wall (s)" "peak RSS"

run() {
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$BIN" "$@" >/dev/null 2>"$work/err" || {
    echo "$label failed:" >&2
    cat "$work/err" >&2
    exit 1
  }
  read -r secs kib <"$work/time"
  printf '%-60s %10s %9d MiB\n' "$label" "$secs" $((kib / 1024))
}

run "validate" validate "$work/plan.toml"
run "schedule (resource-feasible, JSON)" schedule "$work/plan.toml" --format json
for mode in $MODES; do
  case $mode in
    cp) flags=(--ignore-capacity) label="critical path" ;;
    fast) flags=(--no-risk-effects) label="resource-aware, --no-risk-effects" ;;
    resource) flags=() label="resource-aware" ;;
    *) echo "unknown mode $mode (cp, fast, resource)" >&2; exit 2 ;;
  esac
  run "simulate -n 1000 ($label, JSON)" simulate "$work/plan.toml" -n 1000 "${flags[@]}" \
    --format json
done
run "export --to mspdi" export "$work/plan.toml" --to mspdi -o "$work/plan.xml"
