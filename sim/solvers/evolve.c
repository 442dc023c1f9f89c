/* The evolver: advances every lane of a block to a target time with its own steps, lands
 * exactly on hard stops, keeps the last steps for dense output, counts statistics and marks
 * lanes that fail. It calls the method through its descriptor and the controller for each
 * lane's verdict; neither calls back. A step shortened to land on a hard stop does not
 * shrink the proposal for the step after it.
 *
 * Lanes run ahead. While one lane of the block is still behind the target, the lanes already
 * past it take their next steps in the same rounds (up to the hard stop, and as long as the
 * steps a later dense output may need still fit in the history). Otherwise a lane whose step
 * spans several records would step alone while the others wait, and a block of 8 lanes
 * with steps longer than the record interval made 4 times the evaluations of one lane. A
 * lane's steps never depend on the target or on its companions, only on its own state and
 * the hard stops, so its results are the same bits whatever the block; a failure met while
 * running ahead is reported in the call whose target a lane alone would have failed in. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "workspace.h"
#include "linalg/linalg.h"
#include "base/isa.h"

/* Steps kept per lane for dense output: enough that lanes whose steps span a few records
 * run ahead while one companion catches up (with 4, a block of 8 quasi-static subjects made
 * 707 right-hand-side evaluations a day against 667-709 for each lane alone, callgrind;
 * test_solvers holds a block to within a tenth of its busiest lane). */
enum { DS_HIST = 4 };
_Static_assert(DS_HIST == 4, "kept_after_lanes is written for 4 slots");

struct ds_evolver {
    ds_step_ws w;               /* what the method and Newton see */
    ds_solver_opts opt;
    const ds_method *meth;
    double *h;                  /* per lane: proposed next step */
    /* the last DS_HIST accepted steps, a ring per lane, newest at head: start time, length,
     * state and slope at the start (the end of the newest is the current state) */
    double *t_prev[DS_HIST], *h_prev[DS_HIST];   /* [slot][stride], the slots one after another */
    double *x_prev[DS_HIST], *f_prev[DS_HIST];   /* [slot][nx][stride], the same */
    ds_flag *head, *nhist;                       /* per lane: newest slot, steps kept */
    int *keep_row, nkeep;       /* the rows whose states and slopes the history keeps */
    unsigned char *row_kept;    /* per row: 1 if the history keeps it */
    /* the dense output's last choice of step per lane, for the next times it is asked
     * (records come far oftener than steps): whether the state itself is the answer, the
     * step's start and length, and its end points and slopes of the rows last asked for
     * ([row's position][stride]). A lane keeps them for times from c_t until c_end, its
     * chosen step's end (+inf for a copy of its state until it accepts a step, then -inf;
     * the others' end points are copies, and their steps stay kept while later records may
     * need them). c_until is the earliest c_end of the block: a record before it needs no
     * new choice at all (the common case of a block of one subject). */
    double *c_cp, *c_t0, *c_h, *c_ih;  /* c_ih: 1/c_h (1 where c_h is 0) */
    double *c_xs, *c_fs, *c_xe, *c_fe, *c_end;
    int *c_rows, c_nrows;
    double c_t, c_until;
    double *err_prev;           /* per lane: the last step's error norm (0: none yet) */
    ds_flag *landing, *rejected_last;
    double *fac;                /* per lane: the controller's factor for this round */
    ds_flag *verdict;           /* per lane: its verdict (DS_CONTROL_ACCEPT or _REJECT) */
    unsigned char *shown;       /* per lane: the status the caller sees (a failure met while
                                   running ahead waits for the target that reaches it) */
    int64_t *seg_tries;         /* per lane: attempts since the last hard stop (max_steps) */
    double *fail_t, *fail_h;    /* per lane: time of its failure (NaN while it has not failed), last step */
    int *fail_var;              /* per lane: the state that failed */
    int fail_lane;              /* the earliest failure this call of advance reports, or -1 */
    int unshown;                /* lanes failed whose status the caller has not been shown */
    double *acc_slot;           /* per lane, in a round: the history slot its accepted step's
                                   start went to, or -1 (see keep_accepted) */
    ds_flag *why;               /* per lane, in a round: why it fails (a ds_lane_status), or 0 */
    double *run_t;              /* per lane: its time while it runs, +inf once failed and in
                                   the padding (earliest_running reads no status bytes) */
    double t_low;               /* the earliest of run_t, as of the last round: a record
                                   before it needs no round at all */
    int64_t rounds;             /* rounds of steps since the reset (ds_evolver_rounds) */
    void *mem;
};

static void *take(char **cur, size_t bytes)
{
    void *p = *cur;
    *cur += (bytes + 63) / 64 * 64;
    return p;
}

