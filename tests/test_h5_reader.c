/* Bad output files: `discsim info` and `discsim plot` check what they read from an HDF5 file
 * before using it. Each case takes a real output, breaks one thing with the HDF5 API (wrong
 * rank or shape, a /time of another length than the series, strings where numbers belong,
 * huge claimed dimensions, bad times, missing or mistyped attributes) or is not an output
 * at all (truncated, random bytes, empty, another program's file), and must give DS_ERR_IO
 * with a one-line message naming the file, the dataset or attribute and the problem: never
 * a crash or an out-of-bounds read. The plot path runs with a gnuplot that does not exist,
 * so that a file that passes the checks fails later, with DS_ERR_EXTERNAL. */
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>

#include "testkit.h"

static char dir[128];
static char plain[256], arms[256], sweep[256];

/* ---- building bad files -------------------------------------------------------------------- */

static void copy_bytes(const char *from, const char *to, double fraction)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    fseek(in, 0, SEEK_END);
    long len = ftell(in);
    fseek(in, 0, SEEK_SET);
    long keep = (long)(fraction * (double)len);
    for (long k = 0; k < keep; k++)
        fputc(fgetc(in), out);
    fclose(in);
    fclose(out);
}

static hid_t open_rw(const char *file)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    return f;
}

static hid_t text_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

/* Replaces (or creates) the dataset at path with one of this type and shape (rank 0: a
 * scalar). With maxdims it is chunked and extensible, and data may be NULL: nothing stored. */
static void put_dataset(const char *file, const char *path, hid_t type, int rank, const hsize_t *dims,
                        const hsize_t *maxdims, const void *data)
{
    hid_t f = open_rw(file);
    if (H5Lexists(f, path, H5P_DEFAULT) > 0)
        assert_true(H5Ldelete(f, path, H5P_DEFAULT) >= 0);
    hid_t space = rank ? H5Screate_simple(rank, dims, maxdims) : H5Screate(H5S_SCALAR);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (maxdims) {
        hsize_t chunk[4] = {1, 1, 1, 1};
        chunk[rank - 1] = 64;
        assert_true(H5Pset_chunk(dcpl, rank, chunk) >= 0);
    }
    hid_t d = H5Dcreate2(f, path, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(d >= 0);
    if (data)
        assert_true(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(f);
}

/* Replaces (or creates) attribute name of obj; type < 0 only deletes it. */
static void put_attr(const char *file, const char *obj, const char *name, hid_t type, hsize_t n, const void *data)
{
    hid_t f = open_rw(file);
    hid_t o = H5Oopen(f, obj, H5P_DEFAULT);
    assert_true(o >= 0);
    if (H5Aexists(o, name) > 0)
        assert_true(H5Adelete(o, name) >= 0);
    if (type >= 0) {
        hid_t space = n == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL);
        hid_t a = H5Acreate2(o, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(a >= 0);
        assert_true(H5Awrite(a, type, data) >= 0);
        H5Aclose(a);
        H5Sclose(space);
    }
    H5Oclose(o);
    H5Fclose(f);
}

/* The values of a numeric dataset, flat, read with the HDF5 API. */
static double *get_doubles(const char *file, const char *path, size_t *n)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t s = H5Dget_space(d);
    *n = (size_t)H5Sget_simple_extent_npoints(s);
    double *v = malloc((*n + 16) * sizeof *v);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);
    return v;
}

/* /time of plain.h5 with its first value changed to x. */
static void time_with(const char *file, double x)
{
    size_t n;
    double *t = get_doubles(file, "/time", &n);
    t[0] = x;
    hsize_t d = n;
    put_dataset(file, "/time", H5T_NATIVE_DOUBLE, 1, &d, NULL, t);
    free(t);
}

static void make_empty(const char *p) { copy_bytes(plain, p, 0.0); }
static void make_truncated(const char *p) { copy_bytes(plain, p, 0.5); }

