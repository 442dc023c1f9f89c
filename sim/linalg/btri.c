/* Block-tridiagonal LU per lane (the lumbar chain couples neighbouring levels only).
 *
 * For M with blocks L_i (band 0), D_i (band 1), U_i (band 2):
 *   D'_0 = D_0;  G_i = D'_i^-1 U_i;  D'_i = D_i - L_i G_(i-1)
 *   forward  y_i = D'_i^-1 (r_i - L_i y_(i-1));  backward  x_i = y_i - G_i x_(i+1).
 * No pivoting across blocks: Newton matrices I - h gamma J of the chain are block
 * diagonally dominant (spring chains); within a block, partial pivoting per lane. */
#include "linalg.h"
#include "lu_impl.h"
#include "base/isa.h"

static inline __attribute__((always_inline)) void btri_factor(int nblk, int b, int S, int nl, double *restrict A, int *restrict piv,
                    unsigned char *restrict singular)
{
    for (int l = 0; l < nl; l++)
        singular[l] = 0;
    for (int i = 0; i < nblk; i++) {
        double *D = A + ds_btri_at(nblk, b, S, 1, i, 0, 0);
        if (i > 0) { /* D_i -= L_i G_(i-1) */
            const double *Lb = A + ds_btri_at(nblk, b, S, 0, i, 0, 0);
            const double *G = A + ds_btri_at(nblk, b, S, 2, i - 1, 0, 0);
            for (int r = 0; r < b; r++)
                for (int c = 0; c < b; c++)
                    for (int k = 0; k < b; k++) {
                        const double *lrk = Lb + (size_t)(r * b + k) * S, *gkc = G + (size_t)(k * b + c) * S;
                        double *drc = D + (size_t)(r * b + c) * S;
                        DS_LA_CHUNKS(c0, nl)
#pragma omp simd
                        DS_LA_LANE(l, c0)
                            drc[l] -= lrk[l] * gkc[l];
                    }
        }
        int *pv = piv + (size_t)i * b * S;
        lu_factor_or(b, S, nl, D, pv, singular);
        if (i + 1 < nblk) { /* G_i = D_i^-1 U_i, its columns solved together, in place of U_i */
            double *U = A + ds_btri_at(nblk, b, S, 2, i, 0, 0);
            lu_solve_cols(b, S, nl, D, pv, U, (size_t)b * S, b, (size_t)S);
        }
    }
}

/* x holds block i's b states at rows i * xb .. i * xb + b - 1 (xb = b: one after another;
 * more: the leading states of larger blocks, solved in place). */
static inline __attribute__((always_inline)) void btri_solve(int nblk, int b, int S, int nl, const double *restrict LU, const int *restrict piv,
                   double *restrict x, int xb)
{
    for (int i = 0; i < nblk; i++) {
        double *xi = x + (size_t)i * xb * S;
        if (i > 0) {
            const double *Lb = LU + ds_btri_at(nblk, b, S, 0, i, 0, 0);
            const double *xp = x + (size_t)(i - 1) * xb * S;
            for (int r = 0; r < b; r++)
                for (int k = 0; k < b; k++) {
                    const double *lrk = Lb + (size_t)(r * b + k) * S;
                    DS_LA_CHUNKS(c0, nl)
#pragma omp simd
                    DS_LA_LANE(l, c0)
                        xi[(size_t)r * S + l] -= lrk[l] * xp[(size_t)k * S + l];
                }
        }
        lu_solve_cols(b, S, nl, LU + ds_btri_at(nblk, b, S, 1, i, 0, 0), piv + (size_t)i * b * S, xi, (size_t)S, 1, 0);
    }
    for (int i = nblk - 2; i >= 0; i--) {
        double *xi = x + (size_t)i * xb * S;
        const double *xn = x + (size_t)(i + 1) * xb * S;
        const double *G = LU + ds_btri_at(nblk, b, S, 2, i, 0, 0);
        for (int r = 0; r < b; r++)
            for (int k = 0; k < b; k++) {
                const double *grk = G + (size_t)(r * b + k) * S;
                DS_LA_CHUNKS(c0, nl)
#pragma omp simd
                DS_LA_LANE(l, c0)
                    xi[(size_t)r * S + l] -= grk[l] * xn[(size_t)k * S + l];
            }
    }
}

/* The same for matrices whose blocks end in b - k states that each touch only themselves
 * (the muscles' activations of a level: da/dt depends on a alone), as rows with a lone
 * diagonal entry, and as columns only in the leading k rows of their own block (band 1) and
 * of the next block (band 0). Those states are solved by division and substituted into the
 * leading rows, and the k x k leading blocks form a block-tridiagonal system of their own:
 * for b = 10 and k = 4 the factorisation does a fifteenth of the work. */
void ds_btri_lead_gather(int nblk, int b, int k, int S, int nl, const double *restrict A, double *restrict A4)
{
    for (int band = 0; band < 3; band++)
        for (int i = 0; i < nblk; i++)
            for (int r = 0; r < k; r++)
                for (int c = 0; c < k; c++) {
                    const double *src = A + ds_btri_at(nblk, b, S, band, i, r, c);
                    double *dst = A4 + ds_btri_at(nblk, k, S, band, i, r, c);
                    DS_LA_CHUNKS(c0, nl)
                    DS_LA_LANE(l, c0)
                        dst[l] = src[l];
                }
}

