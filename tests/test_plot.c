/* Figures through gnuplot: every figure renders from a small run as a valid, non-blank PNG,
 * SVG or PDF of the requested size; text from files cannot run commands; a figure whose data
 * a file lacks is skipped with a one-line reason; a missing gnuplot is a clear error; the
 * work-precision figure draws a benchmark's CSV and refuses a malformed one. */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "testkit.h"

static char dir[128];


static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, f);
    b[*n] = 0;
    fclose(f);
    return b;
}

static unsigned be32(const unsigned char *p) { return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3]; }

/* Decodes an 8-bit RGB(A) PNG (what pngcairo writes) and counts distinct colours, up to 64. */
static int png_check(const char *path, unsigned w_expect, unsigned h_expect)
{
    size_t n;
    unsigned char *b = slurp(path, &n);
    assert_non_null(b);
    static const unsigned char sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    assert_memory_equal(b, sig, 8);
    unsigned w = be32(b + 16), h = be32(b + 20), depth = b[24], ctype = b[25];
    assert_int_equal(w, w_expect);
    assert_int_equal(h, h_expect);
    assert_int_equal(depth, 8);
    unsigned bpp = ctype == 6 ? 4 : ctype == 2 ? 3 : 0;
    assert_true(bpp > 0);
    unsigned char *z = malloc(n);
    size_t zn = 0;
    for (size_t p = 8; p + 12 <= n;) {
        unsigned len = be32(b + p);
        if (!memcmp(b + p + 4, "IDAT", 4)) {
            memcpy(z + zn, b + p + 8, len);
            zn += len;
        }
        p += 12 + len;
    }
    size_t stride = (size_t)w * bpp, raw_n = (size_t)h * (stride + 1);
    unsigned char *raw = malloc(raw_n), *img = calloc((size_t)h, stride);
    uLongf got = raw_n;
    assert_int_equal(uncompress(raw, &got, z, zn), Z_OK);
    assert_int_equal(got, raw_n);
    for (unsigned y = 0; y < h; y++) { /* undo the PNG filters */
        unsigned char ft = raw[y * (stride + 1)], *in = raw + y * (stride + 1) + 1, *out = img + y * stride;
        const unsigned char *up = y ? img + (y - 1) * stride : NULL;
        for (size_t x = 0; x < stride; x++) {
            int a = x >= bpp ? out[x - bpp] : 0, u = up ? up[x] : 0, c = x >= bpp && up ? up[x - bpp] : 0, v = in[x];
            int p = a + u - c, pa = abs(p - a), pb = abs(p - u), pc = abs(p - c);
            int pred = ft == 1 ? a : ft == 2 ? u : ft == 3 ? (a + u) / 2 : ft == 4 ? (pa <= pb && pa <= pc ? a : pb <= pc ? u : c) : 0;
            out[x] = (unsigned char)(v + pred);
        }
    }
    unsigned colours[64];
    int nc = 0;
    for (size_t k = 0; k < (size_t)w * h && nc < 64; k++) {
        unsigned char *px = img + k * bpp;
        unsigned col = (unsigned)px[0] << 16 | (unsigned)px[1] << 8 | px[2];
        int seen = 0;
        for (int j = 0; j < nc && !seen; j++)
            seen = colours[j] == col;
        if (!seen)
            colours[nc++] = col;
    }
    free(b), free(z), free(raw), free(img);
    return nc;
}

static int count(const char *hay, const char *needle)
{
    int c = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        c++;
    return c;
}

