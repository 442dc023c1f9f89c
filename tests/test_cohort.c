/* Cohorts: designs, drawn marginals and correlations, the draws reaching the model's lanes,
 * a cohort subject equal bit for bit to the same subject run alone, the paired statistics,
 * and every kind of bad cohort input refused with its line and key. */
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "discsim/clock.h"
#include "testkit.h"
#include "driver/subject_order.h"
#include "study/cohort_stats.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ds_test_cohort_XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tk_rm_tree(dir);
}

/* A cohort scenario: `cohort` is the text of the cohort mapping's body (indented by 2). */
static void cohort_file(const char *path, const char *cohort, const char *extra)
{
    char text[4096];
    snprintf(text, sizeof text,
             "name: cohort_test\n"
             "model: " DS_SOURCE_DIR "/models/lumbar_adult.yaml\n"
             "levels: [L3L4, L4L5]\n"
             "herniation: {level: L4L5, side: left, type: paracentral, size: 4mm, degeneration: 3}\n"
             "initial: {posture: lying}\n"
             "timeline:\n"
             "  phases:\n"
             "    - {posture: standing, duration: 1h}\n"
             "    - {posture: sitting, duration: 2h}\n"
             "record: {interval: 10min}\n"
             "cohort:\n%s%s",
             cohort, extra ? extra : "");
    tk_write_text(path, text);
}

static const char *const vary4 = "  vary:\n"
                                 "    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}\n"
                                 "    herniation.gap: {distribution: normal, mean: 4.5mm, sd: 0.7mm, min: 2mm}\n"
                                 "    muscles.erector_spinae.tone: {distribution: lognormal, median: 0.025, sd_log: 0.3}\n"
                                 "    levels.L4L5.permeability: {distribution: uniform, min: 0.1 mm^3/(MPa*s), max: 0.3 mm^3/(MPa*s)}\n";

/* A cohort scenario at dir/name with the given cohort body (vary4 appended when `vary`). */
static void cohort_at(char *path, size_t cap, const char *name, const char *head, int vary, const char *extra)
{
    char cohort[2048];
    snprintf(path, cap, "%s/%s", dir, name);
    snprintf(cohort, sizeof cohort, "%s%s", head, vary ? vary4 : "");
    cohort_file(path, cohort, extra);
}

/* Random and Latin-hypercube points lie inside the cube; the Sobol design is GSL's sequence
 * point by point, and more dimensions than it supports are refused (GSL would return zeros). */
static void test_designs(void **state)
{
    (void)state;
    enum { N = 64, D = 3 };
    double u[D * N];
    ds_error err;
    for (int design = 0; design < 3; design++) {
        assert_int_equal(ds_design_points((ds_design)design, 7, N, D, u, &err), DS_OK);
        for (int i = 0; i < D * N; i++)
            assert_true(u[i] > 0.0 && u[i] < 1.0);
    }
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, D);
    for (int l = 0; l < N; l++) {
        double x[D];
        gsl_qrng_get(q, x);
        for (int k = 0; k < D; k++)
            assert_true(u[k * N + l] == x[k]);
    }
    gsl_qrng_free(q);
    static double big[41 * 4];
    assert_int_equal(ds_design_points(DS_DESIGN_SOBOL, 1, 4, DS_SOBOL_MAX_DIM + 1, big, &err), DS_ERR_INPUT);
    assert_non_null(strstr(err.msg, "at most 40"));
    assert_int_equal(ds_design_points(DS_DESIGN_SOBOL, 1, 4, DS_SOBOL_MAX_DIM, big, &err), DS_OK);
    for (int i = 0; i < 40 * 4; i++)
        assert_true(big[i] > 0.0 && big[i] < 1.0);
    /* a random design is a function of (seed, subject): the first subjects of a larger cohort
     * are the subjects of a smaller one */
    double a[D * 8], b[D * 16];
    assert_int_equal(ds_design_points(DS_DESIGN_RANDOM, 9, 8, D, a, &err), DS_OK);
    assert_int_equal(ds_design_points(DS_DESIGN_RANDOM, 9, 16, D, b, &err), DS_OK);
    for (int k = 0; k < D; k++)
        for (int l = 0; l < 8; l++)
            assert_true(a[k * 8 + l] == b[k * 16 + l]);
}

static double median_of(const double *x, int n)
{
    double *y = malloc((size_t)n * sizeof *y);
    memcpy(y, x, (size_t)n * sizeof *y);
    gsl_sort(y, 1, (size_t)n);
    double m = gsl_stats_median_from_sorted_data(y, 1, (size_t)n);
    free(y);
    return m;
}

/* The marginals are the stated distributions, truncation holds, and the copula gives the
 * stated correlation between two normals (exactly r for normal marginals). */
static void test_marginals_and_correlation(void **state)
{
    (void)state;
    enum { N = 20000 };
    ds_cohort c = {.enabled = 1, .n = N, .seed = 11, .design = DS_DESIGN_LHS, .nvary = 4, .correlated = 1};
    for (int i = 0; i < DS_MAX_VARY; i++)
        c.corr[i * DS_MAX_VARY + i] = 1.0;
    c.vary[0] = (ds_vary){.dist = DS_VARY_NORMAL, .a = 10, .b = 2, .lo = -INFINITY, .hi = INFINITY};
    c.vary[1] = (ds_vary){.dist = DS_VARY_NORMAL, .a = 0, .b = 1, .lo = -INFINITY, .hi = INFINITY};
    c.vary[2] = (ds_vary){.dist = DS_VARY_LOGNORMAL, .a = 0.025, .b = 0.3};
    c.vary[3] = (ds_vary){.dist = DS_VARY_NORMAL, .a = 4.5, .b = 0.7, .lo = 4.0, .hi = INFINITY};
    c.corr[0 * DS_MAX_VARY + 1] = c.corr[1 * DS_MAX_VARY + 0] = 0.6;
    ds_error err;
    assert_int_equal(ds_cohort_draw(&c, &err), DS_OK);
    const double *x0 = c.value, *x1 = c.value + N, *x2 = c.value + 2 * N, *x3 = c.value + 3 * N;
    assert_true(fabs(gsl_stats_mean(x0, 1, N) - 10.0) < 0.05);
    assert_true(fabs(gsl_stats_sd(x0, 1, N) - 2.0) < 0.05);
    assert_true(fabs(gsl_stats_correlation(x0, 1, x1, 1, N) - 0.6) < 0.02);
    assert_true(fabs(median_of(x2, N) / 0.025 - 1.0) < 0.01);
    double lo = x3[0];
    for (int l = 0; l < N; l++)
        lo = x3[l] < lo ? x3[l] : lo;
    assert_true(lo >= 4.0 && lo < 4.01);
    /* correlations that contradict one another are refused, not repaired */
    c.nvary = 3;
    c.corr[0 * DS_MAX_VARY + 2] = c.corr[2 * DS_MAX_VARY + 0] = -0.9;
    c.corr[1 * DS_MAX_VARY + 2] = c.corr[2 * DS_MAX_VARY + 1] = 0.9;
    assert_int_equal(ds_cohort_draw(&c, &err), DS_ERR_INPUT);
    assert_non_null(strstr(err.msg, "positive definite"));
    ds_cohort_free(&c);
}

