/* A safeguarded scalar root finder (libc and libm only, so the core needs no GSL). */
#ifndef DS_ROOTS_H
#define DS_ROOTS_H

#include <stdint.h>

enum { DS_ROOT_OK = 0, DS_ROOT_NO_BRACKET = 1, DS_ROOT_NO_CONVERGENCE = 2, DS_ROOT_GOING = 3 };

/* Brent's method (R. P. Brent, Algorithms for Minimization without Derivatives, 1973, ch. 4,
 * the "zeroin" algorithm): inverse quadratic interpolation and secant steps, each checked
 * against bisection of the bracket, so it never leaves [a, b] and converges at least as fast
 * as bisection. f(a) and f(b) must differ in sign (or one be zero). Stops when the bracket is
 * below 2 eps |x| + xtol. Returns DS_ROOT_OK with the root in *root, or an error code. */
int ds_root_brent(double (*f)(double x, void *ctx), void *ctx, double a, double b, double xtol, int maxit,
                  double *root);

/* The same method a step at a time, for callers that evaluate f for many problems at once
 * (each problem's steps are those ds_root_brent takes): start with the bracket's ends and f
 * there (DS_ROOT_NO_BRACKET, or DS_ROOT_GOING); then each ds_brent_step either finds the
 * root converged in b (DS_ROOT_OK) or moves b (DS_ROOT_GOING), where the caller evaluates f
 * into fb (a NaN there: no convergence). */
typedef struct {
    double a, b, c, fa, fb, fc, d, e;
} ds_brent;
int ds_brent_start(ds_brent *s, double a, double b, double fa, double fb);
int ds_brent_step(ds_brent *s, double xtol);

/* The same for n problems at once, a row of lanes per variable (what ds_brent holds for
 * one): lanes with run[l] = 1 take ds_brent_step's step, the same bits, and those whose root
 * has converged (in b[l]) get run[l] = 0. Written as selects, so the loop vectorizes; a
 * lane's arithmetic is the scalar step's, its unused branches computed and discarded. */
typedef struct {
    double *a, *b, *c, *fa, *fb, *fc, *d, *e;
} ds_brent_lanes;
void ds_brent_step_lanes(const ds_brent_lanes *s, int n, double xtol, int64_t *run);
/* ds_brent_start for the lanes with run[l] = 1: those bracketed by a[l], b[l] (fa[l], fb[l])
 * start, the others get run[l] = 0; a lane not started keeps its state. */
void ds_brent_start_lanes(const ds_brent_lanes *s, int n, const double *a, const double *b, const double *fa,
                          const double *fb, int64_t *run);

#endif
