/* The herniation's figures: nerve-root contact pressure over the day (every arm, the model's
 * thresholds) and the sagittal teaching schematic (four panels and an animated GIF). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"

/* ---- root contact --------------------------------------------------------------------- */

/* One data file per arm that records a root contact pressure; *na counts them. */
static ds_status root_columns(const fctx *c, gp_session *g, char files[][160], int *na, ds_error *err)
{
    *na = 0;
    ds_status st = DS_OK;
    for (int a = 0; a < c->narm && st == DS_OK; a++) {
        size_t n;
        double *t, *p = NULL;
        st = fig_time(c, c->pre[a], &t, &n, err);
        if (st == DS_OK && t)
            st = fig_series(c, c->pre[a], "/root/contact_pressure_mmHg", n, &p, err);
        if (p) {
            const double *cols[1] = {p};
            const char *hdr[1] = {c->narm > 1 ? c->arm[a] : "contact pressure"};
            char name[32];
            snprintf(name, sizeof name, "root%d.tsv", a);
            fig_columns(c, g, name, t, n, cols, 1, hdr, files[(*na)++], sizeof files[0]);
        }
        free(t);
        free(p);
    }
    return st;
}

/* Dashed lines at the model's thresholds, and their labels in the data file tl. */
static void root_thresholds(gp_session *g, const ds_h5_array *thr, char *names, char *tl, size_t n)
{
    FILE *f = g->script;
    FILE *lf = gp_data(g, "thresholds.tsv", tl, n);
    char *save = NULL, *tok = names ? strtok_r(names, "\n", &save) : NULL;
    for (size_t k = 0; k < thr->count; k++, tok = tok ? strtok_r(NULL, "\n", &save) : NULL) {
        double v = thr->data[k];
        fprintf(f, "set arrow from graph 0, first %g to graph 1, first %g nohead dt 2 lw 1.2 lc rgb '#777777'\n", v, v);
        if (lf) {
            fprintf(lf, "%g\t%g mmHg: ", v, v);
            gp_field(lf, tok ? tok : "");
            fputc('\n', lf);
        }
    }
    if (lf)
        fclose(lf);
}

static void root_plot(const fctx *c, FILE *f, char files[][160], int na, const char *tl)
{
    fprintf(f, "plot ");
    for (int a = 0; a < na; a++) {
        if (a)
            fprintf(f, ", ");
        gp_str(f, files[a]);
        fprintf(f, " using 1:2 with lines lw 2 lt %d title columnheader(2)", a + 1);
    }
    if (tl[0]) {
        fprintf(f, ", ");
        gp_str(f, tl);
        fprintf(f, " using (%.3f):1:(stringcolumn(2)) with labels left offset 0.5,0.6 font ',11' "
                   "tc rgb '#555555'",
                c->clock0 + c->w0);
    }
    fprintf(f, "\n");
}

