/* The teaching page's runs (page_core.h): a preset made again from its compiled tables, the
 * page's settings applied as the command line's loader applies them, both arms through the
 * driver into the memory sink. Core only: libc and libm. */
#include "page_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "discsim/run.h"
#include "model/model_build.h"
#include "page_presets.h"

/* The model's scalars and tables of preset p, without its per-lane arrays. */
static void preset_tables(const page_preset *p, ds_model *m)
{
    snprintf(m->name, sizeof m->name, "%s", p->model_name);
    snprintf(m->path, sizeof m->path, "lumbar_adult.yaml");
    m->nposture = p->nposture;
    memcpy(m->posture, p->posture, (size_t)p->nposture * sizeof m->posture[0]);
    memcpy(&m->body, p->body, sizeof m->body);
    m->ngroup = p->ngroup;
    memcpy(m->group, p->group, (size_t)p->ngroup * sizeof m->group[0]);
    memcpy(&m->hern, p->hern, sizeof m->hern);
    memcpy(&m->site, p->site, sizeof m->site);
    m->nthreshold = p->nthreshold;
    memcpy(m->threshold, p->threshold, (size_t)p->nthreshold * sizeof m->threshold[0]);
    memcpy(&m->massage, p->massage, sizeof m->massage);
}

ds_status page_preset_scenario(int k, ds_scenario *sc, ds_error *err)
{
    if (k < 0 || k >= page_npresets)
        return ds_fail(err, DS_ERR_USAGE, "no preset %d (%d presets)", k, page_npresets);
    const page_preset *p = &page_presets[k];
    memset(sc, 0, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "%s", p->name);
    snprintf(sc->path, sizeof sc->path, "%s.yaml", p->key);
    sc->nlevel = p->nlevel;
    memcpy(sc->level_id, p->level_id, sizeof sc->level_id);
    sc->variant = (ds_variant)p->variant;
    sc->nsubj = p->nsubj;
    sc->seed = p->seed;
    sc->nphase = p->nphase;
    memcpy(sc->phase, p->phase, (size_t)p->nphase * sizeof sc->phase[0]);
    sc->repeat = p->repeat;
    sc->ramp = p->ramp;
    sc->initial_posture = p->initial_posture;
    memcpy(&sc->initial, p->initial, sizeof sc->initial);
    sc->record_interval = p->record_interval;
    sc->nrecord = p->nrecord;
    memcpy(sc->record, p->record, sizeof sc->record);
    sc->record_muscles = p->record_muscles;
    sc->summary_from = p->summary_from;
    sc->summary_to = p->summary_to;
    sc->clock_start = p->clock_start;
    memcpy(&sc->solver, p->solver, sizeof sc->solver);

    ds_model *m = &sc->model;
    ds_status st = ds_model_alloc(m, p->nlevel, p->level_id, sc->variant, p->nsubj, err);
    if (st)
        return st;
    if (ds_model_rows(m) != p->nrows) {
        ds_model_free(m);
        return ds_fail(err, DS_ERR_INPUT, "preset %s: %zu rows of lanes, the model has %zu", p->key, p->nrows,
                       ds_model_rows(m));
    }
    preset_tables(p, m);
    double *mem = m->mem_;
    for (size_t r = 0; r < p->nrows; r++) /* one subject: every lane the same */
        for (int l = 0; l < m->stride; l++)
            mem[r * (size_t)m->stride + (size_t)l] = p->rows[r];
    return DS_OK;
}

/* ---- the settings, as the loader applies them ---- */

static const char *const paraspinals[] = {"erector_spinae", "multifidus"};
enum { NPARA = 2, SESSION_S = 1800 };

static int group_index(const ds_model *m, const char *name)
{
    for (int g = 0; g < m->ngroup; g++)
        if (!strcmp(m->group[g].name, name))
            return g;
    return -1;
}

/* The reported day's clock minute as the scenario writes it, "day N HH:MM" (the reported day
 * starts at the preset's clock, so minutes before it fall on the next calendar day), and as
 * the loader reads that: s from the start. */