static void make_random(const char *p)
{
    FILE *f = fopen(p, "wb");
    unsigned s = 12345;
    for (int k = 0; k < 4096; k++) {
        s = s * 1103515245u + 12345u;
        fputc((int)(s >> 16) & 0xff, f);
    }
    fclose(f);
}

static void make_foreign(const char *p)
{
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
    double v[3] = {1, 2, 3};
    hsize_t d = 3;
    put_dataset(p, "/values", H5T_NATIVE_DOUBLE, 1, &d, NULL, v);
}

static void make_time_rank(const char *p)
{
    copy_bytes(plain, p, 1.0);
    size_t n;
    double *t = get_doubles(p, "/time", &n);
    hsize_t d[2] = {1, n};
    put_dataset(p, "/time", H5T_NATIVE_DOUBLE, 2, d, NULL, t);
    free(t);
}

static void make_time_text(const char *p)
{
    copy_bytes(plain, p, 1.0);
    hid_t t = text_type();
    const char *s = "0 600 1200";
    put_dataset(p, "/time", t, 0, NULL, NULL, &s);
    H5Tclose(t);
}

static void make_time_nan(const char *p)
{
    copy_bytes(plain, p, 1.0);
    time_with(p, NAN);
}

static void make_time_negative(const char *p)
{
    copy_bytes(plain, p, 1.0);
    time_with(p, -600.0);
}

/* /time ten records longer than every series. */
static void make_time_long(const char *p)
{
    copy_bytes(plain, p, 1.0);
    size_t n;
    double *t = get_doubles(p, "/time", &n);
    for (size_t k = n; k < n + 10; k++)
        t[k] = t[k - 1] + 600.0;
    hsize_t d = n + 10;
    put_dataset(p, "/time", H5T_NATIVE_DOUBLE, 1, &d, NULL, t);
    free(t);
}

static void make_series_rank(const char *p)
{
    copy_bytes(plain, p, 1.0);
    size_t n;
    double *v = get_doubles(p, "/levels/L4L5/pressure", &n);
    hsize_t d = n;
    put_dataset(p, "/levels/L4L5/pressure", H5T_NATIVE_DOUBLE, 1, &d, NULL, v);
    free(v);
}

/* Chunked, extensible, nothing stored: the shape is all a reader sees. */
static void make_huge_time(const char *p)
{
    copy_bytes(plain, p, 1.0);
    hsize_t d = (hsize_t)1 << 40, max = H5S_UNLIMITED;
    put_dataset(p, "/time", H5T_NATIVE_DOUBLE, 1, &d, &max, NULL);
}

/* 2^32 x 2^32 values: the count wraps to 0 in 64-bit arithmetic. */
static void make_huge_series(const char *p)
{
    copy_bytes(plain, p, 1.0);
    hsize_t d[2] = {(hsize_t)1 << 32, (hsize_t)1 << 32}, max[2] = {H5S_UNLIMITED, H5S_UNLIMITED};
    put_dataset(p, "/levels/L4L5/pressure", H5T_NATIVE_DOUBLE, 2, d, max, NULL);
}

/* 2^24 records, under the cap, but none stored: HDF5 would fill 128 MiB with zeros. */
static void make_sparse_time(const char *p)
{
    copy_bytes(plain, p, 1.0);
    hsize_t d = (hsize_t)1 << 24, max = H5S_UNLIMITED;
    put_dataset(p, "/time", H5T_NATIVE_DOUBLE, 1, &d, &max, NULL);
}

/* The same with a fill value of its own: chunks left unwritten read as it, but not for more
 * than 64 MiB of values (2^24 doubles are 128 MiB). */
