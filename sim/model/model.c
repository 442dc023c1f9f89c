/* Compiling a model YAML file into an immutable ds_model.
 *
 * Every number in a model file is written as {value, unit, source}: the unit must be the
 * one the code works in (no silent conversion), and the source must name an entry of the
 * file's `sources` table, so that a parameter without provenance cannot be loaded. */
#include "discsim/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ydoc.h"

const char *const ds_level_names[DS_MAX_LEVELS] = {"L1L2", "L2L3", "L3L4", "L4L5", "L5S1"};

const char *const ds_disc_param_keys[DS_NDISC_PARAMS] = {
#define DS_X(f, key, unit, desc) #key,
    DS_DISC_PARAMS(DS_X)
#undef DS_X
};
const char *const ds_disc_param_units[DS_NDISC_PARAMS] = {
#define DS_X(f, key, unit, desc) unit,
    DS_DISC_PARAMS(DS_X)
#undef DS_X
};
const char *const ds_disc_param_descs[DS_NDISC_PARAMS] = {
#define DS_X(f, key, unit, desc) desc,
    DS_DISC_PARAMS(DS_X)
#undef DS_X
};

int ds_level_id(const char *name)
{
    for (int i = 0; i < DS_MAX_LEVELS; i++)
        if (strcmp(name, ds_level_names[i]) == 0)
            return i;
    return -1;
}

int ds_model_posture(const ds_model *m, const char *name)
{
    for (int i = 0; i < m->nposture; i++)
        if (strcmp(m->posture[i].name, name) == 0)
            return i;
    return -1;
}

static const char *const quantity_keys[] = {"value", "unit", "source", "literature", "note", "design_value", NULL};

/* Reads a {value, unit, source} entry, checking unit and source. */
static ds_status read_quantity(const ds_ydoc *d, int node, const char *key, const char *unit, double *out,
                               ds_error *err)
{
    char loc[4200];
    ds_status st = ds_ycheck_keys(d, node, key, quantity_keys, err);
    if (st)
        return st;
    int vn = ds_ymap_get(d, node, "value"), un = ds_ymap_get(d, node, "unit"), sn = ds_ymap_get(d, node, "source");
    char sub[600];
    if (!vn || !un || !sn)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': needs value, unit and source (missing %s)",
                       ds_yloc(d, node, loc, sizeof loc), key, !vn ? "value" : !un ? "unit" : "source");
    snprintf(sub, sizeof sub, "%s.value", key);
    if ((st = ds_yas_double(d, vn, sub, out, err)))
        return st;
    const char *u, *s;
    snprintf(sub, sizeof sub, "%s.unit", key);
    if ((st = ds_yas_string(d, un, sub, &u, err)))
        return st;
    if (strcmp(u, unit) != 0)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': unit '%s' given, the model works in '%s'",
                       ds_yloc(d, un, loc, sizeof loc), sub, u, unit);
    snprintf(sub, sizeof sub, "%s.source", key);
    if ((st = ds_yas_string(d, sn, sub, &s, err)))
        return st;
    int sources = ds_ymap_get(d, ds_yroot(d), "sources");
    if (!ds_ymap_get(d, sources, s))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': source '%s' is not in the file's 'sources' table",
                       ds_yloc(d, sn, loc, sizeof loc), sub, s);
    return DS_OK;
}

static ds_status read_postures(const ds_ydoc *d, int node, ds_model *m, ds_error *err)
{
    char loc[4200];
    ds_status st = ds_yas_mapping(d, node, "postures", err);
    if (st)
        return st;
    yaml_node_t *n = ds_ynode(d, node);
    int np = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (np > DS_MAX_POSTURES)
        return ds_fail(err, DS_ERR_INPUT, "%s: more than %d postures", ds_yloc(d, node, loc, sizeof loc),
                       DS_MAX_POSTURES);
    static const char *const posture_keys[] = {"description", "axial_load", NULL};
    for (int i = 0; i < np; i++) {
        n = ds_ynode(d, node);
        yaml_node_pair_t p = n->data.mapping.pairs.start[i];
        const char *name;
        if ((st = ds_yas_string(d, p.key, "postures", &name, err)))
            return st;
        char key[256];
        snprintf(key, sizeof key, "postures.%s", name);
        if ((st = ds_ycheck_keys(d, p.value, key, posture_keys, err)))
            return st;
        ds_posture *ps = &m->posture[m->nposture++];
        snprintf(ps->name, sizeof ps->name, "%s", name);
        for (int k = 0; k < DS_MAX_LEVELS; k++)
            ps->axial_load[k] = NAN;
        int loads = ds_ymap_get(d, p.value, "axial_load");
        if (!loads)
            return ds_fail(err, DS_ERR_INPUT, "%s: posture '%s' has no axial_load", ds_yloc(d, p.key, loc, sizeof loc),
                           name);
        snprintf(key, sizeof key, "postures.%s.axial_load", name);
        if ((st = ds_yas_mapping(d, loads, key, err)))
            return st;
        yaml_node_t *ln = ds_ynode(d, loads);
        int nl = (int)(ln->data.mapping.pairs.top - ln->data.mapping.pairs.start);
        for (int j = 0; j < nl; j++) {
            ln = ds_ynode(d, loads);
            yaml_node_pair_t q = ln->data.mapping.pairs.start[j];
            const char *lev;
            if ((st = ds_yas_string(d, q.key, key, &lev, err)))
                return st;
            int id = ds_level_id(lev);
            if (id < 0)
                return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.%s': not a lumbar level (L1L2, L2L3, L3L4, L4L5, L5S1)",
                               ds_yloc(d, q.key, loc, sizeof loc), key, lev);
            char qk[300];
            snprintf(qk, sizeof qk, "%s.%s", key, lev);
            if ((st = read_quantity(d, q.value, qk, "N", &ps->axial_load[id], err)))
                return st;
        }
    }
    return DS_OK;
}