/* The drawn values are what the model's lanes hold, derived values included. */
static void test_draws_reach_the_lanes(void **state)
{
    (void)state;
    char path[300];
    cohort_at(path, sizeof path, "lanes.yaml", "  n: 9\n  seed: 5\n  design: sobol\n", 1, NULL);
    ds_scenario sc;
    ds_error err;
    ds_status s = ds_scenario_load(path, 0, NULL, &sc, &err);
    if (s)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(s, DS_OK);
    const ds_cohort *c = &sc.cohort;
    assert_int_equal(sc.model.nsubj, 1); /* the template: the lanes are made when they run */
    assert_int_equal(sc.nsubj, 9);
    ds_model lanes;
    assert_int_equal(ds_scenario_lanes(&sc, 0, 9, &lanes, &err), DS_OK);
    const ds_model *m = &lanes;
    assert_int_equal(m->nsubj, 9);
    assert_int_equal(c->nvary, 4);
    const int S = m->stride, L45 = 1;
    for (int l = 0; l < 9; l++) {
        assert_true(m->lane[DS_LP_hern_size][l] == c->value[0 * 9 + l]);
        assert_true(m->lane[DS_LP_hern_gap][l] == c->value[1 * 9 + l]);
        assert_true(m->tone[0 * S + l] == c->value[2 * 9 + l]); /* erector spinae is the first group */
        assert_true(m->par[DS_PAR_K0][L45 * S + l] == c->value[3 * 9 + l]);
        assert_true(c->value[0 * 9 + l] >= 3.0 && c->value[0 * 9 + l] <= 6.0);
        assert_true(c->value[1 * 9 + l] >= 2.0);
    }
    assert_string_equal(m->group[0].name, "erector_spinae");
    /* different subjects got different values */
    assert_true(c->value[0] != c->value[1]);
    /* a block further on gets its own subjects' values */
    ds_model part;
    assert_int_equal(ds_scenario_lanes(&sc, 5, 3, &part, &err), DS_OK);
    for (int j = 0; j < 3; j++)
        assert_true(part.lane[DS_LP_hern_size][j] == c->value[0 * 9 + 5 + j]);
    ds_model_free(&part);
    assert_int_not_equal(ds_scenario_lanes(&sc, 7, 3, &part, &err), DS_OK); /* past the cohort */
    ds_model_free(&lanes);
    ds_scenario_free(&sc);
}

/* Subject l of the batch's cohort as a scenario of its own: the one-subject cohort at
 * one_path, with l's drawn values given to its model. */
static void subject_alone(const ds_scenario *batch, const char *one_path, int l, ds_scenario *s1)
{
    ds_error err;
    assert_int_equal(ds_scenario_load(one_path, 0, NULL, s1, &err), DS_OK);
    ds_cohort c1 = batch->cohort;
    double v[DS_MAX_VARY];
    for (int k = 0; k < c1.nvary; k++)
        v[k] = batch->cohort.value[(size_t)k * batch->cohort.n + l];
    c1.n = 1;
    c1.value = v;
    assert_int_equal(ds_cohort_apply(&c1, &s1->model, &err), DS_OK);
}

/* One subject of a cohort, run in a batch of nine, equals the same subject run alone with
 * its values given to a one-subject model: a lane's numbers never depend on its companions. */
static void test_subject_alone_equals_batch(void **state)
{
    (void)state;
    char path[300], one[300];
    cohort_at(path, sizeof path, "batch.yaml", "  n: 9\n  seed: 5\n  design: lhs\n", 1, NULL);
    cohort_at(one, sizeof one, "one.yaml", "  n: 1\n  seed: 5\n", 0, NULL);
    ds_scenario sb, s1;
    ds_error err;
    assert_int_equal(ds_scenario_load(path, 0, NULL, &sb, &err), DS_OK);
    ds_summary sumb, sum1;
    ds_run_result rb, r1;
    ds_run_opts ro = {0};
    assert_int_equal(ds_run_stream(&sb, NULL, "", &ro, &rb, &sumb, &err), DS_OK);
    for (int l = 0; l < 9; l += 4) {
        subject_alone(&sb, one, l, &s1);
        assert_int_equal(ds_run_stream(&s1, NULL, "", &ro, &r1, &sum1, &err), DS_OK);
        for (int q = 0; q < sumb.nmetric; q++)
            assert_true(memcmp(&sumb.metric[q].value[l], &sum1.metric[q].value[0], sizeof(double)) == 0);
        ds_summary_free(&sum1);
        ds_scenario_free(&s1);
    }
    ds_summary_free(&sumb);
    ds_scenario_free(&sb);
}

/* A test sink: every record, and each subject's steps and failure as the stream ends. */
typedef struct {
    int nsubj, nseries;
    size_t nrec;
    double *values; /* [record][series][subject], up to 2000 records */
    int64_t steps[16];
    unsigned char failed[16];
    double fail_time[16];
    char what[16][DS_FAILURE_TEXT];
} kept_stream;

static ds_status kept_begin(void *ctx, const char *prefix, int nsubj, int nseries, const ds_series_desc *series,
                            ds_error *err)
{
    (void)prefix, (void)series, (void)err;
    kept_stream *k = ctx;
    k->nsubj = nsubj, k->nseries = nseries, k->nrec = 0;
    k->values = calloc((size_t)2000 * (nseries ? nseries : 1) * nsubj, sizeof(double));
    return k->values && nsubj <= 16 ? DS_OK : DS_ERR_NOMEM;
}

static ds_status kept_record(void *ctx, double t, const double *values, ds_error *err)
{
    (void)t, (void)err;
    kept_stream *k = ctx;
    const size_t n = (size_t)k->nseries * k->nsubj;
    if (k->nrec < 2000)
        memcpy(k->values + k->nrec * n, values, n * sizeof(double));
    k->nrec++;
    return DS_OK;
}

static ds_status kept_end(void *ctx, const char *prefix, const ds_run_report *rep, ds_error *err)
{
    (void)prefix, (void)err;
    kept_stream *k = ctx;
    for (int l = 0; l < k->nsubj; l++) {
        k->steps[l] = rep->stats->steps[l];
        k->failed[l] = rep->failed[l];
        k->fail_time[l] = rep->fail_time[l];
        memcpy(k->what[l], rep->fail_what[l], DS_FAILURE_TEXT);
    }
    return DS_OK;
}

/* The blocks' order of subjects: heaviest first, equal masses (0 and -0 among them) in the
 * subjects' order; none when body mass is not varied or all subjects weigh the same. */
static void test_subject_order(void **state)
{
    (void)state;
    enum { N = 9 };
    double mass[N] = {70.0, 80.0, 70.0, -0.0, 0.0, 95.5, 70.0, -3.0, 80.0};
    const int want[N] = {5, 1, 8, 0, 2, 6, 3, 4, 7};
    ds_scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.nsubj = N;
    sc.cohort.enabled = 1;
    sc.cohort.n = N;
    sc.cohort.nvary = 1;
    sc.cohort.vary[0].target = DS_VARY_LANE;
    sc.cohort.vary[0].index = DS_LP_body_mass;
    sc.cohort.value = mass;
    int *order = NULL;
    ds_error err;
    assert_int_equal(ds_subject_order(&sc, &order, &err), DS_OK);
    assert_non_null(order);
    for (int p = 0; p < N; p++)
        assert_int_equal(order[p], want[p]);
    free(order);
    for (int l = 0; l < N; l++) /* all the same: the subjects' own order */
        mass[l] = 75.0;
    assert_int_equal(ds_subject_order(&sc, &order, &err), DS_OK);
    assert_null(order);
    sc.cohort.vary[0].index = DS_LP_body_mass + 1; /* another lane parameter */
    mass[0] = 90.0;
    assert_int_equal(ds_subject_order(&sc, &order, &err), DS_OK);
    assert_null(order);
}

static ds_status failing_ahead(void *ctx, const char *prefix, const ds_scenario *sc, ds_error *err)
{
    (void)prefix, (void)sc;
    ((kept_stream *)ctx)->nrec = 12345; /* it was called */
    return ds_fail(err, DS_ERR_IO, "the disc is full (a test sink)");
}

/* A sink's ahead (the scenario's part of what end writes) is written while the blocks run;
 * when it fails, the run ends with its error once the blocks are done, and end is not called. */
static void test_sink_ahead_fails(void **state)
{
    (void)state;
    char path[300];
    cohort_at(path, sizeof path, "ahead.yaml", "  n: 6\n  seed: 2\n", 1, NULL);
    ds_scenario sc;
    ds_error err;
    assert_int_equal(ds_scenario_load(path, 0, NULL, &sc, &err), DS_OK);
    kept_stream k = {0};
    k.steps[0] = -1; /* end would overwrite it */
    ds_record_sink sink = {.ctx = &k, .begin = kept_begin, .ahead = failing_ahead, .end = kept_end};
    ds_run_opts ro = {.block = 2, .summary_only = 1};
    ds_run_result r;
    ds_summary sum = {0};
    assert_int_equal(ds_run_stream(&sc, &sink, "", &ro, &r, &sum, &err), DS_ERR_IO);
    assert_non_null(strstr(err.msg, "the disc is full"));
    assert_int_equal(k.nrec, 12345);
    assert_int_equal(k.steps[0], -1);
    free(k.values);
    ds_summary_free(&sum);
    ds_scenario_free(&sc);
}

