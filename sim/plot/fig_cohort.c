/* The figure of a cohort: how each arm's paired effect is distributed over the subjects,
 * and how it follows the drawn parameter that predicts it best (a dose-response band). */
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"

typedef struct cohort_data {
    const char *metric;        /* mean_contact_pressure, else mean_nucleus_pressure */
    size_t n;                  /* subjects */
    double *eff[MAX_ARMS];     /* [arm][subject] effect against the reference, NaN if failed */
    double *x;                 /* [subject] the best predictor's drawn values */
    char *key, *units;         /* its name and units */
} cohort_data;

static void cohort_free(cohort_data *d)
{
    for (int a = 0; a < MAX_ARMS; a++)
        free(d->eff[a]);
    free(d->x), free(d->key), free(d->units);
}

/* The effects of every arm; the predictor with the largest rank correlation for the last arm. */
static ds_status cohort_load(const fctx *c, cohort_data *d, ds_error *err)
{
    memset(d, 0, sizeof *d);
    char p0[300], pe[300];
    d->metric = fig_has(c, c->pre[0], "/summary/mean_contact_pressure") ? "mean_contact_pressure" : "mean_nucleus_pressure";
    snprintf(p0, sizeof p0, "%s/summary/%s", c->pre[0], d->metric);
    ds_h5_array ref, failed;
    ds_status st = fig_vector(c, p0, DS_H5_ANY, true, 0, &ref, err);
    if (st || !ref.present)
        return st;
    d->n = ref.count;
    if ((st = fig_vector(c, "/cohort/failed", d->n, true, 0, &failed, err))) {
        ds_h5_array_free(&ref);
        return st;
    }
    for (int a = 1; !st && a < c->narm; a++) {
        ds_h5_array e;
        snprintf(pe, sizeof pe, "%s/summary/%s", c->pre[a], d->metric);
        if ((st = fig_vector(c, pe, d->n, true, 0, &e, err)) || !e.present)
            break;
        for (size_t l = 0; l < d->n; l++)
            e.data[l] = failed.present && failed.data[l] != 0 ? NAN : e.data[l] - ref.data[l];
        d->eff[a] = e.data; /* taken over */
    }
    ds_h5_array_free(&ref);
    ds_h5_array_free(&failed);
    char rp[300], *keys = NULL;
    snprintf(rp, sizeof rp, "/cohort/effect/%s/%s/rank_correlation", c->arm[c->narm - 1], d->metric);
    ds_h5_array rho;
    if (st || (st = fig_vector(c, rp, DS_H5_ANY, true, 0, &rho, err)) || !rho.present)
        return st;
    st = ds_h5_read_attr_string(c->file, rp, "parameters", &keys, err);
    size_t best = 0;
    for (size_t k = 1; k < rho.count; k++)
        if (fabs(rho.data[k]) > fabs(rho.data[best]) || isnan(rho.data[best]))
            best = k;
    char *tok = keys, *save = NULL;
    for (size_t k = 0; !st && (tok = strtok_r(k ? NULL : keys, ",", &save)) && k < best; k++)
        ;
    if (!st && tok) {
        d->key = strdup(tok);
        char xp[300];
        snprintf(xp, sizeof xp, "/cohort/parameters/%s", tok);
        ds_h5_array x;
        if (!(st = fig_vector(c, xp, d->n, true, 0, &x, err)) && x.present) {
            d->x = x.data;
            st = ds_h5_read_attr_string(c->file, xp, "units", &d->units, err);
        }
    }
    free(keys);
    ds_h5_array_free(&rho);
    return st;
}

/* Sorted effects per arm with their cumulative share (an empirical distribution function),
 * one block per arm. */
