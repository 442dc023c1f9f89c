/* The figure set (issue: figures for a lecture or a paper), each chosen from what an output
 * file holds: day overview, root contact, massage effect, dose-response, muscles, and a
 * sagittal teaching schematic (panels and an animated GIF). Validation has its own entry. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discsim/discsim.h"
#include "discsim/plot.h"
#include "gp.h"

const char *const ds_figure_names[] = {"day", "root", "effect", "dose", "muscles", "schematic", NULL};

enum { MAX_ARMS = 16 };

typedef struct {
    const char *file;
    const ds_plot_opts *o;
    char ref[96];               /* stream of the reference (or only) run: "" or "/arms/<name>" */
    int narm;
    char arm[MAX_ARMS][64];
    char pre[MAX_ARMS][96];
    double clock0, T, w0, w1;   /* clock at t = 0, run length, window shown */
    char level[8];              /* the level of interest: herniated, else L4L5, else the first */
    char *name;                 /* scenario name (text from the file) */
} fctx;

/* Row 0 (subject 0) of a [subject][time] or 1-D dataset; NULL if absent. */
static double *series(const fctx *c, const char *prefix, const char *rel, size_t *n)
{
    char path[512];
    *n = 0;
    snprintf(path, sizeof path, "%s%s", prefix, rel);
    if (!ds_h5_exists(c->file, path))
        return NULL;
    double *v;
    int rank;
    size_t dims[2];
    ds_error err;
    if (ds_h5_read_doubles(c->file, path, &rank, dims, &v, &err))
        return NULL;
    *n = rank == 2 ? dims[1] : dims[0];
    return v;
}

static int has(const fctx *c, const char *prefix, const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", prefix, rel);
    return ds_h5_exists(c->file, path);
}

static void skip(const fctx *c, const char *fig, const char *why)
{
    if (c->o->log)
        fprintf(c->o->log, "skipped %-10s %s\n", fig, why);
}

static void wrote(const fctx *c, const char *path)
{
    if (c->o->log)
        fprintf(c->o->log, "wrote   %s\n", path);
}

static const char *posture_colour(const char *name)
{
    if (!strncmp(name, "lying", 5))
        return "#cfe3f3";
    if (!strncmp(name, "sitting", 7))
        return "#f6e2cc";
    if (!strncmp(name, "standing", 8))
        return "#dcefdc";
    return "#e6e6e6";
}

static void time_axis(FILE *f)
{
    fprintf(f, "set xdata time\nset timefmt '%%s'\nset format x '%%H:%%M'\nset xlabel 'clock time (h:min)'\n");
}

/* Shades the phases (and labels them) and the massage sessions of stream prefix within the
 * window; writes a labels data file and returns its path in lab (empty if none). */
static void shade(const fctx *c, gp_session *g, const char *prefix, int label, int all_arms, char *lab, size_t n)
{
    FILE *f = g->script;
    fprintf(f, "set xrange [%.3f:%.3f]\n", c->clock0 + c->w0, c->clock0 + c->w1);
    lab[0] = '\0';
    double *span = NULL;
    size_t np = 0;
    char path[256];
    snprintf(path, sizeof path, "%s/meta/timeline/phase_span", prefix);
    int rank;
    size_t dims[2];
    ds_error err;
    char *names = NULL;
    if (ds_h5_exists(c->file, path) && !ds_h5_read_doubles(c->file, path, &rank, dims, &span, &err)) {
        np = dims[0];
        snprintf(path, sizeof path, "%s/meta/timeline/phase_posture", prefix);
        ds_h5_read_text(c->file, path, &names, &err);
    }
    FILE *lf = label && names ? gp_data(g, "phases.tsv", lab, n) : NULL;
    char *save = NULL, *tok = names ? strtok_r(names, "\n", &save) : NULL;
    for (size_t k = 0; k < np; k++, tok = tok ? strtok_r(NULL, "\n", &save) : NULL) {
        double a = span[2 * k], b = span[2 * k + 1];
        if (b <= c->w0 || a >= c->w1)
            continue;
        a = a < c->w0 ? c->w0 : a;
        b = b > c->w1 ? c->w1 : b;
        fprintf(f, "set object rect from %.3f, graph 0 to %.3f, graph 1 behind fc rgb '%s' fs solid 1.0 noborder\n",
                c->clock0 + a, c->clock0 + b, tok ? posture_colour(tok) : "#eeeeee");
        if (lf && tok && b - a > 0.06 * (c->w1 - c->w0)) {
            fprintf(lf, "%.3f\t", c->clock0 + 0.5 * (a + b));
            gp_field(lf, tok);
            fputc('\n', lf);
        }
    }
    if (lf)
        fclose(lf);
    free(span);
    free(names);
    /* massage sessions: hatched, of this stream or of every arm */
    for (int a = 0; a < (all_arms ? c->narm : 1); a++) {
        snprintf(path, sizeof path, "%s/meta/timeline/massage_span", all_arms ? c->pre[a] : prefix);
        double *ms;
        if (!ds_h5_exists(c->file, path) || ds_h5_read_doubles(c->file, path, &rank, dims, &ms, &err))
            continue;
        for (size_t k = 0; k < dims[0]; k++) {
            double s0 = ms[2 * k], s1 = ms[2 * k + 1];
            if (s1 <= c->w0 || s0 >= c->w1)
                continue;
            fprintf(f,
                    "set object rect from %.3f, graph 0 to %.3f, graph 1 front fc rgb '#CC79A7' fs transparent pattern 4 "
                    "border lc rgb '#CC79A7'\n",
                    c->clock0 + s0, c->clock0 + s1);
        }
        free(ms);
    }
}

