/* Batch independence (DESIGN §4): a subject's numbers never depend on which other subjects
 * share its batch. Subject A runs alone, then inside batches of other sizes and compositions
 * (different discs, herniations, muscles and responses to massage, so the neighbours take
 * other steps and Newton iterations and touch their roots at other times), and next to a
 * subject that fails; every recorded value of A must be the same to the bit. The failing
 * neighbour is reported with time and variable, and its series are NaN from then on. */
#include "testkit.h"
#include "model/model_build.h"

/* Five levels with muscles, a massage session (a dynamic load segment; its effect ends
 * within the run, later for a subject whose clock of massage is slower) and a short day. */
static const char *const SCEN = DS_SOURCE_DIR "/scenarios/chain_day.yaml";

typedef struct {
    double perm, height; /* factors on L4L5 permeability and height for this subject */
    double size;         /* herniation size, mm */
    double pcsa;         /* factor on the PCSA of every group at every level */
    double massage;      /* response to massage (size and clock) */
    double osm;          /* osmotic exponent at L4L5 (0: the model's, 2): the swelling pressure's
                          * power is a product for the exponent 2 and ds_pow for any other, and a
                          * block whose lanes are all 2 computes no power at all */
} subject;

static const subject A = {1.0, 1.0, 4.0, 1.0, 1.0, 0.0};

/* Runs subjects sub[0..n-1] with the given method and returns the record of subject `which`
 * (every series, every time) in *out (malloc'ed, *len values), and the run's result. */
static void run_batch_opts(const subject *sub, int n, int which, const char *const *extra, int nextra,
                           const ds_run_opts *o, double **out, size_t *len, ds_memory_record *keep, ds_run_result *res)
{
    char subjects[32];
    snprintf(subjects, sizeof subjects, "subjects=%d", n);
    const char *set[16] = {subjects, "timeline.repeat=1", "record.interval=10min",
                           "timeline.phases=[{posture: standing, duration: 2h}, {posture: sitting, duration: 1h}, "
                           "{posture: lying, duration: 2h}]",
                           "interventions=[{at: 1h, duration: 20min, groups: [erector_spinae, multifidus], "
                           "tone_reduction: 50%, decay: 2min}]",
                           "herniation={level: L4L5, size: 4mm, degeneration: 3}"};
    int nset = 6;
    for (int k = 0; k < nextra; k++)
        set[nset++] = extra[k];
    ds_scenario sc;
    ds_error err = {0};
    ds_status st = ds_scenario_load(SCEN, nset, set, &sc, &err);
    if (st)
        fail_msg("%s", err.msg);
    const int L45 = 3;
    for (int l = 0; l < n; l++) {
        const double K = sc.model.par[DS_PAR_K0][(size_t)L45 * sc.model.stride + l];
        const double h = sc.model.par[DS_PAR_h0][(size_t)L45 * sc.model.stride + l];
        assert_int_equal(ds_model_set_disc(&sc.model, DS_PAR_K0, L45, l, K * sub[l].perm, &err), DS_OK);
        assert_int_equal(ds_model_set_disc(&sc.model, DS_PAR_h0, L45, l, h * sub[l].height, &err), DS_OK);
        if (sub[l].osm > 0.0)
            assert_int_equal(ds_model_set_disc(&sc.model, DS_PAR_n_osm, L45, l, sub[l].osm, &err), DS_OK);
        assert_int_equal(ds_model_set_lane(&sc.model, DS_LP_hern_size, l, sub[l].size, &err), DS_OK);
        assert_int_equal(ds_model_set_lane(&sc.model, DS_LP_massage_size, l, sub[l].massage, &err), DS_OK);
        assert_int_equal(ds_model_set_lane(&sc.model, DS_LP_massage_time, l, sub[l].massage, &err), DS_OK);
        for (int g = 0; g < sc.model.ngroup; g++)
            for (int id = 0; id < DS_MAX_LEVELS; id++)
                if (sc.model.group[g].crosses[id])
                    assert_int_equal(ds_model_set_muscle(&sc.model, DS_MUSCLE_PCSA, g, id, l,
                                                         sc.model.group[g].pcsa[id] * sub[l].pcsa, &err),
                                     DS_OK);
    }
    ds_memory_record mr = {0};
    ds_record_sink sink = ds_memory_sink(&mr);
    st = ds_run_stream(&sc, &sink, "", o, res, NULL, &err);
    if (st)
        fail_msg("%s", err.msg);
    const int first = which < 0 ? 0 : which, count = which < 0 ? n : 1; /* which < 0: every subject */
    *len = mr.ntime * (size_t)mr.nseries * count;
    *out = malloc(*len * sizeof **out);
    for (size_t k = 0; k < mr.ntime; k++)
        for (int s = 0; s < mr.nseries; s++)
            for (int l = 0; l < count; l++)
                (*out)[(k * mr.nseries + s) * count + l] = ds_memory_at(&mr, k, s, first + l);
    if (keep)
        *keep = mr;
    else
        ds_memory_record_free(&mr);
    ds_scenario_free(&sc);
}

