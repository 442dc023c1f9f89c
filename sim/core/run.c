/* The scenario driver: phases and ramps as hard stops, records by dense output, HDF5 as
 * the run goes. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "discsim/discsim.h"
#include "physics/spine.h"

#ifndef DS_VERSION
#define DS_VERSION "0.0.0"
#endif
#include "ds_git_commit.h" /* generated at build time */

const char *ds_version(void) { return DS_VERSION; }
const char *ds_git_commit(void) { return DS_GIT_COMMIT; }

void ds_init(void) { gsl_set_error_handler_off(); }

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    ds_series_desc *desc;
    char (*paths)[96];
    int n;
} series_list;

/* Recorded series: per level the chosen outputs, then per muscle group and level it
 * crosses its activation and force. src[] says where each value is found in d. */
typedef struct {
    int kind;  /* 0 level output, 1 muscle activation, 2 muscle force, 3 root output, 4 tone */
    int level; /* index 0..nlevel-1 */
    int which; /* output id or group */
} series_src;

static ds_status make_series(const ds_scenario *sc, series_list *sl, series_src **src, ds_error *err)
{
    const ds_model *m = &sc->model;
    int n = sc->nlevel * sc->nrecord;
    if (sc->record_muscles) {
        for (int g = 0; g < m->ngroup; g++)
            for (int i = 0; i < m->nlevel; i++)
                n += 2 * m->group[g].crosses[m->level_id[i]];
        n += m->ngroup; /* tone */
    }
    if (m->site.enabled)
        n += DS_NROOT_OUTPUTS;
    sl->n = n;
    sl->desc = calloc((size_t)n, sizeof *sl->desc);
    sl->paths = calloc((size_t)n, sizeof *sl->paths);
    *src = calloc((size_t)n, sizeof **src);
    if (!sl->desc || !sl->paths || !*src)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    int s = 0;
    for (int i = 0; i < sc->nlevel; i++)
        for (int k = 0; k < sc->nrecord; k++, s++) {
            int v = sc->record[k];
            snprintf(sl->paths[s], sizeof sl->paths[s], "/levels/%s/%s", ds_level_names[sc->level_id[i]],
                     ds_level_output_names[v]);
            sl->desc[s] = (ds_series_desc){sl->paths[s], ds_level_output_units[v], ds_level_output_descs[v]};
            (*src)[s] = (series_src){0, i, v};
        }
    if (sc->record_muscles)
        for (int g = 0; g < m->ngroup; g++)
            for (int i = 0; i < m->nlevel; i++) {
                if (!m->group[g].crosses[m->level_id[i]])
                    continue;
                for (int k = 1; k <= 2; k++, s++) {
                    snprintf(sl->paths[s], sizeof sl->paths[s], "/muscles/%s/%s/%s", m->group[g].name,
                             ds_level_names[m->level_id[i]], k == 1 ? "activation" : "force");
                    sl->desc[s] = k == 1 ? (ds_series_desc){sl->paths[s], "1",
                                                            "activation at this level, fraction of maximum voluntary "
                                                            "contraction (tone + task)"}
                                         : (ds_series_desc){sl->paths[s], "N",
                                                            "force of the group (both sides) at this level, active + "
                                                            "passive"};
                    (*src)[s] = (series_src){k, i, g};
                }
            }
    if (sc->record_muscles)
        for (int g = 0; g < m->ngroup; g++, s++) {
            snprintf(sl->paths[s], sizeof sl->paths[s], "/muscles/%s/tone", m->group[g].name);
            sl->desc[s] = (ds_series_desc){sl->paths[s], "1",
                                           "tone: the floor of activation, fraction of maximum voluntary contraction "
                                           "(massage lowers it)"};
            (*src)[s] = (series_src){4, 0, g};
        }
    if (m->site.enabled)
        for (int k = 0; k < DS_NROOT_OUTPUTS; k++, s++) {
            snprintf(sl->paths[s], sizeof sl->paths[s], "/root/%s", ds_root_output_names[k]);
            sl->desc[s] = (ds_series_desc){sl->paths[s], ds_root_output_units[k], ds_root_output_descs[k]};
            (*src)[s] = (series_src){3, 0, k};
        }
    return DS_OK;
}

