/* Counter-based random numbers for cohorts (DESIGN §6): every draw is a pure function of
 * (seed, subject, parameter, draw), so a subject's values never depend on how the cohort is
 * split over batches, threads or ranks, or on which subjects share its batch. */
#ifndef DS_RNG_H
#define DS_RNG_H

#include <stdint.h>

/* Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC11, 2011): a 4 x 32-bit counter and a 2 x 32-bit key give 4 x 32 random bits. */
void ds_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* A uniform number in the open interval (0, 1), 53 random bits, for the given seed, subject
 * index, parameter number and draw number. */
double ds_rng_u01(uint64_t seed, uint64_t subject, uint32_t param, uint32_t draw);

/* Latin hypercube over n subjects: for each parameter the subjects' strata [k/n, (k+1)/n)
 * are a permutation of 0..n-1 (a keyed Feistel network with cycle walking, so each subject's
 * stratum is found without the others'), and the value is uniform inside its stratum. For
 * subject < n; NaN otherwise. */
double ds_rng_lhs(uint64_t seed, uint64_t n, uint64_t subject, uint32_t param);

#endif
