/* The base layer with tiny inputs: units and their conversion, bounded string building,
 * and Brent's root finder against GSL's. */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "testkit.h"
#include "base/dmath.h"
#include "base/dist.h"
#include "base/rng.h"
#include "base/roots.h"
#include "base/strbuf.h"
#include "base/units.h"

static void test_units(void **state)
{
    (void)state;
    double v;
    char why[256];
    struct {
        const char *text, *unit;
        double want;
    } ok[] = {
        {"85kg", "t", 0.085},          {"0.085 t", "t", 0.085},        {"1.1cm", "mm", 11.0},
        {"30deg", "rad", 0.5235987755982988}, {"2 h", "s", 7200.0},     {"1 kPa", "MPa", 1e-3},
        {"0.25 mm^3/(MPa*s)", "mm^3/(MPa*s)", 0.25}, {"15 mm^3/(MPa*min)", "mm^3/(MPa*s)", 0.25},
        {"2 N*s/mm", "N*s/mm", 2.0},   {"1 N/mm^2", "MPa", 1.0},       {"1 kN*m", "N*mm", 1e6},
        {"100 mmHg", "kPa", 13.3322387415}, {"50%", "1", 0.5},         {"0.3", "1", 0.3},
        {"0", "mm", 0.0},               {"9.81 m/s^2", "mm/s^2", 9810.0}, {"3 1/s", "1/s", 3.0},
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        int rc = ds_quantity_parse(ok[k].text, ok[k].unit, &v, why, sizeof why);
        if (rc)
            fail_msg("'%s' in %s: %s", ok[k].text, ok[k].unit, why);
        assert_true(fabs(v - ok[k].want) <= 1e-12 * fabs(ok[k].want));
    }
    struct {
        const char *text, *unit, *words;
    } bad[] = {
        {"0.25", "mm^3/(MPa*s)", "without a unit"}, {"85 mm", "t", "not a unit of the same kind"},
        {"30 degrees", "rad", "unknown unit 'degrees'"}, {"1 mm^9", "mm", "power"},
        {"1 (mm", "mm", "not closed"},             {"1 mm)", "mm", "has no '('"},
        {"kg", "t", "expected a number"},          {"1e999 kg", "t", "expected a number"},
        {"1 ((((((((((mm))))))))))", "mm", "too many parentheses"}, {"2 rad", "1", "not a unit of the same kind"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(ds_quantity_parse(bad[k].text, bad[k].unit, &v, why, sizeof why), -1);
        if (!strstr(why, bad[k].words))
            fail_msg("'%s' in %s: '%s' lacks '%s'", bad[k].text, bad[k].unit, why, bad[k].words);
    }
}

static void test_append(void **state)
{
    (void)state;
    char buf[16];
    size_t len = 0;
    buf[0] = '\0';
    assert_int_equal(ds_append(buf, sizeof buf, &len, "%s", "posture"), 0);
    assert_int_equal(ds_append(buf, sizeof buf, &len, ", %s", "sit"), 0);
    assert_string_equal(buf, "posture, sit");
    assert_int_equal(len, 12);
    /* "ting" would need 16 characters and the NUL: cut, and marked */
    assert_int_equal(ds_append(buf, sizeof buf, &len, "%s", "ting"), -1);
    assert_string_equal(buf, "posture, sit...");
    assert_int_equal(len, sizeof buf - 1);
    /* once full it stays inside the buffer, whatever is appended */
    assert_int_equal(ds_append(buf, sizeof buf, &len, "%s", "a very long text indeed"), -1);
    assert_string_equal(buf, "posture, sit...");
}

typedef struct {
    double a, b, c;
} cubic;

static double f_cubic(double x, void *p)
{
    const cubic *q = p;
    return ((x - q->a) * (x - q->b) + q->c) * x - 1.0;
}

static double f_exp(double x, void *p)
{
    (void)p;
    return exp(x) - 10.0;
}

/* g(P) of the drained disc (physics/spine.c): steep near 0, nearly linear beyond */
static double f_disc(double P, void *p)
{
    (void)p;
    double V = 4305.0 * pow(0.3 / P, 0.5), h = (V - 420.0 * P) / 700.0;
    return P * 1200.0 + 160.0 * (11.0 - h) - 600.0;
}

static void test_brent_against_gsl(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    cubic cq = {0.3, 2.0, 0.5};
    struct {
        double (*f)(double, void *);
        void *p;
        double lo, hi;
    } cases[] = {{f_cubic, &cq, 0.0, 5.0}, {f_exp, NULL, -3.0, 10.0}, {f_disc, NULL, 1e-9, 1.0}};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double mine;
        assert_int_equal(ds_root_brent(cases[k].f, cases[k].p, cases[k].lo, cases[k].hi, 0.0, 200, &mine), DS_ROOT_OK);
        gsl_function F = {cases[k].f, cases[k].p};
        assert_int_equal(gsl_root_fsolver_set(s, &F, cases[k].lo, cases[k].hi), GSL_SUCCESS);
        int status = GSL_CONTINUE;
        for (int it = 0; it < 200 && status == GSL_CONTINUE; it++) {
            gsl_root_fsolver_iterate(s);
            status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), 0.0, 1e-15);
        }
        double theirs = gsl_root_fsolver_root(s);
        printf("brent case %zu: %.17g, GSL %.17g, f = %.3g\n", k, mine, theirs, cases[k].f(mine, cases[k].p));
        assert_true(fabs(mine - theirs) <= 4 * DBL_EPSILON * fabs(theirs));
    }
    gsl_root_fsolver_free(s);
    double r;
    assert_int_equal(ds_root_brent(f_exp, NULL, 3.0, 10.0, 0.0, 200, &r), DS_ROOT_NO_BRACKET);
    assert_int_equal(ds_root_brent(f_exp, NULL, -3.0, 10.0, 0.0, 3, &r), DS_ROOT_NO_CONVERGENCE);
}

