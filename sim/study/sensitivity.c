/* Sobol sensitivity indices from a saltelli design (see discsim/cohort.h): which unknown
 * drives a cohort's answer. */
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

#include "base/rng.h"
#include "discsim/cohort.h"

/* Both indices of every parameter over the blocks listed in idx[0..nb). */
static void estimate(const double *f, int d, const int *idx, int nb, double *S, double *ST, double *work)
{
    /* the variance of f over A and B together */
    int m = 0;
    for (int t = 0; t < nb; t++) {
        const double *b = f + (size_t)idx[t] * (d + 2);
        work[m++] = b[0];
        work[m++] = b[1];
    }
    double var = gsl_stats_variance(work, 1, (size_t)m);
    for (int i = 0; i < d; i++) {
        double s1 = 0.0, st = 0.0;
        for (int t = 0; t < nb; t++) {
            const double *b = f + (size_t)idx[t] * (d + 2);
            double fa = b[0], fb = b[1], fab = b[2 + i];
            s1 += fb * (fab - fa);
            st += (fa - fab) * (fa - fab);
        }
        S[i] = var > 0 ? s1 / nb / var : NAN;
        ST[i] = var > 0 ? st / (2.0 * nb) / var : NAN;
    }
}

ds_status ds_sobol_indices(const double *f, int nbase, int d, uint64_t seed, int nboot, double *S, double *ST,
                           double *S_ci, double *ST_ci, int *nused, ds_error *err)
{
    if (nbase < 1 || d < 1 || nboot < 0)
        return ds_fail(err, DS_ERR_USAGE, "ds_sobol_indices: %d blocks, %d parameters", nbase, d);
    int *idx = malloc((size_t)nbase * sizeof *idx), *res = malloc((size_t)nbase * sizeof *res);
    double *work = malloc(2 * (size_t)nbase * sizeof *work);
    double *bs = malloc((size_t)(nboot ? nboot : 1) * 2 * d * sizeof *bs), *tmp = malloc(2 * (size_t)d * sizeof *tmp);
    if (!idx || !res || !work || !bs || !tmp) {
        free(idx), free(res), free(work), free(bs), free(tmp);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the Sobol indices");
    }
    int nb = 0;
    for (int j = 0; j < nbase; j++) {
        int ok = 1;
        for (int m = 0; m < d + 2; m++)
            ok &= !isnan(f[(size_t)j * (d + 2) + m]);
        if (ok)
            idx[nb++] = j;
    }
    *nused = nb;
    estimate(f, d, idx, nb, S, ST, work);
    /* the bootstrap: blocks resampled with replacement, draw r of resample b keyed (seed, b, r) */
    for (int b = 0; b < nboot && nb > 1; b++) {
        for (int r = 0; r < nb; r++) {
            int k = (int)(ds_rng_u01(seed, (uint64_t)b, 0x5a17e11u, (uint32_t)r) * nb);
            res[r] = idx[k < nb ? k : nb - 1];
        }
        estimate(f, d, res, nb, tmp, tmp + d, work);
        for (int i = 0; i < 2 * d; i++)
            bs[(size_t)i * nboot + b] = tmp[i];
    }
    for (int i = 0; i < 2 * d; i++) {
        double *col = bs + (size_t)i * nboot, lo = NAN, hi = NAN;
        if (nboot && nb > 1 && !isnan(i < d ? S[i] : ST[i - d])) {
            gsl_sort(col, 1, (size_t)nboot);
            lo = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)nboot, 0.025);
            hi = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)nboot, 0.975);
        }
        double *ci = i < d ? &S_ci[2 * i] : &ST_ci[2 * (i - d)];
        ci[0] = lo;
        ci[1] = hi;
    }
    free(idx), free(res), free(work), free(bs), free(tmp);
    return DS_OK;
}
