/* Right-hand-side evaluation with per-lane bookkeeping, and error weights and norms. */
#include <math.h>
#include <string.h>

#include "workspace.h"
#include "linalg/linalg.h"
#include "base/isa.h"

DS_HOT void ds_ws_rhs(ds_step_ws *w, const double *tv, const double *x, double *f, const ds_flag *count)
{
    memset(w->flag, 0, (size_t)w->stride);
    w->sys.rhs(w->sys.ctx, tv, x, f, w->flag);
    /* the counts, then the flags only where one is raised: loops without branches, which
     * vectorize */
    const int nl = w->nl;
    if (count) {
        int64_t *restrict n = w->st.rhs_evals;
        const ds_flag *restrict c = count;
#pragma omp simd
        for (int l = 0; l < nl; l++)
            n[l] += c[l] != 0;
    }
    int raised = 0;
    for (int l = 0; l < nl; l++)
        raised |= w->flag[l];
    for (int l = 0; l < nl && raised; l++) {
        if (w->flag[l] > 0)
            w->ok[l] = 0;
        else if (w->flag[l] < 0 && count && count[l])
            w->status[l] = DS_LANE_FATAL;
    }
}

DS_HOT void ds_ws_weights(ds_step_ws *w, const double *x)
{
    const int S = w->stride, nl = w->nl;
    for (int i = 0; i < w->nx; i++) {
        const double at = w->opt->atol * w->sys.scale[i];
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            double ax = fabs(x[(size_t)i * S + l]);
            w->wt[(size_t)i * S + l] = 1.0 / (at + w->opt->rtol * ax);
        }
    }
}

DS_HOT void ds_ws_weights2(ds_step_ws *w, const double *x0, const double *x1)
{
    const int S = w->stride, nl = w->nl;
    for (int i = 0; i < w->nx; i++) {
        const double at = w->opt->atol * w->sys.scale[i];
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            size_t q = (size_t)i * S + l;
            double a0 = fabs(x0[q]), a1 = fabs(x1[q]);
            w->wt[q] = 1.0 / (at + w->opt->rtol * (a0 > a1 ? a0 : a1));
        }
    }
}

/* The sums of squares of nvec vectors of lanes from lane c on, each lane's over the rows in
 * their order, into acc. Inlined with nvec a constant: for one vector the sums stay in a
 * register; for four, the rows' four independent additions overlap. */
static inline __attribute__((always_inline)) void sum_squares(const double *restrict v, const double *restrict wt,
                                                              size_t S, int nx, int c, int nvec, double *restrict acc)
{
    for (int k = 0; k < nvec * DS_LA_LANES; k++)
        acc[k] = 0.0;
    for (int i = 0; i < nx; i++) {
        const double *restrict vi = v + (size_t)i * S + c, *restrict wi = wt + (size_t)i * S + c;
#pragma omp simd
        for (int k = 0; k < nvec * DS_LA_LANES; k++) {
            const double s = vi[k] * wi[k];
            acc[k] += s * s;
        }
    }
}

/* Each lane's norm, four vectors of lanes at a time and then one (lanes of a last, partial
 * vector are within the stride; only the nl lanes are written). Summed into out row by row
 * for all lanes, a block of one vector waited at every row for the last row's store: four
 * fifths of this function's samples on the inertial blocks, a tenth of their day. */
DS_HOT void ds_ws_wrms(const ds_step_ws *w, const double *v, double *out)
{
    const int S = w->stride, nl = w->nl, nx = w->nx, nvec = (nl + DS_LA_LANES - 1) / DS_LA_LANES;
    double acc[4 * DS_LA_LANES];
    for (int q = 0; q < nvec;) {
        const int take = nvec - q >= 4 ? 4 : 1, c = q * DS_LA_LANES;
        if (take == 4)
            sum_squares(v, w->wt, (size_t)S, nx, c, 4, acc);
        else
            sum_squares(v, w->wt, (size_t)S, nx, c, 1, acc);
        double r[4 * DS_LA_LANES];
#pragma omp simd
        for (int k = 0; k < take * DS_LA_LANES; k++)
            r[k] = sqrt(acc[k] / nx);
        const int m = nl - c < take * DS_LA_LANES ? nl - c : take * DS_LA_LANES;
        for (int k = 0; k < m; k++)
            out[c + k] = r[k];
        q += take;
    }
}
