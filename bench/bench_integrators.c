/* Integrator benchmark on the real stiff problem: a scenario's days at one disc level,
 * every discsim method, GSL odeiv2 peers (rk8pd, rkf45, msbdf, rk4imp, bsimp) and SUNDIALS CVODE (BDF of
 * maximum order 5 and 2, dense direct solver on the same analytic Jacobian, re-initialised
 * at every segment as discsim's steppers restart there) run in the same process on the same
 * right-hand side, segments and tolerances. Reports steps, rejections, RHS and
 * Jacobian evaluations, the end-of-run error against a tight rk8pd reference, wall time
 * (best of N) and the time ratio to GSL msbdf, as a table and as CSV tagged with commit,
 * date, machine and compiler.
 *
 * Usage: bench_integrators [SCENARIO] [--days N] [--rtol R] [--reps N] [--csv FILE] */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "discsim/clock.h"
#include "sundials_peer.h"
#include "bench_data.h"
#include "discsim//discsim.h"
#include "physics/spine.h"

typedef struct {
    double a, b, from, to;
    int ramp;
} seg;

/* The scenario's phases as load segments at its first level (ramp, then constant), with
 * the loads of the static load model (lane 0). */
static int segments(const ds_scenario *sc, ds_data *d, int days, seg **out)
{
    int n = 2 * sc->nphase * days;
    seg *s = malloc((size_t)n * sizeof *s);
    const ds_model *m = &sc->model;
    ds_posture_loads(m, &sc->initial, 1, &d->seg.to);
    double t = 0.0, prev = d->seg.to.load[0];
    int k = 0;
    for (int r = 0; r < days; r++)
        for (int p = 0; p < sc->nphase; p++) {
            ds_posture_loads(m, &sc->phase[p].p, 1, &d->seg.to);
            double L = d->seg.to.load[0];
            s[k++] = (seg){t, t + sc->ramp, prev, L, 1};
            s[k++] = (seg){t + sc->ramp, t + sc->phase[p].duration, L, L, 0};
            t += sc->phase[p].duration;
            prev = L;
        }
    *out = s;
    return n;
}

typedef struct {
    const char *solver;
    double h;
    int64_t steps, rejected, rhs, jac;
    double err, wall;
    int ok;
} result;

typedef struct {
    ds_model *m;
    ds_data *d;
    ds_system *sys;
    double x[DS_MAX_NX * DS_LANE_ALIGN], f[DS_MAX_NX * DS_LANE_ALIGN], J[DS_MAX_NX * DS_MAX_NX * DS_LANE_ALIGN];
    double t[DS_LANE_ALIGN];
    int64_t nrhs, njac;
} gwrap;

static int g_rhs(double t, const double y[], double dydt[], void *p)
{
    gwrap *g = p;
    const int S = g->m->stride, nx = g->sys->nx;
    signed char flag[DS_LANE_ALIGN] = {0};
    for (int l = 0; l < S; l++)
        g->t[l] = t;
    for (int i = 0; i < nx; i++)
        g->x[i * S] = y[i];
    g->sys->rhs(g->sys->ctx, g->t, g->x, g->f, flag);
    for (int i = 0; i < nx; i++)
        dydt[i] = g->f[i * S];
    g->nrhs++;
    return flag[0] ? GSL_EBADFUNC : GSL_SUCCESS;
}

/* The analytic Jacobian of lane 0 at (t, y), dense and row-major. */
static void dense_jac(gwrap *g, double t, const double *y, double *dfdy)
{
    const int S = g->m->stride, nx = g->sys->nx;
    for (int l = 0; l < S; l++)
        g->t[l] = t;
    for (int i = 0; i < nx; i++)
        g->x[i * S] = y[i];
    g->sys->jac(g->sys->ctx, g->t, g->x, g->J);
    for (int r = 0; r < nx; r++)
        for (int c = 0; c < nx; c++)
            dfdy[r * nx + c] = peer_jac_entry(g->sys, g->J, S, r, c);
}

