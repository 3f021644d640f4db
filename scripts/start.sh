#!/usr/bin/env bash
# One command on a fresh machine: installs what is missing, prints the CLI's schedule (and
# Monte Carlo summary) of the example plan, builds the browser planner and serves it on
# http://localhost:${PORT:-8080}/ until interrupted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
PORT="${PORT:-8080}"

bash scripts/setup.sh

step "cargo build --release (the shipdate CLI)"
cargo build --release --bin shipdate
SHIPDATE="$CARGO_TARGET_DIR/release/shipdate"

step "shipdate schedule examples/checkout.toml"
"$SHIPDATE" schedule examples/checkout.toml
step "shipdate simulate examples/checkout.toml"
"$SHIPDATE" simulate examples/checkout.toml

bash scripts/build-web.sh

step "serving dist/"
echo
echo "  The planner is at http://localhost:$PORT/   (Ctrl-C stops the server)"
echo
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$DIST"
