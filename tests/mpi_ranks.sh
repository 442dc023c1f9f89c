#!/usr/bin/env bash
# Two MPI ranks give the file one process gives (DESIGN §7: mpirun -np N discsim run ...):
# a cohort with arms, with summaries only and with its series, run alone and as two ranks on
# localhost; every dataset under /arms and /cohort (summaries only) and every dataset of
# the file (series) must be the same (their values: attributes hold wall times). --resume is
# refused under mpirun.
# Usage: mpi_ranks.sh DISCSIM SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/cohort.yaml" <<YAML
name: mpi_cohort
model: $src/models/lumbar_adult.yaml
levels: [L3L4, L4L5]
herniation: {level: L4L5, size: 4mm, degeneration: 3}
initial: {posture: lying}
timeline:
  phases:
    - {posture: standing, duration: 2h}
    - {posture: sitting, duration: 2h}
record: {interval: 10min}
cohort:
  n: 37
  seed: 5
  design: lhs
  vary:
    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}
    levels.L4L5.permeability: {distribution: lognormal, median: 0.16 mm^3/(MPa*s), sd_log: 0.3}
arms:
  control:
  massage:
    interventions:
      - {type: massage, at: 1h, duration: 30min, groups: [erector_spinae], tone_reduction: 0.5}
YAML
mpi=(mpirun --oversubscribe -np 2)
[ "$(id -u)" -eq 0 ] && mpi=(mpirun --allow-run-as-root --oversubscribe -np 2)
"$bin" run "$tmp/cohort.yaml" -o "$tmp/one.h5" --record summary --block 4 -q
"${mpi[@]}" "$bin" run "$tmp/cohort.yaml" -o "$tmp/two.h5" --record summary --block 4 -q
for g in /arms /cohort; do
  if ! cmp -s <(h5dump -A 0 -m %.17g -g "$g" "$tmp/one.h5" | tail -n +2) <(h5dump -A 0 -m %.17g -g "$g" "$tmp/two.h5" | tail -n +2); then
    echo "mpi_ranks: $g differs between one process and two ranks" >&2
    exit 1
  fi
done

echo "mpi_ranks: /arms and /cohort of 37 subjects in blocks of 4 are the same from one process and two ranks"

# series: at each record, the columns of rank 1's blocks go to rank 0, which writes them
"$bin" run "$tmp/cohort.yaml" -o "$tmp/one_series.h5" --block 4 -q
"${mpi[@]}" "$bin" run "$tmp/cohort.yaml" -o "$tmp/two_series.h5" --block 4 -q
h5dump -A 0 -H -d /arms/massage/levels/L4L5/pressure "$tmp/two_series.h5" | grep -q "( 37, 25 )" || {
  echo "mpi_ranks: the series run's file has no series of 37 subjects and 25 records" >&2
  exit 1
}
if ! cmp -s <(h5dump -A 0 -m %.17g "$tmp/one_series.h5" | tail -n +2) <(h5dump -A 0 -m %.17g "$tmp/two_series.h5" | tail -n +2); then
  echo "mpi_ranks: the series run's file differs between one process and two ranks" >&2
  exit 1
fi
echo "mpi_ranks: the series run's file (37 subjects, 2 arms, every dataset) is the same from one process and two ranks"

set +e
"${mpi[@]}" "$bin" run "$tmp/cohort.yaml" -o "$tmp/resumed.h5" --record summary --resume -q 2> "$tmp/err.txt"
rc=$?
set -e
if [ "$rc" -ne 2 ] || ! grep -q "resume is refused" "$tmp/err.txt" || [ -e "$tmp/resumed.h5" ]; then
  echo "mpi_ranks: --resume under mpirun was not refused (exit $rc)" >&2
  exit 1
fi
echo "mpi_ranks: --resume under mpirun is refused"
