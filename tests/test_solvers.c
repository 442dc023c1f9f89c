/* Integrators: the lane-blocked LU against GSL, observed orders of convergence, and
 * agreement with GSL odeiv2 rk8pd at tight tolerance over a day (DESIGN §4). */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_rng.h>

#include "testkit.h"
#include "linalg/linalg.h"

/* GSL's dense LU solve of M y = rhs (both overwritten; rhs becomes y). */
static void gsl_dense_solve(int n, double *m, double *rhs)
{
    gsl_matrix_view M = gsl_matrix_view_array(m, (size_t)n, (size_t)n);
    gsl_vector_view v = gsl_vector_view_array(rhs, (size_t)n);
    gsl_permutation *p = gsl_permutation_alloc((size_t)n);
    int sg;
    gsl_linalg_LU_decomp(&M.matrix, p, &sg);
    gsl_linalg_LU_svx(&M.matrix, p, &v.vector);
    gsl_permutation_free(p);
}

static void test_lu(void **state)
{
    (void)state;
    enum { N = 6, S = 8, NL = 5 };
    double A[N * N * S], b[N * S], Ag[N * N], bg[N];
    int piv[N * S];
    unsigned char sing[S];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t q = 0; q < sizeof A / sizeof A[0]; q++)
        A[q] = gsl_rng_uniform(r) - 0.5;
    for (size_t q = 0; q < sizeof b / sizeof b[0]; q++)
        b[q] = gsl_rng_uniform(r) - 0.5;
    double A0[N * N * S], b0[N * S];
    memcpy(A0, A, sizeof A);
    memcpy(b0, b, sizeof b);
    ds_lu_factor(N, S, NL, A, piv, sing);
    ds_lu_solve(N, S, NL, A, piv, b);
    for (int l = 0; l < NL; l++) {
        assert_int_equal(sing[l], 0);
        for (int i = 0; i < N; i++) {
            bg[i] = b0[i * S + l];
            for (int j = 0; j < N; j++)
                Ag[i * N + j] = A0[(i * N + j) * S + l];
        }
        gsl_dense_solve(N, Ag, bg);
        for (int i = 0; i < N; i++)
            assert_true(fabs(b[i * S + l] - bg[i]) < 1e-12 * (1.0 + fabs(bg[i])));
    }
    gsl_rng_free(r);
}

/* Block-tridiagonal LU against GSL's dense LU on random diagonally dominant chains. */
/* A random right-hand side x ([n][S] lanes) and, for the first nl lanes, the same as rows of
 * rhs ([nl][n]) for the dense reference. */
static void random_rhs(gsl_rng *r, int n, int S, int nl, double *x, double *rhs)
{
    for (int q = 0; q < n; q++)
        for (int l = 0; l < S; l++) {
            x[q * S + l] = gsl_rng_uniform(r) - 0.5;
            if (l < nl)
                rhs[(size_t)l * n + q] = x[q * S + l];
        }
}

static void test_btri(void **state)
{
    (void)state;
    enum { NB = 5, B = 3, N = NB * B, S = 8, NL = 7 };
    static double A[3 * NB * B * B * S], x[N * S];
    int piv[N * S];
    unsigned char sing[S];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    double dense[NL][N * N], rhs[NL][N];
    memset(dense, 0, sizeof dense);
    for (int band = 0; band < 3; band++)
        for (int i = 0; i < NB; i++)
            for (int rr = 0; rr < B; rr++)
                for (int c = 0; c < B; c++)
                    for (int l = 0; l < S; l++) {
                        int bc = i + band - 1;
                        double v = (bc < 0 || bc >= NB) ? 0.0 : gsl_rng_uniform(r) - 0.5;
                        if (band == 1 && rr == c)
                            v += 4.0;
                        A[ds_btri_at(NB, B, S, band, i, rr, c) + l] = v;
                        if (l < NL && bc >= 0 && bc < NB)
                            dense[l][(i * B + rr) * N + bc * B + c] = v;
                    }
    random_rhs(r, N, S, NL, x, &rhs[0][0]);
    ds_btri_factor(NB, B, S, NL, A, piv, sing);
    ds_btri_solve(NB, B, S, NL, A, piv, x);
    for (int l = 0; l < NL; l++) {
        assert_int_equal(sing[l], 0);
        gsl_dense_solve(N, dense[l], rhs[l]);
        for (int q = 0; q < N; q++)
            assert_true(fabs(x[q * S + l] - rhs[l][q]) < 1e-12);
    }
    gsl_rng_free(r);
}

