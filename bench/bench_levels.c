/* Cost of an implicit step against the number of levels: the inertial chain (3 states per
 * level, block-tridiagonal Jacobian) stepped by TR-BDF2 at a fixed 1 ms step for 1 s, for
 * chains of 1 to 5 levels ending at L5S1, with a batch of subjects as lanes. Reports time
 * per step and subject (best of N), its ratio to the one-level chain, and the cost each added
 * level adds: linear cost means that increment is constant (a single level is cheaper than
 * its share, since a one-block chain has no coupling blocks to eliminate).
 *
 * Usage: bench_levels [--subjects N] [--reps N] [--model FILE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discsim/clock.h"
#include "bench_data.h"
#include "discsim//discsim.h"
#include "io/model_load.h"
#include "physics/spine.h"

int main(int argc, char **argv)
{
    int nsubj = 64, reps = 5;
    const char *model = "models/lumbar_adult.yaml";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--subjects") && i + 1 < argc)
            nsubj = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--model") && i + 1 < argc)
            model = argv[++i];
        else
            return bench_usage(argv[i], "usage: bench_levels [--subjects N] [--reps N] [--model FILE]\n");
    }
    ds_ydoc *doc;
    ds_error err;
    if (ds_ydoc_load(bench_data(model, 0), &doc, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 3;
    }
    printf("discsim %s (%s): TR-BDF2, fixed 1 ms step, 1000 steps, inertial chain ending at L5S1, %d subjects, "
           "best of %d\n",
           ds_version(), ds_git_commit(), nsubj, reps);
    printf("%7s %7s %14s %12s %16s %12s\n", "levels", "states", "ns/step/subj", "ratio to 1", "added level (ns)",
           "Newton its");
    double base = 0.0, prev = 0.0;
    for (int n = 1; n <= DS_MAX_LEVELS; n++) {
        int ids[DS_MAX_LEVELS];
        for (int i = 0; i < n; i++)
            ids[i] = DS_MAX_LEVELS - n + i;
        ds_model m;
        ds_data d;
        if (ds_model_compile(doc, n, ids, DS_INERTIAL, nsubj, NULL, &m, &err) || ds_data_create(&m, &d, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 3;
        }
        ds_system sys;
        ds_spine_system(&m, &d, &sys);
        ds_solver_opts o = ds_solver_defaults();
        o.method = DS_TRBDF2;
        o.h_fixed = 1e-3;
        ds_evolver *ev;
        ds_evolver_create(&sys, &o, &ev, &err);
        double best = 1e30;
        int64_t iters = 0;
        for (int r = 0; r < reps + 1; r++) { /* the first run warms up */
            int stand = ds_model_posture(&m, "standing"), lie = ds_model_posture(&m, "lying");
            ds_posture_loads(&m, &m.posture[lie].p, 1, &d.seg.from);
            ds_posture_load_copy(&m, &d.seg.to, &d.seg.from);
            d.seg.t0 = d.seg.t1 = 0.0;
            ds_spine_equilibrium(&m, d.seg.to.load, d.seg.to.act, d.x, &err);
            ds_evolver_reset(ev, 0.0, d.x);
            ds_posture_loads(&m, &m.posture[stand].p, 1, &d.seg.to);
            d.seg.t1 = 0.5; /* getting up over the first half second */
            double t0 = ds_seconds();
            ds_evolver_advance(ev, 1.0, 1.0, &err);
            double w = ds_seconds() - t0;
            if (r > 0 && w < best)
                best = w;
            iters = ds_evolver_stats(ev)->newton_iters[0];
        }
        double per = best / 1000.0 / nsubj * 1e9;
        if (n == 1)
            base = per;
        printf("%7d %7d %14.1f %12.2f %16.1f %12lld\n", n, sys.nx, per, per / base, per - prev, (long long)iters);
        prev = per;
        ds_evolver_free(ev);
        ds_data_free(&d);
        ds_model_free(&m);
    }
    ds_ydoc_free(doc);
    return 0;
}