static void cohort_ecdf(const fctx *c, gp_session *g, const cohort_data *d, char *dat, size_t n)
{
    FILE *df = gp_data(g, "ecdf.tsv", dat, n);
    double *v = malloc(d->n * sizeof *v);
    for (int a = 1; df && v && a < c->narm; a++) {
        size_t k = 0;
        for (size_t l = 0; d->eff[a] && l < d->n; l++)
            if (isfinite(d->eff[a][l]))
                v[k++] = d->eff[a][l];
        gsl_sort(v, 1, k);
        for (size_t i = 0; i < k; i++)
            fprintf(df, "%.9g\t%.9g\n", v[i], (i + 0.5) / (double)k);
        fprintf(df, "%s\n\n", k ? "" : "nan\tnan");
    }
    free(v);
    if (df)
        fclose(df);
}

/* Points (predictor, effect) of the last arm and, over bins of equal count along the
 * predictor, the median and the 5-95 % range of the effect. */
static void cohort_band(const fctx *c, gp_session *g, const cohort_data *d, char *pts, char *band, size_t n)
{
    const double *e = d->eff[c->narm - 1];
    FILE *pf = gp_data(g, "points.tsv", pts, n), *bf = gp_data(g, "band.tsv", band, n);
    double *px = malloc(d->n * sizeof *px), *pe = malloc(d->n * sizeof *pe);
    size_t k = 0;
    for (size_t l = 0; px && pe && d->x && e && l < d->n; l++)
        if (isfinite(e[l]) && isfinite(d->x[l])) {
            px[k] = d->x[l], pe[k] = e[l];
            if (pf)
                fprintf(pf, "%.9g\t%.9g\n", d->x[l], e[l]);
            k++;
        }
    if (k)
        gsl_sort2(px, 1, pe, 1, k); /* by the predictor */
    size_t nbin = k >= 100 ? 10 : k / 10 > 1 ? k / 10 : 1;
    for (size_t b = 0; bf && k && b < nbin; b++) { /* the quantiles as the cohort's statistics take them */
        size_t i0 = b * k / nbin, m = (b + 1) * k / nbin - i0;
        double *col = pe + i0;
        gsl_sort(col, 1, m);
        fprintf(bf, "%.9g\t%.9g\t%.9g\t%.9g\n", gsl_stats_mean(px + i0, 1, m),
                gsl_stats_quantile_from_sorted_data(col, 1, m, 0.05), gsl_stats_quantile_from_sorted_data(col, 1, m, 0.5),
                gsl_stats_quantile_from_sorted_data(col, 1, m, 0.95));
    }
    free(px), free(pe);
    if (pf)
        fclose(pf);
    if (bf)
        fclose(bf);
}

static void cohort_plot(const fctx *c, FILE *f, const cohort_data *d, const char *ecdf, const char *pts,
                        const char *band)
{
    bool root = !strcmp(d->metric, "mean_contact_pressure");
    char xl[300], tt[400];
    snprintf(xl, sizeof xl, "paired effect on the %s (%s)", root ? "mean root contact pressure" : "mean nucleus pressure",
             root ? "mmHg" : "MPa");
    char name[200];
    fig_words(c->name ? c->name : "discsim", name, sizeof name);
    snprintf(tt, sizeof tt, "%s: %zu subjects, each arm's effect paired by subject", name, d->n);
    /* the house style fixes the margins, so each panel places its own */
    fprintf(f, "set multiplot title ");
    gp_str(f, c->o->title ? c->o->title : tt);
    fprintf(f, " font ',16'\nset tmargin at screen 0.88\nset bmargin at screen 0.14\n"
               "set lmargin at screen 0.09\nset rmargin at screen 0.43\nset xtics rotate by -30\nset xlabel ");
    gp_str(f, xl);
    fprintf(f, "\nset ylabel 'share of subjects with a smaller effect'\nset yrange [0:1]\nset key at screen 0.42, screen 0.88 right top\n"
               "set arrow from 0, graph 0 to 0, graph 1 nohead lc rgb '#333333'\nplot ");
    for (int a = 1; a < c->narm; a++) {
        if (a > 1)
            fprintf(f, ", ");
        gp_str(f, ecdf);
        fprintf(f, " index %d using 1:2 with steps lw 2 lt %d title ", a - 1, a + 1);
        gp_str(f, c->arm[a]);
    }
    fprintf(f, "\nunset arrow\nset autoscale y\nset lmargin at screen 0.62\nset rmargin at screen 0.97\nset xtics norotate\nset ylabel ");
    gp_str(f, xl);
    char key[160];
    fig_key_words(d->key ? d->key : "?", key, sizeof key);
    snprintf(xl, sizeof xl, "%s (%s), drawn for each subject", key, d->units ? d->units : "");
    fprintf(f, "\nset xlabel ");
    gp_str(f, xl);
    snprintf(tt, sizeof tt, "%s: median and 5-95 %% of subjects", c->arm[c->narm - 1]);
    fprintf(f, "\nset key at screen 0.97, screen 0.95 right top\nset arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#333333'\nplot ");
    gp_str(f, band);
    fprintf(f, " using 1:2:4 with filledcurves fs transparent solid 0.25 noborder lt %d title ", c->narm);
    gp_str(f, tt);
    fprintf(f, ", ");
    gp_str(f, pts);
    fprintf(f, " using 1:2 with points pt 7 ps 0.5 lt %d notitle, ", c->narm);
    gp_str(f, band);
    fprintf(f, " using 1:3 with lines lw 2 lt %d notitle\nunset multiplot\n", c->narm);
}

