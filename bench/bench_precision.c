/* Work against precision on the stiff chain: one day of scenarios/chain_day.yaml (five
 * levels with muscles), run through the program's own path at several tolerances, each run's
 * recorded pressures compared with a run at rtol = atol = 1e-10 (of TR-BDF2, or of the method
 * asked for; TR-BDF2's and ESDIRK3's agree to 1e-8). discsim's methods are TR-BDF2 and
 * ESDIRK3, or the one --method names. Reports
 * the error over the whole trajectory (the largest difference of the recorded L1-L2 ... L5-S1
 * nucleus pressures, relative to each level's largest), the solver's counts and the wall time
 * (best of --reps), so methods and settings compare at equal accuracy, not at equal rtol.
 *
 * With --cvode, SUNDIALS CVODE (BDF of maximum order 5 without and with stability limit
 * detection, and of maximum order 2) and ARKODE's ARKStep (implicit only, its default DIRK of
 * order 3, the table of discsim's esdirk3); dense direct solver on the same
 * analytic Jacobian, tolerances atol * scale_i as discsim's) runs the same day on the same
 * right-hand side: the same segments (each phase's ramp, then its posture; re-initialised at
 * each, as discsim's steppers restart there), records every minute from its own dense output,
 * observed by the same code. Its errors are against the same reference. Wall times here are
 * the day's run with its summaries and without a file: discsim's (which then observes only
 * what its summaries need, as --record summary does), and the peers' with the same
 * observation and summaries at every record (the same code), without the observation of every
 * level that measures their error.
 *
 * With --subjects N, a heterogeneous cohort (bench_cohort's draws of conductance, swelling
 * pressure, tone and body mass): discsim runs it in blocks of 8 lanes on one thread, each
 * peer one subject at a time; the error is the largest over subjects, the counts and times
 * are per subject (so the times compare a subject-day batched with one alone). With --cvode
 * CVODE also runs the cohort batched, as one system of all subjects one after the other
 * (cvode_bdf5s_batch, cvode_bdf2_batch: its band solver on the block-diagonal matrix of
 * half-bandwidth 2b - 1; one step size and error norm for all; its counts are the system's,
 * its time per subject).
 *
 * --check makes it a test (CTest runs it at rtol 1e-5 with the peers): it fails when any
 * solver's error exceeds CHECK_CLASS times its rtol, or a solver fails, so the benchmark
 * never compares wrong answers.
 *
 * Usage: bench_precision [--variant inertial|quasi_static] [--method NAME] [--reps N]
 *                        [--rtol R]... [--ladder] [--cvode] [--check] [--scenario FILE]
 *                        [--csv FILE] [--subjects N]
 *                        (--ladder: rtol 1e-3, 1e-4, ... 1e-9, the work-precision ladder;
 *                        the default is 1e-5, 4e-6, 1e-6, 5e-7, where the solvers meet)
 *                        (--csv: the same rows, tagged with CPU model, instruction set,
 *                        compiler, commit and date; run from the
 *                        repository root; the scenario's first day, chain_day.yaml by default) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>


#include <arkode/arkode_arkstep.h>

#include "discsim/clock.h"
#include "cohort_draws.h"
#include "sundials_peer.h"
#include "bench_data.h"
#include "discsim//discsim.h"
#include "physics/spine.h"

/* The tolerance class: a run whose error exceeds this many times its rtol is wrong, not
 * merely inaccurate (global errors over a day run to a few times the local tolerance). */
static const double CHECK_CLASS = 30.0;

/* The problem: the scenario, its levels and its number of records (from the reference run). */
static const char *scenario = "scenarios/chain_day.yaml";
static int nlev, nrec;
/* --subjects N: a heterogeneous cohort (bench_cohort's draws), discsim's in blocks of 8 lanes
 * on one thread, each peer one subject at a time; the errors are the largest over subjects,
 * the counts and times per subject */
static int nsubj = 1;
static char cohort[600];
static char level[DS_MAX_LEVELS][16];

