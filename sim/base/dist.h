/* Distributions for cohorts, by their quantile functions: a design (random, Latin hypercube,
 * Sobol) supplies u in (0, 1) and the quantile turns it into a value, so stratification
 * carries over to the parameter. libm only. */
#ifndef DS_DIST_H
#define DS_DIST_H

typedef enum ds_dist_kind {
    DS_DIST_NORMAL,     /* a = mean, b = standard deviation */
    DS_DIST_LOGNORMAL,  /* log of the value normal: a = median (exp of its mean), b = its sd */
    DS_DIST_UNIFORM,    /* on [lo, hi] */
    DS_DIST_TRUNCNORMAL /* normal (a, b) restricted to [lo, hi] */
} ds_dist_kind;

typedef struct ds_dist {
    ds_dist_kind kind;
    double a, b, lo, hi;
} ds_dist;

/* The standard normal distribution function and its inverse (Wichura's AS 241, about 1e-16
 * relative); the inverse takes p in (0, 1). */
double ds_norm_cdf(double x);
double ds_norm_quantile(double p);

/* The value of distribution d at probability u in (0, 1). */
double ds_dist_quantile(const ds_dist *d, double u);

#endif
