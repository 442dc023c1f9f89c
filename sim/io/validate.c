/* discsim validate: checked quantities of validation scenarios against published targets.
 *
 * A checks file lists the targets table (CSV: id, quantity, condition, level, value, low,
 * high, unit, source_key) and, per target id, where the model's value comes from: a
 * scenario, level and variable, and one or two points in time, each a phase label (its last
 * occurrence) and a time after the phase starts ("end": the phase's end). `kind` combines
 * them: value (a), difference (a - b), ratio (a / b) or percent_change (100 (a - b) / b). */
#include "discsim/validate.h"

#include <libgen.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discsim/discsim.h"
#include "io/ydoc.h"

/* Splits one CSV line (RFC 4180 quotes) into at most n fields, in place. */
static int csv_split(char *line, char **f, int n)
{
    int k = 0;
    char *p = line;
    while (k < n) {
        char *out = p;
        f[k++] = p;
        if (*p == '"') {
            char *r = p + 1;
            for (;;) {
                if (*r == '"' && r[1] == '"') {
                    *out++ = '"';
                    r += 2;
                } else if (*r == '"' || !*r) {
                    if (*r)
                        r++;
                    break;
                } else
                    *out++ = *r++;
            }
            p = r;
        } else
            while (*p && *p != ',' && *p != '\n' && *p != '\r')
                out++, p++;
        int end = *p != ',';
        *out = '\0';
        if (end)
            break;
        p++;
    }
    return k;
}

/* A number field of the targets table; an empty field is NaN where `may_be_empty`. */
static int csv_number(const char *s, int may_be_empty, double *out)
{
    if (!*s && may_be_empty) {
        *out = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    while (*end == ' ')
        end++;
    return end == s || *end || errno == ERANGE || !isfinite(*out) ? -1 : 0;
}

int ds_target_find(const char *csv, const char *id, ds_target *t)
{
    FILE *f = fopen(csv, "r");
    if (!f)
        return -1;
    char line[2048];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        char *fl[9];
        if (csv_split(line, fl, 9) < 9 || strcmp(fl[0], id))
            continue;
        snprintf(t->id, sizeof t->id, "%s", fl[0]);
        snprintf(t->quantity, sizeof t->quantity, "%s", fl[1]);
        snprintf(t->condition, sizeof t->condition, "%s", fl[2]);
        /* a target that is not a number would be compared as 0: refuse the row instead */
        if (csv_number(fl[4], 0, &t->value) || csv_number(fl[5], 1, &t->low) || csv_number(fl[6], 1, &t->high)) {
            fclose(f);
            return -2;
        }
        snprintf(t->unit, sizeof t->unit, "%s", fl[7]);
        snprintf(t->source, sizeof t->source, "%s", fl[8]);
        found = 1;
    }
    fclose(f);
    return found;
}

int ds_source_find(const char *csv, const char *key, char *buf, size_t n)
{
    FILE *f = fopen(csv, "r");
    if (!f)
        return 0;
    char line[2048];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        char *fl[3];
        if (csv_split(line, fl, 3) >= 2 && !strcmp(fl[0], key)) {
            snprintf(buf, n, "%s", fl[1]);
            found = 1;
        }
    }
    fclose(f);
    return found;
}

/* One scenario's run, kept in memory for all checks that use it (no file is written). */
typedef struct {
    char path[8400];
    ds_scenario sc;
    ds_memory_record mr;
} run_cache;

static ds_status get_run(run_cache *runs, int *nruns, const char *path, run_cache **out, ds_error *err)
{
    for (int i = 0; i < *nruns; i++)
        if (!strcmp(runs[i].path, path)) {
            *out = &runs[i];
            return DS_OK;
        }
    if (*nruns >= 16)
        return ds_fail(err, DS_ERR_INPUT, "a checks file may use at most 16 scenarios");
    run_cache *r = &runs[(*nruns)++];
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    ds_status st = ds_scenario_load(path, 0, NULL, &r->sc, err);
    if (st) {
        (*nruns)--;
        return st;
    }
    ds_record_sink sink = ds_memory_sink(&r->mr);
    ds_run_opts o = {.progress = 0};
    ds_run_result res;
    if ((st = ds_run_stream(&r->sc, &sink, "", &o, &res, NULL, err)))
        return st;
    if (res.nfailed)
        return ds_fail(err, DS_ERR_NUMERIC, "%s", res.failure);
    *out = r;
    return DS_OK;
}

