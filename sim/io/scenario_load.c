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

#include "io/ydoc.h"
#include "scenario_impl.h"
#include "model_load.h"
#include "scenario_read.h"

static const char *const top_keys[] = {"name",     "description", "model",      "parameters", "variant",
                                       "levels",   "subjects",    "seed",       "initial",    "timeline",
                                       "record",   "solver",      "herniation", "summary",    "interventions",
                                       "arms",     "sweep",       "clock",      NULL};

ds_status ds_scenario_load(const char *path, int nset, const char *const *set, ds_scenario *sc, ds_error *err)
{
    return ds_scenario_load_edit(path, nset, set, NULL, NULL, sc, err);
}

ds_status ds_scenario_load_edit(const char *path, int nset, const char *const *set, ds_doc_edit edit, void *ctx,
                                ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    memset(sc, 0, sizeof *sc);
    snprintf(sc->path, sizeof sc->path, "%s", path);
    ds_ydoc *d = NULL, *md = NULL;
    ds_status st = ds_ydoc_load(path, &d, err);
    if (st)
        return st;
    sc->text = strdup(d->text);
    size_t olen = 1;
    for (int i = 0; i < nset; i++)
        olen += strlen(set[i]) + 1;
    sc->overrides = calloc(1, olen);
    if (!sc->text || !sc->overrides) {
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < nset; i++) {
        strcat(sc->overrides, set[i]);
        strcat(sc->overrides, "\n");
        if ((st = ds_yset(d, set[i], err)))
            goto done;
    }
    /* --set can bring aliases of its own; the merged document is checked as a whole */
    if ((st = ds_ydoc_check_graph(d, err)))
        goto done;
    int root = ds_yroot(d);
    if (!root) {
        st = ds_fail(err, DS_ERR_INPUT, "%s: the scenario file is empty", path);
        goto done;
    }
    if ((st = ds_ycheck_keys(d, root, "", top_keys, err)))
        goto done;
    if (edit) {
        if ((st = edit(d, ctx, sc, err)) || (st = ds_ydoc_check_graph(d, err)) ||
            (st = ds_ycheck_keys(d, root, "", top_keys, err)))
            goto done;
    } else if (ds_ymap_get(d, root, "arms") || ds_ymap_get(d, root, "sweep")) {
        st = ds_fail(err, DS_ERR_INPUT, "%s: this scenario has arms or a sweep: load it as a study (discsim run does)",
                     path);
        goto done;
    }

    const char *s;
    int n = ds_ymap_get(d, root, "name");
    if (!n) {
        st = ds_fail(err, DS_ERR_INPUT, "%s: key 'name' is missing", ds_yloc(d, root, loc, sizeof loc));
        goto done;
    }
    if ((st = ds_yas_string(d, n, "name", &s, err)))
        goto done;
    if (!*s) {
        st = ds_fail(err, DS_ERR_INPUT, "%s: key 'name': the scenario needs a name", ds_yloc(d, n, loc, sizeof loc));
        goto done;
    }
    snprintf(sc->name, sizeof sc->name, "%s", s);

    n = ds_ymap_get(d, root, "model");
    if (!n) {
        st = ds_fail(err, DS_ERR_INPUT, "%s: key 'model' is missing (path of the model file, relative to the scenario)",
                     ds_yloc(d, root, loc, sizeof loc));
        goto done;
    }
    if ((st = ds_yas_string(d, n, "model", &s, err)))
        goto done;
    if (s[0] == '/') {
        snprintf(sc->model_path, sizeof sc->model_path, "%s", s);
    } else {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s", path);
        snprintf(sc->model_path, sizeof sc->model_path, "%s/%s", dirname(tmp), s);
    }
    {
        ds_error merr;
        if (ds_ydoc_load(sc->model_path, &md, &merr)) {
            st = ds_fail(err, merr.status, "%s: key 'model': cannot load model file: %s",
                         ds_yloc(d, n, loc, sizeof loc), merr.msg);
            goto done;
        }
    }

    n = ds_ymap_get(d, root, "parameters");
    if (n) {
        char pbuf[512] = "";
        if ((st = ds_sc_apply_parameters(d, n, pbuf, sizeof pbuf, 0, md, ds_yroot(md), err)))
            goto done;
    }

    sc->variant = DS_QUASI_STATIC;
    n = ds_ymap_get(d, root, "variant");
    if (n) {
        if ((st = ds_yas_string(d, n, "variant", &s, err)))
            goto done;
        if (strcmp(s, "quasi_static") == 0)
            sc->variant = DS_QUASI_STATIC;
        else if (strcmp(s, "inertial") == 0)
            sc->variant = DS_INERTIAL;
        else {
            st = ds_fail(err, DS_ERR_INPUT, "%s: key 'variant': unknown variant '%s' (quasi_static or inertial)",
                         ds_yloc(d, n, loc, sizeof loc), s);
            goto done;
        }
    }
    n = ds_ymap_get(d, root, "levels");
    if (!n) {
        st = ds_fail(err, DS_ERR_INPUT, "%s: key 'levels' is missing (e.g. levels: [L4L5])",
                     ds_yloc(d, root, loc, sizeof loc));
        goto done;
    }
    if ((st = ds_sc_read_levels(d, n, sc, err)))
        goto done;
    long v = 1;
    n = ds_ymap_get(d, root, "subjects");
    if (n && (st = ds_yas_int(d, n, "subjects", 1, 1000000, &v, err)))
        goto done;
    sc->nsubj = (int)v;
    v = 1;
    n = ds_ymap_get(d, root, "seed");
    if (n && (st = ds_yas_int(d, n, "seed", 0, 0x7fffffffL, &v, err)))
        goto done;
    sc->seed = (uint64_t)v;

    {
        int mlevels = ds_ymap_get(md, ds_yroot(md), "levels");
        for (int i = 0; i < sc->nlevel; i++)
            if (!ds_ymap_get(md, mlevels, ds_level_names[sc->level_id[i]])) {
                st = ds_fail(err, DS_ERR_INPUT, "%s: key 'levels': the model %s has no parameters for level %s",
                             ds_yloc(d, ds_ymap_get(d, root, "levels"), loc, sizeof loc), sc->model_path,
                             ds_level_names[sc->level_id[i]]);
                goto done;
            }
    }
    ds_herniation_site site = {0};
    n = ds_ymap_get(d, root, "herniation");
    if (n && (st = ds_sc_read_herniation_site(d, n, sc, &site, err)))
        goto done;
    if ((st = ds_model_compile(md, sc->nlevel, sc->level_id, sc->variant, sc->nsubj, n ? &site : NULL, &sc->model,
                               err))) {
        if (n && isnan(sc->model.hern.root_diameter)) { /* name the scenario's key, not only the model */
            char msg[DS_ERROR_MSG_LEN];
            snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
            st = ds_fail(err, st, "%s: key 'herniation': %s", ds_yloc(d, n, loc, sizeof loc), msg);
        }
        goto done;
    }

    n = ds_ymap_get(d, root, "timeline");
    if (!n) {
        st = ds_fail(err, DS_ERR_INPUT, "%s: key 'timeline' is missing", ds_yloc(d, root, loc, sizeof loc));
        goto done;
    }
    if ((st = ds_sc_read_timeline(d, n, sc, &sc->model, err)))
        goto done;

    sc->initial_posture = sc->phase[0].posture;
    sc->initial = sc->phase[0].p;
    n = ds_ymap_get(d, root, "initial");
    if (n) {
        static const char *const ikeys[] = {"posture", NULL};
        if ((st = ds_ycheck_keys(d, n, "initial", ikeys, err)))
            goto done;
        int pn = ds_ymap_get(d, n, "posture");
        if (pn) {
            if ((st = ds_yas_string(d, pn, "initial.posture", &s, err)))
                goto done;
            int pid = ds_model_posture(&sc->model, s);
            if (pid < 0) {
                st = ds_fail(err, DS_ERR_INPUT, "%s: key 'initial.posture': unknown posture '%s'",
                             ds_yloc(d, pn, loc, sizeof loc), s);
                goto done;
            }
            sc->initial_posture = pid;
            sc->initial = sc->model.posture[pid].p;
        }
    }
    if ((st = ds_sc_read_record(d, ds_ymap_get(d, root, "record"), sc, err)))
        goto done;
    if ((st = ds_sc_check_extent(d, root, sc, err)))
        goto done;
    n = ds_ymap_get(d, root, "interventions");
    if (n && (st = ds_sc_read_interventions(d, n, sc, err)))
        goto done;
    n = ds_ymap_get(d, root, "clock");
    if (n) {
        int hh, mm;
        char extra;
        if ((st = ds_yas_string(d, n, "clock", &s, err)))
            goto done;
        if (sscanf(s, "%d:%d%c", &hh, &mm, &extra) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59) {
            st = ds_fail(err, DS_ERR_INPUT, "%s: key 'clock': expected the time of day at the start as HH:MM, got '%s'",
                         ds_yloc(d, n, loc, sizeof loc), s);
            goto done;
        }
        sc->clock_start = 3600.0 * hh + 60.0 * mm;
    }
    sc->summary_from = 0.0;
    sc->summary_to = -1.0;
    n = ds_ymap_get(d, root, "summary");
    if (n) {
        static const char *const sk[] = {"from", "to", NULL};
        if ((st = ds_ycheck_keys(d, n, "summary", sk, err)))
            goto done;
        int fn = ds_ymap_get(d, n, "from"), tn = ds_ymap_get(d, n, "to");
        if ((fn && (st = ds_yas_duration(d, fn, "summary.from", 1, &sc->summary_from, err))) ||
            (tn && (st = ds_yas_duration(d, tn, "summary.to", 0, &sc->summary_to, err))))
            goto done;
        if (sc->summary_to >= 0 && sc->summary_to <= sc->summary_from) {
            st = ds_fail(err, DS_ERR_INPUT, "%s: key 'summary': 'to' must come after 'from'", ds_yloc(d, n, loc, sizeof loc));
            goto done;
        }
        /* a window outside the run has no samples: its means would be 0/0 */
        const double end = ds_scenario_duration(sc);
        if (sc->summary_from >= end || sc->summary_to > end) {
            int bad = sc->summary_from >= end ? fn : tn;
            st = ds_fail(err, DS_ERR_INPUT, "%s: key 'summary.%s': the window must lie inside the run, which lasts %.6g h",
                         ds_yloc(d, bad, loc, sizeof loc), bad == fn ? "from" : "to", end / 3600.0);
            goto done;
        }
    }
    if ((st = ds_sc_read_solver(d, ds_ymap_get(d, root, "solver"), sc, err)))
        goto done;
done:
    ds_ydoc_free(d);
    ds_ydoc_free(md);
    if (st)
        ds_scenario_free(sc);
    return st;
}

