/* The figures of a study: the effect of each arm against the reference, and the
 * dose-response of a sweep. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"

/* ---- effect of the arms ----------------------------------------------------------------- */

/* The variable compared: root contact pressure with a herniation, else nucleus pressure. */
static const char *effect_variable(const fctx *c, char *rel, size_t n)
{
    if (fig_has(c, c->pre[0], "/root/contact_pressure_mmHg"))
        return "/root/contact_pressure_mmHg";
    snprintf(rel, n, "/levels/%s/pressure", c->level);
    return rel;
}

/* One data file per arm: its variable minus the reference's, when both have as many
 * records (an arm with another timeline is not compared); *nd counts them. */
static ds_status effect_columns(const fctx *c, gp_session *g, const char *var, char dc[][160], int *arm, int *rows,
                                int *nd, double *span, ds_error *err)
{
    *nd = 0;
    *span = 0.0;
    size_t n0 = 0;
    double *t0, *v0 = NULL;
    ds_status st = fig_time(c, c->pre[0], &t0, &n0, err);
    if (st == DS_OK && t0)
        st = fig_series(c, c->pre[0], var, n0, &v0, err);
    for (int a = 1; v0 && a < c->narm && st == DS_OK; a++) {
        if (!fig_arm_drawn(c, a))
            continue;
        size_t n;
        double *t, *v = NULL;
        st = fig_time(c, c->pre[a], &t, &n, err);
        if (st == DS_OK && t)
            st = fig_series(c, c->pre[a], var, n, &v, err);
        if (v && n == n0) {
            for (size_t i = 0; i < n; i++)
                v[i] -= v0[i];
            for (size_t i = 0; i < n; i++) /* the largest difference shown, for the axis' tics */
                if (t0[i] >= c->w0 && t0[i] <= c->w1 && fabs(v[i]) > *span)
                    *span = fabs(v[i]);
            const double *cols[1] = {v};
            char hdr[160];
            snprintf(hdr, sizeof hdr, "%s - %s", c->arm[a], c->arm[0]);
            const char *h[1] = {hdr};
            char name[32];
            snprintf(name, sizeof name, "effect%d.tsv", a);
            arm[*nd] = a;
            rows[*nd] = fig_columns(c, g, name, t0, n0, cols, 1, h, dc[*nd], sizeof dc[0]);
            (*nd)++;
        }
        free(t);
        free(v);
    }
    free(t0);
    free(v0);
    return st;
}

/* The mean of the finite values (the subjects that finished), NaN if none. */
static double finite_mean(const double *v, size_t n)
{
    double sum = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            sum += v[i], k++;
    return k ? sum / (double)k : NAN;
}

/* One row of bars: the metric's change with each arm, in % of the reference's value (means
 * over the subjects of a cohort). */
static ds_status effect_bar(const fctx *c, FILE *bf, const char *metric, int *nb, ds_error *err)
{
    char p0[300];
    snprintf(p0, sizeof p0, "%s/summary/%s", c->pre[0], metric);
    ds_h5_array ref;
    ds_status st = fig_vector(c, p0, DS_H5_ANY, true, 0, &ref, err);
    if (st != DS_OK || !ref.present)
        return st;
    char words[96];
    fig_words(metric, words, sizeof words);
    gp_field(bf, words);
    for (int a = 1; a < c->narm && st == DS_OK; a++) {
        if (!fig_arm_drawn(c, a))
            continue;
        char pe[300];
        snprintf(pe, sizeof pe, "/summary/effect/%s/%s", c->arm[a], metric);
        ds_h5_array e;
        st = fig_vector(c, pe, ref.count, true, 0, &e, err);
        double r = finite_mean(ref.data, ref.count), de = e.present ? finite_mean(e.data, e.count) : NAN;
        fprintf(bf, "\t%.6g", isfinite(de) && isfinite(r) && r != 0.0 ? 100.0 * de / fabs(r) : 0.0);
        ds_h5_array_free(&e);
    }
    fputc('\n', bf);
    ds_h5_array_free(&ref);
    (*nb)++;
    return st;
}

