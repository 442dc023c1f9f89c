/* Reading the parts of a scenario file: levels, timeline, record, solver, herniation and
 * interventions (see scenario_read.h). */
#include "discsim/scenario.h"

#include <libgen.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/units.h"
#include "io/ydoc.h"
#include "scenario_read.h"

ds_status ds_sc_read_levels(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    int n;
    ds_status st = ds_yas_sequence(d, node, "levels", &n, err);
    if (st)
        return st;
    if (n < 1 || n > DS_MAX_LEVELS)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'levels': give 1 to %d levels, got %d",
                       ds_yloc(d, node, loc, sizeof loc), DS_MAX_LEVELS, n);
    for (int i = 0; i < n; i++) {
        int it = ds_yseq_item(d, node, i);
        const char *s;
        if ((st = ds_yas_string(d, it, "levels", &s, err)))
            return st;
        int id = ds_level_id(s);
        if (id < 0)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'levels': unknown level '%s' (L1L2, L2L3, L3L4, L4L5, L5S1)",
                           ds_yloc(d, it, loc, sizeof loc), s);
        if (i > 0 && id != sc->level_id[i - 1] + 1)
            return ds_fail(err, DS_ERR_INPUT,
                           "%s: key 'levels': levels must be neighbours listed top to bottom (%s after %s)",
                           ds_yloc(d, it, loc, sizeof loc), s, ds_level_names[sc->level_id[i - 1]]);
        sc->level_id[i] = id;
    }
    sc->nlevel = n;
    return DS_OK;
}

/* One phase: its posture (with overrides of flexion and hand load), duration and label. */
static ds_status read_phase(const ds_ydoc *d, int it, int i, ds_scenario *sc, const ds_model *m, ds_error *err)
{
    char loc[4200];
    ds_status st;
    static const char *const pkeys[] = {"posture",   "duration",      "label", "flexion",
                                        "hand_load", "hand_distance", "tone",  NULL};
        char key[64];
    snprintf(key, sizeof key, "timeline.phases[%d]", i);
    if ((st = ds_ycheck_keys(d, it, key, pkeys, err)))
        return st;
    int pn = ds_ymap_get(d, it, "posture"), dn = ds_ymap_get(d, it, "duration");
    if (!pn || !dn)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s.%s' is missing", ds_yloc(d, it, loc, sizeof loc), key,
                       !pn ? "posture" : "duration");
    const char *pname;
    char sub[96];
    snprintf(sub, sizeof sub, "%s.posture", key);
    if ((st = ds_yas_string(d, pn, sub, &pname, err)))
        return st;
    int pid = ds_model_posture(m, pname);
    if (pid < 0) {
        char list[512] = "";
        size_t len = 0;
        for (int k = 0; k < m->nposture; k++)
            ds_append(list, sizeof list, &len, "%s%s", k ? ", " : "", m->posture[k].name);
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': unknown posture '%s' (the model has: %s)",
                       ds_yloc(d, pn, loc, sizeof loc), sub, pname, list);
    }
    sc->phase[i].p = m->posture[pid].p;
    static const struct {
        const char *key, *unit; /* unit: the code's */
        size_t off;
        double lo, hi;
    } over[] = {{"flexion", "rad", offsetof(ds_posture_params, flexion), -1.5707963267948966, 1.5707963267948966},
                {"hand_load", "t", offsetof(ds_posture_params, hand_load), 0.0, 0.5},
                {"hand_distance", "mm", offsetof(ds_posture_params, hand_distance), 0.0, 1500.0},
                {"tone", "1", offsetof(ds_posture_params, tone), 0.0, 5.0}};
    static const char *const range_text[] = {"from -90 deg to 90 deg", "from 0 to 500 kg", "from 0 to 1.5 m",
                                             "from 0 to 5 (a factor on the resting tone)"};
    for (size_t k = 0; k < sizeof over / sizeof over[0]; k++) {
        int on = ds_ymap_get(d, it, over[k].key);
        if (!on)
            continue;
        snprintf(sub, sizeof sub, "%s.%s", key, over[k].key);
        double *v = (double *)((char *)&sc->phase[i].p + over[k].off);
        if ((st = ds_yas_quantity(d, on, sub, over[k].unit, v, err)))
            return st;
        if (!(*v >= over[k].lo && *v <= over[k].hi))
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': must lie %s", ds_yloc(d, on, loc, sizeof loc), sub,
                           range_text[k]);
    }
    int lb = ds_ymap_get(d, it, "label");
    if (lb) {
        const char *ls;
        snprintf(sub, sizeof sub, "%s.label", key);
        if ((st = ds_yas_string(d, lb, sub, &ls, err)))
            return st;
        snprintf(sc->phase[i].label, sizeof sc->phase[i].label, "%s", ls);
    }
    snprintf(sub, sizeof sub, "%s.duration", key);
    if ((st = ds_yas_duration(d, dn, sub, 0, &sc->phase[i].duration, err)))
        return st;
    if (sc->phase[i].duration < sc->ramp)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': a phase must last at least its ramp (%g s)",
                       ds_yloc(d, dn, loc, sizeof loc), sub, sc->ramp);
    sc->phase[i].posture = pid;
    return DS_OK;
}

