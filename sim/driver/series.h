/* The recorded series of a run: which outputs, muscles and root values are written, under
 * which paths, and where the driver finds each value in ds_data (private to the driver). */
#ifndef DS_DRIVER_SERIES_H
#define DS_DRIVER_SERIES_H

#include "discsim/data.h"
#include "discsim/run.h"

typedef enum { DS_SRC_LEVEL, DS_SRC_ACT, DS_SRC_FORCE, DS_SRC_ROOT, DS_SRC_TONE } ds_series_kind;

typedef struct ds_series_src {
    ds_series_kind kind;
    int level; /* index 0..nlevel-1 */
    int which; /* output id or group */
} ds_series_src;

typedef struct ds_series_list {
    int n;
    ds_series_desc *desc;
    ds_series_src *src;
    char (*paths)[96];
} ds_series_list;

ds_status ds_series_make(const ds_scenario *sc, ds_series_list *sl, ds_error *err);
void ds_series_free(ds_series_list *sl);

/* The values of every series for subjects 0..nsubj-1 from the observed data, laid out
 * [series][subject]. */
void ds_series_gather(const ds_series_list *sl, const ds_model *m, const ds_data *d, int nsubj, double *rec);
/* The same into rows of ld values (a block's subjects within a record of ld subjects). */
void ds_series_gather_at(const ds_series_list *sl, const ds_model *m, const ds_data *d, int nsubj, double *rec,
                         int ld);

#endif
