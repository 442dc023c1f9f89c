/* What the figures read from an output file, through ds_h5_read_array and the other checked
 * readers: each loader tells the reader the rank, shape and values it expects, so whatever a
 * figure indexes has the length it was told, and a file that does not fit fails with a
 * message naming the dataset instead of being read out of bounds. */
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "fig.h"

int fig_has(const fctx *c, const char *prefix, const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", prefix, rel);
    return ds_h5_exists(c->file, path);
}

ds_status fig_time(const fctx *c, const char *prefix, double **t, size_t *n, ds_error *err)
{
    char path[256];
    snprintf(path, sizeof path, "%s/time", prefix);
    /* an empty axis is a run kept as summaries only (--record summary): no series to draw */
    ds_h5_want want = {.rank = 1, .dims = {DS_H5_ANY}, .optional = true, .check = DS_H5_TIMES, .layout = "a time axis"};
    ds_h5_array a;
    ds_status st = ds_h5_read_array(c->file, path, &want, &a, err);
    *t = a.count ? a.data : NULL;
    *n = a.count;
    if (!a.count)
        ds_h5_array_free(&a);
    return st;
}

ds_status fig_series(const fctx *c, const char *prefix, const char *rel, size_t ntime, double **v, ds_error *err)
{
    char path[512], layout[300];
    snprintf(path, sizeof path, "%s%s", prefix, rel);
    snprintf(layout, sizeof layout, "[subject][time] as long as '%s/time'", prefix);
    ds_h5_want want = {.rank = 2, .dims = {DS_H5_ANY, ntime}, .nonempty = true, .optional = true, .layout = layout};
    ds_h5_array a;
    ds_status st = ds_h5_read_array(c->file, path, &want, &a, err);
    *v = a.data; /* row 0 comes first */
    return st;
}

ds_status fig_vector(const fctx *c, const char *path, size_t len, bool nonempty, int check, ds_h5_array *a,
                     ds_error *err)
{
    ds_h5_want want = {.rank = 1, .dims = {len}, .nonempty = nonempty, .optional = true, .check = check};
    return ds_h5_read_array(c->file, path, &want, a, err);
}

ds_status fig_spans(const fctx *c, const char *path, double **span, size_t *n, ds_error *err)
{
    ds_h5_want want = {.rank = 2, .dims = {DS_H5_ANY, 2}, .optional = true, .check = DS_H5_FINITE,
                       .layout = "[span][start, end]"};
    ds_h5_array a;
    ds_status st = ds_h5_read_array(c->file, path, &want, &a, err);
    *span = a.data;
    *n = a.present ? a.dims[0] : 0;
    return st;
}

ds_status fig_text(const fctx *c, const char *path, char **text, ds_error *err)
{
    *text = NULL;
    return ds_h5_exists(c->file, path) ? ds_h5_read_text(c->file, path, text, err) : DS_OK;
}

/* ---- the context ------------------------------------------------------------------------------ */

/* Arm names become part of paths ("/arms/<name>/..."; a '/' in a name makes nested groups,
 * as the writer does) and must fit the context. */
static bool good_arm_name(const char *s)
{
    return *s && strlen(s) < sizeof ((fctx *)0)->arm[0] && strcmp(s, ".") && strcmp(s, "..");
}

/* The arms listed in /meta/arms (at most MAX_ARMS are drawn), or a single run. */
static ds_status read_arms(fctx *c, ds_error *err)
{
    c->narm = 1;
    snprintf(c->arm[0], sizeof c->arm[0], "run");
    c->pre[0][0] = '\0';
    char *arms = NULL;
    ds_status st = fig_text(c, "/meta/arms", &arms, err);
    if (st != DS_OK || !arms)
        return st;
    c->narm = 0;
    char *save = NULL;
    for (char *tok = strtok_r(arms, "\n", &save); tok && c->narm < MAX_ARMS; tok = strtok_r(NULL, "\n", &save)) {
        if (!good_arm_name(tok)) {
            st = ds_fail(err, DS_ERR_IO, "%s: dataset '/meta/arms' names an arm '%.80s' longer than 63 bytes or not a name",
                         c->file, tok);
            break;
        }
        snprintf(c->arm[c->narm], sizeof c->arm[0], "%s", tok);
        snprintf(c->pre[c->narm], sizeof c->pre[0], "/arms/%s", tok);
        c->narm++;
    }
    free(arms);
    if (st == DS_OK && c->narm == 0)
        st = ds_fail(err, DS_ERR_IO, "%s: dataset '/meta/arms' lists no arms", c->file);
    snprintf(c->ref, sizeof c->ref, "%s", c->pre[0]);
    return st;
}

/* One end of --window: a time from the start with its unit, or "day N HH:MM". */
static int window_end(const fctx *c, const char *s, double *t)
{
    char why[128];
    return !strncmp(s, "day", 3) ? ds_clock_time_parse(s, c->clock0, t) : ds_quantity_parse(s, "s", t, why, sizeof why);
}

