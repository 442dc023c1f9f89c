/* Typed readers of a YAML document's nodes: mappings, lists, text, numbers, whole numbers,
 * durations and quantities with units; every error names file, line and key (see ydoc.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/units.h"
#include "ydoc.h"

#define LOC(id) ds_yloc(d, (id), loc, sizeof loc)

static const char *kind_name(const yaml_node_t *n)
{
    if (!n)
        return "nothing";
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

int ds_ymap_get(const ds_ydoc *d, int map, const char *key)
{
    yaml_node_t *m = ds_ynode(d, map);
    if (!m || m->type != YAML_MAPPING_NODE)
        return 0;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ds_ynode(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
            return p->value;
    }
    return 0;
}

ds_status ds_yas_mapping(const ds_ydoc *d, int node, const char *key, ds_error *err)
{
    char loc[4200];
    yaml_node_t *n = ds_ynode(d, node);
    if (!n || n->type != YAML_MAPPING_NODE)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': expected a mapping (key: value lines), got %s", LOC(node),
                       key, kind_name(n));
    return DS_OK;
}

ds_status ds_ycheck_keys(const ds_ydoc *d, int map, const char *ctx, const char *const *allowed, ds_error *err)
{
    char loc[4200];
    ds_status st = ds_yas_mapping(d, map, ctx, err);
    if (st)
        return st;
    yaml_node_t *m = ds_ynode(d, map);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ds_ynode(d, p->key);
        const char *ks = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?";
        int found = 0;
        for (int i = 0; allowed[i] && !found; i++)
            found = strcmp(ks, allowed[i]) == 0;
        for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < p && found; q++) {
            yaml_node_t *kq = ds_ynode(d, q->key);
            if (kq && kq->type == YAML_SCALAR_NODE && strcmp((const char *)kq->data.scalar.value, ks) == 0)
                return ds_fail(err, DS_ERR_INPUT, "%s: key '%s%s%s' is given twice", LOC(p->key), ctx,
                               *ctx ? "." : "", ks);
        }
        if (!found) {
            char list[1024] = "";
            size_t len = 0;
            for (int i = 0; allowed[i]; i++)
                ds_append(list, sizeof list, &len, "%s%s", i ? ", " : "", allowed[i]);
            const char *near = ds_suggest(ks, allowed);
            if (near)
                return ds_fail(err, DS_ERR_INPUT, "%s: unknown key '%s%s%s'; did you mean '%s'? (expected one of: %s)",
                               LOC(p->key), ctx, *ctx ? "." : "", ks, near, list);
            return ds_fail(err, DS_ERR_INPUT, "%s: unknown key '%s%s%s' (expected one of: %s)", LOC(p->key), ctx,
                           *ctx ? "." : "", ks, list);
        }
    }
    return DS_OK;
}

ds_status ds_yas_sequence(const ds_ydoc *d, int node, const char *key, int *len, ds_error *err)
{
    char loc[4200];
    yaml_node_t *n = ds_ynode(d, node);
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': expected a list, got %s", LOC(node), key, kind_name(n));
    *len = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
    return DS_OK;
}

int ds_yseq_item(const ds_ydoc *d, int seq, int index)
{
    yaml_node_t *n = ds_ynode(d, seq);
    if (!n || n->type != YAML_SEQUENCE_NODE || index < 0 ||
        index >= (int)(n->data.sequence.items.top - n->data.sequence.items.start))
        return 0;
    return n->data.sequence.items.start[index];
}

ds_status ds_yas_string(const ds_ydoc *d, int node, const char *key, const char **out, ds_error *err)
{
    char loc[4200];
    yaml_node_t *n = ds_ynode(d, node);
    if (!n || n->type != YAML_SCALAR_NODE)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': expected a text value, got %s", LOC(node), key,
                       kind_name(n));
    *out = (const char *)n->data.scalar.value;
    return DS_OK;
}

ds_status ds_yas_double(const ds_ydoc *d, int node, const char *key, double *out, ds_error *err)
{
    char loc[4200];
    const char *s = NULL;
    ds_status st = ds_yas_string(d, node, key, &s, err);
    if (st)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': expected a number, got %s", LOC(node), key,
                       kind_name(ds_ynode(d, node)));
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end && isspace((unsigned char)*end))
        end++;
    if (end == s || *end || errno == ERANGE || !isfinite(v))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': expected a number, got '%s'", LOC(node), key, s);
    *out = v;
    return DS_OK;
}

ds_status ds_yas_int(const ds_ydoc *d, int node, const char *key, long lo, long hi, long *out, ds_error *err)
{
    char loc[4200];
    const char *s = NULL;
    if (ds_yas_string(d, node, key, &s, err))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': expected a whole number, got %s", LOC(node), key,
                       kind_name(ds_ynode(d, node)));
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno == ERANGE)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': expected a whole number, got '%s'", LOC(node), key, s);
    if (v < lo || v > hi)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': %ld is out of range (%ld to %ld)", LOC(node), key, v, lo,
                       hi);
    *out = v;
    return DS_OK;
}

int ds_parse_duration(const char *s, double *out)
{
    /* one or more "number unit" terms, e.g. "45s", "16h", "1h 30min", "4h54min"; a bare
     * number is seconds */
    static const struct {
        const char *unit;
        double seconds;
    } units[] = {{"ms", 1e-3},        {"sec", 1.0},         {"s", 1.0},        {"min", 60.0},
                 {"hr", 3600.0},      {"h", 3600.0},        {"days", 86400.0}, {"day", 86400.0},
                 {"d", 86400.0},      {"weeks", 604800.0},  {"week", 604800.0}, {"w", 604800.0}};
    double total = 0.0;
    int terms = 0, sign = 1;
    const char *p = s;
    while (*p == ' ')
        p++;
    if (*p == '-') { /* a negative duration is read, then refused by the caller with a clear message */
        sign = -1;
        p++;
    }
    while (*p) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno == ERANGE || !isfinite(v) || v < 0)
            return -1;
        p = end;
        while (*p == ' ')
            p++;
        double mult = 0.0;
        for (size_t i = 0; i < sizeof units / sizeof units[0] && mult == 0.0; i++) {
            size_t n = strlen(units[i].unit);
            if (!strncmp(p, units[i].unit, n) && !isalpha((unsigned char)p[n])) {
                mult = units[i].seconds;
                p += n;
            }
        }
        if (mult == 0.0) {
            if (*p || terms > 0 || v != 0.0) /* a bare number has no unit: only 0 may stand alone */
                return -1;
            mult = 1.0;
        }
        total += v * mult;
        terms++;
        while (*p == ' ')
            p++;
    }
    if (!terms)
        return -1;
    if (!isfinite(total))
        return -2;
    *out = sign * total;
    return 0;
}