ds_status ds_evolver_create(const ds_system *sys, const ds_solver_opts *opts, ds_evolver **out, ds_error *err)
{
    *out = NULL;
    const ds_method *meth = ds_method_get(opts->method);
    if (!meth)
        return ds_fail(err, DS_ERR_INPUT, "unknown integration method id %d", (int)opts->method);
    if (sys->nx < 1 || sys->nx > DS_MAX_NX)
        return ds_fail(err, DS_ERR_INPUT, "system has %d states per lane (1..%d supported)", sys->nx, DS_MAX_NX);
    if (meth->implicit && !sys->jac)
        return ds_fail(err, DS_ERR_INPUT, "method %s needs an analytic Jacobian", meth->name);
    if (!meth->adaptive && !(opts->h_fixed > 0))
        return ds_fail(err, DS_ERR_INPUT, "method %s has a fixed step: give a step size > 0", meth->name);

    const int nx = sys->nx, S = sys->stride;
    if (S % DS_LA_LANES || S < sys->nlanes || sys->nlanes < 1)
        return ds_fail(err, DS_ERR_INPUT, "system of %d lanes with a stride of %d (a multiple of %d, at least the lanes)",
                       sys->nlanes, S, DS_LA_LANES);
    if (sys->block > 0 && nx % sys->block)
        return ds_fail(err, DS_ERR_INPUT, "system block size %d does not divide its %d states", sys->block, nx);
    if (sys->lead < 0 || sys->lead > sys->block || (sys->lead > 0 && sys->block <= 0))
        return ds_fail(err, DS_ERR_INPUT, "system lead %d outside its block of %d", sys->lead, sys->block);
    const int lead = sys->lead < sys->block ? sys->lead : 0; /* lead = block: nothing to eliminate */
    /* the Newton matrices and their pivots for the implicit methods only (an explicit block
     * of 32 quasi-static lanes cleared a third more memory for them, which it never reads) */
    const int imp = meth->implicit != 0;
    const size_t nm4 = imp && lead > 0 ? (size_t)3 * (nx / sys->block) * lead * lead * S : 0;
    const size_t nv4 = imp && lead > 0 ? (size_t)(nx / sys->block) * lead * S : 0;
    const size_t nv = (size_t)nx * S, nvp = imp ? nv : 0;
    const size_t nm = sys->block > 0 ? (size_t)3 * (nx / sys->block) * sys->block * sys->block * S : (size_t)nx * nx * S;
    const size_t nmm = imp ? nm : 0;
    const size_t A = 64;
#define R(bytes) (((bytes) + A - 1) / A * A)
    size_t bytes = R(sizeof(ds_evolver));
    bytes += (22 + 2 * DS_HIST) * R(S * sizeof(double));    /* per-lane doubles */
    bytes += (12 + 2 * DS_HIST + DS_MAX_STAGES + 1) * R(nv * sizeof(double)); /* state-shaped */
    bytes += 2 * R((size_t)nx * sizeof(int)) + R((size_t)nx);
    bytes += 3 * R(nmm * sizeof(double)) + R(nvp * sizeof(int)) + R(S * sizeof(int));
    bytes += R(nm4 * sizeof(double)) + R(nv4 * sizeof(int));
    bytes += 3 * R((size_t)S) + 8 * R(S * sizeof(int64_t)) + 12 * R(S * sizeof(ds_flag)) + 2 * R(S * sizeof(double));
#undef R
    void *mem = NULL;
    if (posix_memalign(&mem, A, bytes) != 0)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the integrator (%zu bytes)", bytes);
    memset(mem, 0, bytes);
    char *cur = mem;
    ds_evolver *ev = take(&cur, sizeof *ev);
    ds_step_ws *w = &ev->w;
    ev->mem = mem;
    ev->opt = *opts;
    ev->meth = meth;
    w->sys = *sys;
    w->opt = &ev->opt;
    w->nx = nx;
    w->stride = S;
    w->nl = sys->nlanes;
    w->nv = nv;
    w->nm = nm;
    double **lane_d[] = {&w->t, &ev->h, &w->hs, &w->ts, &w->hg, &w->tmp, &w->errn, &w->st.h_min,
                         &w->st.h_last, &ev->fail_t, &ev->fail_h, &w->eta, &ev->err_prev, &w->hg_fact, &ev->fac,
                         &ev->c_end, &ev->c_cp, &ev->c_t0, &ev->c_h, &ev->c_ih, &ev->acc_slot,
                         &ev->run_t, NULL};
    for (int i = 0; lane_d[i]; i++)
        *lane_d[i] = take(&cur, S * sizeof(double));
    double **state_d[] = {&w->x,    &w->f,     &w->xnew,  &w->fnew,  &w->err,  &w->wt,
                          &w->z,    &w->a,     &ev->c_xs, &ev->c_fs, &ev->c_xe, &ev->c_fe, NULL};
    for (int i = 0; state_d[i]; i++)
        *state_d[i] = take(&cur, nv * sizeof(double));
    {
        /* each in one piece, so that a lane's slot is found by arithmetic (choose_lane) */
        double *tp = take(&cur, DS_HIST * S * sizeof(double)), *hp = take(&cur, DS_HIST * S * sizeof(double));
        double *xp = take(&cur, DS_HIST * nv * sizeof(double)), *fp = take(&cur, DS_HIST * nv * sizeof(double));
        for (int j = 0; j < DS_HIST; j++) {
            ev->t_prev[j] = tp + (size_t)j * S, ev->h_prev[j] = hp + (size_t)j * S;
            ev->x_prev[j] = xp + (size_t)j * nv, ev->f_prev[j] = fp + (size_t)j * nv;
        }
    }
    ev->head = take(&cur, S * sizeof(ds_flag));
    ev->c_rows = take(&cur, (size_t)nx * sizeof(int));
    ev->keep_row = take(&cur, (size_t)nx * sizeof(int));
    ev->row_kept = take(&cur, (size_t)nx);
    ev->nhist = take(&cur, S * sizeof(ds_flag));
    ev->seg_tries = take(&cur, S * sizeof(int64_t));
    for (int j = 0; j < DS_MAX_STAGES; j++)
        w->k[j] = take(&cur, nv * sizeof(double));
    w->J = take(&cur, nmm * sizeof(double));
    w->M = take(&cur, nmm * sizeof(double));
    w->Jnew = take(&cur, nmm * sizeof(double));
    w->jac_age = take(&cur, S * sizeof(ds_flag));
    w->piv = take(&cur, nvp * sizeof(int));
    w->lead = lead;
    w->M4 = take(&cur, nm4 * sizeof(double));
    w->piv4 = take(&cur, nv4 * sizeof(int));
    ev->fail_var = take(&cur, S * sizeof(int));
    w->flag = take(&cur, S);
    unsigned char **lane_u[] = {&w->sing, &ev->shown, NULL};
    for (int i = 0; lane_u[i]; i++)
        *lane_u[i] = take(&cur, S);
    ds_flag **lane_f[] = {&w->active, &w->ok,           &ev->landing, &w->iter, &w->status,
                          &ev->rejected_last, &w->jac_stale, &ev->verdict, &ev->why, NULL};
    for (int i = 0; lane_f[i]; i++)
        *lane_f[i] = take(&cur, S * sizeof(ds_flag));
#define DS_X_TAKE(f, u, d) w->st.f = take(&cur, S * sizeof(int64_t));
    DS_STATS_FIELDS(DS_X_TAKE)
#undef DS_X_TAKE
    if ((size_t)(cur - (char *)mem) > bytes) { /* a layout mistake, not a user error */
        free(mem);
        return ds_fail(err, DS_ERR_NOMEM, "internal: evolver layout overflow");
    }
    ds_evolver_dense_rows(ev, NULL, nx);
    *out = ev;
    return DS_OK;
}

