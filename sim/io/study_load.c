/* Reading a study: one scenario file as arms or a sweep, each variant compiled from the
 * same document with its own edits (arms merged in, swept values set). */
#include "discsim/study.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "discsim/discsim.h"
#include "scenario_impl.h"

typedef struct {
    int arm;         /* index of the arm in `arms` */
    int idx[2];      /* sweep value indices */
    const ds_study *study;
} edit_ctx;

/* Records what the variant changed for the file's provenance; a record that cannot be kept
 * is an error rather than a silent gap. */
static ds_status note_override(ds_scenario *sc, const char *line, ds_error *err)
{
    size_t n = strlen(sc->overrides) + strlen(line) + 2;
    char *s = realloc(sc->overrides, n);
    if (!s)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory recording the override '%s'", line);
    strcat(s, line);
    strcat(s, "\n");
    sc->overrides = s;
    return DS_OK;
}

static ds_status edit_arm(ds_ydoc *d, void *vctx, ds_scenario *sc, ds_error *err)
{
    edit_ctx *c = vctx;
    int root = ds_yroot(d), arms = ds_ymap_get(d, root, "arms");
    yaml_node_t *an = ds_ynode(d, arms);
    yaml_node_pair_t p = an->data.mapping.pairs.start[c->arm];
    const char *name = (const char *)ds_ynode(d, p.key)->data.scalar.value;
    char line[128];
    snprintf(line, sizeof line, "arm %s", name);
    ds_status st = note_override(sc, line, err);
    if (st)
        return st;
    yaml_node_t *v = ds_ynode(d, p.value);
    if (v->type == YAML_SCALAR_NODE && v->data.scalar.length == 0)
        return DS_OK; /* an arm written as "control:" overrides nothing */
    char key[128];
    snprintf(key, sizeof key, "arms.%s", name);
    if ((st = ds_yas_mapping(d, p.value, key, err)))
        return st;
    /* every arm runs on the same subjects, so that effects pair by subject */
    static const char *const forbidden[] = {"arms", "sweep", "name", "model", "subjects", "cohort", "seed", NULL};
    for (int k = 0; forbidden[k]; k++)
        if (ds_ymap_get(d, p.value, forbidden[k])) {
            char loc[4200];
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.%s': an arm may not override this",
                           ds_yloc(d, p.value, loc, sizeof loc), key, forbidden[k]);
        }
    return ds_ymerge(d, root, p.value, err);
}

static ds_status edit_sweep(ds_ydoc *d, void *vctx, ds_scenario *sc, ds_error *err)
{
    edit_ctx *c = vctx;
    int root = ds_yroot(d), sw = ds_ymap_get(d, root, "sweep");
    for (int k = 0; k < c->study->nparam; k++) {
        int item = ds_yseq_item(d, sw, k);
        int vals = ds_ymap_get(d, item, "values");
        int node = ds_yseq_item(d, vals, c->idx[k]);
        ds_status st = ds_yset_node(d, c->study->param[k], node, err);
        if (st)
            return st;
        char line[400];
        snprintf(line, sizeof line, "sweep %s=%s", c->study->param[k],
                 (const char *)ds_ynode(d, node)->data.scalar.value);
        if ((st = note_override(sc, line, err)))
            return st;
    }
    return DS_OK;
}

/* An arm's name becomes an HDF5 group (/arms/<name>) and a table column: unique, given as
 * text (a list or mapping as a key has no name to read), without '/' (a path separator in
 * HDF5) or control characters, and not "." or "..". Quotes and the like are allowed: figures
 * pass names to gnuplot only as escaped literals. */
