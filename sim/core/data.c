/* Allocation of a batch's mutable state, and the load ramp shared by driver and physics. */
#include "discsim/data.h"

#include <stdlib.h>
#include <string.h>

#include "physics/spine.h"

const char *const ds_level_output_names[DS_NLEVEL_OUTPUTS] = {
#define DS_X_NAME(f, u, d) #f,
    DS_LEVEL_OUTPUTS(DS_X_NAME)
#undef DS_X_NAME
};
const char *const ds_level_output_units[DS_NLEVEL_OUTPUTS] = {
#define DS_X_UNIT(f, u, d) u,
    DS_LEVEL_OUTPUTS(DS_X_UNIT)
#undef DS_X_UNIT
};
const char *const ds_level_output_descs[DS_NLEVEL_OUTPUTS] = {
#define DS_X_DESC(f, u, d) d,
    DS_LEVEL_OUTPUTS(DS_X_DESC)
#undef DS_X_DESC
};

ds_status ds_data_create(const ds_model *m, ds_data *d, ds_error *err)
{
    memset(d, 0, sizeof *d);
    d->m = m;
    d->nx = m->nlevel * (m->variant == DS_QUASI_STATIC ? DS_QS_NSTATE : DS_IN_NSTATE);
    size_t nxs = (size_t)d->nx * m->stride, nout = (size_t)m->nlevel * DS_NLEVEL_OUTPUTS * m->stride;
    void *mem = NULL;
    if (posix_memalign(&mem, 64, (nxs + nout) * sizeof(double)) != 0)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the state of %d subjects", m->nsubj);
    memset(mem, 0, (nxs + nout) * sizeof(double));
    d->mem_ = mem;
    d->x = mem;
    d->out = d->x + nxs;
    return DS_OK;
}

void ds_data_free(ds_data *d)
{
    if (d) {
        free(d->mem_);
        d->mem_ = NULL;
    }
}

double ds_ramp(double s) { return ds_ramp_inline(s); }

double ds_segment_load(const ds_load_segment *seg, int i, double t) { return ds_load_at(seg, i, t); }
