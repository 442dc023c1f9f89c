/* Editing a YAML document: --set overrides, merging an arm, setting a swept value (see
 * ydoc.h). Every walk is bounded: documents passed ds_ydoc_check_graph, and depth is counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ydoc.h"

/* Deep copy of node `id` of src into dst; returns the new id (0 on failure). The recursion
 * is bounded: src passed ds_ydoc_check_graph (no cycle, depth and expanded size limited),
 * and `depth` guards it again. */
static int copy_node(yaml_document_t *dst, const ds_ydoc *src, int id, int depth)
{
    yaml_node_t *n = ds_ynode(src, id);
    if (!n || depth > DS_YDOC_MAX_DEPTH)
        return 0;
    int nid = 0;
    if (n->type == YAML_SCALAR_NODE) {
        nid = yaml_document_add_scalar(dst, NULL, n->data.scalar.value, (int)n->data.scalar.length,
                                       n->data.scalar.style);
    } else if (n->type == YAML_SEQUENCE_NODE) {
        nid = yaml_document_add_sequence(dst, NULL, YAML_FLOW_SEQUENCE_STYLE);
        int len = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
        for (int i = 0; nid && i < len; i++) {
            n = ds_ynode(src, id); /* src is not modified, but keep the pattern safe */
            int c = copy_node(dst, src, n->data.sequence.items.start[i], depth + 1);
            if (!c || !yaml_document_append_sequence_item(dst, nid, c))
                return 0;
        }
    } else if (n->type == YAML_MAPPING_NODE) {
        nid = yaml_document_add_mapping(dst, NULL, YAML_FLOW_MAPPING_STYLE);
        int len = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        for (int i = 0; nid && i < len; i++) {
            n = ds_ynode(src, id);
            yaml_node_pair_t p = n->data.mapping.pairs.start[i];
            int k = copy_node(dst, src, p.key, depth + 1), v = copy_node(dst, src, p.value, depth + 1);
            if (!k || !v || !yaml_document_append_mapping_pair(dst, nid, k, v))
                return 0;
        }
    }
    if (nid) {
        yaml_node_t *c = yaml_document_get_node(dst, nid);
        c->start_mark.line = DS_YLINE_CLI;
    }
    return nid;
}

/* A dotted key path names something: no empty part ("", "a..b", ".a", "a."), and it fits. */
static ds_status check_path(const char *path, size_t len, const char *what, ds_status bad, ds_error *err)
{
    if (len >= 512)
        return ds_fail(err, bad, "%s: key path longer than 511 characters", what);
    if (len == 0 || path[0] == '.' || path[len - 1] == '.')
        return ds_fail(err, bad, "%s: key path '%.*s' has an empty part", what, (int)len, path);
    for (size_t i = 1; i < len; i++)
        if (path[i] == '.' && path[i - 1] == '.')
            return ds_fail(err, bad, "%s: key path '%.*s' has an empty part", what, (int)len, path);
    return DS_OK;
}

/* The value of --set key=value, read as YAML so that lists and mappings work
 * (--set record.variables=[height]); an empty value is an empty string. */
static ds_status parse_value(const char *path, const char *text, ds_ydoc **val, int *root, ds_error *err)
{
    char name[600];
    snprintf(name, sizeof name, "--set %s", path);
    ds_status st = ds_ydoc_parse(name, *text ? text : "''", val, err);
    if (st)
        return st;
    *root = ds_yroot(*val);
    if (!*root) { /* a value of only a comment or blanks: an empty string too */
        ds_ydoc_free(*val);
        if ((st = ds_ydoc_parse(name, "''", val, err)))
            return st;
        *root = ds_yroot(*val);
    }
    return DS_OK;
}

/* A --set key as the error messages write it (interventions[0].tone) or dotted
 * (interventions.0.tone) into the dotted form: each [digits] after a part becomes .digits. */