/* Writes columns (clock time, v_1 .. v_k) for the window, decimated to at most ~2000 rows. */
static int write_columns(const fctx *c, gp_session *g, const char *name, const double *t, size_t n,
                         const double *const *v, int k, const char *const *header, char *path, size_t pn)
{
    FILE *f = gp_data(g, name, path, pn);
    if (!f)
        return -1;
    if (header) {
        fputs("clock", f);
        for (int j = 0; j < k; j++) {
            fputc('\t', f);
            gp_field(f, header[j]);
        }
        fputc('\n', f);
    }
    size_t inwin = 0;
    for (size_t i = 0; i < n; i++)
        inwin += t[i] >= c->w0 - 1e-6 && t[i] <= c->w1 + 1e-6;
    size_t every = inwin > 2000 ? inwin / 2000 : 1, seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] < c->w0 - 1e-6 || t[i] > c->w1 + 1e-6)
            continue;
        if (seen++ % every)
            continue;
        fprintf(f, "%.3f", c->clock0 + t[i]);
        for (int j = 0; j < k; j++)
            fprintf(f, "\t%.9g", v[j][i]);
        fputc('\n', f);
    }
    fclose(f);
    return 0;
}

static void title(const fctx *c, FILE *f, const char *what)
{
    /* the scenario name is text from the file: a literal, never a command */
    fprintf(f, "set title ");
    char buf[512];
    snprintf(buf, sizeof buf, "%s: %s", c->name ? c->name : "discsim", what);
    gp_str(f, buf);
    fprintf(f, "\n");
}

/* ---- day overview ------------------------------------------------------------------- */
static int fig_day(const fctx *c, gp_session *g, ds_error *err)
{
    size_t n;
    double *t = series(c, c->ref, "/time", &n);
    const double *P[DS_MAX_LEVELS], *H[DS_MAX_LEVELS];
    const char *lv[DS_MAX_LEVELS];
    int nl = 0;
    for (int i = 0; t && i < DS_MAX_LEVELS; i++) {
        char rel[64];
        size_t m;
        snprintf(rel, sizeof rel, "/levels/%s/pressure", ds_level_names[i]);
        double *p = series(c, c->ref, rel, &m);
        snprintf(rel, sizeof rel, "/levels/%s/height", ds_level_names[i]);
        double *h = p ? series(c, c->ref, rel, &m) : NULL;
        if (p && h) {
            P[nl] = p;
            H[nl] = h;
            lv[nl++] = ds_level_names[i];
        } else {
            free(p);
            free(h);
        }
    }
    if (!t || !nl) {
        free(t);
        skip(c, "day", "the file records no disc pressure and height");
        return 0;
    }
    char dp[160], dh[160], lab[160], out[512];
    write_columns(c, g, "pressure.tsv", t, n, P, nl, lv, dp, sizeof dp);
    write_columns(c, g, "height.tsv", t, n, H, nl, lv, dh, sizeof dh);
    gp_begin_figure(g, "day", c->o->width, c->o->height, out, sizeof out);
    FILE *f = g->script;
    fprintf(f, "set multiplot layout 2,1\n");
    time_axis(f);
    shade(c, g, c->ref, 1, 0, lab, sizeof lab);
    {
        char tt[200];
        snprintf(tt, sizeof tt, "nucleus pressure and disc height over the day%s%s", c->narm > 1 ? ", arm " : "",
                 c->narm > 1 ? c->arm[0] : "");
        title(c, f, tt);
    }
    fprintf(f, "set ylabel 'nucleus pressure (MPa)'\nset y2range [0:1]\nunset y2tics\n"
               "unset xlabel\n");
    fprintf(f, "plot for [k=2:%d] ", nl + 1);
    gp_str(f, dp);
    fprintf(f, " using 1:k with lines lw 2 title columnheader(k)");
    if (lab[0]) {
        fprintf(f, ", ");
        gp_str(f, lab);
        fprintf(f, " using 1:(0.93):(stringcolumn(2)) axes x1y2 with labels font ',11' tc rgb '#444444'");
    }
    fprintf(f, "\nunset title\nset xlabel 'clock time (h:min)'\nset ylabel 'disc height (mm)'\n");
    fprintf(f, "plot for [k=2:%d] ", nl + 1);
    gp_str(f, dh);
    fprintf(f, " using 1:k with lines lw 2 title columnheader(k)\nunset multiplot\n");
    free(t);
    for (int i = 0; i < nl; i++) {
        free((void *)P[i]);
        free((void *)H[i]);
    }
    ds_status st = gp_run(g, err);
    if (st)
        return -1;
    wrote(c, out);
    return 1;
}