ds_status ds_yas_quantity(const ds_ydoc *d, int node, const char *key, const char *unit, double *out, ds_error *err)
{
    char loc[4200], why[256];
    const char *s = NULL;
    if (ds_yas_string(d, node, key, &s, err))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': expected a number with its unit (%s), got %s", LOC(node), key,
                       unit, kind_name(ds_ynode(d, node)));
    if (ds_quantity_parse(s, unit, out, why, sizeof why))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': '%s': %s", LOC(node), key, s, why);
    return DS_OK;
}

ds_status ds_yas_duration(const ds_ydoc *d, int node, const char *key, int allow_zero, double *out, ds_error *err)
{
    char loc[4200];
    const char *s = NULL;
    if (ds_yas_string(d, node, key, &s, err))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': expected a duration such as 45s, 30min or 16h, got %s",
                       LOC(node), key, kind_name(ds_ynode(d, node)));
    double v;
    int rc = ds_parse_duration(s, &v);
    if (rc != 0 || v > DS_MAX_DURATION)
        return ds_fail(err, DS_ERR_INPUT,
                       rc == -1 ? "%s: key '%s': cannot read duration '%s' (write a number and a unit: ms, s, min, h, "
                                  "d, week)"
                                : "%s: key '%s': duration '%s' is longer than 10 years",
                       LOC(node), key, s);
    if (v < 0 || (!allow_zero && v == 0))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': duration '%s' must be %s", LOC(node), key, s,
                       allow_zero ? "zero or positive" : "positive");
    *out = v;
    return DS_OK;
}

