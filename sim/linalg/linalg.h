/* Small dense and block-tridiagonal linear algebra, one system per lane, lanes innermost
 * (private to the library). Newton matrices here have a handful of rows; LAPACK calls on
 * such matrices cost more than the arithmetic, and lane-inner loops vectorize across
 * subjects. Pivoting is per lane, so a subject's factors never depend on its neighbours. */
#ifndef DS_LINALG_H
#define DS_LINALG_H

#include <stddef.h>

#include "discsim/layout.h"

/* Lanes in whole vectors: each lane loop runs over chunks of DS_LA_LANES lanes, up to the
 * lanes in use rounded up (every stride is a multiple of it, as DS_LANE_ALIGN is; ds_evolver_create
 * checks it), so that the inner loop has a fixed length the compiler turns into vector
 * operations with no remainder loop. The padded lanes compute on whatever they hold; nothing
 * computed for them (values, pivots, singular flags) is read. */
enum { DS_LA_LANES = 8 };
#define DS_LA_CHUNKS(c, n) for (int c = 0; c < (n); c += DS_LA_LANES)
#define DS_LA_LANE(l, c) for (int l = (c); l < (c) + DS_LA_LANES; l++)

/* Dense LU with partial pivoting: A[(r*n + c)*stride + lane], piv[r*stride + lane];
 * singular[lane] is set where a pivot is zero. (The block-tridiagonal factor and solve inline
 * the same bodies, lu_impl.h.) */
void ds_lu_factor(int n, int stride, int nlanes, double *restrict A, int *restrict piv,
                  unsigned char *restrict singular);
void ds_lu_solve(int n, int stride, int nlanes, const double *restrict LU, const int *restrict piv,
                 double *restrict b);

/* Block LU of a block-tridiagonal matrix in the layout of ds_btri_at (block Thomas
 * algorithm: each diagonal block factored with partial pivoting, band 2 replaced by
 * D_i^-1 U_i), and its solve. Cost grows linearly with the number of blocks. piv is
 * [nblk][b][stride]. */
void ds_btri_factor(int nblk, int b, int stride, int nlanes, double *restrict A, int *restrict piv,
                    unsigned char *restrict singular);
/* Block-tridiagonal matrices whose blocks end in b - k states with a lone diagonal entry in
 * their rows, whose columns touch only the leading k rows of their block and of the next
 * (see btri.c): A stays as built; its leading k x k blocks are in A4 (the layout of
 * ds_btri_at with k), copied there by ds_btri_lead_gather or formed there by the caller, and
 * factored there; the solve works on x in place. */
void ds_btri_lead_gather(int nblk, int b, int k, int S, int nl, const double *restrict A, double *restrict A4);
void ds_btri_lead_factor(int nblk, int b, int k, int S, int nl, const double *restrict A, double *restrict A4,
                         int *restrict piv4, unsigned char *restrict singular);
void ds_btri_lead_solve(int nblk, int b, int k, int S, int nl, const double *restrict A, const double *restrict A4,
                        const int *restrict piv4, double *restrict x);
void ds_btri_solve(int nblk, int b, int stride, int nlanes, const double *restrict LU, const int *restrict piv,
                   double *restrict x);

#endif