static ds_status write_meta(ds_h5_writer *w, const char *prefix, const ds_scenario *sc, const ds_evolver *ev,
                            double wall, ds_error *err)
{
    char meta[256], solver[300], path[400];
    snprintf(meta, sizeof meta, "%s/meta", prefix);
    snprintf(solver, sizeof solver, "%s/meta/solver", prefix);
    const ds_model *m = &sc->model;
    const ds_method *meth = ds_method_get(sc->solver.method);
    ds_status st;
#define TRY(x)                                                                                                         \
    do {                                                                                                               \
        if ((st = (x)))                                                                                                \
            return st;                                                                                                 \
    } while (0)
    TRY(ds_h5_attr_string(w, meta, "scenario_name", sc->name, err));
    TRY(ds_h5_attr_string(w, meta, "scenario_file", sc->path, err));
    TRY(ds_h5_attr_string(w, meta, "model_name", m->name, err));
    TRY(ds_h5_attr_string(w, meta, "model_file", m->path, err));
    TRY(ds_h5_attr_string(w, meta, "program", "discsim", err));
    TRY(ds_h5_attr_string(w, meta, "program_version", ds_version(), err));
    TRY(ds_h5_attr_string(w, meta, "git_commit", ds_git_commit(), err));
    TRY(ds_h5_attr_string(w, meta, "variant", m->variant == DS_QUASI_STATIC ? "quasi_static" : "inertial", err));
    TRY(ds_h5_attr_string(w, meta, "units", "mm, N, s, MPa, tonne", err));
    TRY(ds_h5_attr_int64(w, meta, "seed", (int64_t)sc->seed, err));
    TRY(ds_h5_attr_int64(w, meta, "subjects", sc->nsubj, err));
    TRY(ds_h5_attr_double(w, meta, "wall_time_s", wall, err));
    TRY(ds_h5_attr_double(w, meta, "clock_start_s", sc->clock_start, err));
    if (m->nthreshold > 0) {
        double thr[DS_MAX_THRESHOLDS];
        char names[DS_MAX_THRESHOLDS * (DS_NAME_LEN + 1) + 1] = "";
        for (int k = 0; k < m->nthreshold; k++) {
            thr[k] = m->threshold[k].mmHg;
            strcat(names, m->threshold[k].name);
            strcat(names, "\n");
        }
        size_t td[1] = {(size_t)m->nthreshold};
        snprintf(path, sizeof path, "%s/thresholds", meta);
        TRY(ds_h5_write_doubles(w, path, 1, td, thr, "mmHg", "root compression thresholds of the model", err));
        snprintf(path, sizeof path, "%s/threshold_names", meta);
        TRY(ds_h5_write_text(w, path, names, "names of the thresholds, one per line", err));
    }
    if (m->site.enabled) {
        const ds_herniation_site *hs = &m->site;
        snprintf(path, sizeof path, "%s/herniation", meta);
        TRY(ds_h5_attr_string(w, path, "level", ds_level_names[m->level_id[hs->level]], err));
        TRY(ds_h5_attr_string(w, path, "type", hs->type == DS_FORAMINAL ? "foraminal" : "paracentral", err));
        TRY(ds_h5_attr_string(w, path, "side", hs->side ? "right" : "left", err));
        TRY(ds_h5_attr_double(w, path, "size_mm", hs->size, err));
        TRY(ds_h5_attr_double(w, path, "gap_mm", hs->gap, err));
        TRY(ds_h5_attr_double(w, path, "reference_height_mm", hs->h_ref, err));
        TRY(ds_h5_attr_int64(w, path, "pfirrmann_grade", hs->grade, err));
    }
    snprintf(path, sizeof path, "%s/scenario_text", meta);
    TRY(ds_h5_write_text(w, path, sc->text, "the scenario file as given", err));
    snprintf(path, sizeof path, "%s/overrides", meta);
    TRY(ds_h5_write_text(w, path, sc->overrides, "--set key=value and arm overrides, one per line", err));

    TRY(ds_h5_attr_string(w, solver, "method", meth->name, err));
    TRY(ds_h5_attr_string(w, solver, "method_description", meth->description, err));
    TRY(ds_h5_attr_double(w, solver, "rtol", sc->solver.rtol, err));
    TRY(ds_h5_attr_double(w, solver, "atol", sc->solver.atol, err));
    TRY(ds_h5_attr_double(w, solver, "fixed_step_s", sc->solver.h_fixed, err));
    const ds_lane_stats *stt = ds_evolver_stats(ev);
    size_t dims[1] = {(size_t)sc->nsubj};
#define DS_X_WRITE(f, u, dsc)                                                                                          \
    snprintf(path, sizeof path, "%s/" #f, solver);                                                                    \
    TRY(ds_h5_write_int64s(w, path, 1, dims, stt->f, u, dsc, err));
    DS_STATS_FIELDS(DS_X_WRITE)
#undef DS_X_WRITE
    snprintf(path, sizeof path, "%s/h_min", solver);
    TRY(ds_h5_write_doubles(w, path, 1, dims, stt->h_min, "s",
                            "smallest accepted step (steps shortened to land on a phase boundary excluded)", err));

    /* compiled parameters, per level and subject */
    double *buf = malloc((size_t)sc->nsubj * sizeof(double));
    if (!buf)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int i = 0; i < m->nlevel && !st; i++)
        for (int k = 0; k < DS_NDISC_PARAMS && !st; k++) {
            snprintf(path, sizeof path, "%s/parameters/%s/%s", meta, ds_level_names[m->level_id[i]], ds_disc_param_keys[k]);
            memcpy(buf, m->par[k] + (size_t)i * m->stride, (size_t)sc->nsubj * sizeof(double));
            st = ds_h5_write_doubles(w, path, 1, dims, buf, ds_disc_param_units[k], ds_disc_param_descs[k], err);
        }
    free(buf);
    if (st)
        return st;

    /* the timeline as run, for plots that shade phases */
    int np = sc->nphase * sc->repeat;
    double *se = malloc((size_t)np * 2 * sizeof(double));
    size_t tl = 1;
    for (int k = 0; k < sc->nphase; k++)
        tl += strlen(m->posture[sc->phase[k].posture].name) + 1;
    char *names = malloc(tl * (size_t)sc->repeat + 1);
    if (!se || !names) {
        free(se);
        free(names);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    }
    double t = 0.0;
    names[0] = '\0';
    for (int r = 0, j = 0; r < sc->repeat; r++)
        for (int k = 0; k < sc->nphase; k++, j++) {
            se[2 * j] = t;
            t += sc->phase[k].duration;
            se[2 * j + 1] = t;
            strcat(names, m->posture[sc->phase[k].posture].name);
            strcat(names, "\n");
        }
    size_t pd[2] = {(size_t)np, 2};
    snprintf(path, sizeof path, "%s/timeline/phase_span", meta);
    st = ds_h5_write_doubles(w, path, 2, pd, se, "s", "start and end of each phase", err);
    snprintf(path, sizeof path, "%s/timeline/phase_posture", meta);
    if (!st)
        st = ds_h5_write_text(w, path, names, "posture of each phase, one per line", err);
    if (!st && sc->nsession > 0) {
        double *ms = malloc((size_t)sc->nsession * 2 * sizeof(double));
        if (!ms)
            st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
        for (int k = 0; ms && k < sc->nsession; k++) {
            ms[2 * k] = sc->session[k].start;
            ms[2 * k + 1] = sc->session[k].start + sc->session[k].duration;
        }
        size_t md[2] = {(size_t)sc->nsession, 2};
        snprintf(path, sizeof path, "%s/timeline/massage_span", meta);
        if (!st)
            st = ds_h5_write_doubles(w, path, 2, md, ms, "s", "start and end of each massage session", err);
        free(ms);
    }
    free(se);
    free(names);
    return st;
#undef TRY
}

