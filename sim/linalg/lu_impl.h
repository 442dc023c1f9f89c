/* The dense LU's bodies (private to sim/linalg): inlined into lu.c's entry points and into
 * btri.c's block factor and solve, there for the sizes its entry points know (rows, stride,
 * lanes), so that the compiler unrolls the loops and folds the offsets; the same operations in
 * the same order whatever it knows. */
#ifndef DS_LINALG_LU_IMPL_H
#define DS_LINALG_LU_IMPL_H

#include <math.h>
#include <stddef.h>

#include "linalg.h"

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

/* Factors A in place (see linalg.h, ds_lu_factor), OR-ing into singular[lane]. */
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

/* Row r of each of the ncol right-hand sides less m times its row c. */
static inline void sub_row(double *restrict b, size_t rs, int r, int c, const double *restrict m, int ncol, size_t cs,
                           int nlanes)
{
    for (int j = 0; j < ncol; j++) {
        double *restrict bj = b + j * cs;
        DS_LA_CHUNKS(c0, nlanes)
#pragma omp simd
        DS_LA_LANE(l, c0)
            bj[(size_t)r * rs + l] -= m[l] * bj[(size_t)c * rs + l];
    }
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
    for (int r = 1; r < n; r++) /* forward: L y = b */
        for (int c = 0; c < r; c++)
            sub_row(b, rs, r, c, LU + (size_t)(r * n + c) * stride, ncol, cs, nlanes);
    for (int r = n - 1; r >= 0; r--) { /* backward: U x = y */
        for (int c = r + 1; c < n; c++)
            sub_row(b, rs, r, c, LU + (size_t)(r * n + c) * stride, ncol, cs, nlanes);
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

#endif