ds_status ds_sc_read_timeline(const ds_ydoc *d, int node, ds_scenario *sc, const ds_model *m, ds_error *err)
{
    char loc[4200];
    static const char *const keys[] = {"repeat", "ramp", "phases", NULL};
    ds_status st = ds_ycheck_keys(d, node, "timeline", keys, err);
    if (st)
        return st;
    long rep = 1;
    int rn = ds_ymap_get(d, node, "repeat");
    if (rn && (st = ds_yas_int(d, rn, "timeline.repeat", 1, 100000, &rep, err)))
        return st;
    sc->repeat = (int)rep;
    sc->ramp = 1.0;
    int ramp = ds_ymap_get(d, node, "ramp");
    if (ramp && (st = ds_yas_duration(d, ramp, "timeline.ramp", 0, &sc->ramp, err)))
        return st;
    if (sc->ramp < 0.5)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'timeline.ramp': transitions must last at least 0.5 s",
                       ds_yloc(d, ramp, loc, sizeof loc));
    int ph = ds_ymap_get(d, node, "phases");
    if (!ph)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'timeline.phases' is missing", ds_yloc(d, node, loc, sizeof loc));
    int n;
    if ((st = ds_yas_sequence(d, ph, "timeline.phases", &n, err)))
        return st;
    if (n == 0)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'timeline.phases': the timeline is empty: give at least one phase",
                       ds_yloc(d, ph, loc, sizeof loc));
    if (n > DS_MAX_PHASES)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'timeline.phases': more than %d phases",
                       ds_yloc(d, ph, loc, sizeof loc), DS_MAX_PHASES);
    for (int i = 0; i < n; i++)
        if ((st = read_phase(d, ds_yseq_item(d, ph, i), i, sc, m, err)))
            return st;
    sc->nphase = n;
    return DS_OK;
}

/* A run must end, and what it writes must fit: the timeline as a whole is at most
 * DS_MAX_DURATION, and at most DS_MAX_RECORDS records are taken per subject. */
ds_status ds_sc_check_extent(const ds_ydoc *d, int root, const ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    double end = ds_scenario_duration(sc);
    if (!(end <= DS_MAX_DURATION))
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'timeline': the run would last %.6g days (phases x repeat), more "
                       "than the 10 years a run may last",
                       ds_yloc(d, ds_ymap_get(d, root, "timeline"), loc, sizeof loc), end / 86400.0);
    double nrec = end / sc->record_interval;
    if (!(nrec <= DS_MAX_RECORDS)) {
        int rn = ds_ymap_get(d, root, "record");
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'record.interval': %.6g s over %.6g h is %.3g records, more than %d: "
                       "record less often",
                       ds_yloc(d, rn ? rn : root, loc, sizeof loc), sc->record_interval, end / 3600.0, nrec,
                       DS_MAX_RECORDS);
    }
    return DS_OK;
}