static void progress(double t, double T, double *last_print)
{
    double w = now();
    if (w - *last_print < 0.2 && t < T)
        return;
    *last_print = w;
    fprintf(stderr, "\r[discsim] t = %8.2f h of %.2f h (%3.0f%%)", t / 3600.0, T / 3600.0, 100.0 * t / T);
    if (t >= T)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Breakpoints of a run: phase starts, ramp ends, massage starts and ends, and the end of
 * each massage's reach (its effect is exactly nil beyond 40 decay times). */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double *breakpoints(const ds_scenario *sc, double T, int *n)
{
    size_t cap = 2 + 2 * (size_t)sc->nphase * sc->repeat + 3 * (size_t)sc->nsession;
    double *b = malloc(cap * sizeof *b);
    if (!b)
        return NULL;
    int k = 0;
    double t = 0.0;
    b[k++] = 0.0;
    b[k++] = T;
    for (int r = 0; r < sc->repeat; r++)
        for (int p = 0; p < sc->nphase; p++) {
            b[k++] = t;
            b[k++] = t + sc->ramp;
            t += sc->phase[p].duration;
        }
    for (int q = 0; q < sc->nsession; q++) {
        const ds_session *s = &sc->session[q];
        b[k++] = s->start;
        b[k++] = s->start + s->duration;
        b[k++] = s->start + s->duration + 40.0 * s->decay;
    }
    qsort(b, (size_t)k, sizeof *b, cmp_double);
    int m = 0;
    for (int i = 0; i < k; i++)
        if (b[i] >= 0.0 && b[i] <= T && (m == 0 || b[i] > b[m - 1] + 1e-9 * (T > 1 ? T : 1)))
            b[m++] = b[i];
    *n = m;
    return b;
}

/* Phase (over repeats) holding time a: its start, and the posture before it. */
static void phase_at(const ds_scenario *sc, double a, int *k, double *start, const ds_posture_params **prev)
{
    double t = 0.0;
    const ds_posture_params *pv = &sc->initial;
    const double tiny = 1e-9;
    for (int r = 0; r < sc->repeat; r++)
        for (int p = 0; p < sc->nphase; p++) {
            double end = t + sc->phase[p].duration;
            if (a < end - tiny || (r == sc->repeat - 1 && p == sc->nphase - 1)) {
                *k = p;
                *start = t;
                *prev = pv;
                return;
            }
            pv = &sc->phase[p].p;
            t = end;
        }
}

ds_status ds_run_stream(const ds_scenario *sc, ds_h5_writer *w, const char *prefix, const ds_run_opts *opts,
                        ds_run_result *res, ds_summary *sum, ds_error *err)
{
    const ds_model *m = &sc->model;
    const double wall0 = now();
    memset(res, 0, sizeof *res);
    ds_data d;
    ds_status st = ds_data_create(m, &d, err);
    if (st)
        return st;
    ds_system sys;
    ds_spine_system(m, &d, &sys);
    ds_evolver *ev = NULL;
    series_list sl = {0};
    series_src *src = NULL;
    double *xr = NULL, *rec = NULL, *bp = NULL;
    int nbp = 0;
    const double T = ds_scenario_duration(sc), dtr = sc->record_interval;
    const double tiny = 1e-9 * (T > 1.0 ? T : 1.0);
    if ((st = ds_evolver_create(&sys, &sc->solver, &ev, err)))
        goto fail;
    if ((st = make_series(sc, &sl, &src, err)))
        goto fail;
    xr = malloc((size_t)d.nx * m->stride * sizeof(double));
    rec = malloc((size_t)(sl.n ? sl.n : 1) * sc->nsubj * sizeof(double));
    bp = breakpoints(sc, T, &nbp);
    if (!xr || !rec || !bp) {
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    d.seg.sessions = sc->session;
    d.seg.nsession = sc->nsession;
    if (sum && (st = ds_summary_init(sum, m, sc->nsubj, sc->summary_from, sc->summary_to < 0 ? T : sc->summary_to, err)))
        goto fail;

    /* start: drained equilibrium in the initial posture */
    ds_posture_loads(m, &sc->initial, &d.seg.from);
    ds_posture_load_copy(m, &d.seg.to, &d.seg.from);
    d.seg.t0 = d.seg.t1 = 0.0;
    if ((st = ds_spine_equilibrium(m, d.seg.to.load, d.seg.to.act, d.x, err)))
        goto fail;
    ds_evolver_reset(ev, 0.0, d.x);
    if (w && (st = ds_h5_stream(w, prefix, sl.n, sl.desc, err)))
        goto fail;

    const int hl = m->site.enabled ? m->site.level : 0;
    long irec = 0;
    double last_print = 0.0;
#define RECORD_AT(tr, x)                                                                                               \
    do {                                                                                                               \
        ds_spine_observe(m, &d, (tr), (x));                                                                           \
        for (int s_ = 0; s_ < sl.n; s_++) {                                                                            \
            const series_src *q_ = &src[s_];                                                                           \
            const double *from_ =                                                                                      \
                q_->kind == 0   ? d.out + ((size_t)q_->level * DS_NLEVEL_OUTPUTS + (size_t)q_->which) * m->stride      \
                : q_->kind == 3 ? d.root + (size_t)q_->which * m->stride                                               \
                : q_->kind == 4 ? d.mtone + (size_t)q_->which * m->stride                                              \
                                : (q_->kind == 1 ? d.mact : d.mforce) +                                                \
                                      ((size_t)q_->which * m->nlevel + (size_t)q_->level) * m->stride;                 \
            memcpy(rec + (size_t)s_ * sc->nsubj, from_, (size_t)sc->nsubj * sizeof(double));                          \
        }                                                                                                              \
        if (w && (st = ds_h5_append(w, (tr), rec, err)))                                                               \
            goto fail;                                                                                                 \
        if (sum) {                                                                                                     \
            const double *o_ = d.out + (size_t)hl * DS_NLEVEL_OUTPUTS * m->stride;                                     \
            ds_summary_add(sum, (tr), d.root + (size_t)DS_ROOT_contact_pressure_mmHg * m->stride,                     \
                           d.root + (size_t)DS_ROOT_protrusion * m->stride,                                          \
                           o_ + (size_t)DS_OUT_pressure * m->stride, o_ + (size_t)DS_OUT_height * m->stride);         \
        }                                                                                                              \
        res->nrecords++;                                                                                               \
    } while (0)

    RECORD_AT(0.0, d.x);
    irec = 1;
    for (int j = 0; j + 1 < nbp; j++) {
        const double a = bp[j], b = bp[j + 1];
        int k = 0;
        double t_ph = 0.0;
        const ds_posture_params *prev = &sc->initial;
        phase_at(sc, a, &k, &t_ph, &prev);
        const int in_ramp = a < t_ph + sc->ramp - tiny;
        d.seg.pa = in_ramp ? *prev : sc->phase[k].p;
        d.seg.pb = sc->phase[k].p;
        d.seg.t0 = in_ramp ? t_ph : a;
        d.seg.t1 = in_ramp ? t_ph + sc->ramp : a;
        d.seg.dynamic = 0;
        for (int q = 0; q < sc->nsession; q++) {
            const ds_session *s = &sc->session[q];
            if (s->start < b - tiny && s->start + s->duration + 40.0 * s->decay > a + tiny)
                d.seg.dynamic = 1;
        }
        if (!d.seg.dynamic) {
            ds_posture_loads(m, &d.seg.pa, &d.seg.from);
            ds_posture_loads(m, &d.seg.pb, &d.seg.to);
        }
        for (;;) {
            double tr = (double)irec * dtr;
            if (tr > b + tiny)
                break;
            if (tr > b)
                tr = b;
            if ((st = ds_evolver_advance(ev, tr, b, err)))
                goto diverged;
            ds_evolver_interp(ev, tr, xr);
            RECORD_AT(tr, xr);
            irec++;
            if (opts->progress)
                progress(tr, T, &last_print);
        }
        if ((st = ds_evolver_advance(ev, b, b, err)))
            goto diverged;
        continue;
    diverged: {
        char msg[DS_ERROR_MSG_LEN];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        ds_fail(err, st, "%s: %s (phase %d, posture %s)", sc->path, msg, k + 1, m->posture[sc->phase[k].posture].name);
        goto fail;
    }
    }
    if (opts->progress)
        progress(T, T, &last_print);
    if (sum)
        ds_summary_finish(sum);

    const ds_lane_stats *stt = ds_evolver_stats(ev);
    res->h_min = INFINITY;
    for (int l = 0; l < sc->nsubj; l++) {
        res->steps += stt->steps[l];
        res->rejected += stt->rejected[l];
        res->rhs_evals += stt->rhs_evals[l];
        res->jac_evals += stt->jac_evals[l];
        res->newton_iters += stt->newton_iters[l];
        res->newton_fails += stt->newton_fails[l];
        if (stt->h_min[l] < res->h_min)
            res->h_min = stt->h_min[l];
    }
    res->wall_time = now() - wall0;
    if (w && (st = write_meta(w, prefix, sc, ev, res->wall_time, err)))
        goto fail;
    if (w && sum) {
        size_t dims[1] = {(size_t)sc->nsubj};
        for (int q = 0; q < sum->nmetric && !st; q++) {
            char path[300];
            snprintf(path, sizeof path, "%s/summary/%s", prefix, sum->metric[q].name);
            st = ds_h5_write_doubles(w, path, 1, dims, sum->metric[q].value, sum->metric[q].unit,
                                     sum->metric[q].description, err);
        }
        if (!st) {
            char path[300], text[200];
            snprintf(path, sizeof path, "%s/summary", prefix);
            snprintf(text, sizeof text, "from %g s to %g s; nucleus metrics at level %s", sum->from, sum->to,
                     ds_level_names[m->level_id[hl]]);
            st = ds_h5_attr_string(w, path, "window", text, err);
        }
    }
fail:
    ds_evolver_free(ev);
    ds_data_free(&d);
    free(sl.desc);
    free(sl.paths);
    free(src);
    free(xr);
    free(rec);
    free(bp);
    return st;
#undef RECORD_AT
}

ds_status ds_run(const ds_scenario *sc, const ds_run_opts *opts, ds_run_result *res, ds_error *err)
{
    ds_h5_writer *w = NULL;
    ds_summary sum;
    memset(&sum, 0, sizeof sum);
    ds_status st = DS_OK;
    if (opts->out_path && ((st = ds_scenario_check_output(sc, opts->out_path, err)) ||
                           (st = ds_h5_open(opts->out_path, sc->nsubj, &w, err))))
        return st;
    st = ds_run_stream(sc, w, "", opts, res, &sum, err);
    if (!st && w)
        st = ds_h5_finish(w, err);
    else
        ds_h5_abort(w);
    ds_summary_free(&sum);
    return st;
}
