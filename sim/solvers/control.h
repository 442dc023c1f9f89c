/* Per-lane step-size control (Hairer, Norsett & Wanner I, II.4; Gustafsson 1991). Private
 * to the solvers.
 *
 * A lane's step is accepted when its weighted RMS error norm err <= 1 (weights
 * atol*scale_i + rtol*max(|x_i|, |xnew_i|)). With k = q + 1, q the order the error estimate
 * is taken as, the next step is h * clamp(f, 0.2, 5) with the PI controller
 * f = 0.9 err^(-0.7/k) err_prev^(0.4/k) when the last accepted step's err_prev is given
 * (> 0), else the I controller f = 0.9 err^(-1/k) (always after a rejection); it never
 * grows right after a rejection. A step that failed for another reason (Newton, the model's
 * domain, a non-finite state) is retried at a quarter. */
#ifndef DS_SOLVERS_CONTROL_H
#define DS_SOLVERS_CONTROL_H

#include <stdint.h>

enum { DS_CONTROL_ACCEPT = 0, DS_CONTROL_REJECT = 1 };

/* Judges the adaptive steps of lanes 0 .. n-1 with error norms err (err_prev: the last
 * accepted steps', or NULL for I control): reject[l] is DS_CONTROL_REJECT or _ACCEPT, fac[l]
 * the factor for the next step (the flags 64 bits wide: the evolver's ds_flag). Every lane's
 * arithmetic is its own; the lanes go in vectors. */
void ds_control_judge_lanes(int n, const double *err, const double *err_prev, double expo,
                            const int64_t *rejected_last, double *fac, int64_t *reject);

/* The step to retry with after a rejection of a step hs: by the error (fac) when the step was
 * computed and finite, else a quarter (inline: the evolver's lane loop calls it). */
static inline double ds_control_retry(double hs, double fac, int by_error) { return hs * (by_error ? fac : 0.25); }

#endif