void ds_evolver_dense_rows(ds_evolver *ev, const int *rows, int nrows)
{
    const int nx = ev->w.nx;
    memset(ev->row_kept, 0, (size_t)nx);
    for (int r = 0; r < nrows; r++) {
        const int i = rows ? rows[r] : r;
        if (i >= 0 && i < nx)
            ev->row_kept[i] = 1;
    }
    ev->nkeep = 0;
    for (int i = 0; i < nx; i++)
        if (ev->row_kept[i])
            ev->keep_row[ev->nkeep++] = i;
}

void ds_evolver_free(ds_evolver *ev)
{
    if (ev)
        free(ev->mem);
}

/* The smallest of low and v[0 .. n - 1] (none NaN), as a reduction that vectorizes. */
static inline double min_of(const double *restrict v, int n, double low)
{
#pragma omp simd reduction(min : low)
    for (int i = 0; i < n; i++)
        low = v[i] < low ? v[i] : low;
    return low;
}

/* The earliest time of a lane still running: the minimum of run_t over whole vectors (a
 * loop over the lanes' times and status bytes stayed scalar for a block's 16 lanes, and a
 * count of lanes is a chain of dependent additions: the compiler keeps a sum's order). Kept
 * in t_low after each round, so that a record no lane is behind costs one comparison. */
static inline double earliest_running(const ds_evolver *ev) { return min_of(ev->run_t, ev->w.stride, INFINITY); }

void ds_evolver_reset(ds_evolver *ev, double t0, const double *x0)
{
    ds_step_ws *w = &ev->w;
    const int S = w->stride;
    memcpy(w->x, x0, w->nv * sizeof(double));
    ev->c_nrows = 0;
    ev->c_until = -INFINITY;
    for (int l = 0; l < S; l++) {
        ev->c_end[l] = -INFINITY; /* no choice kept */
        w->t[l] = t0;
        ev->head[l] = ev->nhist[l] = 0; /* no step yet: dense output is the state itself */
        ev->seg_tries[l] = 0;
        ev->err_prev[l] = 0.0;
        ev->h[l] = ev->opt.h_fixed > 0 ? ev->opt.h_fixed : ev->opt.h_init;
        w->status[l] = ev->shown[l] = DS_LANE_OK;
        w->ok[l] = 1;
        w->eta[l] = 1.0; /* no rate known yet: the first update alone must be small */
        w->hg_fact[l] = 0.0; /* no Newton matrix yet */
        w->jac_stale[l] = 1;
        w->jac_age[l] = 0;
        ev->rejected_last[l] = 0;
        w->st.h_min[l] = INFINITY;
        w->st.h_last[l] = ev->h[l];
#define DS_X_ZERO(f, u, d) w->st.f[l] = 0;
        DS_STATS_FIELDS(DS_X_ZERO)
#undef DS_X_ZERO
        w->active[l] = l < w->nl;
        ev->fail_t[l] = NAN;
        ev->fail_var[l] = -1;
    }
    ds_ws_rhs(w, w->t, w->x, w->f, w->active);
    for (int l = 0; l < S; l++)
        ev->run_t[l] = l < w->nl && w->status[l] == DS_LANE_OK ? t0 : INFINITY;
    ev->t_low = earliest_running(ev);
    ev->fail_lane = -1;
    ev->unshown = 0;
    ev->rounds = 0;
    w->newton_rounds = 0;
}

static void lane_fail(ds_evolver *ev, int l, ds_lane_status why)
{
    ds_step_ws *w = &ev->w;
    w->status[l] = why;
    w->active[l] = 0;
    ev->run_t[l] = INFINITY;
    ev->unshown++;
    ev->fail_t[l] = w->t[l];
    ev->fail_h[l] = w->hs[l];
    /* the variable with the largest weighted error or the first non-finite one */
    int worst = 0;
    double wv = -1.0;
    for (int i = 0; i < w->nx; i++) {
        double v = w->xnew[(size_t)i * w->stride + l];
        double e = !isfinite(v) ? INFINITY : fabs(w->err[(size_t)i * w->stride + l]);
        if (v <= 0.0 && w->sys.scale[i] > 999.0) /* a volume gone non-positive */
            e = INFINITY;
        if (e > wv) {
            wv = e;
            worst = i;
        }
    }
    ev->fail_var[l] = worst;
}

