/* The lumbar chain as an ODE system for the integrators (private to the library). */
#ifndef DS_SPINE_H
#define DS_SPINE_H

#include "discsim/data.h"
#include "discsim/solver.h"

/* 1 if any of the n osmotic exponents nosm[0 .. n - 1] is not 2 (NaN included): where none
 * is, the swelling pressure and the drained equilibrium need no power, a product and a
 * square root giving the same bits (ds_data.osm_other, the equilibrium's levels). */
static inline int ds_osm_any_other(const double *nosm, size_t n)
{
    int other = 0;
    for (size_t q = 0; q < n; q++)
        other |= !(nosm[q] == 2.0);
    return other;
}

/* Smoothstep of order 5: zero first and second derivatives at both ends, so a ramped load
 * is C2 and high-order methods keep their order through it. */
static inline double ds_ramp_inline(double s)
{
    s = s < 0.0 ? 0.0 : s > 1.0 ? 1.0 : s;
    return s * s * s * (10.0 + s * (-15.0 + 6.0 * s));
}

/* Fraction of the current segment's ramp completed at time t. */
static inline double ds_seg_frac(const ds_load_segment *seg, double t)
{
    double span = seg->t1 - seg->t0;
    return span > 0.0 ? ds_ramp_inline((t - seg->t0) / span) : 1.0;
}

static inline double ds_load_at(const ds_data *d, int i, int l, double t)
{
    size_t q = (size_t)i * d->m->stride + l;
    return d->seg.from.load[q] + (d->seg.to.load[q] - d->seg.from.load[q]) * ds_seg_frac(&d->seg, t);
}

/* Fills sys (rhs, jac, scales, names) for the model's variant; ctx is d. */
void ds_spine_system(const ds_model *m, ds_data *d, ds_system *sys);
/* The right-hand sides and Jacobians it hands out (ds_rhs_fn, ds_jac_fn; ctx is the
 * ds_data), for the quasi-static and the inertial variant. */
void ds_spine_rhs_qs(void *ctx, const double *restrict t, const double *restrict x, double *restrict f,
                     signed char *restrict flag);
void ds_spine_jac_qs(void *ctx, const double *restrict t, const double *restrict x, double *restrict J);
void ds_spine_rhs_in(void *ctx, const double *restrict t, const double *restrict x, double *restrict f,
                     signed char *restrict flag);
void ds_spine_jac_in(void *ctx, const double *restrict t, const double *restrict x, double *restrict J);

/* Outputs (disc and muscles) at a common time t for state x into d->out, d->mact, d->mforce. */
void ds_spine_observe(const ds_model *m, ds_data *d, double t, const double *x);
/* The same for level index `level` and the root only: what the summary metrics need
 * (--record summary). Of the level's outputs only height and pressure are set. */
void ds_spine_observe_level(const ds_model *m, ds_data *d, double t, const double *x, int level);
/* The states ds_spine_observe_level reads for `level` (at most DS_SUMMARY_ROWS), into rows:
 * their number. Only these need to be interpolated for it. */
enum { DS_SUMMARY_ROWS = 3 };
int ds_spine_summary_rows(const ds_model *m, int level, int *rows);

/* Drained equilibrium (P = pi(V), zero velocity, activation = excitation) of every lane
 * under constant loads (N, [level][stride]) and excitations ([group][level][stride], or
 * NULL for none) into x ([nx][stride]). */
ds_status ds_spine_equilibrium(const ds_model *m, const double *load, const double *act, double *x, ds_error *err);

#endif
