/* Reading a scenario file (DESIGN §6) into a compiled ds_scenario.
 *
 * The schema is checked key by key: an unknown key, a wrong type or a bad value stops the
 * load with the file, line and dotted key, before anything runs. The parts are read in
 * scenario_read.c; the model is compiled with the scenario's parameters and herniation. */
#include "discsim/scenario.h"

#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discsim/datadir.h"
#include "io/ydoc.h"
#include "scenario_impl.h"
#include "model_load.h"
#include "scenario_read.h"

static const char *const top_keys[] = {"name",     "description", "model",      "parameters", "variant",
                                       "levels",   "subjects",    "seed",       "initial",    "timeline",
                                       "record",   "solver",      "herniation", "summary",    "interventions",
                                       "arms",     "sweep",       "clock",      "cohort",     NULL};

ds_status ds_scenario_load(const char *path, int nset, const char *const *set, ds_scenario *sc, ds_error *err)
{
    return ds_scenario_load_edit(path, nset, set, NULL, NULL, sc, err);
}

/* The scenario document with --set applied and, for a study's variant, its edit; the text
 * and the overrides are kept for provenance. */
static ds_status open_document(const char *path, int nset, const char *const *set, ds_doc_edit edit, void *ctx,
                               ds_scenario *sc, ds_ydoc **out, ds_error *err)
{
    ds_ydoc *d;
    ds_status st = ds_ydoc_load(path, &d, err);
    if (st)
        return st;
    *out = d;
    sc->text = strdup(d->text);
    size_t olen = 1;
    for (int i = 0; i < nset; i++)
        olen += strlen(set[i]) + 1;
    sc->overrides = calloc(1, olen); /* sized for every line: the appends below fit */
    if (!sc->text || !sc->overrides)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int i = 0; i < nset; i++) {
        strcat(sc->overrides, set[i]);
        strcat(sc->overrides, "\n");
        if ((st = ds_yset(d, set[i], err)))
            return st;
    }
    /* --set can bring aliases of its own; the merged document is checked as a whole */
    if ((st = ds_ydoc_check_graph(d, err)))
        return st;
    int root = ds_yroot(d);
    if (!root)
        return ds_fail(err, DS_ERR_INPUT, "%s: the scenario file is empty", path);
    if ((st = ds_ycheck_keys(d, root, "", top_keys, err)))
        return st;
    if (edit)
        return (st = edit(d, ctx, sc, err)) || (st = ds_ydoc_check_graph(d, err)) ? st
                                                                               : ds_ycheck_keys(d, root, "", top_keys, err);
    if (ds_ymap_get(d, root, "arms") || ds_ymap_get(d, root, "sweep"))
        return ds_fail(err, DS_ERR_INPUT, "%s: this scenario has arms or a sweep: load it as a study (discsim run does)",
                       path);
    return DS_OK;
}

/* The model file a scenario names: a path (with a '/') relative to the scenario, or a bare
 * file name, looked for beside the scenario and then in the data directory's models/, so that
 * a scenario copied anywhere still finds the models discsim comes with. */
static ds_status find_model(const ds_ydoc *d, int n, const char *s, ds_scenario *sc, ds_error *err)
{
    char loc[4200], tmp[4096];
    if (s[0] == '/') {
        snprintf(sc->model_path, sizeof sc->model_path, "%s", s);
        return DS_OK;
    }
    snprintf(tmp, sizeof tmp, "%s", sc->path);
    snprintf(sc->model_path, sizeof sc->model_path, "%s/%s", dirname(tmp), s);
    if (strchr(s, '/') || !access(sc->model_path, F_OK))
        return DS_OK;
    char rel[600];
    ds_error derr = {0};
    if ((size_t)snprintf(rel, sizeof rel, "models/%s", s) >= sizeof rel ||
        ds_data_file(rel, sc->model_path, sizeof sc->model_path, &derr))
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'model': no model file %s beside the scenario nor in the data: %s",
                       ds_yloc(d, n, loc, sizeof loc), s, derr.msg);
    return DS_OK;
}

