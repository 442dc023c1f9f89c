/* The lumbar chain as an ODE system for the integrators (private to the library). */
#ifndef DS_SPINE_H
#define DS_SPINE_H

#include "discsim/data.h"
#include "discsim/solver.h"

/* Smoothstep of order 5: zero first and second derivatives at both ends, so a ramped load
 * is C2 and high-order methods keep their order through it. */
static inline double ds_ramp_inline(double s)
{
    s = s < 0.0 ? 0.0 : s > 1.0 ? 1.0 : s;
    return s * s * s * (10.0 + s * (-15.0 + 6.0 * s));
}

static inline double ds_load_at(const ds_load_segment *seg, int i, double t)
{
    double span = seg->t1 - seg->t0;
    double s = span > 0.0 ? (t - seg->t0) / span : 1.0;
    return seg->load_from[i] + (seg->load_to[i] - seg->load_from[i]) * ds_ramp_inline(s);
}

/* Fills sys (rhs, jac, scales, names) for the model's variant; ctx is d. */
void ds_spine_system(const ds_model *m, ds_data *d, ds_system *sys);

/* Outputs at per-lane... a common time t for state x into d->out. */
void ds_spine_observe(const ds_model *m, ds_data *d, double t, const double *x);

/* Drained equilibrium (P = pi(V), zero velocity) of every lane under constant loads
 * (N, per level) into x ([nx][stride]). */
ds_status ds_spine_equilibrium(const ds_model *m, const double *load, double *x, ds_error *err);

#endif