/* The block-tridiagonal solve with lone trailing states (muscle activations: a diagonal row,
 * columns only in the leading rows of their block and of the next) against GSL's dense LU of
 * the same matrices. */
static void test_btri_lead(void **state)
{
    (void)state;
    enum { NB = 4, B = 6, K = 2, N = NB * B, S = 8, NL = 5 };
    static double A[3 * NB * B * B * S], A4[3 * NB * K * K * S], x[N * S];
    int piv[NB * K * S];
    unsigned char sing[S];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    double dense[NL][N * N], rhs[NL][N];
    memset(dense, 0, sizeof dense);
    memset(A, 0, sizeof A);
    for (int band = 0; band < 3; band++)
        for (int i = 0; i < NB; i++)
            for (int rr = 0; rr < B; rr++)
                for (int c = 0; c < B; c++) {
                    int bc = i + band - 1;
                    /* the structure: trailing rows only their diagonal; trailing columns only in
                     * the leading rows of their own block (band 1) and the next (band 0) */
                    int lead_r = rr < K, lead_c = c < K;
                    int nz = bc >= 0 && bc < NB &&
                             (lead_r && lead_c ? 1 : !lead_r ? band == 1 && rr == c : band < 2);
                    for (int l = 0; l < S; l++) {
                        double v = nz ? gsl_rng_uniform(r) - 0.5 : 0.0;
                        if (nz && band == 1 && rr == c)
                            v += 4.0;
                        A[ds_btri_at(NB, B, S, band, i, rr, c) + l] = v;
                        if (l < NL && nz)
                            dense[l][(i * B + rr) * N + bc * B + c] = v;
                    }
                }
    random_rhs(r, N, S, NL, x, &rhs[0][0]);
    ds_btri_lead_gather(NB, B, K, S, NL, A, A4);
    ds_btri_lead_factor(NB, B, K, S, NL, A, A4, piv, sing);
    ds_btri_lead_solve(NB, B, K, S, NL, A, A4, piv, x);
    double worst = 0.0;
    for (int l = 0; l < NL; l++) {
        assert_int_equal(sing[l], 0);
        gsl_dense_solve(N, dense[l], rhs[l]);
        for (int q = 0; q < N; q++) {
            double d = fabs(x[q * S + l] - rhs[l][q]) / (1.0 + fabs(rhs[l][q]));
            worst = d > worst ? d : worst;
        }
    }
    printf("block-tridiagonal with lone trailing states vs GSL dense LU: largest difference %.2g\n", worst);
    assert_true(worst < 1e-13);
    gsl_rng_free(r);
}

/* GSL reference through the same right-hand side (lane 0). */
typedef struct {
    tk_sim *s;
    double x[DS_MAX_NX * DS_LANE_ALIGN], f[DS_MAX_NX * DS_LANE_ALIGN], t[DS_LANE_ALIGN];
} gwrap;

static int gsl_rhs(double t, const double y[], double dydt[], void *p)
{
    gwrap *g = p;
    const int S = g->s->m.stride, nx = g->s->sys.nx;
    signed char flag[DS_LANE_ALIGN] = {0};
    for (int l = 0; l < S; l++)
        g->t[l] = t;
    for (int i = 0; i < nx; i++)
        for (int l = 0; l < S; l++)
            g->x[i * S + l] = y[i];
    g->s->sys.rhs(g->s->sys.ctx, g->t, g->x, g->f, flag);
    for (int i = 0; i < nx; i++)
        dydt[i] = g->f[i * S];
    return flag[0] ? GSL_EBADFUNC : GSL_SUCCESS;
}

typedef struct {
    double a, b, from, to; /* segment; a ramp when b - a is the ramp length */
    int ramp;
} seg;

/* Runs the segments with GSL rk8pd at tight tolerance, recording lane-0 states at the
 * given sample times (which must lie in the segments). */