ds_status fig_root(const fctx *c, gp_session *g, int *drawn, ds_error *err)
{
    *drawn = 0;
    if (!fig_has(c, c->ref, "/root/contact_pressure_mmHg")) {
        fig_skip(c, "root", "no herniation in this file (no /root datasets)");
        return DS_OK;
    }
    char files[MAX_ARMS][160], out[512], lab[160], tl[160] = "", path[256];
    int na;
    ds_h5_array thr = {0};
    char *names = NULL;
    ds_status st = root_columns(c, g, files, &na, err);
    snprintf(path, sizeof path, "%s/meta/thresholds", c->ref);
    if (st == DS_OK)
        st = fig_vector(c, path, DS_H5_ANY, false, DS_H5_FINITE, &thr, err);
    snprintf(path, sizeof path, "%s/meta/threshold_names", c->ref);
    if (st == DS_OK && thr.present)
        st = fig_text(c, path, &names, err);
    if (st == DS_OK) {
        gp_begin_figure(g, "root", c->o->width, c->o->height, out, sizeof out);
        fig_time_axis(g->script);
        st = fig_shade(c, g, c->ref, 0, 1, lab, sizeof lab, err);
    }
    if (st == DS_OK) {
        fig_title(c, g->script, "nerve-root contact pressure");
        fprintf(g->script, "set ylabel 'root contact pressure (mmHg)'\nset yrange [0:*]\n");
        if (thr.present)
            root_thresholds(g, &thr, names, tl, sizeof tl);
        root_plot(c, g->script, files, na, tl);
        st = gp_run(g, err);
    }
    ds_h5_array_free(&thr);
    free(names);
    if (st == DS_OK) {
        fig_wrote(c, out);
        *drawn = 1;
    }
    return st;
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

/* The herniated level's series, all [subject][n] with n the length of /time. */
typedef struct segment_data {
    double *t;
    size_t n;
    double *v[5]; /* P, H, D (protrusion), G (gap), C (contact pressure) */
} segment_data;

static void segment_free(segment_data *d)
{
    free(d->t);
    for (int k = 0; k < 5; k++)
        free(d->v[k]);
}

/* True if every series is there (an error leaves the rest unread). */
static bool segment_load(const fctx *c, segment_data *d, ds_status *st, ds_error *err)
{
    memset(d, 0, sizeof *d);
    char rel[2][64];
    snprintf(rel[0], sizeof rel[0], "/levels/%s/pressure", c->level);
    snprintf(rel[1], sizeof rel[1], "/levels/%s/height", c->level);
    const char *rels[5] = {rel[0], rel[1], "/root/protrusion", "/root/gap", "/root/contact_pressure_mmHg"};
    *st = fig_time(c, c->ref, &d->t, &d->n, err);
    bool all = *st == DS_OK && d->t;
    for (int k = 0; k < 5 && all; k++)
        all = (*st = fig_series(c, c->ref, rels[k], d->n, &d->v[k], err)) == DS_OK && d->v[k];
    return all;
}

/* Pass 0: four panels in the figure's format; pass 1: the animated GIF over the window. */
static void segment_frames(const fctx *c, gp_session *g, const segment_data *d, int pass, char *out, size_t n)
{
    static const double frac[4] = {1.0 / 24, 4.0 / 24, 11.0 / 24, 20.0 / 24};
    ds_plot_opts go = *c->o;
    if (pass == 1)
        go.format = "gif";
    const ds_plot_opts *keep = g->opts;
    g->opts = &go;
    gp_begin_figure(g, "schematic", pass ? 640 : c->o->width, pass ? 420 : c->o->height, out, n);
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
        while (i + 1 < d->n && d->t[i + 1] <= tq)
            i++;
        draw_segment(f, d->v[1][i], d->v[0][i], d->v[2][i], d->v[3][i], d->v[4][i], c->clock0 + d->t[i], k);
    }
    if (!pass)
        fprintf(f, "unset multiplot\n");
}

ds_status fig_schematic(const fctx *c, gp_session *g, int *drawn, ds_error *err)
{
    *drawn = 0;
    if (!fig_has(c, c->ref, "/root/protrusion")) {
        fig_skip(c, "schematic", "no herniation in this file (no /root datasets)");
        return DS_OK;
    }
    segment_data d;
    ds_status st;
    if (!segment_load(c, &d, &st, err)) {
        if (st == DS_OK)
            fig_skip(c, "schematic", "the file lacks the herniated level's pressure and height");
        segment_free(&d);
        return st;
    }
    char out[512];
    for (int pass = 0; pass < 2 && st == DS_OK; pass++) {
        segment_frames(c, g, &d, pass, out, sizeof out);
        if ((st = gp_run(g, err)) != DS_OK)
            break;
        fig_wrote(c, out);
        if (pass == 0) { /* a fresh script for the GIF */
            bool dry = g->dry;
            gp_close(g);
            st = gp_open(g, c->o, dry, err);
        }
    }
    segment_free(&d);
    *drawn = st == DS_OK ? 2 : 0;
    return st;
}
