/* The herniation's figures: nerve-root contact pressure over the day (every arm, the model's
 * thresholds) and the sagittal teaching schematic (four panels and an animated GIF). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"

/* ---- root contact --------------------------------------------------------------------- */

/* One data file per arm drawn that records a root contact pressure, for the window of c;
 * *na counts them, arm[] their arms, rows[] their rows. */
static ds_status root_columns(const fctx *c, gp_session *g, const char *tag, char files[][160], int *arm, int *rows,
                              int *na, double *ymax, ds_error *err)
{
    *na = 0;
    *ymax = 0.0;
    ds_status st = DS_OK;
    for (int a = 0; a < c->narm && st == DS_OK; a++) {
        if (!fig_arm_drawn(c, a))
            continue;
        size_t n;
        double *t, *p = NULL;
        st = fig_time(c, c->pre[a], &t, &n, err);
        if (st == DS_OK && t)
            st = fig_series(c, c->pre[a], "/root/contact_pressure_mmHg", n, &p, err);
        for (size_t i = 0; p && i < n; i++)
            if (t[i] >= c->w0 && t[i] <= c->w1 && p[i] > *ymax)
                *ymax = p[i];
        if (p) {
            const double *cols[1] = {p};
            char head[96];
            if (c->narm > 1)
                snprintf(head, sizeof head, "%s%s", c->arm[a], a == 0 ? " (reference)" : "");
            else
                snprintf(head, sizeof head, "contact pressure");
            const char *hdr[1] = {head};
            char name[32];
            snprintf(name, sizeof name, "root%s%d.tsv", tag, a);
            arm[*na] = a;
            rows[*na] = fig_columns(c, g, name, t, n, cols, 1, hdr, files[*na], sizeof files[0]);
            (*na)++;
        }
        free(t);
        free(p);
    }
    return st;
}

/* Dashed lines at the model's thresholds up to twice the highest pressure shown (so that the
 * curve keeps most of the height), labelled at their right end on an opaque box (so that a
 * curve passing there leaves them readable): "oedema, 50 mmHg". The y range holds them. */
static void root_thresholds(FILE *f, const ds_h5_array *thr, const char *names, double ymax)
{
    double top = ymax;
    for (size_t k = 0; k < thr->count; k++)
        if (thr->data[k] <= 2.0 * ymax && thr->data[k] > top)
            top = thr->data[k];
    fprintf(f, "set yrange [0:%g]\n", top > 0.0 ? 1.08 * top : 1.0);
    char *copy = names ? strdup(names) : NULL, *save = NULL;
    char *tok = copy ? strtok_r(copy, "\n", &save) : NULL;
    fprintf(f, "set style textbox opaque noborder margins 2,1\n");
    for (size_t k = 0; k < thr->count; k++, tok = tok ? strtok_r(NULL, "\n", &save) : NULL) {
        double v = thr->data[k];
        if (v > 2.0 * ymax)
            continue;
        char words[96], text[160];
        fig_words(tok ? tok : "", words, sizeof words);
        snprintf(text, sizeof text, "%s%s%g mmHg", words, *words ? ", " : "", v);
        fprintf(f, "set arrow from graph 0, first %g to graph 1, first %g nohead dt 2 lw 1.2 lc rgb '#777777'\n", v, v);
        fprintf(f, "set label ");
        gp_str(f, text);
        fprintf(f, " at graph 0.99, first %g right offset 0,0.55 boxed font ',%s' tc rgb '#444444' front\n", v, "11");
    }
    free(copy);
}