/* Brent's steps by lanes: three problems stepped together (each lane's f evaluated where its
 * b moved) find the roots, in the steps, that each finds alone; a fourth lane, not running,
 * is left exactly as it was; a lane whose root has converged stops and keeps its root. */
static void test_brent_lanes(void **state)
{
    (void)state;
    cubic cq = {0.3, 2.0, 0.5};
    double (*f[3])(double, void *) = {f_cubic, f_exp, f_disc};
    void *p[3] = {&cq, NULL, NULL};
    const double lo[3] = {0.0, -3.0, 1e-9}, hi[3] = {5.0, 10.0, 1.0};
    enum { N = 4 };
    double a[N], b[N], c[N], fa[N], fb[N], fc[N], d[N], e[N];
    const ds_brent_lanes v = {a, b, c, fa, fb, fc, d, e};
    int64_t run[N];
    int steps[N] = {0}, alone_steps[3];
    double alone[3];
    for (int k = 0; k < 3; k++) {
        ds_brent s;
        assert_int_equal(ds_brent_start(&s, lo[k], hi[k], f[k](lo[k], p[k]), f[k](hi[k], p[k])), DS_ROOT_GOING);
        a[k] = s.a, b[k] = s.b, c[k] = s.c, fa[k] = s.fa, fb[k] = s.fb, fc[k] = s.fc, d[k] = s.d, e[k] = s.e;
        run[k] = 1;
        /* alone, as ds_root_brent steps */
        int it = 0;
        while (ds_brent_step(&s, 0.0) == DS_ROOT_GOING && it < 200)
            s.fb = f[k](s.b, p[k]), it++;
        alone[k] = s.b, alone_steps[k] = it;
    }
    a[3] = 1.0, b[3] = 2.0, c[3] = 3.0, fa[3] = -1.0, fb[3] = 0.5, fc[3] = 2.0, d[3] = 0.25, e[3] = 0.125;
    run[3] = 0;
    for (int it = 0; it < 200 && (run[0] | run[1] | run[2]); it++) {
        ds_brent_step_lanes(&v, N, 0.0, run);
        for (int k = 0; k < 3; k++)
            if (run[k])
                fb[k] = f[k](b[k], p[k]), steps[k]++;
    }
    for (int k = 0; k < 3; k++) {
        assert_int_equal(run[k], 0);
        assert_int_equal(steps[k], alone_steps[k]);
        assert_memory_equal(&b[k], &alone[k], sizeof(double));
    }
    assert_true(steps[0] != steps[1] || steps[1] != steps[2]); /* the lanes stopped at different steps */
    const double kept[8] = {1.0, 2.0, 3.0, -1.0, 0.5, 2.0, 0.25, 0.125};
    const double now[8] = {a[3], b[3], c[3], fa[3], fb[3], fc[3], d[3], e[3]};
    assert_memory_equal(now, kept, sizeof kept);
}

