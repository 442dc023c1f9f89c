#!/usr/bin/env bash
# Builds the teaching page: build/web/site/index.html, with the discsim core compiled to
# WebAssembly inside discsim_core.js. The folder is the whole page: open index.html from
# file:// or put the folder on any static host (no server-side computation).
# Installs what is missing first (emscripten among it), as scripts/run.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
TARGET=web_page scripts/build.sh
echo "web: open $PWD/build/web/site/index.html"
