/* Per-lane step-size control (Hairer, Norsett & Wanner I, II.4). Private to the solvers.
 *
 * A lane's step is accepted when its weighted RMS error norm err <= 1 (weights
 * atol*scale_i + rtol*max(|x_i|, |xnew_i|)); the next step is h * clamp(0.9 err^(-1/(q+1)),
 * 0.2, 5), q the order of the embedded lower method, and never grows right after a
 * rejection. A step that failed for another reason (Newton, the model's domain, a non-finite
 * state) is retried at a quarter. */
#ifndef DS_SOLVERS_CONTROL_H
#define DS_SOLVERS_CONTROL_H

enum { DS_CONTROL_ACCEPT = 0, DS_CONTROL_REJECT = 1 };

/* Judges one adaptive step with error norm err; *fac receives the factor for the next step. */
int ds_control_judge(double err, double expo, int rejected_last, double *fac);

/* The step to retry with after a rejection of a step hs: by the error (fac) when the step was
 * computed and finite, else a quarter. */
double ds_control_retry(double hs, double fac, int by_error);

#endif
