/* The static optimisation's balance at one level for a vector of lanes (loads.c, DESIGN
 * §3.3): minimise sum_g w_g a_g^2 subject to sum_g c_g a_g = target and lo_g <= a_g <= 1. */
#ifndef DS_BALANCE_H
#define DS_BALANCE_H

#include "discsim/model.h"

enum { DS_BAL_LANES = DS_LANE_ALIGN, DS_BAL_BP = 2 * DS_MAX_GROUPS + 1 };

/* The balance for a vector of lanes (DS_BAL_LANES, each lane its own problem; arrays
 * [group][lane]): activations a with sum_g c a = target, or saturated if out of reach, and
 * the residual sum_g c a - target. Every lane gets the bits a lane alone got by sorting its
 * breakpoints (stably: ties such as 0 and -0 in their order) and scanning them for the
 * first whose moment reaches the target, but without the sort, with selects instead of
 * branches so that the loops vectorize:
 *   - each group's two breakpoints (a group with c = 0 or w = 0 has none), and the moment at
 *     each; the moment does not decrease with lam, term by term in floating point too, so
 *     the sorted scan's breakpoints are extremes of the unsorted ones:
 *   - the first sorted, the smallest (the first of equal ones); the last, the largest (the
 *     last of equal ones);
 *   - the first reached, the smallest whose moment reaches the target (the first of equal
 *     ones), and the one before it, the largest whose moment falls short (the last);
 *   - none reached: the last, and before it, for the linear piece a target that is NaN
 *     still meets, the moment of the largest breakpoint below it (the last's own when it
 *     comes twice).
 * (An odd-even transposition sort of the 2 n + 1 breakpoints was most of the balance.) */
void ds_balance_lanes(int n, const double (*c)[DS_BAL_LANES], const double (*w)[DS_BAL_LANES],
                      const double (*lo)[DS_BAL_LANES], const double *target, double (*a)[DS_BAL_LANES], double *res);

#endif