static void make_sparse_filled(const char *p)
{
    copy_bytes(plain, p, 1.0);
    hid_t f = open_rw(p);
    assert_true(H5Ldelete(f, "/time", H5P_DEFAULT) >= 0);
    hsize_t d = (hsize_t)1 << 24, chunk = 1024;
    const double fill = 60.0;
    hid_t space = H5Screate_simple(1, &d, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(dcpl, 1, &chunk) >= 0 && H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0);
    hid_t ds = H5Dcreate2(f, "/time", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(ds >= 0);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(f);
}

static void make_clock_range(const char *p)
{
    copy_bytes(plain, p, 1.0);
    double v = 1e308;
    put_attr(p, "/meta", "clock_start_s", H5T_NATIVE_DOUBLE, 0, &v);
}

/* More arms than a study can have, each a stream `info` would check. */
static void make_arms_many(const char *p)
{
    copy_bytes(arms, p, 1.0);
    size_t n = 300 * 8;
    char *text = malloc(n + 1), *w = text;
    for (int k = 0; k < 300; k++)
        w += sprintf(w, "arm%d\n", k);
    hid_t t = text_type();
    const char *s = text;
    put_dataset(p, "/meta/arms", t, 0, NULL, NULL, &s);
    H5Tclose(t);
    free(text);
}

static void make_span_rank(const char *p)
{
    copy_bytes(plain, p, 1.0);
    double v[2] = {0, 43200};
    hsize_t d = 2;
    put_dataset(p, "/meta/timeline/phase_span", H5T_NATIVE_DOUBLE, 1, &d, NULL, v);
}

static void make_clock_array(const char *p)
{
    copy_bytes(plain, p, 1.0);
    double v[64] = {0};
    put_attr(p, "/meta", "clock_start_s", H5T_NATIVE_DOUBLE, 64, v);
}

static void make_clock_text(const char *p)
{
    copy_bytes(plain, p, 1.0);
    hid_t t = text_type();
    const char *s = "07:00";
    put_attr(p, "/meta", "clock_start_s", t, 0, &s);
    H5Tclose(t);
}

static void make_clock_missing(const char *p)
{
    copy_bytes(plain, p, 1.0);
    put_attr(p, "/meta", "clock_start_s", H5I_INVALID_HID, 0, NULL);
}

static void make_name_number(const char *p)
{
    copy_bytes(plain, p, 1.0);
    int v = 42;
    put_attr(p, "/meta", "scenario_name", H5T_NATIVE_INT, 0, &v);
}

static void make_units_number(const char *p)
{
    copy_bytes(plain, p, 1.0);
    double v = 1.0;
    put_attr(p, "/time", "units", H5T_NATIVE_DOUBLE, 0, &v);
}

static void make_solver_text(const char *p)
{
    copy_bytes(plain, p, 1.0);
    hid_t t = text_type();
    const char *s = "many";
    put_dataset(p, "/meta/solver/steps", t, 0, NULL, NULL, &s);
    H5Tclose(t);
}

/* A table of three strings where a list of names belongs (a list, one-dimensional, reads). */
static void make_arms_array(const char *p)
{
    copy_bytes(arms, p, 1.0);
    hid_t t = text_type();
    const char *s[3] = {"control", "massage", "claim"};
    hsize_t d[2] = {3, 1};
    put_dataset(p, "/meta/arms", t, 2, d, NULL, s);
    H5Tclose(t);
}

static void make_massage_span(const char *p)
{
    copy_bytes(arms, p, 1.0);
    double v[2] = {183600, 185400};
    hsize_t d[2] = {2, 1};
    put_dataset(p, "/arms/massage/meta/timeline/massage_span", H5T_NATIVE_DOUBLE, 2, d, NULL, v);
}

static void set_level(const char *p, const char *level)
{
    copy_bytes(arms, p, 1.0);
    hid_t t = text_type();
    put_attr(p, "/arms/control/meta/herniation", "level", t, 0, &level);
    H5Tclose(t);
}

static void make_level_unknown(const char *p) { set_level(p, "L9L9"); }

/* Text from the file in a message: still one line. */
static void make_level_lines(const char *p) { set_level(p, "L4L5\n\x1b[2Jcleared"); }


/* /sweep/values_1 one value longer than the summaries' first dimension. */
static void make_sweep_values(const char *p)
{
    copy_bytes(sweep, p, 1.0);
    size_t n;
    double *v = get_doubles(p, "/sweep/values_1", &n);
    v[n] = v[n - 1] + 0.01;
    hsize_t d = n + 1;
    put_dataset(p, "/sweep/values_1", H5T_NATIVE_DOUBLE, 1, &d, NULL, v);
    free(v);
    hid_t t = text_type();
    const char *s[2] = {"parameters.muscles.erector_spinae.tone", "1"};
    put_attr(p, "/sweep/values_1", "parameter", t, 0, &s[0]);
    put_attr(p, "/sweep/values_1", "units", t, 0, &s[1]);
    H5Tclose(t);
}

/* A summary flattened to one dimension: as many values, no longer [values_1][values_2][subject]. */
static void make_sweep_flat(const char *p)
{
    copy_bytes(sweep, p, 1.0);
    size_t n;
    double *v = get_doubles(p, "/sweep/summary/peak_contact_pressure", &n);
    hsize_t d = n;
    put_dataset(p, "/sweep/summary/peak_contact_pressure", H5T_NATIVE_DOUBLE, 1, &d, NULL, v);
    free(v);
}

static void make_sweep_parameter(const char *p)
{
    copy_bytes(sweep, p, 1.0);
    put_attr(p, "/sweep/values_1", "parameter", H5I_INVALID_HID, 0, NULL);
}

/* ---- the cases ----------------------------------------------------------------------------- */

typedef struct bad_case {
    const char *name;         /* file name in the test folder */
    void (*make)(const char *path);
    int info;                 /* `discsim info` reads what is broken */
    const char *figure;       /* a figure whose data path reads it (NULL: none) */
    const char *words[2];     /* the message holds these (and the file name) */
} bad_case;

static const bad_case CASES[] = {
    {"empty.h5", make_empty, 1, "day", {"empty", NULL}},
    {"random.h5", make_random, 1, "day", {"not an HDF5 file", NULL}},
    {"truncated.h5", make_truncated, 1, "day", {"truncated", NULL}},
    {"foreign.h5", make_foreign, 1, "day", {"not a discsim output file", "/meta"}},
    {"time_rank.h5", make_time_rank, 1, "day", {"'/time'", "2 dimensions"}},
    {"time_text.h5", make_time_text, 1, "day", {"'/time'", "string"}},
    {"time_nan.h5", make_time_nan, 1, "day", {"'/time'", "NaN"}},
    {"time_negative.h5", make_time_negative, 1, "day", {"'/time'", "negative"}},
    {"time_long.h5", make_time_long, 1, "day", {"'/time'", "[subject][time]"}},
    {"series_rank.h5", make_series_rank, 1, "day", {"'/levels/L4L5/pressure'", "1 dimension"}},
    {"huge_time.h5", make_huge_time, 1, "day", {"'/time'", "2^28"}},
    {"huge_series.h5", make_huge_series, 1, "day", {"'/levels/L4L5/pressure'", "2^28"}},
    {"sparse_time.h5", make_sparse_time, 1, "day", {"'/time'", "stores only 0 bytes"}},
    {"sparse_filled.h5", make_sparse_filled, 1, "day", {"'/time'", "stores only 0 bytes"}},
    {"name_number.h5", make_name_number, 1, "day", {"'scenario_name'", "not a string"}},
    {"units_number.h5", make_units_number, 1, NULL, {"'units'", "not a string"}},
    {"solver_text.h5", make_solver_text, 1, NULL, {"'/meta/solver/steps'", "string"}},
    {"span_rank.h5", make_span_rank, 0, "day", {"'/meta/timeline/phase_span'", "1 dimension"}},
    {"clock_array.h5", make_clock_array, 0, "day", {"'clock_start_s'", "64 values"}},
    {"clock_text.h5", make_clock_text, 0, "day", {"'clock_start_s'", "not a number"}},
    {"clock_range.h5", make_clock_range, 0, "day", {"'clock_start_s'", "time of day"}},
    {"clock_missing.h5", make_clock_missing, 0, "day", {"'clock_start_s'", "no attribute"}},
    {"arms_array.h5", make_arms_array, 0, "root", {"'/meta/arms'", "3 strings"}},
    {"arms_many.h5", make_arms_many, 1, NULL, {"'/meta/arms'", "301 lines"}},
    {"massage_span.h5", make_massage_span, 0, "root", {"'/arms/massage/meta/timeline/massage_span'", "2 x 1"}},
    {"level_unknown.h5", make_level_unknown, 0, "root", {"'level'", "L9L9"}},
    {"level_lines.h5", make_level_lines, 0, "root", {"'level'", "L4L5  [2Jcleared"}},
    {"sweep_values.h5", make_sweep_values, 0, "dose", {"'/sweep/summary/peak_contact_pressure'", "[values_1]"}},
    {"sweep_flat.h5", make_sweep_flat, 0, "dose", {"'/sweep/summary/peak_contact_pressure'", "1 dimension"}},
    {"sweep_parameter.h5", make_sweep_parameter, 0, "dose", {"'parameter'", "no attribute"}},
};

/* The message names the file, and holds the words elsewhere than in the file's name. */
static void assert_message(const bad_case *c, const char *file, const char *msg)
{
    assert_null(strchr(msg, '\n'));
    char rest[DS_ERROR_MSG_LEN];
    snprintf(rest, sizeof rest, "%s", msg);
    char *at = strstr(rest, file);
    assert_non_null(at);
    for (; at; at = strstr(at, file))
        memset(at, '_', strlen(file));
    for (int k = 0; k < 2 && c->words[k]; k++)
        if (!strstr(rest, c->words[k]))
            fail_msg("%s: the message lacks \"%s\": %s", c->name, c->words[k], msg);
}

static ds_plot_opts plot_opts(const char *figure)
{
    static char figs[256];
    snprintf(figs, sizeof figs, "%s/figs", dir);
    ds_plot_opts o = {.out_dir = figs, .format = "png", .gnuplot = "/nonexistent/gnuplot", .nfigure = 1,
                      .figure = {figure}};
    return o;
}

static void test_bad_file(void **state)
{
    const bad_case *c = *state;
    char file[300];
    snprintf(file, sizeof file, "%s/%s", dir, c->name);
    c->make(file);
    ds_error err = {0};
    if (c->figure) {
        ds_plot_opts o = plot_opts(c->figure);
        int nw = -1;
        ds_error_clear(&err);
        ds_status st = ds_plot_file(file, &o, &nw, &err);
        printf("%-20s plot %s: %d %s\n", c->name, c->figure, st, st ? err.msg : "");
        assert_int_equal(st, DS_ERR_IO);
        assert_int_equal(nw, 0);
        assert_message(c, file, err.msg);
    }
    if (c->info) {
        FILE *out = fopen("/dev/null", "w");
        ds_error_clear(&err);
        ds_status st = ds_h5_info(file, out, &err);
        fclose(out);
        printf("%-20s info: %d %s\n", c->name, st, st ? err.msg : "");
        assert_int_equal(st, DS_ERR_IO);
        assert_message(c, file, err.msg);
    }
    unlink(file);
}

/* The real files pass: info prints them, and plotting fails only for want of gnuplot. */
static void test_good_files(void **state)
{
    (void)state;
    const char *files[3] = {plain, arms, sweep};
    const char *figures[3] = {"day", "root", "dose"};
    for (int k = 0; k < 3; k++) {
        ds_error err = {0};
        FILE *out = fopen("/dev/null", "w");
        assert_int_equal(ds_h5_info(files[k], out, &err), DS_OK);
        fclose(out);
        ds_plot_opts o = plot_opts(figures[k]);
        int nw;
        assert_int_equal(ds_plot_file(files[k], &o, &nw, &err), DS_ERR_EXTERNAL);
    }
}

/* Runs the discsim binary; returns its exit code and all it wrote (a failing check must
 * print its one line and nothing else, on either stream). */
static int run_cli(const char *const *argv, char *msg, size_t n)
{
    char log[300], *out;
    snprintf(log, sizeof log, "%s/cli.log", dir);
    int rc = tk_run_cli(argv, log, &out);
    snprintf(msg, n, "%s", out);
    free(out);
    unlink(log);
    return rc;
}

static const bad_case *find_case(const char *name)
{
    for (size_t k = 0; k < sizeof CASES / sizeof CASES[0]; k++)
        if (!strcmp(CASES[k].name, name))
            return &CASES[k];
    fail_msg("no case %s", name);
    return NULL;
}

/* The program: exit code 5 and one line on stderr, for info and for plot. */
static void test_exit_code(void **state)
{
    (void)state;
    static const char *const picks[] = {"random.h5", "time_long.h5", "huge_series.h5", "clock_array.h5"};
    for (size_t k = 0; k < sizeof picks / sizeof picks[0]; k++) {
        const bad_case *c = find_case(picks[k]);
        char file[300], figs[300], msg[4096];
        snprintf(file, sizeof file, "%s/%s", dir, c->name);
        snprintf(figs, sizeof figs, "%s/figs", dir);
        c->make(file);
        const char *info[] = {"discsim", "info", file, NULL};
        const char *plot[] = {"discsim", "plot", file, "-o", figs, "--gnuplot", "/nonexistent/gnuplot", NULL};
        for (int which = c->info ? 0 : 1; which < 2; which++) {
            int rc = run_cli(which ? plot : info, msg, sizeof msg);
            printf("discsim %s %s: exit %d: %s", which ? "plot" : "info", c->name, rc, msg);
            assert_int_equal(rc, DS_ERR_IO);
            assert_true(!strncmp(msg, "discsim: ", 9));
            assert_non_null(strstr(msg, file));
            assert_ptr_equal(strchr(msg, '\n'), msg + strlen(msg) - 1); /* one line */
        }
        unlink(file);
    }
}

/* Small real outputs: a single run, a herniation with three arms, a sweep. */
static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ds_h5_reader_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(plain, sizeof plain, "%s/plain.h5", dir);
    snprintf(arms, sizeof arms, "%s/arms.h5", dir);
    snprintf(sweep, sizeof sweep, "%s/sweep.h5", dir);
    /* one day: the massage sessions move from 51 h (the third day) to 3 h, inside the run */
    static const char *const small[] = {"timeline.repeat=1", "record.interval=10min", "summary.from=0s",
                                        "arms.massage.interventions.0.at=3h", "arms.claim.interventions.0.at=3h"};
    tk_run_study(DS_SOURCE_DIR "/scenarios/diurnal_l4l5.yaml", 3, small, plain);
    tk_run_study(DS_SOURCE_DIR "/scenarios/massage_herniation.yaml", 5, small, arms);
    tk_run_study(DS_SOURCE_DIR "/scenarios/tone_sweep.yaml", 3, small, sweep);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tk_rm_tree(dir);
}

/* An argument runs only the cases whose names match it (e.g. "time_*"). */
int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    enum { NCASE = sizeof CASES / sizeof CASES[0] };
    struct CMUnitTest tests[NCASE + 2];
    for (int k = 0; k < NCASE; k++)
        tests[k] = (struct CMUnitTest){CASES[k].name, test_bad_file, NULL, NULL, (void *)&CASES[k]};
    tests[NCASE] = (struct CMUnitTest)cmocka_unit_test(test_good_files);
    tests[NCASE + 1] = (struct CMUnitTest)cmocka_unit_test(test_exit_code);
    return cmocka_run_group_tests(tests, setup, teardown);
}
