#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through CTest twice: the
# release build (build/) and a build with AddressSanitizer and UndefinedBehaviorSanitizer
# (build-asan/), where any memory error, leak or undefined behaviour fails the test; it builds
# the hot kernels once, for the baseline, and checks that the release build's, built for each
# vector width, give its bits (isa_same_bits). Before
# them, the fuzz targets run a short campaign with a fixed seed (clang, build-fuzz/); after
# them, the program built with MPI (build-mpi/) runs a cohort as two ranks (CTest label mpi).
# Extra arguments go to both suite runs (e.g. -R scenario).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo SANITIZE=1 CLONES=0 COMPARE="$PWD/build/discsim" scripts/build.sh
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
echo "== fuzz targets (libFuzzer, fixed seed)"
scripts/fuzz.sh
echo "== release build"
(cd build && ctest --output-on-failure -j"$(nproc)" "$@")
echo "== sanitizer build (address, undefined)"
(cd build-asan && ctest --output-on-failure -j"$(nproc)" "$@")
echo "== MPI build (two ranks)"
BUILD_DIR=build-mpi MPI=1 TARGET=discsim scripts/build.sh
(cd build-mpi && ctest --output-on-failure -L mpi)
