#!/usr/bin/env bash
# Runs two shipdate binaries over the same plans and commands and reports every output that
# differs, byte for byte. A refactor must leave this silent.
#
#   scripts/compare-outputs.sh OLD_BIN NEW_BIN [--quick]
#
# Plans: examples/, tests/data/ (valid ones and the ones with errors), tests/data/interchange/
# (imports), generated plans (scripts/gen-plan.mjs at 40 and 300 tasks), PSPLIB J30 and
# Patterson instances from ../shared/psplib when present. Commands: validate; schedule
# (table, json, csv, mermaid); simulate (several seeds, both modes, LHS, table and json);
# windows (table, json); report (HTML); export (every format); import. Exit status and
# standard error are compared too. --quick uses fewer seeds and iterations.
set -uo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 OLD_BIN NEW_BIN [--quick]" >&2
  exit 1
fi
OLD="$(readlink -f "$1")"
NEW="$(readlink -f "$2")"
QUICK="${3:-}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHIPDATE_SHARED:-$ROOT/../shared}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plans" "$work/old" "$work/new"

# The plans, copied so that every path on a command line is the same for both binaries.
cp "$ROOT"/examples/*.toml "$work/plans/"
for f in "$ROOT"/tests/data/*.toml "$ROOT"/tests/data/*.json; do
  cp "$f" "$work/plans/data-$(basename "$f")"
done
if command -v node >/dev/null; then
  node "$ROOT/scripts/gen-plan.mjs" 40 >"$work/plans/gen40.toml"
  node "$ROOT/scripts/gen-plan.mjs" 300 >"$work/plans/gen300.toml"
fi
if [[ -d "$SHARED/psplib" ]]; then
  for f in j30/j301_1.sm j30/j3013_7.sm j30/j3045_1.sm; do
    [[ -f "$SHARED/psplib/$f" ]] && cp "$SHARED/psplib/$f" "$work/plans/"
  done
  for f in patterson/pat1.rcp patterson/pat77.rcp; do
    [[ -f "$SHARED/psplib/$f" ]] && cp "$SHARED/psplib/$f" "$work/plans/"
  done
fi
imports=()
for f in "$ROOT"/tests/data/interchange/*.{xml,csv}; do
  [[ -f "$f" ]] && cp "$f" "$work/plans/" && imports+=("$(basename "$f")")
done

cp -r "$work/plans" "$work/run-old"
cp -r "$work/plans" "$work/run-new"

seeds=(1 7 42)
iters=2000
[[ "$QUICK" == "--quick" ]] && seeds=(7) && iters=500

# run NAME ARGS...: runs both binaries in the plans folder; keeps stdout, stderr, exit code.
n=0
run() {
  local name="$1"
  shift
  n=$((n + 1))
  for side in old new; do
    local bin="$OLD"
    [[ $side == new ]] && bin="$NEW"
    (
      # Each side runs in its own copy of the plans, so that every path it prints is the same.
      cd "$work/run-$side" || exit 1
      local args=()
      for a in "$@"; do args+=("${a//@OUT@/out.file}"); done
      timeout 300 "$bin" "${args[@]}" >"$work/$side/$name.out" 2>"$work/$side/$name.err"
      echo "exit $?" >>"$work/$side/$name.err"
      if [[ -f out.file ]]; then mv out.file "$work/$side/$name.file"; fi
    )
  done
}

for plan in $(cd "$work/plans" && ls *.toml *.json *.sm *.rcp 2>/dev/null); do
  b="${plan%.*}-${plan##*.}"
  run "$b.validate" validate "$plan"
  for fmt in table json csv mermaid; do
    run "$b.schedule.$fmt" schedule "$plan" --format "$fmt"
  done
  for s in "${seeds[@]}"; do
    run "$b.sim.$s.table" simulate "$plan" -n "$iters" --seed "$s"
    run "$b.sim.$s.json" simulate "$plan" -n "$iters" --seed "$s" --format json
    run "$b.sim.$s.cpm" simulate "$plan" -n "$iters" --seed "$s" --ignore-capacity --format json
  done
  run "$b.sim.lhs" simulate "$plan" -n "$iters" --seed 3 --sampling lhs --format json
  run "$b.sim.threads1" simulate "$plan" -n "$iters" --seed 5 --threads 1 --format json
  run "$b.windows.table" windows "$plan"
  run "$b.windows.json" windows "$plan" --format json
  run "$b.report" report "$plan" -n 500 --seed 2 -o @OUT@
  for to in mspdi ical mermaid json toml; do
    run "$b.export.$to" export "$plan" --to "$to"
  done
done
for f in "${imports[@]}"; do
  run "import-$f" import "$f"
done

# Compare: stdout, stderr + exit code, and any written file.
diffs=0
for f in "$work"/old/*; do
  name="$(basename "$f")"
  if ! cmp -s "$f" "$work/new/$name"; then
    diffs=$((diffs + 1))
    echo "DIFFERS: $name"
    diff <(head -c 200000 "$f") <(head -c 200000 "$work/new/$name") | head -8 | sed 's/^/    /'
  fi
done
for f in "$work"/new/*; do
  [[ -e "$work/old/$(basename "$f")" ]] || { echo "ONLY NEW: $(basename "$f")"; diffs=$((diffs + 1)); }
done
echo "$n runs compared, $diffs outputs differ"
[[ $diffs -eq 0 ]]
