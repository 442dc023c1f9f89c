/* Per-lane step-size control (see control.h). */
#include <math.h>

#include "base/dmath.h"
#include "control.h"

int ds_control_judge(double err, double expo, int rejected_last, double *fac)
{
    double f = err > 0 ? 0.9 * ds_pow(err, expo) : 5.0;
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
