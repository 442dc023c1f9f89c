#!/usr/bin/env bash
# Prints the README's time-course table: root contact pressure (mmHg) of each arm at 1 min,
# 10 min, 30 min, 1 h, 2 h and 4 h after the massage session ends, from an output of
# scenarios/massage_herniation.yaml (records every minute; the session ends at 51.5 h).
# Usage: scripts/time_course.sh OUT.h5
set -euo pipefail
file=$1
end=$((51 * 60 + 30)) # the session's end, in records (one a minute)
value() { # arm, record index
  h5dump -d "/arms/$1/root/contact_pressure_mmHg" -s "0,$2" -c "1,1" "$file" |
    sed -n 's/^ *(0,[0-9]*): *\([-0-9.e+]*\).*/\1/p'
}
echo "| time after the session | control | massage (measured) | claim |"
echo "|---|---|---|---|"
for m in 1 10 30 60 120 240; do
  label=$([ "$m" -lt 60 ] && echo "$m min" || echo "$((m / 60)) h")
  printf '| %s |' "$label"
  for arm in control massage claim; do
    printf ' %.1f |' "$(value $arm $((end + m)))"
  done
  echo
done