/* The per-metric relative effects, as a data file for a clustered histogram. */
static ds_status effect_bars(const fctx *c, gp_session *g, char *bars, size_t n, int *nb, ds_error *err)
{
    static const char *const metrics[] = {"mean_contact_pressure", "peak_contact_pressure", "minutes_above_flow_loss",
                                          "minutes_above_venular_stasis", "minutes_above_oedema", "mean_nucleus_pressure",
                                          "peak_nucleus_pressure", "height_lost"};
    *nb = 0;
    FILE *bf = gp_data(g, "bars.tsv", bars, n);
    if (!bf)
        return DS_OK;
    fputs("metric", bf);
    for (int a = 1; a < c->narm; a++) {
        if (!fig_arm_drawn(c, a))
            continue;
        fputc('\t', bf);
        gp_field(bf, c->arm[a]);
    }
    fputc('\n', bf);
    ds_status st = DS_OK;
    for (size_t k = 0; k < sizeof metrics / sizeof metrics[0] && st == DS_OK; k++)
        st = effect_bar(c, bf, metrics[k], nb, err);
    fclose(bf);
    return st;
}

static void effect_plot(const fctx *c, FILE *f, bool root, bool zoomed, char dc[][160], const int *arm,
                        const int *rows, int nd, double span, const char *bars, int nb)
{
    char what[200];
    snprintf(what, sizeof what, "each arm minus %s%s", c->arm[0], zoomed ? ", around the massage session" : "");
    fig_title(c, f, what);
    /* short axis names (the title says what changes; two panels share the height), and tics a
     * readable distance apart: about four over the largest difference */
    fprintf(f, "set ylabel '%s'\n", root ? "change (mmHg)" : "change (MPa)");
    if (span > 0.0) {
        double step = pow(10.0, floor(log10(span / 4.0))), r = span / 4.0 / step;
        step *= r > 5.0 ? 10.0 : r > 2.0 ? 5.0 : r > 1.0 ? 2.0 : 1.0;
        fprintf(f, "set ytics %g\n", step);
    }
    /* the series are subject 0's; the bars below are means over the subjects */
    fprintf(f, "set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#333333' lw 1\n");
    if (nd == 0) /* summaries only (--record summary): no series to draw */
        fprintf(f, "set label 1 'no time series in this file (summaries only)' at graph 0.5, graph 0.5 center\n"
                   "set xrange [0:1]\nset yrange [-1:1]\nplot NaN notitle\nunset label 1\nset autoscale\n");
    else
        fprintf(f, "plot ");
    for (int k = 0; k < nd; k++) {
        if (k)
            fprintf(f, ", ");
        gp_str(f, dc[k]);
        fprintf(f, " using 1:2 ");
        fig_arm_style(f, arm[k], rows[k] / 8);
        fprintf(f, " title columnheader(2)");
    }
    fprintf(f, "\nset ytics autofreq\nunset title\nunset arrow\nunset object\nset xdata\nset autoscale x\nset format x '%%g'\nset xlabel ''\n"
               "set tmargin at screen 0.46\nset bmargin at screen 0.22\n");
    fprintf(f, "set ylabel 'change (%%)'\nset style data histograms\n"
               "set style histogram clustered gap 1\nset style fill solid 0.85 noborder\nset boxwidth 0.9\n"
               "set xtics rotate by -30 font ',11'\nset yrange [*:*]\nset grid ytics\n");
    int ncol = 1;
    for (int a = 1; a < c->narm; a++)
        ncol += fig_arm_drawn(c, a);
    if (nb > 0) {
        fprintf(f, "plot for [k=2:%d] ", ncol);
        gp_str(f, bars);
        fprintf(f, " using k:xtic(1) lt k title columnheader(k)\n");
    } else
        fprintf(f, "plot 0 notitle\n");
    fprintf(f, "unset multiplot\n");
}

