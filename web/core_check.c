/* The core alone, as the teaching page will run it: two inertial levels (L4-L5 and L5-S1)
 * over a day of standing and lying, written as the page will write a model (no files: the
 * core has no YAML), run through the driver into the memory sink, every record printed with
 * all its digits. Built natively and with emscripten to WebAssembly, the two must print the
 * same text (tests/web_core.sh): the same core, the same bits, in the browser. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "discsim/run.h"
#include "model/model_build.h"

enum { NLEV = 2 };

int main(void)
{
    static const int level[NLEV] = {3, 4}; /* L4L5, L5S1 */
    static const double disc[NLEV][DS_NDISC_PARAMS] = {
        {[DS_PAR_A_p] = 1250, [DS_PAR_A_n] = 720, [DS_PAR_h0] = 10.8, [DS_PAR_k_a] = 118, [DS_PAR_C_b] = 430,
         [DS_PAR_c] = 2.2, [DS_PAR_K0] = 0.17, [DS_PAR_pi0] = 0.28, [DS_PAR_n_osm] = 2.1, [DS_PAR_k_v] = 60,
         [DS_PAR_tau_v] = 900},
        {[DS_PAR_A_p] = 1300, [DS_PAR_A_n] = 740, [DS_PAR_h0] = 10.2, [DS_PAR_k_a] = 125, [DS_PAR_C_b] = 445,
         [DS_PAR_c] = 2.4, [DS_PAR_K0] = 0.16, [DS_PAR_pi0] = 0.27, [DS_PAR_n_osm] = 2.0, [DS_PAR_k_v] = 65,
         [DS_PAR_tau_v] = 950},
    };
    ds_scenario sc;
    memset(&sc, 0, sizeof sc);
    ds_model *m = &sc.model;
    ds_error err = {0};
    if (ds_model_alloc(m, NLEV, level, DS_INERTIAL, 1, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    snprintf(m->name, sizeof m->name, "two levels");
    for (int i = 0; i < NLEV; i++)
        ds_model_set_level(m, i, disc[i]);
    m->body = (ds_body){.gravity = 9810.0, .height_scale = 1.0};
    for (int i = 0; i < NLEV; i++) {
        m->body.mass_above[level[i]] = 0.50 + 0.03 * i;
        m->body.com_distance[level[i]] = 290.0 + 10.0 * i;
        m->body.flexion_share[level[i]] = 0.2;
        m->body.preload[level[i]] = 100.0;
    }
    ds_model_set_lanes(m, 0.072, NULL);
    ds_model_vertebral_masses(m);
    m->nposture = 2;
    m->posture[0] = (ds_posture){.name = "lying", .p = {.support = 1.0, .inclination = 1.5707963267948966, .tone = 0.2}};
    m->posture[1] = (ds_posture){.name = "standing", .p = {.tone = 1.0}};
    m->hern.root_diameter = NAN;
    sc.nlevel = NLEV;
    for (int i = 0; i < NLEV; i++)
        sc.level_id[i] = level[i];
    sc.variant = DS_INERTIAL;
    sc.nsubj = 1;
    sc.nphase = 2;
    sc.phase[0] = (ds_phase){.posture = 1, .p = m->posture[1].p, .duration = 16 * 3600.0};
    sc.phase[1] = (ds_phase){.posture = 0, .p = m->posture[0].p, .duration = 8 * 3600.0};
    sc.repeat = 1;
    sc.ramp = 1.0;
    sc.initial = m->posture[0].p;
    sc.record_interval = 3600.0;
    sc.nrecord = DS_NLEVEL_OUTPUTS;
    for (int k = 0; k < DS_NLEVEL_OUTPUTS; k++)
        sc.record[k] = k;
    sc.summary_to = -1.0;
    sc.solver = ds_solver_defaults();
    snprintf(sc.path, sizeof sc.path, "core_check");

    ds_memory_record mr = {0};
    ds_record_sink sink = ds_memory_sink(&mr);
    ds_run_opts o = {0};
    ds_run_result r;
    if (ds_run_stream(&sc, &sink, "", &o, &r, NULL, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("%zu records, %lld steps, %lld rejected\n", mr.ntime, (long long)r.steps, (long long)r.rejected);
    for (size_t k = 0; k < mr.ntime; k++)
        for (int i = 0; i < NLEV; i++) {
            char p[64], h[64];
            snprintf(p, sizeof p, "/levels/%s/pressure", ds_level_names[level[i]]);
            snprintf(h, sizeof h, "/levels/%s/height", ds_level_names[level[i]]);
            printf("%6.0f s %s P %.17g MPa h %.17g mm\n", mr.time[k], ds_level_names[level[i]],
                   ds_memory_at(&mr, k, ds_memory_series(&mr, p), 0), ds_memory_at(&mr, k, ds_memory_series(&mr, h), 0));
        }
    ds_memory_record_free(&mr);
    ds_model_free(m);
    return 0;
}