/* ---- root contact --------------------------------------------------------------------- */
static int fig_root(const fctx *c, gp_session *g, ds_error *err)
{
    if (!has(c, c->ref, "/root/contact_pressure_mmHg")) {
        skip(c, "root", "no herniation in this file (no /root datasets)");
        return 0;
    }
    char files[MAX_ARMS][160], out[512], lab[160];
    int na = 0;
    for (int a = 0; a < c->narm; a++) {
        size_t n, m;
        double *t = series(c, c->pre[a], "/time", &n);
        double *p = series(c, c->pre[a], "/root/contact_pressure_mmHg", &m);
        if (t && p) {
            const double *cols[1] = {p};
            const char *hdr[1] = {c->narm > 1 ? c->arm[a] : "contact pressure"};
            char name[32];
            snprintf(name, sizeof name, "root%d.tsv", a);
            write_columns(c, g, name, t, n, cols, 1, hdr, files[na++], sizeof files[0]);
        }
        free(t);
        free(p);
    }
    /* threshold bands */
    size_t nt = 0;
    double *thr = series(c, c->ref, "/meta/thresholds", &nt);
    char *names = NULL;
    char path[256], tl[160] = "";
    ds_error e2;
    snprintf(path, sizeof path, "%s/meta/threshold_names", c->ref);
    if (thr)
        ds_h5_read_text(c->file, path, &names, &e2);
    gp_begin_figure(g, "root", c->o->width, c->o->height, out, sizeof out);
    FILE *f = g->script;
    time_axis(f);
    shade(c, g, c->ref, 0, 1, lab, sizeof lab);
    title(c, f, "nerve-root contact pressure");
    fprintf(f, "set ylabel 'root contact pressure (mmHg)'\nset yrange [0:*]\n");
    if (thr) {
        FILE *lf = gp_data(g, "thresholds.tsv", tl, sizeof tl);
        char *save = NULL, *tok = names ? strtok_r(names, "\n", &save) : NULL;
        for (size_t k = 0; k < nt; k++, tok = tok ? strtok_r(NULL, "\n", &save) : NULL) {
            fprintf(f, "set arrow from graph 0, first %g to graph 1, first %g nohead dt 2 lw 1.2 lc rgb '#777777'\n",
                    thr[k], thr[k]);
            if (lf) {
                fprintf(lf, "%g\t%g mmHg: ", thr[k], thr[k]);
                gp_field(lf, tok ? tok : "");
                fputc('\n', lf);
            }
        }
        if (lf)
            fclose(lf);
    }
    fprintf(f, "plot ");
    for (int a = 0; a < na; a++) {
        if (a)
            fprintf(f, ", ");
        gp_str(f, files[a]);
        fprintf(f, " using 1:2 with lines lw 2 lt %d title columnheader(2)", a + 1);
    }
    if (thr && tl[0]) {
        fprintf(f, ", ");
        gp_str(f, tl);
        fprintf(f, " using (%.3f):1:(stringcolumn(2)) with labels left offset 0.5,0.6 font ',11' "
                   "tc rgb '#555555'",
                c->clock0 + c->w0);
    }
    fprintf(f, "\n");
    free(thr);
    free(names);
    if (gp_run(g, err))
        return -1;
    wrote(c, out);
    return 1;
}

