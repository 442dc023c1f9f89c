#!/usr/bin/env bash
# The hot loops vectorize (DESIGN §4): both right-hand sides (quasi-static and inertial), the
# step controller and the dense output (its Hermite weights and rows; each lane's choice of
# step is a short scalar search), compiled, hold packed double arithmetic (mulpd,
# addpd, subpd, divpd on two or more lanes at once). A change that puts a branch, a library
# call, a conditional load or a select on a combined condition back into their lane loops
# makes the compiler keep them scalar, and this fails (the controller and the dense output
# were scalar until it checked them).
# Usage: vectorized.sh LIBDS_PHYSICS.a LIBDS_SOLVERS.a
set -euo pipefail
# With the kernels built for several vector widths (sim/base/isa.h), the baseline's build is
# checked: the one every x86-64 machine can run (the wider ones vectorize where it does).
check() { # LIBRARY FUNCTION MIN
  local sym=$2 n
  if nm "$1" | grep " $2.default\$" >/dev/null; then sym=$2.default; fi
  n=$(objdump -d "$1" --disassemble="$sym" | grep -cE '\s(v?mulpd|v?addpd|v?subpd|v?divpd)\s' || true)
  echo "$sym: $n packed double instructions"
  [ "$n" -ge "$3" ]
}
check "$1" ds_spine_rhs_qs 20
check "$1" ds_spine_rhs_in 20
check "$2" ds_control_judge_lanes 20
check "$2" ds_evolver_interp_rows 20
# The evolver's verdicts (judge_lanes) vectorize where stores can be masked, not in the
# baseline: their AVX-512 build is checked where the kernels are built for several widths (a
# comparison or a byte among its 64-bit flags kept it scalar, and nothing failed)
if nm "$2" | grep " judge_lanes.arch_x86_64_v4\$" >/dev/null; then
  check "$2" judge_lanes.arch_x86_64_v4 4
fi
