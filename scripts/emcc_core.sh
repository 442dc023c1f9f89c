#!/usr/bin/env bash
# Builds the discsim core (sim/base to sim/driver: libc and libm only) with emscripten into
# one JavaScript file with the WebAssembly inside (-sSINGLE_FILE: it loads from file:// and
# under any Node), with the release build's floating-point flags (no contraction, no
# reassociation), so that it computes the native core's bits.
# Usage: emcc_core.sh OUT.js SOURCE_DIR GENERATED_DIR [more sources and emcc options...]
set -euo pipefail
out=$1
src=$(cd "$2" && pwd)
gen=$3
shift 3
mkdir -p "$gen" "$(dirname "$out")"
# the version's commit is a build-time header in the native build; the wasm build has its own
printf '#define DS_GIT_COMMIT "%s"\n' "$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)" \
    >"$gen/ds_git_commit.h.new"
cmp -s "$gen/ds_git_commit.h.new" "$gen/ds_git_commit.h" 2>/dev/null || mv "$gen/ds_git_commit.h.new" "$gen/ds_git_commit.h"
rm -f "$gen/ds_git_commit.h.new"
sources=$(ls "$src"/sim/{base,model,physics,linalg,solvers,driver}/*.c)
# Debian's emscripten finds its Node modules there when Node is not Debian's
# shellcheck disable=SC2086
NODE_PATH=/usr/share/nodejs emcc -O2 -std=c17 -ffp-contract=off -fno-fast-math -fno-trapping-math -fopenmp-simd \
    -Wno-pass-failed -D_POSIX_C_SOURCE=200809L -I"$src/include" -I"$src/sim" -I"$gen" \
    $sources "$@" -o "$out.tmp.js" -sSINGLE_FILE=1 -sALLOW_MEMORY_GROWTH=1 -lm
mv "$out.tmp.js" "$out"