/* Philox4x32-10 against the known-answer vectors of Random123 (tests/kat_vectors), and
 * the uniform draws built on it: in (0, 1), a pure function of their key, and with the
 * mean and variance of a uniform over 100 000 subjects. */
static void test_philox(void **state)
{
    (void)state;
    static const uint32_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d, 0x41c83b0e, 0xa20bc7c6,
         0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09, 0x94fdcceb, 0x5001e420,
         0x24126ea1}};
    for (int k = 0; k < 3; k++) {
        uint32_t out[4];
        ds_philox4x32_10(kat[k], kat[k] + 4, out);
        for (int j = 0; j < 4; j++)
            assert_true(out[j] == kat[k][6 + j]);
    }
    const int n = 100000;
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < n; i++) {
        double u = ds_rng_u01(42, (uint64_t)i, 3, 0);
        assert_true(u > 0.0 && u < 1.0);
        sum += u, sum2 += u * u;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    printf("u01 over %d subjects: mean %.5f (1/2), variance %.5f (1/12 = %.5f)\n", n, mean, var, 1.0 / 12);
    assert_true(fabs(mean - 0.5) < 4.0 * sqrt(1.0 / 12 / n)); /* 4 sigma */
    assert_true(fabs(var - 1.0 / 12) < 1e-3);
    /* a draw depends on its key alone, and every part of the key matters */
    double u = ds_rng_u01(42, 7, 3, 1);
    assert_true(u == ds_rng_u01(42, 7, 3, 1));
    assert_true(u != ds_rng_u01(43, 7, 3, 1) && u != ds_rng_u01(42, 8, 3, 1) && u != ds_rng_u01(42, 7, 4, 1) &&
                u != ds_rng_u01(42, 7, 3, 2) && u != ds_rng_u01(42, 7 + (1ull << 32), 3, 1));
}

/* The normal quantile (AS 241) against GSL's, from the centre to p = 1e-300, and the
 * distributions' quantiles against their closed forms and GSL. */
static void test_quantiles(void **state)
{
    (void)state;
    double worst = 0.0;
    for (int k = -300; k <= 0; k++)
        for (int m = 1; m <= 9; m += 2) {
            double p = m * pow(10.0, k) / 10.0 * 2.0; /* 2e-301 .. 1.8 */
            if (!(p > 0.0 && p < 1.0))
                continue;
            double x = ds_norm_quantile(p), y = gsl_cdf_ugaussian_Pinv(p);
            double x1 = ds_norm_quantile(1.0 - p), y1 = gsl_cdf_ugaussian_Pinv(1.0 - p); /* the upper side */
            double e = fmax(fabs(x - y) / fmax(fabs(y), 1e-3), 1.0 - p < 1.0 ? fabs(x1 - y1) / fmax(fabs(y1), 1e-3) : 0.0);
            worst = e > worst ? e : worst;
        }
    printf("normal quantile: largest relative difference from GSL %.2e\n", worst);
    assert_true(worst < 1e-14);
    assert_true(fabs(ds_norm_cdf(1.959963984540054) - 0.975) < 1e-15);

    ds_dist ln = {.kind = DS_DIST_LOGNORMAL, .a = 4.0, .b = 0.25};
    assert_true(fabs(ds_dist_quantile(&ln, 0.5) - 4.0) < 1e-15);
    assert_true(fabs(ds_dist_quantile(&ln, 0.9) - gsl_cdf_lognormal_Pinv(0.9, log(4.0), 0.25)) < 1e-13);
    ds_dist un = {.kind = DS_DIST_UNIFORM, .lo = 2.0, .hi = 6.0};
    assert_true(ds_dist_quantile(&un, 0.25) == 3.0);
    ds_dist no = {.kind = DS_DIST_NORMAL, .a = 10.0, .b = 2.0};
    assert_true(fabs(ds_dist_quantile(&no, 0.975) - (10.0 + 2.0 * 1.959963984540054)) < 1e-12);
    /* truncated normal: inside its bounds, and P(X <= x) of the truncated law is u, on both
     * sides of the mean and far in a tail */
    const double bounds[3][2] = {{-1.0, 2.0}, {1.5, 3.0}, {6.0, 9.0}};
    for (int k = 0; k < 3; k++) {
        ds_dist tn = {.kind = DS_DIST_TRUNCNORMAL, .a = 0.0, .b = 1.0, .lo = bounds[k][0], .hi = bounds[k][1]};
        for (double u = 0.05; u < 1.0; u += 0.1) {
            double x = ds_dist_quantile(&tn, u);
            assert_true(x >= tn.lo && x <= tn.hi);
            double F = (gsl_cdf_ugaussian_Q(tn.lo) - gsl_cdf_ugaussian_Q(x)) /
                       (gsl_cdf_ugaussian_Q(tn.lo) - gsl_cdf_ugaussian_Q(tn.hi));
            assert_true(fabs(F - u) < 1e-10);
        }
    }
}