static void run_batch(const subject *sub, int n, int which, const char *const *extra, int nextra, double **out,
                      size_t *len, ds_memory_record *keep, ds_run_result *res)
{
    ds_run_opts o = {0};
    run_batch_opts(sub, n, which, extra, nextra, &o, out, len, keep, res);
}

static void assert_same(const double *a, const double *b, size_t n, const char *what)
{
    size_t diff = 0;
    for (size_t i = 0; i < n; i++)
        diff += memcmp(&a[i], &b[i], sizeof a[i]) != 0;
    printf("%s: %zu values, %zu differ\n", what, n, diff);
    assert_int_equal(diff, 0);
}

static void test_batch_independence(void **state)
{
    (void)state;
    double *alone, *other;
    size_t n1, n2;
    ds_run_result r;
    run_batch(&A, 1, 0, NULL, 0, &alone, &n1, NULL, &r);
    assert_true(n1 > 1000);
    /* A in the middle of three different discs, the first with another osmotic exponent */
    const subject three[] = {{3.0, 0.9, 2.0, 0.7, 2.0, 1.7}, A, {0.3, 1.1, 6.0, 1.3, 0.5, 0.0}};
    run_batch(three, 3, 1, NULL, 0, &other, &n2, NULL, &r);
    assert_int_equal(n1, n2);
    assert_same(alone, other, n1, "A alone vs A among 3");
    free(other);
    /* and that first one, alone and among the three */
    double *b_alone, *b_among;
    run_batch(three, 1, 0, NULL, 0, &b_alone, &n1, NULL, &r);
    run_batch(three, 3, 0, NULL, 0, &b_among, &n2, NULL, &r);
    assert_int_equal(n1, n2);
    assert_same(b_alone, b_among, n1, "exponent 1.7 alone vs among 3");
    free(b_alone);
    free(b_among);
    /* A last of ten: a block wider than one vector of lanes, neighbours all different */
    subject ten[10];
    for (int l = 0; l < 9; l++)
        ten[l] = (subject){0.5 + 0.25 * l, 0.92 + 0.02 * l, 1.0 + 0.5 * l, 0.8 + 0.05 * l, 0.2 + 0.3 * l,
                           l % 3 ? 0.0 : 1.6 + 0.2 * l};
    ten[9] = A;
    run_batch(ten, 10, 9, NULL, 0, &other, &n2, NULL, &r);
    assert_same(alone, other, n1, "A alone vs A last of 10");
    free(other);
    /* A at lane 66 of a block of 70: the dense output finds the lanes that choose their step
     * as bit masks of 64 lanes, and A's is the second */
    subject many[70];
    for (int l = 0; l < 70; l++)
        many[l] = ten[l % 9];
    many[66] = A;
    run_batch(many, 70, 66, NULL, 0, &other, &n2, NULL, &r);
    assert_same(alone, other, n1, "A alone vs A at lane 66 of 70");
    free(other);
    free(alone);
}

/* Blocks of lanes and threads (ds_run_opts.block, .parallel): ten different subjects run as
 * one block, in blocks of 1, 3 and 8, and on two threads give the same record to the bit,
 * and the same solver counts. */
