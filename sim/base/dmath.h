/* exp, log and pow of discsim's own (DESIGN §4): inline, branch-light and made of IEEE
 * additions, multiplications and one division, so that the hot loops call no library, the
 * compiler may vectorize them, and the numbers are the same on every platform that rounds
 * IEEE doubles (libm's differ between libraries and versions, a browser's included).
 * Compiled with -ffp-contract=off, as the whole project is.
 *
 * Accuracy, checked against libm in test_base: ds_exp and ds_log within 1 ulp; ds_pow
 * within 2 + 3 |y log x| ulp (the errors of log x and of the product y log x are absolute
 * errors of the exponent, which the exponential turns into relative ones), under 20 ulp
 * (4e-15) over the model's range (x from 1/4 to 4, y to 4). Domain: ds_exp of any finite x (0 below -745, +inf above
 * 709.78); ds_log of x > 0 (subnormals included), -inf at 0, NaN below; ds_pow of x > 0. */
#ifndef DS_DMATH_H
#define DS_DMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline double ds_bits_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static inline uint64_t ds_double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* 2^k for an integral double k with -1022 <= k <= 1023, from its exponent bits: k + 1023 is
 * the low bits of k + (2^52 + 1023), shifted into place (no conversion to an integer type,
 * so that a loop of it vectorizes). */
static inline double ds_pow2i(double k)
{
    return ds_bits_double(ds_double_bits(k + (0x1p52 + 1023.0)) << 52);
}

/* e^x: x = k ln2 + r with |r| <= ln2/2 (Cody-Waite, ln2 split so that k ln2_hi is exact),
 * e^r by its Taylor polynomial to r^13 (truncation below 5e-18), times 2^k as 2^k1 2^k2,
 * each normal (exact while the result is normal; a subnormal result is rounded once). Every
 * case is a select, not a branch, so that loops of it vectorize. */
static inline double ds_exp(double x)
{
    const double shift = 0x1.8p52; /* adding it rounds to an integer */
    double xc = x < -745.2 ? -745.2 : x;
    xc = xc > 709.8 ? 709.8 : xc;
    xc = xc != xc ? 0.0 : xc; /* NaN: any number here, NaN out below */
    double kf = (xc * 1.4426950408889634074 + shift) - shift;
    double r = (xc - kf * 6.93147180369123816490e-01) - kf * 1.90821492927058770002e-10;
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r * r + r; /* e^r - 1, the small part added last */
    double k1 = (kf * 0.5 + shift) - shift, k2 = kf - k1;
    double y = (1.0 + p) * ds_pow2i(k1) * ds_pow2i(k2);
    y = x < 709.782712893384 ? y : INFINITY;
    y = x < -745.2 ? 0.0 : y;
    return x != x ? x : y;
}

/* log x: x = 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f/(2 + f), and
 * log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)) with fdlibm's minimax R (e_log.c, Sun
 * Microsystems 1993), ln2 split as in ds_exp; k from the exponent bits as a double. Selects
 * for subnormals, 0, negative numbers, infinity and NaN, so that loops of it vectorize. */
static inline double ds_log(double x)
{
    /* double selects, one condition each: GCC does not vectorize a select on a combined
     * condition in some callers (the step controller's) */
    double xs = x > 0.0 ? x : 1.0;
    xs = xs < INFINITY ? xs : 1.0;
    const int sub = xs < 0x1p-1022; /* subnormal: scaled into the normal range first */
    const double scaled = xs * 0x1p54; /* computed for every x and selected: no arithmetic in a branch */
    xs = sub ? scaled : xs;
    uint64_t u = ds_double_bits(xs);
    double e = ds_bits_double((u >> 52) | 0x4330000000000000ULL) - 0x1p52; /* the biased exponent */
    double m = ds_bits_double((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL); /* in [1, 2) */
    const int big = m > 1.4142135623730951;
    const double half = m * 0.5;
    m = big ? half : m;
    double dk = e - 1023.0 + (big ? 1.0 : 0.0) - (sub ? 54.0 : 0.0);
    const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
                 Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                 Lg7 = 1.479819860511658591e-01;
    double f = m - 1.0, s = f / (2.0 + f), z = s * s, w = z * z;
    double t1 = w * (Lg2 + w * (Lg4 + w * Lg6)), t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    double R = t2 + t1, hfsq = 0.5 * f * f;
    double y = dk * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + R) + dk * 1.90821492927058770002e-10)) - f);
    y = x < INFINITY ? y : x;                           /* +inf, and NaN */
    y = x > 0.0 ? y : x == 0.0 ? -INFINITY : NAN;        /* 0, negative numbers and NaN */
    return y;
}

/* x^y = e^(y log x), x > 0. */
static inline double ds_pow(double x, double y) { return ds_exp(y * ds_log(x)); }

#endif