ds_status fig_effect(const fctx *c, gp_session *g, int *drawn, ds_error *err)
{
    *drawn = 0;
    if (c->narm < 2 || !fig_has(c, "", "/summary/effect")) {
        fig_skip(c, "effect", "needs two or more arms (the file has no /summary/effect)");
        return DS_OK;
    }
    char out[512], dc[MAX_ARMS][160], bars[160], lab[160], rel[64];
    int nd = 0, nb = 0, arm[MAX_ARMS], rows[MAX_ARMS];
    double span = 0.0;
    const char *var = effect_variable(c, rel, sizeof rel);
    bool root = var != rel;
    /* the differences live around the session: shown there when there is one */
    fctx zoom;
    ds_status st = DS_OK;
    bool zoomed = fig_session_zoom(c, &zoom, err, &st);
    const fctx *tc = zoomed ? &zoom : c;
    if (st == DS_OK)
        st = effect_columns(tc, g, var, dc, arm, rows, &nd, &span, err);
    if (st == DS_OK)
        st = effect_bars(c, g, bars, sizeof bars, &nb, err);
    if (st == DS_OK) {
        gp_begin_figure(g, "effect", c->o->width, c->o->height, out, sizeof out);
        fprintf(g->script, "set multiplot\nset tmargin at screen 0.90\nset bmargin at screen 0.60\n");
        fig_time_axis(g->script);
        st = fig_shade(tc, g, c->ref, 0, 1, lab, sizeof lab, err);
    }
    if (st == DS_OK) {
        effect_plot(c, g->script, root, zoomed, dc, arm, rows, nd, span, bars, nb);
        st = gp_run(g, err);
    }
    if (st == DS_OK) {
        fig_wrote(c, out);
        *drawn = 1;
    }
    return st;
}

/* ---- dose-response ------------------------------------------------------------------------ */

typedef struct dose_data {
    ds_h5_array v1, v2;         /* the swept values */
    ds_h5_array peak, mean, mins; /* [values_1][values_2][subject] (without values_2: [values_1][subject]) */
    char *p1, *u1, *p2, *u2;    /* parameter and units of each */
    size_t n1, n2, nsubj;
} dose_data;

static void dose_free(dose_data *d)
{
    ds_h5_array_free(&d->v1), ds_h5_array_free(&d->v2);
    ds_h5_array_free(&d->peak), ds_h5_array_free(&d->mean), ds_h5_array_free(&d->mins);
    free(d->p1), free(d->u1), free(d->p2), free(d->u2);
}

/* A summary, checked against the swept values (and, once known, the number of subjects). */
static ds_status dose_summary(const fctx *c, const dose_data *d, const char *metric, size_t nsubj, ds_h5_array *a,
                              ds_error *err)
{
    char path[200];
    snprintf(path, sizeof path, "/sweep/summary/%s", metric);
    bool two = d->v2.present;
    ds_h5_want want = {.rank = two ? 3 : 2, .dims = {d->n1, two ? d->n2 : nsubj, nsubj}, .nonempty = true,
                       .optional = true,
                       .layout = two ? "[values_1][values_2][subject]" : "[values_1][subject]"};
    return ds_h5_read_array(c->file, path, &want, a, err);
}

static ds_status dose_load(const fctx *c, dose_data *d, ds_error *err)
{
    memset(d, 0, sizeof *d);
    ds_status st = fig_vector(c, "/sweep/values_1", DS_H5_ANY, true, DS_H5_FINITE, &d->v1, err);
    if (st == DS_OK)
        st = fig_vector(c, "/sweep/values_2", DS_H5_ANY, true, DS_H5_FINITE, &d->v2, err);
    if (st != DS_OK || !d->v1.present)
        return st;
    d->n1 = d->v1.count;
    d->n2 = d->v2.present ? d->v2.count : 1;
    if ((st = ds_h5_read_attr_string(c->file, "/sweep/values_1", "parameter", &d->p1, err)) ||
        (st = ds_h5_read_attr_string(c->file, "/sweep/values_1", "units", &d->u1, err)))
        return st;
    if (d->v2.present && ((st = ds_h5_read_attr_string(c->file, "/sweep/values_2", "parameter", &d->p2, err)) ||
                          (st = ds_h5_read_attr_string(c->file, "/sweep/values_2", "units", &d->u2, err))))
        return st;
    if ((st = dose_summary(c, d, "peak_contact_pressure", DS_H5_ANY, &d->peak, err)) || !d->peak.present)
        return st;
    d->nsubj = d->peak.dims[d->peak.rank - 1];
    if ((st = dose_summary(c, d, "mean_contact_pressure", d->nsubj, &d->mean, err)))
        return st;
    return dose_summary(c, d, "minutes_above_venular_stasis", d->nsubj, &d->mins, err);
}

