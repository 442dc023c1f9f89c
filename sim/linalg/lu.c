/* Dense LU with partial pivoting, one small matrix per lane, lanes innermost.
 *
 * Newton matrices here have a handful of rows; LAPACK calls on such matrices cost more
 * than the arithmetic, and a lane-inner loop lets the compiler vectorize across subjects.
 * Pivot choice is per lane (each subject's matrix is factored as if alone), so results do
 * not depend on which lanes share a block. */
#include <math.h>

#include "linalg.h"
#include "lu_impl.h"
#include "base/isa.h"

void ds_lu_factor(int n, int stride, int nlanes, double *restrict A, int *restrict piv,
                  unsigned char *restrict singular)
{
    for (int l = 0; l < nlanes; l++)
        singular[l] = 0;
    ds_lu_factor_or(n, stride, nlanes, A, piv, singular);
}

void ds_lu_solve(int n, int stride, int nlanes, const double *restrict LU, const int *restrict piv,
                 double *restrict b)
{
    ds_lu_solve_strided(n, stride, nlanes, LU, piv, b, (size_t)stride);
}

/* The entry points: the bodies inlined for the sizes the chain's blocks have (2 rows
 * quasi-static, 4 the inertial leading states), with a block of one vector of lanes (a
 * stride of DS_LA_LANES: every lane of it computed, padding included, as the chunks do) or
 * any, and for any size. */
DS_HOT void ds_lu_factor_or(int n, int stride, int nlanes, double *restrict A, int *restrict piv,
                            unsigned char *restrict singular)
{
    if (n == 4 && stride == DS_LA_LANES)
        lu_factor_or(4, DS_LA_LANES, DS_LA_LANES, A, piv, singular);
    else if (n == 4)
        lu_factor_or(4, stride, nlanes, A, piv, singular);
    else if (n == 2)
        lu_factor_or(2, stride, nlanes, A, piv, singular);
    else
        lu_factor_or(n, stride, nlanes, A, piv, singular);
}

DS_HOT void ds_lu_solve_strided(int n, int stride, int nlanes, const double *restrict LU, const int *restrict piv,
                                double *restrict b, size_t rs)
{
    if (n == 4 && stride == DS_LA_LANES)
        lu_solve_cols(4, DS_LA_LANES, DS_LA_LANES, LU, piv, b, rs, 1, 0);
    else if (n == 4)
        lu_solve_cols(4, stride, nlanes, LU, piv, b, rs, 1, 0);
    else if (n == 2)
        lu_solve_cols(2, stride, nlanes, LU, piv, b, rs, 1, 0);
    else
        lu_solve_cols(n, stride, nlanes, LU, piv, b, rs, 1, 0);
}

DS_HOT void ds_lu_solve_cols(int n, int stride, int nlanes, const double *restrict LU, const int *restrict piv,
                             double *restrict b, size_t rs, int ncol, size_t cs)
{
    if (n == 4 && ncol == 4)
        lu_solve_cols(4, stride, nlanes, LU, piv, b, rs, 4, cs);
    else if (n == 2 && ncol == 2)
        lu_solve_cols(2, stride, nlanes, LU, piv, b, rs, 2, cs);
    else
        lu_solve_cols(n, stride, nlanes, LU, piv, b, rs, ncol, cs);
}