/* A cohort whose blocks are filled in the order of body mass (subject_order.h) gives each
 * subject, in the sink and in the summaries, what that subject gives run alone: series,
 * summaries, steps, and where some fail (explicit Euler, conductances drawn into its
 * instability), which subjects, when, why, and the run's first failure by subject. */
static void test_sorted_blocks_by_subject(void **state)
{
    (void)state;
    static const char *const cases[2][2] = {
        {"    levels.L4L5.permeability: {distribution: uniform, min: 0.1 mm^3/(MPa*s), max: 0.3 mm^3/(MPa*s)}\n",
         NULL},
        {"    levels.L4L5.permeability: {distribution: uniform, min: 0.1 mm^3/(MPa*s), max: 12000 mm^3/(MPa*s)}\n",
         "solver: {method: euler, step: 10s}\n"}};
    for (int c = 0; c < 2; c++) {
        enum { N = 10 };
        char path[300], one[300], head[1024];
        snprintf(head, sizeof head,
                 "  n: %d\n  seed: 7\n  design: lhs\n  vary:\n"
                 "    body_mass: {distribution: uniform, min: 50kg, max: 110kg}\n"
                 "    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}\n%s",
                 N, cases[c][0]);
        cohort_at(path, sizeof path, "sorted.yaml", head, 0, cases[c][1]);
        cohort_at(one, sizeof one, "sorted_one.yaml", "  n: 1\n  seed: 7\n", 0, cases[c][1]);
        ds_scenario sb, s1;
        ds_error err;
        assert_int_equal(ds_scenario_load(path, 0, NULL, &sb, &err), DS_OK);
        int *order = NULL;
        assert_int_equal(ds_subject_order(&sb, &order, &err), DS_OK);
        assert_non_null(order); /* the blocks are not the subjects' own order: */
        const double *mass = sb.cohort.value; /* body mass is the first parameter varied */
        for (int p = 0; p + 1 < N; p++) /* the heaviest first */
            assert_true(mass[order[p]] >= mass[order[p + 1]]);
        free(order);
        kept_stream kb = {0}, k1 = {0};
        ds_record_sink sink = {.ctx = &kb, .begin = kept_begin, .record = kept_record, .end = kept_end};
        ds_summary sumb = {0}, sum1 = {0};
        ds_run_result rb, r1;
        ds_run_opts ro = {.block = 4};
        assert_int_equal(ds_run_stream(&sb, &sink, "", &ro, &rb, &sumb, &err), DS_OK);
        int first = -1, nfailed = 0;
        for (int l = 0; l < N; l++) {
            subject_alone(&sb, one, l, &s1);
            ds_record_sink s1sink = {.ctx = &k1, .begin = kept_begin, .record = kept_record, .end = kept_end};
            ds_run_opts r1o = {0};
            memset(&sum1, 0, sizeof sum1);
            ds_status st1 = ds_run_stream(&s1, &s1sink, "", &r1o, &r1, &sum1, &err);
            assert_true(st1 == DS_OK || st1 == DS_ERR_NUMERIC);
            assert_int_equal(kb.failed[l], st1 == DS_ERR_NUMERIC);
            nfailed += kb.failed[l];
            first = first < 0 && kb.failed[l] ? l : first;
            if (st1 == DS_OK) {
                assert_true(kb.what[l][0] == '\0' && isnan(kb.fail_time[l]));
                assert_int_equal(kb.steps[l], k1.steps[0]);
                for (int q = 0; q < sumb.nmetric; q++)
                    assert_true(memcmp(&sumb.metric[q].value[l], &sum1.metric[q].value[0], sizeof(double)) == 0);
            } else { /* alone, the run stops there: when, and why, as in the batch */
                char when[64];
                snprintf(when, sizeof when, "t = %.6g s", kb.fail_time[l]);
                assert_non_null(strstr(err.msg, when));
                assert_true(kb.what[l][0] != '\0');
                assert_non_null(strstr(err.msg, kb.what[l]));
            }
            /* every record of every series the subject alone made; in the batch, NaN after */
            if (st1 == DS_OK ? k1.nrec != kb.nrec : k1.nrec > kb.nrec)
                fail_msg("case %d subject %d: %zu records alone, %zu in the batch", c, l, k1.nrec, kb.nrec);
            for (size_t r = 0; r < kb.nrec && r < 2000; r++)
                for (int q = 0; q < kb.nseries; q++) {
                    const double a = kb.values[(r * kb.nseries + q) * N + l];
                    const double b = r < k1.nrec ? k1.values[r * k1.nseries + q] : NAN;
                    if (memcmp(&a, &b, sizeof a) && !(isnan(a) && isnan(b)))
                        fail_msg("case %d subject %d: record %zu, series %d: %.17g in the batch, %.17g alone", c, l, r,
                                 q, a, b);
                }
            free(k1.values);
            k1.values = NULL;
            ds_summary_free(&sum1);
            ds_scenario_free(&s1);
        }
        printf("sorted blocks, case %d: %d of %d failed, first %d\n", c, nfailed, N, first);
        if (c) { /* some failed, and the run names the first of them */
            char subj[64];
            snprintf(subj, sizeof subj, "subject %d failed", first);
            assert_true(nfailed > 0 && nfailed < N);
            assert_non_null(strstr(rb.failure, subj));
        }
        free(kb.values);
        ds_summary_free(&sumb);
        ds_scenario_free(&sb);
    }
    /* every subject fails: the run's error names the earliest failure, the lowest subject
     * among equals, by its subject (times from the batch above are the subjects' own) */
    char path[300], head[512];
    snprintf(head, sizeof head,
             "  n: 10\n  seed: 7\n  design: lhs\n  vary:\n"
             "    body_mass: {distribution: uniform, min: 50kg, max: 110kg}\n"
             "    levels.L4L5.permeability: {distribution: uniform, min: 20000 mm^3/(MPa*s), max: 40000 mm^3/(MPa*s)}\n");
    cohort_at(path, sizeof path, "sorted_all.yaml", head, 0, "solver: {method: euler, step: 10s}\n");
    ds_scenario sb;
    ds_error err;
    assert_int_equal(ds_scenario_load(path, 0, NULL, &sb, &err), DS_OK);
    kept_stream kb = {0};
    ds_record_sink sink = {.ctx = &kb, .begin = kept_begin, .record = kept_record, .end = kept_end};
    ds_run_opts ro = {.block = 4};
    ds_run_result rb;
    ds_summary sumb = {0};
    assert_int_equal(ds_run_stream(&sb, &sink, "", &ro, &rb, &sumb, &err), DS_ERR_NUMERIC);
    double t_first = INFINITY;
    int first = -1;
    for (int l = 0; l < 10; l++) { /* each alone: its own failure time */
        ds_scenario s1;
        char one[300];
        cohort_at(one, sizeof one, "sorted_all_one.yaml", "  n: 1\n  seed: 7\n", 0, "solver: {method: euler, step: 10s}\n");
        subject_alone(&sb, one, l, &s1);
        ds_run_opts r1o = {0};
        ds_run_result r1;
        ds_summary sum1 = {0};
        ds_error e1;
        assert_int_equal(ds_run_stream(&s1, NULL, "", &r1o, &r1, &sum1, &e1), DS_ERR_NUMERIC);
        ds_summary_free(&sum1);
        double t = NAN;
        assert_non_null(strstr(e1.msg, "t = "));
        sscanf(strstr(e1.msg, "t = "), "t = %lf", &t);
        if (t < t_first)
            t_first = t, first = l;
        ds_scenario_free(&s1);
    }
    char subj[64];
    snprintf(subj, sizeof subj, "subject %d,", first);
    printf("sorted blocks, all failed: first %d at %.6g s: %s\n", first, t_first, err.msg);
    assert_non_null(strstr(err.msg, subj));
    free(kb.values);
    ds_summary_free(&sumb);
    ds_scenario_free(&sb);
}

/* The paired statistics against a hand computation on made-up summaries: effects 1..10 min
 * of reduction, one subject failed in the second arm. */
