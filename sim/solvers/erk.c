/* Explicit Runge-Kutta steps: Euler, classical RK4, Dormand-Prince 5(4).
 *
 * Each reads the lane's t, x and f = f(t, x) (kept by the evolver, so the first stage is
 * free) and the lane's step hs, and writes the candidate xnew. Dormand-Prince also writes
 * its error vector (b - b_hat weighted stage sum) and, being FSAL, f at the new point.
 * Coefficients: Dormand & Prince, J. Comput. Appl. Math. 6 (1980) 19-26; Hairer, Norsett &
 * Wanner, Solving ODEs I, Table 5.2. */
#include "evolver_impl.h"

/* y = x + hs * sum_j c_j k_j over the given stages, per lane. */
static void combine(const ds_evolver *ev, double *restrict y, int ns, const double *c, double *const *k)
{
    const int S = ev->stride, nl = ev->nl;
    for (int i = 0; i < ev->nx; i++) {
        const double *restrict xi = ev->x + (size_t)i * S;
        double *restrict yi = y + (size_t)i * S;
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            double acc = 0.0;
            for (int j = 0; j < ns; j++)
                acc += c[j] * k[j][(size_t)i * S + l];
            yi[l] = xi[l] + ev->hs[l] * acc;
        }
    }
}

static void stage_time(ds_evolver *ev, double c)
{
#pragma omp simd
    for (int l = 0; l < ev->nl; l++)
        ev->ts[l] = ev->t[l] + c * ev->hs[l];
}

void ds_step_euler(ds_evolver *ev)
{
    double *k[1] = {ev->f};
    const double c[1] = {1.0};
    combine(ev, ev->xnew, 1, c, k);
}

void ds_step_rk4(ds_evolver *ev)
{
    double *k1 = ev->f, *k2 = ev->k[0], *k3 = ev->k[1], *k4 = ev->k[2];
    double *y = ev->xnew;

    combine(ev, y, 1, (const double[]){0.5}, (double *[]){k1});
    stage_time(ev, 0.5);
    ds_ev_rhs(ev, ev->ts, y, k2, ev->active);
    combine(ev, y, 1, (const double[]){0.5}, (double *[]){k2});
    ds_ev_rhs(ev, ev->ts, y, k3, ev->active);
    combine(ev, y, 1, (const double[]){1.0}, (double *[]){k3});
    stage_time(ev, 1.0);
    ds_ev_rhs(ev, ev->ts, y, k4, ev->active);
    combine(ev, y, 4, (const double[]){1.0 / 6, 2.0 / 6, 2.0 / 6, 1.0 / 6}, (double *[]){k1, k2, k3, k4});
}

void ds_step_dopri5(ds_evolver *ev)
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
    double *k[7] = {ev->f, ev->k[0], ev->k[1], ev->k[2], ev->k[3], ev->k[4], ev->fnew};
    double *y = ev->xnew;

    combine(ev, y, 1, a2, k);
    stage_time(ev, c2);
    ds_ev_rhs(ev, ev->ts, y, k[1], ev->active);
    combine(ev, y, 2, a3, k);
    stage_time(ev, c3);
    ds_ev_rhs(ev, ev->ts, y, k[2], ev->active);
    combine(ev, y, 3, a4, k);
    stage_time(ev, c4);
    ds_ev_rhs(ev, ev->ts, y, k[3], ev->active);
    combine(ev, y, 4, a5, k);
    stage_time(ev, c5);
    ds_ev_rhs(ev, ev->ts, y, k[4], ev->active);
    combine(ev, y, 5, a6, k);
    stage_time(ev, 1.0);
    ds_ev_rhs(ev, ev->ts, y, k[5], ev->active);
    combine(ev, y, 6, b, k);
    ds_ev_rhs(ev, ev->ts, y, k[6], ev->active);

    const int S = ev->stride, nl = ev->nl;
    for (int i = 0; i < ev->nx; i++) {
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            double acc = 0.0;
            for (int j = 0; j < 7; j++)
                acc += e[j] * k[j][(size_t)i * S + l];
            ev->ev[(size_t)i * S + l] = ev->hs[l] * acc;
        }
    }
}