/* ---- effect of the arms ----------------------------------------------------------------- */
static int fig_effect(const fctx *c, gp_session *g, ds_error *err)
{
    if (c->narm < 2 || !has(c, "", "/summary/effect")) {
        skip(c, "effect", "needs two or more arms (the file has no /summary/effect)");
        return 0;
    }
    char out[512], dc[MAX_ARMS][160], bars[160];
    int nd = 0;
    size_t n0 = 0, m0 = 0;
    double *t0 = series(c, c->pre[0], "/time", &n0);
    int root = has(c, c->pre[0], "/root/contact_pressure_mmHg");
    const char *var = root ? "/root/contact_pressure_mmHg" : "/levels/L4L5/pressure";
    char rel[64];
    if (!root) {
        snprintf(rel, sizeof rel, "/levels/%s/pressure", c->level);
        var = rel;
    }
    double *v0 = series(c, c->pre[0], var, &m0);
    for (int a = 1; t0 && v0 && a < c->narm; a++) {
        size_t m;
        double *v = series(c, c->pre[a], var, &m);
        if (v && m == m0) {
            for (size_t i = 0; i < m; i++)
                v[i] -= v0[i];
            const double *cols[1] = {v};
            char hdr[160];
            snprintf(hdr, sizeof hdr, "%s - %s", c->arm[a], c->arm[0]);
            const char *h[1] = {hdr};
            char name[32];
            snprintf(name, sizeof name, "effect%d.tsv", a);
            write_columns(c, g, name, t0, n0, cols, 1, h, dc[nd++], sizeof dc[0]);
        }
        free(v);
    }
    free(t0);
    free(v0);
    /* per-metric relative effects */
    static const char *const metrics[] = {"mean_contact_pressure", "peak_contact_pressure", "minutes_above_flow_loss",
                                          "minutes_above_venular_stasis", "minutes_above_oedema", "mean_nucleus_pressure",
                                          "peak_nucleus_pressure", "height_lost"};
    FILE *bf = gp_data(g, "bars.tsv", bars, sizeof bars);
    int nb = 0;
    if (bf) {
        fputs("metric", bf);
        for (int a = 1; a < c->narm; a++) {
            fputc('\t', bf);
            gp_field(bf, c->arm[a]);
        }
        fputc('\n', bf);
        for (size_t k = 0; k < sizeof metrics / sizeof metrics[0]; k++) {
            char p0[200];
            snprintf(p0, sizeof p0, "/summary/%s", metrics[k]);
            size_t m;
            double *ref = series(c, c->pre[0], p0, &m);
            if (!ref)
                continue;
            fprintf(bf, "%s", metrics[k]);
            for (int a = 1; a < c->narm; a++) {
                char pe[300];
                snprintf(pe, sizeof pe, "/summary/effect/%s/%s", c->arm[a], metrics[k]);
                double *e = series(c, "", pe, &m);
                fprintf(bf, "\t%.6g", e && ref[0] != 0.0 ? 100.0 * e[0] / fabs(ref[0]) : 0.0);
                free(e);
            }
            fputc('\n', bf);
            free(ref);
            nb++;
        }
        fclose(bf);
    }
    gp_begin_figure(g, "effect", c->o->width, c->o->height, out, sizeof out);
    FILE *f = g->script;
    char lab[160];
    fprintf(f, "set multiplot\nset tmargin at screen 0.90\nset bmargin at screen 0.60\n");
    time_axis(f);
    shade(c, g, c->ref, 0, 1, lab, sizeof lab);
    title(c, f, "effect of each arm against the reference");
    fprintf(f, "set ylabel '%s'\n",
            root ? "contact pressure change (mmHg)" : "nucleus pressure change (MPa)");
    fprintf(f, "set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#333333' lw 1\n");
    fprintf(f, "plot ");
    for (int a = 0; a < nd; a++) {
        if (a)
            fprintf(f, ", ");
        gp_str(f, dc[a]);
        fprintf(f, " using 1:2 with lines lw 2 lt %d title columnheader(2)", a + 2);
    }
    fprintf(f, "\nunset title\nunset arrow\nunset object\nset xdata\nset autoscale x\nset format x '%%g'\nset xlabel ''\n"
               "set tmargin at screen 0.46\nset bmargin at screen 0.22\n");
    fprintf(f, "set ylabel 'change over the day (%%)'\nset style data histograms\nset style histogram clustered gap 1\n"
               "set style fill solid 0.85 noborder\nset boxwidth 0.9\nset xtics rotate by -25 font ',11'\n"
               "set yrange [*:*]\nset grid ytics\n");
    if (nb > 0) {
        fprintf(f, "plot for [k=2:%d] ", c->narm);
        gp_str(f, bars);
        fprintf(f, " using k:xtic(1) lt k title columnheader(k)\n");
    } else
        fprintf(f, "plot 0 notitle\n");
    fprintf(f, "unset multiplot\n");
    if (gp_run(g, err))
        return -1;
    wrote(c, out);
    return 1;
}

