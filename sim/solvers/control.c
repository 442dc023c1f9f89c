/* Per-lane step-size control (see control.h). */
#include <math.h>

#include "base/dmath.h"
#include "base/isa.h"
#include "control.h"

DS_HOT void ds_control_judge_lanes(int n, const double *restrict err, const double *restrict err_prev, double expo,
                                   const unsigned char *restrict rejected_last, double *restrict fac,
                                   unsigned char *restrict reject)
{
    const double ei = 0.7 * expo, ep = -0.4 * expo;
    /* both controllers computed on harmless arguments and one selected: no branch in the loop */
#pragma omp simd
    for (int l = 0; l < n; l++) {
        const double e = err[l], p = err_prev ? err_prev[l] : 0.0;
        const int bad = e > 1.0 || !isfinite(e);
        const double f_i = e > 0 ? 0.9 * ds_pow(e > 0 ? e : 1.0, expo) : 5.0; /* a rejection, or no history */
        const double f_pi = 0.9 * ds_pow(e > 1e-4 ? e : 1e-4, ei) * ds_pow(p > 0.0 ? p : 1.0, ep); /* err^(-0.7/k) err_prev^(0.4/k) */
        double f = bad || !(p > 0.0) ? f_i : f_pi;
        f = f < 0.2 ? 0.2 : f > 5.0 ? 5.0 : f;
        f = !bad && rejected_last[l] && f > 1.0 ? 1.0 : f;
        fac[l] = f;
        reject[l] = bad ? DS_CONTROL_REJECT : DS_CONTROL_ACCEPT;
    }
}

double ds_control_retry(double hs, double fac, int by_error)
{
    return hs * (by_error ? fac : 0.25);
}
