/* What the benchmarks' CVODE peers share. */
#ifndef DS_BENCH_CVODE_PEER_H
#define DS_BENCH_CVODE_PEER_H

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

/* Releases a CVODE run's objects (any may be NULL). */
static inline void cvode_peer_free(void **mem, SUNLinearSolver LS, SUNMatrix A, N_Vector v, N_Vector tol,
                                   SUNContext *ctx)
{
    CVodeFree(mem);
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
