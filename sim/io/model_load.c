/* Compiling a model YAML file into an immutable ds_model (the model's layout and its
 * compilation steps are model/model.c; this file reads the document).
 *
 * Every number in a model file is written as {value, unit, source}: the unit must be the
 * one the code works in (no silent conversion), and the source must name an entry of the
 * file's `sources` table, so that a parameter without provenance cannot be loaded. */
#include "discsim/constants.h"
#include "discsim/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dmath.h"
#include "io/ydoc.h"
#include "model/model_build.h"
#include "model_load.h"

static const char *const quantity_keys[] = {"value", "unit", "source", "literature", "note", "design_value", NULL};

/* Reads a {value, unit, source} entry, checking unit, source and range. A range error names
 * the value's own line, which is the scenario's when `parameters:` overrode it. */
static ds_status read_quantity(const ds_ydoc *d, int node, const char *key, const char *unit, ds_range range,
                               double *out, ds_error *err)
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
    double v = *out;
    if (!ds_range_ok(range, v))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': %g %s must be %s", ds_yloc(d, vn, loc, sizeof loc), key, v,
                       unit, ds_range_text(range));
    return DS_OK;
}

/* Each entry of mapping `node` (a table keyed by name) in turn: fn(doc, key node, value node). */
typedef ds_status (*entry_fn)(const ds_ydoc *d, int key, int value, const char *name, void *ctx, ds_error *err);

static ds_status each_entry(const ds_ydoc *d, int node, const char *what, int max, entry_fn fn, void *ctx,
                            ds_error *err)
{
    char loc[4200];
    ds_status st = ds_yas_mapping(d, node, what, err);
    if (st)
        return st;
    yaml_node_t *n = ds_ynode(d, node);
    int np = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (np > max)
        return ds_fail(err, DS_ERR_INPUT, "%s: '%s' has more than %d entries", ds_yloc(d, node, loc, sizeof loc), what,
                       max);
    for (int i = 0; i < np; i++) {
        n = ds_ynode(d, node);
        yaml_node_pair_t p = n->data.mapping.pairs.start[i];
        const char *name;
        if ((st = ds_yas_string(d, p.key, what, &name, err)) || (st = fn(d, p.key, p.value, name, ctx, err)))
            return st;
    }
    return DS_OK;
}

/* A required {value, unit, source} entry `key` of mapping `map`, with its context path. */
static ds_status read_field(const ds_ydoc *d, int map, const char *ctx, const char *key, const char *unit,
                            ds_range range, double *out, ds_error *err)
{
    char loc[4200], path[300];
    snprintf(path, sizeof path, "%s.%s", ctx, key);
    int n = ds_ymap_get(d, map, key);
    if (!n)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s' is missing (in %s)", ds_yloc(d, map, loc, sizeof loc), path, unit);
    return read_quantity(d, n, path, unit, range, out, err);
}

