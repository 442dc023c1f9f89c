/* A scenario's `parameters:` written into its model document, each value converted into the
 * model's unit; the new nodes keep the scenario's lines, so errors blame the scenario. */
#include "discsim/scenario.h"

#include <stdio.h>
#include <string.h>

#include "base/units.h"
#include "io/ydoc.h"
#include "scenario_read.h"

/* Replaces the value of the model quantity `mq` ({value, unit, source}) by the scenario's
 * leaf `node` (see given_value). The new node keeps the scenario's line, so that a range
 * error found when the model compiles names the scenario, not the model. */
/* The value a scenario gives a model quantity, in the model's unit: "number unit" (a bare
 * number only where the unit is 1), {value, unit}, or {scale: f}, f times the model's own
 * value (a sensitivity study varies an estimate by a factor without restating it). */
static ds_status given_value(const ds_ydoc *sd, int node, const char *path, const ds_ydoc *md, int mq,
                             const char *unit, double *v, ds_error *err)
{
    char loc[4200], text[600], why[256];
    const char *given;
    ds_status st;
    yaml_node_t *n = ds_ynode(sd, node);
    if (n->type == YAML_MAPPING_NODE && ds_ymap_get(sd, node, "scale")) {
        static const char *const keys[] = {"scale", NULL};
        double f, base;
        if ((st = ds_ycheck_keys(sd, node, path, keys, err)) ||
            (st = ds_yas_quantity(sd, ds_ymap_get(sd, node, "scale"), path, "1", &f, err)) ||
            (st = ds_yas_double(md, ds_ymap_get(md, mq, "value"), path, &base, err)))
            return st;
        if (!(f >= 0))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'parameters.%s.scale': a factor of zero or more",
                           ds_yloc(sd, node, loc, sizeof loc), path);
        *v = base * f;
        return DS_OK;
    }
    if (n->type == YAML_MAPPING_NODE) {
        static const char *const keys[] = {"value", "unit", NULL};
        int vn = ds_ymap_get(sd, node, "value"), un = ds_ymap_get(sd, node, "unit");
        const char *val = NULL, *u = "";
        if ((st = ds_ycheck_keys(sd, node, path, keys, err)))
            return st;
        if (!vn || (st = ds_yas_string(sd, vn, path, &val, err)) || (un && (st = ds_yas_string(sd, un, path, &u, err))))
            return st ? st : ds_fail(err, DS_ERR_INPUT, "%s: key 'parameters.%s': needs a value",
                                     ds_yloc(sd, node, loc, sizeof loc), path);
        snprintf(text, sizeof text, "%s %s", val, u);
        given = text;
    } else if ((st = ds_yas_string(sd, node, path, &given, err)))
        return st;
    if (ds_quantity_parse(given, unit, v, why, sizeof why))
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'parameters.%s': '%s': %s (the model works in %s)",
                       ds_yloc(sd, node, loc, sizeof loc), path, given, why, unit);
    return DS_OK;
}

static ds_status override_quantity(const ds_ydoc *sd, int node, const char *path, ds_ydoc *md, int mq, ds_error *err)
{
    const char *unit;
    ds_status st = ds_yas_string(md, ds_ymap_get(md, mq, "unit"), path, &unit, err);
    double v;
    if (st || (st = given_value(sd, node, path, md, mq, unit, &v, err)))
        return st;
    char num[40];
    snprintf(num, sizeof num, "%.17g", v);
    int id = yaml_document_add_scalar(&md->doc, NULL, (yaml_char_t *)num, -1, YAML_PLAIN_SCALAR_STYLE);
    if (!id)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    yaml_node_t *nn = ds_ynode(md, id);
    nn->start_mark.line = ds_ynode(sd, node)->start_mark.line;
    nn->start_mark.column = DS_YCOL_ORIGIN;
    snprintf(md->origin, sizeof md->origin, "%s", sd->file);
    yaml_node_t *q = ds_ynode(md, mq);
    for (yaml_node_pair_t *p = q->data.mapping.pairs.start; p < q->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ds_ynode(md, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, "value"))
            p->value = id;
    }
    return DS_OK;
}

/* Walks the scenario's `parameters` mapping alongside the model document and overrides each
 * leaf it reaches (see override_quantity). `path` holds the dotted key so far; it is built with
 * checked lengths, and the walk is as deep as the model, never deeper. */
ds_status ds_sc_apply_parameters(const ds_ydoc *sd, int node, char *path, size_t cap, size_t plen, ds_ydoc *md,
                                  int mnode, ds_error *err)
{
    char loc[4200];
    yaml_node_t *n = ds_ynode(sd, node);
    int is_quantity = ds_ymap_get(md, mnode, "value") && ds_ymap_get(md, mnode, "unit");
    if (is_quantity)
        return override_quantity(sd, node, path, md, mnode, err);
    if (n->type != YAML_MAPPING_NODE)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'parameters%s%s': %s",
                       ds_yloc(sd, node, loc, sizeof loc), plen ? "." : "", path,
                       ds_ynode(md, mnode)->type == YAML_MAPPING_NODE ? "the model has a table here: give a mapping"
                                                                      : "the model has no such parameter");
    int npairs = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    for (int i = 0; i < npairs; i++) {
        n = ds_ynode(sd, node);
        yaml_node_pair_t p = n->data.mapping.pairs.start[i];
        const char *k;
        ds_status st = ds_yas_string(sd, p.key, "parameters", &k, err);
        if (st)
            return st;
        int w = snprintf(path + plen, cap - plen, "%s%s", plen ? "." : "", k);
        if (w < 0 || (size_t)w >= cap - plen)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'parameters.%.*s...': key path too long",
                           ds_yloc(sd, p.key, loc, sizeof loc), (int)(plen < 200 ? plen : 200), path);
        int child = ds_ymap_get(md, mnode, k);
        if (!child)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'parameters.%s': the model (%s) has no such parameter",
                           ds_yloc(sd, p.key, loc, sizeof loc), path, md->file);
        if ((st = ds_sc_apply_parameters(sd, p.value, path, cap, plen + (size_t)w, md, child, err)))
            return st;
        path[plen] = '\0';
    }
    return DS_OK;
}

