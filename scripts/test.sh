#!/usr/bin/env bash
# Every test: formatting, clippy, the native tests, the wasm build, the engine's tests inside
# headless Chromium (wasm-bindgen-test), and the planner's Playwright tests in Chromium.
# Exits non-zero on the first failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
started=$SECONDS
lap() { echo "    ($(( SECONDS - started )) s so far)" >&2; }

bash scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
lap

step "native tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  # nextest does not run doctests.
  cargo test --workspace --doc
else
  cargo test --workspace --no-fail-fast
fi
lap

bash scripts/build-web.sh
lap

step "engine tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
  cargo test --target "$WASM_TARGET" -p shipdate-engine --test wasm
lap

step "browser tests (Playwright, Chromium)"
node --test --test-concurrency=1 tests/browser/
lap

echo "all tests passed in $(( SECONDS - started )) s" >&2
