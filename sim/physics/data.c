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

size_t ds_posture_load_doubles(const ds_model *m)
{
    return (size_t)m->nlevel * m->stride * (6 + 3 * (size_t)m->ngroup);
}

double *ds_posture_load_bind(const ds_model *m, ds_posture_load *pl, double *p)
{
    size_t lv = (size_t)m->nlevel * m->stride, gl = (size_t)m->ngroup * lv;
    pl->load = p;
    pl->muscle_comp = p + lv;
    pl->moment = p + 2 * lv;
    pl->residual = p + 3 * lv;
    pl->act = p + 4 * lv;
    pl->force = p + 4 * lv + gl;
    pl->gain = p + 4 * lv + 2 * gl;
    pl->theta = p + 4 * lv + 3 * gl;
    pl->cocontraction = p + 5 * lv + 3 * gl;
    return p + 6 * lv + 3 * gl;
}

const char *const ds_root_output_names[DS_NROOT_OUTPUTS] = {
#define DS_X_NAME(f, u, d) #f,
    DS_ROOT_OUTPUTS(DS_X_NAME)
#undef DS_X_NAME
};
const char *const ds_root_output_units[DS_NROOT_OUTPUTS] = {
#define DS_X_UNIT(f, u, d) u,
    DS_ROOT_OUTPUTS(DS_X_UNIT)
#undef DS_X_UNIT
};
const char *const ds_root_output_descs[DS_NROOT_OUTPUTS] = {
#define DS_X_DESC(f, u, d) d,
    DS_ROOT_OUTPUTS(DS_X_DESC)
#undef DS_X_DESC
};

ds_status ds_data_create(const ds_model *m, ds_data *d, ds_error *err)
{
    memset(d, 0, sizeof *d);
    d->m = m;
    d->nx = m->nlevel * ds_level_block(m);
    size_t nxs = (size_t)d->nx * m->stride, nout = (size_t)m->nlevel * DS_NLEVEL_OUTPUTS * m->stride;
    size_t nm = (size_t)m->ngroup * m->nlevel * m->stride;
    size_t nroot = (size_t)DS_NROOT_OUTPUTS * m->stride, ntone = (size_t)m->ngroup * m->stride;
    size_t total = nxs + nout + 2 * nm + nroot + ntone + (8 + (size_t)m->nlevel) * m->stride +
                   2 * ds_posture_load_doubles(m);
    void *mem = NULL;
    if (posix_memalign(&mem, 64, total * sizeof(double)) != 0)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the state of %d subjects", m->nsubj);
    memset(mem, 0, total * sizeof(double));
    d->mem_ = mem;
    d->x = mem;
    d->out = d->x + nxs;
    d->mact = d->out + nout;
    d->mforce = d->mact + nm;
    d->root = d->mforce + nm;
    d->mtone = d->root + nroot;
    d->scratch = d->mtone + ntone;
    d->lv_scratch = d->scratch + DS_SCRATCH_ROWS * (size_t)m->stride;
    d->t_lanes = d->lv_scratch + (size_t)m->nlevel * m->stride;
    double *p = ds_posture_load_bind(m, &d->seg.from, d->t_lanes + m->stride);
    p = ds_posture_load_bind(m, &d->seg.to, p);
    d->refresh_t = p;
    d->osm_other = ds_osm_any_other(m->par[DS_PAR_n_osm], (size_t)m->nlevel * m->stride);
    return DS_OK;
}

void ds_data_free(ds_data *d)
{
    if (d) {
        free(d->mem_);
        d->mem_ = NULL;
    }
}

void ds_posture_load_copy(const ds_model *m, ds_posture_load *dst, const ds_posture_load *src)
{
    memcpy(dst->load, src->load, ds_posture_load_doubles(m) * sizeof(double));
}

void ds_posture_load_pad(const ds_model *m, ds_posture_load *pl)
{
    const size_t S = (size_t)m->stride, rows = ds_posture_load_doubles(m) / S;
    for (size_t r = 0; r < rows; r++) /* every field is rows of S lanes, bound one after another */
        for (size_t l = (size_t)m->nsubj; l < S; l++)
            pl->load[r * S + l] = pl->load[r * S];
}

