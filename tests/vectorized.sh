#!/usr/bin/env bash
# The hot loops vectorize (DESIGN §4): the quasi-static right-hand side, compiled, holds
# packed double arithmetic (mulpd, addpd, subpd, divpd on two or more lanes at once). A
# change that puts a branch, a library call or a conditional load back into its lane loop
# makes the compiler keep it scalar, and this fails.
# Usage: vectorized.sh LIBDS_PHYSICS.a
set -euo pipefail
n=$(objdump -d "$1" --disassemble=rhs_qs | grep -cE '\s(v?mulpd|v?addpd|v?subpd|v?divpd)\s' || true)
echo "rhs_qs: $n packed double instructions"
[ "$n" -ge 20 ]
