#!/usr/bin/env bash
# The core in WebAssembly gives the native core's bits: web/core_check.c built with emscripten
# (the core's sources, libc and libm only, the release build's floating-point flags) and run
# under Node prints the same text, every digit, as the native build.
# Usage: web_core.sh NATIVE_CORE_CHECK SOURCE_DIR OUT_DIR
set -euo pipefail
native=$1
src=$(cd "$2" && pwd)
out=$3
mkdir -p "$out/generated"
# the version's commit is a build-time header in the native build; the wasm build has its own
printf '#define DS_GIT_COMMIT "%s"\n' "$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)" \
    >"$out/generated/ds_git_commit.h"
sources=$(ls "$src"/sim/{base,model,physics,linalg,solvers,driver}/*.c)
# Debian's emscripten finds its Node modules there when Node is not Debian's
NODE_PATH=/usr/share/nodejs emcc -O2 -std=c17 -ffp-contract=off -fno-fast-math -fno-trapping-math -fopenmp-simd -Wno-pass-failed \
    -D_POSIX_C_SOURCE=200809L -I"$src/include" -I"$src/sim" -I"$out/generated" \
    $sources "$src/web/core_check.c" -o "$out/core_check.js" -sSINGLE_FILE=1 -sALLOW_MEMORY_GROWTH=1 -lm
"$native" >"$out/native.txt"
node "$out/core_check.js" >"$out/wasm.txt"
if ! cmp -s "$out/native.txt" "$out/wasm.txt"; then
    echo "web_core: the WebAssembly core differs from the native one:" >&2
    diff "$out/native.txt" "$out/wasm.txt" | head -20 >&2
    exit 1
fi
echo "web_core: $(head -1 "$out/native.txt"); WebAssembly and native the same, digit for digit"
