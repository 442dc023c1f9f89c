#!/usr/bin/env bash
# How far the massage answer moves when one uncertain number is 30 % lower or higher: runs
# scenarios/massage_herniation.yaml with each parameter at 0.7x and 1.3x its value, and prints
# the control arm's mean root contact pressure and the claim's effect on it (claim minus
# control, over the third day). One parameter at a time; the others stay as in the scenario.
# Usage: scripts/sensitivity.sh [DISCSIM]   (default build/discsim)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/discsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# prints "control effect effect%" for mean_contact_pressure from the arms table
run() {
  "$bin" run scenarios/massage_herniation.yaml -o "$tmp/s.h5" "$@" |
    awk '$1 == "mean_contact_pressure" { e = NF >= 9 ? $8 : $7; p = NF >= 9 ? $9 : "-"; gsub(/[()%]/, "", p); print $3, e, p }'
}

# label | how it is set at 0.7x | at 1.3x (several --set lines separated by ;)
params=(
  "herniation size (4 mm)|herniation.size=2.8mm|herniation.size=5.2mm"
  "gap to the root (4.5 mm)|herniation.gap=3.15mm|herniation.gap=5.85mm"
  "protrusion per MPa (pressure_gain)|parameters.herniation.pressure_gain={scale: 0.7}|parameters.herniation.pressure_gain={scale: 1.3}"
  "protrusion per degree of flexion|parameters.herniation.flexion_gain={scale: 0.7}|parameters.herniation.flexion_gain={scale: 1.3}"
  "protrusion per mm of height lost|parameters.herniation.height_gain={scale: 0.7}|parameters.herniation.height_gain={scale: 1.3}"
  "root modulus|parameters.herniation.root_modulus={scale: 0.7}|parameters.herniation.root_modulus={scale: 1.3}"
  "root diameter|parameters.herniation.root_diameter={scale: 0.7}|parameters.herniation.root_diameter={scale: 1.3}"
  "root tension (displaced root)|parameters.herniation.root_tension={scale: 0.7}|parameters.herniation.root_tension={scale: 1.3}"
  "guarded paraspinal tone (2.5 % MVC)|parameters.muscles.erector_spinae.tone=0.0175;parameters.muscles.multifidus.tone=0.0175|parameters.muscles.erector_spinae.tone=0.0325;parameters.muscles.multifidus.tone=0.0325"
  "L4L5 passive preload (calibrated)|parameters.body.levels.L4L5.preload={scale: 0.7}|parameters.body.levels.L4L5.preload={scale: 1.3}"
  "L4L5 permeability (calibrated)|parameters.levels.L4L5.permeability={scale: 0.7}|parameters.levels.L4L5.permeability={scale: 1.3}"
  "L4L5 fast creep stiffness (k_v)|parameters.levels.L4L5.creep_stiffness={scale: 0.7}|parameters.levels.L4L5.creep_stiffness={scale: 1.3}"
)
read -r c0 e0 p0 < <(run)
printf '%-38s %24s %24s\n' "parameter" "at 0.7x" "at 1.3x"
printf '%-38s %24s %24s\n' "" "control, claim effect" "control, claim effect"
printf '%-38s %24s\n' "as in the scenario" "$c0 mmHg, $e0 ($p0 %)"
# "a;b" -> --set a --set b
sets() {
  local IFS=';' item
  for item in $1; do printf -- '--set\n%s\n' "$item"; done
}
for p in "${params[@]}"; do
  IFS='|' read -r label lo hi <<<"$p"
  mapfile -t args < <(sets "$lo")
  read -r cl el pl < <(run "${args[@]}")
  mapfile -t args < <(sets "$hi")
  read -r ch eh ph < <(run "${args[@]}")
  printf '%-38s %24s %24s\n' "$label" "$cl, $el ($pl %)" "$ch, $eh ($ph %)"
done
echo "mean root contact pressure over the third day (mmHg): control arm, and claim minus control"
