/* The scenario driver: phases, ramps and massage sessions as hard stops, records by dense
 * output into a sink, and subjects that fail set aside while the others go on. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "discsim/run.h"
#include "physics/spine.h"
#include "series.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* How long a massage reaches: its effect is exactly nil beyond 40 decay times. A breakpoint
 * must not depend on who shares the batch, so the stop uses the session's own decay
 * (slowest = 0); whether loads follow the massage in an interval uses the slowest subject's
 * clock (slowest = 1): for the others the effect is then exactly nil and the loads the same
 * to the bit either way. */
static double reach(const ds_scenario *sc, const ds_session *s, int slowest)
{
    double f = 1.0;
    for (int l = 0; slowest && l < sc->nsubj; l++)
        f = sc->model.lane[DS_LP_massage_time][l] > f ? sc->model.lane[DS_LP_massage_time][l] : f;
    return ds_session_reach(s, f);
}

/* Breakpoints of a run: phase starts, ramp ends, massage starts and ends, and the end of
 * each massage's reach. */
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
        b[k++] = reach(sc, s, 0);
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

/* Everything one run holds. */
typedef struct {
    const ds_scenario *sc;
    const ds_model *m;
    const ds_record_sink *sink;
    ds_summary *sum;
    ds_run_result *res;
    ds_data d;
    ds_evolver *ev;
    ds_series_list sl;
    double *xr, *rec, *bp, *fail_time;
    unsigned char *failed;
    char (*fail_what)[DS_FAILURE_TEXT];
    int nbp, hl;
    int summary_only;
} run_ctx;

/* Observes the state x at time tr and hands the record to the sink and the summary; a
 * failed subject's values are NaN from its failure on. */
static ds_status record_at(run_ctx *c, double tr, const double *x, ds_error *err)
{
    const ds_model *m = c->m;
    const int n = c->sc->nsubj;
    const size_t S = (size_t)m->stride;
    ds_spine_observe(m, &c->d, tr, x);
    if (!c->summary_only) { /* summaries need the outputs, not the series */
        ds_series_gather(&c->sl, m, &c->d, n, c->rec);
        for (int l = 0; l < n; l++)
            if (c->failed[l] && tr > c->fail_time[l])
                for (int s = 0; s < c->sl.n; s++)
                    c->rec[(size_t)s * n + l] = NAN;
    }
    if (c->sink && c->sink->record && !c->summary_only) {
        ds_status st = c->sink->record(c->sink->ctx, tr, c->rec, err);
        if (st)
            return st;
    }
    if (c->sum) {
        const double *o = c->d.out + (size_t)c->hl * DS_NLEVEL_OUTPUTS * S;
        ds_summary_add(c->sum, tr, c->d.root + (size_t)DS_ROOT_contact_pressure_mmHg * S,
                       c->d.root + (size_t)DS_ROOT_protrusion * S, o + (size_t)DS_OUT_pressure * S,
                       o + (size_t)DS_OUT_height * S);
    }
    c->res->nrecords++;
    return DS_OK;
}

/* After an advance that reported failed lanes: each newly failed subject is set aside with
 * its time, variable, reason, phase and posture; the run goes on while any subject is left.
 * Returns DS_ERR_NUMERIC (with the evolver's message and the phase) when none is. */
static ds_status set_aside(run_ctx *c, int phase, ds_error *err)
{
    const ds_scenario *sc = c->sc;
    const unsigned char *status = ds_evolver_lane_status(c->ev);
    const char *posture = c->m->posture[sc->phase[phase].posture].name;
    int left = 0;
    for (int l = 0; l < sc->nsubj; l++) {
        if (status[l] != DS_LANE_OK && !c->failed[l]) {
            const char *var;
            c->failed[l] = 1;
            c->fail_time[l] = ds_evolver_failure(c->ev, l, &var);
            snprintf(c->fail_what[l], sizeof c->fail_what[l], "%s: %s (phase %d, posture %s)", var,
                     ds_lane_status_text(status[l]), phase + 1, posture);
            if (c->res->nfailed++ == 0)
                snprintf(c->res->failure, sizeof c->res->failure, "%.400s: subject %d failed at t = %.6g s (%.4f h): %s",
                         sc->path, l, c->fail_time[l], c->fail_time[l] / 3600.0, c->fail_what[l]);
        }
        left += !c->failed[l];
    }
    if (left > 0)
        return DS_OK;
    char msg[DS_ERROR_MSG_LEN];
    snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
    return ds_fail(err, DS_ERR_NUMERIC, "%s: %s (phase %d, posture %s)", sc->path, msg, phase + 1, posture);
}

/* One interval between breakpoints [a, b]: its load segment, then steps and records. */
static ds_status interval(run_ctx *c, int j, long *irec, const ds_run_opts *opts, double *last_print, ds_error *err)
{
    const ds_scenario *sc = c->sc;
    const double a = c->bp[j], b = c->bp[j + 1], T = ds_scenario_duration(sc), dtr = sc->record_interval;
    const double tiny = 1e-9 * (T > 1.0 ? T : 1.0);
    int k = 0;
    double t_ph = 0.0;
    const ds_posture_params *prev = &sc->initial;
    phase_at(sc, a, &k, &t_ph, &prev);
    ds_load_segment *seg = &c->d.seg;
    const int in_ramp = a < t_ph + sc->ramp - tiny;
    seg->pa = in_ramp ? *prev : sc->phase[k].p;
    seg->pb = sc->phase[k].p;
    seg->t0 = in_ramp ? t_ph : a;
    seg->t1 = in_ramp ? t_ph + sc->ramp : a;
    seg->dynamic = 0;
    for (int q = 0; q < sc->nsession; q++) {
        const ds_session *s = &sc->session[q];
        if (s->start < b - tiny && reach(sc, s, 1) > a + tiny)
            seg->dynamic = 1;
    }
    if (!seg->dynamic) {
        ds_posture_loads(c->m, &seg->pa, &seg->from);
        ds_posture_loads(c->m, &seg->pb, &seg->to);
    }
    ds_status st;
    for (;;) {
        double tr = (double)*irec * dtr;
        if (tr > b + tiny)
            break;
        if (tr > b)
            tr = b;
        if (ds_evolver_advance(c->ev, tr, b, err) && (st = set_aside(c, k, err)))
            return st;
        ds_evolver_interp(c->ev, tr, c->xr);
        if ((st = record_at(c, tr, c->xr, err)))
            return st;
        (*irec)++;
        if (opts && opts->progress)
            progress(tr, T, last_print);
    }
    if (ds_evolver_advance(c->ev, b, b, err) && (st = set_aside(c, k, err)))
        return st;
    return DS_OK;
}