static ds_status posture_entry(const ds_ydoc *d, int key, int value, const char *name, void *ctx, ds_error *err)
{
    (void)key;
    ds_model *m = ctx;
    static const char *const keys[] = {"description",
#define DS_X(f, u, scale, range) #f,
                                       DS_POSTURE_PARAMS(DS_X)
#undef DS_X
                                       NULL};
    char path[256];
    snprintf(path, sizeof path, "postures.%s", name);
    ds_status st = ds_ycheck_keys(d, value, path, keys, err);
    if (st)
        return st;
    ds_posture *ps = &m->posture[m->nposture++];
    snprintf(ps->name, sizeof ps->name, "%s", name);
#define DS_X(f, u, scale, range)                                                                                       \
    if ((st = read_field(d, value, path, #f, u, range, &ps->p.f, err)))                                              \
        return st;                                                                                                     \
    ps->p.f *= scale;
    DS_POSTURE_PARAMS(DS_X)
#undef DS_X
    return DS_OK;
}

static ds_status body_level_entry(const ds_ydoc *d, int key, int value, const char *name, void *ctx, ds_error *err)
{
    char loc[4200];
    ds_body *b = ctx;
    int id = ds_level_id(name);
    if (id < 0)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'body.levels.%s': not a lumbar level", ds_yloc(d, key, loc, sizeof loc),
                       name);
    char path[128];
    snprintf(path, sizeof path, "body.levels.%s", name);
    static const char *const keys[] = {
#define DS_X(f, u, range, desc) #f,
        DS_BODY_LEVEL_PARAMS(DS_X)
#undef DS_X
        NULL};
    ds_status st = ds_ycheck_keys(d, value, path, keys, err);
#define DS_X(f, u, range, desc)                                                                                        \
    if (!st)                                                                                                           \
        st = read_field(d, value, path, #f, u, range, &b->f[id], err);
    DS_BODY_LEVEL_PARAMS(DS_X)
#undef DS_X
    b->lordosis[id] *= DS_RAD_PER_DEG; /* degrees in files, radians inside */
    return st;
}

typedef struct {
    ds_model *m;
    double tones[DS_MAX_GROUPS];
} group_ctx;

static ds_status group_level_entry(const ds_ydoc *d, int key, int value, const char *name, void *ctx, ds_error *err)
{
    char loc[4200];
    ds_muscle_group *g = ctx;
    int id = ds_level_id(name);
    if (id < 0)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'muscles.%s.levels.%s': not a lumbar level",
                       ds_yloc(d, key, loc, sizeof loc), g->name, name);
    char path[200];
    snprintf(path, sizeof path, "muscles.%s.levels.%s", g->name, name);
    static const char *const keys[] = {"pcsa", "moment_arm", "cosine", NULL};
    ds_status st = ds_ycheck_keys(d, value, path, keys, err);
    if (!st)
        st = read_field(d, value, path, "pcsa", "mm^2", DS_RANGE_POS, &g->pcsa[id], err);
    if (!st)
        st = read_field(d, value, path, "moment_arm", "mm", DS_RANGE_ANY, &g->arm[id], err);
    if (!st)
        st = read_field(d, value, path, "cosine", "1", DS_RANGE_FRAC, &g->cosine[id], err);
    g->crosses[id] = 1;
    return st;
}

static ds_status group_entry(const ds_ydoc *d, int key, int value, const char *name, void *ctx, ds_error *err)
{
    (void)key;
    group_ctx *gc = ctx;
    ds_model *m = gc->m;
    double *tones = gc->tones;
    ds_muscle_group *g = &m->group[m->ngroup];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
    char path[160];
    snprintf(path, sizeof path, "muscles.%s", name);
    static const char *const keys[] = {"specific_tension", "optimal_length", "passive_scale", "tone",
                                       "activation_time",  "deactivation_time", "levels", NULL};
    ds_status st = ds_ycheck_keys(d, value, path, keys, err);
    if (!st)
        st = read_field(d, value, path, "specific_tension", "MPa", DS_RANGE_POS, &g->sigma, err);
    if (!st)
        st = read_field(d, value, path, "optimal_length", "mm", DS_RANGE_POS, &g->l_opt, err);
    if (!st)
        st = read_field(d, value, path, "passive_scale", "1", DS_RANGE_NONNEG, &g->passive, err);
    if (!st)
        st = read_field(d, value, path, "tone", "1", DS_RANGE_FRAC, &tones[m->ngroup], err);
    if (!st)
        st = read_field(d, value, path, "activation_time", "s", DS_RANGE_POS, &g->tau_act, err);
    if (!st)
        st = read_field(d, value, path, "deactivation_time", "s", DS_RANGE_POS, &g->tau_deact, err);
    if (st)
        return st;
    char loc[4200];
    int lv = ds_ymap_get(d, value, "levels");
    if (!lv)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.levels' is missing", ds_yloc(d, value, loc, sizeof loc), path);
    snprintf(path, sizeof path, "muscles.%s.levels", name);
    if ((st = each_entry(d, lv, path, DS_MAX_LEVELS, group_level_entry, g, err)))
        return st;
    m->ngroup++;
    return DS_OK;
}

static ds_status threshold_entry(const ds_ydoc *d, int key, int value, const char *name, void *ctx, ds_error *err)
{
    (void)key;
    ds_model *m = ctx;
    ds_threshold *t = &m->threshold[m->nthreshold];
    snprintf(t->name, sizeof t->name, "%s", name);
    char path[160];
    snprintf(path, sizeof path, "thresholds.%s", name);
    ds_status st = read_quantity(d, value, path, "mmHg", DS_RANGE_POS, &t->mmHg, err);
    if (st)
        return st;
    if (m->nthreshold > 0 && t->mmHg <= m->threshold[m->nthreshold - 1].mmHg)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': thresholds must rise in the order given", d->file, path);
    m->nthreshold++;
    return DS_OK;
}

static ds_status read_herniation(const ds_ydoc *d, int root, ds_model *m, ds_error *err)
{
    char loc[4200];
    ds_herniation_model *h = &m->hern;
    int hn = ds_ymap_get(d, root, "herniation");
    if (!hn) { /* a model without a herniation table: no contact (and none can be asked for) */
        memset(h, 0, sizeof *h);
        for (int g = 0; g < DS_GRADES; g++)
            for (int k = 0; k < DS_NGRADE_FACTORS; k++)
                h->grade[g][k] = 1.0;
        h->root_diameter = NAN;
        return DS_OK;
    }
    static const char *const keys[] = {"pressure_gain", "flexion_gain",  "height_gain", "foraminal_narrowing",
                                       "foraminal_opening", "root_modulus", "root_diameter", "smoothing",
                                       "root_tension", "types", "degeneration", NULL};
    ds_status st = ds_ycheck_keys(d, hn, "herniation", keys, err);
    if (st || (st = read_field(d, hn, "herniation", "pressure_gain", "mm/MPa", DS_RANGE_NONNEG, &h->pressure_gain, err)) ||
        (st = read_field(d, hn, "herniation", "flexion_gain", "mm/deg", DS_RANGE_ANY, &h->flexion_gain, err)) ||
        (st = read_field(d, hn, "herniation", "height_gain", "1", DS_RANGE_NONNEG, &h->height_gain, err)) ||
        (st = read_field(d, hn, "herniation", "foraminal_narrowing", "1", DS_RANGE_NONNEG, &h->foraminal_narrowing,
                         err)) ||
        (st = read_field(d, hn, "herniation", "foraminal_opening", "mm/deg", DS_RANGE_NONNEG, &h->foraminal_opening,
                         err)) ||
        (st = read_field(d, hn, "herniation", "root_modulus", "MPa", DS_RANGE_POS, &h->root_modulus, err)) ||
        (st = read_field(d, hn, "herniation", "root_diameter", "mm", DS_RANGE_POS, &h->root_diameter, err)) ||
        (st = read_field(d, hn, "herniation", "smoothing", "mm", DS_RANGE_POS, &h->smoothing, err)) ||
        (st = read_field(d, hn, "herniation", "root_tension", "MPa/mm", DS_RANGE_NONNEG, &h->root_tension, err)))
        return st;
    h->flexion_gain /= DS_RAD_PER_DEG; /* mm/deg in the file, mm/rad inside */
    h->foraminal_opening /= DS_RAD_PER_DEG;
    int ty = ds_ymap_get(d, hn, "types");
    static const char *const types[] = {"paracentral", "foraminal", NULL};
    if (!ty)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'herniation.types' is missing", ds_yloc(d, hn, loc, sizeof loc));
    if ((st = ds_ycheck_keys(d, ty, "herniation.types", types, err)))
        return st;
    for (int k = 0; k < 2; k++) {
        char path[64];
        snprintf(path, sizeof path, "herniation.types.%s", types[k]);
        int tn = ds_ymap_get(d, ty, types[k]);
        if (!tn)
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s' is missing", ds_yloc(d, ty, loc, sizeof loc), path);
        if ((st = read_field(d, tn, path, "gap", "mm", DS_RANGE_NONNEG, &h->gap[k], err)))
            return st;
    }
    int dg = ds_ymap_get(d, hn, "degeneration");
    if (!dg)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'herniation.degeneration' is missing", ds_yloc(d, hn, loc, sizeof loc));
    static const char *const grades[] = {"grade1", "grade2", "grade3", "grade4", "grade5", NULL};
    const char *gk[DS_NGRADE_FACTORS + 1] = {NULL}; /* the factors' disc keys, NULL-terminated */
    for (int k = 0; k < DS_NGRADE_FACTORS; k++)
        gk[k] = ds_disc_param_keys[ds_grade_params[k]];
    if ((st = ds_ycheck_keys(d, dg, "herniation.degeneration", grades, err)))
        return st;
    for (int g = 0; g < DS_GRADES; g++) {
        char path[64];
        snprintf(path, sizeof path, "herniation.degeneration.%s", grades[g]);
        int gn = ds_ymap_get(d, dg, grades[g]);
        if (!gn)
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s' is missing", ds_yloc(d, dg, loc, sizeof loc), path);
        if ((st = ds_ycheck_keys(d, gn, path, gk, err)))
            return st;
        for (int k = 0; k < DS_NGRADE_FACTORS; k++)
            if ((st = read_field(d, gn, path, gk[k], "1", DS_RANGE_POS, &h->grade[g][k], err)))
                return st;
    }
    return DS_OK;
}

/* levels: the disc parameters of each simulated level */
static ds_status read_levels(const ds_ydoc *d, int root, ds_model *m, ds_error *err)
{
    char loc[4200];
    const int nlevel = m->nlevel;
    const int *level_id = m->level_id;
    ds_status st;
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
            int may_be_zero = k == DS_PAR_c || k == DS_PAR_n_osm || k == DS_PAR_k_v;
            if ((st = read_quantity(d, pn, key, ds_disc_param_units[k], may_be_zero ? DS_RANGE_NONNEG : DS_RANGE_POS,
                                    &v[k], err)))
                    return st;
        }
        ds_model_set_level(m, i, v);
    }
    return DS_OK;
}

