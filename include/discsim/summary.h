/* Exposure and summary metrics of a run, per subject (DESIGN §3.4): minutes of root contact
 * pressure above each physiological threshold, peak and time-averaged contact pressure,
 * time-averaged and peak nucleus pressure and the height lost at the herniated level (the
 * first simulated level when there is no herniation). Accumulated as records stream by, over
 * a window [from, to]; between records the signals are taken as piecewise linear, so time
 * above a threshold is exact for piecewise-linear signals. */
#ifndef DISCSIM_SUMMARY_H
#define DISCSIM_SUMMARY_H

#include "discsim/model.h"

enum { DS_MAX_METRICS = 16 };

typedef struct ds_metric {
    char name[96];
    char unit[16];
    char description[240];
    double *value; /* [subject] */
} ds_metric;

typedef struct ds_summary {
    int nsubj, nthr, root;          /* root: a herniation is simulated */
    double from, to;                /* window, s */
    double thr[DS_MAX_THRESHOLDS];  /* mmHg */
    int nmetric;
    ds_metric metric[DS_MAX_METRICS];
    /* accumulators, per subject (NULL: ds_summary_init_results) */
    double *t_prev, *p_prev, *P_prev;
    double *above;                  /* [thr][subject] s */
    double *p_int, *P_int, *d_int, *span; /* integrals and time covered */
    double *d_prev;
    double *p_peak, *P_peak, *h_max, *h_min;
    void *mem_;
} ds_summary;

/* Time (s) a linear signal from (t0, p0) to (t1, p1) spends strictly above thr. */
double ds_time_above(double t0, double p0, double t1, double p1, double thr);

ds_status ds_summary_init(ds_summary *s, const ds_model *m, int nsubj, double from, double to, ds_error *err);
/* The metrics' arrays only, without accumulators: the results of blocks that each summarise
 * their own subjects (their accumulators live only while they run). Only the arrays behind
 * metric[].value may be used. */
ds_status ds_summary_init_results(ds_summary *s, const ds_model *m, int nsubj, double from, double to, ds_error *err);

/* Whether a record at time t falls in the summaries' window (the records outside it add
 * nothing: a run that keeps only summaries need not observe them). */
int ds_summary_takes(const ds_summary *s, double t);

/* Adds one record: contact pressure (mmHg) and protrusion (mm) of the herniation (both
 * ignored without one), nucleus pressure (MPa) and disc height (mm) per subject; _lanes for
 * lanes l0 .. l0 + n - 1 only (a block of a batch), the arrays holding their n values. */
void ds_summary_add_lanes(ds_summary *s, int l0, int n, double t, const double *contact, const double *protrusion,
                          const double *pressure, const double *height);
void ds_summary_add(ds_summary *s, double t, const double *contact, const double *protrusion, const double *pressure,
                    const double *height);

/* Fills the metrics from the accumulators (of lanes l0 .. l0 + n - 1 only: a block). */
void ds_summary_finish(ds_summary *s);
void ds_summary_finish_lanes(ds_summary *s, int l0, int n);

void ds_summary_free(ds_summary *s);

#endif