/* ---- dose-response ------------------------------------------------------------------------ */
static int fig_dose(const fctx *c, gp_session *g, ds_error *err)
{
    if (!has(c, "", "/sweep/values_1")) {
        skip(c, "dose", "not a sweep (no /sweep)");
        return 0;
    }
    size_t n1 = 0, n2 = 1;
    double *v1 = series(c, "", "/sweep/values_1", &n1);
    double *v2 = series(c, "", "/sweep/values_2", &n2);
    if (!v2)
        n2 = 1;
    char *p1 = NULL, *p2 = NULL, *u2 = NULL, *u1 = NULL;
    ds_error e;
    ds_h5_read_attr_string(c->file, "/sweep/values_1", "parameter", &p1, &e);
    ds_h5_read_attr_string(c->file, "/sweep/values_1", "units", &u1, &e);
    if (v2) {
        ds_h5_read_attr_string(c->file, "/sweep/values_2", "parameter", &p2, &e);
        ds_h5_read_attr_string(c->file, "/sweep/values_2", "units", &u2, &e);
    }
    double *peak = NULL, *mean = NULL, *mins = NULL;
    size_t mp = 0, mm = 0, mn = 0;
    ds_h5_read_flat(c->file, "/sweep/summary/peak_contact_pressure", &mp, &peak, &e);
    ds_h5_read_flat(c->file, "/sweep/summary/mean_contact_pressure", &mm, &mean, &e);
    if (ds_h5_exists(c->file, "/sweep/summary/minutes_above_venular_stasis"))
        ds_h5_read_flat(c->file, "/sweep/summary/minutes_above_venular_stasis", &mn, &mins, &e);
    /* [values_1][values_2][subject]: plot subject 0 */
    size_t nsubj = n1 * n2 > 0 ? mp / (n1 * n2) : 0;
    if (!v1 || !peak || !mean || nsubj == 0 || mp != n1 * n2 * nsubj || mm != mp || (mins && mn != mp)) {
        skip(c, "dose", "the sweep has no consistent root contact metrics");
        free(v1), free(v2), free(peak), free(mean), free(mins), free(p1), free(p2), free(u1), free(u2);
        return 0;
    }
    char dat[160], out[512];
    FILE *df = gp_data(g, "dose.tsv", dat, sizeof dat);
    for (size_t j = 0; df && j < n2; j++) {
        for (size_t i = 0; i < n1; i++) {
            size_t q = (i * n2 + j) * nsubj;
            fprintf(df, "%.9g\t%.9g\t%.9g\t%.9g\n", v1[i], peak[q], mean[q], mins ? mins[q] : NAN);
        }
        fprintf(df, "\n\n");
    }
    if (df)
        fclose(df);
    gp_begin_figure(g, "dose", c->o->width, c->o->height, out, sizeof out);
    FILE *f = g->script;
    {
        char tt[300];
        snprintf(tt, sizeof tt, "%s: dose-response", c->name ? c->name : "discsim");
        fprintf(f, "set multiplot layout 1,%d spacing 0.12 title ", mins ? 3 : 2);
        gp_str(f, tt);
        fprintf(f, " font ',16'\n");
    }
    char xl[400];
    const char *short1 = p1 ? p1 : "swept value";
    for (const char *q = short1, *dot = NULL; *q; q++) /* the last two parts of a dotted key */
        if (*q == '.') {
            if (dot)
                short1 = dot + 1;
            dot = q;
        }
    snprintf(xl, sizeof xl, "%s (%s)", short1, u1 ? u1 : "-");
    fprintf(f, "set xlabel ");
    gp_str(f, xl);
    fprintf(f, "\nset lmargin\nset rmargin\nset bmargin at screen 0.24\nset tmargin at screen 0.90\n"
               "set key at screen 0.5, screen 0.05 center horizontal samplen 1\nset xtics (");
    for (size_t i = 0; i < n1; i++)
        fprintf(f, "%s%.9g", i ? ", " : "", v1[i]);
    fprintf(f, ") rotate by -45\n");
    const char *ylab[3] = {"peak contact pressure (mmHg)", "mean contact pressure (mmHg)",
                           "minutes above 30 mmHg (venular stasis) (min)"};
    for (int panel = 0; panel < (mins ? 3 : 2); panel++) {
        fprintf(f, "unset title\n");
        fprintf(f, "set ylabel '%s'\n", ylab[panel]);
        fprintf(f, "plot ");
        for (size_t j = 0; j < n2; j++) {
            if (j)
                fprintf(f, ", ");
            gp_str(f, dat);
            char tt[300];
            if (v2)
                snprintf(tt, sizeof tt, "%s = %g %s", p2 ? p2 : "value 2", v2[j], u2 ? u2 : "");
            else
                snprintf(tt, sizeof tt, "%s", "");
            fprintf(f, " index %zu using 1:%d with linespoints lw 2 pt 7 lt %zu title ", j, panel + 2, j + 1);
            gp_str(f, panel == 0 ? tt : "");
        }
        fprintf(f, "\n");
    }
    fprintf(f, "unset multiplot\n");
    free(v1), free(v2), free(peak), free(mean), free(mins), free(p1), free(p2), free(u1), free(u2);
    if (gp_run(g, err))
        return -1;
    wrote(c, out);
    return 1;
}

