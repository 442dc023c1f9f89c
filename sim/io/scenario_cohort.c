/* A scenario's `cohort:` (DESIGN §6): its size, seed and design, the parameters it varies
 * with their distributions, and their correlations; drawn and written into the model's
 * lanes when the scenario loads, so `discsim check` finds every error a run would. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/dist.h"
#include "discsim/cohort.h"
#include "discsim/scenario.h"
#include "io/ydoc.h"
#include "scenario_read.h"

/* Herniation and root coefficients a cohort may vary, by their name under herniation. */
static const struct {
    const char *name;
    int lp;
} hern_keys[] = {{"size", DS_LP_hern_size},
                 {"gap", DS_LP_hern_gap},
                 {"pressure_gain", DS_LP_pressure_gain},
                 {"flexion_gain", DS_LP_flexion_gain},
                 {"height_gain", DS_LP_height_gain},
                 {"foraminal_narrowing", DS_LP_foraminal_narrowing},
                 {"foraminal_opening", DS_LP_foraminal_opening},
                 {"root_modulus", DS_LP_root_modulus},
                 {"root_diameter", DS_LP_root_diameter},
                 {"smoothing", DS_LP_root_smoothing},
                 {"root_tension", DS_LP_root_tension}};

static const char *const vary_help =
    "body_mass, herniation.<size|gap|pressure_gain|flexion_gain|height_gain|foraminal_narrowing|foraminal_opening|"
    "root_modulus|root_diameter|smoothing|root_tension>, massage.<size|time>, muscles.<group>.tone or "
    "levels.<level>.<disc parameter>";

/* What a key under vary names in the model, and that quantity's unit. */
static ds_status resolve(const ds_ydoc *d, int node, const char *key, const ds_scenario *sc, ds_vary *v, ds_error *err)
{
    char loc[4200], a[128] = "", b[128] = "", c[128] = "";
    const ds_model *m = &sc->model;
    int parts = sscanf(key, "%127[^.].%127[^.].%127s", a, b, c);
    v->level = -1;
    v->index = -1;
    if (parts == 1 && !strcmp(a, "body_mass")) {
        v->target = DS_VARY_LANE;
        v->index = DS_LP_body_mass;
    } else if (parts == 2 && !strcmp(a, "herniation")) {
        for (size_t k = 0; k < sizeof hern_keys / sizeof hern_keys[0]; k++)
            if (!strcmp(b, hern_keys[k].name))
                v->index = hern_keys[k].lp;
        if (v->index >= 0 && !m->site.enabled)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.vary.%s': the scenario places no herniation",
                           ds_yloc(d, node, loc, sizeof loc), key);
        v->target = DS_VARY_LANE;
    } else if (parts == 2 && !strcmp(a, "massage") && (!strcmp(b, "size") || !strcmp(b, "time"))) {
        v->target = DS_VARY_LANE;
        v->index = !strcmp(b, "size") ? DS_LP_massage_size : DS_LP_massage_time;
    } else if (parts == 3 && !strcmp(a, "muscles") && !strcmp(c, "tone")) {
        v->target = DS_VARY_TONE;
        for (int g = 0; g < m->ngroup; g++)
            if (!strcmp(b, m->group[g].name))
                v->index = g;
        if (v->index < 0)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.vary.%s': the model has no muscle group '%s'",
                           ds_yloc(d, node, loc, sizeof loc), key, b);
    } else if (parts == 3 && !strcmp(a, "levels")) {
        v->target = DS_VARY_DISC;
        int id = ds_level_id(b);
        for (int i = 0; i < m->nlevel; i++)
            if (m->level_id[i] == id)
                v->level = i;
        if (v->level < 0)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.vary.%s': %s is not among the simulated levels",
                           ds_yloc(d, node, loc, sizeof loc), key, b);
        for (int k = 0; k < DS_NDISC_PARAMS; k++)
            if (!strcmp(c, ds_disc_param_keys[k]))
                v->index = k;
    }
    if (v->index < 0)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.vary.%s': not a parameter a cohort can vary (%s)",
                       ds_yloc(d, node, loc, sizeof loc), key, vary_help);
    const char *unit = v->target == DS_VARY_LANE   ? ds_lane_param_units[v->index]
                       : v->target == DS_VARY_TONE ? "1"
                                                   : ds_disc_param_units[v->index];
    snprintf(v->unit, sizeof v->unit, "%s", unit);
    snprintf(v->key, sizeof v->key, "%s", key);
    return DS_OK;
}

