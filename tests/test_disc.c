/* Disc physics against closed forms: undrained and drained stiffness, the drained
 * equilibrium P = pi(V), and fluid volume balance (DESIGN §3.2, §4). */
#include "testkit.h"

/* Height change under a 1 N load step applied over 0.5 s, measured 0.5 s after the ramp:
 * too quick for fluid to move or the creep element to relax (tau_v is minutes), so the
 * response is the undrained one, with the creep element's stiffness. */
static double undrained_stiffness(ds_variant v)
{
    tk_sim s;
    const double L0 = 600.0, dL = 1.0;
    tk_init(&s, v, tk_opts(DS_TRBDF2, 1e-10, 0.0), L0, NULL);
    double h0 = tk_out(&s, DS_OUT_height);
    tk_segment(&s, 0.0, 0.5, L0, L0 + dL);
    tk_advance(&s, 0.5);
    tk_segment(&s, 0.5, 0.5, L0 + dL, L0 + dL);
    tk_advance(&s, 1.0);
    double h1 = tk_out(&s, DS_OUT_height);
    tk_free(&s);
    return dL / (h0 - h1);
}

static void test_undrained_stiffness(void **state)
{
    (void)state;
    ds_model m;
    tk_model(&m, DS_QUASI_STATIC, 1, NULL);
    double closed = tk_par(&m, DS_PAR_k_a) + tk_par(&m, DS_PAR_k_v) +
                    tk_par(&m, DS_PAR_A_p) * tk_par(&m, DS_PAR_A_n) / tk_par(&m, DS_PAR_C_b);
    ds_model_free(&m);
    for (int v = 0; v < 2; v++) {
        double k = undrained_stiffness((ds_variant)v);
        printf("undrained stiffness (%s): model %.2f N/mm, closed form k_a + k_v + A_p A_n / C_b = %.2f N/mm\n",
               v ? "inertial" : "quasi-static", k, closed);
        assert_true(fabs(k - closed) < 1e-3 * closed);
    }
}

/* Height change between drained equilibria under L0 and L0 + dL, reached by simulation. */
static double drained_stiffness(const char *const *set, double *P_end, double *V_end)
{
    tk_sim s;
    const double L0 = 600.0, dL = 2.0;
    tk_init(&s, DS_QUASI_STATIC, tk_opts(DS_TRBDF2, 1e-10, 0.0), L0, set);
    double h0 = tk_out(&s, DS_OUT_height);
    tk_segment(&s, 0.0, 1.0, L0, L0 + dL);
    tk_advance(&s, 1.0);
    tk_segment(&s, 1.0, 1.0, L0 + dL, L0 + dL);
    tk_advance(&s, 60 * 86400.0); /* many creep time constants (hours) */
    double h1 = tk_out(&s, DS_OUT_height);
    *P_end = tk_out(&s, DS_OUT_pressure);
    *V_end = tk_out(&s, DS_OUT_fluid_volume);
    tk_free(&s);
    return dL / (h0 - h1);
}

static void test_drained_stiffness(void **state)
{
    (void)state;
    ds_model m;
    tk_model(&m, DS_QUASI_STATIC, 1, NULL);
    const double ka = tk_par(&m, DS_PAR_k_a), Ap = tk_par(&m, DS_PAR_A_p), An = tk_par(&m, DS_PAR_A_n),
                 Cb = tk_par(&m, DS_PAR_C_b), n = tk_par(&m, DS_PAR_n_osm);
    ds_model_free(&m);

    /* constant osmotic pressure: the drained stiffness is the annulus alone */
    static const char *const const_pi[] = {"levels.L4L5.osmotic_exponent.value=0", NULL};
    double P, V;
    double k0 = drained_stiffness(const_pi, &P, &V);
    printf("drained stiffness, constant pi: model %.4f N/mm, closed form k_a = %.4f N/mm\n", k0, ka);
    assert_true(fabs(k0 - ka) < 1e-4 * ka);

    /* with pi(V) = pi0 (V0/V)^n the osmotic pressure stiffens the drained disc:
     * k = k_a + A_p A_n |pi'| / (1 + C_b |pi'|), pi' = -n pi / V at the equilibrium */
    double kn = drained_stiffness(NULL, &P, &V);
    double dpi = n * P / V;
    double closed = ka + Ap * An * dpi / (1.0 + Cb * dpi);
    printf("drained stiffness, pi(V): model %.4f N/mm, closed form %.4f N/mm (k_a = %.1f)\n", kn, closed, ka);
    assert_true(fabs(kn - closed) < 5e-3 * closed); /* linearisation over a 2 N step */
    assert_true(kn > ka * 1.05);                     /* and the osmotic part is not negligible */
}

