/* The scenario driver: phases, ramps and massage sessions as hard stops, records by dense
 * output into a sink, and subjects that fail set aside while the others go on.
 *
 * The subjects are run in blocks of lanes (ds_run_opts.block), each with its own model
 * copy, data and integrator: every block advances to the next record time (on threads when
 * the caller gives a parallel loop; the core itself has none), then the record of all
 * subjects goes to the sink. A lane's arithmetic never depends on its companions, so the
 * numbers are the same to the bit whatever the block size and the threads. A cohort's
 * subjects fill the blocks in the order of subject_order.h: everything per subject here is
 * held by run position (checkpoints and other processes see positions too), and the sink
 * and the caller get it in subject order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discsim/run.h"
#include "physics/spine.h"
#include "series.h"
#include "subject_order.h"
#include "discsim/clock.h"

#include <stdatomic.h>

/* The progress line on stderr: what runs (the stream's name: an arm, or "sweep"), how far,
 * and the time left at the pace so far. At most 5 lines a second, the last (100 %) once. */
typedef struct {
    const char *what;
    double start, last;
    int ended;
    atomic_int blocks_done; /* summaries only: blocks finished, on whichever thread */
} run_progress;

static double eta(const run_progress *p, double frac)
{
    return frac > 0.0 ? (ds_seconds() - p->start) * (1.0 - frac) / frac : 0.0;
}

