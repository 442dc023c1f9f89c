#!/usr/bin/env bash
# The core in WebAssembly gives the native core's bits: web/core_check.c built with emscripten
# (the core's sources, libc and libm only, the release build's floating-point flags) and run
# under Node prints the same text, every digit, as the native build.
# Usage: web_core.sh NATIVE_CORE_CHECK SOURCE_DIR OUT_DIR
set -euo pipefail
native=$1
src=$(cd "$2" && pwd)
out=$3
"$src/scripts/emcc_core.sh" "$out/core_check.js" "$src" "$out/generated" "$src/web/core_check.c"
"$native" >"$out/native.txt"
node "$out/core_check.js" >"$out/wasm.txt"
if ! cmp -s "$out/native.txt" "$out/wasm.txt"; then
    echo "web_core: the WebAssembly core differs from the native one:" >&2
    diff "$out/native.txt" "$out/wasm.txt" | head -20 >&2
    exit 1
fi
echo "web_core: $(head -1 "$out/native.txt"); WebAssembly and native the same, digit for digit"