/* One panel: the arms' contact pressure in the window of c, over shading and thresholds. */
static ds_status root_panel(const fctx *c, gp_session *g, const char *tag, const ds_h5_array *thr, const char *names,
                            const char *what, ds_error *err)
{
    char files[MAX_ARMS][160], lab[160];
    int arm[MAX_ARMS], rows[MAX_ARMS], na;
    double ymax;
    ds_status st = root_columns(c, g, tag, files, arm, rows, &na, &ymax, err);
    if (st == DS_OK)
        st = fig_shade(c, g, c->ref, 0, 1, lab, sizeof lab, err);
    if (st != DS_OK)
        return st;
    FILE *f = g->script;
    fig_title(c, f, what);
    fprintf(f, "set ylabel 'contact pressure (mmHg)'\nset yrange [0:*]\n");
    if (thr->present)
        root_thresholds(f, thr, names, ymax);
    fprintf(f, "plot ");
    for (int k = 0; k < na; k++) {
        fprintf(f, "%s", k ? ", " : "");
        gp_str(f, files[k]);
        fprintf(f, " using 1:2 ");
        fig_arm_style(f, arm[k], rows[k] / 8);
        fprintf(f, " title columnheader(2)");
    }
    fprintf(f, "\n");
    return DS_OK;
}

ds_status fig_root(const fctx *c, gp_session *g, int *drawn, ds_error *err)
{
    *drawn = 0;
    if (!fig_has(c, c->ref, "/root/contact_pressure_mmHg")) {
        fig_skip(c, "root", "no herniation in this file (no /root datasets)");
        return DS_OK;
    }
    char out[512], path[256];
    ds_h5_array thr = {0};
    char *names = NULL;
    snprintf(path, sizeof path, "%s/meta/thresholds", c->ref);
    ds_status st = fig_vector(c, path, DS_H5_ANY, false, DS_H5_FINITE, &thr, err);
    snprintf(path, sizeof path, "%s/meta/threshold_names", c->ref);
    if (st == DS_OK && thr.present)
        st = fig_text(c, path, &names, err);
    /* with a massage in the day: the day above, the session and the hours after it below */
    fctx zoom;
    int zoomed = st == DS_OK ? fig_session_zoom(c, &zoom, err, &st) : 0;
    if (st == DS_OK) {
        gp_begin_figure(g, "root", c->o->width, c->o->height, out, sizeof out);
        fig_time_axis(g->script);
        if (zoomed)
            fprintf(g->script, "set multiplot layout 2,1\n");
        st = root_panel(c, g, "", &thr, names, "nerve-root contact pressure", err);
    }
    if (st == DS_OK && zoomed) {
        fig_next_panel(g->script);
        fprintf(g->script, "set key off\n"); /* the arms' key is the panel's above */
        st = root_panel(&zoom, g, "z", &thr, names, "the massage session and the 3 hours after it", err);
        fprintf(g->script, "unset multiplot\n");
    }
    if (st == DS_OK)
        st = gp_run(g, err);
    ds_h5_array_free(&thr);
    free(names);
    if (st == DS_OK) {
        fig_wrote(c, out);
        *drawn = 1;
    }
    return st;
}

/* ---- teaching schematic ------------------------------------------------------------------ */

/* A stream's herniated level over time, with its postures and massage sessions. */
typedef struct segment_data {
    double *t;
    size_t n;
    double *v[5];      /* P, H, D (protrusion), G (gap), C (contact pressure), all [n] */
    double *phase;     /* [np][2] */
    size_t np;
    char *posture;     /* one per line */
    double *massage;   /* [nm][2] */
    size_t nm;
} segment_data;

static void segment_free(segment_data *d)
{
    free(d->t);
    for (int k = 0; k < 5; k++)
        free(d->v[k]);
    free(d->phase);
    free(d->posture);
    free(d->massage);
    memset(d, 0, sizeof *d);
}

