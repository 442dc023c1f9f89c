#!/usr/bin/env bash
# Two MPI ranks give the file one process gives (DESIGN §7: mpirun -np N discsim run ...):
# a cohort with arms, with summaries only and with its series, run alone and as two ranks on
# localhost; every dataset under /arms and /cohort (summaries only) and every dataset of
# the file (series) must be the same (their values: attributes hold wall times). A run as
# two ranks, summaries only and with series, its ranks killed with SIGTERM once rank 1's
# checkpoint holds a few blocks, goes on with --resume as two ranks to the one-process file.
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
    body_mass: {distribution: uniform, min: 55kg, max: 100kg}
    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}
    levels.L4L5.permeability: {distribution: lognormal, median: 0.16 mm^3/(MPa*s), sd_log: 0.3}
arms:
  control:
  massage:
    interventions:
      - {type: massage, at: 1h, duration: 30min, groups: [erector_spinae], tone_reduction: 0.5}
YAML
# same_groups A B WHAT: /arms and /cohort of files A and B are the same, or the test fails
same_groups() {
  for g in /arms /cohort; do
    if ! cmp -s <(h5dump -A 0 -m %.17g -g "$g" "$1" | tail -n +2) <(h5dump -A 0 -m %.17g -g "$g" "$2" | tail -n +2); then
      echo "mpi_ranks: $g differs: $3" >&2
      exit 1
    fi
  done
}
mpi=(mpirun --oversubscribe -np 2)
[ "$(id -u)" -eq 0 ] && mpi=(mpirun --allow-run-as-root --oversubscribe -np 2)
"$bin" run "$tmp/cohort.yaml" -o "$tmp/one.h5" --record summary --block 4 -q
"${mpi[@]}" "$bin" run "$tmp/cohort.yaml" -o "$tmp/two.h5" --record summary --block 4 -q
same_groups "$tmp/one.h5" "$tmp/two.h5" "between one process and two ranks"

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
"${mpi[@]}" "$bin" run "$src/scenarios/tone_sweep.yaml" -o "$tmp/sweep.h5" -q 2> "$tmp/err.txt"
rc=$?
set -e
if [ "$rc" -ne 2 ] || ! grep -q "a sweep is not" "$tmp/err.txt" || [ -e "$tmp/sweep.h5" ]; then
  echo "mpi_ranks: a sweep under mpirun was not refused (exit $rc)" >&2
  exit 1
fi
echo "mpi_ranks: a sweep under mpirun is refused"

# resume over ranks: a longer cohort (inertial, 16 h, two arms), each rank keeping the blocks
# it ran in OUT.h5.resume-RANK-of-2; the ranks (not mpirun, which lets them finish) are killed
# as a batch system would, once rank 1's checkpoint holds BYTES, and the run goes on with
# --resume over two ranks. Usage: kill_and_resume NAME BYTES [run options...]; the output is
# $tmp/NAME_two.h5, and $restored rank 0's blocks that came from its checkpoint.
kill_and_resume() {
  local name=$1 bytes=$2 out="$tmp/$1_two.h5" size=0
  shift 2
  set +e
  "${mpi[@]}" "$bin" run "$tmp/long.yaml" -o "$out" --block 4 -q "$@" 2> /dev/null &
  local job=$!
  for _ in $(seq 1 5000); do
    size=$(stat -c %s "$out.resume-1-of-2" 2> /dev/null || echo 0)
    [ "$size" -gt "$bytes" ] && break
    sleep 0.002
  done
  pkill -TERM -f "^$bin run $tmp/long.yaml -o $out"
  wait "$job"
  set -e
  if [ -e "$out" ] || [ ! -s "$out.resume-0-of-2" ] || [ ! -s "$out.resume-1-of-2" ]; then
    echo "mpi_ranks: $name: the killed run finished, or left no checkpoint of each rank (rank 1's held $size bytes)" >&2
    exit 1
  fi
  "${mpi[@]}" "$bin" run "$tmp/long.yaml" -o "$out" --block 4 --resume "$@" > "$tmp/out.txt"
  restored=$(sed -n 's/^resumed: \([0-9]*\) blocks.*/\1/p' "$tmp/out.txt")
  if [ -z "$restored" ] || [ "$restored" -lt 1 ] || [ -e "$out.resume-0-of-2" ] || [ -e "$out.resume-1-of-2" ]; then
    echo "mpi_ranks: $name: the resumed run took no block from rank 0's checkpoint, or left the checkpoints" >&2
    exit 1
  fi
}
sed -e 's/n: 37/n: 1000/' -e 's/duration: 2h}/duration: 8h}/' -e 's/^initial:/variant: inertial\ninitial:/' \
  "$tmp/cohort.yaml" > "$tmp/long.yaml"
"$bin" run "$tmp/long.yaml" -o "$tmp/summary_one.h5" --record summary --block 4 -q
kill_and_resume summary 60000 --record summary
same_groups "$tmp/summary_one.h5" "$tmp/summary_two.h5" "the run resumed over two ranks against one process's"
echo "mpi_ranks: killed over two ranks and resumed ($restored of rank 0's 250 blocks from its checkpoint), /arms and /cohort are one process's"

# the same with series (300 subjects recorded every 30 minutes): each rank keeps its blocks'
# series too, and sends its columns of each record to rank 0 once every block is done
sed -i -e 's/n: 1000/n: 300/' -e 's/interval: 10min/interval: 30min/' "$tmp/long.yaml"
"$bin" run "$tmp/long.yaml" -o "$tmp/series_one.h5" --block 4 -q
kill_and_resume series 400000
if ! cmp -s <(h5dump -A 0 -m %.17g "$tmp/series_one.h5" | tail -n +2) <(h5dump -A 0 -m %.17g "$tmp/series_two.h5" | tail -n +2); then
  echo "mpi_ranks: the series run resumed over two ranks differs from one process's" >&2
  exit 1
fi
echo "mpi_ranks: a series run killed over two ranks and resumed ($restored of rank 0's 76 blocks from its checkpoint) is one process's file, dataset for dataset"
