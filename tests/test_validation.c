/* The default scenario against published in-vivo targets for one level (Wilke et al. 1999,
 * Martin et al. 2022), loaded from tests/validation/targets.csv, and the acceptance ranges
 * of the single-level simulator; plus bit-identical output for identical runs. */
#include <unistd.h>

#include "testkit.h"

#define SCENARIO DS_SOURCE_DIR "/scenarios/diurnal_l4l5.yaml"
#define TARGETS DS_SOURCE_DIR "/tests/validation/targets.csv"
#define SOURCES DS_SOURCE_DIR "/tests/validation/sources.csv"

static void print_citation(const char *key)
{
    char cite[1024];
    assert_true(ds_source_find(SOURCES, key, cite, sizeof cite));
    printf("  [%s] %s\n", key, cite);
}

typedef struct {
    double *t, *P, *h;
    size_t n;
} series;

static void run_default(const char *out, series *s)
{
    ds_scenario sc;
    ds_error err = {0};
    ds_status st = ds_scenario_load(SCENARIO, 0, NULL, &sc, &err);
    if (st)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, DS_OK);
    ds_run_opts o = {.progress = 0};
    ds_run_result r;
    st = ds_run(&sc, out, &o, &r, &err);
    if (st)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, DS_OK);
    ds_scenario_free(&sc);
    int rank;
    size_t d[2];
    assert_int_equal(ds_h5_read_doubles(out, "/time", &rank, d, &s->t, &err), DS_OK);
    s->n = d[0];
    assert_int_equal(ds_h5_read_doubles(out, "/levels/L4L5/pressure", &rank, d, &s->P, &err), DS_OK);
    assert_int_equal(ds_h5_read_doubles(out, "/levels/L4L5/height", &rank, d, &s->h, &err), DS_OK);
    assert_int_equal(d[1], s->n);
}

/* Value at time t (s), which must be a recorded time. */
static double at(const series *s, const double *v, double t)
{
    for (size_t i = 0; i < s->n; i++)
        if (fabs(s->t[i] - t) < 1e-6)
            return v[i];
    fail_msg("no record at t = %g s", t);
    return NAN;
}

static int check(const char *id, double model, const char *how)
{
    ds_target t;
    assert_int_equal(ds_target_find(TARGETS, id, &t), 1);
    int ok = model >= t.low && model <= t.high;
    printf("%-4s %-36.36s %-24.24s %8.3f  [%7.3f, %7.3f] %-4s %s  (%s)\n", t.id, t.quantity, t.condition, model,
           t.low, t.high, t.unit, ok ? "pass" : "FAIL", how);
    return ok;
}

static void test_targets(void **state)
{
    (void)state;
    char out[] = "/tmp/ds_validation_XXXXXX";
    int fd = mkstemp(out);
    assert_true(fd >= 0);
    close(fd);
    series s;
    run_default(out, &s);
    unlink(out);

    /* the last of three days: 16 h standing from 48 h, 8 h lying from 64 h */
    const double rise = 48 * 3600.0, bed = 64 * 3600.0;
    double P_up1 = at(&s, s.P, rise + 3600.0);
    double P_bed = at(&s, s.P, bed + 60.0), P_7h = at(&s, s.P, bed + 7 * 3600.0);
    double h_am = at(&s, s.h, rise + 60.0), h_pm = at(&s, s.h, bed);

    printf("\nL4L5, last day of scenarios/diurnal_l4l5.yaml (model value beside published target):\n");
    printf("%-4s %-36s %-24s %8s  %-18s %-4s\n", "id", "quantity", "condition", "model", "target range", "unit");
    int ok = 1;
    ok &= check("P04", P_up1, "1 h after rising");
    ok &= check("P01", P_bed, "lying, 1 min after lying down");
    ok &= check("P11", P_bed, "1 min after lying down");
    ok &= check("P12", P_7h, "after 7 h lying");
    ok &= check("P13", P_7h - P_bed, "rise over 7 h lying");
    ok &= check("D07", 100.0 * (h_pm - h_am) / h_am, "height, rising to bedtime");
    printf("sources:\n");
    print_citation("wilke1999");
    print_citation("martin2022");
    assert_true(ok);

    /* acceptance ranges of the single-level simulator */
    printf("standing 1 h after rising %.3f MPa (0.40-0.65), lying at bedtime %.3f MPa (0.07-0.16), "
           "rise over 7 h %.3f MPa (>= 0.06), height lost upright %.3f mm (0.8-2.0)\n",
           P_up1, P_bed, P_7h - P_bed, h_am - h_pm);
    assert_true(P_up1 >= 0.40 && P_up1 <= 0.65);
    assert_true(P_bed >= 0.07 && P_bed <= 0.16);
    assert_true(P_7h - P_bed >= 0.06);
    assert_true(h_am - h_pm >= 0.8 && h_am - h_pm <= 2.0);
    free(s.t);
    free(s.P);
    free(s.h);
}

static void test_deterministic(void **state)
{
    (void)state;
    char a[] = "/tmp/ds_det_a_XXXXXX", b[] = "/tmp/ds_det_b_XXXXXX";
    close(mkstemp(a));
    close(mkstemp(b));
    series sa, sb;
    run_default(a, &sa);
    run_default(b, &sb);
    assert_int_equal(sa.n, sb.n);
    assert_memory_equal(sa.t, sb.t, sa.n * sizeof(double));
    assert_memory_equal(sa.P, sb.P, sa.n * sizeof(double));
    assert_memory_equal(sa.h, sb.h, sa.n * sizeof(double));
    unlink(a);
    unlink(b);
    free(sa.t), free(sa.P), free(sa.h), free(sb.t), free(sb.P), free(sb.h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