static void reference(ds_variant v, const seg *sg, int nseg, const double *ts, int nts, double *out)
{
    tk_sim s;
    tk_init(&s, v, tk_opts(DS_TRBDF2, 1e-8, 0.0), sg[0].from, NULL);
    gwrap g = {.s = &s};
    const int nx = s.sys.nx, S = s.m.stride;
    gsl_odeiv2_system sys = {gsl_rhs, NULL, (size_t)nx, &g};
    gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-4, 1e-14, 1e-13);
    double y[DS_MAX_NX];
    for (int i = 0; i < nx; i++)
        y[i] = s.d.x[i * S];
    double t = sg[0].a;
    int k = 0;
    for (int j = 0; j < nseg; j++) {
        tk_segment(&s, sg[j].a, sg[j].ramp ? sg[j].b : sg[j].a, sg[j].from, sg[j].to);
        gsl_odeiv2_driver_reset(drv);
        while (k < nts && ts[k] <= sg[j].b) {
            assert_int_equal(gsl_odeiv2_driver_apply(drv, &t, ts[k], y), GSL_SUCCESS);
            for (int i = 0; i < nx; i++)
                out[k * nx + i] = y[i];
            k++;
        }
        if (t < sg[j].b)
            assert_int_equal(gsl_odeiv2_driver_apply(drv, &t, sg[j].b, y), GSL_SUCCESS);
    }
    gsl_odeiv2_driver_free(drv);
    tk_free(&s);
}

/* Same with one of ours; returns the largest error relative to the state scales. */
static double run_ours(ds_variant v, ds_solver_opts o, const seg *sg, int nseg, const double *ts, int nts,
                       const double *ref, int64_t *steps)
{
    tk_sim s;
    tk_init(&s, v, o, sg[0].from, NULL);
    const int nx = s.sys.nx, S = s.m.stride;
    double *x = malloc((size_t)nx * S * sizeof(double));
    double worst = 0.0;
    int k = 0;
    for (int j = 0; j < nseg; j++) {
        tk_segment(&s, sg[j].a, sg[j].ramp ? sg[j].b : sg[j].a, sg[j].from, sg[j].to);
        while (k < nts && ts[k] <= sg[j].b) {
            ds_error err;
            ds_status st = ds_evolver_advance(s.ev, ts[k], sg[j].b, &err);
            if (st)
                fprintf(stderr, "%s\n", err.msg);
            assert_int_equal(st, DS_OK);
            ds_evolver_interp(s.ev, ts[k], x);
            for (int i = 0; i < nx; i++) {
                double e = fabs(x[i * S] - ref[k * nx + i]) / s.sys.scale[i];
                worst = e > worst ? e : worst;
            }
            k++;
        }
        tk_advance(&s, sg[j].b);
    }
    if (steps)
        *steps = ds_evolver_stats(s.ev)->steps[0];
    free(x);
    tk_free(&s);
    return worst;
}

/* Inertial disc under a sudden load (250 -> 600 N in 20 ms, shorter than the period of the
 * vertebral mode, about 40 Hz with damping ratio 0.12) and 80 ms of ringing: a demanding,
 * smooth test of every method's order. Steps divide both segments. */
static const seg short_run[] = {{0.0, 0.02, 250.0, 600.0, 1}, {0.02, 0.1, 600.0, 600.0, 0}};

static void test_order(void **state)
{
    (void)state;
    const double tend[1] = {0.1};
    double ref[DS_MAX_NX];
    reference(DS_INERTIAL, short_run, 2, tend, 1, ref);
    struct {
        ds_method_id id;
        double h0;
        double expect, lo, hi;
    } cases[] = {
        {DS_EULER, 0.02 / 512, 1, 0.9, 1.15}, {DS_BEULER, 0.02 / 512, 1, 0.9, 1.15},
        {DS_TRBDF2, 0.02 / 16, 2, 1.85, 2.2}, {DS_ESDIRK3, 0.02 / 16, 3, 2.8, 3.3}, {DS_RK4, 0.02 / 16, 4, 3.7, 4.3},
        {DS_DOPRI5, 0.02 / 32, 5, 4.6, 5.5},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double e[3];
        for (int j = 0; j < 3; j++) {
            ds_solver_opts o = tk_opts(cases[c].id, 1e-13, cases[c].h0 / (1 << j));
            e[j] = run_ours(DS_INERTIAL, o, short_run, 2, tend, 1, ref, NULL);
        }
        double p1 = log2(e[0] / e[1]), p2 = log2(e[1] / e[2]);
        printf("%-7s h = %.3g, %.3g, %.3g s: errors %.3e %.3e %.3e, observed order %.2f, %.2f (expected %g)\n",
               ds_method_get(cases[c].id)->name, cases[c].h0, cases[c].h0 / 2, cases[c].h0 / 4, e[0], e[1], e[2],
               p1, p2, cases[c].expect);
        assert_true(e[2] > 1e-12); /* still above round-off, so the order is measurable */
        assert_true(p2 > cases[c].lo && p2 < cases[c].hi);
    }
}

