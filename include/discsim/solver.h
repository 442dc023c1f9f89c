/* Layered time integration for a batch of independent lanes (subjects).
 *
 * Layers, as in GSL odeiv2: a *method* (const descriptor table) does one step and, if it
 * is adaptive, an error estimate, for all lanes of a block; the *controller* (inside the
 * evolver) accepts or rejects each lane and proposes its next step; the *evolver* keeps
 * per-lane time, step, statistics and the dense output of the last step, and advances every
 * lane to a target time without crossing a hard stop (a phase boundary, landed on exactly).
 * The scenario driver sits on top and runs phases.
 *
 * Lanes never share a decision: each has its own t and h, its own accept/reject and Newton
 * convergence, so a subject's arithmetic does not depend on which other subjects share its
 * block (determinism across threads and ranks).
 *
 * Arrays of states are laid out [variable][lane] with `stride` lanes per variable. */
#ifndef DISCSIM_SOLVER_H
#define DISCSIM_SOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "discsim/layout.h"
#include "discsim/status.h"

enum { DS_MAX_NX = 64 };

/* Right-hand side f(t, x) for all lanes (t per lane). Writes flag[lane]: 0 fine, > 0 the
 * state is outside the model's domain but a smaller step may recover (e.g. a fluid volume
 * <= 0), < 0 fatal. Inactive lanes may be computed; their flags are ignored. */
typedef void (*ds_rhs_fn)(void *ctx, const double *restrict t, const double *restrict x, double *restrict f,
                          signed char *restrict flag);

/* Jacobian, analytic: dense, J[(r*nx + c)*stride + lane] = d f_r / d x_c, or, for a system
 * with block > 0, block-tridiagonal in the layout of ds_btri_at (discsim/layout.h). */
typedef void (*ds_jac_fn)(void *ctx, const double *restrict t, const double *restrict x, double *restrict J);

typedef struct ds_system {
    int nx;            /* states per lane, <= DS_MAX_NX */
    int block;         /* > 0: the Jacobian is block-tridiagonal with blocks of this size (see
                          ds_btri_at); 0: dense */
    int lead;          /* 0 < lead < block: each block's states from lead on touch only themselves
                          in their rows, and only the leading rows of their own and the next block
                          in their columns (muscle activations); Newton eliminates them first */
    int nlanes;        /* lanes in use */
    int stride;        /* lanes per variable in every array (padded) */
    ds_rhs_fn rhs;
    ds_jac_fn jac;     /* required by implicit methods */
    void *ctx;
    double scale[DS_MAX_NX];          /* typical magnitude of each state: atol_i = atol * scale_i */
    const char *var_name[DS_MAX_NX];  /* for messages, e.g. "L4L5 fluid_volume" */
} ds_system;

typedef enum ds_method_id {
    DS_EULER = 0, /* explicit Euler, fixed step (teaching, benchmarks) */
    DS_RK4,       /* classical Runge-Kutta 4, fixed step */
    DS_DOPRI5,    /* Dormand-Prince 5(4), adaptive, FSAL */
    DS_BEULER,    /* backward Euler, fixed step, Newton with the analytic Jacobian */
    DS_TRBDF2,    /* TR-BDF2 (ESDIRK, L-stable, order 2, embedded order 3), adaptive */
    DS_ESDIRK3,   /* ESDIRK3(2)4L[2]SA (L-stable, stiffly accurate, order 3, embedded 2), adaptive */
    DS_NMETHODS
} ds_method_id;

/* The workspace a method steps (private to the solvers). */
typedef struct ds_step_ws ds_step_ws;

typedef struct ds_method {
    ds_method_id id;
    const char *name;        /* as written in a scenario: euler, rk4, dopri5, beuler, trbdf2, esdirk3 */
    const char *description;
    int order;               /* order of the propagated solution */
    int err_order;           /* order of the error estimate's lower method (0: none) */
    int adaptive;
    int implicit;
    int fsal;                /* leaves f(t+h, x+h) in fnew */
    int nstage;              /* stage buffers of nx*stride doubles it needs */
    void (*step)(ds_step_ws *w); /* one step of every active lane (see solvers/workspace.h) */
} ds_method;

const ds_method *ds_method_get(ds_method_id id);
const ds_method *ds_method_find(const char *name); /* NULL if unknown */

typedef struct ds_solver_opts {
    ds_method_id method;
    double rtol;          /* relative tolerance (adaptive methods, Newton) */
    double atol;          /* absolute tolerance, scaled per state by ds_system.scale */
    double h_fixed;       /* step of fixed-step methods, s; also forces adaptive ones to a fixed step if > 0 */
    double h_init;        /* first step of adaptive methods, s */
    double h_max;         /* largest step, s (0: no limit) */
    double h_min;         /* a lane whose step falls below this has failed, s */
    int64_t max_steps;    /* attempted steps per lane between two hard stops (0: no limit) */
    int newton_maxit;
} ds_solver_opts;