/* True if every series of stream pre is there (an error leaves the rest unread). */
static bool segment_load(const fctx *c, const char *pre, segment_data *d, ds_status *st, ds_error *err)
{
    memset(d, 0, sizeof *d);
    char rel[2][64], path[256];
    snprintf(rel[0], sizeof rel[0], "/levels/%s/pressure", c->level);
    snprintf(rel[1], sizeof rel[1], "/levels/%s/height", c->level);
    const char *rels[5] = {rel[0], rel[1], "/root/protrusion", "/root/gap", "/root/contact_pressure_mmHg"};
    *st = fig_time(c, pre, &d->t, &d->n, err);
    bool all = *st == DS_OK && d->t;
    for (int k = 0; k < 5 && all; k++)
        all = (*st = fig_series(c, pre, rels[k], d->n, &d->v[k], err)) == DS_OK && d->v[k];
    snprintf(path, sizeof path, "%s/meta/timeline/phase_span", pre);
    if (all && (*st = fig_spans(c, path, &d->phase, &d->np, err)) == DS_OK && d->phase) {
        snprintf(path, sizeof path, "%s/meta/timeline/phase_posture", pre);
        *st = fig_text(c, path, &d->posture, err);
    }
    snprintf(path, sizeof path, "%s/meta/timeline/massage_span", pre);
    if (all && *st == DS_OK)
        *st = fig_spans(c, path, &d->massage, &d->nm, err);
    return all && *st == DS_OK;
}

/* The posture at time t ("" if the file does not say), as words. */
static void posture_at(const segment_data *d, double t, char *out, size_t n)
{
    out[0] = '\0';
    const char *p = d->posture;
    for (size_t k = 0; p && k < d->np; k++) {
        size_t len = strcspn(p, "\n");
        if (t >= d->phase[2 * k] && t < d->phase[2 * k + 1]) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), p);
            fig_words(name, out, n);
            return;
        }
        p += len + (p[len] == '\n');
    }
}

static bool in_massage(const segment_data *d, double t)
{
    for (size_t k = 0; k < d->nm; k++)
        if (t >= d->massage[2 * k] && t < d->massage[2 * k + 1])
            return true;
    return false;
}

/* One sagittal panel at record i: vertebra above and below, the disc with its nucleus, the
 * herniation pushing back, the nerve root behind it (red when pressed). x posterior to the
 * left (mm), y up (mm). With parts, the parts are named. */
static void draw_segment(FILE *f, const segment_data *d, size_t i, double clock, const char *head, bool parts)
{
    const double depth = 40.0, vb = 22.0, root_d = 5.0;
    const double P = d->v[0][i], h = d->v[1][i], delta = d->v[2][i], gap = d->v[3][i], pc = d->v[4][i];
    int hh = (int)fmod(clock / 3600.0, 24.0), mm = (int)fmod(clock / 60.0, 60.0);
    fprintf(f, "unset object\nunset label\nunset arrow\n");
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
    char text[200];
    snprintf(text, sizeof text, "%s%s%02d:%02d", head, *head ? ", " : "", hh, mm);
    fprintf(f, "set label 1 ");
    gp_str(f, text);
    fprintf(f, " at graph 0.5, graph 1.04 center font ',13'\n");
    char posture[64];
    posture_at(d, d->t[i], posture, sizeof posture);
    snprintf(text, sizeof text, "%s%s", posture, in_massage(d, d->t[i]) ? ", massaged" : "");
    fprintf(f, "set label 5 ");
    gp_str(f, text);
    fprintf(f, " at graph 0.5, graph 0.96 center font ',11' tc rgb '%s'\n", in_massage(d, d->t[i]) ? "#A0508A" : "#555555");
    fprintf(f, "set label 2 'nucleus %.2f MPa, disc %.2f mm high' at graph 0.02, graph 0.03 font ',10'\n", P, h);
    fprintf(f, "set label 3 'root pressed at %.1f mmHg' at graph 0.02, graph 0.10 font ',10' tc rgb '%s'\n", pc,
            pc > 0 ? "#D55E00" : "#555555");
    if (parts) { /* the parts, named once */
        fprintf(f, "set label 10 'vertebra' at %g,%g center font ',10' tc rgb '#6b5b3a'\n", depth / 2, h + vb / 2);
        fprintf(f, "set label 11 'vertebra' at %g,%g center font ',10' tc rgb '#6b5b3a'\n", depth / 2, -vb / 2);
        fprintf(f, "set label 12 'nucleus' at %g,%g center font ',10' tc rgb '#08306b'\n", depth * 0.55, h / 2);
        fprintf(f, "set label 13 'annulus' at %g,%g right font ',9' tc rgb '#08306b'\n", depth - 1.0, h * 0.25);
        fprintf(f, "set label 14 'herniation' at %g,%g center font ',10' tc rgb '#08306b'\n", -delta * 0.6, h + 5.0);
        fprintf(f, "set arrow 1 from %g,%g to %g,%g lw 1 lc rgb '#08306b' size 1,20\n", -delta * 0.6, h + 4.0,
                -delta * 0.5, h * 0.75);
        fprintf(f, "set label 15 'nerve root' at %g,%g center font ',10' tc rgb '#7f2704'\n", cx, -5.5);
        fprintf(f, "set arrow 2 from %g,%g to %g,%g lw 1 lc rgb '#7f2704' size 1,20\n", cx, -4.5, cx, h / 2 - root_d / 2);
        fprintf(f, "set label 16 'posterior (back)' at graph 0.02, graph 0.17 font ',9' tc rgb '#777777'\n");
    }
    fprintf(f, "plot NaN notitle\n");
}