static void test_equilibrium(void **state)
{
    (void)state;
    /* start far from equilibrium (the reference state V0, lying load), hold standing load */
    tk_sim s;
    const double L = 600.0;
    tk_init(&s, DS_QUASI_STATIC, tk_opts(DS_TRBDF2, 1e-9, 0.0), 250.0, NULL);
    tk_segment(&s, 0.0, 1.0, 250.0, L);
    tk_advance(&s, 1.0);
    tk_segment(&s, 1.0, 1.0, L, L);
    tk_advance(&s, 40 * 86400.0);
    double P = tk_out(&s, DS_OUT_pressure), pi = tk_out(&s, DS_OUT_osmotic_pressure);
    double N = tk_out(&s, DS_OUT_axial_force), V = tk_out(&s, DS_OUT_fluid_volume);
    double expect[1];
    ds_error err;
    double xeq[DS_QS_NSTATE * DS_LANE_ALIGN];
    assert_int_equal(ds_spine_equilibrium(&s.m, s.d.seg.to.load, NULL, xeq, &err), DS_OK);
    expect[0] = xeq[DS_QS_V * DS_LANE_ALIGN]; /* level 0, lane 0 */
    printf("after 40 days at %.0f N: P = %.6f MPa, pi(V) = %.6f MPa, V = %.4f mm^3 (equilibrium %.4f)\n", L, P, pi,
           V, expect[0]);
    assert_true(fabs(P - pi) < 1e-6);
    assert_true(fabs(V - expect[0]) < 1e-6 * V);
    assert_true(fabs(N - L) < 1e-9 * L);
    tk_free(&s);
}

/* Volume balance: the fluid volume change over a day equals the time integral of the Darcy
 * flux -K(V)(P - pi) evaluated from the solution (composite Simpson on its dense output). */
static void test_fluid_balance(void **state)
{
    (void)state;
    for (int v = 0; v < 2; v++) {
        tk_sim s;
        const double rtol = 1e-9;
        tk_init(&s, (ds_variant)v, tk_opts(DS_TRBDF2, rtol, 0.0), 250.0, NULL);
        const double V0 = tk_out(&s, DS_OUT_fluid_volume);
        const int S = s.m.stride;
        double *x = malloc((size_t)s.sys.nx * S * sizeof(double));
        /* phases: 16 h standing, 8 h lying, each starting with a 1 s ramp */
        const double spans[4][4] = {{0, 1, 250, 600}, {1, 57600, 600, 600}, {57600, 57601, 600, 250},
                                    {57601, 86400, 250, 250}};
        double integral = 0.0, absint = 0.0;
        for (int k = 0; k < 4; k++) {
            double a = spans[k][0], b = spans[k][1];
            if (b - a < 2.0)
                tk_segment(&s, a, b, spans[k][2], spans[k][3]);
            else
                tk_segment(&s, a, a, spans[k][3], spans[k][3]);
            int n = b - a < 2.0 ? 64 : 2 * 14400; /* even number of Simpson intervals */
            double dt = (b - a) / n, acc = 0.0;
            double t_reached = a;
            for (int j = 0; j <= n; j++) {
                double t = a + j * dt;
                if (t > t_reached) {
                    ds_error err;
                    assert_int_equal(ds_evolver_advance(s.ev, t, b, &err), DS_OK);
                    t_reached = ds_evolver_time(s.ev)[0];
                }
                ds_evolver_interp(s.ev, t, x);
                ds_spine_observe(&s.m, &s.d, t, x);
                double q = s.d.out[(size_t)DS_OUT_fluid_flux * S];
                acc += (j == 0 || j == n ? 1.0 : (j % 2 ? 4.0 : 2.0)) * q;
                absint += fabs(q) * dt;
            }
            integral += acc * dt / 3.0;
            tk_advance(&s, b);
        }
        double dV = tk_out(&s, DS_OUT_fluid_volume) - V0;
        printf("%s: fluid volume change over a day %.6f mm^3, integrated Darcy flux %.6f mm^3 "
               "(difference %.2e, %.1e of the fluid exchanged)\n",
               v ? "inertial" : "quasi-static", dV, integral, dV - integral, fabs(dV - integral) / absint);
        assert_true(absint > 100.0); /* the day moves hundreds of mm^3 in and out */
        assert_true(fabs(dV - integral) < 1e-5 * absint);
        free(x);
        tk_free(&s);
    }
}

