/* Drawing pieces the figures share: log lines, the clock axis, titles, the shaded phases and
 * massage sessions, and the decimated data columns. */
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

/* Shading by the kind of posture, from its name: lying (and asleep), sitting, standing. */
static const char *posture_colour(const char *name)
{
    if (!strncmp(name, "lying", 5) || !strncmp(name, "sleeping", 8))
        return "#cfe3f3";
    if (!strncmp(name, "sitting", 7))
        return "#f6e2cc";
    if (!strncmp(name, "standing", 8))
        return "#dcefdc";
    return "#e6e6e6";
}

void fig_time_axis(FILE *f)
{
    fprintf(f, "set xdata time\nset timefmt '%%s'\nset format x '%%H:%%M'\nset xlabel 'clock time (h:min)'\n");
}

void fig_title(const fctx *c, FILE *f, const char *what)
{
    /* the scenario name is text from the file: a literal, never a command */
    fprintf(f, "set title ");
    char buf[512];
    snprintf(buf, sizeof buf, "%s: %s", c->name ? c->name : "discsim", what);
    gp_str(f, buf);
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
        if (lf && tok && b - a > 0.06 * (c->w1 - c->w0)) {
            fprintf(lf, "%.3f\t", c->clock0 + 0.5 * (a + b));
            gp_field(lf, tok);
            fputc('\n', lf);
        }
    }
}

/* Massage sessions: hatched, of this stream or of every arm. */
static ds_status shade_massage(const fctx *c, FILE *f, const char *prefix, int all_arms, ds_error *err)
{
    for (int a = 0; a < (all_arms ? c->narm : 1); a++) {
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
            fprintf(f,
                    "set object rect from %.3f, graph 0 to %.3f, graph 1 front fc rgb '#CC79A7' fs transparent pattern 4 "
                    "border lc rgb '#CC79A7'\n",
                    c->clock0 + s0, c->clock0 + s1);
        }
        free(ms);
    }
    return DS_OK;
}

ds_status fig_shade(const fctx *c, gp_session *g, const char *prefix, int label, int all_arms, char *lab, size_t n,
                    ds_error *err)
{
    FILE *f = g->script;
    fprintf(f, "set xrange [%.3f:%.3f]\n", c->clock0 + c->w0, c->clock0 + c->w1);
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
