/* A cohort's paired effects and what predicts them (private to the study layer). */
#ifndef DS_COHORT_STATS_H
#define DS_COHORT_STATS_H

#include <stdio.h>

#include "discsim/table.h"
#include "discsim/cohort.h"
#include "discsim/run.h"
#include "discsim/summary.h"

enum { DS_NSTAT = 10,   /* n, mean, 95 % CI (2), sd, 5/25/50/75/95 % quantiles */
       DS_NSOBOL = 6,   /* first-order index and its 95 % interval, total index and its interval */
       DS_NBOOT = 1000 }; /* bootstrap resamples of the Sobol indices */

typedef struct ds_cohort_stats {
    int narm, nmetric, nkept;
    unsigned char *keep; /* [subject]: finished in every arm */
    double *stat;       /* [arm-1][metric][DS_NSTAT] */
    double *rho;        /* [arm-1][metric][vary] */
    double *responders; /* [arm-1][metric]: share, NaN where not a minutes-above metric */
    int sobol_blocks;   /* saltelli design: base points kept */
    double *sobol;      /* saltelli design: [arm][metric][vary][DS_NSOBOL]; arm 0 the reference arm's
                           own metric, arm v >= 1 its paired effect */
} ds_cohort_stats;

/* keep[l] = 1 where subject l finished every one of the nvariant runs (a failed subject's
 * metrics are NaN), so that means and effects are over the same subjects; returns how many. */
int ds_finished_subjects(const ds_summary *sum, int nvariant, int n, unsigned char *keep);

/* Which subjects finished every one of the narm variants and, when paired (arms), the
 * effects of variants 1.. against variant 0. */
ds_status ds_cohort_effects(const ds_cohort *c, int narm, int paired, const ds_summary *sum, ds_cohort_stats *out,
                            ds_error *err);
void ds_cohort_print(FILE *out, const ds_cohort *c, char (*arm)[64], const ds_summary *sum, const ds_cohort_stats *cs);
/* The same as tables for programs: cohort_effects (a row per arm and metric: the paired
 * effect's statistics and responder share), cohort_correlations (arm, metric, parameter,
 * Spearman's rho) and, with a saltelli design, sobol. Fills t[0..*n). */
ds_status ds_cohort_tables(ds_table t[3], int *n, const ds_cohort *c, char (*arm)[64], const ds_summary *sum,
                           const ds_cohort_stats *cs, ds_error *err);
/* /cohort/{parameters,failed,effect} */
ds_status ds_cohort_put(const ds_record_sink *w, const ds_cohort *c, char (*arm)[64], const ds_summary *sum,
                        const ds_cohort_stats *cs, ds_error *err);
void ds_cohort_stats_free(ds_cohort_stats *s);

#endif
