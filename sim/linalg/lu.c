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

DS_HOT void ds_lu_factor_or(int n, int stride, int nlanes, double *restrict A, int *restrict piv,
                     unsigned char *restrict singular)
{
    for (int k = 0; k < n; k++) {
        for (int l = 0; l < nlanes; l++) {
            int p = k;
            double best = fabs(A[(size_t)(k * n + k) * stride + l]);
            for (int r = k + 1; r < n; r++) {
                double v = fabs(A[(size_t)(r * n + k) * stride + l]);
                if (v > best) {
                    best = v;
                    p = r;
                }
            }
            piv[(size_t)k * stride + l] = p;
            if (best == 0.0) {
                singular[l] = 1;
                continue;
            }
            if (p != k)
                for (int c = 0; c < n; c++) {
                    double tmp = A[(size_t)(k * n + c) * stride + l];
                    A[(size_t)(k * n + c) * stride + l] = A[(size_t)(p * n + c) * stride + l];
                    A[(size_t)(p * n + c) * stride + l] = tmp;
                }
        }
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

DS_HOT void ds_lu_solve_strided(int n, int stride, int nlanes, const double *restrict LU, const int *restrict piv,
                         double *restrict b, size_t rs)
{
    for (int k = 0; k < n; k++)
        for (int l = 0; l < nlanes; l++) {
            int p = piv[(size_t)k * stride + l];
            if (p != k) {
                double tmp = b[(size_t)k * rs + l];
                b[(size_t)k * rs + l] = b[(size_t)p * rs + l];
                b[(size_t)p * rs + l] = tmp;
            }
        }
    for (int r = 1; r < n; r++)
        for (int c = 0; c < r; c++) {
            const double *restrict lrc = LU + (size_t)(r * n + c) * stride;
            DS_LA_CHUNKS(c0, nlanes)
#pragma omp simd
            DS_LA_LANE(l, c0)
                b[(size_t)r * rs + l] -= lrc[l] * b[(size_t)c * rs + l];
        }
    for (int r = n - 1; r >= 0; r--) {
        for (int c = r + 1; c < n; c++) {
            const double *restrict urc = LU + (size_t)(r * n + c) * stride;
            DS_LA_CHUNKS(c0, nlanes)
#pragma omp simd
            DS_LA_LANE(l, c0)
                b[(size_t)r * rs + l] -= urc[l] * b[(size_t)c * rs + l];
        }
        const double *restrict urr = LU + (size_t)(r * n + r) * stride;
        DS_LA_CHUNKS(c0, nlanes)
#pragma omp simd
        DS_LA_LANE(l, c0)
            b[(size_t)r * rs + l] = urr[l] != 0.0 ? b[(size_t)r * rs + l] / urr[l] : 0.0;
    }
}