static void progress(run_progress *p, double t, double T)
{
    double w = ds_seconds();
    if (p->ended || (w - p->last < 0.2 && t < T))
        return;
    p->last = w;
    p->ended = t >= T;
    fprintf(stderr, "\r[discsim] %s%st = %8.2f h of %.2f h (%3.0f%%), %.1f s %s ", p->what, *p->what ? ": " : "",
            t / 3600.0, T / 3600.0, 100.0 * t / T, p->ended ? w - p->start : eta(p, t / T), p->ended ? "in all" : "left");
    if (p->ended)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Summaries only, after a block finished on any thread: a line at every twentieth of the
 * blocks (a condition on the count alone, so no thread waits for another). */
static void progress_block(run_progress *p, int nblock)
{
    int k = atomic_fetch_add(&p->blocks_done, 1) + 1;
    if ((long)k * 20 / nblock == (long)(k - 1) * 20 / nblock)
        return;
    fprintf(stderr, "[discsim] %s%sblock %d of %d (%3.0f%%), %.1f s %s\n", p->what, *p->what ? ": " : "", k, nblock,
            100.0 * k / nblock, k == nblock ? ds_seconds() - p->start : eta(p, (double)k / nblock),
            k == nblock ? "in all" : "left");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* How long a massage reaches: its effect is exactly nil beyond 40 decay times. A breakpoint
 * must not depend on who shares the batch, so the stop uses the session's own decay
 * (slowest = 0); whether loads follow the massage in an interval uses the slowest subject's
 * clock in the block (slowest = 1): for the others the effect is then exactly nil and the
 * loads the same to the bit either way. */
static double reach(const ds_model *m, const ds_session *s, int slowest)
{
    double f = 1.0;
    for (int l = 0; slowest && l < m->nsubj; l++)
        f = m->lane[DS_LP_massage_time][l] > f ? m->lane[DS_LP_massage_time][l] : f;
    return ds_session_reach(s, f);
}

/* Times of a run of length T this close are one instant (a record within it of an interval's
 * end lands on the end: the driver's clock, next_record and ds_run_records). */
static double time_slack(double T) { return 1e-9 * (T > 1.0 ? T : 1.0); }

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
        b[k++] = reach(&sc->model, s, 0);
    }
    qsort(b, (size_t)k, sizeof *b, cmp_double);
    int m = 0;
    for (int i = 0; i < k; i++)
        if (b[i] >= 0.0 && b[i] <= T && (m == 0 || b[i] > b[m - 1] + time_slack(T)))
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

/* What a block does next: at the start of interval j (record < 0) set its loads; otherwise
 * advance to t, never past b, and record there if record > 0. */
typedef struct run_step {
    int j, phase, record;
    double t, b;
} run_step;

/* The distinct postures whose loads a block keeps (a day's timeline has a handful, met again
 * every day); more are computed at each use. */
enum { LOAD_CACHE = 16 };

/* One block of lanes: subjects l0 .. l0 + n - 1. */
typedef struct run_block {
    ds_model m;       /* the block's lanes of the scenario's model */
    int l0, n;
    ds_data d;
    ds_evolver *ev;
    double *xr;
    int dead;         /* every subject of the block failed: it is not stepped again */
    int npl;          /* postures whose loads are kept: pl_key[i]'s in pl[i] */
    ds_posture_params pl_key[LOAD_CACHE];
    ds_posture_load pl[LOAD_CACHE];
    ds_posture_load own_from, own_to; /* the data's own loads, where a massage's are made (a
                                         segment's fixed loads are read where they are kept) */
    ds_summary *sum;  /* where the block's records are summarised: the run's (its subjects at
                         l0) or, summaries only, own (at 0) */
    ds_summary own;   /* summaries only: the block's own accumulators */
    ds_status st;     /* an error of the block's work (not a failed subject) */
    ds_error err;
    double *sbuf;     /* series kept by the hooks: records not yet handed over, [record][series][n] */
    int nbuf;         /* records in sbuf */
    long rec0;        /* the first of them */
} run_block;

/* A block's place among the subjects and how its work ended. */
typedef struct {
    int l0, n, dead;
    ds_status st;
    char *msg; /* the error of st, allocated only then */
    int64_t attempts, slots; /* its lanes' attempted steps, its rounds x subjects (ran here) */
    int64_t rounds, most;    /* its rounds, and the attempts of its busiest lane */
    int64_t newton_iters, newton_slots; /* its lanes' Newton iterations, its Newton rounds x subjects */
} run_slot;

/* Block k's outcome into its slot (the message copied once, for the first error). */
static void settle(run_slot *s, const run_block *k)
{
    s->dead = k->dead;
    if (k->st && !s->st) {
        s->st = k->st;
        size_t len = strlen(k->err.msg) + 1;
        s->msg = malloc(len);
        if (s->msg)
            memcpy(s->msg, k->err.msg, len);
    }
}

/* Everything one run holds. */
typedef struct {
    const ds_scenario *sc;
    const ds_record_sink *sink;
    ds_summary *sum;
    ds_run_result *res;
    ds_series_list sl;
    double *rec, *bp, *fail_time;
    unsigned char *failed;
    char (*fail_what)[DS_FAILURE_TEXT];
    int nbp, hl, summary_only;
    int whole;      /* each block runs the whole timeline on its own (block_whole): summaries
                       only, or series kept by the hooks (put_records) */
    int chunk;      /* series kept by the hooks: records a block hands over at a time */
    double T;       /* the run's length, s (asked at every record: worked out once) */
    int sumrow[DS_SUMMARY_ROWS], nsumrow; /* the states the summaries' observation reads */
    int nblock;
    run_block *blk;   /* every block's work, while records wait for all of them (NULL when
                         blocks run whole: a block's work then lives only while it runs) */
    run_slot *slot;   /* every block's place and outcome, small whatever the cohort */
    const ds_run_opts *opts;
    ds_lane_stats stats;
    void *stats_mem;
    ds_block_results view; /* the arrays above, for checkpoints */
    run_progress *progress; /* NULL: no progress line */
    const char *prefix; /* the stream's, for the sink */
    int ahead;        /* the sink's ahead is called as the parallel loop's first item (whole_run) */
    ds_status ahead_st; /* and how it went: reported after the blocks, once the processes agree */
    ds_error ahead_err;
    int *order;       /* the subject at each run position (NULL: the same); see subject_order.h */
    double *rec_out;  /* with an order and series: the record in subject order, for the sink */
    int ordered;      /* the per-subject arrays above are in subject order (finish) */
} run_ctx;

/* Series kept by the hooks: block k's buffered records handed over. */
static void spill(run_ctx *c, run_block *k)
{
    const ds_block_hooks *h = c->opts->hooks;
    if (k->nbuf && !k->st)
        k->st = h->put_records(h->ctx, k->l0, k->n, k->rec0, k->nbuf, c->sl.n, k->sbuf, &k->err);
    k->rec0 += k->nbuf;
    k->nbuf = 0;
}

/* Observes block k's state x at time tr into the record and the summary; a failed
 * subject's values are NaN from its failure on. The record is the run's (its subjects'
 * columns) or, series kept by the hooks, the block's next in its buffer. */
static void record_block(run_ctx *c, run_block *k, double tr, const double *x)
{
    const size_t S = (size_t)k->m.stride;
    const int kept = c->whole && !c->summary_only;
    const size_t ld = kept ? (size_t)k->n : (size_t)c->sc->nsubj;
    if (kept && k->nbuf == c->chunk) /* full: handed over */
        spill(c, k);
    double *rec = kept ? k->sbuf + (size_t)k->nbuf++ * c->sl.n * k->n : c->rec + k->l0;
    if (k->dead) {
        for (int s = 0; !c->summary_only && s < c->sl.n; s++)
            for (int j = 0; j < k->n; j++)
                rec[(size_t)s * ld + j] = NAN;
        return;
    }
    if (c->summary_only)
        ds_spine_observe_level(&k->m, &k->d, tr, x, c->hl);
    else
        ds_spine_observe(&k->m, &k->d, tr, x);
    if (!c->summary_only) { /* summaries need the outputs, not the series */
        ds_series_gather_at(&c->sl, &k->m, &k->d, k->n, rec, (int)ld);
        for (int j = 0; j < k->n; j++)
            if (c->failed[k->l0 + j] && tr > c->fail_time[k->l0 + j])
                for (int s = 0; s < c->sl.n; s++)
                    rec[(size_t)s * ld + j] = NAN;
    }
    if (k->sum) {
        const double *o = k->d.out + (size_t)c->hl * DS_NLEVEL_OUTPUTS * S;
        ds_summary_add_lanes(k->sum, k->sum == &k->own ? 0 : k->l0, k->n, tr, k->d.root + (size_t)DS_ROOT_contact_pressure_mmHg * S,
                             k->d.root + (size_t)DS_ROOT_protrusion * S, o + (size_t)DS_OUT_pressure * S,
                             o + (size_t)DS_OUT_height * S);
    }
}

/* After an advance that reported failed lanes: each newly failed subject of the block is set
 * aside with its time, variable, reason, phase and posture; the block goes on while any of
 * its subjects is left. */
static void set_aside(run_ctx *c, run_block *k, int phase)
{
    const ds_scenario *sc = c->sc;
    const unsigned char *status = ds_evolver_lane_status(k->ev);
    const char *posture = sc->model.posture[sc->phase[phase].posture].name;
    int left = 0;
    for (int j = 0; j < k->n; j++) {
        const int l = k->l0 + j;
        if (status[j] != DS_LANE_OK && !c->failed[l]) {
            const char *var;
            c->failed[l] = 1;
            c->fail_time[l] = ds_evolver_failure(k->ev, j, &var);
            snprintf(c->fail_what[l], sizeof c->fail_what[l], "%s: %s (phase %d, posture %s)", var,
                     ds_lane_status_text(status[j]), phase + 1, posture);
        }
        left += !c->failed[l];
    }
    k->dead = left == 0;
}

/* Block k's loads in posture p: as kept from an earlier segment (a ramp's end is the next
 * segment's start, and a day's postures come again), or computed and kept. They are the same
 * bits either way. The cocontraction, an output, only where series are recorded. Kept loads
 * are not copied: out is bound to them (read only; block_segment binds the data's own
 * storage again first). */
static void block_loads(const run_ctx *c, run_block *k, const ds_posture_params *p, ds_posture_load *out)
{
    for (int i = 0; i < k->npl; i++)
        if (!memcmp(&k->pl_key[i], p, sizeof *p)) {
            *out = k->pl[i];
            return;
        }
    ds_posture_loads(&k->m, p, !c->summary_only, out);
    void *mem = NULL;
    if (k->npl < LOAD_CACHE && !posix_memalign(&mem, 64, ds_posture_load_doubles(&k->m) * sizeof(double))) {
        ds_posture_load_bind(&k->m, &k->pl[k->npl], mem);
        ds_posture_load_copy(&k->m, &k->pl[k->npl], out);
        k->pl_key[k->npl++] = *p;
    } /* else (out of memory for a copy): computed again next time */
}

/* The loads of interval j for block k: fixed at its ends, or following the massage. */
static void block_segment(run_ctx *c, run_block *k, int j)
{
    const ds_scenario *sc = c->sc;
    const double a = c->bp[j], b = c->bp[j + 1], tiny = time_slack(c->T);
    int p = 0;
    double t_ph = 0.0;
    const ds_posture_params *prev = &sc->initial;
    phase_at(sc, a, &p, &t_ph, &prev);
    ds_load_segment *seg = &k->d.seg;
    ds_segment_changed(&k->d); /* the loads below, or a massage's, anew */
    seg->from = k->own_from; /* a massage's loads are made here; kept loads are bound below */
    seg->to = k->own_to;
    const int in_ramp = a < t_ph + sc->ramp - tiny;
    seg->pa = in_ramp ? *prev : sc->phase[p].p;
    seg->pb = sc->phase[p].p;
    seg->t0 = in_ramp ? t_ph : a;
    seg->t1 = in_ramp ? t_ph + sc->ramp : a;
    seg->dynamic = 0;
    for (int q = 0; q < sc->nsession; q++) {
        const ds_session *s = &sc->session[q];
        if (s->start < b - tiny && reach(&k->m, s, 1) > a + tiny)
            seg->dynamic = 1;
    }
    if (seg->dynamic)
        return;
    block_loads(c, k, &seg->pa, &seg->from);
    block_loads(c, k, &seg->pb, &seg->to);
}

/* The per-subject solver statistics of the whole run (filled from each block). */
static ds_status alloc_stats(run_ctx *c, ds_error *err)
{
    const int N = c->sc->nsubj;
    enum { NI = 0
#define DS_X_COUNT(f, u, d) +1
               DS_STATS_FIELDS(DS_X_COUNT)
#undef DS_X_COUNT
    };
    int64_t *iv = calloc((size_t)NI * N, sizeof *iv);
    double *dv = calloc(2 * (size_t)N, sizeof *dv);
    if (!iv || !dv) {
        free(iv);
        free(dv);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the solver statistics");
    }
    c->stats_mem = iv;
    int q = 0;
#define DS_X_BIND(f, u, d) c->stats.f = iv + (size_t)(q++) * N;
    DS_STATS_FIELDS(DS_X_BIND)
#undef DS_X_BIND
    c->stats.h_min = dv;
    c->stats.h_last = dv + N;
    return DS_OK;
}

/* Block k's statistics into the run's arrays (its subjects only). */
static void copy_stats(run_ctx *c, const run_block *k, run_slot *slot)
{
    const ds_lane_stats *s = ds_evolver_stats(k->ev);
    slot->rounds = ds_evolver_rounds(k->ev);
    slot->slots = slot->rounds * k->n;
    slot->newton_slots = ds_evolver_newton_rounds(k->ev) * k->n;
    slot->attempts = slot->most = slot->newton_iters = 0;
    for (int j = 0; j < k->n; j++) {
        const int64_t a = s->steps[j] + s->rejected[j];
        slot->attempts += a;
        slot->most = a > slot->most ? a : slot->most;
        slot->newton_iters += s->newton_iters[j];
    }
    for (int j = 0; j < k->n; j++) {
        const int l = k->l0 + j;
#define DS_X_COPY(f, u, d) c->stats.f[l] = s->f[j];
        DS_STATS_FIELDS(DS_X_COPY)
#undef DS_X_COPY
        c->stats.h_min[l] = s->h_min[j];
        c->stats.h_last[l] = s->h_last[j];
    }
}

/* The run's totals from the per-subject statistics. */
static void total_stats(run_ctx *c)
{
    ds_run_result *res = c->res;
    res->h_min = INFINITY;
    for (int l = 0; l < c->sc->nsubj; l++) {
#define DS_X_SUM(f, u, d) res->f += c->stats.f[l];
        DS_STATS_FIELDS(DS_X_SUM)
#undef DS_X_SUM
        if (c->stats.h_min[l] < res->h_min)
            res->h_min = c->stats.h_min[l];
    }
    for (int i = 0; i < c->nblock; i++) {
        res->lane_attempts += c->slot[i].attempts;
        res->lane_slots += c->slot[i].slots;
        res->lane_rounds += c->slot[i].rounds;
        res->lane_most += c->slot[i].most;
        res->lane_newton_iters += c->slot[i].newton_iters;
        res->lane_newton_slots += c->slot[i].newton_slots;
    }
}

static void free_block(run_block *k)
{
    ds_evolver_free(k->ev);
    for (int i = 0; i < k->npl; i++)
        free(k->pl[i].load); /* the start of each one's memory */
    k->npl = 0;
    ds_data_free(&k->d);
    ds_model_free(&k->m);
    free(k->xr);
    free(k->sbuf);
    k->ev = NULL;
    k->xr = NULL;
    k->sbuf = NULL;
}

/* Block i of nb over the subjects, and its start in equilibrium in the initial posture. */
static ds_status setup_block(run_ctx *c, run_block *k, int l0, int n, ds_error *err)
{
    const ds_scenario *sc = c->sc;
    k->l0 = l0;
    k->n = n;
    ds_status st = ds_scenario_lanes_at(sc, c->order, l0, n, &k->m, err);
    if (st || (st = ds_data_create(&k->m, &k->d, err)))
        return st;
    ds_system sys;
    ds_spine_system(&k->m, &k->d, &sys);
    if ((st = ds_evolver_create(&sys, &sc->solver, &k->ev, err)))
        return st;
    if (c->summary_only) /* the summaries' observation reads these states only */
        ds_evolver_dense_rows(k->ev, c->sumrow, c->nsumrow);
    k->xr = malloc((size_t)k->d.nx * k->m.stride * sizeof(double));
    if (c->whole && !c->summary_only)
        k->sbuf = malloc((size_t)c->chunk * c->sl.n * n * sizeof(double));
    if (!k->xr || (c->whole && !c->summary_only && !k->sbuf))
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    k->d.seg.sessions = sc->session;
    k->d.seg.nsession = sc->nsession;
    k->own_from = k->d.seg.from;
    k->own_to = k->d.seg.to;
    block_loads(c, k, &sc->initial, &k->d.seg.from);
    k->d.seg.to = k->d.seg.from; /* read only until the first segment binds them again */
    k->d.seg.t0 = k->d.seg.t1 = 0.0;
    if ((st = ds_spine_equilibrium(&k->m, k->d.seg.to.load, k->d.seg.to.act, k->d.x, err)))
        return st;
    ds_evolver_reset(k->ev, 0.0, k->d.x);
    return DS_OK;
}

/* Block k's part of step s. */
static void block_do(run_ctx *c, run_block *k, const run_step *s)
{
    if (k->st)
        return;
    if (s->record < 0) { /* the start of an interval */
        if (!k->dead)
            block_segment(c, k, s->j);
        return;
    }
    if (!k->dead && ds_evolver_advance(k->ev, s->t, s->b, &k->err))
        set_aside(c, k, s->phase);
    /* summaries only: a record outside their window is neither interpolated nor observed (the
     * observation has no state of its own, and the right-hand sides refresh a massage's loads
     * themselves) */
    if (s->record && c->summary_only && (!k->sum || !ds_summary_takes(k->sum, s->t)))
        return;
    if (s->record) {
        /* summaries only: the states their observation reads (ds_spine_summary_rows) */
        if (!k->dead)
            ds_evolver_interp_rows(k->ev, s->t, c->summary_only ? c->sumrow : NULL,
                                   c->summary_only ? c->nsumrow : k->d.nx, k->xr);
        record_block(c, k, s->t, k->xr);
    }
}

typedef struct {
    run_ctx *c;
    const run_step *s;
} step_arg;

static void block_work(void *arg, int i)
{
    const step_arg *a = arg;
    block_do(a->c, &a->c->blk[i], a->s);
    settle(&a->c->slot[i], &a->c->blk[i]);
}

/* Every block does its part of step s, on the caller's threads if it gave a loop. */
static void all_blocks(run_ctx *c, const run_step *s)
{
    const ds_run_opts *o = c->opts;
    step_arg a = {c, s};
    if (o && o->parallel && c->nblock > 1)
        o->parallel(o->parallel_ctx, c->nblock, block_work, &a);
    else
        for (int i = 0; i < c->nblock; i++)
            block_work(&a, i);
}

/* Record number irec's time, if it falls in interval j: 1 and *tr, else 0. */
static int next_record(const run_ctx *c, int j, long irec, double *tr)
{
    const double b = c->bp[j + 1];
    const double t = (double)irec * c->sc->record_interval;
    if (t > b + time_slack(c->T))
        return 0;
    *tr = t > b ? b : t;
    return 1;
}

size_t ds_run_records(const ds_scenario *sc)
{
    const double T = ds_scenario_duration(sc);
    return (size_t)floor((T + time_slack(T)) / sc->record_interval) + 1;
}

/* Block i through the whole run, records included (summaries only, or series kept by the
 * hooks: nothing waits for the other blocks, so a block's data stay in cache from start to
 * end). A block whose subjects all failed goes on recording its series, as NaN. */
static void block_whole(void *arg, int i)
{
    run_ctx *c = arg;
    run_slot *slot = &c->slot[i];
    const ds_block_hooks *h = c->opts ? c->opts->hooks : NULL;
    if (h && h->restore && h->restore(h->ctx, slot->l0, slot->n, &c->view)) { /* done in an earlier run */
        int left = 0;
        for (int j = 0; j < slot->n; j++)
            left += !c->failed[slot->l0 + j];
        slot->dead = left == 0;
        if (c->progress)
            progress_block(c->progress, c->nblock);
        return;
    }
    run_block *k = calloc(1, sizeof *k);
    if (!k) {
        slot->st = DS_ERR_NOMEM; /* no message: after_step words it */
        return;
    }
    k->st = setup_block(c, k, slot->l0, slot->n, &k->err);
    if (!k->st && c->sum) { /* accumulators for the block's subjects only, while it runs */
        k->st = ds_summary_init(&k->own, &k->m, k->n, c->sum->from, c->sum->to, &k->err);
        k->sum = k->st ? NULL : &k->own;
    }
    if (k->st) {
        ds_summary_free(&k->own);
        free_block(k);
        settle(slot, k);
        free(k);
        return;
    }
    record_block(c, k, 0.0, k->d.x);
    long irec = 1;
    for (int j = 0; j + 1 < c->nbp && (!k->dead || !c->summary_only) && !k->st; j++) {
        run_step s = {.j = j, .b = c->bp[j + 1], .record = -1};
        double t_ph;
        const ds_posture_params *prev;
        phase_at(c->sc, c->bp[j], &s.phase, &t_ph, &prev);
        block_do(c, k, &s);
        for (s.record = 1; next_record(c, j, irec, &s.t); irec++)
            block_do(c, k, &s);
        s.t = s.b;
        s.record = 0;
        block_do(c, k, &s);
    }
    if (k->sbuf)
        spill(c, k);
    copy_stats(c, k, slot);
    free_block(k);
    if (c->sum) { /* the block's summaries are final: a checkpoint can hold them */
        ds_summary_finish(&k->own);
        for (int j = 0; j < k->n; j++)
            for (int q = 0; q < c->sum->nmetric; q++)
                c->sum->metric[q].value[k->l0 + j] = c->failed[k->l0 + j] ? NAN : k->own.metric[q].value[j];
        ds_summary_free(&k->own);
    }
    if (!k->st && h && h->done)
        k->st = h->done(h->ctx, k->l0, k->n, &c->view, &k->err);
    if (c->progress)
        progress_block(c->progress, c->nblock);
    settle(slot, k);
    free(k);
}

/* The subject at run position p (the position itself once the arrays are in subject order). */
static int subject_at(const run_ctx *c, int p) { return c->order && !c->ordered ? c->order[p] : p; }

/* The first failure in subject order, as the run's message. */
static void first_failure(run_ctx *c)
{
    const ds_scenario *sc = c->sc;
    c->res->nfailed = 0;
    int f = -1; /* the failed position of the lowest subject */
    for (int l = 0; c->failed && l < sc->nsubj; l++)
        if (c->failed[l]) {
            c->res->nfailed++;
            f = f < 0 || subject_at(c, l) < subject_at(c, f) ? l : f;
        }
    if (f >= 0)
        snprintf(c->res->failure, sizeof c->res->failure, "%.400s: subject %d failed at t = %.6g s (%.4f h): %s",
                 sc->path, subject_at(c, f), c->fail_time[f], c->fail_time[f] / 3600.0, c->fail_what[f]);
}

/* After a step: an error of any block (the first in block order), or DS_ERR_NUMERIC when
 * no subject is left. */
static ds_status after_step(run_ctx *c, ds_error *err)
{
    int alive = 0;
    for (int i = 0; i < c->nblock; i++) {
        if (c->slot[i].st)
            return ds_fail(err, c->slot[i].st, "%s",
                           c->slot[i].msg ? c->slot[i].msg : "out of memory for a block of subjects");
        alive += !c->slot[i].dead;
    }
    if (alive)
        return DS_OK;
    int f = 0; /* the earliest failure, the lowest subject among equals */
    for (int l = 1; l < c->sc->nsubj; l++)
        if (c->fail_time[l] < c->fail_time[f] ||
            (c->fail_time[l] == c->fail_time[f] && subject_at(c, l) < subject_at(c, f)))
            f = l;
    return ds_fail(err, DS_ERR_NUMERIC, "%s: simulation diverged at t = %.6g s (%.4f h), subject %d, variable %s%s",
                   c->sc->path, c->fail_time[f], c->fail_time[f] / 3600.0, subject_at(c, f), c->fail_what[f],
                   c->sc->nsubj > 1 ? " (every subject failed)" : "");
}

/* The hooks that split a series run over processes, or NULL. */
static const ds_block_hooks *split(const run_ctx *c)
{
    const ds_block_hooks *h = c->opts ? c->opts->hooks : NULL;
    return !c->summary_only && h && h->sync ? h : NULL;
}

/* Between records: every process's status, so that all stop together (a series run split
 * over processes); st as it is otherwise. */
static ds_status agree(run_ctx *c, ds_status st, ds_error *err)
{
    const ds_block_hooks *h = split(c);
    return h ? h->sync(h->ctx, NULL, c->sl.n, c->sc->nsubj, st, err) : st;
}

/* Hands one record of all subjects to the sink and counts it; split over processes, the
 * other processes' subjects are brought into it first (and st is agreed, as by agree). */
static ds_status emit(run_ctx *c, double tr, ds_status st, ds_error *err)
{
    const ds_block_hooks *h = split(c);
    if (h)
        st = h->sync(h->ctx, st ? NULL : c->rec, c->sl.n, c->sc->nsubj, st, err);
    if (st)
        return st;
    if (c->sink && c->sink->record && !c->summary_only) {
        const double w0 = ds_seconds();
        if (c->order) /* the record's columns in subject order */
            ds_order_record(c->order, c->sc->nsubj, c->sl.n, c->rec, c->rec_out);
        ds_status st = c->sink->record(c->sink->ctx, tr, c->order ? c->rec_out : c->rec, err);
        c->res->write_time += ds_seconds() - w0;
        if (st)
            return st;
    }
    c->res->nrecords++;
    return DS_OK;
}

/* One interval between breakpoints [a, b]: its load segment, then steps and records, every
 * block doing each step before the record goes to the sink. */
static ds_status interval(run_ctx *c, int j, long *irec, run_progress *pr, ds_error *err)
{
    const ds_scenario *sc = c->sc;
    const double a = c->bp[j], b = c->bp[j + 1], T = c->T;
    double t_ph = 0.0;
    const ds_posture_params *prev;
    run_step s = {.j = j, .b = b, .record = -1};
    phase_at(sc, a, &s.phase, &t_ph, &prev);
    all_blocks(c, &s);
    ds_status st;
    for (s.record = 1; next_record(c, j, *irec, &s.t); (*irec)++) {
        all_blocks(c, &s);
        if ((st = emit(c, s.t, after_step(c, err), err)))
            return st;
        if (c->opts && c->opts->progress)
            progress(pr, s.t, T);
    }
    s.t = b;
    s.record = 0;
    all_blocks(c, &s);
    return agree(c, after_step(c, err), err);
}

/* Series kept by the hooks, once every block is done: record irec of all subjects, asked
 * back block by block (split over processes: of the blocks run here; the others' columns
 * come in as the record is emitted). */
static ds_status gather_record(run_ctx *c, long irec, double *part, ds_error *err)
{
    const ds_block_hooks *h = c->opts->hooks;
    const int N = c->sc->nsubj, ns = c->sl.n;
    const double w0 = ds_seconds(); /* reading them back is part of writing the records */
    for (int i = 0; i < c->nblock; i++) {
        const int l0 = c->slot[i].l0, n = c->slot[i].n;
        if (h->elsewhere && h->elsewhere(h->ctx, l0, n))
            continue;
        ds_status st = h->get_record(h->ctx, l0, n, irec, ns, part, err);
        if (st)
            return st;
        for (int s = 0; s < ns; s++) /* the block's columns of the record */
            memcpy(c->rec + (size_t)s * N + l0, part + (size_t)s * n, (size_t)n * sizeof(double));
    }
    c->res->write_time += ds_seconds() - w0;
    return DS_OK;
}

/* Item i of the loop over the blocks: with the sink's ahead, item 0 is its call, so that one
 * thread writes it while the others run blocks. Its time is the loop's, not counted as the
 * sink's: on several threads it is hidden beside the blocks, and taking it off the loop's
 * time would flatter the simulation's time there (on one thread it adds to it, 5 ms of 230
 * for 16,000 quasi-static subjects). */
static void whole_item(void *arg, int i)
{
    run_ctx *c = arg;
    if (c->ahead && i-- == 0) {
        c->ahead_st = c->sink->ahead(c->sink->ctx, c->prefix, c->sc, &c->ahead_err);
        return;
    }
    block_whole(c, i);
}

/* Each block runs the whole timeline on its own (see block_whole); summaries only: the
 * records are counted; series kept by the hooks: they go to the sink, in order. */
static ds_status whole_run(run_ctx *c, ds_error *err)
{
    const ds_run_opts *o = c->opts;
    const int n = c->nblock + c->ahead;
    if (o && o->parallel && n > 1)
        o->parallel(o->parallel_ctx, n, whole_item, c);
    else
        for (int i = 0; i < n; i++)
            whole_item(c, i);
    ds_status st = after_step(c, err);
    if (c->summary_only) {
        c->res->nrecords++; /* the first, at t = 0, counted as the run began */
        long irec = 1;
        double tr;
        for (int j = 0; j + 1 < c->nbp; j++)
            for (; next_record(c, j, irec, &tr); irec++)
                c->res->nrecords++;
        return st;
    }
    /* split over processes: every process emits every record with its status, so that all
     * stop together (emit agrees on it) */
    if ((st = agree(c, st, err)))
        return st;
    double *part = malloc((size_t)c->sl.n * c->slot[0].n * sizeof(double));
    ds_status mine = part ? DS_OK : ds_fail(err, DS_ERR_NOMEM, "out of memory");
    if (!mine && c->ahead_st) /* the sink's failure: every process stops with it (emit) */
        mine = ds_fail(err, c->ahead_st, "%s", c->ahead_err.msg);
    if (!mine)
        mine = gather_record(c, 0, part, err);
    st = emit(c, 0.0, mine, err);
    long irec = 1;
    double tr;
    for (int j = 0; !st && j + 1 < c->nbp; j++)
        for (; !st && next_record(c, j, irec, &tr); irec++) {
            if (!mine)
                mine = gather_record(c, irec, part, err);
            st = emit(c, tr, mine, err);
        }
    free(part);
    return st;
}

static ds_status setup(run_ctx *c, ds_error *err)
{
    const ds_scenario *sc = c->sc;
    const ds_model *m = &sc->model;
    const double T = c->T = ds_scenario_duration(sc);
    const int N = sc->nsubj, B = c->opts && c->opts->block > 0 && c->opts->block < N ? c->opts->block : N;
    ds_status st;
    if ((st = ds_series_make(sc, &c->sl, err)))
        return st;
    const ds_block_hooks *h = c->opts ? c->opts->hooks : NULL;
    c->whole = c->summary_only || (h && h->put_records && h->get_record);
    if (!c->whole && h && h->elsewhere) /* its blocks wait for each other, here and there */
        return ds_fail(err, DS_ERR_USAGE, "a series run split over processes keeps its series block by block (the "
                                          "hooks' put_records and get_record)");
    if ((st = ds_subject_order(sc, &c->order, err)))
        return st;
    if (c->order && !c->summary_only &&
        !(c->rec_out = malloc((size_t)(c->sl.n ? c->sl.n : 1) * N * sizeof(double))))
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    /* series kept by the hooks: a block hands over about 64 KiB of records at a time (the
     * checkpoint's writes are then large, and a block's buffer stays in cache) */
    const size_t rec_bytes = (size_t)(c->sl.n ? c->sl.n : 1) * B * sizeof(double);
    c->chunk = rec_bytes >= (1u << 16) ? 1 : (int)((1u << 16) / rec_bytes);
    c->nblock = (N + B - 1) / B;
    c->slot = calloc((size_t)c->nblock, sizeof *c->slot);
    c->blk = c->whole ? NULL : calloc((size_t)c->nblock, sizeof *c->blk);
    /* summaries only: no record of the series; blocks run whole: each lives only while it runs */
    c->rec = malloc((size_t)(c->sl.n && !c->summary_only ? c->sl.n : 1) * (c->summary_only ? 1 : N) * sizeof(double));
    c->fail_time = malloc((size_t)N * sizeof(double));
    c->failed = calloc((size_t)N, 1);
    c->fail_what = calloc((size_t)N, sizeof *c->fail_what);
    c->bp = breakpoints(sc, T, &c->nbp);
    if (!c->slot || (!c->blk && !c->whole) || !c->rec || !c->bp || !c->fail_time || !c->failed || !c->fail_what)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int l = 0; l < N; l++)
        c->fail_time[l] = NAN;
    c->hl = m->site.enabled ? m->site.level : 0;
    c->nsumrow = ds_spine_summary_rows(m, c->hl, c->sumrow);
    const double to = sc->summary_to < 0 ? T : sc->summary_to;
    if (c->sum && (st = c->whole ? ds_summary_init_results(c->sum, m, N, sc->summary_from, to, err)
                                 : ds_summary_init(c->sum, m, N, sc->summary_from, to, err)))
        return st;
    if (!st)
        st = alloc_stats(c, err);
    if (!st) {
        c->view = (ds_block_results){.nsubj = N, .failed = c->failed, .fail_time = c->fail_time,
                                     .fail_what = c->fail_what, .stats = &c->stats};
        for (int q = 0; c->sum && q < c->sum->nmetric; q++)
            c->view.metric[c->view.nmetric++] = c->sum->metric[q].value;
    }
    for (int i = 0; i < c->nblock && !st; i++) {
        c->slot[i].l0 = i * B;
        c->slot[i].n = i * B + B <= N ? B : N - i * B;
        if (c->whole)
            continue;
        st = setup_block(c, &c->blk[i], c->slot[i].l0, c->slot[i].n, err);
        c->blk[i].sum = c->sum; /* records wait for every block: the run's accumulators */
    }
    if (!st && !c->whole) { /* the first record, at t = 0 */
        for (int i = 0; i < c->nblock; i++)
            record_block(c, &c->blk[i], 0.0, c->blk[i].d.x);
    }
    return st;
}