/* ---- muscles ---------------------------------------------------------------------------- */
static int fig_muscles(const fctx *c, gp_session *g, ds_error *err)
{
    static const char *const groups[] = {"erector_spinae", "multifidus", "quadratus_lumborum",
                                         "psoas",          "rectus_abdominis", "obliques"};
    size_t n;
    double *t = series(c, c->ref, "/time", &n);
    double *F[6];
    const char *names[8];
    int ng = 0;
    for (int k = 0; t && k < 6; k++) {
        char rel[128];
        size_t m;
        snprintf(rel, sizeof rel, "/muscles/%s/%s/force", groups[k], c->level);
        double *v = series(c, c->ref, rel, &m);
        if (v) {
            F[ng] = v;
            names[ng++] = groups[k];
        }
    }
    char rel1[64], rel2[64];
    snprintf(rel1, sizeof rel1, "/levels/%s/muscle_compression", c->level);
    snprintf(rel2, sizeof rel2, "/levels/%s/axial_load", c->level);
    size_t m;
    double *mc = t ? series(c, c->ref, rel1, &m) : NULL, *ld = t ? series(c, c->ref, rel2, &m) : NULL;
    if (!t || !ng || !mc || !ld) {
        skip(c, "muscles", "the file records no muscle forces and loads");
        free(t), free(mc), free(ld);
        for (int k = 0; k < ng; k++)
            free(F[k]);
        return 0;
    }
    /* stacked: cumulative sums; share of compression in % */
    double *cum[7];
    for (int k = 0; k < ng; k++) {
        cum[k] = malloc(n * sizeof(double));
        for (size_t i = 0; i < n; i++)
            cum[k][i] = F[k][i] + (k ? cum[k - 1][i] : 0.0);
    }
    cum[ng] = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        cum[ng][i] = ld[i] > 0 ? 100.0 * mc[i] / ld[i] : 0.0;
    names[ng] = "muscle share of the disc load";
    char dat[160], out[512], lab[160];
    write_columns(c, g, "muscles.tsv", t, n, (const double *const *)cum, ng + 1, names, dat, sizeof dat);
    gp_begin_figure(g, "muscles", c->o->width, c->o->height, out, sizeof out);
    FILE *f = g->script;
    fprintf(f, "set multiplot layout 2,1\n");
    time_axis(f);
    shade(c, g, c->ref, 0, 0, lab, sizeof lab);
    char tt[128];
    snprintf(tt, sizeof tt, "muscle forces at %s (stacked, both sides)", c->level);
    title(c, f, tt);
    fprintf(f, "set ylabel 'force (N)'\nunset xlabel\nset style fill solid 0.8 noborder\n");
    fprintf(f, "plot ");
    for (int k = ng - 1; k >= 0; k--) {
        if (k != ng - 1)
            fprintf(f, ", ");
        gp_str(f, dat);
        if (k > 0)
            fprintf(f, " using 1:%d:%d with filledcurves lt %d title columnheader(%d)", k + 1, k + 2, k + 1,
                    k + 2);
        else
            fprintf(f, " using 1:(0):2 with filledcurves lt 1 title columnheader(2)");
    }
    fprintf(f, "\nunset title\nset xlabel 'clock time (h:min)'\nset ylabel 'muscle share of disc load (%%)'\n"
               "set yrange [0:100]\nplot ");
    gp_str(f, dat);
    fprintf(f, " using 1:%d with lines lw 2 lt 8 title columnheader(%d)\nunset multiplot\n", ng + 2, ng + 2);
    free(t), free(mc), free(ld);
    for (int k = 0; k < ng; k++)
        free(F[k]);
    for (int k = 0; k <= ng; k++)
        free(cum[k]);
    if (gp_run(g, err))
        return -1;
    wrote(c, out);
    return 1;
}

/* ---- teaching schematic ------------------------------------------------------------------ */
/* One sagittal panel: vertebra above and below, the disc, the protrusion pushing back, the
 * root behind it. x posterior to the left (mm), y up (mm). */
static void draw_segment(FILE *f, double h, double P, double delta, double gap, double pc, double clock, int panel)
{
    const double depth = 40.0, vb = 22.0, root_d = 5.0;
    int hh = (int)fmod(clock / 3600.0, 24.0), mm = (int)fmod(clock / 60.0, 60.0);
    fprintf(f, "unset object\nunset label\n");
    fprintf(f, "set object 1 rect from %g,%g to %g,%g fc rgb '#e8e1cf' fs solid border lc rgb '#8c7b55' lw 1.5\n", 0.0,
            h, depth, h + vb);
    fprintf(f, "set object 2 rect from %g,%g to %g,%g fc rgb '#e8e1cf' fs solid border lc rgb '#8c7b55' lw 1.5\n", 0.0,
            -vb, depth, 0.0);
    fprintf(f, "set object 3 rect from %g,%g to %g,%g fc rgb '#9ecae1' fs solid border lc rgb '#3182bd' lw 1\n", 0.0, 0.0,
            depth, h);
    fprintf(f, "set object 4 ellipse center %g,%g size %g,%g fc rgb '#3182bd' fs solid 0.6 noborder\n", depth * 0.55,
            h / 2, depth * 0.45, h * 0.7);
    /* protrusion: a bulge from the posterior wall (x = 0) reaching -delta */
    fprintf(f, "set object 5 ellipse center %g,%g size %g,%g fc rgb '#3182bd' fs solid 0.8 border lc rgb '#08519c'\n",
            0.0, h / 2, 2.0 * delta, h * 0.8);
    /* root: a circle whose near edge sits at -gap from the wall, red when pressed */
    double cx = -gap - root_d / 2;
    fprintf(f, "set object 6 circle center %g,%g size %g fc rgb '%s' fs solid 0.9 border lc rgb '#7f2704'\n", cx, h / 2,
            root_d / 2, pc > 0 ? "#D55E00" : "#fdd0a2");
    fprintf(f, "set label 1 '%02d:%02d' at graph 0.02, graph 0.95 font ',14'\n", hh, mm);
    fprintf(f, "set label 2 'P = %.2f MPa, h = %.2f mm' at graph 0.02, graph 0.07 font ',11'\n", P, h);
    fprintf(f, "set label 3 'root %.0f mmHg' at graph 0.02, graph 0.15 font ',11' tc rgb '%s'\n", pc,
            pc > 0 ? "#D55E00" : "#555555");
    if (panel == 0)
        fprintf(f, "set label 4 'posterior' at graph 0.02, graph 0.85 font ',10' tc rgb '#777777'\n");
    fprintf(f, "plot NaN notitle\n");
}

