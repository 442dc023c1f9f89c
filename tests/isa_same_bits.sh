#!/usr/bin/env bash
# The hot kernels' builds for each vector width give the same bits (sim/base/isa.h): a
# cohort with arms, quasi-static with its series and inertial with summaries, run by this
# build (one build of the kernels, the baseline's: the sanitizer build) and by one whose
# kernels are multiversioned (the release build, which runs the widest this machine has);
# every dataset of the two files must be the same (their values: attributes hold wall
# times and commits).
# Usage: isa_same_bits.sh DISCSIM OTHER_DISCSIM SOURCE_DIR
set -euo pipefail
one=$1 other=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "this build: $("$one" --version | tail -n 1); the other: $("$other" --version | tail -n 1)"
cat > "$tmp/cohort.yaml" <<YAML
name: isa_cohort
model: $src/models/lumbar_adult.yaml
levels: [L3L4, L4L5, L5S1]
herniation: {level: L4L5, size: 4mm, degeneration: 3}
initial: {posture: lying}
timeline:
  ramp: 1s
  phases:
    - {posture: standing, duration: 1h}
    - {posture: holding_close, duration: 1min, hand_load: 10kg}
    - {posture: sitting, duration: 1h}
record: {interval: 5min}
cohort:
  n: 13
  seed: 7
  design: lhs
  vary:
    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}
    levels.L4L5.permeability: {distribution: lognormal, median: 0.16 mm^3/(MPa*s), sd_log: 0.3}
    muscles.erector_spinae.tone: {distribution: lognormal, median: 0.02, sd_log: 0.3}
arms:
  control:
  massage:
    interventions:
      - {type: massage, at: 30min, duration: 30min, groups: [erector_spinae], tone_reduction: 0.5}
YAML
for bin in one other; do
  "${!bin}" run "$tmp/cohort.yaml" -o "$tmp/qs_$bin.h5" --block 4 -q
  "${!bin}" run "$tmp/cohort.yaml" -o "$tmp/in_$bin.h5" --block 4 --set variant=inertial --set solver.method=esdirk3 \
    --record summary -q
done
for v in qs in; do
  if ! cmp -s <(h5dump -A 0 -m %.17g "$tmp/${v}_one.h5" | tail -n +2) <(h5dump -A 0 -m %.17g "$tmp/${v}_other.h5" | tail -n +2); then
    echo "isa_same_bits: the $v files differ between the two builds of the kernels" >&2
    exit 1
  fi
done
echo "isa_same_bits: a quasi-static cohort's series and an inertial cohort's summaries are the same bits"
