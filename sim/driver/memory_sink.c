/* The memory sink: one stream's records kept in growing arrays (tests, validation, the
 * browser). It grows by doubling, once per many records, never inside a step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discsim/run.h"

static ds_status mem_begin(void *ctx, const char *prefix, int nsubj, int nseries, const ds_series_desc *series,
                           ds_error *err)
{
    (void)prefix;
    ds_memory_record *mr = ctx;
    ds_memory_record_free(mr);
    mr->nsubj = nsubj;
    mr->nseries = nseries;
    mr->series = calloc((size_t)(nseries ? nseries : 1), sizeof *mr->series);
    mr->paths = calloc((size_t)(nseries ? nseries : 1), sizeof *mr->paths);
    mr->failed = calloc((size_t)nsubj, 1);
    if (!mr->series || !mr->paths || !mr->failed)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int s = 0; s < nseries; s++) {
        snprintf(mr->paths[s], sizeof mr->paths[s], "%s", series[s].path);
        mr->series[s] = (ds_series_desc){mr->paths[s], series[s].units, series[s].description};
    }
    return DS_OK;
}

static ds_status mem_record(void *ctx, double t, const double *values, ds_error *err)
{
    ds_memory_record *mr = ctx;
    const size_t per = (size_t)mr->nseries * (size_t)mr->nsubj;
    if (mr->ntime == mr->cap) {
        size_t cap = mr->cap ? 2 * mr->cap : 64;
        double *tt = realloc(mr->time, cap * sizeof *tt);
        if (tt)
            mr->time = tt;
        double *vv = tt ? realloc(mr->values, cap * (per ? per : 1) * sizeof *vv) : NULL;
        if (!tt || !vv)
            return ds_fail(err, DS_ERR_NOMEM, "out of memory for %zu records in memory", cap);
        mr->values = vv;
        mr->cap = cap;
    }
    mr->time[mr->ntime] = t;
    memcpy(mr->values + mr->ntime * per, values, per * sizeof(double));
    mr->ntime++;
    return DS_OK;
}

static ds_status mem_end(void *ctx, const char *prefix, const ds_run_report *rep, ds_error *err)
{
    (void)prefix;
    (void)err;
    ds_memory_record *mr = ctx;
    mr->nfailed = rep->nfailed;
    memcpy(mr->failed, rep->failed, (size_t)mr->nsubj);
    return DS_OK;
}

ds_record_sink ds_memory_sink(ds_memory_record *mr)
{
    return (ds_record_sink){.ctx = mr, .begin = mem_begin, .record = mem_record, .end = mem_end};
}

void ds_memory_record_free(ds_memory_record *mr)
{
    free(mr->time);
    free(mr->values);
    free(mr->series);
    free(mr->paths);
    free(mr->failed);
    memset(mr, 0, sizeof *mr);
}

int ds_memory_series(const ds_memory_record *mr, const char *path)
{
    for (int s = 0; s < mr->nseries; s++)
        if (!strcmp(mr->paths[s], path))
            return s;
    return -1;
}