static int fig_schematic(const fctx *c, gp_session *g, ds_error *err)
{
    if (!has(c, c->ref, "/root/protrusion")) {
        skip(c, "schematic", "no herniation in this file (no /root datasets)");
        return 0;
    }
    size_t n, m;
    char rp[64], rh[64];
    snprintf(rp, sizeof rp, "/levels/%s/pressure", c->level);
    snprintf(rh, sizeof rh, "/levels/%s/height", c->level);
    double *t = series(c, c->ref, "/time", &n), *P = series(c, c->ref, rp, &m), *H = series(c, c->ref, rh, &m);
    double *D = series(c, c->ref, "/root/protrusion", &m), *G = series(c, c->ref, "/root/gap", &m);
    double *C = series(c, c->ref, "/root/contact_pressure_mmHg", &m);
    if (!t || !P || !H || !D || !G || !C) {
        skip(c, "schematic", "the file lacks the herniated level's pressure and height");
        free(t), free(P), free(H), free(D), free(G), free(C);
        return 0;
    }
    char out[512];
    const double frac[4] = {1.0 / 24, 4.0 / 24, 11.0 / 24, 20.0 / 24};
    ds_status st = DS_OK;
    for (int pass = 0; pass < 2 && !st; pass++) {
        /* pass 0: four panels in the figure's format; pass 1: the animated GIF over the window */
        ds_plot_opts go = *c->o;
        if (pass == 1)
            go.format = "gif";
        const ds_plot_opts *keep = g->opts;
        g->opts = &go;
        gp_begin_figure(g, "schematic", pass ? 640 : c->o->width, pass ? 420 : c->o->height, out, sizeof out);
        g->opts = keep;
        FILE *f = g->script;
        fprintf(f, "set lmargin\nset rmargin\nset size ratio -1\nset xrange [-16:44]\nset yrange [-24:34]\nunset xtics\n"
                   "unset ytics\nunset grid\nset border 0\nunset key\n");
        int nframes = pass ? 48 : 4;
        if (!pass) {
            fprintf(f, "set multiplot layout 2,2 title ");
            char tt[300];
            snprintf(tt, sizeof tt, "%s: the herniated %s segment over the day", c->name ? c->name : "discsim", c->level);
            gp_str(f, tt);
            fprintf(f, " font ',16'\n");
        }
        for (int k = 0; k < nframes; k++) {
            double tq = c->w0 + (c->w1 - c->w0) * (pass ? (k + 0.5) / nframes : frac[k]);
            size_t i = 0;
            while (i + 1 < n && t[i + 1] <= tq)
                i++;
            draw_segment(f, H[i], P[i], D[i], G[i], C[i], c->clock0 + t[i], k);
        }
        if (!pass)
            fprintf(f, "unset multiplot\n");
        if ((st = gp_run(g, err)))
            break;
        wrote(c, out);
        if (pass == 0) { /* a fresh script for the GIF */
            gp_close(g);
            st = gp_open(g, c->o, err);
        }
    }
    free(t), free(P), free(H), free(D), free(G), free(C);
    return st ? -1 : 1;
}

/* ---- driver --------------------------------------------------------------------------------- */
static int wanted(const ds_plot_opts *o, const char *name)
{
    if (o->nfigure == 0)
        return 1;
    for (int k = 0; k < o->nfigure; k++)
        if (!strcmp(o->figure[k], name))
            return 1;
    return 0;
}

