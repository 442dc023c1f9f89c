/* The block-tridiagonal layout in which a chain's Jacobian is written (by the physics) and
 * factored (by the solvers): band 0 couples block row i to block column i-1, band 1 is the
 * diagonal, band 2 couples i to i+1; each band holds nblk blocks of b x b entries, lanes
 * innermost. */
#ifndef DISCSIM_LAYOUT_H
#define DISCSIM_LAYOUT_H

#include <stddef.h>

/* Offset of entry (r, c) of block (band, i), lane 0. */
static inline size_t ds_btri_at(int nblk, int b, int stride, int band, int i, int r, int c)
{
    return ((((size_t)band * nblk + i) * b + r) * b + c) * stride;
}

#endif