static void test_every_figure_renders(void **state)
{
    (void)state;
    char h5[256], sweep[256], figs[256];
    snprintf(h5, sizeof h5, "%s/arms.h5", dir);
    snprintf(sweep, sizeof sweep, "%s/sweep.h5", dir);
    snprintf(figs, sizeof figs, "%s/figs", dir);
    /* one day: the sessions move from 51 h (the third day) to 3 h, inside the run */
    static const char *const small[] = {"timeline.repeat=1", "summary.from=0s", "arms.massage.interventions.0.at=3h",
                                        "arms.claim.interventions.0.at=3h"};
    tk_run_study(DS_SOURCE_DIR "/scenarios/massage_herniation.yaml", 4, small, h5);
    tk_run_study(DS_SOURCE_DIR "/scenarios/tone_sweep.yaml", 2, small, sweep); /* no arms: the first two */
    static const char *const fmts[] = {"png", "svg", "pdf"};
    for (int k = 0; k < 3; k++) {
        ds_plot_opts o = {.out_dir = figs, .format = fmts[k], .width = 600, .height = 400};
        int nw, nw2;
        ds_error err = {0};
        ds_status st = ds_plot_file(h5, &o, &nw, &err);
        if (st)
            fprintf(stderr, "%s\n", err.msg);
        assert_int_equal(st, DS_OK);
        assert_int_equal(ds_plot_file(sweep, &o, &nw2, &err), DS_OK);
        printf("%s: %d figure files from the arms run, %d from the sweep\n", fmts[k], nw, nw2);
        assert_int_equal(nw, 6);  /* day, root, effect, muscles, schematic + its GIF */
        assert_int_equal(nw2, 1); /* dose */
        static const char *const names[] = {"day", "root", "effect", "muscles", "schematic", "dose"};
        for (int j = 0; j < 6; j++) {
            char p[400];
            snprintf(p, sizeof p, "%s/%s.%s", figs, names[j], fmts[k]);
            size_t n = 0;
            unsigned char *b = slurp(p, &n);
            assert_non_null(b);
            if (!strcmp(fmts[k], "png")) {
                int nc = png_check(p, 600, 400);
                printf("  %-10s %zu bytes, %d+ colours\n", names[j], n, nc);
                assert_true(nc >= 8);
            } else if (!strcmp(fmts[k], "svg")) {
                assert_non_null(strstr((char *)b, "<svg"));
                assert_non_null(strstr((char *)b, "viewBox=\"0 0 600 400\""));
                int np = count((char *)b, "<path");
                printf("  %-10s %zu bytes, %d paths\n", names[j], n, np);
                assert_true(np >= 10);
            } else {
                assert_memory_equal(b, "%PDF", 4);
                assert_true(memmem(b, n, "MediaBox [ 0 0 288 192 ]", 24) != NULL);
                printf("  %-10s %zu bytes\n", names[j], n);
                assert_true(n > 3000);
            }
            free(b);
        }
    }
    char gif[400];
    snprintf(gif, sizeof gif, "%s/schematic.gif", figs);
    size_t n = 0;
    unsigned char *g = slurp(gif, &n);
    assert_non_null(g);
    assert_memory_equal(g, "GIF89a", 6);
    assert_true(memmem(g, n, "NETSCAPE2.0", 11) != NULL); /* an animation */
    int frames = 0;
    for (size_t k = 0; k + 1 < n; k++) /* graphic control extensions: one per frame */
        frames += g[k] == 0x21 && g[k + 1] == 0xF9;
    printf("schematic.gif: %zu bytes, about %d frames\n", n, frames);
    assert_true(frames >= 24);
    free(g);
    /* validation */
    ds_validation_row *rows;
    int nr, nf, nw;
    ds_error err;
    assert_int_equal(ds_validate(DS_SOURCE_DIR "/scenarios/validation/checks.yaml", NULL, &rows, &nr, &nf, &err), DS_OK);
    ds_plot_opts o = {.out_dir = figs, .format = "png", .width = 600, .height = 400};
    assert_int_equal(ds_plot_validation(rows, nr, &o, &nw, &err), DS_OK);
    char vp[400];
    snprintf(vp, sizeof vp, "%s/validation.png", figs);
    assert_true(png_check(vp, 600, 400) >= 8);
    free(rows);
}

/* A scenario and arms named to break out of gnuplot strings: nothing runs, the figures are
 * still drawn, with the names as written. */
/* A cohort kept as summaries only (--record summary): no series in the file, and the figures
 * that need none are drawn, the cohort's among them. */
static void test_cohort_figure(void **state)
{
    (void)state;
    char h5[256], figs[256];
    snprintf(h5, sizeof h5, "%s/cohort.h5", dir);
    snprintf(figs, sizeof figs, "%s/cohort_figs", dir);
    static const char *const small[] = {"timeline.repeat=1", "summary.from=0s", "arms.massage.interventions.0.at=3h",
                                        "arms.claim.interventions.0.at=3h", "cohort.n=12"};
    ds_study st;
    ds_error err = {0};
    assert_int_equal(ds_study_load(DS_SOURCE_DIR "/scenarios/massage_cohort.yaml", 5, small, &st, &err), DS_OK);
    ds_study_opts so = {.summary_only = 1};
    assert_int_equal(ds_study_run(&st, h5, &so, &err), DS_OK);
    ds_study_free(&st);
    assert_true(ds_h5_exists(h5, "/arms/control/summary/mean_contact_pressure"));
    assert_false(ds_h5_exists(h5, "/arms/control/levels"));
    assert_false(ds_h5_exists(h5, "/arms/control/root"));
    ds_plot_opts o = {.out_dir = figs, .format = "png", .width = 600, .height = 400};
    int nw = 0;
    ds_status s = ds_plot_file(h5, &o, &nw, &err);
    if (s)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(s, DS_OK);
    assert_int_equal(nw, 2); /* effect (its bars) and cohort */
    char p[400];
    snprintf(p, sizeof p, "%s/cohort.png", figs);
    assert_true(png_check(p, 600, 400) >= 8);
    /* with series: the paired effect's bands over the day */
    snprintf(h5, sizeof h5, "%s/cohort_series.h5", dir);
    tk_run_study(DS_SOURCE_DIR "/scenarios/massage_cohort.yaml", 5, small, h5);
    ds_plot_opts od = {.out_dir = figs, .format = "png", .width = 600, .height = 400, .nfigure = 1,
                       .figure = {"cohort_day"}};
    assert_int_equal(ds_plot_file(h5, &od, &nw, &err), DS_OK);
    assert_int_equal(nw, 1);
    snprintf(p, sizeof p, "%s/cohort_day.png", figs);
    assert_true(png_check(p, 600, 400) >= 8);
}

