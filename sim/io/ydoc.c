/* YAML documents with locations, typed getters and overrides (see ydoc.h). */
#include "ydoc.h"

#include "base/strbuf.h"
#include "base/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Reads a whole text file, refusing what cannot be a scenario or a model: a folder, a file
 * over DS_YDOC_MAX_BYTES (so /dev/zero or a log file named by mistake stops at once) and a
 * NUL byte (libyaml would stop reading there and the rest of the file would be ignored). */
static char *read_file(const char *path, ds_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        ds_fail(err, DS_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(fp);
        ds_fail(err, DS_ERR_INPUT, "%s: is a folder, not a YAML file", path);
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int too_big = 0;
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (n + 1 < cap)
            break;
        if (n >= DS_YDOC_MAX_BYTES) {
            too_big = 1;
            break;
        }
        char *nb = realloc(buf, cap *= 2);
        if (!nb) {
            free(buf);
            buf = NULL;
        } else
            buf = nb;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (!buf || bad || too_big) {
        free(buf);
        if (too_big)
            ds_fail(err, DS_ERR_INPUT, "%s: larger than %d MiB: not a scenario or model file", path,
                    DS_YDOC_MAX_BYTES >> 20);
        else
            ds_fail(err, buf ? DS_ERR_IO : DS_ERR_NOMEM, "%s: %s", path, buf ? "read error" : "out of memory");
        return NULL;
    }
    buf[n] = '\0';
    const char *nul = memchr(buf, '\0', n);
    if (nul) {
        size_t line = 1, off = (size_t)(nul - buf);
        for (const char *c = buf; c < nul; c++)
            line += *c == '\n';
        free(buf);
        ds_fail(err, DS_ERR_INPUT, "%s:%zu: a NUL byte (offset %zu): not a text file", path, line, off);
        return NULL;
    }
    return buf;
}

/* Depth of nested lists and mappings, measured on libyaml's event stream before the document
 * is built: the composer's cost grows with depth times length, so a deeply nested file must
 * be refused before it is loaded, not after. */
static ds_status check_nesting(const char *name, const char *text, ds_error *err)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    ds_status st = DS_OK;
    int depth = 0, done = 0;
    while (!done && !st) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev))
            break; /* the loader reports the syntax error with its position */
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
            if (++depth > DS_YDOC_MAX_DEPTH)
                st = ds_fail(err, DS_ERR_INPUT, "%s:%zu: lists and mappings nested more than %d deep", name,
                             ev.start_mark.line + 1, DS_YDOC_MAX_DEPTH);
        } else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
            depth--;
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    return st;
}

/* Aliases make the document a graph: `&a [*a]` is a cycle and a few anchors can stand for
 * an exponential number of nodes ("billion laughs"). Every walker of a document (copying
 * for --set, merging arms, applying parameters) then could recurse without end, so each
 * document is checked once: no cycle, nesting at most DS_YDOC_MAX_DEPTH, and at most
 * DS_YDOC_MAX_NODES nodes with aliases expanded. Iterative depth-first search with colours;
 * sizes and depths are memoised per node, so the check is linear in the document. */
