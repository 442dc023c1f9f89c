/* The day overview (nucleus pressure and disc height per level) and the muscle forces. */
#include <stdlib.h>
#include <string.h>

#include "fig.h"

/* ---- day overview ------------------------------------------------------------------- */

typedef struct day_data {
    double *t;
    size_t n;
    double *P[DS_MAX_LEVELS], *H[DS_MAX_LEVELS];
    const char *lv[DS_MAX_LEVELS];
    int nl;
} day_data;

static void day_free(day_data *d)
{
    free(d->t);
    for (int i = 0; i < d->nl; i++) {
        free(d->P[i]);
        free(d->H[i]);
    }
}

/* Pressure and height of every level that records both. */
static ds_status day_load(const fctx *c, day_data *d, ds_error *err)
{
    memset(d, 0, sizeof *d);
    ds_status st = fig_time(c, c->show, &d->t, &d->n, err);
    for (int i = 0; d->t && i < DS_MAX_LEVELS && st == DS_OK; i++) {
        char rel[64];
        double *p = NULL, *h = NULL;
        snprintf(rel, sizeof rel, "/levels/%s/pressure", ds_level_names[i]);
        st = fig_series(c, c->show, rel, d->n, &p, err);
        snprintf(rel, sizeof rel, "/levels/%s/height", ds_level_names[i]);
        if (st == DS_OK && p)
            st = fig_series(c, c->show, rel, d->n, &h, err);
        if (p && h) {
            d->P[d->nl] = p;
            d->H[d->nl] = h;
            d->lv[d->nl++] = ds_level_names[i];
        } else {
            free(p);
            free(h);
        }
    }
    return st;
}

static void day_plot(const fctx *c, gp_session *g, const day_data *d, const char *dp, const char *dh,
                     const char *lab)
{
    FILE *f = g->script;
    char tt[200];
    snprintf(tt, sizeof tt, "nucleus pressure and disc height over the day%s%s", c->narm > 1 ? ", arm " : "",
             c->narm > 1 ? c->arm[c->show_arm] : "");
    fig_title(c, f, tt);
    fprintf(f, "set ylabel 'nucleus pressure (MPa)'\nset y2range [0:1]\nunset y2tics\n"
               "unset xlabel\n");
    fprintf(f, "plot for [k=2:%d] ", d->nl + 1);
    gp_str(f, dp);
    fprintf(f, " using 1:k with lines lw 2 title columnheader(k)");
    if (lab[0]) {
        fprintf(f, ", ");
        gp_str(f, lab);
        fprintf(f, " using 1:(0.93):(stringcolumn(2)) axes x1y2 with labels font ',11' tc rgb '#444444'");
    }
    fprintf(f, "\nunset title\nset xlabel 'clock time (h:min)'\nset ylabel 'disc height (mm)'\n");
    fprintf(f, "plot for [k=2:%d] ", d->nl + 1);
    gp_str(f, dh);
    fprintf(f, " using 1:k with lines lw 2 title columnheader(k)\nunset multiplot\n");
}

ds_status fig_day(const fctx *c, gp_session *g, int *drawn, ds_error *err)
{
    *drawn = 0;
    day_data d;
    ds_status st = day_load(c, &d, err);
    if (st == DS_OK && (!d.t || !d.nl))
        fig_skip(c, "day", "the file records no disc pressure and height");
    if (st != DS_OK || !d.t || !d.nl) {
        day_free(&d);
        return st;
    }
    char dp[160], dh[160], lab[160], out[512];
    fig_columns(c, g, "pressure.tsv", d.t, d.n, (const double *const *)d.P, d.nl, d.lv, dp, sizeof dp);
    fig_columns(c, g, "height.tsv", d.t, d.n, (const double *const *)d.H, d.nl, d.lv, dh, sizeof dh);
    gp_begin_figure(g, "day", c->o->width, c->o->height, out, sizeof out);
    fprintf(g->script, "set multiplot layout 2,1\n");
    fig_time_axis(g->script);
    st = fig_shade(c, g, c->show, 1, 0, lab, sizeof lab, err);
    if (st == DS_OK)
        day_plot(c, g, &d, dp, dh, lab);
    day_free(&d);
    if (st == DS_OK)
        st = gp_run(g, err);
    if (st == DS_OK) {
        fig_wrote(c, out);
        *drawn = 1;
    }
    return st;
}

/* ---- muscles ---------------------------------------------------------------------------- */

enum { NGROUP = 6 };

typedef struct muscle_data {
    double *t;
    size_t n;
    double *F[NGROUP], *mc, *ld;
    const char *names[NGROUP + 2];
    int ng;
} muscle_data;

