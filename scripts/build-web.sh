#!/usr/bin/env bash
# Builds the browser planner into dist/: cargo (wasm32, profile wasm-release), wasm-bindgen,
# then npm binaryen's wasm-opt -O3 (for speed: the simulation runs in the page's worker; never
# Debian's binaryen: it corrupts wasm-bindgen output).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
# SHIPDATE_DIST builds elsewhere than dist/ (the browser tests read the same variable).
DIST="${SHIPDATE_DIST:-$DIST}"

step "cargo build -p web (wasm32, wasm-release)"
cargo build --profile wasm-release --target "$WASM_TARGET" -p web --bin web

step "wasm-bindgen -> dist/"
rm -rf "$DIST"
mkdir -p "$DIST"
wasm-bindgen --target web --no-typescript --out-dir "$DIST" \
  "$CARGO_TARGET_DIR/$WASM_TARGET/wasm-release/web.wasm"

step "wasm-opt -O3"
"$ROOT/node_modules/.bin/wasm-opt" -O3 --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$DIST/web_bg.wasm" -o "$DIST/web_bg.wasm"

cp web/index.html web/boot.js web/worker.js web/style.css "$DIST/"
size=$(stat -c %s "$DIST/web_bg.wasm")
gz=$(gzip -9c "$DIST/web_bg.wasm" | wc -c)
echo "dist/web_bg.wasm: $((size / 1024)) KiB, $((gz / 1024)) KiB gzipped ($gz bytes)" >&2
# The download budget (README, "Browser"): 800 KB gzipped, in bytes. A change that grows the page past it
# fails here rather than unnoticed.
if [ "$gz" -gt 800000 ]; then
  echo "error: dist/web_bg.wasm is $gz bytes gzipped, over the 800,000-byte budget" >&2
  exit 1
fi