ds_status ds_sc_read_record(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    sc->record_interval = 60.0;
    sc->record_muscles = 1;
    sc->nrecord = DS_NLEVEL_OUTPUTS;
    for (int k = 0; k < DS_NLEVEL_OUTPUTS; k++)
        sc->record[k] = k;
    if (!node)
        return DS_OK;
    static const char *const keys[] = {"interval", "variables", "muscles", NULL};
    ds_status st = ds_ycheck_keys(d, node, "record", keys, err);
    if (st)
        return st;
    int mn = ds_ymap_get(d, node, "muscles");
    if (mn) {
        const char *s;
        if ((st = ds_yas_string(d, mn, "record.muscles", &s, err)))
            return st;
        if (strcmp(s, "true") && strcmp(s, "false"))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'record.muscles': expected true or false, got '%s'",
                           ds_yloc(d, mn, loc, sizeof loc), s);
        sc->record_muscles = !strcmp(s, "true");
    }
    int in = ds_ymap_get(d, node, "interval");
    if (in && (st = ds_yas_duration(d, in, "record.interval", 0, &sc->record_interval, err)))
        return st;
    int vn = ds_ymap_get(d, node, "variables");
    if (vn) {
        int n;
        if ((st = ds_yas_sequence(d, vn, "record.variables", &n, err)))
            return st;
        if (n < 1 || n > DS_NLEVEL_OUTPUTS)
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'record.variables': give 1 to %d variables",
                           ds_yloc(d, vn, loc, sizeof loc), DS_NLEVEL_OUTPUTS);
        for (int i = 0; i < n; i++) {
            int it = ds_yseq_item(d, vn, i);
            const char *s;
            if ((st = ds_yas_string(d, it, "record.variables", &s, err)))
                return st;
            int id = -1;
            for (int k = 0; k < DS_NLEVEL_OUTPUTS; k++)
                if (strcmp(s, ds_level_output_names[k]) == 0)
                    id = k;
            if (id < 0) {
                char list[512] = "";
                size_t len = 0;
                for (int k = 0; k < DS_NLEVEL_OUTPUTS; k++)
                    ds_append(list, sizeof list, &len, "%s%s", k ? ", " : "", ds_level_output_names[k]);
                return ds_fail(err, DS_ERR_INPUT, "%s: key 'record.variables': unknown variable '%s' (known: %s)",
                               ds_yloc(d, it, loc, sizeof loc), s, list);
            }
            for (int k = 0; k < i; k++)
                if (sc->record[k] == id)
                    return ds_fail(err, DS_ERR_INPUT, "%s: key 'record.variables': '%s' is listed twice",
                                   ds_yloc(d, it, loc, sizeof loc), s);
            sc->record[i] = id;
        }
        sc->nrecord = n;
    }
    return DS_OK;
}

ds_status ds_sc_read_solver(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err)
{
    char loc[4200];
    sc->solver = ds_solver_defaults();
    if (!node)
        return DS_OK;
    static const char *const keys[] = {"method", "rtol", "atol", "step", "initial_step", "max_step", NULL};
    ds_status st = ds_ycheck_keys(d, node, "solver", keys, err);
    if (st)
        return st;
    int mn = ds_ymap_get(d, node, "method");
    if (mn) {
        const char *s;
        if ((st = ds_yas_string(d, mn, "solver.method", &s, err)))
            return st;
        const ds_method *meth = ds_method_find(s);
        if (!meth)
            return ds_fail(err, DS_ERR_INPUT,
                           "%s: key 'solver.method': unknown solver '%s' (known: euler, rk4, dopri5, beuler, trbdf2, esdirk3)",
                           ds_yloc(d, mn, loc, sizeof loc), s);
        sc->solver.method = meth->id;
    }
    struct {
        const char *key;
        double *dst;
    } tols[] = {{"rtol", &sc->solver.rtol}, {"atol", &sc->solver.atol}};
    for (int i = 0; i < 2; i++) {
        int tn = ds_ymap_get(d, node, tols[i].key);
        char key[32];
        snprintf(key, sizeof key, "solver.%s", tols[i].key);
        if (tn && (st = ds_yas_double(d, tn, key, tols[i].dst, err)))
            return st;
        if (tn && !(*tols[i].dst > 0.0 && *tols[i].dst < 1.0))
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': must be between 0 and 1", ds_yloc(d, tn, loc, sizeof loc),
                           key);
    }
    struct {
        const char *key;
        double *dst;
    } durs[] = {{"step", &sc->solver.h_fixed}, {"initial_step", &sc->solver.h_init}, {"max_step", &sc->solver.h_max}};
    for (int i = 0; i < 3; i++) {
        int tn = ds_ymap_get(d, node, durs[i].key);
        char key[32];
        snprintf(key, sizeof key, "solver.%s", durs[i].key);
        if (tn && (st = ds_yas_duration(d, tn, key, 0, durs[i].dst, err)))
            return st;
    }
    const ds_method *meth = ds_method_get(sc->solver.method);
    if (!meth->adaptive && !(sc->solver.h_fixed > 0))
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'solver.step': method %s has a fixed step: give one, e.g. step: 1s",
                       ds_yloc(d, node, loc, sizeof loc), meth->name);
    /* esdirk3's records between its step ends were measured far off at loose tolerances
     * (bench_precision --method esdirk3 --ladder): on the inertial day 59 and 21 times the
     * pressures' range at 1e-3 and 1e-4, on the quasi-static one 48 times its rtol at 1e-5.
     * Refused, not run: a wrong answer is worse than none */
    if (meth->id == DS_ESDIRK3) {
        const double cap = sc->variant == DS_INERTIAL ? 1e-5 : 1e-6;
        const int by_atol = sc->solver.atol > sc->solver.rtol;
        const double tol = by_atol ? sc->solver.atol : sc->solver.rtol;
        if (tol > cap * (1.0 + 1e-9)) {
            int tn = ds_ymap_get(d, node, by_atol ? "atol" : "rtol");
            return ds_fail(err, DS_ERR_INPUT,
                           "%s: key 'solver.%s': esdirk3 needs %s <= %g on the %s variant (above it, its records between "
                           "steps were measured far off); use trbdf2, or a tolerance of %g or less",
                           ds_yloc(d, tn ? tn : node, loc, sizeof loc), by_atol ? "atol" : "rtol",
                           by_atol ? "atol" : "rtol", cap, sc->variant == DS_INERTIAL ? "inertial" : "quasi-static", cap);
        }
    }
    return DS_OK;
}

