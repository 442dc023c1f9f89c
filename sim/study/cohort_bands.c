/* A cohort's bands over time (DESIGN §6, /cohort/quantiles): at every record, the 5, 25, 50,
 * 75 and 95 % quantiles over the subjects of the key series (root contact pressure, and the
 * nucleus pressure and height of the herniated or first level). A sink in front of the
 * stream's own: it passes every call on and keeps five numbers a series a record, so its
 * memory grows with the run's length, never with the cohort's size. Failed subjects (NaN)
 * are left out of each record's quantiles. */
#include "study/cohort_bands.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/sink_put.h"

static const double band_p[DS_NBAND] = {0.05, 0.25, 0.5, 0.75, 0.95};

static ds_status bands_begin(void *ctx, const char *prefix, int nsubj, int nseries, const ds_series_desc *series,
                             ds_error *err)
{
    ds_bands *b = ctx;
    b->nsubj = nsubj;
    b->nseries = nseries;
    b->ntime = 0;
    b->nkey = 0;
    char want[3][96];
    snprintf(want[0], sizeof want[0], "/root/contact_pressure_mmHg");
    snprintf(want[1], sizeof want[1], "/levels/%s/pressure", b->level);
    snprintf(want[2], sizeof want[2], "/levels/%s/height", b->level);
    for (int k = 0; k < 3; k++)
        for (int s = 0; s < nseries; s++)
            if (!strcmp(series[s].path, want[k])) {
                b->key[b->nkey] = s;
                snprintf(b->path[b->nkey], sizeof b->path[0], "%s", series[s].path);
                snprintf(b->units[b->nkey], sizeof b->units[0], "%s", series[s].units);
                b->nkey++;
            }
    free(b->work);
    b->work = malloc((size_t)(nsubj > 0 ? nsubj : 1) * sizeof *b->work);
    if (!b->work)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the cohort's bands");
    const ds_record_sink *in = b->inner;
    return in && in->begin ? in->begin(in->ctx, prefix, nsubj, nseries, series, err) : DS_OK;
}

static ds_status bands_record(void *ctx, double t, const double *values, ds_error *err)
{
    ds_bands *b = ctx;
    if (b->ntime == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        double *v = realloc(b->band, cap * (size_t)(b->nkey ? b->nkey : 1) * DS_NBAND * sizeof *v);
        if (!v)
            return ds_fail(err, DS_ERR_NOMEM, "out of memory for the cohort's bands");
        b->band = v;
        b->cap = cap;
    }
    for (int k = 0; k < b->nkey; k++) {
        const double *v = values + (size_t)b->key[k] * b->nsubj;
        size_t n = 0;
        for (int l = 0; l < b->nsubj; l++)
            if (isfinite(v[l]))
                b->work[n++] = v[l];
        if (n)
            gsl_sort(b->work, 1, n);
        for (int q = 0; q < DS_NBAND; q++)
            b->band[(b->ntime * (size_t)b->nkey + (size_t)k) * DS_NBAND + q] =
                n ? gsl_stats_quantile_from_sorted_data(b->work, 1, n, band_p[q]) : NAN;
    }
    b->ntime++;
    const ds_record_sink *in = b->inner;
    return in && in->record ? in->record(in->ctx, t, values, err) : DS_OK;
}

static ds_status bands_end(void *ctx, const char *prefix, const ds_run_report *rep, ds_error *err)
{
    ds_bands *b = ctx;
    const ds_record_sink *in = b->inner;
    ds_status st = in && in->end ? in->end(in->ctx, prefix, rep, err) : DS_OK;
    double *col = st ? NULL : malloc((b->ntime ? b->ntime : 1) * DS_NBAND * sizeof *col);
    if (!st && !col)
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory for the cohort's bands");
    for (int k = 0; !st && k < b->nkey; k++) {
        for (size_t i = 0; i < b->ntime; i++)
            for (int q = 0; q < DS_NBAND; q++)
                col[i * DS_NBAND + q] = b->band[(i * (size_t)b->nkey + (size_t)k) * DS_NBAND + q];
        char path[300], desc[400];
        const char *name = strrchr(b->path[k], '/') + 1;
        snprintf(path, sizeof path, "/cohort/quantiles/%s/%s%s", b->arm, !strncmp(b->path[k], "/root", 5) ? "root_" : "",
                 name);
        snprintf(desc, sizeof desc, "%s over the subjects at each record: the 5, 25, 50, 75 and 95 %% quantiles "
                                    "(failed subjects left out), [time][quantile], times as the stream's /time",
                 b->path[k]);
        size_t dims[2] = {b->ntime, DS_NBAND};
        st = put_doubles(in, path, 2, dims, col, b->units[k], desc, err);
        if (!st)
            st = put_attr(in, path, "quantiles", "0.05,0.25,0.5,0.75,0.95", err);
        if (!st)
            st = put_attr(in, path, "series", b->path[k], err);
    }
    free(col);
    return st;
}

static ds_status pass_ahead(void *ctx, const char *prefix, const ds_scenario *sc, ds_error *err)
{
    const ds_record_sink *in = ((ds_bands *)ctx)->inner;
    return in->ahead ? in->ahead(in->ctx, prefix, sc, err) : DS_OK;
}

static ds_status pass_doubles(void *ctx, const char *path, int rank, const size_t *dims, const double *data,
                              const char *units, const char *description, ds_error *err)
{
    return put_doubles(((ds_bands *)ctx)->inner, path, rank, dims, data, units, description, err);
}

static ds_status pass_text(void *ctx, const char *path, const char *text, const char *description, ds_error *err)
{
    return put_text(((ds_bands *)ctx)->inner, path, text, description, err);
}

static ds_status pass_scale(void *ctx, const char *path, int dim, const char *scale_path, const char *name,
                            ds_error *err)
{
    return put_scale(((ds_bands *)ctx)->inner, path, dim, scale_path, name, err);
}

static ds_status pass_lines(void *ctx, const char *path, const char *lines, const char *description, ds_error *err)
{
    return put_lines(((ds_bands *)ctx)->inner, path, lines, description, err);
}

static ds_status pass_attr(void *ctx, const char *obj_path, const char *name, const char *value, ds_error *err)
{
    return put_attr(((ds_bands *)ctx)->inner, obj_path, name, value, err);
}

ds_record_sink ds_bands_sink(ds_bands *b, const ds_record_sink *inner, const char *arm, const char *level)
{
    memset(b, 0, sizeof *b);
    b->inner = inner;
    snprintf(b->arm, sizeof b->arm, "%s", arm);
    snprintf(b->level, sizeof b->level, "%s", level);
    return (ds_record_sink){.ctx = b,
                            .begin = bands_begin,
                            .record = bands_record,
                            .ahead = inner && inner->ahead ? pass_ahead : NULL,
                            .end = bands_end,
                            .put_doubles = pass_doubles,
                            .put_text = pass_text,
                            .put_attr = pass_attr,
                            .put_scale = pass_scale,
                            .put_lines = pass_lines};
}

void ds_bands_free(ds_bands *b)
{
    free(b->band);
    free(b->work);
    memset(b, 0, sizeof *b);
}
