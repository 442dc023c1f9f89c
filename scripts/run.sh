#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs the default scenario.
# Usage: scripts/run.sh [SCENARIO] [discsim run options...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
scenario="${1:-scenarios/diurnal_l4l5.yaml}"
shift || true
mkdir -p out
name=$(basename "$scenario" .yaml)
build/discsim run "$scenario" -o "out/$name.h5" "$@"
build/discsim info "out/$name.h5" | head -4
