#!/usr/bin/env bash
# Identical runs give byte-identical files when SOURCE_DATE_EPOCH is set (the reproducible-
# builds convention: the file's date is that, and run-to-run timings are left out): the same
# command, run twice from two directories, for arms, a sweep, a cohort's summaries on two
# threads and a cohort's series.
# Usage: reproducible.sh DISCSIM SOURCE_DIR
set -euo pipefail
discsim=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
cohort='cohort={n: 40, seed: 3, design: lhs, vary: {muscles.erector_spinae.tone: {distribution: uniform, min: 0.01, max: 0.04}}}'
run() { # name, then the run's arguments
    local name=$1
    shift
    for d in a b; do
        mkdir -p "$tmp/$d"
        (cd "$tmp/$d" && "$discsim" run "$@" -o "$name.h5" -q)
    done
    if ! cmp -s "$tmp/a/$name.h5" "$tmp/b/$name.h5"; then
        echo "reproducible: $name: two identical runs gave different files" >&2
        exit 1
    fi
    echo "reproducible: $name: byte for byte the same ($(stat -c %s "$tmp/a/$name.h5") bytes)"
}
run arms "$src/scenarios/massage_herniation.yaml" --threads 2
run sweep "$src/scenarios/tone_sweep.yaml" --threads 2
run cohort_summary "$src/scenarios/chain_day.yaml" --set timeline.repeat=1 --set "$cohort" --record summary --threads 2 --block 8
run cohort_series "$src/scenarios/chain_day.yaml" --set timeline.repeat=1 --set "$cohort" --threads 2