ds_status fig_cohort(const fctx *c, gp_session *g, int *drawn, ds_error *err)
{
    *drawn = 0;
    if (c->narm < 2 || !fig_has(c, "", "/cohort/effect")) {
        fig_skip(c, "cohort", "not a cohort with arms (no /cohort/effect)");
        return DS_OK;
    }
    cohort_data d;
    ds_status st = cohort_load(c, &d, err);
    if (!st && (!d.n || !d.eff[c->narm - 1] || !d.x)) {
        fig_skip(c, "cohort", "the cohort has no effects or drawn parameters to show");
        cohort_free(&d);
        return DS_OK;
    }
    char ecdf[160], pts[160], band[160], out[512];
    if (!st) {
        cohort_ecdf(c, g, &d, ecdf, sizeof ecdf);
        cohort_band(c, g, &d, pts, band, sizeof pts);
        gp_begin_figure(g, "cohort", c->o->width, c->o->height, out, sizeof out);
        cohort_plot(c, g->script, &d, ecdf, pts, band);
        st = gp_run(g, err);
    }
    cohort_free(&d);
    if (!st) {
        fig_wrote(c, out);
        *drawn = 1;
    }
    return st;
}

/* ---- the cohort's paired effect over the day ---------------------------------------------- */

/* Arm a's root contact pressure minus the reference's, subject by subject, at every record:
 * its 5, 25, 50, 75 and 95 % quantiles over the subjects, as a data file. */