const char *ds_lane_status_text(int s)
{
    switch (s) {
    case DS_LANE_STEP_UNDERFLOW: return "step size fell below the smallest allowed step";
    case DS_LANE_DOMAIN: return "the state left the model's domain";
    case DS_LANE_FATAL: return "the model reported a fatal error";
    case DS_LANE_NONFINITE: return "the state became NaN or infinite";
    case DS_LANE_MAX_STEPS: return "too many steps";
    default: return "ok";
    }
}

/* Chooses each active lane's step for this round: its proposal (or the fixed step), capped
 * by h_max, shortened to land exactly on t_hard when that is within reach. */
DS_HOT static void choose_steps(ds_evolver *ev, int adaptive, double t_hard)
{
    ds_step_ws *w = &ev->w;
    const double h_fixed = ev->opt.h_fixed, h_max = ev->opt.h_max;
    const ds_flag *restrict retry = ev->rejected_last;
    const double *restrict prop = ev->h, *restrict t = w->t;
    ds_flag *restrict landing = ev->landing, *restrict ok = w->ok;
    double *restrict hs = w->hs;
#pragma omp simd
    for (int l = 0; l < w->nl; l++) {
        /* a fixed-step method retrying a failed Newton solve takes its proposal too */
        double h = adaptive || retry[l] ? prop[l] : h_fixed;
        h = h_max > 0 && h > h_max ? h_max : h;
        const double left = t_hard - t[l];
        const int land = left <= h * (1.0 + 1e-6);
        landing[l] = land;
        hs[l] = land ? left : h;
        ok[l] = 1;
    }
}

/* The accepted candidates (acc_slot >= 0) become their lanes' states, and each lane's old
 * state and slope go to its history slot, for the rows dense output is asked for only: by
 * vectors of lanes, each lane's slot chosen by selects (lane by lane, the copies were scalar
 * and strided over the states). */
DS_HOT static void keep_accepted(ds_evolver *ev)
{
    ds_step_ws *w = &ev->w;
    const int S = w->stride;
    const double *restrict js = ev->acc_slot, *restrict XN = w->xnew, *restrict FN = w->fnew;
    double *restrict X = w->x, *restrict F = w->f;
    double *restrict X0 = ev->x_prev[0], *restrict X1 = ev->x_prev[1], *restrict X2 = ev->x_prev[2];
    double *restrict X3 = ev->x_prev[3], *restrict F0 = ev->f_prev[0], *restrict F1 = ev->f_prev[1];
    double *restrict F2 = ev->f_prev[2], *restrict F3 = ev->f_prev[3];
    for (int r = 0; r < ev->nkeep; r++) {
        const size_t o = (size_t)ev->keep_row[r] * S;
#pragma omp simd
        for (int l = 0; l < S; l++) {
            const size_t q = o + l;
            const double j = js[l], x = X[q], f = F[q];
            X0[q] = j == 0.0 ? x : X0[q], F0[q] = j == 0.0 ? f : F0[q];
            X1[q] = j == 1.0 ? x : X1[q], F1[q] = j == 1.0 ? f : F1[q];
            X2[q] = j == 2.0 ? x : X2[q], F2[q] = j == 2.0 ? f : F2[q];
            X3[q] = j == 3.0 ? x : X3[q], F3[q] = j == 3.0 ? f : F3[q];
        }
    }
    for (int i = 0; i < w->nx; i++) {
        const size_t o = (size_t)i * S;
#pragma omp simd
        for (int l = 0; l < S; l++) {
            const double j = js[l];
            X[o + l] = j >= 0.0 ? XN[o + l] : X[o + l];
            F[o + l] = j >= 0.0 ? FN[o + l] : F[o + l];
        }
    }
}

/* Whether each lane's candidate is finite in every state (1 or 0 in fin), the lanes inner so
 * that the loop vectorizes (x - x is 0 for a finite x, NaN for an infinite one or NaN). */
DS_HOT static void finite_lanes(const ds_step_ws *w, double *restrict fin)
{
    const int S = w->stride;
    for (int l = 0; l < w->nl; l++)
        fin[l] = 1.0;
    for (int i = 0; i < w->nx; i++) {
        const double *restrict xi = w->xnew + (size_t)i * S;
#pragma omp simd
        for (int l = 0; l < w->nl; l++)
            fin[l] = xi[l] - xi[l] == 0.0 ? fin[l] : 0.0;
    }
}

/* Every lane's verdict carried out at once, by selects over the lanes so that the loop
 * vectorizes (lane by lane, with a branch each for acceptance and rejection and every array
 * reached through the evolver, it was most of the evolver's own time in a block of 32):
 *   - an accepted step goes to the history (its state and slope by keep_accepted, once every
 *     lane is judged), the lane moves to its end (the stop itself when landing on one), and
 *     the next step is proposed (adaptive: by the controller's factor, never shrunk by a
 *     landing; fixed: doubled back after a retry);
 *   - a rejected one (the error test, the model's domain, Newton, a non-finite state) is
 *     retried smaller: by the controller's factor when its error was computed and finite,
 *     else a quarter; after a failed modified Newton iteration, the same step with a fresh
 *     Jacobian.
 * Each lane's arithmetic is the one it had alone. What it cannot do, fail, is left for
 * judge in why[l]: the lane's status (it failed in the step) or its reason (its retry fell
 * below the smallest step), else 0. */
