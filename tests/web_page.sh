#!/usr/bin/env bash
# The teaching page in headless Chromium (tests/web/page_test.mjs). puppeteer-core comes from
# npm at the version tests/web/package-lock.json pins, installed once into OUT_DIR/node.
# Usage: web_page.sh SITE_DIR DISCSIM OUT_DIR
set -euo pipefail
site=$1
discsim=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
node_dir=$out/node
mkdir -p "$node_dir"
if ! cmp -s "$here/web/package-lock.json" "$node_dir/package-lock.json" || [ ! -d "$node_dir/node_modules/puppeteer-core" ]; then
    cp "$here/web/package.json" "$here/web/package-lock.json" "$node_dir/"
    npm ci --prefix "$node_dir" --no-audit --no-fund --loglevel=error >/dev/null
fi
# the module resolves puppeteer-core from beside it
cp "$here/web/page_test.mjs" "$node_dir/"
exec node "$node_dir/page_test.mjs" "$site" "$discsim" "$out"