static int g_jac(double t, const double y[], double *dfdy, double dfdt[], void *p)
{
    gwrap *g = p;
    const int nx = g->sys->nx;
    dense_jac(g, t, y, dfdy);
    /* df/dt through the load ramp, by a central difference (GSL's implicit steppers want it) */
    double yp[DS_MAX_NX], fp[DS_MAX_NX], fm[DS_MAX_NX];
    memcpy(yp, y, (size_t)nx * sizeof(double));
    double dt = 1e-6;
    g_rhs(t + dt, yp, fp, p);
    g_rhs(t - dt, yp, fm, p);
    g->nrhs -= 2;
    for (int i = 0; i < nx; i++)
        dfdt[i] = (fp[i] - fm[i]) / (2 * dt);
    g->njac++;
    return GSL_SUCCESS;
}

/* One run of a GSL stepper over the segments; y holds the final state. */
static int run_gsl(ds_model *m, ds_data *d, ds_system *sys, const gsl_odeiv2_step_type *T, double rtol, double atol,
                   const seg *sg, int nseg, double *y, result *r)
{
    gwrap g = {.m = m, .d = d, .sys = sys};
    const int nx = sys->nx, S = m->stride;
    gsl_odeiv2_system gs = {g_rhs, g_jac, (size_t)nx, &g};
    gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_scaled_new(&gs, T, 1e-3, atol, rtol, 1.0, 0.0, sys->scale);
    /* an implicit stepper that needs a million steps in one segment has lost its way (rk4imp
     * on the quasi-static disc would run for hours): it is reported as failed. The explicit
     * ones need millions on the inertial variant, and get them. */
    if (T == gsl_odeiv2_step_rk4imp || T == gsl_odeiv2_step_bsimp || T == gsl_odeiv2_step_msbdf)
        gsl_odeiv2_driver_set_nmax(drv, 1000000);
    ds_error err;
    ds_segment_set(d, sg[0].a, sg[0].a, &sg[0].from, &sg[0].from);
    ds_spine_equilibrium(m, d->seg.to.load, d->seg.to.act, d->x, &err);
    for (int i = 0; i < nx; i++)
        y[i] = d->x[i * S];
    double t = sg[0].a;
    int ok = 1;
    for (int j = 0; j < nseg && ok; j++) {
        ds_segment_set(d, sg[j].a, sg[j].ramp ? sg[j].b : sg[j].a, &sg[j].from, &sg[j].to);
        gsl_odeiv2_driver_reset(drv);
        ok = gsl_odeiv2_driver_apply(drv, &t, sg[j].b, y) == GSL_SUCCESS;
        r->steps += (int64_t)drv->e->count;
        r->rejected += (int64_t)drv->e->failed_steps;
    }
    r->rhs = g.nrhs;
    r->jac = g.njac;
    gsl_odeiv2_driver_free(drv);
    return ok;
}

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *p)
{
    return g_rhs(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot), p) == GSL_SUCCESS ? 0 : 1; /* 1: recoverable */
}

static int cv_jac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *p, N_Vector t1, N_Vector t2, N_Vector t3)
{
    (void)fy, (void)t1, (void)t2, (void)t3;
    gwrap *g = p;
    const int nx = g->sys->nx;
    double dfdy[DS_MAX_NX * DS_MAX_NX];
    dense_jac(g, t, N_VGetArrayPointer(y), dfdy);
    for (int r = 0; r < nx; r++)
        for (int c = 0; c < nx; c++)
            SM_ELEMENT_D(J, r, c) = dfdy[r * nx + c];
    g->njac++;
    return 0;
}

/* One run of CVODE (BDF up to maxord, Newton with the dense solver on the analytic
 * Jacobian, tolerances atol * scale_i as discsim's), re-initialised at each segment. */