static void sum_stats(const ds_scenario *sc, const ds_lane_stats *stt, ds_run_result *res)
{
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
}

static ds_status setup(run_ctx *c, ds_error *err)
{
    const ds_scenario *sc = c->sc;
    const ds_model *m = c->m;
    const double T = ds_scenario_duration(sc);
    ds_status st;
    if ((st = ds_data_create(m, &c->d, err)))
        return st;
    ds_system sys;
    ds_spine_system(m, &c->d, &sys);
    if ((st = ds_evolver_create(&sys, &sc->solver, &c->ev, err)) || (st = ds_series_make(sc, &c->sl, err)))
        return st;
    c->xr = malloc((size_t)c->d.nx * m->stride * sizeof(double));
    c->rec = malloc((size_t)(c->sl.n ? c->sl.n : 1) * sc->nsubj * sizeof(double));
    c->fail_time = malloc((size_t)sc->nsubj * sizeof(double));
    c->failed = calloc((size_t)sc->nsubj, 1);
    c->fail_what = calloc((size_t)sc->nsubj, sizeof *c->fail_what);
    c->bp = breakpoints(sc, T, &c->nbp);
    if (!c->xr || !c->rec || !c->bp || !c->fail_time || !c->failed || !c->fail_what)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int l = 0; l < sc->nsubj; l++)
        c->fail_time[l] = NAN;
    c->d.seg.sessions = sc->session;
    c->d.seg.nsession = sc->nsession;
    c->hl = m->site.enabled ? m->site.level : 0;
    if (c->sum && (st = ds_summary_init(c->sum, m, sc->nsubj, sc->summary_from, sc->summary_to < 0 ? T : sc->summary_to,
                                        err)))
        return st;
    /* start: drained equilibrium in the initial posture */
    ds_posture_loads(m, &sc->initial, &c->d.seg.from);
    ds_posture_load_copy(m, &c->d.seg.to, &c->d.seg.from);
    c->d.seg.t0 = c->d.seg.t1 = 0.0;
    if ((st = ds_spine_equilibrium(m, c->d.seg.to.load, c->d.seg.to.act, c->d.x, err)))
        return st;
    ds_evolver_reset(c->ev, 0.0, c->d.x);
    return DS_OK;
}

/* Hands the finished stream to the sink: statistics, failures and summaries. */
static ds_status finish(run_ctx *c, const char *prefix, double wall0, ds_error *err)
{
    const ds_scenario *sc = c->sc;
    if (c->sum) {
        ds_summary_finish(c->sum);
        for (int l = 0; l < sc->nsubj; l++) /* a failed subject's metrics cover part of the window */
            for (int q = 0; c->failed[l] && q < c->sum->nmetric; q++)
                c->sum->metric[q].value[l] = NAN;
    }
    sum_stats(sc, ds_evolver_stats(c->ev), c->res);
    c->res->wall_time = now() - wall0;
    if (!c->sink || !c->sink->end)
        return DS_OK;
    ds_run_report rep = {.sc = sc,
                         .stats = ds_evolver_stats(c->ev),
                         .sum = c->sum,
                         .nfailed = c->res->nfailed,
                         .failed = c->failed,
                         .fail_time = c->fail_time,
                         .fail_what = (const char(*)[DS_FAILURE_TEXT])c->fail_what,
                         .wall_time = c->res->wall_time};
    return c->sink->end(c->sink->ctx, prefix, &rep, err);
}

ds_status ds_run_stream(const ds_scenario *sc, const ds_record_sink *sink, const char *prefix, const ds_run_opts *opts,
                        ds_run_result *res, ds_summary *sum, ds_error *err)
{
    const double wall0 = now();
    memset(res, 0, sizeof *res);
    run_ctx c = {.sc = sc, .m = &sc->model, .sink = sink, .sum = sum, .res = res, .summary_only = opts && opts->summary_only};
    ds_status st = setup(&c, err);
    if (!st && sink && sink->begin)
        st = sink->begin(sink->ctx, prefix, sc->nsubj, c.summary_only ? 0 : c.sl.n, c.sl.desc, err);
    if (!st)
        st = record_at(&c, 0.0, c.d.x, err);
    long irec = 1;
    double last_print = 0.0;
    for (int j = 0; !st && j + 1 < c.nbp; j++)
        st = interval(&c, j, &irec, opts, &last_print, err);
    if (!st && opts && opts->progress)
        progress(ds_scenario_duration(sc), ds_scenario_duration(sc), &last_print);
    if (!st)
        st = finish(&c, prefix, wall0, err);
    ds_evolver_free(c.ev);
    ds_data_free(&c.d);
    ds_series_free(&c.sl);
    free(c.xr);
    free(c.rec);
    free(c.bp);
    free(c.fail_time);
    free(c.failed);
    free(c.fail_what);
    return st;
}
