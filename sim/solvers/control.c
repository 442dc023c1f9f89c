/* Per-lane step-size control (see control.h). */
#include <math.h>

#include "base/dmath.h"
#include "base/isa.h"
#include "control.h"

/* One lane's step factor; p = 0 when there is no previous error. Both controllers are
 * computed on harmless arguments and one selected, with no call under a condition and only
 * doubles (GCC does not vectorize this loop with the verdicts' bytes in it). */
static inline double factor(double e, double p, double expo, double ei, double ep)
{
    double f_i = 0.9 * ds_pow(e > 0 ? e : 1.0, expo);
    f_i = e > 0 ? f_i : 5.0; /* a rejection, or no history */
    const double f_pi = 0.9 * ds_pow(e > 1e-4 ? e : 1e-4, ei) * ds_pow(p > 0.0 ? p : 1.0, ep); /* err^(-0.7/k) err_prev^(0.4/k) */
    /* f_i for a rejection (e > 1 or not finite) or without history, one select at a time: GCC
     * does not vectorize the combined condition */
    double f = p > 0.0 ? f_pi : f_i;
    f = e > 1.0 ? f_i : f;
    f = isfinite(e) ? f : f_i;
    return f < 0.2 ? 0.2 : f > 5.0 ? 5.0 : f;
}

DS_HOT void ds_control_judge_lanes(int n, const double *restrict err, const double *restrict err_prev, double expo,
                                   const int64_t *restrict rejected_last, double *restrict fac,
                                   int64_t *restrict reject)
{
    const double ei = 0.7 * expo, ep = -0.4 * expo;
    if (err_prev) {
#pragma omp simd
        for (int l = 0; l < n; l++)
            fac[l] = factor(err[l], err_prev[l], expo, ei, ep);
    } else {
#pragma omp simd
        for (int l = 0; l < n; l++)
            fac[l] = factor(err[l], 0.0, expo, ei, ep);
    }
    for (int l = 0; l < n; l++) { /* the verdicts, and no growth right after a rejection */
        const int bad = err[l] > 1.0 || !isfinite(err[l]);
        fac[l] = !bad && rejected_last[l] && fac[l] > 1.0 ? 1.0 : fac[l];
        reject[l] = bad ? DS_CONTROL_REJECT : DS_CONTROL_ACCEPT;
    }
}
