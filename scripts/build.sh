#!/usr/bin/env bash
# Configures and builds discsim (Release) in build/.
# BUILD_DIR and BUILD_TYPE choose another folder or type; SANITIZE=1 builds with
# -fsanitize=address,undefined (the second build of the test suite); MPI=1 with Open MPI;
# TARGET builds that target only.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${BUILD_DIR:-build}"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" -DDS_SANITIZE="${SANITIZE:-0}" \
  -DDS_MPI="${MPI:-0}" >/dev/null
cmake --build "$dir" -j"$(nproc)" ${TARGET:+--target "$TARGET"}
