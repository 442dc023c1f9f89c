/* Dense LU with partial pivoting, one small matrix per lane, lanes innermost.
 *
 * Newton matrices here have a handful of rows; LAPACK calls on such matrices cost more
 * than the arithmetic, and a lane-inner loop lets the compiler vectorize across subjects.
 * Pivot choice is per lane (each subject's matrix is factored as if alone), so results do
 * not depend on which lanes share a block. */
#include <math.h>

#include "linalg.h"
#include "lu_impl.h"

void ds_lu_factor(int n, int stride, int nlanes, double *restrict A, int *restrict piv,
                  unsigned char *restrict singular)
{
    for (int l = 0; l < nlanes; l++)
        singular[l] = 0;
    lu_factor_or(n, stride, nlanes, A, piv, singular);
}

void ds_lu_solve(int n, int stride, int nlanes, const double *restrict LU, const int *restrict piv,
                 double *restrict b)
{
    lu_solve_cols(n, stride, nlanes, LU, piv, b, (size_t)stride, 1, 0);
}
