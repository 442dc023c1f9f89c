/* Brent's root finder (see roots.h). Variable names follow Brent's zeroin: b is the best
 * estimate, a the previous one, c the other end of the bracket [b, c]; d the last step and
 * e the one before, used to decide whether interpolation is making progress. */
#include "roots.h"
#include "isa.h"

#include <float.h>
#include <math.h>

DS_HOT void ds_brent_start_lanes(const ds_brent_lanes *s, int n, const double *a, const double *b, const double *fa,
                                 const double *fb, int64_t *restrict run)
{
#pragma omp simd
    for (int l = 0; l < n; l++) {
        const double al = a[l], bl = b[l], fal = fa[l], fbl = fb[l];
        const int64_t bracket = ((fal <= 0) | (fbl <= 0)) & ((fal >= 0) | (fbl >= 0)) & !isnan(fal) & !isnan(fbl);
        const int64_t go = (run[l] != 0) & bracket;
        s->a[l] = go ? al : s->a[l], s->b[l] = go ? bl : s->b[l], s->c[l] = go ? al : s->c[l];
        s->fa[l] = go ? fal : s->fa[l], s->fb[l] = go ? fbl : s->fb[l], s->fc[l] = go ? fal : s->fc[l];
        s->d[l] = go ? bl - al : s->d[l], s->e[l] = go ? bl - al : s->e[l];
        run[l] = go;
    }
}

int ds_brent_start(ds_brent *s, double a, double b, double fa, double fb)
{
    const ds_brent_lanes v = {&s->a, &s->b, &s->c, &s->fa, &s->fb, &s->fc, &s->d, &s->e};
    int64_t run = 1;
    ds_brent_start_lanes(&v, 1, &a, &b, &fa, &fb, &run);
    return run ? DS_ROOT_GOING : DS_ROOT_NO_BRACKET;
}

DS_HOT void ds_brent_step_lanes(const ds_brent_lanes *s, int n, double xtol, int64_t *restrict run)
{
    double *restrict A = s->a, *restrict B = s->b, *restrict C = s->c, *restrict FA = s->fa;
    double *restrict FB = s->fb, *restrict FC = s->fc, *restrict D = s->d, *restrict E = s->e;
#pragma omp simd
    for (int l = 0; l < n; l++) {
        const int64_t go = run[l] != 0;
        double a = A[l], b = B[l], c = C[l], fa = FA[l], fb = FB[l], fc = FC[l], d = D[l], e = E[l];
        /* keep the root between b and c */
        const int64_t side = ((fb > 0) & (fc > 0)) | ((fb < 0) & (fc < 0));
        c = side ? a : c, fc = side ? fa : fc;
        d = side ? b - a : d, e = side ? b - a : e;
        /* b the best of the three */
        const int64_t swap = fabs(fc) < fabs(fb);
        const double a1 = swap ? b : a, b1 = swap ? c : b, fa1 = swap ? fb : fa, fb1 = swap ? fc : fb;
        c = swap ? b : c, fc = swap ? fb : fc;
        a = a1, b = b1, fa = fa1, fb = fb1;
        const double tol = 2.0 * DBL_EPSILON * fabs(b) + 0.5 * xtol, m = 0.5 * (c - b);
        const int64_t done = (fabs(m) <= tol) | (fb == 0.0);
        /* interpolation (secant if a = c, else inverse quadratic), checked against bisection */
        const int64_t interp = (fabs(e) >= tol) & (fabs(fa) > fabs(fb));
        const double sr = fb / fa, qa = fa / fc, r = fb / fc;
        const int64_t secant = a == c;
        double p = secant ? 2.0 * m * sr : sr * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0));
        double q = secant ? 1.0 - sr : (qa - 1.0) * (r - 1.0) * (sr - 1.0);
        const int64_t pos = p > 0;
        q = pos ? -q : q, p = pos ? p : -p;
        const double lim1 = 3.0 * m * q - fabs(tol * q), lim2 = fabs(e * q);
        const int64_t accept = interp & (2.0 * p < (lim1 < lim2 ? lim1 : lim2));
        const double dn = accept ? p / q : m, en = accept ? d : m;
        const double bn = b + (fabs(dn) > tol ? dn : (m > 0 ? tol : -tol));
        const int64_t move = go & (done ^ 1);
        /* a lane not running keeps all; one converged keeps the swaps above, as the scalar
         * step stores them before it returns */
        A[l] = move ? b : go ? a : A[l];
        FA[l] = move ? fb : go ? fa : FA[l];
        B[l] = move ? bn : go ? b : B[l];
        FB[l] = go ? fb : FB[l];
        C[l] = go ? c : C[l];
        FC[l] = go ? fc : FC[l];
        D[l] = move ? dn : go ? d : D[l];
        E[l] = move ? en : go ? e : E[l];
        run[l] = move;
    }
}

int ds_brent_step(ds_brent *s, double xtol)
{
    const ds_brent_lanes v = {&s->a, &s->b, &s->c, &s->fa, &s->fb, &s->fc, &s->d, &s->e};
    int64_t run = 1;
    ds_brent_step_lanes(&v, 1, xtol, &run);
    return run ? DS_ROOT_GOING : DS_ROOT_OK;
}

int ds_root_brent(double (*f)(double x, void *ctx), void *ctx, double a, double b, double xtol, int maxit,
                  double *root)
{
    ds_brent s;
    const double fa = f(a, ctx), fb = f(b, ctx);
    int st = ds_brent_start(&s, a, b, fa, fb);
    for (int it = 0; st == DS_ROOT_GOING && it < maxit; it++) {
        if (ds_brent_step(&s, xtol) == DS_ROOT_OK) {
            *root = s.b;
            return DS_ROOT_OK;
        }
        s.fb = f(s.b, ctx);
        if (isnan(s.fb))
            return DS_ROOT_NO_CONVERGENCE;
    }
    return st == DS_ROOT_GOING ? DS_ROOT_NO_CONVERGENCE : st;
}