/* One distribution: {distribution: normal, mean, sd[, min][, max]} | {lognormal, median,
 * sd_log} | {uniform, min, max}, each number with the parameter's unit; source and note are
 * free text kept in the scenario. */
static ds_status read_dist(const ds_ydoc *d, int node, ds_vary *v, ds_error *err)
{
    char loc[4200], path[200];
    static const char *const keys[] = {"distribution", "mean", "sd", "median", "sd_log", "min", "max", "source", "note",
                                       NULL};
    snprintf(path, sizeof path, "cohort.vary.%s", v->key);
    ds_status st = ds_ycheck_keys(d, node, path, keys, err);
    const char *dist;
    int dn = st ? 0 : ds_ymap_get(d, node, "distribution");
    if (st || !dn)
        return st ? st : ds_fail(err, DS_ERR_INPUT, "%s: key '%s.distribution' is missing (normal, lognormal or uniform)",
                                 ds_yloc(d, node, loc, sizeof loc), path);
    if ((st = ds_yas_string(d, dn, path, &dist, err)))
        return st;
    static const char *const names[] = {"normal", "lognormal", "uniform"};
    static const char *const need[][2] = {{"mean", "sd"}, {"median", "sd_log"}, {"min", "max"}};
    static const char *const units_b[] = {NULL, "1", NULL}; /* sd_log is dimensionless */
    int kind = -1;
    for (int k = 0; k < 3; k++)
        if (!strcmp(dist, names[k]))
            kind = k;
    if (kind < 0)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.distribution': '%s' (normal, lognormal or uniform)",
                       ds_yloc(d, dn, loc, sizeof loc), path, dist);
    v->dist = (ds_vary_dist)kind;
    static const char *const all[] = {"mean", "sd", "median", "sd_log", "min", "max"};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) { /* keys of another distribution are mistakes */
        int used = !strcmp(all[k], need[kind][0]) || !strcmp(all[k], need[kind][1]) ||
                   (kind == DS_VARY_NORMAL && (!strcmp(all[k], "min") || !strcmp(all[k], "max")));
        int kn = ds_ymap_get(d, node, all[k]);
        if (kn && !used)
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.%s': a %s distribution has no %s (it takes %s and %s%s)",
                           ds_yloc(d, kn, loc, sizeof loc), path, all[k], dist, all[k], need[kind][0], need[kind][1],
                           kind == DS_VARY_NORMAL ? ", and optionally min and max" : "");
    }
    double *dst[2] = {&v->a, &v->b};
    for (int k = 0; k < 2; k++) {
        char sub[260];
        snprintf(sub, sizeof sub, "%s.%s", path, need[kind][k]);
        int kn = ds_ymap_get(d, node, need[kind][k]);
        if (!kn)
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s' is missing", ds_yloc(d, node, loc, sizeof loc), sub);
        if ((st = ds_yas_quantity(d, kn, sub, k == 1 && units_b[kind] ? units_b[kind] : v->unit, dst[k], err)))
            return st;
    }
    v->lo = -INFINITY;
    v->hi = INFINITY;
    if (kind == DS_VARY_NORMAL) {
        int ln = ds_ymap_get(d, node, "min"), hn = ds_ymap_get(d, node, "max");
        if ((ln && (st = ds_yas_quantity(d, ln, path, v->unit, &v->lo, err))) ||
            (hn && (st = ds_yas_quantity(d, hn, path, v->unit, &v->hi, err))))
            return st;
        if (!(v->b > 0))
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.sd': must be positive", ds_yloc(d, node, loc, sizeof loc), path);
        if (!(v->lo < v->hi) || ds_norm_cdf((v->hi - v->a) / v->b) - ds_norm_cdf((v->lo - v->a) / v->b) < 1e-6)
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': min and max leave almost none of the distribution",
                           ds_yloc(d, node, loc, sizeof loc), path);
    } else if (kind == DS_VARY_LOGNORMAL) {
        if (!(v->a > 0) || !(v->b > 0))
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': median and sd_log must be positive",
                           ds_yloc(d, node, loc, sizeof loc), path);
    } else if (!(v->a < v->b))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': min must be below max", ds_yloc(d, node, loc, sizeof loc), path);
    return DS_OK;
}