/* One day at L4L5: 16 h standing, 8 h lying, 1 s ramps, sampled at the middle of every hour. */
static const seg day[] = {{0, 1, 250, 600, 1}, {1, 57600, 600, 600, 0}, {57600, 57601, 600, 250, 1},
                          {57601, 86400, 250, 250, 0}};

/* The quasi-static day by rk8pd: sample times and states (fluid volume, creep height). */
static void day_reference(double ts[24], double ref[24 * DS_QS_NSTATE])
{
    for (int k = 0; k < 24; k++)
        ts[k] = 3600.0 * (k + 1) - 1800.0;
    reference(DS_QUASI_STATIC, day, 4, ts, 24, ref);
}

static void test_day_vs_rk8pd(void **state)
{
    (void)state;
    double ts[24], ref[24 * DS_QS_NSTATE];
    day_reference(ts, ref);
    struct {
        ds_method_id id;
        double rtol, h, tol;
    } cases[] = {
        /* rk4's bound: 60 s steps resolve the creep element's 10-minute mode to ~1e-8 mm */
        {DS_EULER, 1e-8, 5.0, 2e-4},  {DS_RK4, 1e-8, 60.0, 5e-8},   {DS_DOPRI5, 1e-8, 0.0, 1e-5},
        {DS_BEULER, 1e-8, 5.0, 2e-4}, {DS_TRBDF2, 1e-8, 0.0, 1e-5}, {DS_ESDIRK3, 1e-8, 0.0, 1e-5},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int64_t steps;
        double e = run_ours(DS_QUASI_STATIC, tk_opts(cases[c].id, cases[c].rtol, cases[c].h), day, 4, ts, 24, ref,
                            &steps);
        printf("%-7s %s: largest hourly difference from rk8pd %.2e (states over their scales, 1000 mm^3 and 1 mm; %lld steps, bound %.0e)\n",
               ds_method_get(cases[c].id)->name, cases[c].h > 0 ? "fixed step" : "rtol 1e-8", e, (long long)steps,
               cases[c].tol);
        assert_true(e < cases[c].tol);
    }
}

/* The inertial variant over a day with the implicit methods (explicit ones would need
 * millisecond steps for the vertebral mode): compared with the quasi-static rk8pd
 * reference, since vertebral inertia is negligible on the scale of hours. */
static void test_day_inertial(void **state)
{
    (void)state;
    double ts[24], ref[24 * DS_QS_NSTATE];
    day_reference(ts, ref);
    tk_sim s;
    tk_init(&s, DS_INERTIAL, tk_opts(DS_TRBDF2, 1e-8, 0.0), 250.0, NULL);
    double *x = malloc((size_t)s.sys.nx * s.m.stride * sizeof(double)), worst = 0.0;
    int k = 0;
    for (int j = 0; j < 4; j++) {
        tk_segment(&s, day[j].a, day[j].ramp ? day[j].b : day[j].a, day[j].from, day[j].to);
        for (; k < 24 && ts[k] <= day[j].b; k++) {
            ds_error err;
            assert_int_equal(ds_evolver_advance(s.ev, ts[k], day[j].b, &err), DS_OK);
            ds_evolver_interp(s.ev, ts[k], x);
            double e = fabs(x[DS_IN_V * s.m.stride] - ref[k * DS_QS_NSTATE + DS_QS_V]) / 1000.0;
            worst = e > worst ? e : worst;
        }
        tk_advance(&s, day[j].b);
    }
    printf("trbdf2 inertial: largest hourly difference from the quasi-static rk8pd day %.2e x 1000 mm^3 (%lld steps)\n",
           worst, (long long)ds_evolver_stats(s.ev)->steps[0]);
    assert_true(worst < 1e-5);
    free(x);
    tk_free(&s);
}

