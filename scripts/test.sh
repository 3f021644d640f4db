#!/usr/bin/env bash
# Every test: formatting, clippy, the native tests, the engine docs (no rustdoc warnings), the
# wasm build, the engine's tests inside headless Chromium (wasm-bindgen-test), and the
# planner's Playwright tests in Chromium.
# Every step runs even when an earlier one fails (the browser steps need the wasm build);
# the summary at the end lists each step, and the exit status is non-zero if any failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
started=$SECONDS
stamp="$(mktemp)"
trap 'rm -f "$stamp"' EXIT
results=()
failed=0

# run_step NAME COMMAND...: runs a step, records pass/fail and its time.
run_step() {
  local name="$1"
  shift
  local t0=$SECONDS
  step "$name"
  if "$@"; then
    results+=("ok    $(printf '%4d' $(( SECONDS - t0 ))) s  $name")
  else
    results+=("FAIL  $(printf '%4d' $(( SECONDS - t0 ))) s  $name")
    failed=1
  fi
}

native_tests() {
  if cargo nextest --version >/dev/null 2>&1; then
    # nextest prints a closing "Summary [...] N tests run: N passed" line; it skips doctests.
    cargo nextest run --workspace --no-fail-fast && cargo test --workspace --doc
  else
    cargo test --workspace --no-fail-fast
  fi &&
    # The engine crate's example program: builds a plan in code, schedules and simulates it.
    cargo run -p shipdate-engine --example release_plan
}

wasm_engine_tests() {
  # Every engine/tests/wasm*.rs file, built with the wasm-release profile: much faster to
  # build here than the test profile (opt-level 3 with debug info); a failing assertion is
  # reported the same way (on wasm32 a panic aborts in either profile).
  local tests=()
  for f in engine/tests/wasm*.rs; do
    tests+=(--test "$(basename "$f" .rs)")
  done
  CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
    cargo test --target "$WASM_TARGET" --profile wasm-release -p shipdate-engine "${tests[@]}"
}

run_step "setup (install what is missing)" bash scripts/setup.sh
run_step "cargo fmt --check" cargo fmt --all --check
run_step "cargo clippy --workspace --all-targets -- -D warnings" \
  cargo clippy --workspace --all-targets -- -D warnings
run_step "native tests" native_tests
run_step "engine docs without warnings (cargo doc)" \
  env RUSTDOCFLAGS="-D warnings" cargo doc -p shipdate-engine --no-deps
run_step "wasm build (scripts/build-web.sh)" bash scripts/build-web.sh
run_step "engine tests in headless Chromium (wasm-bindgen-test)" wasm_engine_tests
# The report test runs the CLI; reuse the binary the native tests just built rather than
# have it `cargo run` a fresh dev-profile build (only when it is from this run).
if [[ -z "${SHIPDATE_BIN:-}" && "$CARGO_TARGET_DIR/debug/shipdate" -nt "$stamp" ]]; then
  export SHIPDATE_BIN="$CARGO_TARGET_DIR/debug/shipdate"
fi
if [[ -f "$DIST/web_bg.wasm" ]]; then
  run_step "browser tests (Playwright, Chromium)" node --test --test-concurrency=1 tests/browser/
else
  results+=("FAIL     0 s  browser tests (no wasm build to test)")
  failed=1
fi

echo >&2
echo "==> summary ($(( SECONDS - started )) s in all)" >&2
printf '  %s\n' "${results[@]}" >&2
if [[ $failed -ne 0 ]]; then
  echo "FAILED" >&2
  exit 1
fi
echo "all tests passed" >&2