static void test_injection(void **state)
{
    (void)state;
    char scen[256], h5[256], figs[256], marker[256];
    snprintf(scen, sizeof scen, "%s/inject.yaml", dir);
    snprintf(h5, sizeof h5, "%s/inject.h5", dir);
    snprintf(figs, sizeof figs, "%s/inject_figs", dir);
    snprintf(marker, sizeof marker, "%s/MARKER", dir);
    FILE *f = fopen(scen, "w");
    /* the name tries a quote break-out, system(), backquotes, a macro and a newline */
    fprintf(f,
            "name: \"x' ; system('touch %s') ; `touch %s` ; @x \\n set output '%s/evil.png' ; print \\\"\"\n"
            "model: %s/models/lumbar_adult.yaml\nlevels: [L4L5]\n"
            "herniation: {level: L4L5, size: 4mm}\n"
            "timeline: {phases: [{posture: standing, duration: 2h}, {posture: lying, duration: 2h}]}\n"
            "record: {interval: 10min}\n"
            /* a cohort, so that its figures (cohort, cohort_day) draw the names too */
            "cohort: {n: 3, seed: 1, vary: {herniation.size: {distribution: uniform, min: 3mm, max: 5mm}}}\n"
            /* an arm name may not hold '/' (it names an HDF5 group): these touch a file in the
             * working folder, which is `dir` while the figures are drawn */
            "arms:\n  \"a'`touch MARKER`\": {}\n  \"b'); system('touch MARKER\": {}\n",
            marker, marker, dir, DS_SOURCE_DIR);
    fclose(f);
    tk_run_study(scen, 0, NULL, h5);
    ds_plot_opts o = {.out_dir = figs, .format = "svg", .width = 600, .height = 400};
    int nw;
    ds_error err = {0};
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    ds_status st = ds_plot_file(h5, &o, &nw, &err);
    assert_int_equal(chdir(cwd), 0);
    if (st)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, DS_OK);
    assert_true(nw >= 4);
    char cday[300];
    snprintf(cday, sizeof cday, "%s/cohort_day.svg", figs);
    assert_int_equal(access(cday, F_OK), 0); /* the cohort's figures were drawn, names and all */
    assert_int_equal(access(marker, F_OK), -1); /* no command ran */
    char evil[300];
    snprintf(evil, sizeof evil, "%s/evil.png", dir);
    assert_int_equal(access(evil, F_OK), -1); /* no output was redirected */
    char root[300];
    snprintf(root, sizeof root, "%s/root.svg", figs);
    size_t n;
    unsigned char *b = slurp(root, &n);
    assert_non_null(b);
    assert_non_null(strstr((char *)b, "system(")); /* drawn literally (SVG escapes the quotes) */
    printf("injection: %d figures drawn, no marker file, names drawn as text\n", nw);
    free(b);
}

/* The options for restyling: a window given as times from the start, one arm beside the
 * reference, a title (text: never a command), larger type, and the script kept beside the
 * figure, which gnuplot runs again from that folder. Bad windows and arms are refused. */