/* Time of a point {label, after} in a run: the last occurrence of the labelled phase. */
static ds_status point_time(const ds_ydoc *d, int node, const char *key, const ds_scenario *sc, double *t,
                            ds_error *err)
{
    char loc[4200], sub[160];
    static const char *const keys[] = {"label", "after", NULL};
    ds_status st = ds_ycheck_keys(d, node, key, keys, err);
    if (st)
        return st;
    int ln = ds_ymap_get(d, node, "label"), an = ds_ymap_get(d, node, "after");
    if (!ln || !an)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s' needs label and after", ds_yloc(d, node, loc, sizeof loc), key);
    const char *label, *after;
    snprintf(sub, sizeof sub, "%s.label", key);
    if ((st = ds_yas_string(d, ln, sub, &label, err)))
        return st;
    snprintf(sub, sizeof sub, "%s.after", key);
    if ((st = ds_yas_string(d, an, sub, &after, err)))
        return st;
    double day = 0.0, start = NAN, dur = 0.0;
    for (int k = 0; k < sc->nphase; k++)
        day += sc->phase[k].duration;
    double t0 = 0.0;
    for (int k = 0; k < sc->nphase; k++) {
        if (!strcmp(sc->phase[k].label, label)) {
            start = t0 + day * (sc->repeat - 1);
            dur = sc->phase[k].duration;
        }
        t0 += sc->phase[k].duration;
    }
    if (isnan(start))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.label': scenario %s has no phase labelled '%s'",
                       ds_yloc(d, ln, loc, sizeof loc), key, sc->path, label);
    double off;
    if (!strcmp(after, "end"))
        off = dur;
    else if ((st = ds_yas_duration(d, an, sub, 1, &off, err)))
        return st;
    if (off > dur)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': %s is past the end of phase '%s'",
                       ds_yloc(d, an, loc, sizeof loc), sub, after, label);
    *t = start + off;
    return DS_OK;
}

/* Linear interpolation of a recorded series at time t. */
static double sample(const double *t, const double *v, size_t n, double tq)
{
    if (tq <= t[0])
        return v[0];
    for (size_t i = 1; i < n; i++)
        if (t[i] >= tq) {
            double w = (tq - t[i - 1]) / (t[i] - t[i - 1]);
            return v[i - 1] + w * (v[i] - v[i - 1]);
        }
    return v[n - 1];
}

/* The series `var` at `level` of subject 0 in a run, as a contiguous array over time. */
static ds_status series_of(const run_cache *r, const char *level, const char *var, double **v, ds_error *err)
{
    char path[200];
    snprintf(path, sizeof path, "/levels/%s/%s", level, var);
    int s = ds_memory_series(&r->mr, path);
    *v = NULL;
    if (s < 0)
        return DS_ERR_INPUT;
    *v = malloc((r->mr.ntime ? r->mr.ntime : 1) * sizeof **v);
    if (!*v)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < r->mr.ntime; k++)
        (*v)[k] = ds_memory_at(&r->mr, k, s, 0);
    return DS_OK;
}

/* One check: its target from the table, its scenario's run, the model's value at its points. */
static ds_status check(const ds_ydoc *d, int c, int i, const char *dir, const char *targets, run_cache *runs,
                       int *nruns, ds_validation_row *row, ds_error *err)
{
    char loc[4200], key[64];
    snprintf(key, sizeof key, "checks[%d]", i);
    static const char *const ck[] = {"id", "scenario", "level", "variable", "kind", "a", "b", "how", NULL};
    ds_status st = ds_ycheck_keys(d, c, key, ck, err);
    if (st)
        return st;
    const char *id, *scen, *level, *var, *kind = "value", *how = "";
    int need[] = {ds_ymap_get(d, c, "id"), ds_ymap_get(d, c, "scenario"), ds_ymap_get(d, c, "level"),
                  ds_ymap_get(d, c, "variable"), ds_ymap_get(d, c, "a")};
    for (int k = 0; k < 5; k++)
        if (!need[k])
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s' needs id, scenario, level, variable and a",
                           ds_yloc(d, c, loc, sizeof loc), key);
    if ((st = ds_yas_string(d, need[0], key, &id, err)) || (st = ds_yas_string(d, need[1], key, &scen, err)) ||
        (st = ds_yas_string(d, need[2], key, &level, err)) || (st = ds_yas_string(d, need[3], key, &var, err)))
        return st;
    int kn = ds_ymap_get(d, c, "kind"), hn = ds_ymap_get(d, c, "how");
    if ((kn && (st = ds_yas_string(d, kn, key, &kind, err))) || (hn && (st = ds_yas_string(d, hn, key, &how, err))))
        return st;
    int two = strcmp(kind, "value") != 0;
    if (strcmp(kind, "value") && strcmp(kind, "difference") && strcmp(kind, "ratio") && strcmp(kind, "percent_change"))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.kind': unknown kind '%s' (value, difference, ratio, percent_change)",
                       ds_yloc(d, kn, loc, sizeof loc), key, kind);
    if (two && !ds_ymap_get(d, c, "b"))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.b' is missing (kind %s compares two points)",
                       ds_yloc(d, c, loc, sizeof loc), key, kind);
    ds_target t;
    int ft = ds_target_find(targets, id, &t);
    if (ft <= 0)
        return ds_fail(err, ft == -1 ? DS_ERR_IO : DS_ERR_INPUT, "%s: key '%s.id': %s '%s'",
                       ds_yloc(d, need[0], loc, sizeof loc), key,
                       ft == -1   ? "cannot read the targets table"
                       : ft == -2 ? "a value, low or high of this target in the targets table is not a number:"
                                  : "no target with id",
                       ft == -1 ? targets : id);
    char spath[8300];
    snprintf(spath, sizeof spath, "%s/%s", dir, scen);
    run_cache *r = NULL;
    if ((st = get_run(runs, nruns, spath, &r, err)))
        return st;
    double *v, ta, tb = 0.0, a, b = 0.0;
    if ((st = series_of(r, level, var, &v, err)))
        return st == DS_ERR_INPUT ? ds_fail(err, DS_ERR_INPUT, "%s: key '%s': scenario %s does not record %s at %s",
                                            ds_yloc(d, c, loc, sizeof loc), key, scen, var, level)
                                  : st;
    char sub[96];
    snprintf(sub, sizeof sub, "%s.a", key);
    st = point_time(d, ds_ymap_get(d, c, "a"), sub, &r->sc, &ta, err);
    if (!st && two) {
        snprintf(sub, sizeof sub, "%s.b", key);
        st = point_time(d, ds_ymap_get(d, c, "b"), sub, &r->sc, &tb, err);
    }
    if (!st) {
        a = sample(r->mr.time, v, r->mr.ntime, ta);
        if (two)
            b = sample(r->mr.time, v, r->mr.ntime, tb);
    }
    free(v);
    if (st)
        return st;
    double val = !strcmp(kind, "value")        ? a
                 : !strcmp(kind, "difference") ? a - b
                 : !strcmp(kind, "ratio")      ? a / b
                                               : 100.0 * (a - b) / b;
    snprintf(row->id, sizeof row->id, "%s", t.id);
    snprintf(row->quantity, sizeof row->quantity, "%s", t.quantity);
    snprintf(row->condition, sizeof row->condition, "%s", t.condition);
    snprintf(row->unit, sizeof row->unit, "%s", t.unit);
    snprintf(row->source, sizeof row->source, "%s", t.source);
    snprintf(row->how, sizeof row->how, "%s", how);
    row->target = t.value;
    row->low = t.low;
    row->high = t.high;
    row->model = val;
    row->pass = val >= t.low && val <= t.high;
    return DS_OK;
}