/* The herniation the scenario places, read before the model is compiled: the compilation
 * applies its degeneration and fills in the model's default gap (NaN here: not given). */
ds_status ds_sc_read_herniation_site(const ds_ydoc *d, int node, const ds_scenario *sc, ds_herniation_site *hs,
                                      ds_error *err)
{
    char loc[4200];
    static const char *const keys[] = {"level", "side", "type", "size", "gap", "degeneration", NULL};
    ds_status st = ds_ycheck_keys(d, node, "herniation", keys, err);
    if (st)
        return st;
    memset(hs, 0, sizeof *hs);
    const char *s;
    int n = ds_ymap_get(d, node, "level");
    if (!n)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'herniation.level' is missing", ds_yloc(d, node, loc, sizeof loc));
    if ((st = ds_yas_string(d, n, "herniation.level", &s, err)))
        return st;
    hs->level = -1;
    for (int i = 0; i < sc->nlevel; i++)
        if (!strcmp(s, ds_level_names[sc->level_id[i]]))
            hs->level = i;
    if (hs->level < 0)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'herniation.level': %s is not among the simulated levels",
                       ds_yloc(d, n, loc, sizeof loc), s);
    hs->type = DS_PARACENTRAL;
    if ((n = ds_ymap_get(d, node, "type"))) {
        if ((st = ds_yas_string(d, n, "herniation.type", &s, err)))
            return st;
        if (!strcmp(s, "foraminal"))
            hs->type = DS_FORAMINAL;
        else if (strcmp(s, "paracentral"))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'herniation.type': '%s' (paracentral or foraminal)",
                           ds_yloc(d, n, loc, sizeof loc), s);
    }
    if ((n = ds_ymap_get(d, node, "side"))) {
        if ((st = ds_yas_string(d, n, "herniation.side", &s, err)))
            return st;
        if (strcmp(s, "left") && strcmp(s, "right"))
            return ds_fail(err, DS_ERR_INPUT, "%s: key 'herniation.side': '%s' (left or right)",
                           ds_yloc(d, n, loc, sizeof loc), s);
        hs->side = !strcmp(s, "right");
    }
    n = ds_ymap_get(d, node, "size");
    if (!n)
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'herniation.size' is missing (protrusion at rest, e.g. 4mm)",
                       ds_yloc(d, node, loc, sizeof loc));
    if ((st = ds_yas_quantity(d, n, "herniation.size", "mm", &hs->size, err)))
        return st;
    if (!(hs->size >= 0 && hs->size <= 20))
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'herniation.size': must lie from 0 to 20 mm",
                       ds_yloc(d, n, loc, sizeof loc));
    hs->gap = NAN;
    if ((n = ds_ymap_get(d, node, "gap")) && (st = ds_yas_quantity(d, n, "herniation.gap", "mm", &hs->gap, err)))
        return st;
    if (n && !(hs->gap >= 0 && hs->gap <= 20))
        return ds_fail(err, DS_ERR_INPUT, "%s: key 'herniation.gap': must lie from 0 to 20 mm",
                       ds_yloc(d, n, loc, sizeof loc));
    long grade = 1;
    if ((n = ds_ymap_get(d, node, "degeneration")) &&
        (st = ds_yas_int(d, n, "herniation.degeneration", 1, DS_GRADES, &grade, err)))
        return st;
    hs->grade = (int)grade;
    hs->enabled = 1;
    return DS_OK;
}