DS_HOT static void judge_lanes(ds_evolver *ev, int adapt, double t_hard, const double *restrict fin,
                               ds_flag *restrict why)
{
    ds_step_ws *w = &ev->w;
    const int S = w->stride;
    /* 0 or 1 (the method table's and advance's), as combined bitwise below; a comparison here
     * (!= 0) made GCC treat them as booleans, and the loop stayed scalar */
    const ds_flag implicit = ev->meth->implicit, adaptive = adapt;
    const double h_min = ev->opt.h_min, h_fixed = ev->opt.h_fixed;
    const ds_flag *restrict active = w->active, *restrict status = w->status, *restrict ok = w->ok;
    const ds_flag *restrict landing = ev->landing, *restrict verdict = ev->verdict;
    const double *restrict hs = w->hs, *restrict facs = ev->fac, *restrict errn = w->errn, *restrict cp = ev->c_cp;
    ds_flag *restrict rej_last = ev->rejected_last, *restrict stale = w->jac_stale;
    int64_t *restrict steps = w->st.steps, *restrict rejected = w->st.rejected, *restrict tries = ev->seg_tries;
    ds_flag *restrict age = w->jac_age, *restrict head = ev->head, *restrict nhist = ev->nhist;
    double *restrict t = w->t, *restrict run_t = ev->run_t, *restrict h = ev->h, *restrict h_low = w->st.h_min;
    double *restrict h_last = w->st.h_last, *restrict err_prev = ev->err_prev, *restrict slot = ev->acc_slot;
    double *restrict c_end = ev->c_end;
    double *restrict T0 = ev->t_prev[0], *restrict T1 = ev->t_prev[1], *restrict T2 = ev->t_prev[2];
    double *restrict T3 = ev->t_prev[3], *restrict H0 = ev->h_prev[0], *restrict H1 = ev->h_prev[1];
    double *restrict H2 = ev->h_prev[2], *restrict H3 = ev->h_prev[3];
    /* over the padding too (inactive: left as it is) */
#pragma omp simd
    for (int l = 0; l < S; l++) {
        /* every array read once, unconditionally, and the conditions combined bitwise into
         * 64-bit flags: a load or a test under &&, a conversion to _Bool (!x) or a narrower
         * type kept the loop scalar */
        const ds_flag act = active[l] != 0, st = status[l], good = ok[l] != 0, finite = fin[l] != 0.0;
        const ds_flag land = landing[l] != 0, retried = rej_last[l] != 0, hist = nhist[l], hd = head[l];
        const double hl = hs[l], tl = t[l], hp = h[l], fl = facs[l], el = errn[l];
        const ds_flag live = act & (st == DS_LANE_OK);
        const ds_flag by_error = good & finite & adaptive; /* the controller judged it */
        const double fac = by_error ? fl : 1.0;
        const ds_flag rej = live & ((good ^ 1) | (finite ^ 1) | (by_error & (verdict[l] == DS_CONTROL_REJECT)));
        const ds_flag acc = live & (rej ^ 1);
        /* rejected: the step to retry with */
        const ds_flag fresh = implicit & (good ^ 1) & finite & (age[l] > 0);
        const double hr = fresh ? hl : ds_control_retry(hl, fac, by_error);
        const ds_flag under = rej & ((hr < h_min) | ((adaptive ^ 1) & (hr < 1e-3 * h_fixed)));
        const ds_flag reason = finite ? (good ? DS_LANE_STEP_UNDERFLOW : DS_LANE_DOMAIN) : DS_LANE_NONFINITE;
        /* accepted: its history slot, new time and next proposal */
        const ds_flag j = hist > 0 ? (hd + 1) & (DS_HIST - 1) : 0;
        const double jd = (double)j;
        const double tn = land ? t_hard : tl + hl;
        const double hn = hl * fac, hfix = hl * 2.0;
        const double h_acc = adaptive ? (((land ^ 1) | (hn > hp)) ? hn : hp) : retried ? hfix : hp;
        const double hnext = acc ? h_acc : rej ? hr : hp;
        why[l] = (act & (live ^ 1)) ? st : under ? reason : 0;
        rejected[l] += rej;
        steps[l] += acc;
        stale[l] = ((rej & fresh) | (acc & land)) ? 1 : stale[l];
        age[l] += acc;
        h_low[l] = (acc & (land ^ 1) & (hl < h_low[l])) ? hl : h_low[l];
        c_end[l] = (acc & (cp[l] != 0.0)) ? -INFINITY : c_end[l]; /* its dense output was its state */
        head[l] = acc ? j : hd;
        nhist[l] = hist + (acc & (hist < DS_HIST));
        T0[l] = (acc & (j == 0)) ? tl : T0[l], H0[l] = (acc & (j == 0)) ? hl : H0[l];
        T1[l] = (acc & (j == 1)) ? tl : T1[l], H1[l] = (acc & (j == 1)) ? hl : H1[l];
        T2[l] = (acc & (j == 2)) ? tl : T2[l], H2[l] = (acc & (j == 2)) ? hl : H2[l];
        T3[l] = (acc & (j == 3)) ? tl : T3[l], H3[l] = (acc & (j == 3)) ? hl : H3[l];
        slot[l] = acc ? jd : -1.0;
        t[l] = acc ? tn : tl;
        run_t[l] = acc ? tn : run_t[l];
        tries[l] = (acc & land) ? 0 : tries[l];
        h[l] = hnext;
        rej_last[l] = rej ? 1 : (acc & (adaptive | (hfix >= h_fixed))) ? 0 : rej_last[l];
        err_prev[l] = (acc & adaptive) ? (el > 1e-4 ? el : 1e-4) : err_prev[l];
        h_last[l] = acc ? hnext : h_last[l];
    }
}