/* The run's per-subject results, held by run position, put in subject order: the solver's
 * statistics, the failures and the summaries' metrics (their accumulators, where the run kept
 * them, stay as they were: only the metrics are read after the run). */
static ds_status in_subject_order(run_ctx *c, ds_error *err)
{
    const int N = c->sc->nsubj;
    double *tmp = malloc((size_t)N * sizeof(double));
    unsigned char *was = malloc((size_t)N);
    if (!tmp || !was) {
        free(tmp);
        free(was);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    }
#define DS_X_ORDER(f, u, d) ds_order_int64s(c->order, N, c->stats.f, (int64_t *)(void *)tmp);
    DS_STATS_FIELDS(DS_X_ORDER)
#undef DS_X_ORDER
    ds_order_doubles(c->order, N, c->stats.h_min, tmp);
    ds_order_doubles(c->order, N, c->stats.h_last, tmp);
    for (int q = 0; c->sum && q < c->sum->nmetric; q++)
        ds_order_doubles(c->order, N, c->sum->metric[q].value, tmp);
    ds_order_doubles(c->order, N, c->fail_time, tmp);
    memcpy(was, c->failed, (size_t)N);
    for (int p = 0; p < N; p++)
        c->failed[c->order[p]] = was[p];
    /* the texts: only the failed subjects' are moved (the others are zero and stay untouched,
     * so that their pages are never made resident): all taken out, then put in place */
    int nf = 0;
    for (int p = 0; p < N; p++)
        nf += was[p];
    char(*text)[DS_FAILURE_TEXT] = nf ? malloc((size_t)nf * sizeof *text) : NULL;
    int *to = nf ? malloc((size_t)nf * sizeof *to) : NULL;
    if (nf && (!text || !to)) {
        free(text), free(to), free(tmp), free(was);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    }
    for (int p = 0, k = 0; p < N; p++)
        if (was[p]) {
            memcpy(text[k], c->fail_what[p], sizeof text[k]);
            memset(c->fail_what[p], 0, sizeof text[k]);
            to[k++] = c->order[p];
        }
    for (int k = 0; k < nf; k++)
        memcpy(c->fail_what[to[k]], text[k], sizeof text[k]);
    free(text);
    free(to);
    free(tmp);
    free(was);
    c->ordered = 1;
    return DS_OK;
}

