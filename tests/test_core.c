/* The core alone: this program links discsim_core (base, model, physics, linalg, solvers,
 * driver) and nothing else, so it would not link if the core needed GSL, HDF5, libyaml or
 * the OpenMP runtime. Its model is tiny and written inline (one disc, no muscles, no file),
 * run through the driver into the memory sink:
 *   - after a month under one load, the disc stands at its drained equilibrium: the force it
 *     carries equals the load, and the nucleus pressure equals its osmotic pressure, which is
 *     the root of P A_p + k_a (h0 - h(P)) = L with V(P) = V0 (pi0/P)^(1/n) (DESIGN §3.2),
 *     found here by Brent's method, not by integration;
 *   - the fluid volume changes by exactly the integrated Darcy flux (trapezoidal rule over
 *     one-second records, which resolve the one-second load ramp);
 *   - two levels and one extensor: the muscle force balances the moment of the weight above
 *     each level, F = W e / r, and adds F cos to the compression, until the tone binds: then
 *     the force is the tone's, and the moment and compression it adds are reported, not
 *     hidden. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/roots.h"
#include "discsim/run.h"
#include "model/model_build.h"

enum { L45 = 3 };

/* L4L5 of the design's feasibility prototype (DESIGN §3.2), no muscles. */
static const double DISC[DS_NDISC_PARAMS] = {
    [DS_PAR_A_p] = 1200, [DS_PAR_A_n] = 700, [DS_PAR_h0] = 11,    [DS_PAR_k_a] = 112, [DS_PAR_C_b] = 420,
    [DS_PAR_c] = 2,      [DS_PAR_K0] = 0.19, [DS_PAR_pi0] = 0.30, [DS_PAR_n_osm] = 2,
    [DS_PAR_k_v] = 0,    [DS_PAR_tau_v] = 1200, /* no fast creep: the closed forms below */
};

static void tiny_scenario(ds_scenario *sc, double days)
{
    memset(sc, 0, sizeof *sc);
    ds_model *m = &sc->model;
    int lev = L45;
    ds_error err = {0};
    assert_int_equal(ds_model_alloc(m, 1, &lev, DS_QUASI_STATIC, 1, &err), DS_OK);
    snprintf(m->name, sizeof m->name, "tiny");
    ds_model_set_level(m, 0, DISC);
    m->body = (ds_body){.gravity = 9810.0, .height_scale = 1.0};
    m->body.mass_above[L45] = 0.5; /* 35 kg of a 70 kg body: 343 N upright */
    m->body.com_distance[L45] = 300.0;
    m->body.flexion_share[L45] = 0.2;
    m->body.preload[L45] = 100.0;
    ds_model_set_lanes(m, 0.070, NULL);
    ds_model_vertebral_masses(m);
    m->nposture = 2;
    m->posture[0] = (ds_posture){.name = "lying", .p = {.support = 1.0, .inclination = 1.5707963267948966, .tone = 0.2}};
    m->posture[1] = (ds_posture){.name = "standing", .p = {.tone = 1.0}};
    m->hern.root_diameter = NAN;
    sc->nlevel = 1;
    sc->level_id[0] = L45;
    sc->variant = DS_QUASI_STATIC;
    sc->nsubj = 1;
    sc->nphase = 1;
    sc->phase[0] = (ds_phase){.posture = 1, .p = m->posture[1].p, .duration = days * 86400.0};
    sc->repeat = 1;
    sc->ramp = 1.0;
    sc->initial_posture = 0;
    sc->initial = m->posture[0].p;
    sc->record_interval = 60.0;
    sc->nrecord = DS_NLEVEL_OUTPUTS;
    for (int k = 0; k < DS_NLEVEL_OUTPUTS; k++)
        sc->record[k] = k;
    sc->summary_to = -1.0;
    sc->solver = ds_solver_defaults();
    sc->solver.rtol = sc->solver.atol = 1e-9;
    snprintf(sc->path, sizeof sc->path, "tiny scenario");
}

