/* Brent's root finder (see roots.h). Variable names follow Brent's zeroin: b is the best
 * estimate, a the previous one, c the other end of the bracket [b, c]; d the last step and
 * e the one before, used to decide whether interpolation is making progress. */
#include "roots.h"

#include <float.h>
#include <math.h>

int ds_brent_start(ds_brent *s, double a, double b, double fa, double fb)
{
    if (!(fa <= 0 || fb <= 0) || !(fa >= 0 || fb >= 0) || isnan(fa) || isnan(fb))
        return DS_ROOT_NO_BRACKET;
    *s = (ds_brent){.a = a, .b = b, .c = a, .fa = fa, .fb = fb, .fc = fa, .d = b - a, .e = b - a};
    return DS_ROOT_GOING;
}

int ds_brent_step(ds_brent *s, double xtol)
{
    if ((s->fb > 0 && s->fc > 0) || (s->fb < 0 && s->fc < 0)) { /* keep the root between b and c */
        s->c = s->a;
        s->fc = s->fa;
        s->d = s->e = s->b - s->a;
    }
    if (fabs(s->fc) < fabs(s->fb)) { /* b is the best of the three */
        s->a = s->b;
        s->b = s->c;
        s->c = s->a;
        s->fa = s->fb;
        s->fb = s->fc;
        s->fc = s->fa;
    }
    const double a = s->a, b = s->b, c = s->c, fa = s->fa, fb = s->fb, fc = s->fc;
    double tol = 2.0 * DBL_EPSILON * fabs(b) + 0.5 * xtol, m = 0.5 * (c - b);
    if (fabs(m) <= tol || fb == 0.0)
        return DS_ROOT_OK;
    if (fabs(s->e) >= tol && fabs(fa) > fabs(fb)) {
        double sr = fb / fa, p, q;
        if (a == c) { /* secant */
            p = 2.0 * m * sr;
            q = 1.0 - sr;
        } else { /* inverse quadratic interpolation */
            double qa = fa / fc, r = fb / fc;
            p = sr * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0));
            q = (qa - 1.0) * (r - 1.0) * (sr - 1.0);
        }
        if (p > 0)
            q = -q;
        else
            p = -p;
        double lim1 = 3.0 * m * q - fabs(tol * q), lim2 = fabs(s->e * q);
        if (2.0 * p < (lim1 < lim2 ? lim1 : lim2)) { /* interpolation accepted */
            s->e = s->d;
            s->d = p / q;
        } else { /* bisection */
            s->d = m;
            s->e = m;
        }
    } else {
        s->d = m;
        s->e = m;
    }
    s->a = b;
    s->fa = fb;
    s->b = b + (fabs(s->d) > tol ? s->d : (m > 0 ? tol : -tol));
    return DS_ROOT_GOING;
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
