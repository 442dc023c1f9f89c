/* The benchmarks' heterogeneous cohort (bench_cohort, bench_precision --subjects): L4-L5
 * conductance and swelling pressure, erector spinae tone and body mass drawn by a Latin
 * hypercube, as a --set value for n subjects. */
#ifndef DS_BENCH_COHORT_DRAWS_H
#define DS_BENCH_COHORT_DRAWS_H

#include <stdio.h>

static inline void bench_cohort_set(char *buf, size_t size, int n)
{
    snprintf(buf, size,
             "cohort={n: %d, seed: 1, design: lhs, vary: {"
             "levels.L4L5.permeability: {distribution: lognormal, median: 0.16 mm^3/(MPa*s), sd_log: 0.3}, "
             "levels.L4L5.osmotic_pressure: {distribution: lognormal, median: 0.23 MPa, sd_log: 0.15}, "
             "muscles.erector_spinae.tone: {distribution: lognormal, median: 0.02, sd_log: 0.3}, "
             "body_mass: {distribution: normal, mean: 75kg, sd: 12kg, min: 45kg, max: 130kg}}}",
             n);
}

#endif