static void run(const ds_scenario *sc, ds_memory_record *mr)
{
    ds_record_sink sink = ds_memory_sink(mr);
    ds_run_opts o = {0};
    ds_run_result r;
    ds_error err = {0};
    ds_status st = ds_run_stream(sc, &sink, "", &o, &r, NULL, &err);
    if (st)
        fail_msg("%s", err.msg);
    assert_int_equal(r.nfailed, 0);
}

static double at_end(const ds_memory_record *mr, const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "/levels/L4L5/%s", name);
    int s = ds_memory_series(mr, path);
    assert_true(s >= 0);
    return ds_memory_at(mr, mr->ntime - 1, s, 0);
}

typedef struct {
    double L;
} eq_ctx;

static double g(double P, void *vc)
{
    const eq_ctx *c = vc;
    double V0 = DISC[DS_PAR_A_n] * DISC[DS_PAR_h0] + DISC[DS_PAR_C_b] * DISC[DS_PAR_pi0];
    double V = V0 * pow(DISC[DS_PAR_pi0] / P, 1.0 / DISC[DS_PAR_n_osm]);
    double h = (V - DISC[DS_PAR_C_b] * P) / DISC[DS_PAR_A_n];
    return P * DISC[DS_PAR_A_p] + DISC[DS_PAR_k_a] * (DISC[DS_PAR_h0] - h) - c->L;
}

static void test_drained_equilibrium(void **state)
{
    (void)state;
    ds_scenario sc;
    tiny_scenario(&sc, 30.0);
    ds_memory_record mr = {0};
    run(&sc, &mr);
    const double L = at_end(&mr, "axial_load"), N = at_end(&mr, "axial_force");
    const double P = at_end(&mr, "pressure"), pi = at_end(&mr, "osmotic_pressure");
    eq_ctx c = {L};
    double P_root;
    assert_int_equal(ds_root_brent(g, &c, 1e-6, 10.0, 0.0, 200, &P_root), DS_ROOT_OK);
    printf("after 30 days at %.1f N: N = %.6f N, P = %.9f MPa, pi(V) = %.9f MPa, root of g: %.9f MPa\n", L, N, P, pi,
           P_root);
    assert_true(fabs(N - L) < 1e-6 * L);
    assert_true(fabs(P - pi) < 1e-6 * pi);
    assert_true(fabs(P - P_root) < 1e-6 * P_root);
    ds_memory_record_free(&mr);
    ds_model_free(&sc.model);
}

static void test_fluid_balance(void **state)
{
    (void)state;
    ds_scenario sc;
    tiny_scenario(&sc, 1.0);
    sc.record_interval = 1.0; /* the trapezoidal rule must resolve the ramp at the start */
    ds_memory_record mr = {0};
    run(&sc, &mr);
    int sV = ds_memory_series(&mr, "/levels/L4L5/fluid_volume"), sq = ds_memory_series(&mr, "/levels/L4L5/fluid_flux");
    double integral = 0.0, exchanged = 0.0;
    for (size_t k = 1; k < mr.ntime; k++) {
        double dt = mr.time[k] - mr.time[k - 1];
        double q0 = ds_memory_at(&mr, k - 1, sq, 0), q1 = ds_memory_at(&mr, k, sq, 0);
        integral += 0.5 * dt * (q0 + q1);
        exchanged += 0.5 * dt * (fabs(q0) + fabs(q1));
    }
    double dV = ds_memory_at(&mr, mr.ntime - 1, sV, 0) - ds_memory_at(&mr, 0, sV, 0);
    printf("fluid over a day: dV = %.6f mm^3, integrated flux = %.6f mm^3 (of %.1f exchanged)\n", dV, integral,
           exchanged);
    assert_true(exchanged > 100.0);
    assert_true(fabs(dV - integral) < 1e-4 * exchanged);
    ds_memory_record_free(&mr);
    ds_model_free(&sc.model);
}

/* Two levels (L3L4, L4L5), one extensor crossing both, upright: the weight above level i has
 * a moment W_i e about the disc, which the extensor balances (static optimisation with the
 * tone as the floor of activation, physics/loads.c). */
