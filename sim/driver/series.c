/* The recorded series of a run (see series.h). */
#include "series.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const act_desc =
    "activation at this level, fraction of maximum voluntary contraction (tone + task)";
static const char *const force_desc = "force of the group (both sides) at this level, active + passive";
static const char *const tone_desc =
    "tone: the floor of activation, fraction of maximum voluntary contraction (massage lowers it)";

static int count(const ds_scenario *sc)
{
    const ds_model *m = &sc->model;
    int n = sc->nlevel * sc->nrecord;
    if (sc->record_muscles) {
        for (int g = 0; g < m->ngroup; g++)
            for (int i = 0; i < m->nlevel; i++)
                n += 2 * m->group[g].crosses[m->level_id[i]];
        n += m->ngroup; /* tone */
    }
    return n + (m->site.enabled ? DS_NROOT_OUTPUTS : 0);
}

static void add(ds_series_list *sl, int *s, ds_series_src src, const char *units, const char *desc)
{
    sl->desc[*s] = (ds_series_desc){sl->paths[*s], units, desc};
    sl->src[*s] = src;
    (*s)++;
}

ds_status ds_series_make(const ds_scenario *sc, ds_series_list *sl, ds_error *err)
{
    const ds_model *m = &sc->model;
    int n = count(sc);
    sl->n = n;
    sl->desc = calloc((size_t)(n ? n : 1), sizeof *sl->desc);
    sl->paths = calloc((size_t)(n ? n : 1), sizeof *sl->paths);
    sl->src = calloc((size_t)(n ? n : 1), sizeof *sl->src);
    if (!sl->desc || !sl->paths || !sl->src)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    int s = 0;
    for (int i = 0; i < sc->nlevel; i++)
        for (int k = 0; k < sc->nrecord; k++) {
            int v = sc->record[k];
            snprintf(sl->paths[s], sizeof sl->paths[s], "/levels/%s/%s", ds_level_names[sc->level_id[i]],
                     ds_level_output_names[v]);
            add(sl, &s, (ds_series_src){DS_SRC_LEVEL, i, v}, ds_level_output_units[v], ds_level_output_descs[v]);
        }
    if (sc->record_muscles) {
        for (int g = 0; g < m->ngroup; g++)
            for (int i = 0; i < m->nlevel; i++) {
                if (!m->group[g].crosses[m->level_id[i]])
                    continue;
                for (int k = 0; k < 2; k++) {
                    snprintf(sl->paths[s], sizeof sl->paths[s], "/muscles/%s/%s/%s", m->group[g].name,
                             ds_level_names[m->level_id[i]], k == 0 ? "activation" : "force");
                    add(sl, &s, (ds_series_src){k == 0 ? DS_SRC_ACT : DS_SRC_FORCE, i, g}, k == 0 ? "1" : "N",
                        k == 0 ? act_desc : force_desc);
                }
            }
        for (int g = 0; g < m->ngroup; g++) {
            snprintf(sl->paths[s], sizeof sl->paths[s], "/muscles/%s/tone", m->group[g].name);
            add(sl, &s, (ds_series_src){DS_SRC_TONE, 0, g}, "1", tone_desc);
        }
    }
    if (m->site.enabled)
        for (int k = 0; k < DS_NROOT_OUTPUTS; k++) {
            snprintf(sl->paths[s], sizeof sl->paths[s], "/root/%s", ds_root_output_names[k]);
            add(sl, &s, (ds_series_src){DS_SRC_ROOT, 0, k}, ds_root_output_units[k], ds_root_output_descs[k]);
        }
    return DS_OK;
}

void ds_series_free(ds_series_list *sl)
{
    free(sl->desc);
    free(sl->paths);
    free(sl->src);
    memset(sl, 0, sizeof *sl);
}

void ds_series_gather(const ds_series_list *sl, const ds_model *m, const ds_data *d, int nsubj, double *rec)
{
    ds_series_gather_at(sl, m, d, nsubj, rec, nsubj);
}

void ds_series_gather_at(const ds_series_list *sl, const ds_model *m, const ds_data *d, int nsubj, double *rec,
                         int ld)
{
    const size_t S = (size_t)m->stride;
    for (int s = 0; s < sl->n; s++) {
        const ds_series_src *q = &sl->src[s];
        const double *from = NULL;
        switch (q->kind) {
        case DS_SRC_LEVEL: from = d->out + ((size_t)q->level * DS_NLEVEL_OUTPUTS + (size_t)q->which) * S; break;
        case DS_SRC_ROOT: from = d->root + (size_t)q->which * S; break;
        case DS_SRC_TONE: from = d->mtone + (size_t)q->which * S; break;
        case DS_SRC_ACT: from = d->mact + ((size_t)q->which * m->nlevel + (size_t)q->level) * S; break;
        case DS_SRC_FORCE: from = d->mforce + ((size_t)q->which * m->nlevel + (size_t)q->level) * S; break;
        }
        memcpy(rec + (size_t)s * ld, from, (size_t)nsubj * sizeof(double));
    }
}
