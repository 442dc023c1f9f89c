#!/usr/bin/env bash
# The floating-point operations of one accepted step of one subject, for bench_cohort's
# "fraction of peak": counted, not estimated. A build whose double arithmetic runs on the x87
# unit and is not vectorised (build-flops/) makes every double operation one F64 operation
# of Valgrind's IR; Valgrind's lackey tool counts them while `discsim run` simulates
# bench_cohort's cohort (its draws: bench/cohort_draws.h). Two cohort sizes, 8 and 16
# subjects, and the difference of their counts over the difference of their accepted steps
# leave out what a run does once (loading, drawing, writing). What is counted is the whole
# simulation per step: the step kernel with its right-hand sides, Jacobians, factorisations
# and solves, and the posture loads, records and summaries around it.
#
# Usage: bench/kernel_flops.sh [METHOD[,INERTIAL_METHOD]] (default trbdf2 for both; from the
# repository root or not; e.g. dopri5,esdirk3, as bench_cohort --method takes it).
# Prints one line per variant, "VARIANT FLOPS_PER_SUBJECT_STEP", and the bench_cohort
# option that takes them. Needs valgrind (Debian package valgrind); takes about three minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
methods="${1:-trbdf2}"
method_qs="${methods%%,*}"
method_in="${methods#*,}"
command -v valgrind >/dev/null || { echo "kernel_flops: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
dir=build-flops
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DDS_VECTOR_CLONES=OFF \
  -DCMAKE_C_FLAGS="-mfpmath=387 -fno-tree-vectorize -fno-tree-slp-vectorize" >/dev/null
cmake --build "$dir" -j"$(nproc)" --target discsim >/dev/null
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The cohort of bench/cohort_draws.h, as its --set value, for n subjects.
cohort() {
  sed -n 's/^ *"\(.*\)"[,)]*$/\1/p' bench/cohort_draws.h | tr -d '\n' | sed "s/%d/$1/"
}

# count VARIANT N METHOD: prints "F64_OPERATIONS ACCEPTED_STEPS" of one run.
count() {
  local out="$tmp/$1_$2.h5" ops steps
  ops=$(valgrind --tool=lackey --detailed-counts=yes "$dir/discsim" run scenarios/chain_day.yaml -o "$out" \
          --set timeline.repeat=1 --set "$(cohort "$2")" --set "variant=$1" --set "solver.method=$3" \
          --record summary --threads 1 -q 2>&1 | awk '$2 == "F64" { gsub(",", "", $5); print $5 }')
  steps=$(h5dump -A 0 -d /meta/solver/steps -y -w 0 "$out" | sed -n '/DATA {/,/}/p' | tr -cs '0-9.e+-' '\n' |
          awk 'NF && $1 + 0 == $1 { s += $1 } END { printf "%.0f", s }')
  echo "$ops $steps"
}

flags=()
for variant in quasi_static inertial; do
  m=$method_qs
  [ "$variant" = inertial ] && m=$method_in
  read -r ops1 steps1 <<<"$(count "$variant" 8 "$m")"
  read -r ops2 steps2 <<<"$(count "$variant" 16 "$m")"
  per=$(awk -v a="$ops1" -v b="$ops2" -v s="$steps1" -v t="$steps2" 'BEGIN { printf "%.0f", (b - a) / (t - s) }')
  echo "$variant $per"
  flags+=("$per")
done
echo "bench_cohort --method $method_qs,$method_in --flops-per-step ${flags[0]},${flags[1]}"