static void test_blocks_and_threads(void **state)
{
    (void)state;
    subject ten[10];
    for (int l = 0; l < 10; l++)
        ten[l] = (subject){0.5 + 0.25 * l, 0.92 + 0.02 * l, 1.0 + 0.5 * l, 0.8 + 0.05 * l, 0.2 + 0.3 * l,
                           l % 3 ? 0.0 : 1.6 + 0.2 * l};
    double *one, *other;
    size_t n1, n2;
    ds_run_result r1, r2;
    ds_run_opts whole = {0};
    run_batch_opts(ten, 10, -1, NULL, 0, &whole, &one, &n1, NULL, &r1);
    static const struct {
        int block, threads;
    } cases[] = {{1, 1}, {3, 1}, {8, 1}, {3, 2}, {0, 2}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ds_study_opts so = {.block = cases[k].block, .threads = cases[k].threads};
        ds_run_opts o = ds_run_opts_for(&so, DS_QUASI_STATIC);
        run_batch_opts(ten, 10, -1, NULL, 0, &o, &other, &n2, NULL, &r2);
        char what[80];
        snprintf(what, sizeof what, "10 subjects: one block vs blocks of %d on %d thread(s)", o.block, cases[k].threads);
        assert_int_equal(n1, n2);
        assert_same(one, other, n1, what);
        assert_true(r1.steps == r2.steps && r1.rejected == r2.rejected && r1.newton_iters == r2.newton_iters);
        free(other);
    }
    free(one);
}

/* Explicit Euler at a fixed 10 s step: stable for A, unstable for a disc whose fluid
 * exchange is 1e5 times faster, which fails (its retries with shorter steps cannot rescue
 * it) while A goes on. */
static void test_failing_neighbour(void **state)
{
    (void)state;
    static const char *const euler[] = {"solver={method: euler, step: 10s}"};
    double *alone, *other;
    size_t n1, n2;
    ds_run_result r;
    run_batch(&A, 1, 0, euler, 1, &alone, &n1, NULL, &r);
    assert_int_equal(r.nfailed, 0);
    const subject pair[] = {{100000.0, 1.0, 4.0, 1.0, 1.0, 0.0}, A};
    ds_memory_record mr;
    run_batch(pair, 2, 1, euler, 1, &other, &n2, &mr, &r);
    printf("failing neighbour: %s\n", r.failure);
    assert_int_equal(r.nfailed, 1);
    assert_int_equal(mr.failed[0], 1);
    assert_int_equal(mr.failed[1], 0);
    assert_non_null(strstr(r.failure, "subject 0"));
    assert_non_null(strstr(r.failure, "L4L5"));
    assert_same(alone, other, n1, "A alone vs A next to a failing subject");
    /* the failed subject's series are NaN after its failure, finite before */
    int p = ds_memory_series(&mr, "/levels/L4L5/pressure");
    assert_true(p >= 0);
    assert_true(isfinite(ds_memory_at(&mr, 0, p, 0)));
    assert_true(isnan(ds_memory_at(&mr, mr.ntime - 1, p, 0)));
    assert_true(isfinite(ds_memory_at(&mr, mr.ntime - 1, p, 1)));
    ds_memory_record_free(&mr);
    free(other);
    /* the failing subject second, alone in its block: the block stops, the run goes on, and
     * the failure names the subject by its place in the cohort */
    const subject pair2[] = {A, {100000.0, 1.0, 4.0, 1.0, 1.0, 0.0}};
    ds_run_opts blocks = {.block = 1};
    run_batch_opts(pair2, 2, 0, euler, 1, &blocks, &other, &n2, &mr, &r);
    printf("failing neighbour in its own block: %s\n", r.failure);
    assert_int_equal(r.nfailed, 1);
    assert_int_equal(mr.failed[1], 1);
    assert_non_null(strstr(r.failure, "subject 1"));
    assert_same(alone, other, n1, "A alone vs A next to a failing block");
    assert_true(isnan(ds_memory_at(&mr, mr.ntime - 1, p, 1)));
    ds_memory_record_free(&mr);
    free(alone);
    free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_independence),
        cmocka_unit_test(test_blocks_and_threads),
        cmocka_unit_test(test_failing_neighbour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