/* name, and the model file with the scenario's parameters in it */
static ds_status read_name_and_model(const ds_ydoc *d, int root, ds_scenario *sc, ds_ydoc **md, ds_error *err)
{
    char loc[4200];
    const char *s;
    int n = ds_ymap_get(d, root, "name");
    if (!n)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'name' is missing", ds_yloc(d, root, loc, sizeof loc));
    ds_status st = ds_yas_string(d, n, "name", &s, err);
    if (st)
        return st;
    if (!*s)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'name': the scenario needs a name", ds_yloc(d, n, loc, sizeof loc));
    snprintf(sc->name, sizeof sc->name, "%s", s);
    n = ds_ymap_get(d, root, "model");
    if (!n)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'model' is missing (a model file: a name such as lumbar_adult.yaml, or a path relative to the scenario)",
                       ds_yloc(d, root, loc, sizeof loc));
    if ((st = ds_yas_string(d, n, "model", &s, err)))
        return st;
    if ((st = find_model(d, n, s, sc, err)))
        return st;
    ds_error merr;
    if (ds_ydoc_load(sc->model_path, md, &merr))
        return ds_fail(err, merr.status, "%s: key 'model': cannot load model file: %s", ds_yloc(d, n, loc, sizeof loc),
                       merr.msg);
    n = ds_ymap_get(d, root, "parameters");
    char pbuf[512] = "";
    return n ? ds_sc_apply_parameters(d, n, pbuf, sizeof pbuf, 0, *md, ds_yroot(*md), err) : DS_OK;
}

/* variant, levels, subjects and seed: the shape of the model to compile */
static ds_status read_shape(const ds_ydoc *d, int root, ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    const char *s;
    ds_status st;
    sc->variant = DS_QUASI_STATIC;
    int n = ds_ymap_get(d, root, "variant");
    if (n) {
        if ((st = ds_yas_string(d, n, "variant", &s, err)))
            return st;
        if (strcmp(s, "quasi_static") && strcmp(s, "inertial"))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'variant': unknown variant '%s' (quasi_static or inertial)",
                           ds_yloc(d, n, loc, sizeof loc), s);
        sc->variant = strcmp(s, "inertial") ? DS_QUASI_STATIC : DS_INERTIAL;
    }
    n = ds_ymap_get(d, root, "levels");
    if (!n)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'levels' is missing (e.g. levels: [L4L5])",
                       ds_yloc(d, root, loc, sizeof loc));
    if ((st = ds_sc_read_levels(d, n, sc, err)))
        return st;
    long v = 1;
    n = ds_ymap_get(d, root, "subjects");
    if (n && (st = ds_yas_int(d, n, "subjects", 1, 1000000, &v, err)))
        return st;
    sc->nsubj = (int)v;
    v = 1;
    n = ds_ymap_get(d, root, "seed");
    if (n && (st = ds_yas_int(d, n, "seed", 0, 0x7fffffffL, &v, err)))
        return st;
    sc->seed = (uint64_t)v;
    int cn = ds_ymap_get(d, root, "cohort");
    if (cn) {
        static const char *const own[] = {"subjects", "seed"};
        for (int k = 0; k < 2; k++)
            if ((n = ds_ymap_get(d, root, own[k])))
                return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': a cohort sets its own %s (cohort.%s)",
                               ds_yloc(d, n, loc, sizeof loc), own[k], k ? "seed" : "number of subjects",
                               k ? "seed" : "n");
        return ds_sc_read_cohort_shape(d, cn, sc, err);
    }
    return DS_OK;
}

/* The model for the scenario's levels and subjects, with its herniation placed. */
static ds_status compile_model(const ds_ydoc *d, int root, const ds_ydoc *md, ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    int mlevels = ds_ymap_get(md, ds_yroot(md), "levels");
    for (int i = 0; i < sc->nlevel; i++)
        if (!ds_ymap_get(md, mlevels, ds_level_names[sc->level_id[i]]))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'levels': the model %s has no parameters for level %s",
                           ds_yloc(d, ds_ymap_get(d, root, "levels"), loc, sizeof loc), sc->model_path,
                           ds_level_names[sc->level_id[i]]);
    ds_herniation_site site = {0};
    int n = ds_ymap_get(d, root, "herniation");
    ds_status st;
    if (n && (st = ds_sc_read_herniation_site(d, n, sc, &site, err)))
        return st;
    /* a cohort's model is its template subject: the blocks' lanes are made from it and the
     * draws as they run (ds_scenario_lanes) */
    const int lanes = sc->cohort.enabled ? 1 : sc->nsubj;
    st = ds_model_compile(md, sc->nlevel, sc->level_id, sc->variant, lanes, n ? &site : NULL, &sc->model, err);
    if (st && n && isnan(sc->model.hern.root_diameter)) { /* name the scenario's key, not only the model */
        char msg[DS_ERROR_MSG_LEN];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        st = ds_fail(err, st, "%s: key 'herniation': %s", ds_yloc(d, n, loc, sizeof loc), msg);
    }
    return st;
}