static ds_status dotted_key(const char *key, size_t len, char *out, size_t cap, ds_error *err)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (key[i] == '[') {
            size_t j = i + 1;
            while (j < len && key[j] >= '0' && key[j] <= '9')
                j++;
            if (i == 0 || key[i - 1] == '.' || j == i + 1 || j >= len || key[j] != ']' ||
                (j + 1 < len && key[j + 1] != '.' && key[j + 1] != '['))
                return ds_fail(err, DS_ERR_USAGE, "--set: key '%.*s': write a list index as [0] after a key", (int)len,
                               key);
            if (o + 1 + (j - i - 1) >= cap)
                break;
            out[o++] = '.';
            memcpy(out + o, key + i + 1, j - i - 1);
            o += j - i - 1;
            i = j;
        } else if (key[i] == ']') {
            return ds_fail(err, DS_ERR_USAGE, "--set: key '%.*s': a ']' without its '['", (int)len, key);
        } else if (o + 1 < cap) {
            out[o++] = key[i];
        } else {
            break;
        }
    }
    out[o < cap ? o : cap - 1] = '\0';
    return check_path(out, o, "--set", DS_ERR_USAGE, err);
}

ds_status ds_yset(ds_ydoc *d, const char *assignment, ds_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return ds_fail(err, DS_ERR_USAGE, "--set '%s': expected key=value, e.g. solver.rtol=1e-8", assignment);
    char path[512];
    size_t plen = (size_t)(eq - assignment);
    if (plen >= sizeof path)
        return ds_fail(err, DS_ERR_USAGE, "--set: key path longer than %zu characters", sizeof path - 1);
    ds_status cst = dotted_key(assignment, plen, path, sizeof path, err);
    if (cst)
        return cst;

    ds_ydoc *val;
    int root;
    ds_status st = parse_value(path, eq + 1, &val, &root, err);
    if (st)
        return st;

    int cur = ds_yroot(d);
    if (!cur) {
        ds_ydoc_free(val);
        return ds_fail(err, DS_ERR_INPUT, "%s: the document is empty; cannot --set %s", d->file, path);
    }
    char *save = NULL;
    char *tok = strtok_r(path, ".", &save);
    while (tok) {
        char *next = strtok_r(NULL, ".", &save);
        yaml_node_t *n = ds_ynode(d, cur);
        int *slot = NULL;
        if (n->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
                yaml_node_t *k = ds_ynode(d, p->key);
                if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, tok) == 0) {
                    slot = &p->value;
                    break;
                }
            }
            if (!slot) {
                int k = yaml_document_add_scalar(&d->doc, NULL, (yaml_char_t *)tok, -1, YAML_PLAIN_SCALAR_STYLE);
                int v = next ? yaml_document_add_mapping(&d->doc, NULL, YAML_BLOCK_MAPPING_STYLE)
                             : yaml_document_add_scalar(&d->doc, NULL, (yaml_char_t *)"", 0, YAML_PLAIN_SCALAR_STYLE);
                if (!k || !v || !yaml_document_append_mapping_pair(&d->doc, cur, k, v)) {
                    ds_ydoc_free(val);
                    return ds_fail(err, DS_ERR_NOMEM, "out of memory");
                }
                ds_ynode(d, k)->start_mark.line = DS_YLINE_CLI;
                ds_ynode(d, v)->start_mark.line = DS_YLINE_CLI;
                n = ds_ynode(d, cur);
                slot = &n->data.mapping.pairs.top[-1].value;
            }
        } else if (n->type == YAML_SEQUENCE_NODE) {
            char *end;
            long idx = strtol(tok, &end, 10);
            long len = (long)(n->data.sequence.items.top - n->data.sequence.items.start);
            if (*end || idx < 0 || idx >= len) {
                ds_ydoc_free(val);
                return ds_fail(err, DS_ERR_INPUT, "--set %.*s: '%s' is not an index of a list of %ld items", (int)plen,
                               assignment, tok, len);
            }
            slot = &n->data.sequence.items.start[idx];
        } else {
            ds_ydoc_free(val);
            return ds_fail(err, DS_ERR_INPUT, "--set %.*s: '%s' is inside a plain value, not a mapping", (int)plen,
                           assignment, tok);
        }
        if (!next) {
            int nid = copy_node(&d->doc, val, root, 0);
            ds_ydoc_free(val);
            if (!nid)
                return ds_fail(err, DS_ERR_NOMEM, "out of memory");
            /* slot may have moved if the node array grew: look it up again through cur */
            *slot = nid; /* pairs/items arrays are per node and do not move when nodes are added */
            return DS_OK;
        }
        cur = *slot;
        tok = next;
    }
    ds_ydoc_free(val);
    return DS_OK;
}