static void two_levels_one_muscle(ds_scenario *sc, double offset, double tone)
{
    tiny_scenario(sc, 1.0 / 24.0);
    ds_model *m = &sc->model;
    ds_model_free(m);
    int lev[2] = {2, 3};
    ds_error err = {0};
    assert_int_equal(ds_model_alloc(m, 2, lev, DS_QUASI_STATIC, 1, &err), DS_OK);
    ds_model_set_level(m, 0, DISC);
    ds_model_set_level(m, 1, DISC);
    m->body = (ds_body){.gravity = 9810.0, .height_scale = 1.0};
    for (int id = 2; id <= 3; id++) {
        m->body.mass_above[id] = id == 2 ? 0.45 : 0.5;
        m->body.com_offset[id] = offset;
        m->body.com_distance[id] = 300.0;
        m->body.flexion_share[id] = 0.2;
        m->body.preload[id] = 100.0;
    }
    ds_muscle_group *g = &m->group[0];
    *g = (ds_muscle_group){.name = "extensor", .sigma = 0.5, .l_opt = 100.0, .passive = 0.0, .tau_act = 0.015,
                           .tau_deact = 0.05};
    for (int id = 2; id <= 3; id++) {
        g->crosses[id] = 1;
        g->pcsa[id] = 1000.0;
        g->arm[id] = 50.0; /* posterior positive: an extensor, against a flexion moment */
        g->cosine[id] = 0.9;
    }
    m->ngroup = 1;
    ds_model_set_lanes(m, 0.070, &tone);
    ds_model_vertebral_masses(m);
    sc->nlevel = 2;
    sc->level_id[0] = 2;
    sc->level_id[1] = 3;
    sc->record_muscles = 1;
}

static void test_one_muscle(void **state)
{
    (void)state;
    for (int binding = 0; binding < 2; binding++) {
        const double tone = 0.05, offset = binding ? 2.0 : 10.0;
        ds_scenario sc;
        two_levels_one_muscle(&sc, offset, tone);
        ds_memory_record mr = {0};
        run(&sc, &mr);
        for (int id = 2; id <= 3; id++) {
            char path[80];
            double W = sc.model.body.mass_above[id] * 0.070 * 9810.0, M = W * offset;
            double need = M / 50.0, a = need / (0.5 * 1000.0);
            double F = a > tone ? need : 0.5 * 1000.0 * tone;
            snprintf(path, sizeof path, "/levels/%s/axial_load", ds_level_names[id]);
            double L = ds_memory_at(&mr, mr.ntime - 1, ds_memory_series(&mr, path), 0);
            snprintf(path, sizeof path, "/levels/%s/moment_residual", ds_level_names[id]);
            double res = ds_memory_at(&mr, mr.ntime - 1, ds_memory_series(&mr, path), 0);
            snprintf(path, sizeof path, "/muscles/extensor/%s/activation", ds_level_names[id]);
            double act = ds_memory_at(&mr, mr.ntime - 1, ds_memory_series(&mr, path), 0);
            snprintf(path, sizeof path, "/levels/%s/cocontraction", ds_level_names[id]);
            double co = ds_memory_at(&mr, mr.ntime - 1, ds_memory_series(&mr, path), 0);
            /* the tone's share of the compression: its force beyond the task's */
            assert_true(fabs(co - 0.9 * (F - need)) < 1e-9 * L);
            printf("%s, %s: load %.6f N (closed form %.6f), activation %.6f (%.6f), residual %.4f N mm (%.4f)\n",
                   ds_level_names[id], binding ? "tone binds" : "tone free", L, 100.0 + W + 0.9 * F, act,
                   a > tone ? a : tone, res, F * 50.0 - M);
            assert_true(fabs(L - (100.0 + W + 0.9 * F)) < 1e-9 * L);
            assert_true(fabs(act - (a > tone ? a : tone)) < 1e-12);
            assert_true(fabs(res - (F * 50.0 - M)) < 1e-6 * M);
        }
        ds_memory_record_free(&mr);
        ds_model_free(&sc.model);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drained_equilibrium),
        cmocka_unit_test(test_fluid_balance),
        cmocka_unit_test(test_one_muscle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
