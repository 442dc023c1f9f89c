/* Per-lane step-size control (see control.h). */
#include <math.h>

#include "base/dmath.h"
#include "control.h"

int ds_control_judge(double err, double err_prev, double expo, int rejected_last, double *fac)
{
    double f;
    if (err > 1.0 || !isfinite(err) || !(err_prev > 0.0)) /* a rejection, or no history: I control */
        f = err > 0 ? 0.9 * ds_pow(err, expo) : 5.0;
    else /* PI control: err^(-0.7/k) err_prev^(0.4/k), k = -1/expo */
        f = 0.9 * ds_pow(err > 1e-4 ? err : 1e-4, 0.7 * expo) * ds_pow(err_prev, -0.4 * expo);
    f = f < 0.2 ? 0.2 : f > 5.0 ? 5.0 : f;
    if (err > 1.0 || !isfinite(err)) {
        *fac = f;
        return DS_CONTROL_REJECT;
    }
    if (rejected_last && f > 1.0)
        f = 1.0;
    *fac = f;
    return DS_CONTROL_ACCEPT;
}

double ds_control_retry(double hs, double fac, int by_error)
{
    return hs * (by_error ? fac : 0.25);
}