static const char *session_at(const page_preset *p, int minute, char *buf, size_t size)
{
    snprintf(buf, size, "day %d %02d:%02d", p->repeat + (minute * 60.0 < p->clock_start), minute / 60, minute % 60);
    return buf;
}

static double session_start(const page_preset *p, int minute)
{
    char at[32];
    double t = NAN;
    ds_clock_time_parse(session_at(p, minute, at, sizeof at), p->clock_start, &t);
    return t;
}

/* The massage the claim stands for (scenarios/massage_herniation.yaml's arm `claim`). */
static const ds_massage_defaults *claim_effect(const ds_model *m)
{
    static ds_massage_defaults c;
    c = m->massage;
    c.tone_reduction = 0.5;
    c.passive_reduction = 0.2;
    c.onset = c.passive_onset = 300.0;
    c.decay = c.passive_decay = 3600.0;
    return &c;
}

static int check_settings(int preset, double tone, double size, double gap, int grade, int minute, ds_error *err)
{
    if (preset < 0 || preset >= page_npresets)
        return ds_fail(err, DS_ERR_USAGE, "no preset %d", preset);
    if (!(tone >= 0.0 && tone <= 1.0) || !(size >= 0.0 && size <= 20.0) || !(gap >= 0.0 && gap <= 20.0) ||
        grade < 1 || grade > DS_GRADES || minute < 0 || minute >= 1440)
        return ds_fail(err, DS_ERR_USAGE, "settings out of range: tone %g, size %g mm, gap %g mm, grade %d, minute %d",
                       tone, size, gap, grade, minute);
    const page_preset *p = &page_presets[preset];
    if (!(session_start(p, minute) + SESSION_S <= 86400.0 * p->repeat))
        return ds_fail(err, DS_ERR_USAGE, "the session would end after the day");
    return DS_OK;
}

/* The scenario of one arm: the preset, the paraspinals' tone, the herniation, and for the
 * massage arm its session. */
static ds_status arm_scenario(int preset, double tone, double size, double gap, int grade, int minute, int claimed,
                              int arm, ds_scenario *sc, ds_error *err)
{
    ds_status st = page_preset_scenario(preset, sc, err);
    if (st)
        return st;
    ds_model *m = &sc->model;
    unsigned groups = 0;
    for (int k = 0; k < NPARA; k++) {
        int g = group_index(m, paraspinals[k]);
        if (g < 0) {
            ds_model_free(m);
            return ds_fail(err, DS_ERR_INPUT, "the model has no muscle group %s", paraspinals[k]);
        }
        for (int l = 0; l < m->nsubj && !st; l++)
            st = ds_model_set_tone(m, g, l, tone, err);
        if (st) {
            ds_model_free(m);
            return st;
        }
        groups |= 1u << g;
    }
    int level = -1;
    for (int i = 0; i < sc->nlevel; i++)
        if (!strcmp(ds_level_names[sc->level_id[i]], "L4L5"))
            level = i;
    ds_herniation_site site = {.enabled = 1, .level = level, .type = DS_PARACENTRAL, .side = 0, .grade = grade,
                               .size = size, .gap = gap};
    if (level < 0 || (st = ds_model_place_site(m, &site, err))) {
        ds_model_free(m);
        return level < 0 ? ds_fail(err, DS_ERR_INPUT, "the preset does not simulate L4L5") : st;
    }
    if (arm == PAGE_MASSAGE) {
        const page_preset *p = &page_presets[preset];
        sc->session[0] = (ds_session){.start = session_start(p, minute),
                                      .duration = SESSION_S,
                                      .groups = groups,
                                      .p = claimed ? *claim_effect(m) : m->massage};
        sc->nsession = 1;
    }
    return DS_OK;
}

/* ---- runs and their results ---- */

static const char *const series_path[PAGE_NSERIES] = {
#define PAGE_X(f, path, u) path,
    PAGE_SERIES(PAGE_X)
#undef PAGE_X
};
static const char *const series_key[PAGE_NSERIES] = {
#define PAGE_X(f, path, u) #f,
    PAGE_SERIES(PAGE_X)
#undef PAGE_X
};

