/* Newton's method for the stage equations of implicit methods, z = a + hg f(ts, z), per lane,
 * with the analytic Jacobian (dense or block-tridiagonal). Private to the solvers. */
#ifndef DS_SOLVERS_NEWTON_H
#define DS_SOLVERS_NEWTON_H

#include "workspace.h"

/* Evaluates J at (t, x), forms M = I - hg J and factors it, for lanes in act; lanes whose
 * matrix is singular get ok[lane] = 0. Then the weights of the Newton iterations' norm, from
 * x: once a step, for all its stages. */
void ds_newton_matrix(ds_step_ws *w, const double *hg, const ds_flag *act);

/* Solves M v = v in place with the factored Newton matrix. */
void ds_newton_msolve(const ds_step_ws *w, double *v);

/* Solves z = a + hg f(ts, z) for lanes in act, z holding the predictor on entry. On return
 * fz = f(ts, z), recovered as (z - a)/hg, and ok[lane] = 0 where Newton failed. */
void ds_newton_solve(ds_step_ws *w, const double *ts, const double *a, const double *hg, double *z, double *fz,
                     const ds_flag *act);

#endif