/* Hands the finished stream to the sink: statistics, failures and summaries. */
static ds_status finish(run_ctx *c, const char *prefix, double wall0, ds_error *err)
{
    const ds_scenario *sc = c->sc;
    if (c->sum && !c->whole) /* blocks run whole: each finished its own (block_whole) */
        ds_summary_finish(c->sum);
    for (int i = 0; !c->whole && i < c->nblock; i++)
        copy_stats(c, &c->blk[i], &c->slot[i]);
    /* where blocks ran in other processes, their results come in here */
    const ds_block_hooks *h = c->opts ? c->opts->hooks : NULL;
    ds_status st = h && h->gather ? h->gather(h->ctx, &c->view, c->nblock ? c->slot[0].n : 1, err) : DS_OK;
    if (st)
        return st;
    if (c->ahead_st) /* the sink's ahead failed: reported once the other processes' results are in */
        return ds_fail(err, c->ahead_st, "%s", c->ahead_err.msg);
    if (c->sum)
        for (int l = 0; l < sc->nsubj; l++) /* a failed subject's metrics cover part of the window */
            for (int q = 0; c->failed[l] && q < c->sum->nmetric; q++)
                c->sum->metric[q].value[l] = NAN;
    if (c->order && (st = in_subject_order(c, err)))
        return st;
    first_failure(c);
    total_stats(c);
    c->res->wall_time = ds_seconds() - wall0;
    if (!c->sink || !c->sink->end)
        return DS_OK;
    ds_run_report rep = {.sc = sc,
                         .stats = &c->stats,
                         .sum = c->sum,
                         .nfailed = c->res->nfailed,
                         .failed = c->failed,
                         .fail_time = c->fail_time,
                         .fail_what = (const char(*)[DS_FAILURE_TEXT])c->fail_what,
                         .wall_time = c->res->wall_time,
                         .write_time = c->res->write_time,
                         .ahead = c->ahead};
    return c->sink->end(c->sink->ctx, prefix, &rep, err);
}