static ds_status read_arm_names(const ds_ydoc *d, int arms, ds_study *st, ds_error *err)
{
    char loc[4200];
    ds_status s = ds_yas_mapping(d, arms, "arms", err);
    if (s)
        return s;
    yaml_node_t *an = ds_ynode(d, arms);
    st->nvariant = (int)(an->data.mapping.pairs.top - an->data.mapping.pairs.start);
    if (st->nvariant < 1 || st->nvariant > DS_MAX_VARIANTS)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'arms': give 1 to %d arms", ds_yloc(d, arms, loc, sizeof loc),
                       DS_MAX_VARIANTS);
    for (int a = 0; a < st->nvariant; a++) {
        int key = ds_ynode(d, arms)->data.mapping.pairs.start[a].key;
        const char *name;
        if ((s = ds_yas_string(d, key, "arms", &name, err)))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'arms': an arm's name must be a word, not a list or mapping",
                           ds_yloc(d, key, loc, sizeof loc));
        size_t len = strlen(name), ok = len > 0 && len < sizeof st->name[a] && strcmp(name, ".") && strcmp(name, "..");
        for (size_t i = 0; ok && i < len; i++)
            ok = name[i] != '/' && (unsigned char)name[i] >= 0x20 && name[i] != 0x7f;
        if (!ok)
            return ds_fail(err, DS_ERR_INPUT,
                           "%s: key 'arms': an arm name must be 1 to %zu characters, without '/' or control "
                           "characters, and not '.' or '..'",
                           ds_yloc(d, key, loc, sizeof loc), sizeof st->name[a] - 1);
        for (int b = 0; b < a; b++)
            if (!strcmp(st->name[b], name))
                return ds_fail(err, DS_ERR_INPUT, "%s: key 'arms.%s': two arms have this name",
                               ds_yloc(d, key, loc, sizeof loc), name);
        snprintf(st->name[a], sizeof st->name[a], "%s", name);
    }
    return DS_OK;
}

static ds_status read_sweep(const ds_ydoc *d, int sw, ds_study *st, ds_error *err)
{
    char loc[4200];
    int n;
    ds_status s = ds_yas_sequence(d, sw, "sweep", &n, err);
    if (s)
        return s;
    if (n < 1 || n > 2)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'sweep': give one or two parameters", ds_yloc(d, sw, loc, sizeof loc));
    st->nparam = n;
    for (int k = 0; k < n; k++) {
        int item = ds_yseq_item(d, sw, k);
        char key[32];
        snprintf(key, sizeof key, "sweep[%d]", k);
        static const char *const keys[] = {"parameter", "values", NULL};
        if ((s = ds_ycheck_keys(d, item, key, keys, err)))
            return s;
        int pn = ds_ymap_get(d, item, "parameter"), vn = ds_ymap_get(d, item, "values");
        if (!pn || !vn)
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s' needs parameter and values", ds_yloc(d, item, loc, sizeof loc),
                           key);
        const char *param;
        if ((s = ds_yas_string(d, pn, key, &param, err)))
            return s;
        /* a sweep over nothing, or over what names the study itself, would run the same
         * scenario every time or a different study at each point */
        size_t plen = strlen(param), top = strcspn(param, ".");
        int empty_part = plen == 0 || param[0] == '.' || param[plen - 1] == '.' || strstr(param, "..");
        static const char *const fixed[] = {"name", "model", "subjects", "arms", "sweep", "cohort", "seed", NULL};
        for (int f = 0; !empty_part && fixed[f]; f++)
            if (top == strlen(fixed[f]) && !strncmp(param, fixed[f], top))
                return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.parameter': a sweep cannot vary '%s'",
                               ds_yloc(d, pn, loc, sizeof loc), key, fixed[f]);
        if (empty_part || plen >= sizeof st->param[k])
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.parameter': '%s' is not a dotted key path such as %s",
                           ds_yloc(d, pn, loc, sizeof loc), key, param, "parameters.muscles.erector_spinae.tone");
        for (int j = 0; j < k; j++)
            if (!strcmp(st->param[j], param))
                return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.parameter': '%s' is swept twice",
                               ds_yloc(d, pn, loc, sizeof loc), key, param);
        snprintf(st->param[k], sizeof st->param[k], "%s", param);
        int nv;
        if ((s = ds_yas_sequence(d, vn, key, &nv, err)))
            return s;
        if (nv < 1 || nv > 64)
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.values': give 1 to 64 values", ds_yloc(d, vn, loc, sizeof loc),
                           key);
        st->nval[k] = nv;
        for (int j = 0; j < nv; j++) {
            const char *v;
            int it = ds_yseq_item(d, vn, j);
            if ((s = ds_yas_string(d, it, key, &v, err)))
                return s;
            char *end;
            st->val[k][j] = strtod(v, &end);
            if (end == v || !isfinite(st->val[k][j]))
                return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.values': '%s' does not start with a number",
                               ds_yloc(d, it, loc, sizeof loc), key, v);
            while (*end == ' ')
                end++;
            if (j == 0)
                snprintf(st->unit[k], sizeof st->unit[k], "%s", *end ? end : "1");
        }
    }
    return DS_OK;
}

