#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already present:
# the wasm32 target, Debian's Chromium and ChromeDriver, wasm-bindgen-cli (the version in
# Cargo.lock), the npm packages (binaryen's wasm-opt, playwright-core), and the Python
# packages the interchange tests use (mpxj with JPype1 on the machine's Java, icalendar).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

if ! rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
  step "rustup target add $WASM_TARGET"
  rustup target add "$WASM_TARGET"
fi

if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
  step "apt-get install chromium chromium-driver"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium chromium-driver
fi

WB_VER="$(wasm_bindgen_version)"
have_wb="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
have_runner="$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "$have_wb" != "$WB_VER" || "$have_runner" != "$WB_VER" ]]; then
  step "cargo install wasm-bindgen-cli $WB_VER (have '${have_wb:-none}')"
  # The CLI has its own target dir so that it never shares a lock with the project's build.
  CARGO_TARGET_DIR="$ROOT/targets/tools" cargo install wasm-bindgen-cli --version "$WB_VER" --locked \
    || CARGO_TARGET_DIR="$ROOT/targets/tools" cargo install wasm-bindgen-cli --version "$WB_VER" --force
fi

# npm: install when node_modules is missing or older than the lock file.
stamp="node_modules/.package-lock.json"
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" || ! -x node_modules/.bin/wasm-opt ]]; then
  step "npm ci"
  npm ci --no-audit --no-fund || npm install --no-audit --no-fund
fi

# Python: MPXJ (reads and writes MS Project files, on the machine's Java) and icalendar,
# for the interchange tests.
if ! python3 -c "import mpxj, jpype, icalendar" 2>/dev/null; then
  step "pip install mpxj JPype1 icalendar"
  python3 -m pip install --quiet mpxj JPype1 icalendar
fi