static void test_paired_statistics(void **state)
{
    (void)state;
    enum { N = 11 };
    ds_cohort c = {.enabled = 1, .n = N, .nvary = 1, .responder = 4.5 * 60.0};
    double draws[N], a0[N], a1[N];
    for (int l = 0; l < N; l++) {
        draws[l] = 100.0 - l;     /* falls as the effect grows: rank correlation +1 with a negative effect */
        a0[l] = 50.0;
        a1[l] = 50.0 - (l + 1);   /* minutes above: -1 .. -11 */
    }
    a1[N - 1] = NAN;              /* failed */
    c.value = draws;
    snprintf(c.vary[0].key, sizeof c.vary[0].key, "x");
    ds_summary sum[2] = {{.nsubj = N, .nmetric = 1}, {.nsubj = N, .nmetric = 1}};
    snprintf(sum[0].metric[0].name, sizeof sum[0].metric[0].name, "minutes_above_oedema");
    snprintf(sum[1].metric[0].name, sizeof sum[1].metric[0].name, "minutes_above_oedema");
    sum[0].metric[0].value = a0;
    sum[1].metric[0].value = a1;
    ds_cohort_stats cs;
    ds_error err;
    assert_int_equal(ds_cohort_effects(&c, 2, 1, sum, &cs, &err), DS_OK);
    assert_int_equal(cs.nkept, 10);
    assert_int_equal(cs.keep[N - 1], 0);
    const double *s = cs.stat;
    assert_true(s[0] == 10.0);
    assert_true(fabs(s[1] - (-5.5)) < 1e-12);           /* mean of -1..-10 */
    double sd = sqrt(110.0 / 12.0);                      /* sd of 1..10 */
    double half = 2.2621571627409915 * sd / sqrt(10.0);   /* t(0.975, 9) */
    assert_true(fabs(s[2] - (-5.5 - half)) < 1e-9 && fabs(s[3] - (-5.5 + half)) < 1e-9);
    assert_true(fabs(s[7] - (-5.5)) < 1e-12);            /* median */
    assert_true(fabs(cs.responders[0] - 0.6) < 1e-12);  /* 5..10 min of reduction: 6 of 10 */
    assert_true(fabs(cs.rho[0] - 1.0) < 1e-12);          /* effect -1.. and draws 100.. fall together */
    ds_cohort_stats_free(&cs);
}

/* A cohort's output: drawn parameters, failed flags and the effect statistics in the file. */
static void test_cohort_file(void **state)
{
    (void)state;
    char path[300], out[300];
    snprintf(out, sizeof out, "%s/arms.h5", dir);
    cohort_at(path, sizeof path, "arms.yaml", "  n: 4\n  seed: 2\n  design: lhs\n  responder: 1min\n", 1,
                "arms:\n  control:\n  massage:\n    interventions:\n"
                "      - {type: massage, at: 1h, duration: 30min, groups: [erector_spinae], tone_reduction: 0.5}\n");
    tk_run_study(path, 0, NULL, out);
    ds_error err;
    size_t n = 0;
    double *v = NULL;
    assert_int_equal(ds_h5_read_flat(out, "/cohort/parameters/herniation.size", &n, &v, &err), DS_OK);
    assert_int_equal(n, 4);
    free(v);
    assert_int_equal(ds_h5_read_flat(out, "/cohort/failed", &n, &v, &err), DS_OK);
    assert_int_equal(n, 4);
    for (int l = 0; l < 4; l++)
        assert_true(v[l] == 0.0);
    free(v);
    assert_int_equal(ds_h5_read_flat(out, "/cohort/effect/massage/mean_contact_pressure/statistics", &n, &v, &err), DS_OK);
    assert_int_equal(n, DS_NSTAT);
    assert_true(v[0] == 4.0 && v[2] <= v[1] && v[1] <= v[3]);
    free(v);
    assert_true(ds_h5_exists(out, "/cohort/effect/massage/minutes_above_oedema/responder_share"));
    /* the bands over time: at every record, the quantiles over the subjects of the series */
    int rank;
    size_t dq[2], ds[2];
    double *q = NULL, *series = NULL;
    assert_int_equal(ds_h5_read_doubles(out, "/cohort/quantiles/massage/root_contact_pressure_mmHg", &rank, dq, &q, &err),
                     DS_OK);
    assert_int_equal(ds_h5_read_doubles(out, "/arms/massage/root/contact_pressure_mmHg", &rank, ds, &series, &err), DS_OK);
    assert_int_equal(ds[0], 4);      /* [subject][time] */
    assert_int_equal(dq[0], ds[1]);  /* [time][quantile] */
    assert_int_equal(dq[1], 5);
    for (size_t k = 0; k < ds[1]; k++) {
        double v[4];
        for (int l = 0; l < 4; l++)
            v[l] = series[(size_t)l * ds[1] + k];
        gsl_sort(v, 1, 4);
        assert_true(fabs(q[k * 5 + 2] - 0.5 * (v[1] + v[2])) <= 1e-12 * (1.0 + fabs(v[2]))); /* the median of four */
        assert_true(q[k * 5 + 0] <= q[k * 5 + 1] && q[k * 5 + 3] <= q[k * 5 + 4]);
    }
    free(q);
    free(series);
}

/* The Ishigami function, the standard test of sensitivity estimators: its indices are known
 * in closed form (a = 7, b = 0.1). The estimates lie within their bootstrap intervals of the
 * truth, and close to it. */
static void test_sobol_ishigami(void **state)
{
    (void)state;
    enum { N = 4096, D = 3, M = N * (D + 2) };
    const double a = 7.0, b = 0.1, pi = M_PI;
    double *u = malloc((size_t)D * M * sizeof *u), *f = malloc((size_t)M * sizeof *f);
    ds_error err;
    assert_int_equal(ds_design_points(DS_DESIGN_SALTELLI, 1, M, D, u, &err), DS_OK);
    for (int l = 0; l < M; l++) {
        double x1 = -pi + 2 * pi * u[l], x2 = -pi + 2 * pi * u[M + l], x3 = -pi + 2 * pi * u[2 * M + l];
        f[l] = sin(x1) + a * sin(x2) * sin(x2) + b * pow(x3, 4) * sin(x1);
    }
    /* block j: A_j, B_j and the mixed rows differ only where they should */
    for (int k = 0; k < D; k++) {
        assert_true(u[k * M + 2 + k] == u[k * M + 1]); /* AB_k takes coordinate k from B */
        assert_true(u[k * M + 2 + (k + 1) % D] != u[k * M + 1] || u[k * M + 0] == u[k * M + 1]);
    }
    double V1 = 0.5 * pow(1 + b * pow(pi, 4) / 5, 2), V2 = a * a / 8, V13 = b * b * pow(pi, 8) * (1.0 / 18 - 1.0 / 50);
    double V = V1 + V2 + V13;
    const double S_true[D] = {V1 / V, V2 / V, 0.0}, ST_true[D] = {(V1 + V13) / V, V2 / V, V13 / V};
    double S[D], ST[D], Sci[2 * D], STci[2 * D];
    int used;
    assert_int_equal(ds_sobol_indices(f, N, D, 3, 500, S, ST, Sci, STci, &used, &err), DS_OK);
    assert_int_equal(used, N);
    for (int i = 0; i < D; i++) {
        if (!(Sci[2 * i] <= S_true[i] && S_true[i] <= Sci[2 * i + 1]) || fabs(S[i] - S_true[i]) > 0.05)
            fail_msg("S%d = %g (%g to %g), true %g", i + 1, S[i], Sci[2 * i], Sci[2 * i + 1], S_true[i]);
        if (!(STci[2 * i] <= ST_true[i] && ST_true[i] <= STci[2 * i + 1]) || fabs(ST[i] - ST_true[i]) > 0.05)
            fail_msg("ST%d = %g (%g to %g), true %g", i + 1, ST[i], STci[2 * i], STci[2 * i + 1], ST_true[i]);
    }
    /* a block with a failed subject is left out, not counted */
    f[5 * 7 + 3] = NAN;
    assert_int_equal(ds_sobol_indices(f, N, D, 3, 0, S, ST, Sci, STci, &used, &err), DS_OK);
    assert_int_equal(used, N - 1);
    free(u);
    free(f);
}

