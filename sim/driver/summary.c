/* Streaming exposure and summary metrics (see summary.h). */
#include "discsim/summary.h"
#include "base/isa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One crossing at most: the part of the interval on the high side. As selects, for the lane
 * loops below: the same arithmetic on the selected side (the other may divide by zero, never
 * selected). */
static inline double time_above_sel(double t0, double p0, double t1, double p1, double thr)
{
    const double dt = t1 - t0;
    const double up = (p0 - thr) / (p0 - p1), down = (p1 - thr) / (p1 - p0);
    double r = dt * (p0 > thr ? up : down);
    r = p0 > thr ? (p1 > thr ? dt : r) : (p1 > thr ? r : 0.0);
    return dt <= 0.0 ? 0.0 : r;
}

double ds_time_above(double t0, double p0, double t1, double p1, double thr)
{
    return time_above_sel(t0, p0, t1, p1, thr);
}

static void add_metric(ds_summary *s, const char *name, const char *unit, const char *desc, double *buf)
{
    ds_metric *m = &s->metric[s->nmetric++];
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->unit, sizeof m->unit, "%s", unit);
    snprintf(m->description, sizeof m->description, "%s", desc);
    m->value = buf;
}

/* The metrics' arrays and, when accumulate, the accumulators, in one allocation. */
static ds_status init(ds_summary *s, const ds_model *m, int nsubj, double from, double to, int accumulate,
                      ds_error *err)
{
    memset(s, 0, sizeof *s);
    s->nsubj = nsubj;
    s->from = from;
    s->to = to;
    s->root = m->site.enabled;
    s->nthr = s->root ? m->nthreshold : 0;
    for (int k = 0; k < s->nthr; k++)
        s->thr[k] = m->threshold[k].mmHg;
    const size_t n = (size_t)nsubj, nmet = (size_t)(s->root ? s->nthr + 3 : 0) + 3;
    const size_t total = n * nmet + (accumulate ? n * (12 + (size_t)s->nthr) : 0);
    double *p = calloc(total, sizeof(double));
    if (!p)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for summary metrics");
    s->mem_ = p;
    if (accumulate) {
        s->t_prev = p, p += n;
        s->p_prev = p, p += n;
        s->P_prev = p, p += n;
        s->d_prev = p, p += n;
        s->d_int = p, p += n;
        s->above = p, p += n * (size_t)s->nthr;
        s->p_int = p, p += n;
        s->P_int = p, p += n;
        s->span = p, p += n;
        s->p_peak = p, p += n;
        s->P_peak = p, p += n;
        s->h_max = p, p += n;
        s->h_min = p, p += n;
        for (size_t l = 0; l < n; l++) {
            s->t_prev[l] = NAN; /* no record yet */
            s->p_peak[l] = s->P_peak[l] = s->h_max[l] = -INFINITY;
            s->h_min[l] = INFINITY;
        }
    }
    if (s->root) {
        for (int k = 0; k < s->nthr; k++) {
            char name[DS_NAME_LEN + 16], desc[200];
            snprintf(name, sizeof name, "minutes_above_%s", m->threshold[k].name);
            snprintf(desc, sizeof desc, "time the root contact pressure spent above %g mmHg (%s)", m->threshold[k].mmHg,
                     m->threshold[k].name);
            add_metric(s, name, "min", desc, p), p += n;
        }
        add_metric(s, "peak_contact_pressure", "mmHg", "highest root contact pressure recorded", p), p += n;
        add_metric(s, "mean_contact_pressure", "mmHg", "time-averaged root contact pressure", p), p += n;
        add_metric(s, "mean_protrusion", "mm", "time-averaged protrusion of the herniation", p), p += n;
    }
    add_metric(s, "mean_nucleus_pressure", "MPa", "time-averaged nucleus pressure at the herniated (or first) level", p),
        p += n;
    add_metric(s, "peak_nucleus_pressure", "MPa", "highest nucleus pressure recorded at that level", p), p += n;
    add_metric(s, "height_lost", "mm", "largest minus smallest disc height at that level", p), p += n;
    return DS_OK;
}

ds_status ds_summary_init(ds_summary *s, const ds_model *m, int nsubj, double from, double to, ds_error *err)
{
    return init(s, m, nsubj, from, to, 1, err);
}

ds_status ds_summary_init_results(ds_summary *s, const ds_model *m, int nsubj, double from, double to, ds_error *err)
{
    return init(s, m, nsubj, from, to, 0, err);
}

/* fmax and fmin as glibc's x86-64 builds compute them (maxsd/minsd, and the other operand
 * when one is NaN), inline: a library call keeps a loop scalar. */
static inline double max_sel(double a, double b)
{
    const double r = a > b ? a : b;
    return b != b ? a : r;
}

static inline double min_sel(double a, double b)
{
    const double r = a < b ? a : b;
    return b != b ? a : r;
}