/* body: mass, stature and the mass above each level */
static ds_status read_body(const ds_ydoc *d, int root, ds_model *m, double *mass, ds_error *err)
{
    char loc[4200];
    const int nlevel = m->nlevel;
    const int *level_id = m->level_id;
    ds_status st;
    int body = ds_ymap_get(d, root, "body");
    if (!body)
        return ds_fail(err, DS_ERR_INPUT, "%s: the model has no 'body' table", d->file);
    static const char *const body_keys[] = {"mass",         "height",         "reference_height", "gravity",
                                            "full_flexion", "ligament_shape", "levels",           NULL};
    if ((st = ds_ycheck_keys(d, body, "body", body_keys, err)))
        return st;
    double height, ref_height;
    if ((st = read_field(d, body, "body", "mass", "t", DS_RANGE_POS, mass, err)) ||
        (st = read_field(d, body, "body", "height", "mm", DS_RANGE_POS, &height, err)) ||
        (st = read_field(d, body, "body", "reference_height", "mm", DS_RANGE_POS, &ref_height, err)) ||
        (st = read_field(d, body, "body", "gravity", "mm/s^2", DS_RANGE_NONNEG, &m->body.gravity, err)) ||
        (st = read_field(d, body, "body", "full_flexion", "deg", DS_RANGE_POS, &m->body.full_flexion, err)) ||
        (st = read_field(d, body, "body", "ligament_shape", "1", DS_RANGE_POS, &m->body.ligament_shape, err)))
        return st;
    m->body.full_flexion *= DS_RAD_PER_DEG;
    m->body.ligament_den = ds_exp(m->body.ligament_shape) - 1.0;
    m->body.height_scale = height / ref_height;
    for (int k = 0; k < DS_MAX_LEVELS; k++)
        m->body.mass_above[k] = NAN;
    int bl = ds_ymap_get(d, body, "levels");
    if (!bl)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'body.levels' is missing", ds_yloc(d, body, loc, sizeof loc));
    if ((st = each_entry(d, bl, "body.levels", DS_MAX_LEVELS, body_level_entry, &m->body, err)))
        return st;
    for (int i = 0; i < nlevel; i++)
        if (isnan(m->body.mass_above[level_id[i]]))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'body.levels.%s' is missing", ds_yloc(d, bl, loc, sizeof loc),
                           ds_level_names[level_id[i]]);

    return DS_OK;
}

