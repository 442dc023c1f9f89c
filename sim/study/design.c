/* Designs: where in the unit cube each subject of a cohort sits (DESIGN §6). */
#include "discsim/cohort.h"

#include <gsl/gsl_qrng.h>
#include <stdlib.h>

#include "base/rng.h"

const char *const ds_design_names[] = {"random", "lhs", "sobol", "saltelli", NULL};

/* A Sobol sequence from GSL, point `subject` for subject `subject` (the first point is the
 * cube's centre, never a corner). GSL allocates more than 40 dimensions without complaint
 * and then returns zeros, hence the bound checked by the caller. */
static ds_status sobol(int n, int d, double *u, ds_error *err)
{
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)d);
    double *x = malloc((size_t)d * sizeof *x);
    if (!q || !x) {
        gsl_qrng_free(q);
        free(x);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the Sobol sequence");
    }
    ds_status st = DS_OK;
    for (int l = 0; l < n && !st; l++) {
        if (gsl_qrng_get(q, x))
            st = ds_fail(err, DS_ERR_INPUT, "the Sobol sequence ends before subject %d", l);
        for (int k = 0; k < d && !st; k++)
            u[(size_t)k * n + l] = x[k];
    }
    gsl_qrng_free(q);
    free(x);
    return st;
}

/* A and B from one 2d-dimensional Sobol sequence, arranged in blocks (see cohort.h). */
static ds_status saltelli(int n, int d, double *u, ds_error *err)
{
    if (d < 1 || n % (d + 2))
        return ds_fail(err, DS_ERR_USAGE, "a saltelli design of %d parameters needs a multiple of %d subjects", d, d + 2);
    if (2 * d > DS_SOBOL_MAX_DIM)
        return ds_fail(err, DS_ERR_INPUT, "a saltelli design takes at most %d parameters, not %d (it draws from a "
                                          "%d-dimensional Sobol sequence)", DS_SOBOL_MAX_DIM / 2, d, 2 * d);
    const int nb = n / (d + 2);
    double *ab = malloc((size_t)nb * 2 * d * sizeof *ab);
    if (!ab)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the saltelli design");
    ds_status st = sobol(nb, 2 * d, ab, err); /* ab[k * nb + j], k < 2d */
    for (int j = 0; !st && j < nb; j++)
        for (int m = 0; m < d + 2; m++) {
            size_t subject = (size_t)j * (d + 2) + m;
            for (int k = 0; k < d; k++) {
                int from_b = m == 1 || (m >= 2 && k == m - 2);
                u[(size_t)k * n + subject] = ab[(size_t)(k + (from_b ? d : 0)) * nb + j];
            }
        }
    free(ab);
    return st;
}

ds_status ds_design_points(ds_design design, uint64_t seed, int n, int d, double *u, ds_error *err)
{
    if (n < 1 || d < 0 || d > DS_MAX_VARY)
        return ds_fail(err, DS_ERR_USAGE, "ds_design_points: %d subjects, %d parameters", n, d);
    ds_status st = DS_OK;
    switch (design) {
    case DS_DESIGN_RANDOM:
    case DS_DESIGN_LHS: {
        /* each value is a function of (seed, subject, parameter) alone, so the threads
         * (ds_threads_default) leave the points as they are; a Latin hypercube's point takes
         * about nine Philox draws (its permutation walks a cycle), 16 ms for 32,000 subjects
         * of four parameters, all before the first block could run */
        const long total = (long)n * d;
#pragma omp parallel for schedule(static) if (total >= 4096)
        for (long i = 0; i < total; i++) {
            const uint64_t l = (uint64_t)(i % n);
            const uint32_t k = (uint32_t)(i / n);
            u[i] = design == DS_DESIGN_LHS ? ds_rng_lhs(seed, (uint64_t)n, l, k) : ds_rng_u01(seed, l, k, 0);
        }
        break;
    }
    case DS_DESIGN_SOBOL:
        if (d > DS_SOBOL_MAX_DIM)
            return ds_fail(err, DS_ERR_INPUT, "a Sobol design takes at most %d parameters, not %d", DS_SOBOL_MAX_DIM, d);
        st = sobol(n, d, u, err);
        break;
    case DS_DESIGN_SALTELLI:
        st = saltelli(n, d, u, err);
        break;
    default:
        return ds_fail(err, DS_ERR_USAGE, "ds_design_points: unknown design %d", (int)design);
    }
    for (size_t i = 0; !st && i < (size_t)n * d; i++)
        if (!(u[i] > 0.0 && u[i] < 1.0))
            st = ds_fail(err, DS_ERR_NUMERIC, "the %s design put subject %zu on the unit cube's boundary (%g)",
                         ds_design_names[design], i % (size_t)n, u[i]);
    return st;
}
