/* Work against precision on the stiff chain: one day of scenarios/chain_day.yaml (five
 * levels with muscles), run through the program's own path at several tolerances, each run's
 * recorded pressures compared with a run at rtol = atol = 1e-10 of the same method. Reports
 * the error over the whole trajectory (the largest difference of the recorded L1-L2 ... L5-S1
 * nucleus pressures, relative to each level's largest), the solver's counts and the wall time
 * (best of --reps), so methods and settings compare at equal accuracy, not at equal rtol.
 *
 * Usage: bench_precision [--variant inertial|quasi_static] [--method NAME] [--reps N]
 *                        [--rtol R]... (run from the repository root) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "discsim/discsim.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One run at rtol = atol = rtol into out; its wall time. */
static int run(const char *variant, const char *method, double rtol, const char *out, double *wall)
{
    char v[64], m[64], r[64], a[64];
    snprintf(v, sizeof v, "variant=%s", variant);
    snprintf(m, sizeof m, "solver.method=%s", method);
    snprintf(r, sizeof r, "solver.rtol=%g", rtol);
    snprintf(a, sizeof a, "solver.atol=%g", rtol);
    const char *set[] = {"timeline.repeat=1", v, m, r, a};
    ds_scenario sc;
    ds_error err = {0};
    if (ds_scenario_load("scenarios/chain_day.yaml", 5, set, &sc, &err)) {
        fprintf(stderr, "bench_precision: %s\n", err.msg);
        return -1;
    }
    ds_run_opts o = {0};
    ds_run_result res;
    double t0 = now();
    ds_status s = ds_run(&sc, out, &o, &res, &err);
    *wall = now() - t0;
    if (s)
        fprintf(stderr, "bench_precision: %s\n", err.msg);
    ds_scenario_free(&sc);
    return s ? -1 : 0;
}

static double count(const char *file, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "/meta/solver/%s", name);
    double *v = NULL, c = NAN;
    size_t n;
    ds_error err;
    if (!ds_h5_read_flat(file, path, &n, &v, &err) && n > 0)
        c = v[0];
    free(v);
    return c;
}

/* The largest difference of the recorded pressures of a from those of ref, relative to
 * each level's largest. */
static double error(const char *ref, const char *a)
{
    static const char *const level[] = {"L1L2", "L2L3", "L3L4", "L4L5", "L5S1"};
    double worst = 0.0;
    for (int i = 0; i < 5; i++) {
        char path[64];
        snprintf(path, sizeof path, "/levels/%s/pressure", level[i]);
        double *x = NULL, *y = NULL;
        size_t n, m;
        ds_error err;
        if (ds_h5_read_flat(ref, path, &n, &x, &err) || ds_h5_read_flat(a, path, &m, &y, &err) || n != m) {
            free(x);
            free(y);
            return NAN;
        }
        double top = 0.0, e = 0.0;
        for (size_t k = 0; k < n; k++) {
            top = fmax(top, fabs(x[k]));
            e = fmax(e, fabs(x[k] - y[k]));
        }
        worst = fmax(worst, e / top);
        free(x);
        free(y);
    }
    return worst;
}

int main(int argc, char **argv)
{
    const char *variant = "inertial", *method = "trbdf2";
    int reps = 3, nr = 0;
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
        else {
            fprintf(stderr, "usage: bench_precision [--variant inertial|quasi_static] [--method NAME] [--reps N] "
                            "[--rtol R]...\n");
            return 2;
        }
    }
    if (!nr) {
        static const double def[] = {1e-5, 4e-6, 1e-6, 5e-7};
        for (nr = 0; nr < 4; nr++)
            rtol[nr] = def[nr];
    }
    char ref[64], out[64];
    snprintf(ref, sizeof ref, "/tmp/bench_precision_ref_%d.h5", (int)getpid());
    snprintf(out, sizeof out, "/tmp/bench_precision_%d.h5", (int)getpid());
    double wall;
    if (run(variant, method, 1e-10, ref, &wall))
        return 1;
    printf("discsim %s (%s): one day of scenarios/chain_day.yaml, %s, %s; error against rtol 1e-10, best of %d\n",
           ds_version(), ds_git_commit(), variant, method, reps);
    printf("%8s %10s %7s %9s %10s %10s %9s %9s %9s\n", "rtol", "error", "steps", "rejected", "RHS evals", "Jacobians",
           "factors", "Newton", "wall (s)");
    int bad = 0;
    for (int k = 0; k < nr && !bad; k++) {
        double best = INFINITY;
        for (int r = 0; r < reps && !bad; r++) {
            bad = run(variant, method, rtol[k], out, &wall) != 0;
            best = fmin(best, wall);
        }
        if (bad)
            break;
        printf("%8.0e %10.2e %7.0f %9.0f %10.0f %10.0f %9.0f %9.0f %9.4f\n", rtol[k], error(ref, out),
               count(out, "steps"), count(out, "rejected"), count(out, "rhs_evals"), count(out, "jac_evals"),
               count(out, "factorizations"), count(out, "newton_iters"), best);
    }
    unlink(ref);
    unlink(out);
    return bad;
}