/* Lanes that run ahead. Oscillators x'' = -w^2 x of different frequencies (so different
 * steps), recorded every 0.05 (shorter than most of their steps), with a hard stop at 4. */
typedef struct {
    double w[2 * DS_LANE_ALIGN];
    int stride;    /* lanes of the block: one vector or two */
    double w_fail; /* the lane of this frequency meets a fatal error past t = 5.33 (0: none) */
    long calls;
} osc;

static void osc_rhs(void *ctx, const double *restrict t, const double *restrict x, double *restrict f,
                    signed char *restrict flag)
{
    osc *o = ctx;
    o->calls++;
    for (int l = 0; l < o->stride; l++) {
        f[l] = x[o->stride + l];
        f[o->stride + l] = -o->w[l] * o->w[l] * x[l];
        flag[l] = o->w[l] == o->w_fail && t[l] > 5.33 ? -1 : 0;
    }
}

enum { OSC_LANES = 4, OSC_REC = 200 };

/* An evolver (Dormand-Prince, rtol 1e-7) of the oscillators w[0 .. nl) in a block of stride
 * S, its padding lanes at frequency 1, reset to x = 1, v = 0 at t = 0; o holds their numbers
 * and must outlive it. */
static ds_evolver *osc_evolver(osc *o, const double *w, int nl, int S, double w_fail)
{
    *o = (osc){.stride = S, .w_fail = w_fail};
    for (int l = 0; l < S; l++)
        o->w[l] = l < nl ? w[l] : 1.0;
    ds_system sys = {.nx = 2, .nlanes = nl, .stride = S, .rhs = osc_rhs, .ctx = o,
                     .scale = {1.0, 1.0}, .var_name = {"x", "v"}};
    ds_evolver *ev;
    ds_error err;
    ds_solver_opts opt = tk_opts(DS_DOPRI5, 1e-7, 0.0);
    assert_int_equal(ds_evolver_create(&sys, &opt, &ev, &err), DS_OK);
    double x0[4 * DS_LANE_ALIGN] = {0};
    for (int l = 0; l < S; l++)
        x0[l] = 1.0;
    ds_evolver_reset(ev, 0.0, x0);
    return ev;
}

/* Runs lanes w[0..nl) to t = 10, recording states and, after each record, each lane's
 * visible status. Returns the block's right-hand-side calls. */
static long osc_run(const double *w, int nl, double w_fail, double *x, unsigned char *status, int64_t *rhs)
{
    osc o;
    ds_evolver *ev = osc_evolver(&o, w, nl, DS_LANE_ALIGN, w_fail);
    ds_error err;
    double xr[2 * DS_LANE_ALIGN];
    for (int k = 1; k <= OSC_REC; k++) {
        double t = 0.05 * k;
        ds_evolver_advance(ev, t, t <= 4.0 ? 4.0 : 10.0, &err);
        ds_evolver_interp(ev, t, xr);
        for (int l = 0; l < nl; l++) {
            x[(2 * k - 2) * OSC_LANES + l] = xr[l];
            x[(2 * k - 1) * OSC_LANES + l] = xr[DS_LANE_ALIGN + l];
            status[(k - 1) * OSC_LANES + l] = ds_evolver_lane_status(ev)[l];
        }
    }
    for (int l = 0; l < nl; l++)
        rhs[l] = ds_evolver_stats(ev)->rhs_evals[l];
    ds_evolver_free(ev);
    return o.calls;
}

/* Batched in one block, every lane's dense output at every record, the record at which its
 * failure is reported and its counts are the bits of the same lane run alone. The fast lane
 * keeps the block busy while the failing one runs ahead into its failure, which a lane
 * alone meets only in the next record's call. */
