/* Virtual cohorts (DESIGN §6): n subjects whose parameters are drawn from stated
 * distributions, one lane each.
 *
 * A design gives every subject a point u in the open unit cube, one coordinate per varied
 * parameter: independent uniforms (random), a Latin hypercube (lhs) or a Sobol sequence
 * (sobol). Random and lhs draws are pure functions of (seed, subject index), so a subject's
 * values never depend on how the cohort is split; a Sobol point is the subject's index in the
 * sequence. Correlations, where given, act through a Gaussian copula (u -> z = Phi^-1(u),
 * z -> L z with L the Cholesky factor of the correlation matrix, back to u), and each
 * coordinate then goes through its parameter's quantile function, so that the marginals are
 * exactly the distributions stated. */
#ifndef DISCSIM_COHORT_H
#define DISCSIM_COHORT_H

#include <stdint.h>
#include <stdlib.h>

#include "discsim/model.h"
#include "discsim/status.h"

enum { DS_MAX_VARY = 64, DS_SOBOL_MAX_DIM = 40 }; /* GSL's Sobol tables stop at 40 */

/* saltelli: the design for Sobol sensitivity indices (Saltelli et al. 2010, Comput Phys
 * Commun 181:259-270): base points j = 0..N-1 of a 2d-dimensional Sobol sequence split into
 * A (the first d coordinates) and B (the last d), and subjects in blocks of d + 2 per base
 * point: A_j, B_j, then A_j with coordinate i taken from B_j for i = 0..d-1. */
typedef enum ds_design { DS_DESIGN_RANDOM = 0, DS_DESIGN_LHS = 1, DS_DESIGN_SOBOL = 2, DS_DESIGN_SALTELLI = 3 } ds_design;

/* What a varied parameter is in the model. */
typedef enum ds_vary_target {
    DS_VARY_LANE, /* a per-subject scalar, DS_LP_* */
    DS_VARY_TONE, /* resting tone of muscle group `index` */
    DS_VARY_DISC  /* disc parameter DS_PAR_* `index` of level index `level` */
} ds_vary_target;

typedef enum ds_vary_dist {
    DS_VARY_NORMAL,    /* mean, sd; truncated to [min, max] when either is given */
    DS_VARY_LOGNORMAL, /* median, sd_log (sd of the natural log) */
    DS_VARY_UNIFORM    /* min, max */
} ds_vary_dist;

typedef struct ds_vary {
    char key[128];         /* as written under vary:, e.g. herniation.size */
    char unit[16];         /* the model's unit, in which the numbers below are held */
    ds_vary_target target;
    int index, level;
    ds_vary_dist dist;
    double a, b;           /* mean and sd, or median and sd_log, or min and max */
    double lo, hi;         /* truncation (normal), -inf / +inf when none */
} ds_vary;

typedef struct ds_cohort {
    int enabled;
    int n;                 /* subjects (saltelli: nbase (nvary + 2)) */
    int nbase;             /* saltelli: base points N as written in cohort.n */
    uint64_t seed;
    ds_design design;
    int nvary;
    ds_vary vary[DS_MAX_VARY];
    double corr[DS_MAX_VARY * DS_MAX_VARY]; /* [i][j], the identity when none is given */
    int correlated;
    double responder;      /* s: a responder's minutes above a threshold fall by more than this (< 0: not reported) */
    double *value;         /* [vary][subject]: the drawn values, model units (owned) */
} ds_cohort;

extern const char *const ds_design_names[]; /* by ds_design */

/* The design's points u[k * n + subject] in (0, 1) for k < d (saltelli: n a multiple of
 * d + 2). Errors: a Sobol design past DS_SOBOL_MAX_DIM dimensions (2d for saltelli), or a
 * point on the cube's boundary. */
ds_status ds_design_points(ds_design design, uint64_t seed, int n, int d, double *u, ds_error *err);

/* Sobol indices of an output f over a saltelli design of nbase blocks (f[block * (d + 2) +
 * m], see DS_DESIGN_SALTELLI; a block with a NaN is left out): first-order S[i] by Saltelli
 * 2010's estimator, total ST[i] by Jansen's, each normalised by the variance of f over A and
 * B, with 95 % percentile bootstrap intervals over the blocks (nboot resamples drawn from
 * the counter-based stream of `seed`, so they are reproducible). ci arrays are [i][2].
 * *nused: blocks kept. */
ds_status ds_sobol_indices(const double *f, int nbase, int d, uint64_t seed, int nboot, double *S, double *ST,
                           double *S_ci, double *ST_ci, int *nused, ds_error *err);

/* Draws every subject's values into c->value (allocated here). The correlation matrix must
 * be symmetric positive definite; an error says so. */
ds_status ds_cohort_draw(ds_cohort *c, ds_error *err);

/* Writes the drawn values into the model's lanes (m->nsubj == c->n). A value the model
 * refuses (e.g. a negative stiffness from an unbounded normal) is an error naming the
 * subject and the parameter. */
ds_status ds_cohort_apply(const ds_cohort *c, ds_model *m, ds_error *err);

/* The same for subjects l0 .. l0 + m->nsubj - 1 into lanes 0 .. m->nsubj - 1 (a block). */
ds_status ds_cohort_apply_lanes(const ds_cohort *c, int l0, ds_model *m, ds_error *err);

/* Applies every subject's values to a one-lane copy of the model tmpl, so that a value the
 * model refuses is found when the cohort is loaded, not when its block runs. */
ds_status ds_cohort_check(const ds_cohort *c, const ds_model *tmpl, ds_error *err);

/* Inline so that the core's ds_scenario_free can release a cohort without the study layer. */
static inline void ds_cohort_free(ds_cohort *c)
{
    if (c) {
        free(c->value);
        c->value = NULL;
    }
}

#endif