/* Subject 0's metrics along values_1, one block per value of values_2. */
static void dose_table(gp_session *g, const dose_data *d, char *dat, size_t n)
{
    FILE *df = gp_data(g, "dose.tsv", dat, n);
    for (size_t j = 0; df && j < d->n2; j++) {
        for (size_t i = 0; i < d->n1; i++) {
            size_t q = (i * d->n2 + j) * d->nsubj;
            fprintf(df, "%.9g\t%.9g\t%.9g\t%.9g\n", d->v1.data[i], d->peak.data[q], d->mean.data[q],
                    d->mins.present ? d->mins.data[q] : NAN);
        }
        fprintf(df, "\n\n");
    }
    if (df)
        fclose(df);
}

static void dose_plot(const fctx *c, FILE *f, const dose_data *d, const char *dat)
{
    bool mins = d->mins.present;
    char tt[300];
    char name[200];
    fig_words(c->name ? c->name : "discsim", name, sizeof name);
    snprintf(tt, sizeof tt, "%s: dose-response", name);
    fprintf(f, "set multiplot layout 1,%d spacing 0.12 title ", mins ? 3 : 2);
    gp_str(f, c->o->title ? c->o->title : tt);
    fprintf(f, " font ',16'\n");
    char xl[400], short1[160];
    fig_key_words(d->p1, short1, sizeof short1);
    snprintf(xl, sizeof xl, "%s (%s)", short1, d->u1);
    fprintf(f, "set xlabel ");
    gp_str(f, xl);
    fprintf(f, "\nset lmargin\nset rmargin\nset bmargin at screen 0.24\nset tmargin at screen 0.90\n"
               "set key at screen 0.5, screen 0.05 center horizontal samplen 1\nset xtics (");
    for (size_t i = 0; i < d->n1; i++)
        fprintf(f, "%s%.9g", i ? ", " : "", d->v1.data[i]);
    fprintf(f, ") rotate by -45\n");
    const char *ylab[3] = {"peak contact pressure (mmHg)", "mean contact pressure (mmHg)",
                           "minutes above 30 mmHg (venular stasis) (min)"};
    for (int panel = 0; panel < (mins ? 3 : 2); panel++) {
        fprintf(f, "unset title\n");
        fprintf(f, "set ylabel '%s'\n", ylab[panel]);
        fprintf(f, "plot ");
        for (size_t j = 0; j < d->n2; j++) {
            if (j)
                fprintf(f, ", ");
            gp_str(f, dat);
            if (d->v2.present) {
                char key2[160];
                fig_key_words(d->p2, key2, sizeof key2);
                snprintf(tt, sizeof tt, "%s = %g %s", key2, d->v2.data[j], d->u2);
            } else
                snprintf(tt, sizeof tt, "%s", "");
            fprintf(f, " index %zu using 1:%d with linespoints lw 2 pt 7 lt %zu title ", j, panel + 2, j + 1);
            gp_str(f, panel == 0 ? tt : "");
        }
        fprintf(f, "\n");
    }
    fprintf(f, "unset multiplot\n");
}

ds_status fig_dose(const fctx *c, gp_session *g, int *drawn, ds_error *err)
{
    *drawn = 0;
    if (!fig_has(c, "", "/sweep/values_1")) {
        fig_skip(c, "dose", "not a sweep (no /sweep)");
        return DS_OK;
    }
    dose_data d;
    ds_status st = dose_load(c, &d, err);
    if (st == DS_OK && (!d.v1.present || !d.peak.present || !d.mean.present)) {
        fig_skip(c, "dose", "the sweep has no consistent root contact metrics");
        dose_free(&d);
        return DS_OK;
    }
    char dat[160], out[512];
    if (st == DS_OK) {
        dose_table(g, &d, dat, sizeof dat);
        gp_begin_figure(g, "dose", c->o->width, c->o->height, out, sizeof out);
        dose_plot(c, g->script, &d, dat);
    }
    dose_free(&d);
    if (st == DS_OK)
        st = gp_run(g, err);
    if (st == DS_OK) {
        fig_wrote(c, out);
        *drawn = 1;
    }
    return st;
}