/* correlations: a list of {between: [key, key], r, source, note} over varied keys. */
static ds_status read_correlations(const ds_ydoc *d, int node, ds_cohort *c, ds_error *err)
{
    char loc[4200];
    int len;
    ds_status st = ds_yas_sequence(d, node, "cohort.correlations", &len, err);
    for (int i = 0; i < len && !st; i++) {
        int item = ds_yseq_item(d, node, i), pair, n2;
        static const char *const keys[] = {"between", "r", "source", "note", NULL};
        if ((st = ds_ycheck_keys(d, item, "cohort.correlations", keys, err)))
            return st;
        int bn = ds_ymap_get(d, item, "between"), rn = ds_ymap_get(d, item, "r");
        if (!bn || !rn)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.correlations': each needs between: [a, b] and r",
                           ds_yloc(d, item, loc, sizeof loc));
        if ((st = ds_yas_sequence(d, bn, "cohort.correlations.between", &n2, err)))
            return st;
        if (n2 != 2)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.correlations.between': name two varied parameters",
                           ds_yloc(d, bn, loc, sizeof loc));
        int idx[2];
        for (int k = 0; k < 2; k++) {
            const char *s;
            pair = ds_yseq_item(d, bn, k);
            if ((st = ds_yas_string(d, pair, "cohort.correlations.between", &s, err)))
                return st;
            idx[k] = -1;
            for (int j = 0; j < c->nvary; j++)
                if (!strcmp(s, c->vary[j].key))
                    idx[k] = j;
            if (idx[k] < 0)
                return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.correlations.between': '%s' is not varied in cohort.vary",
                               ds_yloc(d, pair, loc, sizeof loc), s);
        }
        double r;
        if ((st = ds_yas_quantity(d, rn, "cohort.correlations.r", "1", &r, err)))
            return st;
        if (idx[0] == idx[1] || !(r > -1 && r < 1))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.correlations': two different parameters and -1 < r < 1",
                           ds_yloc(d, item, loc, sizeof loc));
        c->corr[idx[0] * DS_MAX_VARY + idx[1]] = c->corr[idx[1] * DS_MAX_VARY + idx[0]] = r;
        c->correlated = 1;
    }
    return st;
}

