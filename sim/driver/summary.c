/* Streaming exposure and summary metrics (see summary.h). */
#include "discsim/summary.h"
#include "base/isa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double ds_time_above(double t0, double p0, double t1, double p1, double thr)
{
    double dt = t1 - t0;
    if (dt <= 0.0)
        return 0.0;
    int a0 = p0 > thr, a1 = p1 > thr;
    if (a0 && a1)
        return dt;
    if (!a0 && !a1)
        return 0.0;
    /* one crossing: the part of the interval on the high side */
    double frac = a0 ? (p0 - thr) / (p0 - p1) : (p1 - thr) / (p1 - p0);
    return dt * frac;
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

DS_HOT void ds_summary_add_lanes(ds_summary *s, int l0, int n, double t, const double *contact, const double *protrusion,
                          const double *pressure, const double *height)
{
    if (t < s->from - 1e-9 || t > s->to + 1e-9)
        return;
    for (int j = 0; j < n; j++) {
        const int l = l0 + j;
        double p = s->root ? contact[j] : 0.0, P = pressure[j], dl = s->root ? protrusion[j] : 0.0;
        if (!isnan(s->t_prev[l])) { /* not the lane's first record in the window */
            double t0 = s->t_prev[l], dt = t - t0;
            for (int k = 0; k < s->nthr; k++)
                s->above[(size_t)k * s->nsubj + l] += ds_time_above(t0, s->p_prev[l], t, p, s->thr[k]);
            s->p_int[l] += 0.5 * dt * (p + s->p_prev[l]);
            s->P_int[l] += 0.5 * dt * (P + s->P_prev[l]);
            s->d_int[l] += 0.5 * dt * (dl + s->d_prev[l]);
            s->span[l] += dt;
        }
        s->t_prev[l] = t;
        s->p_prev[l] = p;
        s->P_prev[l] = P;
        s->d_prev[l] = dl;
        s->p_peak[l] = fmax(s->p_peak[l], p);
        s->P_peak[l] = fmax(s->P_peak[l], P);
        s->h_max[l] = fmax(s->h_max[l], height[j]);
        s->h_min[l] = fmin(s->h_min[l], height[j]);
    }
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