static ds_status merge(ds_ydoc *d, int dst, int src, int depth, ds_error *err)
{
    if (depth > DS_YDOC_MAX_DEPTH)
        return ds_fail(err, DS_ERR_INPUT, "%s: an override nests more than %d deep", d->file, DS_YDOC_MAX_DEPTH);
    yaml_node_t *sn = ds_ynode(d, src);
    if (!sn || sn->type != YAML_MAPPING_NODE)
        return ds_fail(err, DS_ERR_INPUT, "%s: an override must be a mapping", d->file);
    int np = (int)(sn->data.mapping.pairs.top - sn->data.mapping.pairs.start);
    for (int i = 0; i < np; i++) {
        sn = ds_ynode(d, src);
        yaml_node_pair_t p = sn->data.mapping.pairs.start[i];
        yaml_node_t *k = ds_ynode(d, p.key);
        if (!k || k->type != YAML_SCALAR_NODE)
            continue;
        const char *key = (const char *)k->data.scalar.value;
        yaml_node_t *dn = ds_ynode(d, dst);
        int *slot = NULL;
        for (yaml_node_pair_t *q = dn->data.mapping.pairs.start; q < dn->data.mapping.pairs.top; q++) {
            yaml_node_t *qk = ds_ynode(d, q->key);
            if (qk && qk->type == YAML_SCALAR_NODE && !strcmp((const char *)qk->data.scalar.value, key)) {
                slot = &q->value;
                break;
            }
        }
        yaml_node_t *vn = ds_ynode(d, p.value);
        if (slot && vn->type == YAML_MAPPING_NODE && ds_ynode(d, *slot)->type == YAML_MAPPING_NODE) {
            ds_status st = merge(d, *slot, p.value, depth + 1, err);
            if (st)
                return st;
        } else if (slot) {
            *slot = p.value;
        } else if (!yaml_document_append_mapping_pair(&d->doc, dst, p.key, p.value)) {
            return ds_fail(err, DS_ERR_NOMEM, "out of memory");
        }
    }
    return DS_OK;
}

ds_status ds_ymerge(ds_ydoc *d, int dst, int src, ds_error *err)
{
    return merge(d, dst, src, 0, err);
}

ds_status ds_yset_node(ds_ydoc *d, const char *path, int id, ds_error *err)
{
    char buf[512];
    ds_status cst = check_path(path, strlen(path), d->file, DS_ERR_INPUT, err);
    if (cst)
        return cst;
    snprintf(buf, sizeof buf, "%s", path);
    int cur = ds_yroot(d);
    char *save = NULL, *tok = strtok_r(buf, ".", &save);
    while (tok) {
        char *next = strtok_r(NULL, ".", &save);
        yaml_node_t *n = ds_ynode(d, cur);
        if (!n || n->type != YAML_MAPPING_NODE)
            return ds_fail(err, DS_ERR_INPUT, "%s: '%s' in key path %s is not inside a mapping", d->file, tok, path);
        int *slot = NULL;
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = ds_ynode(d, p->key);
            if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, tok)) {
                slot = &p->value;
                break;
            }
        }
        if (!slot) {
            int k = yaml_document_add_scalar(&d->doc, NULL, (yaml_char_t *)tok, -1, YAML_PLAIN_SCALAR_STYLE);
            int v = next ? yaml_document_add_mapping(&d->doc, NULL, YAML_BLOCK_MAPPING_STYLE) : id;
            if (!k || !v || !yaml_document_append_mapping_pair(&d->doc, cur, k, v))
                return ds_fail(err, DS_ERR_NOMEM, "out of memory");
            ds_ynode(d, k)->start_mark = ds_ynode(d, id)->start_mark;
            if (next)
                ds_ynode(d, v)->start_mark = ds_ynode(d, id)->start_mark;
            n = ds_ynode(d, cur);
            slot = &n->data.mapping.pairs.top[-1].value;
        }
        if (!next) {
            *slot = id;
            return DS_OK;
        }
        cur = *slot;
        tok = next;
    }
    return DS_OK;
}