/* Latin hypercube: for every parameter each stratum holds exactly one subject, each value
 * lies in its subject's stratum, the parameters are permuted differently, and a value does
 * not depend on which other subjects are drawn. */
static void test_lhs(void **state)
{
    (void)state;
    static const uint64_t sizes[] = {1, 2, 3, 7, 100, 1000, 4097};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const uint64_t n = sizes[s];
        unsigned char *seen = calloc(n, 1);
        int same = 0;
        for (uint32_t p = 0; p < 3; p++) {
            memset(seen, 0, n);
            for (uint64_t i = 0; i < n; i++) {
                double u = ds_rng_lhs(7, n, i, p);
                assert_true(u > 0.0 && u < 1.0);
                uint64_t k = (uint64_t)(u * (double)n);
                assert_true(k < n && !seen[k]);
                seen[k] = 1;
                if (p == 1 && (uint64_t)(ds_rng_lhs(7, n, i, 0) * (double)n) == k)
                    same++;
            }
        }
        if (n >= 100) /* two parameters' permutations agree on about one subject, not all */
            assert_true(same < (int)(n / 10));
        free(seen);
    }
    assert_true(isnan(ds_rng_lhs(7, 10, 10, 0)));
}

/* Distance of a from the reference b in units in the last place of b. */
static double ulps(double a, double b)
{
    if (a == b)
        return 0.0;
    double ub = nextafter(fabs(b), INFINITY) - fabs(b);
    return fabs(a - b) / ub;
}

/* The project's exp, log and pow against libm's over their whole range and the model's,
 * with the bounds dmath.h states, and their special values. */
static void test_dmath(void **state)
{
    (void)state;
    enum { N = 400000 };
    double ex = 0, lg = 0, pw = 0, pw_excess = 0;
    for (int i = 0; i < N; i++) {
        double u = ds_rng_u01(7, (uint64_t)i, 0, 0), v = ds_rng_u01(7, (uint64_t)i, 1, 0);
        double x = i % 2 ? -708.0 + 1417.0 * u : -2.0 + 4.0 * u; /* the whole range, and near 0 */
        double e = ulps(ds_exp(x), exp(x));
        ex = e > ex ? e : ex;
        double y = i % 3 == 0 ? exp(-740.0 + 1450.0 * u) : i % 3 == 1 ? 0.5 + u : 1.0 + 1e-6 * (u - 0.5);
        double l = ulps(ds_log(y), log(y));
        lg = l > lg ? l : lg;
        double px = 0.25 + 3.75 * u, py = 4.0 * v; /* V0/V and the osmotic exponent, and a step factor */
        double p = ulps(ds_pow(px, py), pow(px, py)), bound = 2.0 + 3.0 * fabs(py * log(px));
        pw = p > pw ? p : pw;
        pw_excess = p - bound > pw_excess ? p - bound : pw_excess;
    }
    printf("dmath against libm over %d points: exp %.2f ulp, log %.2f ulp, pow %.2f ulp (bound exceeded by %.2f)\n", N,
           ex, lg, pw, pw_excess);
    assert_true(ex <= 1.0);
    assert_true(lg <= 1.0);
    assert_true(pw_excess <= 0.0);
    /* special values */
    assert_true(ds_exp(0.0) == 1.0 && ds_log(1.0) == 0.0 && ds_pow(2.0, 10.0) == 1024.0);
    assert_true(ds_exp(710.0) == INFINITY && ds_exp(-800.0) == 0.0 && isnan(ds_exp(NAN)));
    assert_true(ds_log(0.0) == -INFINITY && isnan(ds_log(-1.0)) && ds_log(INFINITY) == INFINITY);
    assert_true(ulps(ds_exp(-740.0), exp(-740.0)) <= 1.0);           /* a subnormal result */
    assert_true(ulps(ds_log(0x1p-1070), log(0x1p-1070)) <= 1.0);     /* a subnormal argument */
    assert_true(ulps(ds_exp(709.7), exp(709.7)) <= 1.0);
}