ds_status ds_model_compile(const ds_ydoc *d, int nlevel, const int *level_id, ds_variant variant, int nsubj,
                           ds_model *m, ds_error *err)
{
    char loc[4200];
    memset(m, 0, sizeof *m);
    int root = ds_yroot(d);
    static const char *const top_keys[] = {"name", "description", "sources", "levels", "postures", NULL};
    ds_status st = ds_ycheck_keys(d, root, "", top_keys, err);
    if (st)
        return st;
    const char *name = "model";
    int nn = ds_ymap_get(d, root, "name");
    if (nn && (st = ds_yas_string(d, nn, "name", &name, err)))
        return st;
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->path, sizeof m->path, "%s", d->file);
    int sources = ds_ymap_get(d, root, "sources");
    if (!sources)
        return ds_fail(err, DS_ERR_INPUT, "%s: the model has no 'sources' table", d->file);
    if ((st = ds_yas_mapping(d, sources, "sources", err)))
        return st;

    m->nlevel = nlevel;
    m->variant = variant;
    m->nsubj = nsubj;
    m->stride = ds_pad_lanes(nsubj);
    for (int i = 0; i < nlevel; i++)
        m->level_id[i] = level_id[i];

    size_t per = (size_t)nlevel * m->stride;
    double *mem = NULL;
    if (posix_memalign((void **)&mem, 64, (DS_NDISC_PARAMS + DS_NDISC_DERIVED) * per * sizeof(double)) != 0)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for model parameters");
    m->mem_ = mem;
    double *par[DS_NDISC_PARAMS], *der[DS_NDISC_DERIVED];
    for (int k = 0; k < DS_NDISC_PARAMS; k++)
        m->par[k] = par[k] = mem + (size_t)k * per;
    for (int k = 0; k < DS_NDISC_DERIVED; k++)
        m->der[k] = der[k] = mem + (size_t)(DS_NDISC_PARAMS + k) * per;

    int levels = ds_ymap_get(d, root, "levels");
    if (!levels)
        return ds_fail(err, DS_ERR_INPUT, "%s: the model has no 'levels' table", d->file);
    if ((st = ds_yas_mapping(d, levels, "levels", err)))
        return st;
    for (int i = 0; i < nlevel; i++) {
        const char *lname = ds_level_names[level_id[i]];
        int ln = ds_ymap_get(d, levels, lname);
        if (!ln)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'levels.%s': this model has no parameters for level %s",
                           ds_yloc(d, levels, loc, sizeof loc), lname, lname);
        char key[128];
        snprintf(key, sizeof key, "levels.%s", lname);
        if ((st = ds_ycheck_keys(d, ln, key, ds_disc_param_keys, err)))
            return st;
        double v[DS_NDISC_PARAMS];
        for (int k = 0; k < DS_NDISC_PARAMS; k++) {
            snprintf(key, sizeof key, "levels.%s.%s", lname, ds_disc_param_keys[k]);
            int pn = ds_ymap_get(d, ln, ds_disc_param_keys[k]);
            if (!pn)
                return ds_fail(err, DS_ERR_INPUT, "%s: key '%s' is missing (%s, in %s)",
                               ds_yloc(d, ln, loc, sizeof loc), key, ds_disc_param_descs[k], ds_disc_param_units[k]);
            if ((st = read_quantity(d, pn, key, ds_disc_param_units[k], &v[k], err)))
                return st;
            int may_be_zero = k == DS_PAR_c || k == DS_PAR_n_osm;
            if (v[k] < 0 || (!may_be_zero && v[k] == 0))
                return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': %g must be %s", ds_yloc(d, pn, loc, sizeof loc), key,
                               v[k], may_be_zero ? "zero or positive" : "positive");
        }
        double V0 = v[DS_PAR_A_n] * v[DS_PAR_h0] + v[DS_PAR_C_b] * v[DS_PAR_pi0];
        double ku = v[DS_PAR_k_a] + v[DS_PAR_A_p] * v[DS_PAR_A_n] / v[DS_PAR_C_b];
        double dv[DS_NDISC_DERIVED] = {
            [DS_DER_V0] = V0,
            [DS_DER_inv_V0] = 1.0 / V0,
            [DS_DER_inv_Cb] = 1.0 / v[DS_PAR_C_b],
            [DS_DER_k_u] = ku,
            [DS_DER_inv_ku] = 1.0 / ku,
            [DS_DER_inv_m] = 1.0 / v[DS_PAR_m],
        };
        for (int l = 0; l < m->stride; l++) { /* padding lanes hold valid values too */
            for (int k = 0; k < DS_NDISC_PARAMS; k++)
                par[k][(size_t)i * m->stride + l] = v[k];
            for (int k = 0; k < DS_NDISC_DERIVED; k++)
                der[k][(size_t)i * m->stride + l] = dv[k];
        }
    }
    int postures = ds_ymap_get(d, root, "postures");
    if (!postures)
        return ds_fail(err, DS_ERR_INPUT, "%s: the model has no 'postures' table", d->file);
    return read_postures(d, postures, m, err);
}

void ds_model_free(ds_model *m)
{
    if (m) {
        free(m->mem_);
        m->mem_ = NULL;
    }
}
