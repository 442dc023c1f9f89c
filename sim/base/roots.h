/* A safeguarded scalar root finder (libc and libm only, so the core needs no GSL). */
#ifndef DS_ROOTS_H
#define DS_ROOTS_H

enum { DS_ROOT_OK = 0, DS_ROOT_NO_BRACKET = 1, DS_ROOT_NO_CONVERGENCE = 2 };

/* Brent's method (R. P. Brent, Algorithms for Minimization without Derivatives, 1973, ch. 4,
 * the "zeroin" algorithm): inverse quadratic interpolation and secant steps, each checked
 * against bisection of the bracket, so it never leaves [a, b] and converges at least as fast
 * as bisection. f(a) and f(b) must differ in sign (or one be zero). Stops when the bracket is
 * below 2 eps |x| + xtol. Returns DS_ROOT_OK with the root in *root, or an error code. */
int ds_root_brent(double (*f)(double x, void *ctx), void *ctx, double a, double b, double xtol, int maxit,
                  double *root);

#endif