ds_status ds_model_compile(const ds_ydoc *d, int nlevel, const int *level_id, ds_variant variant, int nsubj,
                           const ds_herniation_site *site, ds_model *m, ds_error *err)
{
    memset(m, 0, sizeof *m);
    int root = ds_yroot(d);
    static const char *const top_keys[] = {"name",     "description", "sources",    "levels",  "body", "muscles",
                                           "postures", "herniation",  "thresholds", "massage", NULL};
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

    if ((st = ds_model_alloc(m, nlevel, level_id, variant, nsubj, err)))
        return st;

    double mass;
    if ((st = read_levels(d, root, m, err)) || (st = read_body(d, root, m, &mass, err)))
        return st;
    /* muscles */
    int mus = ds_ymap_get(d, root, "muscles");
    if (!mus)
        return ds_fail(err, DS_ERR_INPUT, "%s: the model has no 'muscles' table", d->file);
    group_ctx gc = {.m = m};
    if ((st = each_entry(d, mus, "muscles", DS_MAX_GROUPS, group_entry, &gc, err)))
        return st;
    ds_model_set_lanes(m, mass, gc.tones);
    for (int i = 0; i < nlevel; i++)
        if (!(m->body.mass_above[level_id[i]] > (i > 0 ? m->body.mass_above[level_id[i - 1]] : 0.0)))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'body.levels.%s.mass_above' must exceed the level above's",
                           d->file, ds_level_names[level_id[i]]);
    ds_model_vertebral_masses(m);

    int postures = ds_ymap_get(d, root, "postures");
    if (!postures)
        return ds_fail(err, DS_ERR_INPUT, "%s: the model has no 'postures' table", d->file);
    if ((st = each_entry(d, postures, "postures", DS_MAX_POSTURES, posture_entry, m, err)))
        return st;
    if ((st = read_herniation(d, root, m, err)) || (site && site->enabled && (st = ds_model_place_site(m, site, err))))
        return st;
    int th = ds_ymap_get(d, root, "thresholds");
    if (th && (st = each_entry(d, th, "thresholds", DS_MAX_THRESHOLDS, threshold_entry, m, err)))
        return st;
    /* massage: every route's size and clock, with its source (DESIGN §3.5) */
    int ms = ds_ymap_get(d, root, "massage");
    if (!ms)
        return ds_fail(err, DS_ERR_INPUT, "%s: the model has no 'massage' table", d->file);
    if ((st = ds_ycheck_keys(d, ms, "massage", ds_massage_keys, err)))
        return st;
#define DS_X(f, u, r, desc)                                                                                            \
    if ((st = read_field(d, ms, "massage", #f, u, r, &m->massage.f, err)))                                            \
        return st;
    DS_MASSAGE_PARAMS(DS_X)
#undef DS_X
    return DS_OK;
}

