/* Quantile functions of the cohort distributions (see dist.h). */
#include <math.h>

#include "dist.h"

double ds_norm_cdf(double x) { return 0.5 * erfc(-x * 0.70710678118654752440); /* 1/sqrt(2) */ }

/* Horner's rule, coefficients from the constant term up */
static double poly(const double *c, double x)
{
    double v = c[7];
    for (int k = 6; k >= 0; k--)
        v = v * x + c[k];
    return v;
}

/* M. J. Wichura, Algorithm AS 241: the percentage points of the normal distribution, Applied
 * Statistics 37 (1988) 477-484, PPND16: three rational approximations (central, tail, far
 * tail) of 7th degree. */
double ds_norm_quantile(double p)
{
    static const double a[8] = {3.3871328727963666080e0,  1.3314166789178437745e+2, 1.9715909503065514427e+3,
                                1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                3.3430575583588128105e+4, 2.5090809287301226727e+3};
    static const double b[8] = {1.0,                      4.2313330701600911252e+1, 6.8718700749205790830e+2,
                                5.3941960214247511077e+3, 2.1213794301586595867e+4, 3.9307895800092710610e+4,
                                2.8729085735721942674e+4, 5.2264952788528545610e+3};
    static const double c[8] = {1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
                                3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
                                2.27238449892691845833e-2, 7.74545014278341407640e-4};
    static const double d[8] = {1.0,                      2.05319162663775882187e0, 1.67638483018380384940e0,
                                6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
                                5.47593808499534494600e-4, 1.05075007164441684324e-9};
    static const double e[8] = {6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
                                2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                2.71155556874348757815e-5, 2.01033439929228813265e-7};
    static const double f[8] = {1.0,                      5.99832206555887937690e-1, 1.36929880922735805310e-1,
                                1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
                                1.42151175831644588870e-7, 2.04426310338993978564e-15};
    if (!(p > 0.0 && p < 1.0))
        return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
    double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        double r = 0.180625 - q * q;
        return q * poly(a, r) / poly(b, r);
    }
    double r = sqrt(-log(q < 0.0 ? p : 1.0 - p)), x;
    if (r <= 5.0)
        x = poly(c, r - 1.6) / poly(d, r - 1.6);
    else
        x = poly(e, r - 5.0) / poly(f, r - 5.0);
    return q < 0.0 ? -x : x;
}

/* Normal (m, s) restricted to [lo, hi] by inversion. On the upper side of the mean the
 * mirror image is inverted, so that the probabilities stay small where doubles are dense. */
static double truncnormal(double m, double s, double lo, double hi, double u)
{
    double alpha = (lo - m) / s, beta = (hi - m) / s;
    if (alpha > 0.0) {
        double Pa = ds_norm_cdf(-beta), Pb = ds_norm_cdf(-alpha);
        double x = m - s * ds_norm_quantile(Pa + (1.0 - u) * (Pb - Pa));
        return x < lo ? lo : x > hi ? hi : x; /* rounding of the probabilities, never more */
    }
    double Pa = ds_norm_cdf(alpha), Pb = ds_norm_cdf(beta);
    double x = m + s * ds_norm_quantile(Pa + u * (Pb - Pa));
    return x < lo ? lo : x > hi ? hi : x; /* rounding of the probabilities, never more */
}

double ds_dist_quantile(const ds_dist *d, double u)
{
    switch (d->kind) {
    case DS_DIST_NORMAL:
        return d->a + d->b * ds_norm_quantile(u);
    case DS_DIST_LOGNORMAL:
        return d->a * exp(d->b * ds_norm_quantile(u));
    case DS_DIST_UNIFORM:
        return d->lo + (d->hi - d->lo) * u;
    case DS_DIST_TRUNCNORMAL:
        return truncnormal(d->a, d->b, d->lo, d->hi, u);
    }
    return NAN;
}
