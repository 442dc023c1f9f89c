/* Private layout of the evolver, shared by the evolver and the methods' step functions. */
#ifndef DS_EVOLVER_IMPL_H
#define DS_EVOLVER_IMPL_H

#include <stddef.h>

#include "discsim/solver.h"

enum { DS_MAX_STAGES = 7 };

struct ds_evolver {
    ds_system sys;
    ds_solver_opts opt;
    const ds_method *meth;
    int nx, stride, nl;
    size_t nv; /* nx * stride */
    size_t nm; /* doubles in a Jacobian (dense or block-tridiagonal) */

    double *t, *h;              /* per lane: time, proposed next step */
    double *x, *f;              /* [nx][stride]: state and f(t, x) */
    double *t_prev, *h_prev;    /* per lane: start and length of the last accepted step */
    double *x_prev, *f_prev;    /* [nx][stride]: state and slope at the start of that step */
    double *xnew, *fnew, *ev;   /* candidate end state, its slope (FSAL methods), error vector */
    double *k[DS_MAX_STAGES];   /* stage slopes */
    double *z, *a;              /* implicit stage value and its explicit part */
    double *J, *M;              /* [nx*nx][stride]: Jacobian, Newton matrix (LU) */
    int *piv;                   /* [nx][stride] */
    double *hs, *ts, *hg, *tmp; /* per lane: step taken, stage time, h*gamma, scratch */
    double *errn;               /* per lane weighted RMS error */
    double *wt;                 /* [nx][stride] error weights 1/(atol_i + rtol |x_i|) */
    signed char *flag;          /* per lane rhs flag */
    unsigned char *active, *ok, *landing, *sing, *iter, *status, *rejected_last;
    double fail_t;
    int fail_lane, fail_var;

    ds_lane_stats st;
    void *mem;
};

/* Evaluates f at per-lane times tv, counting an evaluation for each lane in `count`
 * (may be NULL); lanes whose flag is set get ok[lane] = 0 (recoverable) or their status
 * set to DS_LANE_FATAL. */
void ds_ev_rhs(ds_evolver *ev, const double *tv, const double *x, double *f, const unsigned char *count);

/* Solves z = a + hg f(ts, z) per lane by Newton with the factored matrix in ev->M; z holds
 * the predictor on entry. On return fz = f(ts, z) recovered as (z - a)/hg, and ok[lane] = 0
 * where Newton failed. Only lanes with act[lane] are iterated. */
void ds_ev_newton(ds_evolver *ev, const double *ts, const double *a, const double *hg, double *z, double *fz,
                  const unsigned char *act);

/* Evaluates J at (t, x), forms M = I - hg J and factors it, for lanes in act. */
void ds_ev_newton_matrix(ds_evolver *ev, const double *hg, const unsigned char *act);

/* Solves M v = v in place with the factored Newton matrix. */
void ds_ev_msolve(const ds_evolver *ev, double *v);

/* One step of each method for lanes in ev->active with steps ev->hs: reads t, x, f; writes
 * xnew (and fnew for FSAL methods, ev for adaptive ones); clears ok[lane] on failure. */
void ds_step_euler(ds_evolver *ev);
void ds_step_rk4(ds_evolver *ev);
void ds_step_dopri5(ds_evolver *ev);
void ds_step_beuler(ds_evolver *ev);
void ds_step_trbdf2(ds_evolver *ev);

#endif