/* Judges every active lane's candidate: accept, retry smaller, or fail. */
static void judge(ds_evolver *ev, int adaptive, double expo, double t_hard)
{
    ds_step_ws *w = &ev->w;
    if (adaptive)
        /* PI control for the implicit methods (stiff problems, where an I controller's steps
         * oscillate and one in five is rejected); the explicit ones are limited by their
         * dense output at records, where I control does as well with fewer steps */
        ds_control_judge_lanes(w->nl, w->errn, ev->meth->implicit ? ev->err_prev : NULL, expo, ev->rejected_last,
                               ev->fac, ev->verdict);
    double *restrict fin = w->tmp; /* per-lane scratch, free after the step */
    finite_lanes(w, fin);
    ds_flag *restrict why = ev->why;
    judge_lanes(ev, adaptive, t_hard, fin, why);
    /* the lanes whose dense output was their state and that stepped on choose anew */
    ev->c_until = min_of(ev->c_end, w->stride, ev->c_until);
    for (int l = 0; l < w->nl; l++)
        if (why[l] != 0)
            lane_fail(ev, l, (ds_lane_status)why[l]);
    keep_accepted(ev);
}

/* Steps of each lane's history that a dense output at or after t may still need (those
 * ending after t), into n[0 .. nl - 1]: a lane may run ahead while one more fits beside
 * them. The kept steps' ends are the lane's time and the starts of all but its oldest kept
 * step, later the newer, so the steps ending after t are those ends after t: counted by
 * selects over the slots, so that the loop vectorizes (a walk back from the newest, lane by
 * lane, was a fifth of the evolver's own time). */
DS_HOT static void kept_after_lanes(const ds_evolver *ev, double t, double *restrict n)
{
    const ds_step_ws *w = &ev->w;
    const double *restrict tc = w->t, *restrict T0 = ev->t_prev[0], *restrict T1 = ev->t_prev[1];
    const double *restrict T2 = ev->t_prev[2], *restrict T3 = ev->t_prev[3];
    const ds_flag *restrict head = ev->head, *restrict nhist = ev->nhist;
#pragma omp simd
    for (int l = 0; l < w->nl; l++) {
        const ds_flag hd = head[l], kept = nhist[l];
        /* slot j's age (0: the newest) is (head - j) mod 4; an end if younger than the oldest kept */
        const ds_flag a0 = hd, a1 = (hd + 3) & 3, a2 = (hd + 2) & 3, a3 = (hd + 1) & 3;
        double c = ((kept > 0) & (tc[l] > t)) ? 1.0 : 0.0;
        c += ((a0 < kept - 1) & (T0[l] > t)) ? 1.0 : 0.0;
        c += ((a1 < kept - 1) & (T1[l] > t)) ? 1.0 : 0.0;
        c += ((a2 < kept - 1) & (T2[l] > t)) ? 1.0 : 0.0;
        c += ((a3 < kept - 1) & (T3[l] > t)) ? 1.0 : 0.0;
        n[l] = c;
    }
}

/* The lanes that step in this round: running, and behind the target or able to run ahead
 * (kept: kept_after_lanes). Where max_steps limits them, their attempts since the last stop
 * are counted; whether any lane went past it is returned. */
DS_HOT static int active_lanes(ds_evolver *ev, double t_target, double t_hard, const double *restrict kept)
{
    ds_step_ws *w = &ev->w;
    const int S = w->stride, nl = w->nl;
    const ds_flag limited = ev->opt.max_steps > 0;
    const int64_t cap = ev->opt.max_steps;
    ds_flag *restrict active = w->active;
    const ds_flag *restrict status = w->status;
    const double *restrict t = w->t;
    int64_t *restrict tries = ev->seg_tries;
    ds_flag over = 0;
#pragma omp simd reduction(| : over)
    for (int l = 0; l < S; l++) {
        const double tl = t[l];
        const ds_flag a =
            (l < nl) & (status[l] == DS_LANE_OK) & ((tl < t_target) | ((tl < t_hard) & (kept[l] < DS_HIST)));
        const int64_t n = tries[l] + (a & limited);
        active[l] = a;
        tries[l] = n;
        over |= a & limited & (n > cap);
    }
    return over != 0;
}

ds_status ds_evolver_advance(ds_evolver *ev, double t_target, double t_hard, ds_error *err)
{
    ds_step_ws *w = &ev->w;
    const int nl = w->nl;
    const ds_method *m = ev->meth;
    const int adaptive = m->adaptive && !(ev->opt.h_fixed > 0);

    while (ev->t_low < t_target) { /* most records: no lane behind, no round */
        /* the controller's exponent here, not before the loop: most calls take no round */
        const double expo = m->err_order > 0 ? -1.0 / (m->err_order + 1) : 0.0;
        /* the lanes behind the target, and those past it that can run ahead */
        double *restrict kept = w->tmp; /* per-lane scratch, free until the step */
        kept_after_lanes(ev, t_target, kept);
        if (active_lanes(ev, t_target, t_hard, kept))
            for (int l = 0; l < nl; l++)
                if (w->active[l] && ev->seg_tries[l] > ev->opt.max_steps)
                    lane_fail(ev, l, DS_LANE_MAX_STEPS);
        ev->rounds++;
        choose_steps(ev, adaptive, t_hard);
        m->step(w);
        if (!m->fsal) {
            /* slope at the candidate end point: it checks that the point is inside the
             * model's domain before it is accepted, and serves as the next step's first
             * stage and the dense output's end slope */
            for (int l = 0; l < nl; l++)
                w->ts[l] = ev->landing[l] ? t_hard : w->t[l] + w->hs[l];
            for (int l = 0; l < nl; l++)
                w->iter[l] = w->active[l] && w->ok[l];
            ds_ws_rhs(w, w->ts, w->xnew, w->fnew, w->iter);
        }
        if (adaptive) { /* weights from the larger of the old and new magnitudes */
            ds_ws_weights2(w, w->x, w->xnew);
            ds_ws_wrms(w, w->err, w->errn);
        }
        judge(ev, adaptive, expo, t_hard);
        ev->t_low = earliest_running(ev);
    }
    /* failures the caller sees now: those before the target (a lane alone would have met
     * them in this call; one met running ahead waits for a later target) */
    ev->fail_lane = -1;
    for (int l = 0; l < nl && ev->unshown > 0; l++)
        if (w->status[l] != DS_LANE_OK && ev->shown[l] == DS_LANE_OK && ev->fail_t[l] < t_target) {
            ev->unshown--;
            ev->shown[l] = w->status[l];
            if (ev->fail_lane < 0 || ev->fail_t[l] < ev->fail_t[ev->fail_lane])
                ev->fail_lane = l;
        }
    if (ev->fail_lane >= 0) {
        int l = ev->fail_lane;
        return ds_fail(err, DS_ERR_NUMERIC,
                       "simulation diverged at t = %.6g s (%.4f h), subject %d, variable %s: %s "
                       "(last step %.3g s)",
                       ev->fail_t[l], ev->fail_t[l] / 3600.0, l,
                       w->sys.var_name[ev->fail_var[l]] ? w->sys.var_name[ev->fail_var[l]] : "?",
                       ds_lane_status_text(w->status[l]), ev->fail_h[l]);
    }
    return DS_OK;
}

