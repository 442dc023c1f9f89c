#!/usr/bin/env bash
# Regenerates the figures shown in the README (plots/examples/) from the headline scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/discsim run scenarios/massage_herniation.yaml -o "$tmp/massage.h5" -q
build/discsim run scenarios/tone_sweep.yaml -o "$tmp/sweep.h5" -q
mkdir -p plots/examples
build/discsim plot "$tmp/massage.h5" -o plots/examples --size 900x600 --figure root --figure effect
build/discsim plot "$tmp/sweep.h5" -o plots/examples --size 900x600 --figure dose
build/discsim run scenarios/massage_cohort.yaml -o "$tmp/cohort.h5" -q --record summary
build/discsim plot "$tmp/cohort.h5" -o plots/examples --size 900x600 --figure cohort
build/discsim run scenarios/massage_cohort.yaml -o "$tmp/cohort_series.h5" -q --threads 2
build/discsim plot "$tmp/cohort_series.h5" -o plots/examples --size 900x600 --figure cohort_day
# the work-precision figure: timings, so it differs from run to run (one subject, best of 3)
build/bench_precision --reps 3 --cvode --csv "$tmp/work_precision.csv" >/dev/null
build/discsim plot "$tmp/work_precision.csv" -o plots/examples --size 900x600
# the teaching page at its default settings, as its browser test sees it
scripts/web.sh >/dev/null
tests/web_page.sh build/web/site build/discsim "$tmp/page" >/dev/null
cp "$tmp/page/page.png" plots/examples/page.png