ds_status ds_ydoc_check_graph(const ds_ydoc *d, ds_error *err)
{
    int root = ds_yroot(d);
    if (!root)
        return DS_OK;
    size_t nn = (size_t)(d->doc.nodes.top - d->doc.nodes.start);
    typedef struct {
        int id, next;
    } frame;
    unsigned char *colour = calloc(nn + 1, 1);
    double *size = calloc(nn + 1, sizeof *size);
    int *depth = calloc(nn + 1, sizeof *depth);
    frame *stack = malloc((nn + 1) * sizeof *stack);
    ds_status st = DS_OK;
    if (!colour || !size || !depth || !stack)
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
    int top = 0;
    if (!st) {
        stack[top++] = (frame){root, 0};
        colour[root] = 1;
    }
    char loc[4200];
    while (!st && top > 0) {
        frame *f = &stack[top - 1];
        yaml_node_t *n = ds_ynode(d, f->id);
        int nchild = 0, child = 0;
        if (n->type == YAML_SEQUENCE_NODE) {
            nchild = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
            if (f->next < nchild)
                child = n->data.sequence.items.start[f->next];
        } else if (n->type == YAML_MAPPING_NODE) {
            nchild = 2 * (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
            if (f->next < nchild) {
                yaml_node_pair_t *pr = n->data.mapping.pairs.start + f->next / 2;
                child = f->next % 2 ? pr->value : pr->key;
            }
        }
        if (f->next < nchild) {
            f->next++;
            if (child < 1 || (size_t)child > nn)
                continue;
            if (colour[child] == 1)
                st = ds_fail(err, DS_ERR_INPUT, "%s: an alias refers to a node that contains it (a cycle)",
                             ds_yloc(d, f->id, loc, sizeof loc));
            else if (colour[child] == 0) {
                colour[child] = 1;
                stack[top++] = (frame){child, 0};
            }
            continue;
        }
        /* all children done: size and depth of this node */
        double sz = 1.0;
        int dp = 0;
        for (int k = 0; k < nchild; k++) {
            int c = n->type == YAML_SEQUENCE_NODE ? n->data.sequence.items.start[k]
                    : k % 2 ? n->data.mapping.pairs.start[k / 2].value
                            : n->data.mapping.pairs.start[k / 2].key;
            if (c < 1 || (size_t)c > nn)
                continue;
            sz += size[c];
            dp = depth[c] > dp ? depth[c] : dp;
        }
        size[f->id] = sz;
        depth[f->id] = dp + (nchild > 0);
        colour[f->id] = 2;
        if (depth[f->id] > DS_YDOC_MAX_DEPTH)
            st = ds_fail(err, DS_ERR_INPUT, "%s: lists and mappings (with aliases followed) nested more than %d deep",
                         ds_yloc(d, f->id, loc, sizeof loc), DS_YDOC_MAX_DEPTH);
        else if (sz > DS_YDOC_MAX_NODES)
            st = ds_fail(err, DS_ERR_INPUT, "%s: more than %d values once aliases are expanded",
                         ds_yloc(d, f->id, loc, sizeof loc), DS_YDOC_MAX_NODES);
        top--;
    }
    free(colour);
    free(size);
    free(depth);
    free(stack);
    return st;
}

ds_status ds_ydoc_parse(const char *name, const char *text, ds_ydoc **out, ds_error *err)
{
    *out = NULL;
    ds_ydoc *d = calloc(1, sizeof *d);
    if (!d)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    snprintf(d->file, sizeof d->file, "%s", name);
    d->text = strdup(text);
    if (d->text) {
        ds_status st = check_nesting(name, text, err);
        if (st) {
            free(d->text);
            free(d);
            return st;
        }
    }
    yaml_parser_t p;
    if (!d->text || !yaml_parser_initialize(&p)) {
        free(d->text);
        free(d);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)d->text, strlen(d->text));
    if (!yaml_parser_load(&p, &d->doc)) {
        ds_status st = ds_fail(err, DS_ERR_INPUT, "%s:%zu:%zu: YAML syntax error: %s%s%s", name,
                               p.problem_mark.line + 1, p.problem_mark.column + 1,
                               p.problem ? p.problem : "unknown problem", p.context ? " " : "",
                               p.context ? p.context : "");
        yaml_parser_delete(&p);
        free(d->text);
        free(d);
        return st;
    }
    yaml_parser_delete(&p);
    ds_status st = ds_ydoc_check_graph(d, err);
    if (st) {
        ds_ydoc_free(d);
        return st;
    }
    *out = d;
    return DS_OK;
}

ds_status ds_ydoc_load(const char *path, ds_ydoc **out, ds_error *err)
{
    *out = NULL;
    char *text = read_file(path, err);
    if (!text)
        return err ? err->status : DS_ERR_INPUT;
    ds_status st = ds_ydoc_parse(path, text, out, err);
    free(text);
    return st;
}

void ds_ydoc_free(ds_ydoc *d)
{
    if (!d)
        return;
    yaml_document_delete(&d->doc);
    free(d->text);
    free(d);
}

int ds_yroot(const ds_ydoc *d)
{
    yaml_node_t *r = yaml_document_get_root_node((yaml_document_t *)&d->doc);
    return r ? (int)(r - d->doc.nodes.start) + 1 : 0;
}

yaml_node_t *ds_ynode(const ds_ydoc *d, int id)
{
    return id > 0 ? yaml_document_get_node((yaml_document_t *)&d->doc, id) : NULL;
}

const char *ds_yloc(const ds_ydoc *d, int id, char *buf, size_t n)
{
    yaml_node_t *nd = ds_ynode(d, id);
    const char *file = nd && nd->start_mark.column == DS_YCOL_ORIGIN ? d->origin : d->file;
    if (nd && nd->start_mark.line == DS_YLINE_CLI)
        snprintf(buf, n, "%s: --set", file);
    else if (nd)
        snprintf(buf, n, "%s:%zu", file, nd->start_mark.line + 1);
    else
        snprintf(buf, n, "%s", d->file);
    return buf;
}

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

ds_status ds_yset(ds_ydoc *d, const char *assignment, ds_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return ds_fail(err, DS_ERR_USAGE, "--set '%s': expected key=value, e.g. solver.rtol=1e-8", assignment);
    char path[512];
    size_t plen = (size_t)(eq - assignment);
    ds_status cst = check_path(assignment, plen, "--set", DS_ERR_USAGE, err);
    if (cst)
        return cst;
    memcpy(path, assignment, plen);
    path[plen] = '\0';

    /* the value is read as YAML, so lists and mappings work: --set record.variables=[height] */
    ds_ydoc *val;
    char name[600];
    snprintf(name, sizeof name, "--set %s", path);
    ds_status st = ds_ydoc_parse(name, eq + 1, &val, err);
    if (st)
        return st;
    int root = ds_yroot(val);
    if (!root) { /* empty value: an empty string */
        ds_ydoc_free(val);
        st = ds_ydoc_parse(name, "''", &val, err);
        if (st)
            return st;
        root = ds_yroot(val);
    }

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
