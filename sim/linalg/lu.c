/* Dense LU with partial pivoting, one small matrix per lane, lanes innermost.
 *
 * Newton matrices here have a handful of rows; LAPACK calls on such matrices cost more
 * than the arithmetic, and a lane-inner loop lets the compiler vectorize across subjects.
 * Pivot choice is per lane (each subject's matrix is factored as if alone), so results do
 * not depend on which lanes share a block. */
#include <math.h>

#include "linalg.h"
#include "base/isa.h"

void ds_lu_factor(int n, int stride, int nlanes, double *restrict A, int *restrict piv,
                  unsigned char *restrict singular)
{
    for (int l = 0; l < nlanes; l++)
        singular[l] = 0;
    ds_lu_factor_or(n, stride, nlanes, A, piv, singular);
}

/* Swaps x and y in the lanes whose pivot p is row r: a select, so that lanes go in vectors. */
static inline void swap_where(double *restrict x, double *restrict y, const int *restrict p, int r, int nlanes)
{
    DS_LA_CHUNKS(c0, nlanes)
#pragma omp simd
    DS_LA_LANE(l, c0) {
        const double u = x[l], v = y[l];
        x[l] = p[l] == r ? v : u;
        y[l] = p[l] == r ? u : v;
    }
}

/* The bodies, inlined into their entry points once for each small size the chain's blocks
 * have (2 quasi-static, 4 the inertial leading states), where the compiler unrolls the loops
 * over rows and columns, and once for any n: the same operations in the same order. */
static inline __attribute__((always_inline)) void lu_factor_or(int n, int stride, int nlanes, double *restrict A,
                                                               int *restrict piv, unsigned char *restrict singular)
{
    for (int k = 0; k < n; k++) {
        /* each lane's pivot, the first largest magnitude, and its row swapped in: as selects
         * over the candidate rows, so that the lanes go in vectors (a lane's choice and
         * values are those of a search and a swap of its own) */
        int *restrict pk = piv + (size_t)k * stride;
        DS_LA_CHUNKS(c0, nlanes)
#pragma omp simd
        DS_LA_LANE(l, c0) {
            int p = k;
            double best = fabs(A[(size_t)(k * n + k) * stride + l]);
            for (int r = k + 1; r < n; r++) {
                double v = fabs(A[(size_t)(r * n + k) * stride + l]);
                p = v > best ? r : p;
                best = v > best ? v : best;
            }
            pk[l] = p;
        }
        for (int l = 0; l < nlanes; l++)
            singular[l] |= A[(size_t)(pk[l] * n + k) * stride + l] == 0.0;
        for (int r = k + 1; r < n; r++)
            for (int c = 0; c < n; c++)
                swap_where(A + (size_t)(k * n + c) * stride, A + (size_t)(r * n + c) * stride, pk, r, nlanes);
        for (int r = k + 1; r < n; r++) {
            double *restrict ar = A + (size_t)(r * n) * stride;
            const double *restrict ak = A + (size_t)(k * n) * stride;
            DS_LA_CHUNKS(c0, nlanes)
#pragma omp simd
            DS_LA_LANE(l, c0) {
                double piv_kk = ak[(size_t)k * stride + l];
                double lrk = piv_kk != 0.0 ? ar[(size_t)k * stride + l] / piv_kk : 0.0;
                ar[(size_t)k * stride + l] = lrk;
                for (int c = k + 1; c < n; c++)
                    ar[(size_t)c * stride + l] -= lrk * ak[(size_t)c * stride + l];
            }
        }
    }
}

void ds_lu_solve(int n, int stride, int nlanes, const double *restrict LU, const int *restrict piv,
                 double *restrict b)
{
    ds_lu_solve_strided(n, stride, nlanes, LU, piv, b, (size_t)stride);
}

/* ncol right-hand sides, cs doubles apart, each solved with the operations of a solve of its
 * own in their order (the columns innermost, so that their divisions overlap). */
static inline __attribute__((always_inline)) void lu_solve_cols(int n, int stride, int nlanes,
                                                                const double *restrict LU, const int *restrict piv,
                                                                double *restrict b, size_t rs, int ncol, size_t cs)
{
    for (int k = 0; k < n; k++) { /* the factorization's row swaps, in its order, as selects */
        const int *restrict pk = piv + (size_t)k * stride;
        for (int r = k + 1; r < n; r++)
            for (int j = 0; j < ncol; j++)
                swap_where(b + (size_t)k * rs + j * cs, b + (size_t)r * rs + j * cs, pk, r, nlanes);
    }
    for (int r = 1; r < n; r++)
        for (int c = 0; c < r; c++) {
            const double *restrict lrc = LU + (size_t)(r * n + c) * stride;
            for (int j = 0; j < ncol; j++) {
                double *restrict bj = b + j * cs;
                DS_LA_CHUNKS(c0, nlanes)
#pragma omp simd
                DS_LA_LANE(l, c0)
                    bj[(size_t)r * rs + l] -= lrc[l] * bj[(size_t)c * rs + l];
            }
        }
    for (int r = n - 1; r >= 0; r--) {
        for (int c = r + 1; c < n; c++) {
            const double *restrict urc = LU + (size_t)(r * n + c) * stride;
            for (int j = 0; j < ncol; j++) {
                double *restrict bj = b + j * cs;
                DS_LA_CHUNKS(c0, nlanes)
#pragma omp simd
                DS_LA_LANE(l, c0)
                    bj[(size_t)r * rs + l] -= urc[l] * bj[(size_t)c * rs + l];
            }
        }
        const double *restrict urr = LU + (size_t)(r * n + r) * stride;
        for (int j = 0; j < ncol; j++) {
            double *restrict bj = b + j * cs;
            DS_LA_CHUNKS(c0, nlanes)
#pragma omp simd
            DS_LA_LANE(l, c0)
                bj[(size_t)r * rs + l] = urr[l] != 0.0 ? bj[(size_t)r * rs + l] / urr[l] : 0.0;
        }
    }
}

DS_HOT void ds_lu_factor_or(int n, int stride, int nlanes, double *restrict A, int *restrict piv,
                            unsigned char *restrict singular)
{
    if (n == 4)
        lu_factor_or(4, stride, nlanes, A, piv, singular);
    else if (n == 2)
        lu_factor_or(2, stride, nlanes, A, piv, singular);
    else
        lu_factor_or(n, stride, nlanes, A, piv, singular);
}

DS_HOT void ds_lu_solve_strided(int n, int stride, int nlanes, const double *restrict LU, const int *restrict piv,
                                double *restrict b, size_t rs)
{
    if (n == 4)
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
