/* The sink's study-level writers, each a no-op without a sink or without that writer
 * (private to the study layer). */
#ifndef DS_SINK_PUT_H
#define DS_SINK_PUT_H

#include "discsim/output.h"
#include "discsim/run.h"

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

#endif
