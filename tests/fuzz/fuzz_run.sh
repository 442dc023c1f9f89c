#!/usr/bin/env bash
# Runs a libFuzzer target for a bounded time (CTest's `fuzz` label) and fails only on what
# discsim's own code does wrong.
#
# The target runs in fork mode, so that a hang, crash or out-of-memory is saved as an
# artifact and fuzzing goes on. Each artifact is then replayed and its report classified by
# the innermost stack frame in libhdf5 or in code built here: in libhdf5 it is a
# fault of that library on a damaged file (discsim cannot stop HDF5 from looping or crashing
# inside a call), which is listed; anywhere else it is discsim's, and the run fails.
#
# Usage: tests/fuzz/fuzz_run.sh FUZZER SECONDS WORKDIR SEEDDIR...
#   WORKDIR keeps the corpus the run grows (WORKDIR/corpus) and the artifacts it finds.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 FUZZER SECONDS WORKDIR SEEDDIR..." >&2
  exit 2
fi
fuzzer=$1
seconds=$2
work=$3
shift 3
mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
rm -f "$work"/artifacts/*
# where targets write their temporary files, removed at the end even after crashes
export TMPDIR="$work/tmp"
trap 'rm -rf "$work/tmp"' EXIT

"$fuzzer" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$seconds" \
  -timeout=10 -rss_limit_mb=2560 -artifact_prefix="$work/artifacts/" "$work/corpus" "$@" \
  >"$work/fuzz.log" 2>&1 || true
grep -E '^#[0-9]+: cov|^INFO: fuzzed|^INFO: exiting' "$work/fuzz.log" | tail -n 3 || true

# The innermost frame in libhdf5 or in discsim's own sources: a C file under the source tree,
# with its line. A frame with a file and line is not enough (libc's libc-start.c has one),
# nor one in a binary built under the tree (the sanitizers' interceptors, e.g. memcpy's, are
# linked into the fuzzer); and an out-of-memory found by libFuzzer's memory watch has no
# frame of the code that allocated, only libFuzzer's and libc's.
src=$(cd "$(dirname "$0")/../.." && pwd)
blame() {
  grep -E '^ +#[0-9]+ 0x' "$1" | grep -E "libhdf5|$src/[^ ]*\.c:[0-9]+" | head -n 1 || true
}

status=0
for a in "$work"/artifacts/*; do
  case $a in *.report) continue ;; esac
  # the slow unwinder walks through libhdf5 (built without frame pointers) to our caller
  ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    "$fuzzer" -timeout=5 -rss_limit_mb=2560 "$a" >"$a.report" 2>&1 || true
  frame=$(blame "$a.report")
  kind=$(grep -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z-]+|runtime error: .*' "$a.report" | head -n 1 || true)
  if [ -z "$kind" ]; then
    # e.g. a leak or crash that needed the state earlier inputs left in libhdf5
    echo "not reproduced alone: $(basename "$a")"
  elif [ -z "$frame" ] && ! grep -q 'runtime error:' "$a.report"; then
    # nothing in the report points at code: the process grew past the limit as a whole
    echo "unattributed $(basename "$a"): $kind (no frame in discsim or libhdf5)"
  elif grep -q 'runtime error:' "$a.report" || ! grep -q 'libhdf5' <<<"$frame"; then
    echo "DISCSIM $(basename "$a"): $kind"
    echo "    $frame"
    status=1
  else
    echo "libhdf5 $(basename "$a"): $kind"
    echo "    $frame"
  fi
done
exit $status