/* initial: the posture whose drained equilibrium starts the run (default: the first phase's) */
static ds_status read_initial(const ds_ydoc *d, int root, ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    const char *s;
    sc->initial_posture = sc->phase[0].posture;
    sc->initial = sc->phase[0].p;
    int n = ds_ymap_get(d, root, "initial");
    if (!n)
        return DS_OK;
    static const char *const ikeys[] = {"posture", NULL};
    ds_status st = ds_ycheck_keys(d, n, "initial", ikeys, err);
    int pn = st ? 0 : ds_ymap_get(d, n, "posture");
    if (st || !pn || (st = ds_yas_string(d, pn, "initial.posture", &s, err)))
        return st;
    int pid = ds_model_posture(&sc->model, s);
    if (pid < 0)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'initial.posture': unknown posture '%s'",
                       ds_yloc(d, pn, loc, sizeof loc), s);
    sc->initial_posture = pid;
    sc->initial = sc->model.posture[pid].p;
    return DS_OK;
}

static ds_status read_clock(const ds_ydoc *d, int root, ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    const char *s;
    int n = ds_ymap_get(d, root, "clock"), hh, mm;
    char extra;
    if (!n)
        return DS_OK;
    ds_status st = ds_yas_string(d, n, "clock", &s, err);
    if (st)
        return st;
    if (sscanf(s, "%d:%d%c", &hh, &mm, &extra) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'clock': expected the time of day at the start as HH:MM, got '%s'",
                       ds_yloc(d, n, loc, sizeof loc), s);
    sc->clock_start = 3600.0 * hh + 60.0 * mm;
    return DS_OK;
}

/* summary: the window of the summary metrics, inside the run (an empty window's means would
 * be 0/0) */
static ds_status read_summary(const ds_ydoc *d, int root, ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    sc->summary_from = 0.0;
    sc->summary_to = -1.0;
    int n = ds_ymap_get(d, root, "summary");
    if (!n)
        return DS_OK;
    static const char *const sk[] = {"from", "to", NULL};
    ds_status st = ds_ycheck_keys(d, n, "summary", sk, err);
    if (st)
        return st;
    int fn = ds_ymap_get(d, n, "from"), tn = ds_ymap_get(d, n, "to");
    if ((fn && (st = ds_yas_duration(d, fn, "summary.from", 1, &sc->summary_from, err))) ||
        (tn && (st = ds_yas_duration(d, tn, "summary.to", 0, &sc->summary_to, err))))
        return st;
    if (sc->summary_to >= 0 && sc->summary_to <= sc->summary_from)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'summary': 'to' must come after 'from'", ds_yloc(d, n, loc, sizeof loc));
    const double end = ds_scenario_duration(sc);
    if (sc->summary_from >= end || sc->summary_to > end) {
        int bad = sc->summary_from >= end ? fn : tn;
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'summary.%s': the window must lie inside the run, which lasts %.6g h",
                       ds_yloc(d, bad, loc, sizeof loc), bad == fn ? "from" : "to", end / 3600.0);
    }
    return DS_OK;
}

ds_status ds_scenario_load_edit(const char *path, int nset, const char *const *set, ds_doc_edit edit, void *ctx,
                                ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    memset(sc, 0, sizeof *sc);
    snprintf(sc->path, sizeof sc->path, "%s", path);
    ds_ydoc *d = NULL, *md = NULL;
    ds_status st = open_document(path, nset, set, edit, ctx, sc, &d, err);
    int root = d ? ds_yroot(d) : 0, n;
    if (st || (st = read_name_and_model(d, root, sc, &md, err)) || (st = read_shape(d, root, sc, err)) ||
        (st = compile_model(d, root, md, sc, err)))
        goto done;
    if ((n = ds_ymap_get(d, root, "cohort")) && (st = ds_sc_read_cohort(d, n, sc, err)))
        goto done;
    if (!(n = ds_ymap_get(d, root, "timeline"))) {
        st = ds_fail(err, DS_ERR_INPUT, "%s: key 'timeline' is missing", ds_yloc(d, root, loc, sizeof loc));
        goto done;
    }
    if ((st = ds_sc_read_timeline(d, n, sc, &sc->model, err)) || (st = read_initial(d, root, sc, err)) ||
        (st = ds_sc_read_record(d, ds_ymap_get(d, root, "record"), sc, err)) ||
        (st = ds_sc_check_extent(d, root, sc, err)))
        goto done;
    if ((st = read_clock(d, root, sc, err))) /* before the interventions: "at: day 3 10:00" needs it */
        goto done;
    if ((n = ds_ymap_get(d, root, "interventions")) && (st = ds_sc_read_interventions(d, n, sc, err)))
        goto done;
    if ((st = read_summary(d, root, sc, err)) ||
        (st = ds_sc_read_solver(d, ds_ymap_get(d, root, "solver"), sc, err)))
        goto done;
done:
    ds_ydoc_free(d);
    ds_ydoc_free(md);
    if (st)
        ds_scenario_free(sc);
    return st;
}
