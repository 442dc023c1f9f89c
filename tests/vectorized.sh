#!/usr/bin/env bash
# The hot loops vectorize (DESIGN §4): both right-hand sides (quasi-static and inertial), the
# step controller and the dense output (its Hermite weights and rows; each lane's choice of
# step is a short scalar search), compiled, hold packed double arithmetic (mulpd,
# addpd, subpd, divpd on two or more lanes at once). A change that puts a branch, a library
# call, a conditional load or a select on a combined condition back into their lane loops
# makes the compiler keep them scalar, and this fails (the controller and the dense output
# were scalar until it checked them).
# Usage: vectorized.sh LIBDS_PHYSICS.a LIBDS_SOLVERS.a LIBDS_BASE.a
set -euo pipefail
# With the kernels built for several vector widths (sim/base/isa.h), the baseline's build is
# checked: the one every x86-64 machine can run (the wider ones vectorize where it does).
check() { # LIBRARY FUNCTION MIN [INSTRUCTIONS]
  local sym=$2 n ops=${4:-v?mulpd|v?addpd|v?subpd|v?divpd}
  if nm "$1" | grep " $2.default\$" >/dev/null; then sym=$2.default; fi
  n=$(objdump -d "$1" --disassemble="$sym" | grep -cE "\\s($ops)\\s" || true)
  echo "$sym: $n of $ops"
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
# The square root without errno (-fno-math-errno): with it, each was a call, and the drained
# equilibrium's g and the error norms stayed scalar
check "$1" eq_g_lanes 1 'v?sqrtpd'
check "$2" ds_ws_wrms 1 'v?sqrtpd'
# Where the kernels are built for several widths: Brent's steps for a block's lanes (selects,
# which the baseline has no blends for), and the dense output's mask of the lanes that choose
# (a shift by the lane's index kept it scalar)
if nm "$3" | grep " ds_brent_step_lanes.arch_x86_64_v4\$" >/dev/null; then
  check "$3" ds_brent_step_lanes.arch_x86_64_v4 20
  check "$2" choose_anew.arch_x86_64_v4 1 'vporq'
fi