/* A saltelli cohort in a scenario: n base points make n (d + 2) subjects, and its indices
 * are in the file. */
static void test_saltelli_scenario(void **state)
{
    (void)state;
    char path[300], out[300];
    snprintf(out, sizeof out, "%s/saltelli.h5", dir);
    cohort_at(path, sizeof path, "saltelli.yaml",
              "  n: 4\n  seed: 1\n  design: saltelli\n  vary:\n"
              "    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}\n"
              "    herniation.gap: {distribution: uniform, min: 3mm, max: 6mm}\n",
              0, "arms:\n  control:\n  massage:\n    interventions:\n"
                 "      - {type: massage, at: 1h, duration: 30min, groups: [erector_spinae], tone_reduction: 0.5}\n");
    ds_error err;
    ds_study st;
    assert_int_equal(ds_study_load(path, 0, NULL, &st, &err), DS_OK);
    assert_int_equal(st.variant[0].nsubj, 16);
    assert_int_equal(st.variant[0].cohort.nbase, 4);
    ds_study_free(&st);
    tk_run_study(path, 0, NULL, out);
    size_t n = 0;
    double *v = NULL;
    assert_int_equal(ds_h5_read_flat(out, "/cohort/sobol/massage/mean_contact_pressure", &n, &v, &err), DS_OK);
    assert_int_equal(n, 2 * DS_NSOBOL);
    free(v);
    assert_true(ds_h5_exists(out, "/cohort/sobol/control/mean_contact_pressure"));
}

/* --record summary through the command line: summaries and the cohort's statistics, no
 * series; a value other than summary or series is a usage error. */
static void test_record_summary_cli(void **state)
{
    (void)state;
    char path[300], out[300], log[300];
    snprintf(out, sizeof out, "%s/cli.h5", dir);
    snprintf(log, sizeof log, "%s/cli.log", dir);
    cohort_at(path, sizeof path, "cli.yaml", "  n: 3\n  seed: 2\n", 1,
              "arms:\n  control:\n  massage:\n    interventions:\n"
              "      - {type: massage, at: 1h, duration: 30min, groups: [erector_spinae], tone_reduction: 0.5}\n");
    const char *const ok[] = {DS_BINARY, "run", path, "-o", out, "--record=summary", "-q", NULL};
    char *text = NULL;
    assert_int_equal(tk_run_cli(ok, log, &text), 0);
    free(text);
    assert_true(ds_h5_exists(out, "/cohort/effect/massage/mean_contact_pressure/statistics"));
    assert_true(ds_h5_exists(out, "/arms/massage/summary/mean_contact_pressure"));
    assert_false(ds_h5_exists(out, "/arms/massage/levels"));
    /* the summaries equal those of a run that records every series, in both variants (a
     * summary-only run observes only the herniated level and the root, and its blocks run
     * the whole timeline each, on two threads) */
    char full[300], sum2[300];
    snprintf(full, sizeof full, "%s/cli_full.h5", dir);
    snprintf(sum2, sizeof sum2, "%s/cli_sum.h5", dir);
    for (int v = 0; v < 2; v++) {
        const char *var = v ? "variant=inertial" : "variant=quasi_static";
        const char *const a1[] = {DS_BINARY, "run", path, "-o", full, "--set", var, "-q", NULL};
        const char *const a2[] = {DS_BINARY, "run", path,      "-o", sum2, "--set",   var, "--record", "summary",
                                  "--threads", "2", "--block", "2", "-q",  NULL}; /* two blocks, each its whole run */
        assert_int_equal(tk_run_cli(a1, log, &text), 0);
        free(text);
        assert_int_equal(tk_run_cli(a2, log, &text), 0);
        free(text);
        static const char *const metrics[] = {"mean_contact_pressure", "minutes_above_oedema", "mean_nucleus_pressure",
                                              "height_lost", "peak_contact_pressure"};
        for (size_t q = 0; q < sizeof metrics / sizeof metrics[0]; q++) {
            char ds[200];
            snprintf(ds, sizeof ds, "/arms/massage/summary/%s", metrics[q]);
            double *x = NULL, *y = NULL;
            size_t nx = 0, ny = 0;
            ds_error err;
            assert_int_equal(ds_h5_read_flat(full, ds, &nx, &x, &err), DS_OK);
            assert_int_equal(ds_h5_read_flat(sum2, ds, &ny, &y, &err), DS_OK);
            assert_int_equal(nx, ny);
            assert_memory_equal(x, y, nx * sizeof *x);
            free(x);
            free(y);
        }
    }
    const char *const bad[] = {DS_BINARY, "run", path, "-o", out, "--record", "everything", NULL};
    assert_int_equal(tk_run_cli(bad, log, &text), DS_ERR_USAGE);
    assert_non_null(strstr(text, "--record expects summary"));
    free(text);
}

/* The subjects' parameters in /meta/parameters, written a piece of 1,024 subjects at a time
 * (the whole pieces sharing one model), are each subject's own: the drawn values, what the
 * model derives from them (the herniation's reference height is its level's height), and the
 * template's elsewhere. Three pieces, the last a part. */
static void test_parameters_in_pieces(void **state)
{
    (void)state;
    char path[300], out[300], log[300];
    snprintf(out, sizeof out, "%s/pieces.h5", dir);
    snprintf(log, sizeof log, "%s/pieces.log", dir);
    cohort_at(path, sizeof path, "pieces.yaml",
              "  n: 2500\n  seed: 3\n  vary:\n"
              "    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}\n"
              "    levels.L4L5.height: {distribution: uniform, min: 9mm, max: 12mm}\n",
              0, NULL);
    const char *const args[] = {DS_BINARY, "run", path, "-o", out, "--record", "summary", "-q", "--set",
                                "timeline.phases=[{posture: standing, duration: 10min}]", NULL};
    char *text = NULL;
    assert_int_equal(tk_run_cli(args, log, &text), 0);
    free(text);
    static const char *const ds[] = {"/cohort/parameters/herniation.size", "/meta/parameters/subject/hern_size",
                                     "/cohort/parameters/levels.L4L5.height", "/meta/parameters/L4L5/height",
                                     "/meta/parameters/subject/hern_h_ref", "/meta/parameters/L3L4/height"};
    enum { NDS = sizeof ds / sizeof ds[0] };
    double *x[NDS];
    size_t n[NDS];
    ds_error err;
    for (int k = 0; k < NDS; k++) {
        assert_int_equal(ds_h5_read_flat(out, ds[k], &n[k], &x[k], &err), DS_OK);
        assert_int_equal(n[k], 2500);
    }
    for (int l = 0; l < 2500; l++) {
        assert_true(x[1][l] == x[0][l]);
        assert_true(x[3][l] == x[2][l]);
        assert_true(x[4][l] == x[2][l]);
        assert_true(x[5][l] == x[5][0]);
    }
    assert_true(x[0][1500] != x[0][500] && x[2][2400] != x[2][400]); /* the pieces differ */
    for (int k = 0; k < NDS; k++)
        free(x[k]);
}

/* A cohort in which some subjects cannot be integrated (a conductance 10^5 times the
 * model's under explicit Euler at 10 s): the run finishes the others, exits with 4, marks the
 * failed in /cohort/failed with their reason in each arm's meta, and its statistics and
 * table count only the subjects that finished every arm. */