/* Two-phase creep (DESIGN §3.2): with the fluid held (conductance 1e-13 instead of ~0.2 mm^3/(MPa s)) a load
 * step dL compresses the disc at once by dL / (k_u + k_v), and the creep element then relaxes
 * it towards dL / k_u with time constant tau_v (k_u + k_v) / k_u:
 *   h(t) = h_inf + (h(0+) - h_inf) exp(-t / tau_eff). Both variants. */
static void test_creep_step(void **state)
{
    (void)state;
    static const char *const frozen[] = {"levels.L4L5.permeability.value=1e-13", NULL};
    ds_model m;
    tk_model(&m, DS_QUASI_STATIC, 1, NULL);
    const double ka = tk_par(&m, DS_PAR_k_a), kv = tk_par(&m, DS_PAR_k_v), tv = tk_par(&m, DS_PAR_tau_v);
    const double ku = ka + tk_par(&m, DS_PAR_A_p) * tk_par(&m, DS_PAR_A_n) / tk_par(&m, DS_PAR_C_b);
    ds_model_free(&m);
    assert_true(kv > 0.0); /* the model has a fast phase to test */
    const double L0 = 600.0, dL = 200.0, tau = tv * (ku + kv) / ku, ramp = 0.01;
    for (int v = 0; v < 2; v++) {
        tk_sim s;
        tk_init(&s, (ds_variant)v, tk_opts(DS_TRBDF2, 1e-10, 0.0), L0, frozen);
        double h0 = tk_out(&s, DS_OUT_height);
        tk_segment(&s, 0.0, ramp, L0, L0 + dL);
        tk_advance(&s, ramp);
        tk_segment(&s, ramp, ramp, L0 + dL, L0 + dL);
        double worst = 0.0;
        for (int k = 1; k <= 4; k++) {
            double t = ramp + k * tau;
            tk_advance(&s, t);
            double h = tk_out(&s, DS_OUT_height);
            double h_inf = h0 - dL / ku, h_0 = h0 - dL / (ku + kv);
            double closed = h_inf + (h_0 - h_inf) * exp(-(t - ramp / 2) / tau);
            double e = fabs(h - closed) / (h_0 - h_inf);
            worst = e > worst ? e : worst;
            printf("%s, %d tau_eff (%.0f s) after a %.0f N step: height %.6f mm, closed form %.6f mm\n",
                   v ? "inertial" : "quasi-static", k, tau, dL, h, closed);
        }
        assert_true(worst < 2e-3); /* of the fast phase's amplitude */
        tk_free(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_undrained_stiffness),
        cmocka_unit_test(test_drained_stiffness),
        cmocka_unit_test(test_creep_step),
        cmocka_unit_test(test_equilibrium),
        cmocka_unit_test(test_fluid_balance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