ds_status ds_validate(const char *checks_path, FILE *out, ds_validation_row **rows_out, int *nrows, int *nfail,
                      ds_error *err)
{
    *rows_out = NULL;
    *nrows = *nfail = 0;
    ds_ydoc *d;
    ds_status st = ds_ydoc_load(checks_path, &d, err);
    if (st)
        return st;
    char dir[4096], tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", checks_path);
    snprintf(dir, sizeof dir, "%s", dirname(tmp));
    int root = ds_yroot(d);
    static const char *const top[] = {"description", "targets", "sources", "checks", NULL};
    run_cache *runs = calloc(16, sizeof *runs);
    int nruns = 0, n = 0;
    ds_validation_row *rows = NULL;
    if ((st = ds_ycheck_keys(d, root, "", top, err)))
        goto done;
    const char *targets_rel;
    int tn = ds_ymap_get(d, root, "targets"), cn = ds_ymap_get(d, root, "checks");
    if (!tn || !cn) {
        st = ds_fail(err, DS_ERR_INPUT, "%s: needs 'targets' (the CSV table) and 'checks'", checks_path);
        goto done;
    }
    if ((st = ds_yas_string(d, tn, "targets", &targets_rel, err)))
        goto done;
    char targets[8300];
    snprintf(targets, sizeof targets, "%s/%s", dir, targets_rel);
    if ((st = ds_yas_sequence(d, cn, "checks", &n, err)))
        goto done;
    rows = calloc((size_t)(n ? n : 1), sizeof *rows);
    if (!rows || !runs) {
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < n && !st; i++) {
        ds_validation_row *row = &rows[(*nrows)++];
        st = check(d, ds_yseq_item(d, cn, i), i, dir, targets, runs, &nruns, row, err);
        *nfail += !st && !row->pass;
    }
    if (st)
        goto done;
    if (out) {
        fprintf(out, "%-4s %-40s %-34s %8s  %-18s %-5s %s\n", "id", "quantity", "condition", "model", "target range",
                "unit", "result");
        for (int i = 0; i < *nrows; i++) {
            ds_validation_row *r = &rows[i];
            fprintf(out, "%-4s %-40.40s %-34.34s %8.3f  [%6.3g, %6.3g]   %-5s %s  (%s; %s)\n", r->id, r->quantity,
                    r->condition, r->model, r->low, r->high, r->unit, r->pass ? "pass" : "FAIL", r->how, r->source);
        }
        fprintf(out, "%d of %d targets met\n", *nrows - *nfail, *nrows);
    }
done:
    for (int i = 0; i < nruns; i++) {
        ds_memory_record_free(&runs[i].mr);
        ds_scenario_free(&runs[i].sc);
    }
    free(runs);
    ds_ydoc_free(d);
    if (st) {
        free(rows);
        *nrows = 0;
    } else
        *rows_out = rows;
    return st;
}