static ds_status effect_band(const fctx *c, gp_session *g, int a, const double *t, size_t nt, char *file, size_t fn,
                             ds_error *err)
{
    char p0[300], pa[300];
    snprintf(p0, sizeof p0, "%s/root/contact_pressure_mmHg", c->pre[0]);
    snprintf(pa, sizeof pa, "%s/root/contact_pressure_mmHg", c->pre[a]);
    ds_h5_want want = {.rank = 2, .dims = {DS_H5_ANY, nt}, .nonempty = true, .optional = true,
                       .layout = "[subject][time] as long as the stream's /time"};
    ds_h5_array r0, ra;
    ds_status st = ds_h5_read_array(c->file, p0, &want, &r0, err);
    if (!st)
        want.dims[0] = r0.present ? r0.dims[0] : DS_H5_ANY, st = ds_h5_read_array(c->file, pa, &want, &ra, err);
    else
        return st;
    if (st || !r0.present || !ra.present) {
        ds_h5_array_free(&r0);
        if (!st)
            ds_h5_array_free(&ra);
        *file = '\0';
        return st;
    }
    const size_t ns = r0.dims[0];
    double *d = malloc(ns * sizeof *d), *q[5];
    for (int k = 0; k < 5; k++)
        q[k] = malloc(nt * sizeof *q[k]);
    int ok = d != NULL;
    for (int k = 0; k < 5; k++)
        ok = ok && q[k];
    static const double pq[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (size_t i = 0; ok && i < nt; i++) {
        size_t m = 0;
        for (size_t l = 0; l < ns; l++) {
            double v = ra.data[l * nt + i] - r0.data[l * nt + i];
            if (isfinite(v))
                d[m++] = v;
        }
        gsl_sort(d, 1, m);
        for (int k = 0; k < 5; k++)
            q[k][i] = m ? gsl_stats_quantile_from_sorted_data(d, 1, m, pq[k]) : NAN;
    }
    if (ok) {
        const double *cols[5] = {q[0], q[1], q[2], q[3], q[4]};
        static const char *const hdr[5] = {"q05", "q25", "median", "q75", "q95"};
        char name[32];
        snprintf(name, sizeof name, "band%d.tsv", a);
        fig_columns(c, g, name, t, nt, cols, 5, hdr, file, fn);
    } else
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory for the cohort's bands");
    free(d);
    for (int k = 0; k < 5; k++)
        free(q[k]);
    ds_h5_array_free(&r0);
    ds_h5_array_free(&ra);
    return st;
}

ds_status fig_cohort_day(const fctx *c, gp_session *g, int *drawn, ds_error *err)
{
    *drawn = 0;
    if (c->narm < 2 || !fig_has(c, "", "/cohort/effect") || !fig_has(c, c->ref, "/root/contact_pressure_mmHg")) {
        fig_skip(c, "cohort_day", "needs a cohort with arms and recorded root series");
        return DS_OK;
    }
    double *t = NULL;
    size_t nt = 0;
    ds_status st = fig_time(c, c->pre[0], &t, &nt, err);
    char files[MAX_ARMS][160], out[512];
    for (int a = 1; !st && t && a < c->narm; a++)
        st = effect_band(c, g, a, t, nt, files[a], sizeof files[a], err);
    free(t);
    if (!st && !nt) {
        fig_skip(c, "cohort_day", "no time series in this file (summaries only)");
        return DS_OK;
    }
    if (st)
        return st;
    /* no posture shading here: its colours are the arms' */
    gp_begin_figure(g, "cohort_day", c->o->width, c->o->height, out, sizeof out);
    fig_time_axis(g->script);
    FILE *f = g->script;
    fprintf(f, "set xrange [%.3f:%.3f]\n", c->clock0 + c->w0, c->clock0 + c->w1);
    fig_title(c, f, "paired effect on root contact pressure, median and 50 % / 90 % of subjects");
    char yl[160]; /* an arm's name is text from the file: a literal, never a command */
    snprintf(yl, sizeof yl, "arm minus %s, root contact pressure (mmHg)", c->arm[0]);
    fprintf(f, "set ylabel ");
    gp_str(f, yl);
    fprintf(f, "\nset key bottom right\n"
               "set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#333333' lw 1\nplot ");
    int first = 1;
    for (int a = 1; a < c->narm; a++) {
        if (!files[a][0])
            continue;
        char t90[200], t50[200];
        snprintf(t90, sizeof t90, "%s: 5-95 %%", c->arm[a]);
        snprintf(t50, sizeof t50, "%s: 25-75 %%", c->arm[a]);
        fprintf(f, "%s", first ? "" : ", ");
        gp_str(f, files[a]);
        fprintf(f, " using 1:2:6 with filledcurves fs transparent solid 0.15 noborder lt %d title ", a + 1);
        gp_str(f, t90);
        fprintf(f, ", ");
        gp_str(f, files[a]);
        fprintf(f, " using 1:3:5 with filledcurves fs transparent solid 0.35 noborder lt %d title ", a + 1);
        gp_str(f, t50);
        fprintf(f, ", ");
        gp_str(f, files[a]);
        fprintf(f, " using 1:4 with lines lw 2 lt %d title ", a + 1);
        gp_str(f, c->arm[a]);
        first = 0;
    }
    fprintf(f, "%s\n", first ? "NaN notitle" : "");
    st = gp_run(g, err);
    if (!st) {
        fig_wrote(c, out);
        *drawn = 1;
    }
    return st;
}
