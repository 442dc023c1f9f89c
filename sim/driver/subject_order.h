/* The order in which a run's subjects fill its blocks (private to the driver).
 *
 * A block steps until its slowest lane is done, so lanes that need fewer steps wait for it.
 * A cohort's subjects are therefore put into blocks in order of what sets how many steps
 * they need: their body mass, which sets the chain's loads and the vertebrae's inertia (on
 * bench_cohort's cohort it ranks a subject's attempted steps with Spearman's 0.80 quasi-
 * static and 0.985 inertial; the other drawn parameters below 0.12). The heaviest come
 * first: the threads take blocks in turn, and the last ones handed out, which decide when
 * the last thread is done, are then the lightest (longest first, as in scheduling; 200
 * inertial subjects, 25 blocks, on two threads: 0.089-0.093 s against 0.090-0.096 s
 * lightest first, five runs of each in turns). A subject's numbers are
 * its own whatever its companions, so the datasets do not change; the driver works in run
 * positions (block i holds positions i B .. i B + B - 1) and hands its sink and caller
 * everything in subject order. */
#ifndef DS_DRIVER_SUBJECT_ORDER_H
#define DS_DRIVER_SUBJECT_ORDER_H

#include <stdint.h>

#include "discsim/run.h"

/* The subject at each run position, into *order (malloc'd, nsubj), or NULL when it is the
 * subjects' own order (no cohort, or one whose body mass does not vary). */
ds_status ds_subject_order(const ds_scenario *sc, int **order, ds_error *err);

/* The lanes of run positions l0 .. l0 + n - 1, the subjects order[l0 ..] (order NULL: the
 * subjects l0 ..; ds_scenario_lanes): only a cohort's subjects are put in another order. */
ds_status ds_scenario_lanes_at(const ds_scenario *sc, const int *order, int l0, int n, ds_model *out, ds_error *err);

/* v[order[p]] = v[p] for every position p: values of positions put in subject order, in
 * place (tmp: n doubles, or n int64s for the second). */
void ds_order_doubles(const int *order, int n, double *v, double *tmp);
void ds_order_int64s(const int *order, int n, int64_t *v, int64_t *tmp);
/* The same for a record laid out [series][position] into out, [series][subject]. */
void ds_order_record(const int *order, int n, int nseries, const double *in, double *out);

#endif
