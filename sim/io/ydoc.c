/* YAML documents: loading with limits on size, NUL bytes, nesting and aliases, and the
 * location of every node (typed readers in ydoc_get.c, edits in ydoc_edit.c; see ydoc.h). */
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