static size_t record_at(const segment_data *d, double tq)
{
    size_t i = 0;
    while (i + 1 < d->n && d->t[i + 1] <= tq)
        i++;
    return i;
}

/* The first massage session of the shown arm in the window: its start and end. */
static bool first_session(const fctx *c, const segment_data *d, double *s0, double *s1)
{
    for (size_t k = 0; k < d->nm; k++)
        if (d->massage[2 * k + 1] > c->w0 && d->massage[2 * k] < c->w1) {
            *s0 = d->massage[2 * k];
            *s1 = d->massage[2 * k + 1];
            return true;
        }
    return false;
}

/* The panels: with arms and a session, the reference (top row) and the shown arm (bottom
 * row) 30 min before the session, in its middle and 1 h after it; otherwise the shown stream
 * at four times of the window. */
static void segment_panels(const fctx *c, gp_session *g, const segment_data *ref, const segment_data *arm,
                           char *out, size_t n)
{
    gp_begin_figure(g, "schematic", c->o->width, c->o->height, out, n);
    FILE *f = g->script;
    fprintf(f, "set lmargin\nset rmargin\nset size ratio -1\nset xrange [-16:44]\nset yrange [-24:34]\nunset xtics\n"
               "unset ytics\nunset grid\nset border 0\nunset key\n");
    char tt[512], name[200];
    fig_words(c->name ? c->name : "discsim", name, sizeof name);
    double s0, s1;
    bool session = first_session(c, arm, &s0, &s1);
    if (c->o->title)
        snprintf(tt, sizeof tt, "%s", c->o->title);
    else if (session && ref != arm)
        snprintf(tt, sizeof tt, "%s: the herniated %s segment around the massage, %s (top) and %s (bottom)", name,
                 c->level, c->arm[0], c->arm[c->show_arm]);
    else
        snprintf(tt, sizeof tt, "%s: the herniated %s segment over the day%s%s", name, c->level,
                 c->narm > 1 ? ", arm " : "", c->narm > 1 ? c->arm[c->show_arm] : "");
    if (session && ref != arm) {
        const double when[3] = {s0 - 1800.0 > 0.0 ? s0 - 1800.0 : 0.0, 0.5 * (s0 + s1),
                                s1 + 3600.0 < c->T ? s1 + 3600.0 : c->T};
        static const char *const what[3] = {"30 min before", "during the massage", "1 h after"};
        fprintf(f, "set multiplot layout 2,3 margins 0.02,0.98,0.02,0.89 spacing 0.03,0.11 title ");
        gp_str(f, tt);
        fprintf(f, " font ',15'\n");
        for (int r = 0; r < 2; r++)
            for (int k = 0; k < 3; k++) {
                const segment_data *d = r ? arm : ref;
                size_t i = record_at(d, when[k]);
                char head[160];
                snprintf(head, sizeof head, "%s, %s", c->arm[r ? c->show_arm : 0], what[k]);
                draw_segment(f, d, i, c->clock0 + d->t[i], head, r == 0 && k == 0);
            }
    } else {
        static const double frac[4] = {1.0 / 24, 4.0 / 24, 11.0 / 24, 20.0 / 24};
        fprintf(f, "set multiplot layout 2,2 margins 0.02,0.98,0.02,0.89 spacing 0.03,0.11 title ");
        gp_str(f, tt);
        fprintf(f, " font ',15'\n");
        for (int k = 0; k < 4; k++) {
            size_t i = record_at(arm, c->w0 + (c->w1 - c->w0) * frac[k]);
            draw_segment(f, arm, i, c->clock0 + arm->t[i], "", k == 0);
        }
    }
    fprintf(f, "unset multiplot\n");
}