static int load(const char *variant, const char *method, double rtol, ds_scenario *sc)
{
    char v[64], m[64], r[64], a[64];
    snprintf(v, sizeof v, "variant=%s", variant);
    snprintf(m, sizeof m, "solver.method=%s", method);
    snprintf(r, sizeof r, "solver.rtol=%g", rtol);
    snprintf(a, sizeof a, "solver.atol=%g", rtol);
    const char *set[] = {"timeline.repeat=1", v, m, r, a, cohort};
    ds_error err = {0};
    if (ds_scenario_load(bench_data(scenario, 0), nsubj > 1 ? 6 : 5, set, sc, &err)) {
        fprintf(stderr, "bench_precision: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* One run at rtol = atol = rtol: into out (out NULL: no file, the simulation's wall time). */
static int run(const char *variant, const char *method, double rtol, const char *out, double *wall)
{
    ds_scenario sc;
    if (load(variant, method, rtol, &sc))
        return -1;
    ds_error err = {0};
    ds_run_opts o = {.block = 8};
    ds_run_result res;
    ds_summary sum;
    double t0 = ds_seconds();
    ds_status s = out ? ds_run(&sc, out, &o, &res, &err) : ds_run_stream(&sc, NULL, "", &o, &res, &sum, &err);
    *wall = ds_seconds() - t0;
    if (!out && !s)
        ds_summary_free(&sum);
    if (s)
        fprintf(stderr, "bench_precision: %s\n", err.msg);
    ds_scenario_free(&sc);
    return s ? -1 : 0;
}

/* CVODE on the chain: one subject (one lane of its model), or a cohort batched as one
 * system whose vector holds the subjects one after the other (a lane each). */
typedef struct {
    const ds_model *m;
    ds_data d;
    ds_system sys;
    int nsub;                 /* subjects in the peer's vector */
    double *x, *f, *J, *t;    /* the lanes' state, slope and Jacobian ([nx][stride]), times */
    signed char *flag;
    long nrhs, njac;
} cv_ctx;

/* Lane l holds subject l of y (padded lanes the first one, so that they stay finite). */
static void to_lanes(cv_ctx *c, double t, const double *y)
{
    const int S = c->m->stride, nx = c->sys.nx;
    for (int l = 0; l < S; l++)
        c->t[l] = t;
    for (int i = 0; i < nx; i++)
        for (int l = 0; l < S; l++)
            c->x[i * S + l] = y[(l < c->nsub ? l : 0) * nx + i];
}

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *p)
{
    cv_ctx *c = p;
    const int S = c->m->stride, nx = c->sys.nx;
    memset(c->flag, 0, (size_t)S);
    to_lanes(c, t, N_VGetArrayPointer(y));
    c->sys.rhs(c->sys.ctx, c->t, c->x, c->f, c->flag);
    double *f = N_VGetArrayPointer(ydot);
    int bad = 0;
    for (int l = 0; l < c->nsub; l++) {
        for (int i = 0; i < nx; i++)
            f[l * nx + i] = c->f[i * S + l];
        bad |= c->flag[l] != 0;
    }
    c->nrhs++;
    return bad;
}

static int cv_jac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix Jm, void *p, N_Vector t1, N_Vector t2, N_Vector t3)
{
    (void)fy, (void)t1, (void)t2, (void)t3;
    cv_ctx *c = p;
    const int S = c->m->stride, nx = c->sys.nx, b = c->sys.block;
    to_lanes(c, t, N_VGetArrayPointer(y));
    c->sys.jac(c->sys.ctx, c->t, c->x, c->J);
    if (c->nsub == 1) {
        for (int r = 0; r < nx; r++)
            for (int col = 0; col < nx; col++)
                SM_ELEMENT_D(Jm, r, col) = peer_jac_entry(&c->sys, c->J, S, r, col);
    } else { /* block-diagonal over subjects, each block-tridiagonal: within the band 2b - 1 */
        SUNMatZero(Jm);
        for (int l = 0; l < c->nsub; l++)
            for (int r = 0; r < nx; r++)
                for (int col = r - (2 * b - 1); col <= r + 2 * b - 1; col++)
                    if (col >= 0 && col < nx)
                        SM_ELEMENT_B(Jm, l * nx + r, l * nx + col) = peer_jac_entry(&c->sys, c->J + l, S, r, col);
    }
    c->njac++;
    return 0;
}

/* The loads of posture pa ramping to pb over [t0, t1] (t0 == t1: pb held). */
static void segment(cv_ctx *c, double t0, double t1, const ds_posture_params *pa, const ds_posture_params *pb)
{
    ds_load_segment *sg = &c->d.seg;
    sg->t0 = t0;
    sg->t1 = t1;
    sg->pa = *pa;
    sg->pb = *pb;
    sg->dynamic = 0;
    ds_posture_loads(c->m, pa, 1, &sg->from);
    ds_posture_loads(c->m, pb, 1, &sg->to);
}

/* A SUNDIALS peer: CVODE's BDF or ARKODE's ARKStep (implicit only). */
typedef struct {
    const char *name;
    int cvode; /* 1: CVODE BDF; 0: ARKStep */
    int order; /* CVODE: the maximum order; ARKStep: the DIRK table's order */
    int stald; /* CVODE: stability limit detection */
    int batch; /* 1: the cohort as one system (band solver), else one subject at a time */
} peer;

static void peer_free(const peer *pk, void **mem)
{
    if (pk->cvode)
        CVodeFree(mem);
    else
        ARKStepFree(mem);
}

static void *peer_create(const peer *pk, SUNContext ctx, cv_ctx *c, N_Vector v, N_Vector tol, double rtol,
                         SUNMatrix A, SUNLinearSolver LS)
{
    void *mem;
    int bad;
    if (pk->cvode) {
        mem = CVodeCreate(CV_BDF, ctx);
        bad = !mem || CVodeInit(mem, cv_rhs, 0.0, v) || CVodeSetUserData(mem, c) || CVodeSVtolerances(mem, rtol, tol) ||
              CVodeSetLinearSolver(mem, LS, A) || CVodeSetJacFn(mem, cv_jac) || CVodeSetMaxOrd(mem, pk->order) ||
              CVodeSetMaxNumSteps(mem, 1000000) || CVodeSetErrFile(mem, NULL) ||
              CVodeSetStabLimDet(mem, pk->stald ? SUNTRUE : SUNFALSE);
    } else {
        mem = ARKStepCreate(NULL, cv_rhs, 0.0, v, ctx);
        bad = !mem || ARKStepSetUserData(mem, c) || ARKStepSVtolerances(mem, rtol, tol) ||
              ARKStepSetLinearSolver(mem, LS, A) || ARKStepSetJacFn(mem, cv_jac) || ARKStepSetOrder(mem, pk->order) ||
              ARKStepSetMaxNumSteps(mem, 1000000) || ARKStepSetErrFile(mem, NULL);
    }
    if (bad && mem)
        peer_free(pk, &mem);
    return bad ? NULL : mem;
}

static int peer_restart(const peer *pk, void *mem, double t, N_Vector v, double stop)
{
    if (pk->cvode)
        return CVodeReInit(mem, t, v) || CVodeSetStopTime(mem, stop);
    return ARKStepReInit(mem, NULL, cv_rhs, t, v) || ARKStepSetStopTime(mem, stop);
}

static int peer_evolve(const peer *pk, void *mem, double tout, N_Vector v, double *t)
{
    sunrealtype tr = *t;
    int f = pk->cvode ? CVode(mem, tout, v, &tr, CV_NORMAL) : ARKStepEvolve(mem, tout, v, &tr, ARK_NORMAL);
    *t = tr;
    return f < 0 ? -1 : 0;
}

/* Adds the steps and rejected steps (error test or nonlinear solver) since the last restart. */
static void peer_counts(const peer *pk, void *mem, long *steps, long *rejected)
{
    long nst = 0, netf = 0, nncf = 0;
    if (pk->cvode) {
        CVodeGetNumSteps(mem, &nst);
        CVodeGetNumErrTestFails(mem, &netf);
        CVodeGetNumNonlinSolvConvFails(mem, &nncf);
    } else {
        ARKStepGetNumSteps(mem, &nst);
        ARKStepGetNumErrTestFails(mem, &netf);
        ARKStepGetNumNonlinSolvConvFails(mem, &nncf);
    }
    *steps += nst;
    *rejected += netf + nncf;
}

/* Integrates [a, b] and records the pressures at the record times in (a, b] (*k: the next
 * record), and at each record the summaries of level hl into sum, as discsim's run makes
 * them; 0 on success. The time spent observing the pressures (the whole model's outputs, for
 * the error) is added to *obs: it is left out of the peer's time, which is then what
 * discsim's is: the integration, the records' interpolation and the summaries. */
static int peer_span(const peer *pk, cv_ctx *c, void *mem, N_Vector v, double a, double b, double dt_rec, long *k,
                     double *P, double *obs, ds_summary *sum, int hl)
{
    const int S = c->m->stride, nl = c->m->nlevel;
    double t = a;
    if (peer_restart(pk, mem, a, v, b))
        return -1;
    for (; (double)*k * dt_rec <= b + 1e-9; (*k)++) {
        double tr = fmin((double)*k * dt_rec, b);
        if (peer_evolve(pk, mem, tr, v, &t))
            return -1;
        /* what discsim's run does at a record for its summaries (record_block's summaries-only
         * path): the level's observation, then the summaries' accumulation */
        to_lanes(c, tr, N_VGetArrayPointer(v));
        ds_spine_observe_level(c->m, &c->d, tr, c->x, hl);
        const double *o = c->d.out + (size_t)hl * DS_NLEVEL_OUTPUTS * S;
        ds_summary_add_lanes(sum, 0, c->nsub, tr, c->d.root + (size_t)DS_ROOT_contact_pressure_mmHg * S,
                             c->d.root + (size_t)DS_ROOT_protrusion * S, o + (size_t)DS_OUT_pressure * S,
                             o + (size_t)DS_OUT_height * S);
        /* the error's observation, every level's pressure: not timed */
        const double o0 = ds_seconds();
        ds_spine_observe(c->m, &c->d, tr, c->x);
        for (int i = 0; i < nl; i++)
            for (int l = 0; l < c->nsub; l++)
                P[((size_t)i * nsubj + l) * nrec + *k] = c->d.out[((size_t)i * DS_NLEVEL_OUTPUTS + DS_OUT_pressure) * S + l];
        *obs += ds_seconds() - o0;
    }
    if (t < b && peer_evolve(pk, mem, b, v, &t))
        return -1;
    return 0;
}

static void ctx_free(cv_ctx *c)
{
    if (!c)
        return;
    free(c->x);
    free(c->f);
    free(c->J);
    free(c->t);
    free(c->flag);
    free(c);
}

/* The scenario's timeline with a peer for subject s (a batched peer: all subjects, s = 0);
 * P [level][subject][record]. Counts into st (steps, rejected, rhs, jac), the wall time into
 * *wall. */
static int run_peer(const char *variant, const peer *pk, double rtol, int s, double *P, long st[4], double *wall)
{
    ds_scenario sc;
    if (load(variant, "trbdf2", rtol, &sc))
        return -1;
    P += (size_t)s * nrec;
    const int ns = pk->batch ? nsubj : 1;
    /* timed from the compiled scenario, as discsim's run is: the subject's lanes, the data,
     * the solver's set-up and the day */
    double t0 = ds_seconds();
    cv_ctx *c = calloc(1, sizeof *c);
    ds_model lane; /* the subjects' parameters, a lane each */
    ds_error err;
    int bad = !c || ds_scenario_lanes(&sc, s, ns, &lane, &err);
    if (!bad && ds_data_create(&lane, &c->d, &err)) {
        ds_model_free(&lane);
        bad = 1;
    }
    SUNContext ctx = NULL;
    bad = bad || SUNContext_Create(NULL, &ctx);
    if (bad) {
        ctx_free(c);
        ds_scenario_free(&sc);
        return -1;
    }
    c->m = &lane;
    c->nsub = ns;
    ds_spine_system(&lane, &c->d, &c->sys);
    const int nx = c->sys.nx, S = lane.stride, b = c->sys.block, N = ns * nx;
    c->x = malloc((size_t)nx * S * sizeof(double));
    c->f = malloc((size_t)nx * S * sizeof(double));
    c->J = calloc((size_t)3 * nx * b * S, sizeof(double));
    c->t = malloc((size_t)S * sizeof(double));
    c->flag = malloc((size_t)S);
    N_Vector v = N_VNew_Serial(N, ctx), tol = N_VNew_Serial(N, ctx);
    SUNMatrix A = ns == 1 ? SUNDenseMatrix(nx, nx, ctx) : SUNBandMatrix(N, 2 * b - 1, 2 * b - 1, ctx);
    SUNLinearSolver LS = ns == 1 ? SUNLinSol_Dense(v, A, ctx) : SUNLinSol_Band(v, A, ctx);
    /* drained equilibrium in the initial posture, as the driver starts */
    segment(c, 0.0, 0.0, &sc.initial, &sc.initial);
    bad = !v || !tol || !A || !LS || !c->x || !c->f || !c->J || !c->t || !c->flag ||
          ds_spine_equilibrium(&lane, c->d.seg.to.load, c->d.seg.to.act, c->d.x, &err) != DS_OK;
    for (int l = 0; !bad && l < ns; l++)
        for (int i = 0; i < nx; i++) {
            NV_Ith_S(v, l * nx + i) = c->d.x[i * S + l];
            NV_Ith_S(tol, l * nx + i) = rtol * c->sys.scale[i];
        }
    void *mem = bad ? NULL : peer_create(pk, ctx, c, v, tol, rtol, A, LS);
    bad = bad || !mem;
    long k = 1;
    double obs = 0.0;
    st[0] = st[1] = st[2] = st[3] = 0;
    /* the summaries of discsim's run: the same window, level and accumulators */
    const int hl = lane.site.enabled ? lane.site.level : 0;
    const double T = ds_scenario_duration(&sc);
    ds_summary sum;
    const int have_sum =
        !bad && !ds_summary_init(&sum, &lane, ns, sc.summary_from, sc.summary_to < 0 ? T : sc.summary_to, &err);
    bad = bad || !have_sum;
    if (!bad) {
        to_lanes(c, 0.0, N_VGetArrayPointer(v));
        ds_spine_observe(c->m, &c->d, 0.0, c->x);
        for (int i = 0; i < lane.nlevel; i++)
            for (int l = 0; l < ns; l++)
                P[((size_t)i * nsubj + l) * nrec] = c->d.out[((size_t)i * DS_NLEVEL_OUTPUTS + DS_OUT_pressure) * S + l];
    }
    double t = 0.0;
    const ds_posture_params *prev = &sc.initial;
    for (int p = 0; p < sc.nphase && !bad; p++) {
        const ds_posture_params *now_p = &sc.phase[p].p;
        for (int half = 0; half < 2 && !bad; half++) {
            const double a = half ? t + sc.ramp : t, b = half ? t + sc.phase[p].duration : t + sc.ramp;
            if (half)
                segment(c, a, a, now_p, now_p);
            else
                segment(c, a, b, prev, now_p);
            bad = peer_span(pk, c, mem, v, a, b, sc.record_interval, &k, P, &obs, &sum, hl) != 0;
            peer_counts(pk, mem, &st[0], &st[1]);
        }
        t += sc.phase[p].duration;
        prev = now_p;
    }
    if (have_sum)
        ds_summary_finish(&sum);
    *wall = ds_seconds() - t0 - obs;
    if (have_sum)
        ds_summary_free(&sum);
    st[2] = c->nrhs;
    st[3] = c->njac;
    if (mem)
        peer_free(pk, &mem);
    peer_release(LS, A, v, tol, &ctx);
    ds_data_free(&c->d);
    ds_model_free(&lane);
    ctx_free(c);
    ds_scenario_free(&sc);
    return bad || k != nrec ? -1 : 0;
}

/* The largest difference of P [level][subject][record] from the reference file's pressures,
 * relative to each subject's largest at that level. */
static double error_of(const char *ref, const double *P)
{
    double worst = 0.0;
    for (int i = 0; i < nlev; i++) {
        char path[128];
        snprintf(path, sizeof path, "/levels/%s/pressure", level[i]);
        double *x = NULL;
        size_t n;
        ds_error err;
        if (ds_h5_read_flat(ref, path, &n, &x, &err) || n != (size_t)nsubj * nrec) {
            free(x);
            return NAN;
        }
        for (int s = 0; s < nsubj; s++) {
            const double *xs = x + (size_t)s * nrec, *ps = P + ((size_t)i * nsubj + s) * nrec;
            double top = 0.0, e = 0.0;
            for (int k = 0; k < nrec; k++) {
                top = fmax(top, fabs(xs[k]));
                e = fmax(e, fabs(xs[k] - ps[k]));
            }
            worst = fmax(worst, e / top);
        }
        free(x);
    }
    return worst;
}

/* A solver count of the file, per subject. */
static double count(const char *file, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "/meta/solver/%s", name);
    double *v = NULL, c = NAN;
    size_t n;
    ds_error err;
    if (!ds_h5_read_flat(file, path, &n, &v, &err) && n > 0) {
        c = 0.0;
        for (size_t j = 0; j < n; j++)
            c += v[j];
        c /= (double)n;
    }
    free(v);
    return c;
}

