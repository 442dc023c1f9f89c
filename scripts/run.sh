#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs the default scenario.
# Usage: scripts/run.sh [SCENARIO] [discsim run options...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
scenario="${1:-scenarios/massage_herniation.yaml}"
shift || true
mkdir -p out
name=$(basename "$scenario" .yaml)
build/discsim run "$scenario" -o "out/$name.h5" --plot out/figures "$@"