static void test_unstable_subjects(void **state)
{
    (void)state;
    char path[300], out[300], log[300];
    snprintf(out, sizeof out, "%s/unstable.h5", dir);
    snprintf(log, sizeof log, "%s/unstable.log", dir);
    cohort_at(path, sizeof path, "unstable.yaml",
              "  n: 6\n  seed: 3\n  vary:\n"
              "    levels.L4L5.permeability: {distribution: uniform, min: 0.1 mm^3/(MPa*s), max: 30000 mm^3/(MPa*s)}\n",
              0,
              "solver: {method: euler, step: 10s}\narms:\n  control:\n  massage:\n    interventions:\n"
              "      - {type: massage, at: 1h, duration: 30min, groups: [erector_spinae]}\n");
    const char *const argv[] = {DS_BINARY, "run", path, "-o", out, NULL};
    char *text = NULL;
    assert_int_equal(tk_run_cli(argv, log, &text), DS_ERR_NUMERIC);
    assert_non_null(strstr(text, "failed"));
    assert_non_null(strstr(text, "finished every arm"));
    assert_null(strstr(text, " nan "));
    free(text);
    ds_error err;
    size_t n = 0;
    double *failed = NULL, *stat = NULL;
    char *what = NULL;
    assert_int_equal(ds_h5_read_flat(out, "/cohort/failed", &n, &failed, &err), DS_OK);
    assert_int_equal(n, 6);
    int nfailed = 0;
    for (int l = 0; l < 6; l++)
        nfailed += failed[l] != 0.0;
    printf("unstable cohort: %d of 6 failed\n", nfailed);
    assert_true(nfailed > 0 && nfailed < 6);
    assert_int_equal(ds_h5_read_flat(out, "/cohort/effect/massage/mean_nucleus_pressure/statistics", &n, &stat, &err),
                     DS_OK);
    assert_true(stat[0] == 6 - nfailed);
    assert_int_equal(ds_h5_read_text(out, "/arms/control/meta/failure/what", &what, &err), DS_OK);
    assert_non_null(strstr(what, "L4L5"));
    free(failed), free(stat), free(what);
}

/* The files of a resume test named name: its scenario's path (set by the caller), the output of
 * a run never stopped (full), of the run killed and resumed (part), part's checkpoint, a log. */
typedef struct {
    char path[300], full[300], part[300], ckpt[320], log[300];
} resume_files;

static void resume_files_at(resume_files *f, const char *name)
{
    snprintf(f->full, sizeof f->full, "%s/%s_full.h5", dir, name);
    snprintf(f->part, sizeof f->part, "%s/%s_part.h5", dir, name);
    snprintf(f->ckpt, sizeof f->ckpt, "%s.resume", f->part);
    snprintf(f->log, sizeof f->log, "%s/%s.log", dir, name);
}

/* The resume tests' cohort at dir/name: head (its n and seed), three parameters drawn (body
 * mass among them, so that the blocks hold run positions in its order), inertial, two arms. */
static void resume_cohort_at(char *path, size_t cap, const char *name, const char *head)
{
    char cohort[1024];
    snprintf(cohort, sizeof cohort,
             "%s  vary:\n"
             "    body_mass: {distribution: uniform, min: 55kg, max: 100kg}\n"
             "    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}\n"
             "    levels.L4L5.permeability: {distribution: lognormal, median: 0.16 mm^3/(MPa*s), sd_log: 0.3}\n",
             head);
    cohort_at(path, cap, name, cohort, 0,
              "variant: inertial\narms:\n  control:\n  massage:\n    interventions:\n"
              "      - {type: massage, at: 1h, duration: 30min, groups: [erector_spinae], tone_reduction: 0.5}\n");
}

/* Starts the run argv (to f->part) and stops it with SIGTERM once its checkpoint holds more
 * than `bytes`; it must not have finished, and must leave its checkpoint and no output. */
static void kill_once_kept(const char *const *argv, const resume_files *f, off_t bytes)
{
    struct stat sb;
    pid_t pid = tk_start_cli(argv, f->log);
    int status;
    for (int i = 0; i < 40000 && waitpid(pid, &status, WNOHANG) == 0; i++) {
        if (stat(f->ckpt, &sb) == 0 && sb.st_size > bytes)
            break;
        usleep(250);
    }
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM); /* stopped before it finished */
    assert_true(stat(f->part, &sb) != 0);                             /* no output */
    assert_int_equal(stat(f->ckpt, &sb), 0);                          /* the checkpoint stays */
}

/* Resume (--record summary --resume): a run killed with SIGTERM after it finished a few
 * blocks leaves no output but its checkpoint; --resume takes the finished blocks from it,
 * runs the rest, removes it, and the datasets equal those of a run never stopped. A
 * checkpoint of another study is refused, and so is a summaries-only one for a series run. */
static void test_resume(void **state)
{
    (void)state;
    resume_files f;
    resume_files_at(&f, "resume");
    char *const path = f.path, *const full = f.full, *const part = f.part, *const log = f.log;
    resume_cohort_at(path, sizeof f.path, "resume.yaml", "  n: 24\n  seed: 3\n");
    char *text = NULL;
    const char *const ref[] = {DS_BINARY, "run", path, "-o", full, "--record", "summary", "--block", "4", "-q", NULL};
    assert_int_equal(tk_run_cli(ref, log, &text), 0);
    free(text);
    struct stat sb;
    assert_int_equal(stat(full, &sb), 0);
    char fr[320];
    snprintf(fr, sizeof fr, "%s.resume", full);
    assert_true(stat(fr, &sb) != 0); /* a completed run leaves no checkpoint */
    /* killed once its checkpoint holds a block */
    const char *const run[] = {DS_BINARY, "run", path, "-o", part, "--record", "summary", "--block", "4", "-q", NULL};
    kill_once_kept(run, &f, 1500);
    /* another study's checkpoint is refused */
    const char *const other[] = {DS_BINARY, "run",  path, "-o",     part, "--record", "summary", "--block",
                                 "4",       "--set", "cohort.seed=4",    "--resume", NULL};
    assert_int_equal(tk_run_cli(other, log, &text), DS_ERR_INPUT);
    assert_non_null(strstr(text, "another study"));
    free(text);
    const char *const series[] = {DS_BINARY, "run", path, "-o", part, "--block", "4", "--resume", NULL};
    assert_int_equal(tk_run_cli(series, log, &text), DS_ERR_INPUT);
    assert_non_null(strstr(text, "another study"));
    free(text);
    { /* the same checkpoint in the format before the blocks' order of body mass: refused */
        char old[300], old_ckpt[320];
        snprintf(old, sizeof old, "%s/resume_old.h5", dir);
        snprintf(old_ckpt, sizeof old_ckpt, "%s.resume", old);
        FILE *in = fopen(f.ckpt, "rb"), *out = fopen(old_ckpt, "wb");
        assert_true(in && out);
        char buf[4096];
        size_t got, total = 0;
        while ((got = fread(buf, 1, sizeof buf, in)) > 0) {
            if (total == 0 && got > 6)
                buf[6] = '2'; /* "DSCKPT2" */
            assert_int_equal(fwrite(buf, 1, got, out), got);
            total += got;
        }
        fclose(in), fclose(out);
        const char *const older[] = {DS_BINARY, "run",     path, "-o", old, "--record", "summary",
                                     "--block", "4",        "--resume", NULL};
        assert_int_equal(tk_run_cli(older, log, &text), DS_ERR_INPUT);
        assert_non_null(strstr(text, "another version of discsim (format 2, this one's 3)"));
        free(text);
        assert_int_equal(unlink(old_ckpt), 0);
    }
    const char *const resume[] = {DS_BINARY, "run", path, "-o", part, "--record", "summary", "--block", "4", "--resume",
                                  NULL};
    assert_int_equal(tk_run_cli(resume, log, &text), 0);
    printf("resume: %s", strstr(text, "resumed:") ? strstr(text, "resumed:") : text);
    int restored = -1;
    assert_non_null(strstr(text, "resumed: "));
    sscanf(strstr(text, "resumed: "), "resumed: %d", &restored);
    free(text);
    assert_true(restored > 0 && restored < 12); /* some of the 2 x 6 blocks came from the checkpoint */
    assert_true(stat(f.ckpt, &sb) != 0);       /* removed once complete */
    static const char *const sets[] = {"/arms/control/summary/", "/arms/massage/summary/"};
    static const char *const metrics[] = {"mean_contact_pressure", "minutes_above_oedema", "peak_nucleus_pressure",
                                          "height_lost"};
    static const char *const others[] = {"/arms/control/meta/solver/steps", "/arms/massage/meta/solver/newton_iters",
                                         "/arms/massage/meta/failure/time",
                                         "/cohort/effect/massage/mean_contact_pressure/statistics",
                                         "/cohort/parameters/herniation.size"};
    char paths[16][160];
    int np = 0;
    for (int a = 0; a < 2; a++)
        for (int q = 0; q < 4; q++)
            snprintf(paths[np++], sizeof paths[0], "%s%s", sets[a], metrics[q]);
    for (int q = 0; q < 5; q++)
        snprintf(paths[np++], sizeof paths[0], "%s", others[q]);
    for (int q = 0; q < np; q++) {
        double *x = NULL, *y = NULL;
        size_t nx = 0, ny = 0;
        ds_error err;
        assert_int_equal(ds_h5_read_flat(full, paths[q], &nx, &x, &err), DS_OK);
        assert_int_equal(ds_h5_read_flat(part, paths[q], &ny, &y, &err), DS_OK);
        assert_int_equal(nx, ny);
        if (memcmp(x, y, nx * sizeof *x))
            fail_msg("%s differs after resuming", paths[q]);
        free(x), free(y);
    }
}