static int cmp_session(const void *a, const void *b)
{
    double x = ((const ds_session *)a)->start, y = ((const ds_session *)b)->start;
    return (x > y) - (x < y);
}

/* The groups a session treats, as a bit set of the model's groups. */
static ds_status read_groups(const ds_ydoc *d, int gn, const char *sub, const ds_model *m, unsigned *groups,
                             ds_error *err)
{
    char loc[4200];
    int ng;
    ds_status st = ds_yas_sequence(d, gn, sub, &ng, err);
    for (int k = 0; !st && k < ng; k++) {
        const char *g;
        int gi = ds_yseq_item(d, gn, k), found = -1;
        if ((st = ds_yas_string(d, gi, sub, &g, err)))
            return st;
        for (int q = 0; q < m->ngroup; q++)
            if (!strcmp(g, m->group[q].name))
                found = q;
        if (found < 0)
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': unknown muscle group '%s'", ds_yloc(d, gi, loc, sizeof loc),
                           sub, g);
        *groups |= 1u << found;
    }
    return st;
}

/* A session's sizes and time constants where it gives them (else the model's defaults). */
static ds_status read_effect(const ds_ydoc *d, int it, const char *key, ds_session *ses, ds_error *err)
{
    char loc[4200], sub[128];
    static const struct {
        const char *k, *unit;
        size_t off;
    } f[] = {
#define DS_X(name, u, r, desc) {#name, u, offsetof(ds_massage_defaults, name)},
        DS_MASSAGE_PARAMS(DS_X)
#undef DS_X
    };
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
        int fn = ds_ymap_get(d, it, f[k].k);
        if (!fn)
            continue;
        snprintf(sub, sizeof sub, "%s.%s", key, f[k].k);
        double *v = (double *)((char *)&ses->p + f[k].off);
        int frac = !strcmp(f[k].unit, "1");
        ds_status st = frac ? ds_yas_quantity(d, fn, sub, "1", v, err) /* 0.3 or 30% */
                            : ds_yas_duration(d, fn, sub, 0, v, err);
        if (st)
            return st;
        if (frac && !(*v >= 0 && *v <= 1))
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': a fraction between 0 and 1 (0.3: 30 %% lower)",
                           ds_yloc(d, fn, loc, sizeof loc), sub);
    }
    return DS_OK;
}

/* The sessions of one intervention (count of them, every so often), each inside the run: a
 * session that would start or run past the end would silently not happen. */
static ds_status schedule(const ds_ydoc *d, int it, int an, const char *key, const ds_session *ses, ds_scenario *sc,
                          ds_error *err)
{
    char loc[4200], sub[128];
    double every = 0.0;
    long count = 1;
    ds_status st;
    int en = ds_ymap_get(d, it, "every"), cn = ds_ymap_get(d, it, "count");
    snprintf(sub, sizeof sub, "%s.every", key);
    if (en && (st = ds_yas_duration(d, en, sub, 0, &every, err)))
        return st;
    snprintf(sub, sizeof sub, "%s.count", key);
    if (cn && (st = ds_yas_int(d, cn, sub, 1, DS_MAX_SESSIONS, &count, err)))
        return st;
    if (count > 1 && !(every > 0))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': repeated sessions need 'every'", ds_yloc(d, it, loc, sizeof loc),
                       key);
    const double end = ds_scenario_duration(sc);
    for (long c = 0; c < count; c++) {
        if (sc->nsession >= DS_MAX_SESSIONS)
            return ds_fail(err, DS_ERR_INPUT, "%s: more than %d massage sessions", d->file, DS_MAX_SESSIONS);
        ds_session s2 = *ses;
        s2.start += (double)c * every;
        if (s2.start + s2.duration > end)
            return ds_fail(err, DS_ERR_INPUT,
                           "%s: key '%s': session %ld of %ld (at %.6g h, %.6g min long) ends after the run, which lasts "
                           "%.6g h",
                           ds_yloc(d, an, loc, sizeof loc), key, c + 1, count, s2.start / 3600.0, s2.duration / 60.0,
                           end / 3600.0);
        sc->session[sc->nsession++] = s2;
    }
    return DS_OK;
}