static void muscles_free(muscle_data *d)
{
    free(d->t), free(d->mc), free(d->ld);
    for (int k = 0; k < d->ng; k++)
        free(d->F[k]);
}

/* Forces of the groups recorded at the level, its muscle compression and axial load. */
static ds_status muscles_load(const fctx *c, muscle_data *d, ds_error *err)
{
    static const char *const groups[NGROUP] = {"erector_spinae", "multifidus", "quadratus_lumborum",
                                               "psoas",          "rectus_abdominis", "obliques"};
    static const char *const shown[NGROUP] = {"erector spinae", "multifidus", "quadratus lumborum",
                                              "psoas",          "rectus abdominis", "obliques"};
    memset(d, 0, sizeof *d);
    ds_status st = fig_time(c, c->show, &d->t, &d->n, err);
    for (int k = 0; d->t && k < NGROUP && st == DS_OK; k++) {
        char rel[128];
        double *v = NULL;
        snprintf(rel, sizeof rel, "/muscles/%s/%s/force", groups[k], c->level);
        st = fig_series(c, c->show, rel, d->n, &v, err);
        if (v) {
            d->F[d->ng] = v;
            d->names[d->ng++] = shown[k];
        }
    }
    char rel1[64], rel2[64];
    snprintf(rel1, sizeof rel1, "/levels/%s/muscle_compression", c->level);
    snprintf(rel2, sizeof rel2, "/levels/%s/axial_load", c->level);
    if (st == DS_OK && d->t)
        st = fig_series(c, c->show, rel1, d->n, &d->mc, err);
    if (st == DS_OK && d->t)
        st = fig_series(c, c->show, rel2, d->n, &d->ld, err);
    return st;
}

/* Stacked: cumulative sums of the forces, then the muscles' share of the load in %. */
static ds_status muscles_stack(const muscle_data *d, double **cum, ds_error *err)
{
    for (int k = 0; k <= d->ng; k++)
        cum[k] = malloc(d->n * sizeof(double)); /* n >= 1 */
    for (int k = 0; k <= d->ng; k++)
        if (!cum[k])
            return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int k = 0; k < d->ng; k++)
        for (size_t i = 0; i < d->n; i++)
            cum[k][i] = d->F[k][i] + (k ? cum[k - 1][i] : 0.0);
    for (size_t i = 0; i < d->n; i++)
        cum[d->ng][i] = d->ld[i] > 0 ? 100.0 * d->mc[i] / d->ld[i] : 0.0;
    return DS_OK;
}

static void muscles_plot(const fctx *c, FILE *f, int ng, const char *dat)
{
    char tt[128];
    snprintf(tt, sizeof tt, "muscle forces at %s (stacked, both sides)%s%s", c->level, c->narm > 1 ? ", arm " : "",
             c->narm > 1 ? c->arm[c->show_arm] : "");
    fig_title(c, f, tt);
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
}

ds_status fig_muscles(const fctx *c, gp_session *g, int *drawn, ds_error *err)
{
    *drawn = 0;
    muscle_data d;
    ds_status st = muscles_load(c, &d, err);
    if (st == DS_OK && (!d.t || !d.ng || !d.mc || !d.ld))
        fig_skip(c, "muscles", "the file records no muscle forces and loads");
    if (st != DS_OK || !d.t || !d.ng || !d.mc || !d.ld) {
        muscles_free(&d);
        return st;
    }
    double *cum[NGROUP + 1] = {NULL};
    char dat[160], out[512], lab[160];
    st = muscles_stack(&d, cum, err);
    d.names[d.ng] = "muscle share of the disc load";
    if (st == DS_OK)
        fig_columns(c, g, "muscles.tsv", d.t, d.n, (const double *const *)cum, d.ng + 1, d.names, dat, sizeof dat);
    for (int k = 0; k <= d.ng; k++)
        free(cum[k]);
    int ng = d.ng;
    muscles_free(&d);
    if (st != DS_OK)
        return st;
    gp_begin_figure(g, "muscles", c->o->width, c->o->height, out, sizeof out);
    fprintf(g->script, "set multiplot layout 2,1\n");
    fig_time_axis(g->script);
    st = fig_shade(c, g, c->show, 0, 0, lab, sizeof lab, err);
    if (st == DS_OK) {
        muscles_plot(c, g->script, ng, dat);
        st = gp_run(g, err);
    }
    if (st == DS_OK) {
        fig_wrote(c, out);
        *drawn = 1;
    }
    return st;
}
