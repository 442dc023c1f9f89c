/* The base layer with tiny inputs: units and their conversion, bounded string building,
 * and Brent's root finder against GSL's. */
#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "testkit.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_brent_against_gsl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
