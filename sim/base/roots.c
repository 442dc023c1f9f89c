/* Brent's root finder (see roots.h). Variable names follow Brent's zeroin: b is the best
 * estimate, a the previous one, c the other end of the bracket [b, c]; d the last step and
 * e the one before, used to decide whether interpolation is making progress. */
#include "roots.h"

#include <float.h>
#include <math.h>

int ds_root_brent(double (*f)(double x, void *ctx), void *ctx, double a, double b, double xtol, int maxit,
                  double *root)
{
    double fa = f(a, ctx), fb = f(b, ctx);
    if (!(fa <= 0 || fb <= 0) || !(fa >= 0 || fb >= 0) || isnan(fa) || isnan(fb))
        return DS_ROOT_NO_BRACKET;
    double c = a, fc = fa, d = b - a, e = d;
    for (int it = 0; it < maxit; it++) {
        if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) { /* keep the root between b and c */
            c = a;
            fc = fa;
            d = e = b - a;
        }
        if (fabs(fc) < fabs(fb)) { /* b is the best of the three */
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        double tol = 2.0 * DBL_EPSILON * fabs(b) + 0.5 * xtol, m = 0.5 * (c - b);
        if (fabs(m) <= tol || fb == 0.0) {
            *root = b;
            return DS_ROOT_OK;
        }
        if (fabs(e) >= tol && fabs(fa) > fabs(fb)) {
            double s = fb / fa, p, q;
            if (a == c) { /* secant */
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else { /* inverse quadratic interpolation */
                double qa = fa / fc, r = fb / fc;
                p = s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0));
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if (p > 0)
                q = -q;
            else
                p = -p;
            double lim1 = 3.0 * m * q - fabs(tol * q), lim2 = fabs(e * q);
            if (2.0 * p < (lim1 < lim2 ? lim1 : lim2)) { /* interpolation accepted */
                e = d;
                d = p / q;
            } else { /* bisection */
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += fabs(d) > tol ? d : (m > 0 ? tol : -tol);
        fb = f(b, ctx);
        if (isnan(fb))
            return DS_ROOT_NO_CONVERGENCE;
    }
    return DS_ROOT_NO_CONVERGENCE;
}