static void test_lanes_run_ahead_same_bits(void **state)
{
    (void)state;
    const double w[OSC_LANES] = {0.3, 13.0, 0.5, 0.7};
    static double xb[2 * OSC_REC * OSC_LANES], xa[2 * OSC_REC * OSC_LANES];
    static unsigned char sb[OSC_REC * OSC_LANES], sa[OSC_REC * OSC_LANES];
    int64_t rb[OSC_LANES], ra[OSC_LANES];
    osc_run(w, OSC_LANES, 0.5, xb, sb, rb);
    for (int l = 0; l < OSC_LANES; l++) {
        osc_run(&w[l], 1, 0.5, xa, sa, &ra[l]);
        int failed_at = -1;
        for (int k = 0; k < OSC_REC; k++) {
            assert_int_equal(sb[k * OSC_LANES + l], sa[k * OSC_LANES]);
            if (sa[k * OSC_LANES] != DS_LANE_OK) {
                failed_at = failed_at < 0 ? k : failed_at;
                continue; /* no record of a failed lane is kept */
            }
            for (int i = 0; i < 2; i++)
                assert_memory_equal(&xb[(2 * k + i) * OSC_LANES + l], &xa[(2 * k + i) * OSC_LANES], sizeof(double));
        }
        if (failed_at >= 0)
            printf("lane %d (w = %g): failure reported at the record of t = %.2f\n", l, w[l], 0.05 * (failed_at + 1));
        assert_true(w[l] == 0.5 ? failed_at > 0 && 0.05 * (failed_at + 1) < 5.36 : failed_at < 0);
        assert_int_equal(rb[l], ra[l]);
    }
}

/* With steps longer than the records and no lane the busiest throughout, a block whose
 * lanes past a record waited for the others would evaluate the right-hand side about as
 * often as its lanes together; running ahead, hardly more than its busiest lane. */
static void test_lanes_run_ahead_share_calls(void **state)
{
    (void)state;
    const double w[OSC_LANES] = {0.3, 0.9, 0.5, 0.7};
    static double x[2 * OSC_REC * OSC_LANES];
    static unsigned char st[OSC_REC * OSC_LANES];
    int64_t rhs[OSC_LANES], busiest = 0, all = 0;
    long calls = osc_run(w, OSC_LANES, 0.0, x, st, rhs);
    for (int l = 0; l < OSC_LANES; l++) {
        busiest = rhs[l] > busiest ? rhs[l] : busiest;
        all += rhs[l];
    }
    printf("lanes running ahead: %ld evaluations for the block, %lld for its busiest lane, %lld for all\n", calls,
           (long long)busiest, (long long)all);
    assert_true(calls <= busiest + busiest / 10);
}

/* Dense output kept between records. Oscillators in a block of two vectors of lanes (the
 * second vector's lanes stepping while the first's keep their steps, and the reverse, and
 * lanes running ahead), asked at each record for row 1, then every row, then row 0 with a row
 * outside the state, with a hard stop at a record (where the answer is each lane's state,
 * until it steps on): every answer is the bits of the lane run alone and asked for every
 * row. */
enum { KEEP_LANES = 2 * DS_LANE_ALIGN - 3 };

/* Lanes w[0 .. nl) to t = 10 with a stop at the 80th record, every row of each record into
 * x[record][row][lane]; ask_rows: first ask for row 1 and row 0 alone as well, keeping those
 * answers in xr1 and xr0; keep1: the history keeps row 1 only (ds_evolver_dense_rows). */
static void osc_n_run(const double *w, int nl, int ask_rows, int keep1, double *x, double *xr1, double *xr0)
{
    const int S = nl > DS_LANE_ALIGN ? 2 * DS_LANE_ALIGN : DS_LANE_ALIGN;
    osc o;
    ds_evolver *ev = osc_evolver(&o, w, nl, S, 0.0);
    ds_error err;
    double xa[4 * DS_LANE_ALIGN], xb[4 * DS_LANE_ALIGN];
    const int one[] = {1}, zero_out[] = {0, -1, 2};
    if (keep1)
        ds_evolver_dense_rows(ev, one, 1);
    for (int k = 1; k <= OSC_REC; k++) {
        double t = 0.05 * k;
        assert_int_equal(ds_evolver_advance(ev, t, k <= 80 ? 0.05 * 80 : 10.0, &err), DS_OK);
        if (ask_rows)
            ds_evolver_interp_rows(ev, t, one, 1, xa);
        ds_evolver_interp(ev, t, xb);
        for (int l = 0; l < nl; l++) {
            x[(2 * (k - 1)) * KEEP_LANES + l] = xb[l];
            x[(2 * (k - 1) + 1) * KEEP_LANES + l] = xb[S + l];
            if (ask_rows)
                xr1[(k - 1) * KEEP_LANES + l] = xa[S + l];
        }
        if (ask_rows) {
            ds_evolver_interp_rows(ev, t, zero_out, 3, xa);
            for (int l = 0; l < nl; l++)
                xr0[(k - 1) * KEEP_LANES + l] = xa[l];
        }
    }
    ds_evolver_free(ev);
}

