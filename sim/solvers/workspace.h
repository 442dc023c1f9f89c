/* What a method reads and writes to step a block of lanes (private to the solvers).
 *
 * The layers, as in GSL odeiv2: a method (methods.c: a const table of step functions)
 * advances every active lane of the block by its own step hs and writes a candidate end
 * point and, if adaptive, an error vector; implicit methods solve their stages with
 * newton.c; the controller (control.c) judges each lane; the evolver (evolve.c) owns this
 * workspace, lands on stops, keeps dense output and statistics. Methods and Newton see only
 * this workspace, never the evolver, so no layer calls back into the one above it. */
#ifndef DS_SOLVERS_WORKSPACE_H
#define DS_SOLVERS_WORKSPACE_H

#include <stddef.h>

#include "discsim/solver.h"

enum { DS_MAX_STAGES = 7 };

/* A per-lane flag or small count (a history slot, a Jacobian's age), 64 bits wide like the
 * doubles beside it: a lane loop that mixes bytes with doubles is vectorized by GCC at the
 * bytes' width, 64 lanes to an AVX-512 vector, more than a block has, so such loops ran
 * scalar. */
typedef int64_t ds_flag;

struct ds_step_ws {
    ds_system sys;
    const ds_solver_opts *opt;
    int nx, stride, nl;
    size_t nv;                  /* nx * stride */
    size_t nm;                  /* doubles in a Jacobian (dense or block-tridiagonal) */

    double *t, *x, *f;          /* per lane time; [nx][stride] state and f(t, x) at it */
    double *hs;                 /* per lane step to take */
    double *xnew, *fnew, *err;  /* candidate end point, its slope (FSAL methods), error vector */
    double *k[DS_MAX_STAGES];   /* stage slopes */
    double *z, *a;              /* implicit stage value and its explicit part */
    double *J, *M;              /* Jacobian and Newton matrix (LU) */
    int *piv;                   /* [nx][stride] */
    int lead;                   /* > 0: the blocks' trailing states are eliminated (ds_system.lead) */
    double *M4;                 /* then: the factored leading blocks */
    int *piv4;
    double *ts, *hg, *tmp, *errn; /* per lane: stage time, h*gamma, scratch, error norm */
    double *eta;                /* per lane: Newton's last contraction theta/(1 - theta) */
    double *hg_fact;            /* per lane: the h*gamma the Newton matrix was factored for (0: none) */
    double *Jnew;               /* a fresh Jacobian of every lane, copied to J where a lane takes it */
    ds_flag *jac_age;           /* per lane: accepted steps since its Jacobian was evaluated */
    ds_flag *jac_stale;         /* per lane: its next Newton matrix needs a fresh Jacobian */
    double *wt;                 /* [nx][stride] error weights 1/(atol_i + rtol |x_i|) */
    signed char *flag;          /* per lane rhs flag */
    ds_flag *active;            /* lanes being stepped */
    ds_flag *ok;                /* cleared where the step failed (domain, Newton, singular) */
    ds_flag *iter, *status;
    unsigned char *sing;        /* per lane: its Newton matrix is singular (from the factorizations) */
    ds_lane_stats st;
    int64_t newton_rounds;      /* Newton iterations the block made, whatever lanes took part
                                   (ds_evolver_newton_rounds) */
};

/* Evaluates f at per-lane times tv, counting an evaluation for each lane in `count` (may be
 * NULL); lanes whose flag is set get ok[lane] = 0 (recoverable) or their status set to
 * DS_LANE_FATAL. */
void ds_ws_rhs(ds_step_ws *w, const double *tv, const double *x, double *f, const ds_flag *count);

/* Error weights 1/(atol scale_i + rtol |x_i|), from one state or from the larger magnitude
 * of two; weighted RMS norm of v per lane. */
void ds_ws_weights(ds_step_ws *w, const double *x);
void ds_ws_weights2(ds_step_ws *w, const double *x0, const double *x1);
void ds_ws_wrms(const ds_step_ws *w, const double *v, double *out);

/* The methods' step functions (erk.c, sdirk.c): for lanes in w->active with steps w->hs,
 * read t, x, f; write xnew (and fnew for FSAL methods, err for adaptive ones); clear ok[lane]
 * on failure. */
void ds_step_euler(ds_step_ws *w);
void ds_step_rk4(ds_step_ws *w);
void ds_step_dopri5(ds_step_ws *w);
void ds_step_beuler(ds_step_ws *w);
void ds_step_trbdf2(ds_step_ws *w);
void ds_step_esdirk3(ds_step_ws *w);

#endif