/* The largest difference of the recorded pressures of a from those of ref, relative to
 * each level's largest. */
static double error(const char *ref, const char *a)
{
    const size_t per = (size_t)nsubj * nrec;
    double *P = malloc((size_t)nlev * per * sizeof *P), e = NAN;
    int ok = P != NULL;
    for (int i = 0; ok && i < nlev; i++) {
        char path[128];
        snprintf(path, sizeof path, "/levels/%s/pressure", level[i]);
        double *y = NULL;
        size_t n = 0;
        ds_error err;
        ok = !ds_h5_read_flat(a, path, &n, &y, &err) && n == per;
        if (ok)
            memcpy(P + (size_t)i * per, y, per * sizeof *P);
        free(y);
    }
    if (ok)
        e = error_of(ref, P);
    free(P);
    return e;
}

/* A configuration of the benchmark: a discsim method or a peer at an rtol, its error, counts
 * (per subject) and best time (per subject-day). */
typedef struct {
    const peer *pk; /* NULL: discsim's method */
    const char *name;
    double rtol, e, best, n[6];
    int failed;
} config;

/* One timed repetition of configuration c (a peer's: every subject, one after the other, its
 * pressures into P and its counts into c->n); nonzero if discsim's run failed. */
static int time_one(const char *variant, config *c, double *P)
{
    double sum = 0.0, wall;
    if (!c->pk) {
        if (run(variant, c->name, c->rtol, NULL, &sum))
            return 1;
    } else {
        long st[4] = {0, 0, 0, 0}, tot[4] = {0, 0, 0, 0};
        for (int sj = 0; sj < (c->pk->batch ? 1 : nsubj) && !c->failed; sj++) {
            c->failed = run_peer(variant, c->pk, c->rtol, sj, P, st, &wall) != 0;
            sum += wall;
            for (int j = 0; j < 4; j++)
                tot[j] += st[j];
        }
        const int per = c->pk->batch ? 1 : nsubj; /* a batch's counts are its system's */
        for (int j = 0; j < 4; j++)
            c->n[j] = (double)((tot[j] + per / 2) / per); /* per subject */
    }
    c->best = fmin(c->best, sum / nsubj);
    return 0;
}