static int run_cvode(ds_model *m, ds_data *d, ds_system *sys, int maxord, double rtol, double atol, const seg *sg,
                     int nseg, double *y, result *r)
{
    gwrap g = {.m = m, .d = d, .sys = sys};
    const int nx = sys->nx, S = m->stride;
    SUNContext ctx = NULL;
    if (SUNContext_Create(NULL, &ctx))
        return 0;
    N_Vector v = N_VNew_Serial(nx, ctx), tol = N_VNew_Serial(nx, ctx);
    SUNMatrix A = SUNDenseMatrix(nx, nx, ctx);
    SUNLinearSolver LS = SUNLinSol_Dense(v, A, ctx);
    void *mem = CVodeCreate(CV_BDF, ctx);
    ds_error err;
    ds_segment_set(d, sg[0].a, sg[0].a, &sg[0].from, &sg[0].from);
    ds_spine_equilibrium(m, d->seg.to.load, d->seg.to.act, d->x, &err);
    for (int i = 0; i < nx; i++) {
        NV_Ith_S(v, i) = d->x[i * S];
        NV_Ith_S(tol, i) = atol * sys->scale[i];
    }
    int ok = v && tol && A && LS && mem && !CVodeInit(mem, cv_rhs, sg[0].a, v) && !CVodeSetUserData(mem, &g) &&
             !CVodeSVtolerances(mem, rtol, tol) && !CVodeSetLinearSolver(mem, LS, A) && !CVodeSetJacFn(mem, cv_jac) &&
             !CVodeSetMaxOrd(mem, maxord) && !CVodeSetMaxNumSteps(mem, 1000000) && !CVodeSetErrFile(mem, NULL);
    double t = sg[0].a;
    for (int j = 0; j < nseg && ok; j++) {
        ds_segment_set(d, sg[j].a, sg[j].ramp ? sg[j].b : sg[j].a, &sg[j].from, &sg[j].to);
        ok = !CVodeReInit(mem, t, v) && !CVodeSetStopTime(mem, sg[j].b) && CVode(mem, sg[j].b, v, &t, CV_NORMAL) >= 0;
        long nst = 0, netf = 0, nncf = 0;
        CVodeGetNumSteps(mem, &nst);
        CVodeGetNumErrTestFails(mem, &netf);
        CVodeGetNumNonlinSolvConvFails(mem, &nncf);
        r->steps += nst;
        r->rejected += netf + nncf;
    }
    for (int i = 0; v && i < nx; i++)
        y[i] = NV_Ith_S(v, i);
    r->rhs = g.nrhs; /* the right-hand sides CVODE asked for (none spent on difference quotients) */
    r->jac = g.njac;
    CVodeFree(&mem);
    peer_release(LS, A, v, tol, &ctx);
    return ok;
}

