/* Drawing pieces the figures share: log lines, the clock axis, titles, the shaded phases and
 * massage sessions, and the decimated data columns. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"

void fig_skip(const fctx *c, const char *fig, const char *why)
{
    if (c->o->log)
        fprintf(c->o->log, "skipped %-10s %s\n", fig, why);
}

void fig_wrote(const fctx *c, const char *path)
{
    if (c->o->log)
        fprintf(c->o->log, "wrote   %s\n", path);
}

/* Shading by the kind of posture, from its name: lying (and asleep), sitting, standing; the
 * same table draws the key of the shading. The massage is hatched (MASSAGE_FILL). */
static const struct {
    const char *prefix[2], *key, *colour;
} kinds[] = {{{"lying", "sleeping"}, "lying, asleep", "#cfe3f3"},
             {{"sitting", NULL}, "sitting", "#f6e2cc"},
             {{"standing", NULL}, "standing", "#dcefdc"}};
enum { NKINDS = sizeof kinds / sizeof kinds[0] };
#define MASSAGE_FILL "fc rgb '#CC79A7' fs transparent pattern 4 border lc rgb '#CC79A7'"

static const char *posture_colour(const char *name)
{
    for (int k = 0; k < NKINDS; k++)
        for (int j = 0; j < 2 && kinds[k].prefix[j]; j++)
            if (!strncmp(name, kinds[k].prefix[j], strlen(kinds[k].prefix[j])))
                return kinds[k].colour;
    return "#e6e6e6";
}

void fig_time_axis(FILE *f)
{
    fprintf(f, "set xdata time\nset timefmt '%%s'\nset format x '%%H:%%M'\nset xlabel 'clock time (h:min)'\n");
}

void fig_words(const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s", name);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = ' ';
}

void fig_key_words(const char *key, char *out, size_t n)
{
    const char *p = key;
    for (const char *q = key, *dot = NULL; *q; q++)
        if (*q == '.') {
            if (dot)
                p = dot + 1;
            dot = q;
        }
    fig_words(p, out, n);
    for (char *q = out; *q; q++)
        if (*q == '.')
            *q = ' ';
}

bool fig_arm_drawn(const fctx *c, int a)
{
    return !c->o->arm || a == 0 || a == c->show_arm;
}

void fig_title(const fctx *c, FILE *f, const char *what)
{
    /* the scenario name is text from the file: a literal, never a command */
    fprintf(f, "set title ");
    char buf[512], name[200];
    fig_words(c->name ? c->name : "discsim", name, sizeof name);
    snprintf(buf, sizeof buf, "%s: %s", name, what);
    gp_str(f, c->o->title ? c->o->title : buf);
    fprintf(f, "\n");
}

/* The phases of stream prefix, shaded by posture; labelled (lf not NULL) where wide enough. */
static void shade_phases(const fctx *c, FILE *f, FILE *lf, const double *span, size_t np, char *names)
{
    char *save = NULL, *tok = names ? strtok_r(names, "\n", &save) : NULL;
    for (size_t k = 0; k < np; k++, tok = tok ? strtok_r(NULL, "\n", &save) : NULL) {
        double a = span[2 * k], b = span[2 * k + 1];
        if (b <= c->w0 || a >= c->w1)
            continue;
        a = a < c->w0 ? c->w0 : a;
        b = b > c->w1 ? c->w1 : b;
        fprintf(f, "set object rect from %.3f, graph 0 to %.3f, graph 1 behind fc rgb '%s' fs solid 1.0 noborder\n",
                c->clock0 + a, c->clock0 + b, tok ? posture_colour(tok) : "#eeeeee");
        /* labelled where the name fits: about 1.2 % of the window per character at 1200 px */
        if (lf && tok && b - a > (0.012 * strlen(tok) + 0.01) * (c->w1 - c->w0)) {
            char words[64];
            fig_words(tok, words, sizeof words);
            fprintf(lf, "%.3f\t", c->clock0 + 0.5 * (a + b));
            gp_field(lf, words);
            fputc('\n', lf);
        }
    }
}

/* Massage sessions: hatched, of this stream or of every arm drawn. */
static ds_status shade_massage(const fctx *c, FILE *f, const char *prefix, int all_arms, ds_error *err)
{
    for (int a = 0; a < (all_arms ? c->narm : 1); a++) {
        if (all_arms && !fig_arm_drawn(c, a))
            continue;
        char path[256];
        snprintf(path, sizeof path, "%s/meta/timeline/massage_span", all_arms ? c->pre[a] : prefix);
        double *ms;
        size_t nm;
        ds_status st = fig_spans(c, path, &ms, &nm, err);
        if (st != DS_OK)
            return st;
        for (size_t k = 0; k < nm; k++) {
            double s0 = ms[2 * k], s1 = ms[2 * k + 1];
            if (s1 <= c->w0 || s0 >= c->w1)
                continue;
            fprintf(f, "set object rect from %.3f, graph 0 to %.3f, graph 1 front " MASSAGE_FILL "\n", c->clock0 + s0,
                    c->clock0 + s1);
        }
        free(ms);
    }
    return DS_OK;
}

