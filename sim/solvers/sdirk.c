/* Implicit steps: backward Euler, TR-BDF2 and ESDIRK3(2), with Newton on the analytic
 * Jacobian.
 *
 * TR-BDF2 as an ESDIRK (Hosea & Shampine, Appl. Numer. Math. 20 (1996) 21-37), with
 * gamma = 2 - sqrt(2), d = gamma/2, w = sqrt(2)/4:
 *   z1 = x_n                      (f1 = f(t_n, x_n), kept by the evolver)
 *   z2 = x_n + h (d f1 + d f2)    at t_n + gamma h  (trapezoidal rule)
 *   z3 = x_n + h (w f1 + w f2 + d f3) at t_n + h    (BDF2), x_{n+1} = z3
 * Both implicit stages share the Newton matrix I - h d J. It is A- and L-stable, which the
 * weakly damped vertebral oscillator needs (BDF above order 2 is not A-stable). The
 * embedded third-order weights b_hat = ((1-w)/3, (3w+1)/3, d/3) give the error vector
 * h [(4w-1)/3 f1 - 1/3 f2 + 2d/3 f3], filtered through (I - h d J)^-1 as Hosea & Shampine
 * recommend, so that stiff components do not inflate the estimate. */
#include <math.h>

#include "newton.h"
#include "base/isa.h"

static const double TRB_GAMMA = 0.58578643762690495119; /* 2 - sqrt(2) */
static const double TRB_D = 0.29289321881345247560;     /* gamma / 2 */
static const double TRB_W = 0.35355339059327376220;     /* sqrt(2) / 4 */

DS_HOT void ds_step_beuler(ds_step_ws *w)
{
    const int S = w->stride, nl = w->nl;
    for (int l = 0; l < nl; l++) {
        w->hg[l] = w->hs[l];
        w->ts[l] = w->t[l] + w->hs[l];
    }
    ds_newton_matrix(w, w->hg, w->active);
    for (int i = 0; i < w->nx; i++)
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            size_t q = (size_t)i * S + l;
            w->a[q] = w->x[q];
            w->z[q] = w->x[q] + w->hs[l] * w->f[q]; /* explicit Euler predictor */
        }
    ds_newton_solve(w, w->ts, w->a, w->hg, w->z, w->k[0], w->active);
    for (size_t q = 0; q < w->nv; q++)
        w->xnew[q] = w->z[q];
}

DS_HOT void ds_step_trbdf2(ds_step_ws *w)
{
    const int S = w->stride, nl = w->nl;
    double *f1 = w->f, *f2 = w->k[0], *f3 = w->k[1];

    for (int l = 0; l < nl; l++)
        w->hg[l] = TRB_D * w->hs[l];
    ds_newton_matrix(w, w->hg, w->active);

    /* stage 2: trapezoidal rule to t + gamma h */
    for (int l = 0; l < nl; l++)
        w->ts[l] = w->t[l] + TRB_GAMMA * w->hs[l];
    for (int i = 0; i < w->nx; i++)
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            size_t q = (size_t)i * S + l;
            w->a[q] = w->x[q] + w->hg[l] * f1[q];
            w->z[q] = w->x[q] + TRB_GAMMA * w->hs[l] * f1[q];
        }
    ds_newton_solve(w, w->ts, w->a, w->hg, w->z, f2, w->active);
    double *z2 = w->xnew; /* keep z2 for the predictor of stage 3 */
    for (size_t q = 0; q < w->nv; q++)
        z2[q] = w->z[q];

    /* stage 3: BDF2 to t + h */
    for (int l = 0; l < nl; l++)
        w->ts[l] = w->t[l] + w->hs[l];
    for (int i = 0; i < w->nx; i++)
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            size_t q = (size_t)i * S + l;
            w->a[q] = w->x[q] + TRB_W * w->hs[l] * (f1[q] + f2[q]);
            /* predictor: quadratic through x_n, z2 and the slope at z2, at t + h */
            w->z[q] = z2[q] + (1.0 - TRB_GAMMA) * w->hs[l] * f2[q];
        }
    ds_newton_solve(w, w->ts, w->a, w->hg, w->z, f3, w->active);

    const double e1 = (4.0 * TRB_W - 1.0) / 3.0, e2 = -1.0 / 3.0, e3 = 2.0 * TRB_D / 3.0;
    for (int i = 0; i < w->nx; i++)
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            size_t q = (size_t)i * S + l;
            w->xnew[q] = w->z[q];
            w->err[q] = w->hs[l] * (e1 * f1[q] + e2 * f2[q] + e3 * f3[q]);
        }
    ds_newton_msolve(w, w->err);
}