/* An intervention's start: a time from the start (51h) or a clock time, "day N HH:MM", day 1
 * being the day the scenario starts, at its `clock:` (00:00 without one). */
static ds_status read_at(const ds_ydoc *d, int an, const char *key, const ds_scenario *sc, double *t, ds_error *err)
{
    char loc[4200];
    const char *s;
    yaml_node_t *nd = ds_ynode(d, an);
    if (!nd || nd->type != YAML_SCALAR_NODE || strncmp((const char *)nd->data.scalar.value, "day", 3))
        return ds_yas_duration(d, an, key, 1, t, err);
    ds_status st = ds_yas_string(d, an, key, &s, err);
    if (st)
        return st;
    if (ds_clock_time_parse(s, sc->clock_start, t))
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': expected a time from the start (51h) or a clock time as "
                       "'day N HH:MM' (day 1 is the first), got '%s'", ds_yloc(d, an, loc, sizeof loc), key, s);
    if (*t < 0.0)
        return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': %s is before the scenario starts (clock: %02d:%02d on day 1)",
                       ds_yloc(d, an, loc, sizeof loc), key, s, (int)(sc->clock_start / 3600.0),
                       (int)fmod(sc->clock_start / 60.0, 60.0));
    return DS_OK;
}

ds_status ds_sc_read_interventions(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err)
{
    char loc[4200], key[64], sub[128];
    const ds_model *m = &sc->model;
    int n;
    ds_status st = ds_yas_sequence(d, node, "interventions", &n, err);
    if (st)
        return st;
    static const char *const keys[] = {"type",          "at",          "duration",       "groups", "every", "count",
#define DS_X(f, u, r, d) #f,
                                       DS_MASSAGE_PARAMS(DS_X)
#undef DS_X
                                       NULL};
    for (int i = 0; i < n; i++) {
        int it = ds_yseq_item(d, node, i);
        snprintf(key, sizeof key, "interventions[%d]", i);
        if ((st = ds_ycheck_keys(d, it, key, keys, err)))
            return st;
        const char *type = "massage";
        int tn = ds_ymap_get(d, it, "type");
        snprintf(sub, sizeof sub, "%s.type", key);
        if (tn && (st = ds_yas_string(d, tn, sub, &type, err)))
            return st;
        if (strcmp(type, "massage"))
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s': unknown intervention '%s' (known: massage)",
                           ds_yloc(d, tn, loc, sizeof loc), sub, type);
        ds_session ses = {.p = m->massage};
        int an = ds_ymap_get(d, it, "at"), dn = ds_ymap_get(d, it, "duration"), gn = ds_ymap_get(d, it, "groups");
        if (!an || !dn || !gn)
            return ds_fail(err, DS_ERR_INPUT, "%s: key '%s' needs at, duration and groups", ds_yloc(d, it, loc, sizeof loc),
                           key);
        snprintf(sub, sizeof sub, "%s.at", key);
        if ((st = read_at(d, an, sub, sc, &ses.start, err)))
            return st;
        snprintf(sub, sizeof sub, "%s.duration", key);
        if ((st = ds_yas_duration(d, dn, sub, 0, &ses.duration, err)))
            return st;
        snprintf(sub, sizeof sub, "%s.groups", key);
        if ((st = read_groups(d, gn, sub, m, &ses.groups, err)) || (st = read_effect(d, it, key, &ses, err)) ||
            (st = schedule(d, it, an, key, &ses, sc, err)))
            return st;
    }
    qsort(sc->session, (size_t)sc->nsession, sizeof sc->session[0], cmp_session);
    return DS_OK;
}