ds_status ds_run_stream(const ds_scenario *sc, const ds_record_sink *sink, const char *prefix, const ds_run_opts *opts,
                        ds_run_result *res, ds_summary *sum, ds_error *err)
{
    const double wall0 = ds_seconds();
    memset(res, 0, sizeof *res);
    /* no sink (a sweep's points, benchmarks): nothing reads the series, so only what the
     * summaries need is observed, block by block, as --record summary does (the same
     * summaries); unless the caller split the blocks over processes or checkpoints them */
    const int no_series = !sink && sum && !(opts && opts->hooks);
    run_ctx c = {.sc = sc, .sink = sink, .sum = sum, .res = res, .opts = opts, .prefix = prefix,
                 .summary_only = (opts && opts->summary_only) || no_series};
    ds_status st = setup(&c, err);
    c.ahead = !st && c.whole && sink && sink->ahead;
    if (!st && sink && sink->begin) {
        const double w0 = ds_seconds();
        st = sink->begin(sink->ctx, prefix, sc->nsubj, c.summary_only ? 0 : c.sl.n, c.sl.desc, err);
        res->write_time += ds_seconds() - w0;
    }
    /* every process, whatever its status (split over processes): the first record, or (blocks
     * run whole, their records emitted once all are done) the status */
    st = c.whole ? agree(&c, st, err) : emit(&c, 0.0, st, err);
    long irec = 1;
    /* "/arms/claim" is shown as "arm claim"; the first line after 0.2 s, when the pace is known */
    char what[160];
    snprintf(what, sizeof what, "%s%s", strncmp(prefix, "/arms/", 6) ? "" : "arm ",
             !strncmp(prefix, "/arms/", 6) ? prefix + 6 : prefix[0] == '/' ? prefix + 1 : prefix);
    run_progress pr = {.what = what, .start = wall0, .last = wall0};
    c.progress = opts && opts->progress ? &pr : NULL;
    if (!st && c.whole)
        st = whole_run(&c, err);
    for (int j = 0; !st && !c.whole && j + 1 < c.nbp; j++)
        st = interval(&c, j, &irec, &pr, err);
    if (!st && !c.whole && c.progress)
        progress(&pr, ds_scenario_duration(sc), ds_scenario_duration(sc));
    if (!st)
        st = finish(&c, prefix, wall0, err);
    if (st && !res->nfailed)
        first_failure(&c);
    for (int i = 0; c.blk && i < c.nblock; i++)
        free_block(&c.blk[i]);
    free(c.blk);
    for (int i = 0; c.slot && i < c.nblock; i++)
        free(c.slot[i].msg);
    free(c.slot);
    free(c.stats_mem);
    free(c.stats.h_min);
    ds_series_free(&c.sl);
    free(c.rec);
    free(c.bp);
    free(c.fail_time);
    free(c.failed);
    free(c.fail_what);
    free(c.order);
    free(c.rec_out);
    return st;
}
