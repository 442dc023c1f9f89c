#!/usr/bin/env bash
# The hot loops vectorize (DESIGN §4): both right-hand sides (quasi-static and inertial),
# compiled, hold packed double arithmetic (mulpd, addpd, subpd, divpd on two or more lanes at
# once). A change that puts a branch, a library call or a conditional load back into their
# lane loops makes the compiler keep them scalar, and this fails.
# Usage: vectorized.sh LIBDS_PHYSICS.a
set -euo pipefail
# With the kernels built for several vector widths (sim/base/isa.h), the baseline's build is
# checked: the one every x86-64 machine can run (the wider ones vectorize where it does).
for f in ds_spine_rhs_qs ds_spine_rhs_in; do
  sym=$f
  nm "$1" | grep -q " $f.default\$" && sym=$f.default
  n=$(objdump -d "$1" --disassemble=$sym | grep -cE '\s(v?mulpd|v?addpd|v?subpd|v?divpd)\s' || true)
  echo "$sym: $n packed double instructions"
  [ "$n" -ge 20 ]
done