/* Lanes l0 .. l0 + n - 1 of the segment's loads for their muscles' mod[0 .. n - 1]. */
static void refresh_lanes(ds_data *d, const ds_muscle_mod *mod, int l0, int n, int cocontraction)
{
    const ds_model *m = d->m;
    ds_posture_loads_lanes(m, &d->seg.pb, mod, l0, n, cocontraction, &d->seg.to);
    if (d->seg.t1 > d->seg.t0) {
        ds_posture_loads_lanes(m, &d->seg.pa, mod, l0, n, cocontraction, &d->seg.from);
        return;
    }
    /* no ramp: from must equal to exactly, so that the blend returns to bit for bit */
    const size_t S = (size_t)m->stride, nl = (size_t)m->nlevel, ng = (size_t)m->ngroup;
    double *const fl[] = {d->seg.from.load, d->seg.from.muscle_comp, d->seg.from.moment, d->seg.from.residual,
                          d->seg.from.theta, d->seg.from.cocontraction};
    const double *const tl[] = {d->seg.to.load, d->seg.to.muscle_comp, d->seg.to.moment, d->seg.to.residual,
                                d->seg.to.theta, d->seg.to.cocontraction};
    double *const fg[] = {d->seg.from.act, d->seg.from.force, d->seg.from.gain};
    const double *const tg[] = {d->seg.to.act, d->seg.to.force, d->seg.to.gain};
    for (int l = l0; l < l0 + n; l++) {
        for (size_t k = 0; k < sizeof fl / sizeof fl[0]; k++)
            for (size_t i = 0; i < nl; i++)
                fl[k][i * S + l] = tl[k][i * S + l];
        for (size_t k = 0; k < 3; k++)
            for (size_t i = 0; i < ng * nl; i++)
                fg[k][i * S + l] = tg[k][i * S + l];
    }
}

void ds_segment_changed(ds_data *d) { d->refresh_valid = 0; }

/* Whether the loads last refreshed are the segment's: the same times, postures and sessions,
 * and the cocontraction if it is asked for. */
static int refreshed_for(const ds_data *d, int cocontraction)
{
    const ds_load_segment *s = &d->seg;
    return d->refresh_valid > cocontraction && s->t0 == d->refresh_t0 && s->t1 == d->refresh_t1 &&
           !memcmp(&s->pa, &d->refresh_pa, sizeof s->pa) && !memcmp(&s->pb, &d->refresh_pb, sizeof s->pb) &&
           s->sessions == d->refresh_sessions && s->nsession == d->refresh_nsession;
}

void ds_segment_refresh_all(ds_data *d, const double *t, size_t t_step, int cocontraction)
{
    if (!d->seg.dynamic)
        return;
    const int N = d->m->nsubj;
    const int kept = refreshed_for(d, cocontraction);
    int made = 0;
    for (int l0 = 0; l0 < N; l0 += DS_LANE_ALIGN) { /* a vector of lanes: their balances go together */
        const int n = N - l0 < DS_LANE_ALIGN ? N - l0 : DS_LANE_ALIGN;
        int same = kept;
        for (int k = 0; k < n && same; k++) /* the loads are a function of each lane's time */
            same = t[(size_t)(l0 + k) * t_step] == d->refresh_t[l0 + k];
        if (same)
            continue;
        ds_muscle_mod mod[DS_LANE_ALIGN];
        for (int k = 0; k < n; k++) /* each lane's massage's effect on tone and passive force */
            ds_muscle_mod_at(d->seg.sessions, d->seg.nsession, d->m->ngroup, t[(size_t)(l0 + k) * t_step],
                             d->m->lane[DS_LP_massage_size][l0 + k], d->m->lane[DS_LP_massage_time][l0 + k], &mod[k]);
        refresh_lanes(d, mod, l0, n, cocontraction);
        for (int k = 0; k < n; k++)
            d->refresh_t[l0 + k] = t[(size_t)(l0 + k) * t_step];
        made = 1;
    }
    if (!made)
        return;
    /* the vectors refreshed now hold this call's loads (the others, kept, at least as much) */
    d->refresh_valid = 1 + cocontraction;
    d->refresh_t0 = d->seg.t0;
    d->refresh_t1 = d->seg.t1;
    d->refresh_pa = d->seg.pa;
    d->refresh_pb = d->seg.pb;
    d->refresh_sessions = d->seg.sessions;
    d->refresh_nsession = d->seg.nsession;
}

void ds_segment_set(ds_data *d, double t0, double t1, const double *from, const double *to)
{
    const ds_model *m = d->m;
    ds_segment_changed(d);
    memset(d->seg.from.load, 0, ds_posture_load_doubles(m) * sizeof(double));
    memset(d->seg.to.load, 0, ds_posture_load_doubles(m) * sizeof(double));
    d->seg.t0 = t0;
    d->seg.t1 = t1;
    d->seg.dynamic = 0;
    for (int i = 0; i < m->nlevel; i++)
        for (int l = 0; l < m->stride; l++) {
            d->seg.from.load[(size_t)i * m->stride + l] = from[i];
            d->seg.to.load[(size_t)i * m->stride + l] = to[i];
        }
}
