/* discsim check: load and compile a scenario without running it, and say what it would run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage_check(FILE *out)
{
    fprintf(out,
            "Usage: discsim check SCENARIO [--set key=value]...\n\n"
            "Loads and compiles a scenario and its model without running it, and prints what it would run.\n\n%s",
            ds_cli_exit_codes);
}

int ds_cmd_check(int argc, char **argv)
{
    ds_cli_args a = {0};
    ds_study study;
    ds_error err = {0};
    int rc = ds_cli_load(argc, argv, &a, 0, usage_check, &study);
    if (rc)
        return rc;
    ds_scenario sc = study.variant[0];
    if (study.kind != DS_STUDY_SINGLE) {
        printf("%s: %d %s:", a.scenario, study.nvariant, study.kind == DS_STUDY_ARMS ? "arms" : "sweep points");
        for (int v = 0; v < study.nvariant; v++)
            printf(" %s", study.name[v]);
        printf(" (the first is shown)\n");
    }
    printf("%s: ok\n  scenario %s, model %s (%s)\n  %s variant, %d subject%s, levels", a.scenario, sc.name,
           sc.model.name, sc.model_path, sc.variant == DS_QUASI_STATIC ? "quasi-static" : "inertial", sc.nsubj,
           sc.nsubj == 1 ? "" : "s");
    for (int i = 0; i < sc.nlevel; i++)
        printf(" %s", ds_level_names[sc.level_id[i]]);
    printf("\n  timeline: %d phase%s x %d = %.4g h, ramps %g s\n", sc.nphase, sc.nphase == 1 ? "" : "s", sc.repeat,
           ds_scenario_duration(&sc) / 3600.0, sc.ramp);
    ds_data d;
    int have_data = ds_data_create(&sc.model, &d, &err) == DS_OK;
    printf("    %-18s %10s   %s\n", "posture", "duration", "load per level, N (muscle part), subject 0");
    for (int k = 0; k < sc.nphase; k++) {
        printf("    %-18s %8.4g h ", sc.model.posture[sc.phase[k].posture].name, sc.phase[k].duration / 3600.0);
        if (have_data) {
            ds_posture_loads(&sc.model, &sc.phase[k].p, 1, &d.seg.to);
            for (int i = 0; i < sc.nlevel; i++) {
                size_t q = (size_t)i * sc.model.stride;
                printf("  %s %.0f (%.0f)%s", ds_level_names[sc.level_id[i]], d.seg.to.load[q], d.seg.to.muscle_comp[q],
                       fabs(d.seg.to.residual[q]) > 1e-6 ? " UNBALANCED" : "");
            }
        }
        printf("\n");
    }
    if (have_data)
        ds_data_free(&d);
    printf("  record every %g s:", sc.record_interval);
    for (int k = 0; k < sc.nrecord; k++)
        printf(" %s", ds_level_output_names[sc.record[k]]);
    const ds_method *m = ds_method_get(sc.solver.method);
    printf("\n  solver %s, rtol %g, atol %g", m->name, sc.solver.rtol, sc.solver.atol);
    if (sc.solver.h_fixed > 0)
        printf(", step %g s", sc.solver.h_fixed);
    printf("\n");
    if (sc.model.site.enabled) {
        const ds_herniation_site *h = &sc.model.site;
        printf("  herniation at %s (%s, %s), size %g mm, gap %g mm, Pfirrmann grade %d\n",
               ds_level_names[sc.level_id[h->level]], h->type == DS_FORAMINAL ? "foraminal" : "paracentral",
               h->side ? "right" : "left", h->size, h->gap, h->grade);
    }
    if (sc.cohort.enabled) {
        const ds_cohort *c = &sc.cohort;
        static const char *const dn[] = {"normal", "lognormal", "uniform"};
        printf("  cohort of %d subjects, %s design, seed %llu%s\n", c->n, ds_design_names[c->design],
               (unsigned long long)c->seed, c->correlated ? ", correlated through a Gaussian copula" : "");
        for (int k = 0; k < c->nvary; k++) {
            const ds_vary *v = &c->vary[k];
            double lo = c->value[(size_t)k * c->n], hi = lo;
            for (int l = 1; l < c->n; l++) {
                double x = c->value[(size_t)k * c->n + l];
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
            }
            printf("    %-32s %s (%g, %g)%s %s: drawn %g to %g\n", v->key, dn[v->dist], v->a, v->b,
                   v->dist == DS_VARY_NORMAL && (isfinite(v->lo) || isfinite(v->hi)) ? " truncated" : "", v->unit, lo,
                   hi);
        }
    }
    for (int k = 0; k < sc.nsession; k++)
        printf("  massage at %.4g h for %g min: tone -%g %% (decay %g min), passive -%g %% (decay %g min)%s\n",
               sc.session[k].start / 3600.0, sc.session[k].duration / 60.0, 100.0 * sc.session[k].p.tone_reduction,
               sc.session[k].p.decay / 60.0, 100.0 * sc.session[k].p.passive_reduction,
               sc.session[k].p.passive_decay / 60.0, sc.session[k].p.carry_over > 0 ? ", carry-over" : "");
    ds_study_free(&study);
    free(a.set);
    return 0;
}
