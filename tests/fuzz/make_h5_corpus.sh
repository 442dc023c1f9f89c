#!/usr/bin/env bash
# Seed corpus for fuzz_h5: small real outputs of discsim, generated rather than committed.
# A single run (with muscles), a herniation with three arms, a sweep and a cohort (with
# series, and as summaries only), kept small (one
# level where it can be, a record every 4 h), and each also repacked with contiguous storage
# (h5repack, if installed) so that both layouts are in the corpus.
# Usage: tests/fuzz/make_h5_corpus.sh DISCSIM OUTDIR
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 DISCSIM OUTDIR" >&2
  exit 2
fi
bin=$1
out=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
small=(--quiet --set timeline.repeat=1 --set record.interval=4h --set summary.from=0s)
"$bin" run "$src/scenarios/diurnal_l4l5.yaml" -o "$out/single.h5" "${small[@]}"
"$bin" run "$src/scenarios/massage_herniation.yaml" -o "$out/arms.h5" "${small[@]}" \
  --set 'levels=[L4L5]' --set record.muscles=false \
  --set arms.massage.interventions.0.at=3h --set arms.claim.interventions.0.at=3h
"$bin" run "$src/scenarios/tone_sweep.yaml" -o "$out/sweep.h5" "${small[@]}"
cohort=(--set 'levels=[L4L5]' --set cohort.n=6 --set arms.massage.interventions.0.at=3h
        --set arms.claim.interventions.0.at=3h)
"$bin" run "$src/scenarios/massage_cohort.yaml" -o "$out/cohort.h5" "${small[@]}" "${cohort[@]}"
"$bin" run "$src/scenarios/massage_cohort.yaml" -o "$out/cohort-summary.h5" "${small[@]}" "${cohort[@]}" \
  --record summary
if command -v h5repack >/dev/null; then
  for f in single arms sweep cohort; do
    h5repack -l CONTI "$out/$f.h5" "$out/$f-contiguous.h5"
  done
fi
ls -l "$out"
