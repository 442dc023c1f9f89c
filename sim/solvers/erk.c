/* Explicit Runge-Kutta steps: Euler, classical RK4, Dormand-Prince 5(4).
 *
 * Each reads the lane's t, x and f = f(t, x) (kept by the evolver, so the first stage is
 * free) and the lane's step hs, and writes the candidate xnew. Dormand-Prince also writes
 * its error vector (b - b_hat weighted stage sum) and, being FSAL, f at the new point.
 * Coefficients: Dormand & Prince, J. Comput. Appl. Math. 6 (1980) 19-26; Hairer, Norsett &
 * Wanner, Solving ODEs I, Table 5.2. */
#include "workspace.h"
#include "base/isa.h"

/* y = x + hs * sum_j c_j k_j over the given stages, per lane. */
static void combine(const ds_step_ws *w, double *restrict y, int ns, const double *c, double *const *k)
{
    const int S = w->stride, nl = w->nl;
    for (int i = 0; i < w->nx; i++) {
        const double *restrict xi = w->x + (size_t)i * S;
        double *restrict yi = y + (size_t)i * S;
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            double acc = 0.0;
            for (int j = 0; j < ns; j++)
                acc += c[j] * k[j][(size_t)i * S + l];
            yi[l] = xi[l] + w->hs[l] * acc;
        }
    }
}

static void stage_time(ds_step_ws *w, double c)
{
#pragma omp simd
    for (int l = 0; l < w->nl; l++)
        w->ts[l] = w->t[l] + c * w->hs[l];
}

DS_HOT void ds_step_euler(ds_step_ws *w)
{
    double *k[1] = {w->f};
    const double c[1] = {1.0};
    combine(w, w->xnew, 1, c, k);
}

DS_HOT void ds_step_rk4(ds_step_ws *w)
{
    double *k1 = w->f, *k2 = w->k[0], *k3 = w->k[1], *k4 = w->k[2];
    double *y = w->xnew;

    combine(w, y, 1, (const double[]){0.5}, (double *[]){k1});
    stage_time(w, 0.5);
    ds_ws_rhs(w, w->ts, y, k2, w->active);
    combine(w, y, 1, (const double[]){0.5}, (double *[]){k2});
    ds_ws_rhs(w, w->ts, y, k3, w->active);
    combine(w, y, 1, (const double[]){1.0}, (double *[]){k3});
    stage_time(w, 1.0);
    ds_ws_rhs(w, w->ts, y, k4, w->active);
    combine(w, y, 4, (const double[]){1.0 / 6, 2.0 / 6, 2.0 / 6, 1.0 / 6}, (double *[]){k1, k2, k3, k4});
}

DS_HOT void ds_step_dopri5(ds_step_ws *w)
{
    static const double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
    static const double a2[] = {1.0 / 5};
    static const double a3[] = {3.0 / 40, 9.0 / 40};
    static const double a4[] = {44.0 / 45, -56.0 / 15, 32.0 / 9};
    static const double a5[] = {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729};
    static const double a6[] = {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656};
    static const double b[] = {35.0 / 384, 0.0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84};
    /* b - b_hat; the seventh stage (FSAL) enters the estimate only. */
    static const double e[] = {71.0 / 57600,      0.0,          -71.0 / 16695, 71.0 / 1920,
                               -17253.0 / 339200, 22.0 / 525, -1.0 / 40};
    double *k[7] = {w->f, w->k[0], w->k[1], w->k[2], w->k[3], w->k[4], w->fnew};
    double *y = w->xnew;

    combine(w, y, 1, a2, k);
    stage_time(w, c2);
    ds_ws_rhs(w, w->ts, y, k[1], w->active);
    combine(w, y, 2, a3, k);
    stage_time(w, c3);
    ds_ws_rhs(w, w->ts, y, k[2], w->active);
    combine(w, y, 3, a4, k);
    stage_time(w, c4);
    ds_ws_rhs(w, w->ts, y, k[3], w->active);
    combine(w, y, 4, a5, k);
    stage_time(w, c5);
    ds_ws_rhs(w, w->ts, y, k[4], w->active);
    combine(w, y, 5, a6, k);
    stage_time(w, 1.0);
    ds_ws_rhs(w, w->ts, y, k[5], w->active);
    combine(w, y, 6, b, k);
    ds_ws_rhs(w, w->ts, y, k[6], w->active);

    const int S = w->stride, nl = w->nl;
    for (int i = 0; i < w->nx; i++) {
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            double acc = 0.0;
            for (int j = 0; j < 7; j++)
                acc += e[j] * k[j][(size_t)i * S + l];
            w->err[(size_t)i * S + l] = w->hs[l] * acc;
        }
    }
}