DS_HOT void ds_btri_lead_factor(int nblk, int b, int k, int S, int nl, const double *restrict A, double *restrict A4,
                                int *restrict piv4, unsigned char *restrict singular)
{
    ds_btri_factor(nblk, k, S, nl, A4, piv4, singular);
    for (int i = 0; i < nblk; i++)
        for (int g = k; g < b; g++) {
            const double *d = A + ds_btri_at(nblk, b, S, 1, i, g, g);
            for (int l = 0; l < nl; l++)
                singular[l] |= d[l] == 0.0;
        }
}

static inline __attribute__((always_inline)) void btri_lead_solve(int nblk, int b, int k, int S, int nl, const double *restrict A, const double *restrict A4,
                        const int *restrict piv4, double *restrict x)
{
    for (int i = 0; i < nblk; i++) {
        for (int g = k; g < b; g++) { /* the lone states */
            const double *d = A + ds_btri_at(nblk, b, S, 1, i, g, g);
            double *xg = x + ((size_t)i * b + g) * S;
            DS_LA_CHUNKS(c0, nl)
#pragma omp simd
            DS_LA_LANE(l, c0)
                xg[l] = d[l] != 0.0 ? xg[l] / d[l] : 0.0; /* a padded lane's may be 0 */
        }
        for (int r = 0; r < k; r++) { /* their part in the leading rows, moved to the right */
            double *xr = x + ((size_t)i * b + r) * S;
            for (int g = k; g < b; g++) {
                const double *m = A + ds_btri_at(nblk, b, S, 1, i, r, g), *xg = x + ((size_t)i * b + g) * S;
                DS_LA_CHUNKS(c0, nl)
#pragma omp simd
                DS_LA_LANE(l, c0)
                    xr[l] -= m[l] * xg[l];
            }
        }
    }
    for (int i = 1; i < nblk; i++) /* and the previous block's, through band 0 */
        for (int r = 0; r < k; r++) {
            double *xr = x + ((size_t)i * b + r) * S;
            for (int g = k; g < b; g++) {
                const double *m = A + ds_btri_at(nblk, b, S, 0, i, r, g), *xg = x + ((size_t)(i - 1) * b + g) * S;
                DS_LA_CHUNKS(c0, nl)
#pragma omp simd
                DS_LA_LANE(l, c0)
                    xr[l] -= m[l] * xg[l];
            }
        }
    btri_solve(nblk, k, S, nl, A4, piv4, x, b); /* the leading states, in place */
}

/* The entry points: the bodies above (and the dense LU's, lu_impl.h) inlined for each block
 * size the chain has (2 quasi-static; 4, the inertial leading states; 10, the inertial blocks
 * with the model's six muscle groups, and 9 with five) in a block of one vector of lanes (a
 * stride of DS_LA_LANES, every lane computed, padding included, as the chunks do), where the
 * compiler unrolls the loops and folds the offsets, and for any sizes: the same operations in
 * the same order. */
DS_HOT void ds_btri_factor(int nblk, int b, int S, int nl, double *restrict A, int *restrict piv,
                           unsigned char *restrict singular)
{
    if (S == DS_LA_LANES && b == 4)
        btri_factor(nblk, 4, DS_LA_LANES, DS_LA_LANES, A, piv, singular);
    else if (S == DS_LA_LANES && b == 2)
        btri_factor(nblk, 2, DS_LA_LANES, DS_LA_LANES, A, piv, singular);
    else
        btri_factor(nblk, b, S, nl, A, piv, singular);
}

DS_HOT void ds_btri_solve(int nblk, int b, int S, int nl, const double *restrict LU, const int *restrict piv,
                          double *restrict x)
{
    if (S == DS_LA_LANES && b == 4)
        btri_solve(nblk, 4, DS_LA_LANES, DS_LA_LANES, LU, piv, x, 4);
    else if (S == DS_LA_LANES && b == 2)
        btri_solve(nblk, 2, DS_LA_LANES, DS_LA_LANES, LU, piv, x, 2);
    else
        btri_solve(nblk, b, S, nl, LU, piv, x, b);
}

DS_HOT void ds_btri_lead_solve(int nblk, int b, int k, int S, int nl, const double *restrict A, const double *restrict A4,
                               const int *restrict piv4, double *restrict x)
{
    if (S == DS_LA_LANES && b == 10 && k == 4)
        btri_lead_solve(nblk, 10, 4, DS_LA_LANES, DS_LA_LANES, A, A4, piv4, x);
    else if (S == DS_LA_LANES && b == 9 && k == 4)
        btri_lead_solve(nblk, 9, 4, DS_LA_LANES, DS_LA_LANES, A, A4, piv4, x);
    else
        btri_lead_solve(nblk, b, k, S, nl, A, A4, piv4, x);
}