int main(int argc, char **argv)
{
    const char *variant = "inertial", *method = NULL;
    int reps = 3, nr = 0, cvode = 0, check = 0, wrong = 0;
    const char *csv = NULL;
    double rtol[16];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--variant") && i + 1 < argc)
            variant = argv[++i];
        else if (!strcmp(argv[i], "--method") && i + 1 < argc)
            method = argv[++i];
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rtol") && i + 1 < argc && nr < 16)
            rtol[nr++] = atof(argv[++i]);
        else if (!strcmp(argv[i], "--cvode"))
            cvode = 1;
        else if (!strcmp(argv[i], "--check"))
            check = 1;
        else if (!strcmp(argv[i], "--scenario") && i + 1 < argc)
            scenario = argv[++i];
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc)
            csv = argv[++i];
        else if (!strcmp(argv[i], "--subjects") && i + 1 < argc && atoi(argv[i + 1]) > 0)
            nsubj = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--ladder")) /* the full work-precision ladder */
            for (double r = 1e-3; r > 0.5e-9 && nr < 16; r /= 10.0)
                rtol[nr++] = r;
        else
            return bench_usage(argv[i], "usage: bench_precision [--variant inertial|quasi_static] [--method NAME] [--reps N] "
                            "[--rtol R]... [--ladder] [--cvode] [--check] [--scenario FILE] [--csv FILE] "
                            "[--subjects N]\n");
    }
    bench_cohort_set(cohort, sizeof cohort, nsubj);
    if (!nr) {
        static const double def[] = {1e-5, 4e-6, 1e-6, 5e-7};
        for (nr = 0; nr < 4; nr++)
            rtol[nr] = def[nr];
    }
    char ref[64], out[64];
    snprintf(ref, sizeof ref, "/tmp/bench_precision_ref_%d.h5", (int)getpid());
    snprintf(out, sizeof out, "/tmp/bench_precision_%d.h5", (int)getpid());
    /* discsim's adaptive implicit methods, or the one asked for; the reference is the first's */
    const char *methods[2] = {"trbdf2", "esdirk3"};
    int nm = 2;
    if (method)
        methods[0] = method, nm = 1;
    double wall;
    ds_scenario shape;
    if (load(variant, methods[0], 1e-10, &shape))
        return 1;
    nlev = shape.nlevel;
    nrec = (int)ds_run_records(&shape);
    for (int i = 0; i < nlev; i++)
        snprintf(level[i], sizeof level[i], "%s", ds_level_names[shape.level_id[i]]);
    ds_scenario_free(&shape);
    if (run(variant, methods[0], 1e-10, ref, &wall))
        return 1;
    printf("discsim %s (%s): %s (its timeline once), %s; error against %s at rtol 1e-10, best of %d\n", ds_version(),
           ds_git_commit(), scenario, variant, methods[0], reps);
    if (nsubj > 1)
        printf("%d heterogeneous subjects: discsim in blocks of 8 lanes, peers one subject at a time, one thread; "
               "error the largest over subjects, counts and times per subject\n",
               nsubj);
    printf("%-17s %8s %10s %7s %9s %10s %10s %9s %9s %9s\n", "solver", "rtol", "error", "steps", "rejected",
           "RHS evals", "Jacobians", "factors", "Newton", "sim (s)");
    FILE *cf = csv ? fopen(csv, "w") : NULL;
    if (csv && !cf) {
        fprintf(stderr, "bench_precision: cannot write %s\n", csv);
        return 1;
    }
    char tag[1024] = "";
    if (cf) { /* every row carries the machine and the build it was measured on */
        char machine[800];
        bench_machine_tag(machine, sizeof machine);
        snprintf(tag, sizeof tag, "%s,%s,%s,%d", machine, scenario, variant, nsubj);
        fprintf(cf, "commit,date,cpu,os,compiler,isa,scenario,variant,subjects,solver,rtol,error,steps,rejected,"
                    "rhs_evals,jac_evals,factorizations,newton_iters,sim_s,failed\n");
    }
    /* every configuration (discsim's methods, then the peers, each at every rtol), run once for
     * its error and counts, then timed: the repetitions go round all configurations in turn,
     * so that a busy spell of the machine falls on all of them alike rather than on whichever
     * ran then, and each keeps its best */
    static const peer peers[] = {{"cvode_bdf5", 1, 5, 0, 0},        {"cvode_bdf5s", 1, 5, 1, 0},
                                 {"cvode_bdf2", 1, 2, 0, 0},        {"arkode_dirk3", 0, 3, 0, 0},
                                 {"cvode_bdf5s_batch", 1, 5, 1, 1}, {"cvode_bdf2_batch", 1, 2, 0, 1}};
    const int npeer = cvode ? (int)(sizeof peers / sizeof peers[0]) - (nsubj > 1 ? 0 : 2) : 0; /* batches of a cohort */
    const int nc = (nm + npeer) * nr;
    config *cs = calloc((size_t)nc, sizeof *cs);
    double *P = npeer ? malloc((size_t)nlev * nsubj * nrec * sizeof *P) : NULL;
    if (!cs || (npeer && !P)) {
        fprintf(stderr, "bench_precision: out of memory\n");
        return 1;
    }
    for (int q = 0; q < nc; q++) {
        const int who = q / nr;
        cs[q] = (config){.pk = who < nm ? NULL : &peers[who - nm], .rtol = rtol[q % nr], .best = INFINITY};
        cs[q].name = cs[q].pk ? cs[q].pk->name : methods[who];
    }
    int bad = 0;
    for (int q = 0; q < nc && !bad; q++) { /* the untimed run: error and counts */
        config *c = &cs[q];
        if (c->pk) { /* a peer's error is its first timed repetition's */
            bad = time_one(variant, c, P);
            c->e = c->failed ? NAN : error_of(ref, P);
            continue;
        }
        if (run(variant, c->name, c->rtol, out, &wall)) { /* refused or failed: reported (below), not hidden */
            c->failed = 1;
            continue;
        }
        c->e = error(ref, out);
        static const char *const names[6] = {"steps", "rejected", "rhs_evals", "jac_evals", "factorizations",
                                             "newton_iters"};
        for (int j = 0; j < 6; j++)
            c->n[j] = count(out, names[j]);
    }
    for (int r = 0; r < reps && !bad; r++)
        for (int q = 0; q < nc && !bad; q++) {
            config *c = &cs[q];
            if (!c->failed && !(c->pk && r == 0)) /* a peer's first repetition gave its error */
                bad = time_one(variant, c, P);
        }
    for (int q = 0; q < nc && !bad; q++) {
        const config *c = &cs[q];
        wrong += check && (c->failed || !(c->e <= CHECK_CLASS * c->rtol));
        if (!c->pk && c->failed) {
            printf("%-17s %8.0e   REFUSED OR FAILED (the message above)\n", c->name, c->rtol);
            if (cf)
                fprintf(cf, "%s,%s,%g,,,,,,,,,1\n", tag, c->name, c->rtol);
        } else if (!c->pk) {
            printf("%-17s %8.0e %10.2e %7.0f %9.0f %10.0f %10.0f %9.0f %9.0f %9.5f\n", c->name, c->rtol, c->e,
                   c->n[0], c->n[1], c->n[2], c->n[3], c->n[4], c->n[5], c->best);
            if (cf)
                fprintf(cf, "%s,%s,%g,%.3e,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.6f,0\n", tag, c->name, c->rtol, c->e,
                        c->n[0], c->n[1], c->n[2], c->n[3], c->n[4], c->n[5], c->best);
        } else {
            if (c->failed) /* reported, not hidden; the other runs went on */
                printf("%-17s %8.0e   FAILED (%.0f steps before it stopped)\n", c->name, c->rtol, c->n[0]);
            else
                printf("%-17s %8.0e %10.2e %7.0f %9.0f %10.0f %10.0f %9s %9s %9.5f\n", c->name, c->rtol, c->e,
                       c->n[0], c->n[1], c->n[2], c->n[3], "-", "-", c->best);
            if (cf)
                fprintf(cf, "%s,%s,%g,%.3e,%.0f,%.0f,%.0f,%.0f,,,%.6f,%d\n", tag, c->name, c->rtol, c->e, c->n[0],
                        c->n[1], c->n[2], c->n[3], c->best, c->failed);
        }
    }
    free(cs);
    if (cf)
        fclose(cf);
    free(P);
    unlink(ref);
    unlink(out);
    if (wrong)
        fprintf(stderr, "bench_precision: %d run(s) missed the reference by more than %g times their rtol\n", wrong,
                CHECK_CLASS);
    return bad || wrong;
}