/* How busy a block's lanes are (ds_run_result: attempted steps over rounds x subjects, and
 * Newton iterations over Newton rounds x subjects): every
 * round when its 16 subjects are the same, and less when they differ (lanes wait at the load
 * segments' ends for the slowest); blocks of one subject have their rounds to themselves. A
 * block's busiest lane is at least as busy as its lanes on average, and waits less than its
 * companions. */
static void test_lanes_busy(void **state)
{
    (void)state;
    char path[300];
    cohort_at(path, sizeof path, "busy.yaml", "  n: 16\n  seed: 2\n", 1, NULL);
    double busy[3], most[3], newton[3];
    for (int k = 0; k < 3; k++) {
        ds_study st;
        ds_error err = {0};
        /* k = 0: the same subject 16 times (no parameter varies); 1: blocks of 8 drawn
         * subjects; 2: the drawn subjects one at a time */
        static const char *const none[] = {"cohort.vary={}"};
        assert_int_equal(ds_study_load(path, k == 0, k == 0 ? none : NULL, &st, &err), DS_OK);
        ds_run_opts ro = {.block = k == 2 ? 1 : 8};
        ds_run_result r;
        ds_summary sum;
        assert_int_equal(ds_run_stream(&st.variant[0], NULL, "", &ro, &r, &sum, &err), DS_OK);
        assert_true(r.lane_slots > 0);
        busy[k] = (double)r.lane_attempts / (double)r.lane_slots;
        most[k] = (double)r.lane_most / (double)r.lane_rounds;
        assert_true(r.lane_newton_slots > 0); /* the scenario's method is implicit */
        newton[k] = (double)r.lane_newton_iters / (double)r.lane_newton_slots;
        ds_summary_free(&sum);
        ds_study_free(&st);
    }
    printf("lanes busy: %.4f identical, %.4f drawn in blocks of 8, %.4f one at a time; busiest lanes %.4f, %.4f, %.4f; "
           "in Newton's iterations %.4f, %.4f, %.4f\n",
           busy[0], busy[1], busy[2], most[0], most[1], most[2], newton[0], newton[1], newton[2]);
    assert_true(busy[0] == 1.0 && busy[2] == 1.0);
    assert_true(busy[1] > 0.5 && busy[1] < 1.0);
    assert_true(most[0] == 1.0 && most[2] == 1.0);
    assert_true(most[1] > busy[1] && most[1] <= 1.0);
    assert_true(newton[0] == 1.0 && newton[2] == 1.0);
    assert_true(newton[1] > 0.3 && newton[1] < 1.0);
}

/* The text h5dump prints of every dataset of file at 17 digits, without attributes (they hold
 * wall times and commits) and the file's name. */
static char *dump_datasets(const char *file)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "h5dump -A 0 -m %%.17g '%s' | tail -n +2", file);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = 0, cap = 1 << 16;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t got; (got = fread(text + n, 1, cap - n - 1, p)) > 0;)
        if ((n += got) + 1 == cap)
            assert_non_null(text = realloc(text, cap *= 2));
    text[n] = 0;
    assert_int_equal(pclose(p), 0);
    assert_true(n > 1000);
    return text;
}

/* Resume with series: a series run killed with SIGTERM once its checkpoint holds a random
 * share of its series (blocks done, and most often some chunks of the next: a block's 91
 * records are three chunks) goes on with --resume, and every dataset of the file, series and
 * their quantile bands included, equals a run never stopped (run on one thread, the killed
 * and resumed ones on two). That run, whose blocks each ran the whole timeline and whose file
 * was written from its checkpoint, equals one without a checkpoint, whose blocks waited for
 * each other at every record. A series checkpoint does not resume a summaries-only run. */
static void test_resume_series(void **state)
{
    (void)state;
    resume_files f;
    resume_files_at(&f, "resume_series");
    char *const path = f.path, *const full = f.full, *const part = f.part, *const log = f.log;
    char plain[300];
    snprintf(plain, sizeof plain, "%s/resume_series_plain.h5", dir);
    resume_cohort_at(path, sizeof f.path, "resume_series.yaml", "  n: 22\n  seed: 5\n");
    char *text = NULL;
    /* stored as they are, the series make the file 1.35 times the checkpoint's final size (with
     * its bands, parameters and the chunked datasets' index: 2.7 MB against 2.0 MB) */
    static const char *const set[] = {"record.interval=2min"};
    const char *const ref[] = {DS_BINARY, "run", path, "-o", full, "--set", set[0], "--block", "4", "--compression",
                               "none", "-q", NULL};
    assert_int_equal(tk_run_cli(ref, log, &text), 0);
    free(text);
    struct stat sb;
    assert_int_equal(stat(full, &sb), 0);
    srand((unsigned)getpid());
    /* 2.6 to 7.3 blocks' worth of the 12: at least one done, with two in progress */
    const double share = 0.16 + 0.29 * rand() / (double)RAND_MAX;
    const off_t at = (off_t)(share * (double)sb.st_size);
    printf("resume with series: killed once the checkpoint holds %lld bytes\n", (long long)at);
    /* on two threads: the blocks' chunks and results are interleaved in the checkpoint */
    const char *const run[] = {DS_BINARY, "run",  path, "-o",        part,   "--set", set[0], "--block",
                               "4",       "--threads", "2",  "--compression", "none", "-q",   NULL};
    kill_once_kept(run, &f, at);
    const char *const summary[] = {DS_BINARY, "run", path, "-o", part, "--set", set[0], "--block", "4", "--record",
                                   "summary", "--resume", NULL};
    assert_int_equal(tk_run_cli(summary, log, &text), DS_ERR_INPUT);
    assert_non_null(strstr(text, "another study"));
    free(text);
    const char *const resume[] = {DS_BINARY, "run", path,       "-o", part,            "--set", set[0],   "--block",
                                  "4",       "--threads", "2", "--compression", "none", "--resume", NULL};
    assert_int_equal(tk_run_cli(resume, log, &text), 0);
    int restored = -1;
    assert_non_null(strstr(text, "resumed: "));
    sscanf(strstr(text, "resumed: "), "resumed: %d", &restored);
    printf("resume with series: %d of 12 blocks came from the checkpoint\n", restored);
    free(text);
    assert_true(restored > 0 && restored < 12);
    assert_true(stat(f.ckpt, &sb) != 0);
    ds_study st;
    ds_error err = {0};
    assert_int_equal(ds_study_load(path, 1, set, &st, &err), DS_OK);
    ds_study_opts o = {.block = 4, .compression = DS_COMPRESSION_NONE};
    ds_study_outcome oc;
    const double t0 = ds_seconds();
    assert_int_equal(ds_study_run_outcome(&st, plain, &o, &oc, &err), DS_OK);
    /* the simulation alone: some of the call, not all of it (the file's writing is not) */
    const double whole = ds_seconds() - t0;
    printf("simulating %.4f s of the study's %.4f s\n", oc.simulating, whole);
    assert_true(oc.simulating > 0.0 && oc.simulating < whole);
    ds_study_free(&st);
    char *a = dump_datasets(full), *b = dump_datasets(part), *c = dump_datasets(plain);
    assert_non_null(strstr(a, "DATASET \"pressure\""));
    assert_non_null(strstr(a, "GROUP \"quantiles\""));
    if (strcmp(a, b))
        fail_msg("the resumed series run's datasets differ from a run never stopped");
    if (strcmp(a, c))
        fail_msg("a series run written from its checkpoint differs from one without");
    free(a), free(b), free(c);
}

/* Runs tone_sweep.yaml (12 points) with the overrides set as one batch of lanes, and checks
 * that subject j of point p equals point p run on its own for the points p0, p0 + dp, ...
 * (nsubj subjects each). */