/* One record for lanes l0..l0+n-1, with or without the root's metrics (root is a constant
 * at each call, so that no load is conditional, and without the root no work is done for
 * its metrics); selects rather than branches, so that the lane loops vectorize. A lane's
 * first record in the window only sets its previous values. */
static inline void add_lanes(ds_summary *restrict s, int l0, int n, double t, const double *restrict contact,
                             const double *restrict protrusion, const double *restrict pressure,
                             const double *restrict height, int root)
{
    double *restrict t_prev = s->t_prev + l0, *restrict p_prev = s->p_prev + l0;
    if (root) { /* before the lanes' previous time moves on */
        for (int k = 0; k < s->nthr; k++) {
            double *restrict above = s->above + (size_t)k * s->nsubj + l0;
            const double thr = s->thr[k];
#pragma omp simd
            for (int j = 0; j < n; j++) {
                const double a = above[j] + time_above_sel(t_prev[j], p_prev[j], t, contact[j], thr);
                above[j] = t_prev[j] != t_prev[j] ? above[j] : a; /* NaN: no record yet */
            }
        }
        double *restrict d_prev = s->d_prev + l0, *restrict p_int = s->p_int + l0, *restrict d_int = s->d_int + l0;
        double *restrict p_peak = s->p_peak + l0;
#pragma omp simd
        for (int j = 0; j < n; j++) {
            const double p = contact[j], dl = protrusion[j];
            const int first = t_prev[j] != t_prev[j];
            const double dt = t - t_prev[j];
            const double pi = p_int[j] + 0.5 * dt * (p + p_prev[j]), di = d_int[j] + 0.5 * dt * (dl + d_prev[j]);
            p_int[j] = first ? p_int[j] : pi;
            d_int[j] = first ? d_int[j] : di;
            p_prev[j] = p;
            d_prev[j] = dl;
            p_peak[j] = max_sel(p_peak[j], p);
        }
    }
    double *restrict P_prev = s->P_prev + l0, *restrict P_int = s->P_int + l0, *restrict span = s->span + l0;
    double *restrict P_peak = s->P_peak + l0, *restrict h_max = s->h_max + l0, *restrict h_min = s->h_min + l0;
#pragma omp simd
    for (int j = 0; j < n; j++) {
        const double P = pressure[j];
        const int first = t_prev[j] != t_prev[j];
        const double dt = t - t_prev[j];
        const double Pi = P_int[j] + 0.5 * dt * (P + P_prev[j]), sp = span[j] + dt;
        P_int[j] = first ? P_int[j] : Pi;
        span[j] = first ? span[j] : sp;
        t_prev[j] = t;
        P_prev[j] = P;
        P_peak[j] = max_sel(P_peak[j], P);
        h_max[j] = max_sel(h_max[j], height[j]);
        h_min[j] = min_sel(h_min[j], height[j]);
    }
}

int ds_summary_takes(const ds_summary *s, double t) { return !(t < s->from - 1e-9 || t > s->to + 1e-9); }

DS_HOT void ds_summary_add_lanes(ds_summary *s, int l0, int n, double t, const double *contact, const double *protrusion,
                          const double *pressure, const double *height)
{
    if (!ds_summary_takes(s, t))
        return;
    if (s->root)
        add_lanes(s, l0, n, t, contact, protrusion, pressure, height, 1);
    else
        add_lanes(s, l0, n, t, NULL, NULL, pressure, height, 0);
}

void ds_summary_add(ds_summary *s, double t, const double *contact, const double *protrusion, const double *pressure,
                    const double *height)
{
    ds_summary_add_lanes(s, 0, s->nsubj, t, contact, protrusion, pressure, height);
}

void ds_summary_finish(ds_summary *s) { ds_summary_finish_lanes(s, 0, s->nsubj); }

void ds_summary_finish_lanes(ds_summary *s, int l0, int n)
{
    int k = 0;
    for (int l = l0; l < l0 + n; l++) {
        k = 0;
        if (s->root) {
            for (int j = 0; j < s->nthr; j++)
                s->metric[k++].value[l] = s->above[(size_t)j * s->nsubj + l] / 60.0;
            s->metric[k++].value[l] = s->p_peak[l];
            s->metric[k++].value[l] = s->span[l] > 0 ? s->p_int[l] / s->span[l] : s->p_prev[l];
            s->metric[k++].value[l] = s->span[l] > 0 ? s->d_int[l] / s->span[l] : s->d_prev[l];
        }
        s->metric[k++].value[l] = s->span[l] > 0 ? s->P_int[l] / s->span[l] : s->P_prev[l];
        s->metric[k++].value[l] = s->P_peak[l];
        s->metric[k++].value[l] = s->h_max[l] - s->h_min[l];
    }
}

void ds_summary_free(ds_summary *s)
{
    if (s) {
        free(s->mem_);
        s->mem_ = NULL;
    }
}
