/* Drawing a cohort and writing it into the model's lanes (see discsim/cohort.h). */
#include "discsim/cohort.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/dist.h"

/* The marginal of a varied parameter as a base distribution. */
static ds_dist marginal(const ds_vary *v)
{
    ds_dist d = {.a = v->a, .b = v->b, .lo = v->lo, .hi = v->hi};
    switch (v->dist) {
    case DS_VARY_LOGNORMAL:
        d.kind = DS_DIST_LOGNORMAL;
        break;
    case DS_VARY_UNIFORM:
        d.kind = DS_DIST_UNIFORM;
        d.lo = v->a;
        d.hi = v->b;
        break;
    default:
        d.kind = isinf(v->lo) && isinf(v->hi) ? DS_DIST_NORMAL : DS_DIST_TRUNCNORMAL;
    }
    return d;
}

/* The Gaussian copula: z = Phi^-1(u), z <- L z, u = Phi(z), per subject. The factor comes
 * from GSL (a one-off, outside the hot loop). */
static ds_status correlate(const ds_cohort *c, double *u, ds_error *err)
{
    const int d = c->nvary, n = c->n;
    gsl_matrix *L = gsl_matrix_alloc((size_t)d, (size_t)d);
    double *z = malloc((size_t)d * sizeof *z);
    if (!L || !z) {
        gsl_matrix_free(L);
        free(z);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the correlations");
    }
    for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++)
            gsl_matrix_set(L, (size_t)i, (size_t)j, c->corr[i * DS_MAX_VARY + j]);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int bad = gsl_linalg_cholesky_decomp1(L);
    gsl_set_error_handler(old);
    ds_status st = DS_OK;
    if (bad)
        st = ds_fail(err, DS_ERR_INPUT, "cohort.correlations: the correlation matrix is not positive definite "
                                        "(the stated correlations contradict one another)");
    for (int l = 0; l < n && !st; l++) {
        for (int k = 0; k < d; k++)
            z[k] = ds_norm_quantile(u[(size_t)k * n + l]);
        for (int k = d - 1; k >= 0; k--) { /* z <- L z in place, bottom row first */
            double s = 0.0;
            for (int j = 0; j <= k; j++)
                s += gsl_matrix_get(L, (size_t)k, (size_t)j) * z[j];
            z[k] = s;
        }
        for (int k = 0; k < d; k++) {
            double p = ds_norm_cdf(z[k]);
            /* Phi rounds to 0 or 1 beyond about 8.3 sd: keep u strictly inside (0, 1) */
            u[(size_t)k * n + l] = p <= 0.0 ? 1e-300 : p >= 1.0 ? 1.0 - 0x1p-53 : p;
        }
    }
    gsl_matrix_free(L);
    free(z);
    return st;
}

ds_status ds_cohort_draw(ds_cohort *c, ds_error *err)
{
    free(c->value);
    c->value = NULL;
    if (c->n < 1 || c->nvary < 0 || c->nvary > DS_MAX_VARY)
        return ds_fail(err, DS_ERR_USAGE, "ds_cohort_draw: %d subjects, %d parameters", c->n, c->nvary);
    size_t cells = (size_t)c->n * (c->nvary ? (size_t)c->nvary : 1);
    c->value = malloc(cells * sizeof *c->value);
    if (!c->value)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for a cohort of %d subjects", c->n);
    if (!c->nvary)
        return DS_OK;
    ds_status st = ds_design_points(c->design, c->seed, c->n, c->nvary, c->value, err);
    if (!st && c->correlated)
        st = correlate(c, c->value, err);
    /* each value from its own point alone, on the threads of ds_threads_default (the points
     * are the same whatever they are); then the first that is not a number, in order */
    for (int k = 0; !st && k < c->nvary; k++) {
        const ds_dist d = marginal(&c->vary[k]);
        double *restrict x = c->value + (size_t)k * c->n;
#pragma omp parallel for schedule(static) if (c->n >= 4096)
        for (int l = 0; l < c->n; l++)
            x[l] = ds_dist_quantile(&d, x[l]);
        for (int l = 0; !st && l < c->n; l++)
            if (!isfinite(x[l]))
                st = ds_fail(err, DS_ERR_NUMERIC, "cohort.vary.%s: subject %d drew %g", c->vary[k].key, l, x[l]);
    }
    return st;
}