static void test_options(void **state)
{
    (void)state;
    char h5[256], figs[256], marker[300];
    snprintf(h5, sizeof h5, "%s/arms.h5", dir); /* from test_every_figure_renders */
    snprintf(figs, sizeof figs, "%s/opt_figs", dir);
    snprintf(marker, sizeof marker, "%s/opt_figs/MARKER", dir);
    ds_plot_opts o = {.out_dir = figs, .format = "png", .width = 600, .height = 400, .window = "2h..5h",
                      .arm = "claim", .title = "x'; system('touch MARKER'); print '", .font_scale = 1.5,
                      .keep_script = 1, .nfigure = 2, .figure = {"root", "schematic"}};
    int nw;
    ds_error err = {0};
    ds_status st = ds_plot_file(h5, &o, &nw, &err);
    if (st)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, DS_OK);
    assert_int_equal(nw, 3); /* root, the schematic and its GIF */
    char gp[400], fig[400], cmd[900];
    snprintf(gp, sizeof gp, "%s/root.png.gp", figs);
    snprintf(fig, sizeof fig, "%s/root.png", figs);
    size_t n;
    char *text = (char *)slurp(gp, &n);
    assert_non_null(text);
    /* the massage_herniation scenario starts at 07:00: 2 h to 5 h is 09:00 to 12:00 */
    assert_non_null(strstr(text, "set xrange [32400.000:43200.000]"));
    assert_non_null(strstr(text, "DejaVu Sans,14")); /* 9 pt (the least) at 600 px, times 1.5 */
    assert_non_null(strstr(text, "root.png.data/root0.tsv"));
    assert_null(strstr(text, "/tmp/discsim-plot-"));
    assert_null(strstr(text, "root1.tsv")); /* the arm 'massage' is not drawn */
    free(text);
    assert_int_equal(unlink(fig), 0);
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot root.png.gp 2>/dev/null", figs);
    assert_int_equal(system(cmd), 0);
    assert_true(png_check(fig, 600, 400) >= 8);
    assert_int_equal(access(marker, F_OK), -1); /* the title ran nothing */
    /* the same window as clock times */
    ds_plot_opts clock = o;
    clock.window = "day 1 09:00..day 1 12:00";
    clock.nfigure = 1;
    assert_int_equal(ds_plot_file(h5, &clock, &nw, &err), DS_OK);
    text = (char *)slurp(gp, &n);
    assert_non_null(strstr(text, "set xrange [32400.000:43200.000]"));
    free(text);
    ds_plot_opts bad = o;
    bad.window = "5h..2h";
    assert_int_equal(ds_plot_file(h5, &bad, &nw, &err), DS_ERR_USAGE);
    printf("bad window: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "--window '5h..2h'"));
    bad.window = "2h..100h";
    assert_int_equal(ds_plot_file(h5, &bad, &nw, &err), DS_ERR_USAGE);
    assert_non_null(strstr(err.msg, "inside the run"));
    bad.window = NULL;
    bad.arm = "claimm";
    assert_int_equal(ds_plot_file(h5, &bad, &nw, &err), DS_ERR_USAGE);
    printf("bad arm: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "did you mean claim"));
}

static void test_skip_and_missing_gnuplot(void **state)
{
    (void)state;
    char h5[256], figs[256], logp[256];
    snprintf(h5, sizeof h5, "%s/plain.h5", dir);
    snprintf(figs, sizeof figs, "%s/plain_figs", dir);
    snprintf(logp, sizeof logp, "%s/plot.log", dir);
    static const char *const set[] = {"timeline.repeat=1"};
    tk_run_study(DS_SOURCE_DIR "/scenarios/diurnal_l4l5.yaml", 1, set, h5);
    FILE *log = fopen(logp, "w");
    ds_plot_opts o = {.out_dir = figs, .format = "png", .width = 600, .height = 400, .nfigure = 3,
                      .figure = {"root", "dose", "day"}, .log = log};
    int nw;
    ds_error err = {0};
    assert_int_equal(ds_plot_file(h5, &o, &nw, &err), DS_OK);
    fclose(log);
    size_t n;
    char *text = (char *)slurp(logp, &n);
    printf("%s", text);
    assert_int_equal(nw, 1);
    assert_int_equal(count(text, "skipped"), 2);
    assert_non_null(strstr(text, "skipped root"));
    assert_non_null(strstr(text, "skipped dose"));
    free(text);
    o.log = NULL;
    o.gnuplot = "/nonexistent/gnuplot";
    o.nfigure = 1;
    o.figure[0] = "day";
    ds_status st = ds_plot_file(h5, &o, &nw, &err);
    printf("missing gnuplot: %s\n", err.msg);
    assert_int_equal(st, DS_ERR_EXTERNAL);
    assert_non_null(strstr(err.msg, "gnuplot"));
}

/* The work-precision figure from a bench_precision CSV: drawn with one curve per solver,
 * failed runs left out and counted; a file without a needed column, a row whose fields do
 * not match the header, or a time that is not a number is an error naming file and line. */
static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_work_precision(void **state)
{
    (void)state;
    static const char *const head = "commit,date,cpu,os,compiler,isa,scenario,variant,subjects,solver,rtol,error,steps,"
                                    "rejected,rhs_evals,jac_evals,factorizations,newton_iters,sim_s,failed\n";
    char csv[256], figs[256], logp[256], text[2048];
    snprintf(csv, sizeof csv, "%s/wp.csv", dir);
    snprintf(figs, sizeof figs, "%s/wp_figs", dir);
    snprintf(logp, sizeof logp, "%s/wp.log", dir);
    snprintf(text, sizeof text,
             "%sc,d,cpu,os,gcc,isa,s.yaml,inertial,8,esdirk3,1e-05,4.6e-06,285,27,2073,26,310,1766,0.0084,0\n"
             "c,d,cpu,os,gcc,isa,s.yaml,inertial,8,esdirk3,1e-06,1.2e-06,656,52,4635,42,706,3932,0.0154,0\n"
             "c,d,cpu,os,gcc,isa,s.yaml,inertial,8,cvode_bdf2,1e-05,6.8e-05,1135,30,1445,28,,,0.0286,0\n"
             "c,d,cpu,os,gcc,isa,s.yaml,inertial,8,cvode_bdf2,1e-06,1.4e-05,2424,81,3006,54,,,0.0517,0\n"
             "c,d,cpu,os,gcc,isa,s.yaml,inertial,8,cvode_bdf5,1e-06,nan,17,0,20,1,,,0.0100,1\n",
             head);
    write_text(csv, text);
    FILE *log = fopen(logp, "w");
    ds_plot_opts o = {.out_dir = figs, .format = "png", .width = 600, .height = 400, .log = log};
    int nw = 0;
    ds_error err = {0};
    assert_int_equal(ds_plot_work_precision(csv, &o, &nw, &err), DS_OK);
    fclose(log);
    assert_int_equal(nw, 1);
    char path[300];
    snprintf(path, sizeof path, "%s/work_precision.png", figs);
    png_check(path, 600, 400);
    /* as SVG: a curve and a key entry for each solver that ran, none for the failed one */
    o.format = "svg";
    o.log = NULL;
    assert_int_equal(ds_plot_work_precision(csv, &o, &nw, &err), DS_OK);
    snprintf(path, sizeof path, "%s/work_precision.svg", figs);
    size_t n;
    char *svg = (char *)slurp(path, &n);
    assert_non_null(svg);
    assert_non_null(strstr(svg, ">esdirk3<"));
    assert_non_null(strstr(svg, ">cvode_bdf2<"));
    assert_null(strstr(svg, "cvode_bdf5"));
    printf("work_precision: %d curves drawn\n", count(svg, "<path"));
    assert_true(count(svg, "stroke='rgb(  0, 114, 178)'") + count(svg, "stroke='rgb(213,  94,   0)'") >= 2);
    free(svg);
    char *logt = (char *)slurp(logp, &n);
    assert_non_null(strstr(logt, "left out 1 failed run"));
    free(logt);
    o.log = NULL;
    struct {
        const char *body, *says;
    } bad[] = {
        {"solver,error,sim_s\nx,1e-5,0.1\n", "no column 'failed'"},
        {NULL, "line 3: 19 fields where the header has 20"},
        {NULL, "line 2: column 'sim_s' holds 'fast', not a number"},
    };
    snprintf(text, sizeof text, "%sc,d,cpu,os,gcc,isa,s,v,1,a,1e-5,1e-5,1,0,1,1,1,1,0.1,0\nc,d,cpu,os,gcc,isa,s,v,1,a,1e-5,1,0,1,1,1,1,0.1,0\n",
             head);
    char text3[1024];
    snprintf(text3, sizeof text3, "%sc,d,cpu,os,gcc,isa,s,v,1,a,1e-5,1e-5,1,0,1,1,1,1,fast,0\n", head);
    bad[1].body = text;
    bad[2].body = text3;
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        write_text(csv, bad[k].body);
        assert_int_equal(ds_plot_work_precision(csv, &o, &nw, &err), DS_ERR_INPUT);
        printf("bad CSV %zu: %s\n", k, err.msg);
        assert_non_null(strstr(err.msg, csv));
        assert_non_null(strstr(err.msg, bad[k].says));
    }
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ds_plot_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return tk_rm_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_figure_renders),
        cmocka_unit_test(test_cohort_figure),
        cmocka_unit_test(test_injection),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_skip_and_missing_gnuplot),
        cmocka_unit_test(test_work_precision),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