static int run_ours(ds_model *m, ds_data *d, ds_system *sys, ds_solver_opts o, const seg *sg, int nseg, double *y,
                    result *r)
{
    ds_evolver *ev;
    ds_error err;
    if (ds_evolver_create(sys, &o, &ev, &err))
        return 0;
    ds_segment_set(d, sg[0].a, sg[0].a, &sg[0].from, &sg[0].from);
    ds_spine_equilibrium(m, d->seg.to.load, d->seg.to.act, d->x, &err);
    ds_evolver_reset(ev, sg[0].a, d->x);
    int ok = 1;
    for (int j = 0; j < nseg && ok; j++) {
        ds_segment_set(d, sg[j].a, sg[j].ramp ? sg[j].b : sg[j].a, &sg[j].from, &sg[j].to);
        ok = ds_evolver_advance(ev, sg[j].b, sg[j].b, &err) == DS_OK;
    }
    const ds_lane_stats *st = ds_evolver_stats(ev);
    r->steps = st->steps[0];
    r->rejected = st->rejected[0];
    r->rhs = st->rhs_evals[0];
    r->jac = st->jac_evals[0];
    for (int i = 0; i < sys->nx; i++)
        y[i] = ds_evolver_state(ev)[i * m->stride];
    ds_evolver_free(ev);
    return ok;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL serves as the reference here: errors are returned, not aborted on */
    const char *scen = "scenarios/diurnal_l4l5.yaml", *csv = NULL;
    int days = 1, reps = 5;
    double rtol = 1e-6;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--days") && i + 1 < argc)
            days = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rtol") && i + 1 < argc)
            rtol = atof(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc)
            csv = argv[++i];
        else if (argv[i][0] != '-')
            scen = argv[i];
        else
            return bench_usage(argv[i], "usage: bench_integrators [SCENARIO] [--days N] [--rtol R] [--reps N] [--csv FILE]\n");
    }
    struct utsname u;
    uname(&u);
    char date[32];
    time_t tt = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&tt));
    FILE *cf = csv ? fopen(csv, "w") : NULL;
    if (cf)
        fprintf(cf, "commit,date,machine,compiler,variant,solver,step_s,rtol,steps,rejected,rhs_evals,jac_evals,"
                    "error_end,wall_s,ratio_to_msbdf\n");
    printf("discsim %s (%s), %s, %s %s, gcc %s, %d day(s) of %s, rtol = atol = %g, best of %d\n", ds_version(),
           ds_git_commit(), date, u.sysname, u.machine, __VERSION__, days, scen, rtol, reps);

    for (int variant = 0; variant < 2; variant++) {
        static const char *const set_qs[] = {"variant=quasi_static"}, *const set_in[] = {"variant=inertial"};
        ds_scenario sc;
        ds_error err;
        if (ds_scenario_load(bench_data(scen, 0), 1, variant ? set_in : set_qs, &sc, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 3;
        }
        sc.model.nlevel = 1; /* the first level of the scenario */
        ds_data d;
        ds_data_create(&sc.model, &d, &err);
        seg *sg;
        int nseg = segments(&sc, &d, days, &sg);
        ds_system sys;
        ds_spine_system(&sc.model, &d, &sys);
        const int nx = sys.nx;

        double yref[DS_MAX_NX], y[DS_MAX_NX];
        result ref = {0};
        run_gsl(&sc.model, &d, &sys, gsl_odeiv2_step_rk8pd, 1e-12, 1e-12, sg, nseg, yref, &ref);

        struct {
            const char *name;
            ds_method_id id;
            const gsl_odeiv2_step_type *gsl;
            double h_qs, h_in; /* fixed steps; 0 adaptive; < 0 skip */
            int cvode;         /* > 0: CVODE BDF of this maximum order */
        } runs[] = {
            {"euler", DS_EULER, NULL, 10.0, -1, 0},        {"rk4", DS_RK4, NULL, 60.0, -1, 0},
            {"dopri5", DS_DOPRI5, NULL, 0, 0, 0},          {"beuler", DS_BEULER, NULL, 10.0, 1.0, 0},
            {"trbdf2", DS_TRBDF2, NULL, 0, 0, 0},          {"esdirk3", DS_ESDIRK3, NULL, 0, 0, 0},
            {"gsl_rkf45", 0, gsl_odeiv2_step_rkf45, 0, 0, 0},
            {"gsl_rk8pd", 0, gsl_odeiv2_step_rk8pd, 0, 0, 0}, {"gsl_msbdf", 0, gsl_odeiv2_step_msbdf, 0, 0, 0},
            {"gsl_rk4imp", 0, gsl_odeiv2_step_rk4imp, 0, 0, 0}, {"gsl_bsimp", 0, gsl_odeiv2_step_bsimp, 0, 0, 0},
            {"cvode_bdf5", 0, NULL, 0, 0, 5},              {"cvode_bdf2", 0, NULL, 0, 0, 2},
        };
        const int nruns = sizeof runs / sizeof runs[0];
        result res[16];
        double msbdf_wall = NAN;
        for (int k = 0; k < nruns; k++) {
            double h = variant ? runs[k].h_in : runs[k].h_qs;
            result *r = &res[k];
            memset(r, 0, sizeof *r);
            r->solver = runs[k].name;
            r->h = h;
            r->wall = INFINITY;
            if (h < 0)
                continue;
            /* explicit methods on the inertial variant are limited by the 40 Hz mode: one rep */
            const int explicit_gsl = runs[k].gsl == gsl_odeiv2_step_rkf45 || runs[k].gsl == gsl_odeiv2_step_rk8pd;
            int nrep = variant && !runs[k].cvode && (runs[k].gsl ? explicit_gsl : runs[k].id == DS_DOPRI5) ? 1 : reps;
            for (int rep = 0; rep < nrep; rep++) {
                result rr = {0};
                double w0 = ds_seconds();
                if (runs[k].gsl)
                    rr.ok = run_gsl(&sc.model, &d, &sys, runs[k].gsl, rtol, rtol, sg, nseg, y, &rr);
                else if (runs[k].cvode)
                    rr.ok = run_cvode(&sc.model, &d, &sys, runs[k].cvode, rtol, rtol, sg, nseg, y, &rr);
                else {
                    ds_solver_opts o = ds_solver_defaults();
                    o.method = runs[k].id;
                    o.rtol = o.atol = rtol;
                    o.h_fixed = h;
                    rr.ok = run_ours(&sc.model, &d, &sys, o, sg, nseg, y, &rr);
                }
                double w = ds_seconds() - w0;
                rr.solver = r->solver;
                rr.h = h;
                rr.wall = w < r->wall ? w : r->wall;
                *r = rr;
                if (!rr.ok) /* a failure is reported once, not timed again */
                    break;
            }
            r->err = 0.0;
            for (int i = 0; i < nx; i++) {
                double e = fabs(y[i] - yref[i]) / sys.scale[i];
                r->err = e > r->err ? e : r->err;
            }
            if (runs[k].gsl == gsl_odeiv2_step_msbdf)
                msbdf_wall = r->wall;
        }
        printf("\n%s variant (%d state%s):\n", variant ? "inertial" : "quasi-static", nx, nx == 1 ? "" : "s");
        printf("  %-10s %9s %10s %9s %11s %9s %10s %10s %8s\n", "solver", "step", "steps", "rejected", "RHS evals",
               "Jacobians", "error", "wall (s)", "/msbdf");
        for (int k = 0; k < nruns; k++) {
            result *r = &res[k];
            if (r->h < 0) {
                printf("  %-10s %9s   (explicit fixed step: needs millisecond steps here, skipped)\n", r->solver, "-");
                continue;
            }
            char hs[32];
            snprintf(hs, sizeof hs, r->h > 0 ? "%g s" : "adaptive", r->h);
            printf("  %-10s %9s %10lld %9lld %11lld %9lld %10.2e %10.5f %8.2f%s\n", r->solver, hs, (long long)r->steps,
                   (long long)r->rejected, (long long)r->rhs, (long long)r->jac, r->err, r->wall, r->wall / msbdf_wall,
                   r->ok ? "" : "  FAILED");
            if (cf)
                fprintf(cf, "%s,%s,%s %s,gcc %s,%s,%s,%g,%g,%lld,%lld,%lld,%lld,%.3e,%.6f,%.3f\n", ds_git_commit(), date,
                        u.sysname, u.machine, __VERSION__, variant ? "inertial" : "quasi_static", r->solver, r->h, rtol,
                        (long long)r->steps, (long long)r->rejected, (long long)r->rhs, (long long)r->jac, r->err,
                        r->wall, r->wall / msbdf_wall);
        }
        free(sg);
        ds_data_free(&d);
        ds_scenario_free(&sc);
    }
    printf("\nerror: largest difference of the final state from GSL rk8pd at 1e-12, in units of each state's scale "
           "(1000 mm^3, 1 mm, 10 mm/s)\n");
    if (cf)
        fclose(cf);
    return 0;
}