static void sweep_matches_points(const char *name, int nset, const char *const *set, int nsubj, int dp)
{
    char out[300], want[64];
    snprintf(out, sizeof out, "%s/%s.h5", dir, name);
    ds_study st;
    ds_error err = {0};
    ds_status s = ds_study_load(DS_SOURCE_DIR "/scenarios/tone_sweep.yaml", nset, set, &st, &err);
    if (s)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(s, DS_OK);
    char tbl[4096] = "";
    FILE *table = fmemopen(tbl, sizeof tbl, "w");
    ds_study_opts o = {.table = table};
    assert_int_equal(ds_study_run(&st, out, &o, &err), DS_OK);
    fclose(table);
    snprintf(want, sizeof want, "sweep as lanes: 12 points x %d subject", nsubj);
    assert_non_null(strstr(tbl, want));
    double *v = NULL;
    size_t n = 0;
    assert_int_equal(ds_h5_read_flat(out, "/sweep/summary/mean_contact_pressure", &n, &v, &err), DS_OK);
    assert_int_equal(n, 12 * (size_t)nsubj);
    for (int p = 0; p < 12; p += dp) {
        ds_summary sum;
        ds_run_result r;
        ds_run_opts ro = {0};
        assert_int_equal(ds_run_stream(&st.variant[p], NULL, "", &ro, &r, &sum, &err), DS_OK);
        int q = 0;
        while (strcmp(sum.metric[q].name, "mean_contact_pressure"))
            q++;
        assert_memory_equal(&v[(size_t)nsubj * p], sum.metric[q].value, (size_t)nsubj * sizeof(double));
        if (nsubj > 1)
            assert_true(sum.metric[q].value[0] != sum.metric[q].value[1]); /* the subjects differ */
        ds_summary_free(&sum);
    }
    free(v);
    ds_study_free(&st);
}

/* A sweep of per-lane parameters runs as one batch of lanes, each point's numbers those of
 * its own run. */
static void test_sweep_as_lanes(void **state)
{
    (void)state;
    static const char *const set[] = {"timeline.repeat=1", "summary.from=0s"};
    sweep_matches_points("sweep", 2, set, 1, 5);
}

/* A sweep over a cohort runs as points x subjects lanes, each point's subjects made from
 * the same draws. */
static void test_cohort_sweep_as_lanes(void **state)
{
    (void)state;
    static const char *const set[] = {
        "timeline.repeat=1", "summary.from=0s",
        "cohort={n: 3, seed: 2, design: random, vary: {herniation.gap: {distribution: uniform, min: 0.5mm, max: 1.5mm}}}"};
    sweep_matches_points("cohort_sweep", 3, set, 3, 11);
}

typedef struct {
    const char *what, *cohort, *extra;
    int line;
    const char *words;
} bad_cohort;

/* Bad cohorts are refused at load with the file, line and key. */
static void test_bad_cohorts(void **state)
{
    (void)state;
    static const bad_cohort cases[] = {
        {"unknown parameter", "  n: 4\n  seed: 1\n  vary:\n    herniation.colour: {distribution: uniform, min: 1, max: 2}\n",
         NULL, 15, "cohort.vary.herniation.colour"},
        {"no unit", "  n: 4\n  seed: 1\n  vary:\n    herniation.size: {distribution: uniform, min: 3, max: 6mm}\n", NULL,
         15, "without a unit"},
        {"wrong unit", "  n: 4\n  seed: 1\n  vary:\n    herniation.size: {distribution: uniform, min: 3s, max: 6mm}\n", NULL,
         15, "herniation.size"},
        {"missing seed", "  n: 4\n", NULL, 12, "cohort.seed"},
        {"missing n", "  seed: 4\n", NULL, 12, "cohort.n"},
        {"unknown design", "  n: 4\n  seed: 1\n  design: halton\n", NULL, 14, "cohort.design"},
        {"unknown group", "  n: 4\n  seed: 1\n  vary:\n    muscles.biceps.tone: {distribution: uniform, min: 0.01, max: 0.02}\n",
         NULL, 15, "biceps"},
        {"level not simulated",
         "  n: 4\n  seed: 1\n  vary:\n    levels.L1L2.permeability: {distribution: lognormal, median: 0.2 mm^3/(MPa*s), sd_log: 0.2}\n",
         NULL, 15, "L1L2"},
        {"key of another distribution",
         "  n: 4\n  seed: 1\n  vary:\n    herniation.size: {distribution: uniform, min: 3mm, max: 6mm, sd: 1mm}\n", NULL, 15,
         "has no sd"},
        {"empty uniform", "  n: 4\n  seed: 1\n  vary:\n    herniation.size: {distribution: uniform, min: 6mm, max: 3mm}\n",
         NULL, 15, "below max"},
        {"draw the model refuses",
         "  n: 200\n  seed: 1\n  vary:\n    herniation.size: {distribution: normal, mean: 0.5mm, sd: 1mm}\n", NULL, 12,
         "bound the distribution"},
        {"correlation of an undrawn key",
         "  n: 4\n  seed: 1\n  vary:\n    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}\n"
         "  correlations:\n    - {between: [herniation.size, body_mass], r: 0.5}\n",
         NULL, 17, "body_mass"},
        {"subjects beside a cohort", "  n: 4\n  seed: 1\n", "subjects: 3\n", 14, "cohort sets its own number"},
        {"varied twice",
         "  n: 4\n  seed: 1\n  vary:\n    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}\n"
         "    herniation.size: {distribution: uniform, min: 3mm, max: 5mm}\n",
         NULL, 0, "herniation.size"},
        {"saltelli with correlations",
         "  n: 4\n  seed: 1\n  design: saltelli\n  vary:\n"
         "    herniation.size: {distribution: uniform, min: 3mm, max: 6mm}\n"
         "    body_mass: {distribution: uniform, min: 60kg, max: 80kg}\n"
         "  correlations:\n    - {between: [herniation.size, body_mass], r: 0.5}\n",
         NULL, 19, "independent"},
        {"saltelli without parameters", "  n: 4\n  seed: 1\n  design: saltelli\n", NULL, 14, "needs parameters"},
        {"an arm with its own cohort", "  n: 4\n  seed: 1\n",
         "arms:\n  a:\n  b:\n    cohort: {n: 5, seed: 1}\n", 0, "may not override"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[300];
        snprintf(path, sizeof path, "%s/bad%zu.yaml", dir, i);
        cohort_file(path, cases[i].cohort, cases[i].extra);
        ds_study st;
        ds_error err = {0};
        ds_status s = ds_study_load(path, 0, NULL, &st, &err);
        if (s == DS_OK) {
            ds_study_free(&st);
            fail_msg("%s: accepted", cases[i].what);
        }
        if (!strstr(err.msg, cases[i].words))
            fail_msg("%s: message lacks '%s': %s", cases[i].what, cases[i].words, err.msg);
        if (cases[i].line) {
            char at[320];
            snprintf(at, sizeof at, "%s:%d:", path, cases[i].line);
            if (!strstr(err.msg, at))
                fail_msg("%s: message does not name %s: %s", cases[i].what, at, err.msg);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_designs),
        cmocka_unit_test(test_marginals_and_correlation),
        cmocka_unit_test(test_draws_reach_the_lanes),
        cmocka_unit_test(test_subject_alone_equals_batch),
        cmocka_unit_test(test_sorted_blocks_by_subject),
        cmocka_unit_test(test_subject_order),
        cmocka_unit_test(test_sink_ahead_fails),
        cmocka_unit_test(test_paired_statistics),
        cmocka_unit_test(test_cohort_file),
        cmocka_unit_test(test_sobol_ishigami),
        cmocka_unit_test(test_saltelli_scenario),
        cmocka_unit_test(test_record_summary_cli),
        cmocka_unit_test(test_parameters_in_pieces),
        cmocka_unit_test(test_unstable_subjects),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_resume_series),
        cmocka_unit_test(test_lanes_busy),
        cmocka_unit_test(test_sweep_as_lanes),
        cmocka_unit_test(test_cohort_sweep_as_lanes),
        cmocka_unit_test(test_bad_cohorts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