static struct {
    ds_error err;
    int nrec;
    double *series[PAGE_ARMS][PAGE_NSERIES];
    int nmetric;
    char name[DS_MAX_METRICS][96], unit[DS_MAX_METRICS][16];
    double metric[PAGE_ARMS][DS_MAX_METRICS];
    int steps[PAGE_ARMS];
    double session_h;
} R;

static ds_scenario arm_sc; /* large: kept out of the stack */

static ds_status run_arm(int arm, const ds_scenario *sc, ds_error *err)
{
    ds_memory_record mr = {0};
    ds_record_sink sink = ds_memory_sink(&mr);
    ds_run_opts o = {0};
    ds_run_result r;
    ds_summary sum = {0};
    ds_status st = ds_run_stream(sc, &sink, "", &o, &r, &sum, err);
    if (!st && r.nfailed)
        st = ds_fail(err, DS_ERR_NUMERIC, "%s", r.failure);
    size_t k0 = 0;
    while (!st && k0 < mr.ntime && mr.time[k0] < sc->summary_from)
        k0++;
    const int n = st ? 0 : (int)(mr.ntime - k0);
    if (!st && arm > 0 && n != R.nrec)
        st = ds_fail(err, DS_ERR_INPUT, "the arms have %d and %d records", R.nrec, n);
    R.nrec = n;
    for (int s = 0; !st && s < PAGE_NSERIES; s++) {
        double *v = realloc(R.series[arm][s], (size_t)(n > 0 ? n : 1) * sizeof *v);
        int col = s == PAGE_S_time ? 0 : ds_memory_series(&mr, series_path[s]);
        if (!v || col < 0) {
            free(v);
            R.series[arm][s] = NULL;
            st = ds_fail(err, v ? DS_ERR_INPUT : DS_ERR_NOMEM, v ? "no series %s" : "out of memory", series_path[s]);
            break;
        }
        R.series[arm][s] = v;
        for (int k = 0; k < n; k++)
            v[k] = s == PAGE_S_time ? (mr.time[k0 + (size_t)k] + sc->clock_start) / 3600.0 - 24.0 * (sc->repeat - 1)
                                    : ds_memory_at(&mr, k0 + (size_t)k, col, 0);
    }
    if (!st) {
        R.nmetric = sum.nmetric;
        for (int k = 0; k < sum.nmetric; k++) {
            snprintf(R.name[k], sizeof R.name[k], "%s", sum.metric[k].name);
            snprintf(R.unit[k], sizeof R.unit[k], "%s", sum.metric[k].unit);
            R.metric[arm][k] = sum.metric[k].value[0];
        }
        R.steps[arm] = (int)r.steps;
    }
    ds_summary_free(&sum);
    ds_memory_record_free(&mr);
    return st;
}

int page_run(int preset, double tone, double size, double gap, int grade, int massage_minute, int claimed)
{
    ds_error *err = &R.err;
    R.nrec = 0;
    if (check_settings(preset, tone, size, gap, grade, massage_minute, err))
        return -1;
    for (int arm = 0; arm < PAGE_ARMS; arm++) {
        ds_status st = arm_scenario(preset, tone, size, gap, grade, massage_minute, claimed, arm, &arm_sc, err);
        if (!st) {
            st = run_arm(arm, &arm_sc, err);
            ds_model_free(&arm_sc.model);
        }
        if (st) {
            R.nrec = 0;
            return -1;
        }
    }
    const page_preset *p = &page_presets[preset];
    R.session_h = (session_start(p, massage_minute) + p->clock_start) / 3600.0 - 24.0 * (p->repeat - 1);
    return 0;
}