/* A swept parameter that the cohort also draws would be overwritten by the draws: the sweep
 * would silently sweep nothing. */
static ds_status check_sweep_cohort(const ds_study *st, const char *path, ds_error *err)
{
    const ds_cohort *c = &st->variant[0].cohort;
    for (int k = 0; k < st->nparam; k++) {
        const char *p = st->param[k];
        if (!strncmp(p, "parameters.", 11))
            p += 11;
        for (int j = 0; j < c->nvary; j++)
            if (!strcmp(p, c->vary[j].key))
                return ds_fail(err, DS_ERR_INPUT, "%s: key 'sweep': '%s' is drawn by cohort.vary.%s; sweep it or draw it",
                               path, st->param[k], c->vary[j].key);
    }
    return DS_OK;
}

ds_status ds_study_load(const char *path, int nset, const char *const *set, ds_study *st, ds_error *err)
{
    memset(st, 0, sizeof *st);
    ds_ydoc *d;
    ds_status s = ds_ydoc_load(path, &d, err);
    if (s)
        return s;
    for (int i = 0; i < nset && !s; i++)
        s = ds_yset(d, set[i], err);
    if (!s)
        s = ds_ydoc_check_graph(d, err);
    int root = ds_yroot(d);
    int arms = root ? ds_ymap_get(d, root, "arms") : 0, sw = root ? ds_ymap_get(d, root, "sweep") : 0;
    char loc[4200];
    if (!s && arms && sw)
        s = ds_fail(err, DS_ERR_INPUT, "%s: a scenario has arms or a sweep, not both", ds_yloc(d, sw, loc, sizeof loc));
    if (!s && arms) {
        st->kind = DS_STUDY_ARMS;
        s = read_arm_names(d, arms, st, err);
    } else if (!s && sw) {
        st->kind = DS_STUDY_SWEEP;
        if (!(s = read_sweep(d, sw, st, err))) {
            st->nvariant = st->nval[0] * (st->nparam > 1 ? st->nval[1] : 1);
            if (st->nvariant > DS_MAX_VARIANTS)
                s = ds_fail(err, DS_ERR_INPUT, "%s: key 'sweep': %d combinations (at most %d)",
                            ds_yloc(d, sw, loc, sizeof loc), st->nvariant, DS_MAX_VARIANTS);
        }
    } else if (!s) {
        st->kind = DS_STUDY_SINGLE;
        st->nvariant = 1;
        snprintf(st->name[0], sizeof st->name[0], "run");
    }
    ds_ydoc_free(d);
    if (s)
        return s;
    st->variant = calloc((size_t)st->nvariant, sizeof *st->variant);
    if (!st->variant)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int v = 0; v < st->nvariant && !s; v++) {
        edit_ctx c = {.arm = v, .study = st};
        if (st->kind == DS_STUDY_SWEEP) {
            c.idx[0] = v / (st->nparam > 1 ? st->nval[1] : 1);
            c.idx[1] = st->nparam > 1 ? v % st->nval[1] : 0;
            int len = snprintf(st->name[v], sizeof st->name[v], "%g", st->val[0][c.idx[0]]);
            if (st->nparam > 1)
                snprintf(st->name[v] + len, sizeof st->name[v] - (size_t)len, ",%g", st->val[1][c.idx[1]]);
        }
        s = st->kind == DS_STUDY_SINGLE ? ds_scenario_load(path, nset, set, &st->variant[v], err)
            : ds_scenario_load_edit(path, nset, set, st->kind == DS_STUDY_ARMS ? edit_arm : edit_sweep, &c,
                                    &st->variant[v], err);
        if (s)
            st->nvariant = v; /* free what was compiled */
        else if (st->variant[v].nsubj != st->variant[0].nsubj)
            s = ds_fail(err, DS_ERR_INPUT, "%s: every variant must have the same number of subjects", path);
    }
    if (!s && st->kind == DS_STUDY_SWEEP)
        s = check_sweep_cohort(st, path, err);
    if (s)
        ds_study_free(st);
    return s;
}

void ds_study_free(ds_study *st)
{
    if (!st || !st->variant)
        return;
    for (int v = 0; v < st->nvariant; v++)
        ds_scenario_free(&st->variant[v]);
    free(st->variant);
    st->variant = NULL;
}