/* The animated GIF over the window: the shown stream, its posture and massage on each frame. */
static void segment_gif(const fctx *c, gp_session *g, const segment_data *d, char *out, size_t n)
{
    ds_plot_opts go = *c->o;
    go.format = "gif";
    const ds_plot_opts *keep = g->opts;
    g->opts = &go;
    gp_begin_figure(g, "schematic", 640, 480, out, n);
    g->opts = keep;
    FILE *f = g->script;
    fprintf(f, "set tmargin 3\nset lmargin\nset rmargin\nset size ratio -1\nset xrange [-16:44]\nset yrange [-24:34]\nunset xtics\n"
               "unset ytics\nunset grid\nset border 0\nunset key\n");
    char head[200];
    snprintf(head, sizeof head, "%.8s%s%.63s", c->level, c->narm > 1 ? ", arm " : "", c->narm > 1 ? c->arm[c->show_arm] : "");
    for (int k = 0; k < 48; k++) {
        size_t i = record_at(d, c->w0 + (c->w1 - c->w0) * (k + 0.5) / 48);
        draw_segment(f, d, i, c->clock0 + d->t[i], head, true);
    }
}

ds_status fig_schematic(const fctx *c, gp_session *g, int *drawn, ds_error *err)
{
    *drawn = 0;
    if (!fig_has(c, c->show, "/root/protrusion")) {
        fig_skip(c, "schematic", "no herniation in this file (no /root datasets)");
        return DS_OK;
    }
    segment_data ref, arm;
    ds_status st;
    bool two = strcmp(c->show, c->ref) != 0;
    memset(&ref, 0, sizeof ref);
    if (!segment_load(c, c->show, &arm, &st, err) || (two && !segment_load(c, c->ref, &ref, &st, err))) {
        if (st == DS_OK)
            fig_skip(c, "schematic", "the file lacks the herniated level's pressure and height");
        segment_free(&arm);
        segment_free(&ref);
        return st;
    }
    char out[512];
    segment_panels(c, g, two ? &ref : &arm, &arm, out, sizeof out);
    if ((st = gp_run(g, err)) == DS_OK) {
        fig_wrote(c, out);
        bool dry = g->dry; /* a fresh script for the GIF */
        gp_close(g);
        st = gp_open(g, c->o, dry, err);
    }
    if (st == DS_OK) {
        segment_gif(c, g, &arm, out, sizeof out);
        if ((st = gp_run(g, err)) == DS_OK)
            fig_wrote(c, out);
    }
    segment_free(&arm);
    segment_free(&ref);
    *drawn = st == DS_OK ? 2 : 0;
    return st;
}