/* Clock tics a readable distance apart: at most about 7 over the window. */
static void time_tics(const fctx *c, FILE *f)
{
    static const double step[] = {300, 600, 900, 1800, 3600, 7200, 10800, 14400, 21600, 43200, 86400};
    double span = c->w1 - c->w0, s = step[10];
    for (int k = 0; k < 11; k++)
        if (span / step[k] <= 7.0) {
            s = step[k];
            break;
        }
    /* tics on round clock times: the first multiple of the step at or after the window */
    double first = ceil((c->clock0 + c->w0) / s) * s;
    fprintf(f, "set xtics %.0f, %.0f\nset mxtics %d\n", first, s, s >= 3600 && fmod(s, 7200) == 0 ? 2 : s >= 1800 ? 3 : 2);
}

void fig_arm_style(FILE *f, int a, int every)
{
    static const int dash[] = {1, 1, 2, 4, 5, 3};
    if (a == 0)
        fprintf(f, "with lines lc rgb '#000000' lw 5 dt 1");
    else
        fprintf(f, "with linespoints lt %d lw 2.4 dt %d pi %d ps 1.3", a + 1, dash[a % 6], every > 0 ? every : 1);
}

int fig_session_zoom(const fctx *c, fctx *zoom, ds_error *err, ds_status *st)
{
    *st = DS_OK;
    if (c->o->window)
        return 0;
    double best = INFINITY, end = 0.0;
    for (int a = 0; a < c->narm && *st == DS_OK; a++) {
        if (!fig_arm_drawn(c, a))
            continue;
        char path[256];
        snprintf(path, sizeof path, "%s/meta/timeline/massage_span", c->pre[a]);
        double *ms = NULL;
        size_t nm = 0;
        *st = fig_spans(c, path, &ms, &nm, err);
        for (size_t k = 0; k < nm; k++)
            if (ms[2 * k + 1] > c->w0 && ms[2 * k] < c->w1 && ms[2 * k] < best) {
                best = ms[2 * k];
                end = ms[2 * k + 1];
            }
        free(ms);
    }
    if (*st != DS_OK || !isfinite(best))
        return 0;
    *zoom = *c;
    zoom->w0 = best - 1800.0 > 0.0 ? best - 1800.0 : 0.0;
    zoom->w1 = end + 3 * 3600.0 < c->T ? end + 3 * 3600.0 : c->T;
    return 1;
}

void fig_next_panel(FILE *f)
{
    fprintf(f, "unset object\nunset arrow\nunset label\nunset title\n");
}

/* What the shading means, in the lower right corner beside the plots: a swatch per kind of
 * posture and the massage's hatching. */
static void shading_key(FILE *f)
{
    for (int k = 0; k <= NKINDS; k++) {
        double y = 0.05 + 0.05 * (NKINDS - k);
        fprintf(f, "set object rect from screen 0.77, screen %.3f to screen 0.80, screen %.3f front ", y, y + 0.035);
        if (k < NKINDS)
            fprintf(f, "fc rgb '%s' fs solid 1.0 border lc rgb '#999999'\n", kinds[k].colour);
        else
            fprintf(f, MASSAGE_FILL "\n");
        fprintf(f, "set label ");
        gp_str(f, k < NKINDS ? kinds[k].key : "massage");
        fprintf(f, " at screen 0.81, screen %.3f left font ',11' front\n", y + 0.017);
    }
}

ds_status fig_shade(const fctx *c, gp_session *g, const char *prefix, int label, int all_arms, char *lab, size_t n,
                    ds_error *err)
{
    FILE *f = g->script;
    fprintf(f, "set xrange [%.3f:%.3f]\n", c->clock0 + c->w0, c->clock0 + c->w1);
    time_tics(c, f);
    shading_key(f);
    lab[0] = '\0';
    double *span = NULL;
    size_t np = 0;
    char *names = NULL;
    char path[256];
    snprintf(path, sizeof path, "%s/meta/timeline/phase_span", prefix);
    ds_status st = fig_spans(c, path, &span, &np, err);
    if (st == DS_OK && span) {
        snprintf(path, sizeof path, "%s/meta/timeline/phase_posture", prefix);
        st = fig_text(c, path, &names, err);
    }
    if (st == DS_OK) {
        FILE *lf = label && names ? gp_data(g, "phases.tsv", lab, n) : NULL;
        shade_phases(c, f, lf, span, np, names);
        if (lf)
            fclose(lf);
    }
    free(span);
    free(names);
    return st == DS_OK ? shade_massage(c, f, prefix, all_arms, err) : st;
}

int fig_columns(const fctx *c, gp_session *g, const char *name, const double *t, size_t n,
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
    size_t every = inwin > 2000 ? inwin / 2000 : 1, seen = 0, rows = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] < c->w0 - 1e-6 || t[i] > c->w1 + 1e-6)
            continue;
        if (seen++ % every)
            continue;
        fprintf(f, "%.3f", c->clock0 + t[i]);
        for (int j = 0; j < k; j++)
            fprintf(f, "\t%.9g", v[j][i]);
        fputc('\n', f);
        rows++;
    }
    fclose(f);
    return rows > 2147483647u ? 2147483647 : (int)rows;
}