static void test_dense_output_kept(void **state)
{
    (void)state;
    double w[KEEP_LANES];
    for (int l = 0; l < KEEP_LANES; l++)
        w[l] = 0.2 + 0.37 * l + (l % 3) * 1.1; /* steps of many lengths in both vectors */
    static double xb[2 * OSC_REC * KEEP_LANES], r1[OSC_REC * KEEP_LANES], r0[OSC_REC * KEEP_LANES];
    static double xa[2 * OSC_REC * KEEP_LANES];
    osc_n_run(w, KEEP_LANES, 1, 0, xb, r1, r0);
    for (int l = 0; l < KEEP_LANES; l++) {
        osc_n_run(&w[l], 1, 0, 0, xa, NULL, NULL);
        for (int k = 0; k < OSC_REC; k++) {
            const double x0 = xa[2 * k * KEEP_LANES], v0 = xa[(2 * k + 1) * KEEP_LANES];
            assert_memory_equal(&xb[2 * k * KEEP_LANES + l], &x0, sizeof(double));
            assert_memory_equal(&xb[(2 * k + 1) * KEEP_LANES + l], &v0, sizeof(double));
            assert_memory_equal(&r1[k * KEEP_LANES + l], &v0, sizeof(double));
            assert_memory_equal(&r0[k * KEEP_LANES + l], &x0, sizeof(double));
        }
    }
}

/* A history that keeps row 1 only answers for row 1 with the bits of one that keeps both,
 * and for row 0 with NaN where its lanes have moved on (the lanes' states at the stop). */
static void test_dense_rows_kept(void **state)
{
    (void)state;
    double w[KEEP_LANES];
    for (int l = 0; l < KEEP_LANES; l++)
        w[l] = 0.2 + 0.37 * l + (l % 3) * 1.1;
    static double xb[2 * OSC_REC * KEEP_LANES], r1[OSC_REC * KEEP_LANES], r0[OSC_REC * KEEP_LANES];
    static double xk[2 * OSC_REC * KEEP_LANES], k1[OSC_REC * KEEP_LANES], k0[OSC_REC * KEEP_LANES];
    osc_n_run(w, KEEP_LANES, 1, 0, xb, r1, r0);
    osc_n_run(w, KEEP_LANES, 1, 1, xk, k1, k0);
    int nan = 0;
    for (int q = 0; q < OSC_REC * KEEP_LANES; q++) {
        assert_memory_equal(&k1[q], &r1[q], sizeof(double));
        nan += isnan(k0[q]);
        assert_true(isnan(k0[q]) || !memcmp(&k0[q], &r0[q], sizeof(double)));
    }
    assert_true(nan > OSC_REC * KEEP_LANES / 2);
}

/* An evolver of nl lanes of one state x (x = 1 at t = 0) with the right-hand side rhs. */
static ds_evolver *scalar_evolver(ds_rhs_fn rhs, int nl, const ds_solver_opts *opt)
{
    ds_system sys = {.nx = 1, .nlanes = nl, .stride = DS_LANE_ALIGN, .rhs = rhs, .scale = {1.0}, .var_name = {"x"}};
    ds_evolver *ev;
    ds_error err = {0};
    assert_int_equal(ds_evolver_create(&sys, opt, &ev, &err), DS_OK);
    double x0[DS_LANE_ALIGN];
    for (int l = 0; l < DS_LANE_ALIGN; l++)
        x0[l] = 1.0;
    ds_evolver_reset(ev, 0.0, x0);
    return ev;
}

/* A lane whose slope becomes infinite (lane 1 past t = 1, x' = -x before) fails with that
 * reason, not as a step too small, at the time it reached; its companion runs on to the end
 * with its own answer. */
static void inf_rhs(void *ctx, const double *restrict t, const double *restrict x, double *restrict f,
                    signed char *restrict flag)
{
    (void)ctx;
    for (int l = 0; l < DS_LANE_ALIGN; l++) {
        f[l] = l == 1 && t[l] > 1.0 ? INFINITY : -x[l];
        flag[l] = 0;
    }
}

