#!/usr/bin/env bash
# The hot loops vectorize (DESIGN §4): both right-hand sides (quasi-static and inertial),
# compiled, hold packed double arithmetic (mulpd, addpd, subpd, divpd on two or more lanes at
# once). A change that puts a branch, a library call or a conditional load back into their
# lane loops makes the compiler keep them scalar, and this fails.
# Usage: vectorized.sh LIBDS_PHYSICS.a
set -euo pipefail
for f in rhs_qs rhs_in; do
  n=$(objdump -d "$1" --disassemble=$f | grep -cE '\s(v?mulpd|v?addpd|v?subpd|v?divpd)\s' || true)
  echo "$f: $n packed double instructions"
  [ "$n" -ge 20 ]
done
