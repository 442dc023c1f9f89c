#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer and UndefinedBehaviorSanitizer on)
# in build-fuzz/. Without an argument it runs CI's short, fixed-seed campaign (ctest -L fuzz);
# with SECONDS it runs each fuzzer that long from its seeds and what it found before, keeping
# new inputs in build-fuzz/tests/fuzz/corpus_<name>/ and any crash as crash-* in build-fuzz/.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang >/dev/null || { echo "fuzz: clang is missing (scripts/setup.sh installs it)" >&2; exit 1; }
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDS_SANITIZE=ON -DDS_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)"
cd build-fuzz
secs="${1:-}"
if [ -z "$secs" ]; then
  exec ctest --output-on-failure -L fuzz
fi
# the test's command line with the time limit in place of the fixed number of runs
ctest -L fuzz -N -V | sed -n 's/^[0-9]*: Test command: //p' | while read -r cmd; do
  eval "set -- $cmd" # ctest quotes each word
  bin=$1; shift
  case $(basename "$bin") in
  make_h5_corpus.sh) # makes fuzz_h5's seeds: run as CTest runs it
    "$bin" "$@" ;;
  fuzz_run.sh) # FUZZER SECONDS WORKDIR SEEDDIR...: the wrapper takes the time itself
    fuzzer=$1; shift 2
    echo "== $(basename "$fuzzer") for $secs s"
    "$bin" "$fuzzer" "$secs" "$@" ;;
  *)
    args=()
    for a in "$@"; do
      case "$a" in -runs=*|-seed=*|-max_total_time=*) ;; *) args+=("$a") ;; esac
    done
    echo "== $(basename "$bin") for $secs s"
    "$bin" -max_total_time="$secs" "${args[@]}" ;;
  esac
done
