/* The sink's study-level writers, each a no-op without a sink or without that writer
 * (private to the study layer). */
#ifndef DS_SINK_PUT_H
#define DS_SINK_PUT_H

#include "discsim/output.h"
#include "discsim/run.h"

#include <stdlib.h>

static inline ds_status put_text(const ds_record_sink *k, const char *path, const char *text, const char *desc, ds_error *err)
{
    return k && k->put_text ? k->put_text(k->ctx, path, text, desc, err) : DS_OK;
}

static inline ds_status put_attr(const ds_record_sink *k, const char *path, const char *name, const char *value, ds_error *err)
{
    return k && k->put_attr ? k->put_attr(k->ctx, path, name, value, err) : DS_OK;
}

static inline ds_status put_doubles(const ds_record_sink *k, const char *path, int rank, const size_t *dims, const double *data,
                             const char *units, const char *desc, ds_error *err)
{
    return k && k->put_doubles ? k->put_doubles(k->ctx, path, rank, dims, data, units, desc, err) : DS_OK;
}

static inline ds_status put_scale(const ds_record_sink *k, const char *path, int dim, const char *scale_path,
                                  const char *name, ds_error *err)
{
    return k && k->put_scale ? k->put_scale(k->ctx, path, dim, scale_path, name, err) : DS_OK;
}

static inline ds_status put_lines(const ds_record_sink *k, const char *path, const char *lines, const char *desc,
                                  ds_error *err)
{
    return k && k->put_lines ? k->put_lines(k->ctx, path, lines, desc, err) : put_text(k, path, lines, desc, err);
}

/* The study's subjects as an axis, /subject (0 .. n - 1), for its per-subject arrays. */
static inline ds_status put_subject_axis(const ds_record_sink *k, int n, ds_error *err)
{
    if (!k || !k->put_scale)
        return DS_OK;
    double *idx = malloc((size_t)n * sizeof *idx);
    if (!idx)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int l = 0; l < n; l++)
        idx[l] = l;
    size_t d[1] = {(size_t)n};
    ds_status st = put_doubles(k, "/subject", 1, d, idx, "1", "subject index (the cohort's order)", err);
    free(idx);
    return st;
}

#endif