/* Lane l's choice of kept step for dense output at t (see ds_evolver_interp_rows): the kept
 * step that holds t (the oldest one if none does), or a copy of its current state when the
 * lane is at t or has no step kept (a padding lane keeps none); and the rows' end points
 * and slopes of that step, for the n rows that start at row_at[r] (c_rows[r] * stride), each
 * times kr[r]: 1, or NaN for a row whose history is not kept (ds_evolver_dense_rows), so that
 * it reads NaN, not stale numbers. */
static inline void choose_lane(ds_evolver *ev, int l, double t, int n, const size_t *row_at, const double *kr)
{
    const ds_step_ws *w = &ev->w;
    const int S = w->stride, kept = l < w->nl ? (int)ev->nhist[l] : 0, head = l < w->nl ? (int)ev->head[l] : 0;
    const double *T = ev->t_prev[0]; /* [slot][stride], the slots in one piece */
    /* the newest kept step, or the first older one that starts at or before t: the newest in
     * six choices of seven of a block of 32 quasi-static lanes, so the walk's branch is
     * predicted, and the loads of the newest step's numbers start before its test is done */
    int j = head, end = DS_HIST; /* DS_HIST: the current state */
    for (int nb = 0; nb + 1 < kept && T[(size_t)j * S + l] > t; nb++)
        end = j, j = (j - 1) & (DS_HIST - 1);
    const double h = kept > 0 ? ev->h_prev[0][(size_t)j * S + l] : 0.0;
    const int copy = (t >= w->t[l]) | (h <= 0.0);
    ev->c_cp[l] = copy;
    ev->c_t0[l] = T[(size_t)j * S + l];
    ev->c_h[l] = h;
    ev->c_ih[l] = 1.0 / (h > 0.0 ? h : 1.0);
    ev->c_end[l] = copy ? INFINITY : end == DS_HIST ? w->t[l] : T[(size_t)end * S + l];
    if (copy) /* its rows' numbers are not read */
        return;
    const size_t nv = w->nv;
    const double *xs = ev->x_prev[0] + j * nv, *fs = ev->f_prev[0] + j * nv;
    const double *xe = end == DS_HIST ? w->x : ev->x_prev[0] + end * nv;
    const double *fe = end == DS_HIST ? w->f : ev->f_prev[0] + end * nv;
    for (int r = 0; r < n; r++) {
        const size_t q = row_at[r] + l, p = (size_t)r * S + l;
        const double k = kr[r];
        ev->c_xs[p] = xs[q] * k, ev->c_fs[p] = fs[q] * k, ev->c_xe[p] = xe[q] * k, ev->c_fe[p] = fe[q] * k;
    }
}

static const uint64_t lane_bit[64] = { /* lane_bit[k] = 2^k */
#define DS_B4(i) (uint64_t)1 << (i), (uint64_t)1 << ((i) + 1), (uint64_t)1 << ((i) + 2), (uint64_t)1 << ((i) + 3)
    DS_B4(0),  DS_B4(4),  DS_B4(8),  DS_B4(12), DS_B4(16), DS_B4(20), DS_B4(24), DS_B4(28),
    DS_B4(32), DS_B4(36), DS_B4(40), DS_B4(44), DS_B4(48), DS_B4(52), DS_B4(56), DS_B4(60)};
#undef DS_B4

/* The lanes that choose anew (choose_lane), as a bit mask of up to 64 lanes from one
 * vectorized pass (with the earliest end of the others), then only those; and the block's
 * earliest end, before which a record needs none of this. In a block of 32 quasi-static lanes
 * two steps end at a record on average, and a record that needs any choice needs three or
 * four; a test and a mask per vector of 8 lanes, each branch taken at about half the
 * records, were a third of the dense output's samples. A function of its own, out of line:
 * the records that need no new choice (most, for a block of one subject) run only the
 * Hermite sums. */
