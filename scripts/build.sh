#!/usr/bin/env bash
# Configures and builds discsim (Release) in build/.
# BUILD_DIR and BUILD_TYPE choose another folder or type; SANITIZE=1 builds with
# -fsanitize=address,undefined (the second build of the test suite); MPI=1 with Open MPI;
# CLONES=0 builds the hot kernels once, for the baseline (sim/base/isa.h); COMPARE names
# another build's discsim for the isa_same_bits test; TARGET builds that target only.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${BUILD_DIR:-build}"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" -DDS_SANITIZE="${SANITIZE:-0}" \
  -DDS_MPI="${MPI:-0}" -DDS_VECTOR_CLONES="${CLONES:-1}" -DDS_COMPARE_DISCSIM="${COMPARE:-}" >/dev/null
cmake --build "$dir" -j"$(nproc)" ${TARGET:+--target "$TARGET"}