/* Tables as CSV (RFC 4180 quoting, empty cells for NaN), JSON (escapes, null for NaN) and
 * text; and "did you mean". */
static void render(const ds_table *t, int n, ds_table_format f, char *buf, size_t cap)
{
    FILE *m = fmemopen(buf, cap, "w");
    assert_non_null(m);
    ds_error err = {0};
    assert_int_equal(ds_table_print(m, t, n, f, &err), DS_OK);
    fclose(m);
}

static void test_table(void **state)
{
    (void)state;
    static const char *const cols[] = {"name", "value"};
    ds_table t;
    ds_error err = {0};
    assert_int_equal(ds_table_init(&t, "demo", 2, cols, &err), DS_OK);
    int r = ds_table_row(&t);
    ds_table_text(&t, r, 0, "a, \"quoted\"\nline");
    ds_table_num(&t, r, 1, 0.1 + 0.2);
    r = ds_table_row(&t);
    ds_table_text(&t, r, 0, "tab\there");
    char buf[1024];
    render(&t, 1, DS_TABLE_CSV, buf, sizeof buf);
    assert_string_equal(buf, "name,value\r\n\"a, \"\"quoted\"\"\nline\",0.3\r\ntab\there,\r\n");
    render(&t, 1, DS_TABLE_JSON, buf, sizeof buf);
    assert_string_equal(buf, "{\n  \"demo\": [\n    {\"name\": \"a, \\\"quoted\\\"\\u000aline\", \"value\": 0.3},\n"
                             "    {\"name\": \"tab\\u0009here\", \"value\": null}\n  ]\n}\n");
    render(&t, 1, DS_TABLE_TEXT, buf, sizeof buf);
    assert_non_null(strstr(buf, "\ndemo\nname"));
    ds_table two[2] = {t, t};
    render(two, 2, DS_TABLE_CSV, buf, sizeof buf); /* several tables: each under "# name" */
    assert_true(!strncmp(buf, "# demo\r\nname,value\r\n", strlen("# demo\r\nname,value\r\n")));
    ds_table_free(&t);
    ds_table_format f;
    assert_int_equal(ds_table_format_parse("json", &f), 0);
    assert_int_equal(f, DS_TABLE_JSON);
    assert_int_equal(ds_table_format_parse("xml", &f), -1);
    static const char *const words[] = {"run", "check", "info", "validate", "plot", "bench", NULL};
    assert_string_equal(ds_suggest("runn", words), "run");
    assert_string_equal(ds_suggest("valdiate", words), "validate"); /* a swap of neighbours is one edit */
    assert_null(ds_suggest("frobnicate", words));
    assert_null(ds_suggest("run", words)); /* the word itself is no suggestion */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_brent_against_gsl),
        cmocka_unit_test(test_brent_lanes),
        cmocka_unit_test(test_philox),
        cmocka_unit_test(test_quantiles),
        cmocka_unit_test(test_lhs),
        cmocka_unit_test(test_dmath),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