const char *page_error(void) { return R.err.msg; }
int page_nrecords(void) { return R.nrec; }
const double *page_series(int arm, int s)
{
    return R.nrec && arm >= 0 && arm < PAGE_ARMS && s >= 0 && s < PAGE_NSERIES ? R.series[arm][s] : NULL;
}
const char *page_series_key(int s) { return s >= 0 && s < PAGE_NSERIES ? series_key[s] : ""; }
int page_nmetrics(void) { return R.nrec ? R.nmetric : 0; }
const char *page_metric_name(int k) { return k >= 0 && k < R.nmetric ? R.name[k] : ""; }
const char *page_metric_unit(int k) { return k >= 0 && k < R.nmetric ? R.unit[k] : ""; }
double page_metric(int arm, int k) { return arm >= 0 && arm < PAGE_ARMS && k >= 0 && k < R.nmetric ? R.metric[arm][k] : NAN; }
int page_steps(int arm) { return arm >= 0 && arm < PAGE_ARMS ? R.steps[arm] : 0; }
double page_session_start(void) { return R.session_h; }

/* ---- presets and tables ---- */

static const page_preset *preset_at(int k) { return k >= 0 && k < page_npresets ? &page_presets[k] : NULL; }
static const ds_model *table_model(void) /* the model's tables: the same in every preset */
{
    static ds_model m;
    static int made;
    if (!made && page_npresets > 0)
        preset_tables(&page_presets[0], &m), made = 1;
    return &m;
}

int page_npreset(void) { return page_npresets; }
const char *page_preset_key(int k) { return preset_at(k) ? preset_at(k)->key : ""; }
const char *page_preset_name(int k) { return preset_at(k) ? preset_at(k)->name : ""; }
double page_preset_clock(int k) { return preset_at(k) ? preset_at(k)->clock_start / 3600.0 : NAN; }
int page_nthreshold(void) { return table_model()->nthreshold; }
const char *page_threshold_name(int k)
{
    return k >= 0 && k < page_nthreshold() ? table_model()->threshold[k].name : "";
}
double page_threshold_mmhg(int k) { return k >= 0 && k < page_nthreshold() ? table_model()->threshold[k].mmHg : NAN; }
double page_default_gap(void) { return table_model()->hern.gap[DS_PARACENTRAL]; }
double page_root_diameter(void) { return table_model()->hern.root_diameter; }

/* ---- the same settings as a scenario file ---- */

/* The shortest text strtod reads back as v, so the file holds the page's very number. */
static const char *num(char *buf, size_t size, double v)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

const char *page_scenario_yaml(int preset, double tone, double size, double gap, int grade, int minute, int claimed)
{
    static char *out;
    ds_error err;
    if (check_settings(preset, tone, size, gap, grade, minute, &err))
        return "";
    const page_preset *p = &page_presets[preset];
    const size_t cap = strlen(p->yaml) + 2048;
    char *b = realloc(out, cap), a[32], c[32], d[32], at[32];
    if (!b)
        return "";
    out = b;
    int n = snprintf(b, cap, "%s", p->yaml);
    n += snprintf(b + n, cap - (size_t)n,
                  "\n# The teaching page's settings (its \"copy as scenario\"): run with\n"
                  "#   discsim run THIS_FILE.yaml -o out.h5\n"
                  "parameters:\n  muscles:\n");
    for (int k = 0; k < NPARA; k++)
        n += snprintf(b + n, cap - (size_t)n, "    %s: {tone: %s}\n", paraspinals[k], num(a, sizeof a, tone));
    n += snprintf(b + n, cap - (size_t)n,
                  "herniation: {level: L4L5, side: left, type: paracentral, size: %smm, gap: %smm, degeneration: %d}\n",
                  num(c, sizeof c, size), num(d, sizeof d, gap), grade);
    n += snprintf(b + n, cap - (size_t)n,
                  "arms:\n  control:\n  massage:\n    interventions:\n"
                  "      - {type: massage, at: \"%s\", duration: %dmin, groups: [%s, %s]",
                  session_at(p, minute, at, sizeof at), SESSION_S / 60, paraspinals[0], paraspinals[1]);
    if (claimed) /* claim_effect's numbers */
        n += snprintf(b + n, cap - (size_t)n,
                      ",\n         tone_reduction: 0.5, passive_reduction: 0.2, onset: 5min, decay: 1h,\n"
                      "         passive_onset: 5min, passive_decay: 1h");
    snprintf(b + n, cap - (size_t)n, "}\n");
    return b;
}