ds_status ds_sc_read_cohort_shape(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    static const char *const keys[] = {"n", "seed", "design", "vary", "correlations", "responder", "note", NULL};
    ds_cohort *c = &sc->cohort;
    ds_status st = ds_ycheck_keys(d, node, "cohort", keys, err);
    if (st)
        return st;
    int nn = ds_ymap_get(d, node, "n"), sn = ds_ymap_get(d, node, "seed"), dn = ds_ymap_get(d, node, "design");
    long v;
    if (!nn)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.n' is missing (the number of subjects)",
                       ds_yloc(d, node, loc, sizeof loc));
    if ((st = ds_yas_int(d, nn, "cohort.n", 1, 1000000, &v, err)))
        return st;
    c->n = (int)v;
    if (!sn)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.seed' is missing (the draws are a function of it)",
                       ds_yloc(d, node, loc, sizeof loc));
    if ((st = ds_yas_int(d, sn, "cohort.seed", 0, 0x7fffffffL, &v, err)))
        return st;
    c->seed = (uint64_t)v;
    c->design = DS_DESIGN_RANDOM;
    if (dn) {
        const char *s;
        if ((st = ds_yas_string(d, dn, "cohort.design", &s, err)))
            return st;
        int k = 0;
        while (ds_design_names[k] && strcmp(ds_design_names[k], s))
            k++;
        if (!ds_design_names[k])
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.design': '%s' (random, lhs, sobol or saltelli)",
                           ds_yloc(d, dn, loc, sizeof loc), s);
        c->design = (ds_design)k;
    }
    c->nbase = c->n;
    if (c->design == DS_DESIGN_SALTELLI) { /* n base points, each a block of d + 2 subjects */
        int vn = ds_ymap_get(d, node, "vary");
        yaml_node_t *vm = vn ? ds_ynode(d, vn) : NULL;
        int nv = vm && vm->type == YAML_MAPPING_NODE ? (int)(vm->data.mapping.pairs.top - vm->data.mapping.pairs.start) : 0;
        if (nv < 1)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.design': a saltelli design needs parameters under vary",
                           ds_yloc(d, dn, loc, sizeof loc));
        if (ds_ymap_get(d, node, "correlations"))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.correlations': Sobol indices need independent "
                                              "parameters; a saltelli design takes no correlations",
                           ds_yloc(d, ds_ymap_get(d, node, "correlations"), loc, sizeof loc));
        if ((long)c->n * (nv + 2) > 1000000)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.n': %d base points of %d parameters make %ld subjects "
                                              "(at most 1000000)", ds_yloc(d, nn, loc, sizeof loc), c->n, nv,
                           (long)c->n * (nv + 2));
        c->n *= nv + 2;
    }
    c->responder = -1.0;
    int rn = ds_ymap_get(d, node, "responder");
    if (rn && (st = ds_yas_duration(d, rn, "cohort.responder", 1, &c->responder, err)))
        return st;
    c->enabled = 1;
    sc->nsubj = c->n;
    sc->seed = c->seed;
    return DS_OK;
}

ds_status ds_sc_read_cohort(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    ds_cohort *c = &sc->cohort;
    int vn = ds_ymap_get(d, node, "vary");
    ds_status st = DS_OK;
    for (int i = 0; i < DS_MAX_VARY; i++)
        for (int j = 0; j < DS_MAX_VARY; j++)
            c->corr[i * DS_MAX_VARY + j] = i == j;
    if (vn) {
        if ((st = ds_yas_mapping(d, vn, "cohort.vary", err)))
            return st;
        yaml_node_t *m = ds_ynode(d, vn);
        int np = (int)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
        if (np > DS_MAX_VARY)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.vary': at most %d parameters",
                           ds_yloc(d, vn, loc, sizeof loc), DS_MAX_VARY);
        for (int i = 0; i < np && !st; i++) {
            yaml_node_pair_t p = ds_ynode(d, vn)->data.mapping.pairs.start[i];
            const char *key;
            ds_vary *v = &c->vary[c->nvary];
            if ((st = ds_yas_string(d, p.key, "cohort.vary", &key, err)) || (st = resolve(d, p.key, key, sc, v, err)))
                return st;
            for (int j = 0; j < c->nvary; j++)
                if (c->vary[j].target == v->target && c->vary[j].index == v->index && c->vary[j].level == v->level)
                    return ds_fail(err, DS_ERR_INPUT, "%s: key 'cohort.vary.%s': varied twice (also as %s)",
                                   ds_yloc(d, p.key, loc, sizeof loc), key, c->vary[j].key);
            if ((st = ds_yas_mapping(d, p.value, v->key, err)) || (st = read_dist(d, p.value, v, err)))
                return st;
            c->nvary++;
        }
    }
    int cn = ds_ymap_get(d, node, "correlations");
    if (cn && (st = read_correlations(d, cn, c, err)))
        return st;
    if ((st = ds_cohort_draw(c, err)) || (st = ds_cohort_check(c, &sc->model, err))) {
        char msg[DS_ERROR_MSG_LEN];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        return ds_fail(err, st, "%s: key 'cohort': %s", ds_yloc(d, node, loc, sizeof loc), msg);
    }
    return DS_OK;
}
