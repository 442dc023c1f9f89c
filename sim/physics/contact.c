/* Herniation protrusion and nerve-root contact (DESIGN §3.4).
 *
 *   delta = delta0 + C_delta P + G_theta theta + G_h (h_ref - h)
 *   g     = g0                          traversing root (paracentral herniation)
 *         = g0 - G_f (h_ref - h)        exiting root (foraminal): the foramen narrows as the disc settles
 *   d     = delta - g,   p = E_root s(d) / D_root
 * s is a C1 ramp that is exactly zero while the gap is open (d <= 0), so exposure above a
 * threshold is never produced by smoothing, and implicit solvers see a C1 function. The
 * root does not push back on the disc: its forces (a few newtons) are small beside the disc
 * load. */
#include <math.h>

#include "discsim/data.h"

double ds_contact_ramp(double d, double eps)
{
    if (d <= 0.0)
        return 0.0;
    if (d < eps)
        return d * d / (2.0 * eps);
    return d - 0.5 * eps;
}