/* Sensible defaults: trbdf2, rtol 1e-6, atol 1e-6, h_fixed 0, h_init 1e-3 s, h_min 1e-12 s. */
ds_solver_opts ds_solver_defaults(void);

/* Per-lane statistics (SUNDIALS' CVodeGetNum*). Arrays of nlanes. */
#define DS_STATS_FIELDS(X)                                                                         \
    X(steps, "1", "accepted steps")                                                               \
    X(rejected, "1", "rejected steps (error test or Newton failure)")                              \
    X(rhs_evals, "1", "right-hand-side evaluations")                                               \
    X(jac_evals, "1", "Jacobian evaluations")                                                      \
    X(factorizations, "1", "factorizations of the Newton matrix")                                  \
    X(newton_iters, "1", "Newton iterations")                                                      \
    X(newton_fails, "1", "Newton convergence failures")

typedef struct ds_lane_stats {
#define DS_X_FIELD(f, u, d) int64_t *f;
    DS_STATS_FIELDS(DS_X_FIELD)
#undef DS_X_FIELD
    double *h_min;   /* smallest accepted step, s (excluding steps shortened to land on a stop) */
    double *h_last;  /* last proposed step, s */
} ds_lane_stats;

/* Why a lane stopped (status per lane). */
typedef enum ds_lane_status {
    DS_LANE_OK = 0,
    DS_LANE_STEP_UNDERFLOW, /* step size below h_min */
    DS_LANE_DOMAIN,         /* the right-hand side reported a state outside the model (recoverable flags repeated) */
    DS_LANE_FATAL,          /* the right-hand side reported a fatal error */
    DS_LANE_NONFINITE,      /* NaN or infinity in the state */
    DS_LANE_MAX_STEPS
} ds_lane_status;

typedef struct ds_evolver ds_evolver;

ds_status ds_evolver_create(const ds_system *sys, const ds_solver_opts *opts, ds_evolver **out, ds_error *err);
void ds_evolver_free(ds_evolver *ev);

/* The rows dense output will be asked for (rows NULL: 0 .. nrows - 1; all of them when
 * created): the history keeps only their states and slopes, and a row not kept reads NaN
 * where its lanes have moved on. Set it before the first step after a reset. */
void ds_evolver_dense_rows(ds_evolver *ev, const int *rows, int nrows);

/* Sets every lane to time t0 and state x0 ([nx][stride]) and evaluates f there. */
void ds_evolver_reset(ds_evolver *ev, double t0, const double *x0);

/* Advances every active lane until its time is >= t_target, never past t_hard (>= t_target);
 * lanes land exactly on t_hard when t_target == t_hard. Lanes past t_target may take further
 * steps while others catch up (a lane's steps, and so its results, do not depend on that).
 * A lane that fails stops where it is and is never stepped again; the others go on. Returns
 * DS_OK if no lane failed before t_target in this call, otherwise DS_ERR_NUMERIC with a
 * message naming time, subject and variable of the earliest such failure (the other lanes
 * have still been advanced). */
ds_status ds_evolver_advance(ds_evolver *ev, double t_target, double t_hard, ds_error *err);

/* Dense output at time t, which must lie after the previous call's t_target and not after the
 * last one's: cubic Hermite on the end points and slopes of each lane's step that holds t.
 * xout is [nx][stride]. */
void ds_evolver_interp(ds_evolver *ev, double t, double *xout);
/* The same for the states rows[0 .. nrows - 1] only (rows NULL: states 0 .. nrows - 1);
 * xout's other rows are left as they are. */
void ds_evolver_interp_rows(ds_evolver *ev, double t, const int *rows, int nrows, double *xout);

/* Current state [nx][stride] and per-lane times. */
const double *ds_evolver_state(const ds_evolver *ev);
const double *ds_evolver_time(const ds_evolver *ev);
const ds_lane_stats *ds_evolver_stats(const ds_evolver *ev);
/* Rounds of steps the block took since the reset: in each, every lane that steps attempts one
 * (its steps and rejections), so the lanes' attempts over rounds x lanes is how busy the
 * block's lanes were. */
int64_t ds_evolver_rounds(const ds_evolver *ev);
/* Newton iterations the block made since the reset (implicit methods): a lane takes part in
 * an iteration until it has converged, and the block iterates until its last lane has, so
 * the lanes' iterations (ds_lane_stats.newton_iters) over these x lanes is how busy they
 * were in Newton's iterations. */
int64_t ds_evolver_newton_rounds(const ds_evolver *ev);
const unsigned char *ds_evolver_lane_status(const ds_evolver *ev);

/* A failed lane's time of failure (NaN if it has not failed) and the state that failed. */
double ds_evolver_failure(const ds_evolver *ev, int lane, const char **var);

/* Why a lane stopped, in words. */
const char *ds_lane_status_text(int status);

#endif