DS_HOT __attribute__((noinline)) static void choose_anew(ds_evolver *ev, double t, int n, int same)
{
    const int S = ev->w.stride;
    size_t row_at[DS_MAX_NX];
    double kr[DS_MAX_NX];
    for (int r = 0; r < n; r++)
        row_at[r] = (size_t)ev->c_rows[r] * S, kr[r] = ev->row_kept[ev->c_rows[r]] ? 1.0 : NAN;
    double until = INFINITY;
    for (int g = 0; g < S; g += 64) {
        const int ng = S - g < 64 ? S - g : 64;
        const double *restrict ce = ev->c_end + g;
        uint64_t need = 0;
        double low = INFINITY;
        /* each lane's bit from a table: a shift by the lane's index kept the loop scalar */
#pragma omp simd reduction(| : need)
        for (int k = 0; k < ng; k++)
            need |= t < ce[k] ? 0 : lane_bit[k];
        /* in a loop of its own: with both reductions in one, GCC ran it lane by lane */
#pragma omp simd reduction(min : low)
        for (int k = 0; k < ng; k++) {
            const double kept = t < ce[k] ? ce[k] : INFINITY;
            low = kept < low ? kept : low;
        }
        if (!same)
            need = ng == 64 ? ~(uint64_t)0 : ((uint64_t)1 << ng) - 1, low = INFINITY;
        for (; need; need &= need - 1) {
            const int l = g + __builtin_ctzll(need);
            choose_lane(ev, l, t, n, row_at, kr);
            low = ev->c_end[l] < low ? ev->c_end[l] : low;
        }
        until = low < until ? low : until;
    }
    ev->c_until = until;
}

/* Dense output by lanes in vectors of 8. A lane chooses its step anew (choose_lane) when t
 * has passed the end of its chosen step, when its answer was its state and it has stepped
 * on, or when other rows or an earlier time are asked for; otherwise it keeps its choice
 * (records come far oftener than steps), which is what choosing anew would give. A lane
 * alone chooses, not its vector: the lanes' steps end at different times, and a vector that
 * chose whenever one of its 8 lanes' steps ended chose at about half the records. Then each
 * row is the cubic Hermite of the kept end points and slopes, for every lane at once, with
 * the weights and the order of the sum of the formula lane by lane: the same bits. */
DS_HOT void ds_evolver_interp_rows(ds_evolver *ev, double t, const int *rows, int nrows, double *xout)
{
    const ds_step_ws *w = &ev->w;
    const int S = w->stride;
    const double *restrict XC = w->x;
    const double *restrict XS = ev->c_xs, *restrict FS = ev->c_fs, *restrict XE = ev->c_xe, *restrict FE = ev->c_fe;
    /* the rows asked for (those outside the state are left alone), as last time or anew */
    int same = t >= ev->c_t, n = 0;
    for (int r = 0; r < nrows; r++) {
        const int i = rows ? rows[r] : r;
        if (i < 0 || i >= w->nx)
            continue;
        same = same && n < ev->c_nrows && ev->c_rows[n] == i;
        ev->c_rows[n++] = i;
    }
    same = same && n == ev->c_nrows;
    ev->c_nrows = n;
    ev->c_t = t;
    if (!same || !(t < ev->c_until))
        choose_anew(ev, t, n, same);
    /* the rows two at a time, each lane's Hermite weights found in the same pass (the
     * summaries ask for two rows: weights kept in arrays between a loop of their own and the
     * rows' were stored and loaded again at every record); the step's fraction (t - t0)/h as
     * a product with 1/h, found when the lane chose its step (the division at every record,
     * and what waited for it, was about a fifth of the dense output's samples under perf) */
    const double *restrict t0s = ev->c_t0, *restrict hs = ev->c_h, *restrict ihs = ev->c_ih, *restrict cp = ev->c_cp;
    for (int r = 0; r < n; r += 2) {
        const int rb = r + 1 < n ? r + 1 : r; /* an odd last row: computed twice, the same bits */
        const size_t qa = (size_t)ev->c_rows[r] * S, pa = (size_t)r * S;
        const size_t qb = (size_t)ev->c_rows[rb] * S, pb = (size_t)rb * S;
#pragma omp simd
        for (int l = 0; l < S; l++) {
            const double h = hs[l];
            const double s = (t - t0s[l]) * ihs[l];
            const double s2 = s * s, s3 = s2 * s;
            const double c00 = 2 * s3 - 3 * s2 + 1, c10 = (s3 - 2 * s2 + s) * h;
            const double c01 = -2 * s3 + 3 * s2, c11 = (s3 - s2) * h;
            const double va = c00 * XS[pa + l] + c10 * FS[pa + l] + c01 * XE[pa + l] + c11 * FE[pa + l];
            const double vb = c00 * XS[pb + l] + c10 * FS[pb + l] + c01 * XE[pb + l] + c11 * FE[pb + l];
            /* the state loaded for every lane: a load under a condition keeps the loop scalar
             * without masked loads */
            const double xa = XC[qa + l], xb = XC[qb + l];
            xout[qa + l] = cp[l] != 0.0 ? xa : va;
            xout[qb + l] = cp[l] != 0.0 ? xb : vb;
        }
    }
}

void ds_evolver_interp(ds_evolver *ev, double t, double *xout) { ds_evolver_interp_rows(ev, t, NULL, ev->w.nx, xout); }

const double *ds_evolver_state(const ds_evolver *ev) { return ev->w.x; }
const double *ds_evolver_time(const ds_evolver *ev) { return ev->w.t; }
const ds_lane_stats *ds_evolver_stats(const ds_evolver *ev) { return &ev->w.st; }
int64_t ds_evolver_rounds(const ds_evolver *ev) { return ev->rounds; }
int64_t ds_evolver_newton_rounds(const ds_evolver *ev) { return ev->w.newton_rounds; }
const unsigned char *ds_evolver_lane_status(const ds_evolver *ev) { return ev->shown; }

double ds_evolver_failure(const ds_evolver *ev, int lane, const char **var)
{
    int v = ev->fail_var[lane];
    *var = v >= 0 && ev->w.sys.var_name[v] ? ev->w.sys.var_name[v] : "?";
    return ev->fail_t[lane];
}