/* --window A..B, inside the run. */
static ds_status read_window_option(fctx *c, ds_error *err)
{
    const char *w = c->o->window, *dots = strstr(w, "..");
    char a[64];
    double t0 = 0.0, t1 = 0.0;
    if (!dots || (size_t)(dots - w) >= sizeof a)
        return ds_fail(err, DS_ERR_USAGE, "--window '%s': expected A..B, e.g. 50h..54h or 'day 3 09:00..day 3 14:00'",
                       w);
    snprintf(a, sizeof a, "%.*s", (int)(dots - w), w);
    if (window_end(c, a, &t0) || window_end(c, dots + 2, &t1))
        return ds_fail(err, DS_ERR_USAGE,
                       "--window '%s': each end is a time from the start with its unit (50h) or 'day N HH:MM'", w);
    if (!(t1 > t0) || t0 < 0.0 || t1 > c->T * (1.0 + 1e-12))
        return ds_fail(err, DS_ERR_USAGE, "--window '%s' is %g h to %g h from the start: it must lie inside the run "
                       "(0 h to %g h) and end after it begins", w, t0 / 3600.0, t1 / 3600.0, c->T / 3600.0);
    c->w0 = t0;
    c->w1 = t1;
    return DS_OK;
}

/* The window shown (the last day of a longer run) and the clock, from the reference
 * stream; a file without records (a sweep) has neither. */
static ds_status read_window(fctx *c, ds_error *err)
{
    double *t;
    size_t n;
    ds_status st = fig_time(c, c->ref, &t, &n, err);
    if (st != DS_OK || !t)
        return st;
    c->T = t[n - 1];
    c->w1 = c->T;
    c->w0 = c->T > 86400.0 ? c->T - 86400.0 : 0.0;
    free(t);
    char meta[128];
    snprintf(meta, sizeof meta, "%s/meta", c->ref);
    st = ds_h5_read_attr_double(c->file, meta, "clock_start_s", &c->clock0, err);
    /* a time of day (scenario key clock: HH:MM); the schematic turns clock times into ints */
    if (st == DS_OK && !(c->clock0 >= 0.0 && c->clock0 < 86400.0))
        st = ds_fail(err, DS_ERR_IO, "%s: attribute 'clock_start_s' of '%s' is %g s, not a time of day (0 to 86400 s)",
                     c->file, meta, c->clock0);
    if (st == DS_OK && c->o->window) /* after the clock: its ends may be clock times */
        st = read_window_option(c, err);
    return st;
}

/* The herniated level, else L4L5, else the first level recorded. */
static ds_status read_level(fctx *c, ds_error *err)
{
    char hp[128];
    snprintf(hp, sizeof hp, "%s/meta/herniation", c->ref);
    if (ds_h5_exists(c->file, hp)) {
        char *lvl = NULL;
        ds_status st = ds_h5_read_attr_string(c->file, hp, "level", &lvl, err);
        if (st != DS_OK)
            return st;
        int known = 0;
        for (int i = 0; i < DS_MAX_LEVELS && !known; i++)
            known = !strcmp(lvl, ds_level_names[i]);
        if (known)
            snprintf(c->level, sizeof c->level, "%s", lvl);
        else
            st = ds_fail(err, DS_ERR_IO, "%s: attribute 'level' of '%s' is '%.40s', not a level discsim knows", c->file,
                         hp, lvl);
        free(lvl);
        return st;
    }
    snprintf(c->level, sizeof c->level, "L4L5");
    char rel[64];
    snprintf(rel, sizeof rel, "/levels/L4L5/pressure");
    for (int i = 0; !fig_has(c, c->ref, rel) && i < DS_MAX_LEVELS; i++) {
        snprintf(c->level, sizeof c->level, "%s", ds_level_names[i]);
        snprintf(rel, sizeof rel, "/levels/%s/pressure", ds_level_names[i]);
    }
    return DS_OK;
}

ds_status fig_context(const char *h5, const ds_plot_opts *o, fctx *c, ds_error *err)
{
    memset(c, 0, sizeof *c);
    c->file = h5;
    c->o = o;
    ds_status st = ds_h5_check_output(h5, &c->name, err);
    if (st == DS_OK)
        st = read_arms(c, err);
    if (st == DS_OK)
        st = read_window(c, err);
    if (st == DS_OK)
        st = read_level(c, err);
    /* one-arm figures show the first arm after the reference (where the massage is), or --arm's */
    c->show_arm = c->narm > 1 ? 1 : 0;
    snprintf(c->show, sizeof c->show, "%s", c->narm > 1 ? c->pre[1] : c->ref);
    if (st == DS_OK && o->arm) { /* --arm: one of the file's */
        const char *names[MAX_ARMS + 1] = {NULL};
        int found = -1;
        for (int a = 0; a < c->narm; a++) {
            names[a] = c->arm[a];
            found = !strcmp(c->arm[a], o->arm) ? a : found;
        }
        const char *near = found < 0 && c->narm ? ds_suggest(o->arm, names) : NULL;
        if (found < 0)
            st = ds_fail(err, DS_ERR_USAGE, "--arm %s: %s%s%s%s", o->arm, c->narm ? "no such arm in " : "no arms in ",
                         c->file, near ? "; did you mean " : "", near ? near : "");
        else {
            snprintf(c->show, sizeof c->show, "%s", c->pre[found]);
            c->show_arm = found;
        }
    }
    if (st != DS_OK)
        fig_context_free(c);
    return st;
}

void fig_context_free(fctx *c)
{
    free(c->name);
    c->name = NULL;
}