/* ESDIRK3(2)4L[2]SA (Kennedy & Carpenter, Appl. Numer. Math. 44 (2003) 139-181: the implicit
 * part of ARK3(2)4L[2]SA; coefficients as ARKODE tabulates them): an explicit first stage,
 * three implicit stages sharing gamma, so one Newton matrix I - h gamma J a step; L-stable and
 * stiffly accurate (x_{n+1} is the last stage), order 3 with an embedded order-2 solution. The
 * error vector h sum (b_i - d_i) f_i is filtered through (I - h gamma J)^-1 as TR-BDF2's. */
enum { ESD_S = 4 };
static const double ESD_G = 0.4358665215084589994160194511935568425293;
static const double ESD_C[ESD_S] = {0.0, 0.8717330430169179988320389023871136850586, 0.6, 1.0};
static const double ESD_A[ESD_S][ESD_S] = {
    {0.0, 0.0, 0.0, 0.0},
    {0.4358665215084589994160194511935568425293, 0.4358665215084589994160194511935568425293, 0.0, 0.0},
    {0.2576482460664272457999960162840797092643, -0.09351476757488624521601546747763655179361,
     0.4358665215084589994160194511935568425293, 0.0},
    {0.1876410243467238251612921441668043913795, -0.5952974735769549480478230275858851737782,
     0.9717899277217721234705114322255239398694, 0.4358665215084589994160194511935568425293},
};
static const double ESD_D[ESD_S] = {0.2147402862233891404862383406484193714659,
                                    -0.4851622638849390928209050808398155895845,
                                    0.86872500252038755116621237682951240796,
                                    0.4016969751411624011684543633618838101586};

/* sum_j c[j] F[j][q], j < n */
static inline double wsum(double *const *F, const double *c, int n, size_t q)
{
    double sum = 0.0;
    for (int j = 0; j < n; j++)
        sum += c[j] * F[j][q];
    return sum;
}

/* Implicit stage st: its explicit part a, the predictor z, then Newton. Inlined with st a
 * constant (the stage sum's count known at run time inside the loop over the lanes kept it
 * scalar, a fifth of an inertial block's step). */
static inline __attribute__((always_inline)) void esd_stage(ds_step_ws *w, double *const *F, int st)
{
    const int S = w->stride, nl = w->nl;
    for (int l = 0; l < nl; l++)
        w->ts[l] = w->t[l] + ESD_C[st] * w->hs[l];
    for (int i = 0; i < w->nx; i++)
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            size_t q = (size_t)i * S + l;
            w->a[q] = w->x[q] + w->hs[l] * wsum(F, ESD_A[st], st, q);
            /* predictor: the explicit part plus the last stage's slope for this one */
            w->z[q] = w->a[q] + w->hg[l] * F[st - 1][q];
        }
    ds_newton_solve(w, w->ts, w->a, w->hg, w->z, F[st], w->active);
}

DS_HOT void ds_step_esdirk3(ds_step_ws *w)
{
    const int S = w->stride, nl = w->nl;
    double *F[ESD_S] = {w->f, w->k[0], w->k[1], w->k[2]};
    for (int l = 0; l < nl; l++)
        w->hg[l] = ESD_G * w->hs[l];
    ds_newton_matrix(w, w->hg, w->active);
    _Static_assert(ESD_S == 4, "three implicit stages");
    esd_stage(w, F, 1);
    esd_stage(w, F, 2);
    esd_stage(w, F, 3);
    for (int i = 0; i < w->nx; i++)
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            size_t q = (size_t)i * S + l;
            w->xnew[q] = w->z[q];
            w->err[q] = w->hs[l] * (wsum(F, ESD_A[ESD_S - 1], ESD_S, q) - wsum(F, ESD_D, ESD_S, q));
        }
    ds_newton_msolve(w, w->err);
}
