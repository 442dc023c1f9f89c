/* What the benchmarks' SUNDIALS peers share: the Jacobian in a dense matrix, and the
 * release of a run's vectors, matrix, solver and context. */
#ifndef DS_BENCH_SUNDIALS_PEER_H
#define DS_BENCH_SUNDIALS_PEER_H

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <sunlinsol/sunlinsol_band.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_band.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "discsim/solver.h"
#include "linalg/linalg.h"

/* Entry (r, c) of lane 0 of a Jacobian J in sys's layout: block-tridiagonal (block > 0) or
 * dense. */
static inline double peer_jac_entry(const ds_system *sys, const double *J, int S, int r, int c)
{
    const int b = sys->block, nx = sys->nx;
    if (b <= 0)
        return J[(size_t)(r * nx + c) * S];
    const int br = r / b, bc = c / b;
    return abs(br - bc) > 1 ? 0.0 : J[ds_btri_at(nx / b, b, S, 1 + bc - br, br, r % b, c % b)];
}

/* Releases what a SUNDIALS run made besides its integrator (any may be NULL). */
static inline void peer_release(SUNLinearSolver LS, SUNMatrix A, N_Vector v, N_Vector tol, SUNContext *ctx)
{
    if (LS)
        SUNLinSolFree(LS);
    if (A)
        SUNMatDestroy(A);
    if (v)
        N_VDestroy(v);
    if (tol)
        N_VDestroy(tol);
    SUNContext_Free(ctx);
}

#endif