static void test_nonfinite_lane(void **state)
{
    (void)state;
    ds_error err = {0};
    ds_solver_opts opt = tk_opts(DS_DOPRI5, 1e-7, 0.0);
    opt.max_steps = 100000; /* were the state's check missing, the lane would fail for this, not loop */
    ds_evolver *ev = scalar_evolver(inf_rhs, 2, &opt);
    assert_int_equal(ds_evolver_advance(ev, 2.0, 2.0, &err), DS_ERR_NUMERIC);
    printf("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "NaN or infinite"));
    assert_int_equal(ds_evolver_lane_status(ev)[1], DS_LANE_NONFINITE);
    const char *var;
    const double tf = ds_evolver_failure(ev, 1, &var);
    assert_true(tf > 0.99 && tf <= 1.0);
    assert_string_equal(var, "x");
    assert_int_equal(ds_evolver_lane_status(ev)[0], DS_LANE_OK);
    assert_true(fabs(ds_evolver_state(ev)[0] - exp(-2.0)) < 1e-6);
    ds_evolver_free(ev);
}

/* Three lanes that fail or not, each for its own reason (the evolver judges all lanes at once,
 * by selects, so each reason must come from its own lane's state):
 *   - lane 0 leaves the model's domain past t = 0.5 (its flag raised at every retry) and
 *     fails for that once its retries fall below h_min;
 *   - lane 1, x' = -1e12 x, too stiff for an explicit method: its error test fails until its
 *     steps fall below h_min, with a finite, in-domain state, a step too small (at t = 0);
 *   - lane 2, x' = -x, runs on. A stop reached by a step of 1e-9 s is a landing: the smallest
 *     step it reports is not that. */
static void reasons_rhs(void *ctx, const double *restrict t, const double *restrict x, double *restrict f,
                        signed char *restrict flag)
{
    (void)ctx;
    for (int l = 0; l < DS_LANE_ALIGN; l++) {
        f[l] = l == 1 ? -1e12 * x[l] : -x[l];
        flag[l] = l == 0 && t[l] > 0.5 ? 1 : 0;
    }
}

static void test_lane_failure_reasons(void **state)
{
    (void)state;
    ds_error err = {0};
    ds_solver_opts opt = tk_opts(DS_DOPRI5, 1e-7, 0.0);
    opt.h_min = 1e-8;
    ds_evolver *ev = scalar_evolver(reasons_rhs, 3, &opt);
    assert_int_equal(ds_evolver_advance(ev, 1.5, 1.5, &err), DS_ERR_NUMERIC);
    printf("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "step size fell below")); /* lane 1, the earlier */
    const unsigned char *st = ds_evolver_lane_status(ev);
    assert_int_equal(st[0], DS_LANE_DOMAIN);
    assert_int_equal(st[1], DS_LANE_STEP_UNDERFLOW);
    assert_int_equal(st[2], DS_LANE_OK);
    const char *var;
    double tf = ds_evolver_failure(ev, 0, &var);
    assert_true(tf > 0.49 && tf <= 0.5);
    assert_true(ds_evolver_failure(ev, 1, &var) == 0.0);
    assert_true(fabs(ds_evolver_state(ev)[2] - exp(-1.5)) < 1e-6);
    const double h_small = ds_evolver_stats(ev)->h_min[2];
    assert_true(h_small > 1e-8); /* the step of 1e-9 s below would be smaller */
    assert_int_equal(ds_evolver_advance(ev, 1.5 + 1e-9, 1.5 + 1e-9, &err), DS_OK);
    assert_true(ds_evolver_time(ev)[2] == 1.5 + 1e-9);
    assert_true(ds_evolver_stats(ev)->h_min[2] == h_small);
    ds_evolver_free(ev);
}

int main(void)
{
    gsl_set_error_handler_off(); /* GSL serves as the reference here: errors are returned, not aborted on */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lu),
        cmocka_unit_test(test_btri),
        cmocka_unit_test(test_btri_lead),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_day_vs_rk8pd),
        cmocka_unit_test(test_day_inertial),
        cmocka_unit_test(test_lanes_run_ahead_same_bits),
        cmocka_unit_test(test_lanes_run_ahead_share_calls),
        cmocka_unit_test(test_dense_output_kept),
        cmocka_unit_test(test_dense_rows_kept),
        cmocka_unit_test(test_nonfinite_lane),
        cmocka_unit_test(test_lane_failure_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