ds_status ds_plot_file(const char *h5, const ds_plot_opts *opts, int *nwritten, ds_error *err)
{
    *nwritten = 0;
    for (int k = 0; k < opts->nfigure; k++) {
        int known = 0;
        for (int j = 0; ds_figure_names[j]; j++)
            known |= !strcmp(opts->figure[k], ds_figure_names[j]);
        if (!known)
            return ds_fail(err, DS_ERR_USAGE,
                           "unknown figure '%s' (known: day, root, effect, dose, muscles, schematic; validation comes "
                           "from discsim validate --plot)",
                           opts->figure[k]);
    }
    const char *fmt = opts->format && *opts->format ? opts->format : "png";
    if (strcmp(fmt, "png") && strcmp(fmt, "svg") && strcmp(fmt, "pdf"))
        return ds_fail(err, DS_ERR_USAGE, "unknown format '%s' (png, svg or pdf)", fmt);
    fctx c;
    memset(&c, 0, sizeof c);
    c.file = h5;
    c.o = opts;
    if (!ds_h5_exists(h5, "/") )
        return ds_fail(err, DS_ERR_IO, "cannot read '%s' as an HDF5 output file", h5);
    const char *dir = opts->out_dir && *opts->out_dir ? opts->out_dir : ".";
    struct stat sb;
    if (stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0)
        return ds_fail(err, DS_ERR_IO, "cannot create the figure folder '%s'", dir);
    ds_error e;
    if (ds_h5_read_attr_string(h5, "/meta", "scenario_name", &c.name, &e))
        c.name = NULL;
    /* arms, or a single run */
    char *arms = NULL;
    if (ds_h5_exists(h5, "/meta/arms") && !ds_h5_read_text(h5, "/meta/arms", &arms, &e)) {
        char *save = NULL;
        for (char *tok = strtok_r(arms, "\n", &save); tok && c.narm < MAX_ARMS; tok = strtok_r(NULL, "\n", &save)) {
            snprintf(c.arm[c.narm], sizeof c.arm[0], "%s", tok);
            snprintf(c.pre[c.narm], sizeof c.pre[0], "/arms/%s", tok);
            c.narm++;
        }
        free(arms);
        snprintf(c.ref, sizeof c.ref, "%s", c.pre[0]);
    } else {
        c.narm = 1;
        snprintf(c.arm[0], sizeof c.arm[0], "run");
        c.pre[0][0] = '\0';
    }
    /* window: the last day of a longer run */
    size_t n;
    double *t = series(&c, c.ref, "/time", &n);
    c.T = t && n ? t[n - 1] : 0.0;
    c.w1 = c.T;
    c.w0 = c.T > 86400.0 ? c.T - 86400.0 : 0.0;
    free(t);
    char mp[128];
    snprintf(mp, sizeof mp, "%s/meta", c.ref);
    double clk = 0.0;
    if (ds_h5_read_attr_double(h5, mp, "clock_start_s", &clk, &e) == DS_OK)
        c.clock0 = clk;
    /* level of interest */
    char *lvl = NULL;
    snprintf(mp, sizeof mp, "%s/meta/herniation", c.ref);
    if (!ds_h5_read_attr_string(h5, mp, "level", &lvl, &e)) {
        snprintf(c.level, sizeof c.level, "%s", lvl);
        free(lvl);
    } else {
        snprintf(c.level, sizeof c.level, "L4L5");
        char rel[64];
        snprintf(rel, sizeof rel, "/levels/L4L5/pressure");
        for (int i = 0; !has(&c, c.ref, rel) && i < DS_MAX_LEVELS; i++) {
            snprintf(c.level, sizeof c.level, "%s", ds_level_names[i]);
            snprintf(rel, sizeof rel, "/levels/%s/pressure", ds_level_names[i]);
        }
    }
    typedef int (*fig_fn)(const fctx *, gp_session *, ds_error *);
    static const fig_fn fns[] = {fig_day, fig_root, fig_effect, fig_dose, fig_muscles, fig_schematic};
    ds_status st = DS_OK;
    for (int k = 0; ds_figure_names[k] && !st; k++) {
        if (!wanted(opts, ds_figure_names[k]))
            continue;
        gp_session g;
        if ((st = gp_open(&g, opts, err)))
            break;
        int r = fns[k](&c, &g, err);
        gp_close(&g);
        if (r < 0)
            st = err && err->status ? err->status : DS_ERR_EXTERNAL;
        else
            *nwritten += r + (r && !strcmp(ds_figure_names[k], "schematic"));
    }
    free(c.name);
    return st;
}

/* ---- validation ------------------------------------------------------------------------------- */
ds_status ds_plot_validation(const ds_validation_row *rows, int nrows, const ds_plot_opts *opts, int *nwritten,
                             ds_error *err)
{
    *nwritten = 0;
    const char *dir = opts->out_dir && *opts->out_dir ? opts->out_dir : ".";
    struct stat sb;
    if (stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0)
        return ds_fail(err, DS_ERR_IO, "cannot create the figure folder '%s'", dir);
    gp_session g;
    ds_status st = gp_open(&g, opts, err);
    if (st)
        return st;
    char dat[160], out[512];
    FILE *df = gp_data(&g, "validation.tsv", dat, sizeof dat);
    int k = 0;
    for (int i = 0; df && i < nrows; i++) {
        const ds_validation_row *r = &rows[i];
        if (strcmp(r->unit, "MPa"))
            continue; /* pressures on one axis; ratios and percentages are in the table */
        fprintf(df, "%d\t%.6g\t%.6g\t%.6g\t%.6g\t", k++, r->model, r->target, r->low, r->high);
        gp_field(df, r->id);
        fputc('\t', df);
        gp_field(df, r->condition);
        fputc('\n', df);
    }
    if (df)
        fclose(df);
    gp_begin_figure(&g, "validation", opts->width, opts->height, out, sizeof out);
    FILE *f = g.script;
    fprintf(f, "set title 'nucleus pressure at L4-L5: model and published in-vivo values (Wilke et al. 1999)'\n");
    fprintf(f, "set ylabel 'nucleus pressure (MPa)'\nset logscale y\nset yrange [0.05:4]\nset xrange [-0.7:%d.7]\n"
               "set key top left\nset bmargin 9\nset xtics rotate by -35 font ',10'\n",
            k - 1);
    fprintf(f, "plot ");
    gp_str(f, dat);
    fprintf(f, " using 1:3:4:5:xtic(stringcolumn(6).'  '.stringcolumn(7)) with yerrorbars lt 8 pt 6 ps 1.5 lw 2 "
               "title 'published value and range', ");
    gp_str(f, dat);
    fprintf(f, " using 1:2 with points lt 2 pt 7 ps 1.6 title 'model'\n");
    st = gp_run(&g, err);
    gp_close(&g);
    if (!st) {
        *nwritten = 1;
        if (opts->log)
            fprintf(opts->log, "wrote   %s\n", out);
    }
    return st;
}
