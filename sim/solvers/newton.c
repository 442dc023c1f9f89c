/* Newton iterations for implicit stages (see newton.h).
 *
 * The stopping test is Hairer & Wanner's (II, IV.8, as in RADAU5): with the contraction
 * theta = |dz_k| / |dz_k-1| and eta = theta / (1 - theta), the error left after update k
 * is about eta |dz_k|, and the iteration stops when that is below kappa (in units of the
 * error tolerance). The first update has no theta yet and uses the lane's last eta raised
 * to 0.8, so that a stage whose predictor was good stops after one update. theta >= 1
 * (after the first update) is divergence. A lane is frozen once it converges, so its result
 * does not depend on how long the other lanes need. */
#include <math.h>

#include "base/dmath.h"
#include "linalg/linalg.h"
#include "newton.h"
#include "base/isa.h"

/* When a lane's Newton matrix is made anew (after CVODE's rules, Hindmarsh et al. 2005): its
 * Jacobian after JAC_AGE accepted steps, when marked stale (a Newton failure with an older
 * one, a new load segment after a stop), or at the start; its factorization whenever h*gamma
 * differs from the one factored. A factorization kept for another h*gamma was tried and
 * dropped: on the inertial chain it contracts the stiff vertebral modes only by the
 * mismatch, so Newton leaves the velocities about kappa of their tolerance off, and the
 * dense output, whose slopes for the displacements are those velocities, carries that error
 * over steps of 15 minutes into the pressures (4e-4 instead of 3e-6 relative). */
enum { JAC_AGE = 20 };

/* Lanes whose Newton update is applied in one pass (a multiple of DS_LA_LANES). */
enum { DS_MAX_LANES_UPD = 64 };

DS_HOT void ds_newton_matrix(ds_step_ws *w, const double *hg, const ds_flag *act)
{
    const int nx = w->nx, S = w->stride, nl = w->nl, b = w->sys.block;
    int any_jac = 0, any_fact = 0;
    ds_flag *need = w->iter; /* scratch: 2 a fresh Jacobian, 1 a new factorization */
    for (int l = 0; l < nl; l++) {
        need[l] = 0;
        if (!act[l])
            continue;
        if (w->jac_stale[l] || w->jac_age[l] >= JAC_AGE || !(w->hg_fact[l] > 0.0))
            need[l] = 2;
        else if (hg[l] != w->hg_fact[l])
            need[l] = 1;
        any_jac |= need[l] == 2;
        any_fact |= need[l] > 0;
    }
    if (!any_fact)
        goto check;
    if (any_jac) {
        /* every lane is evaluated, and only the lanes that need it take the new Jacobian: a
         * lane's matrix never depends on its companions */
        int all = 1;
        for (int l = 0; l < nl; l++)
            all &= need[l] == 2;
        w->sys.jac(w->sys.ctx, w->t, w->x, all ? w->J : w->Jnew);
        for (int c0 = 0; !all && c0 < nl; c0 += DS_LA_LANES) { /* a vector of lanes at a time */
            double take[DS_LA_LANES];
            for (int j = 0; j < DS_LA_LANES; j++)
                take[j] = c0 + j < nl && need[c0 + j] == 2;
            for (size_t q = 0; q < w->nm; q += (size_t)S) {
                double *restrict J = w->J + q + c0;
                const double *restrict Jn = w->Jnew + q + c0;
#pragma omp simd
                for (int j = 0; j < DS_LA_LANES; j++)
                    J[j] = take[j] != 0.0 ? Jn[j] : J[j];
            }
        }
        for (int l = 0; l < nl; l++)
            if (need[l] == 2) {
                w->st.jac_evals[l]++;
                w->jac_age[l] = 0;
                w->jac_stale[l] = 0;
            }
    }
    for (int l = 0; l < nl; l++)
        if (need[l]) {
            w->hg_fact[l] = hg[l];
            w->st.factorizations[l]++;
        }
    /* every lane is factored again, the others from the same Jacobian and h*gamma as before,
     * so to the same bits */
    hg = w->hg_fact;
    if (b > 0 && w->lead > 0) {
        /* only what ds_btri_lead_factor and _solve read: the leading k x k blocks straight
         * into M4, the leading rows' trailing columns (bands 0 and 1) and the trailing rows'
         * diagonal into M; each entry -hg J, plus 1 on the diagonal (as below: the same bits) */
        const int k = w->lead, nblk = nx / b;
        for (int band = 0; band < 3; band++)
            for (int i = 0; i < nblk; i++)
                for (int r = 0; r < b; r++) {
                    const size_t q = ds_btri_at(nblk, b, S, band, i, r, 0);
                    const double *restrict J = w->J + q;
                    if (r >= k) {
                        if (band != 1)
                            continue;
                        double *restrict M = w->M + q + (size_t)r * S;
                        DS_LA_CHUNKS(c0, nl)
#pragma omp simd
                        DS_LA_LANE(l, c0)
                            M[l] = -hg[l] * J[(size_t)r * S + l] + 1.0;
                        continue;
                    }
                    double *restrict M4 = w->M4 + ds_btri_at(nblk, k, S, band, i, r, 0);
                    for (int c = 0; c < k; c++) {
                        const double one = band == 1 && r == c ? 1.0 : 0.0;
                        DS_LA_CHUNKS(c0, nl)
#pragma omp simd
                        DS_LA_LANE(l, c0)
                            M4[(size_t)c * S + l] = one != 0.0 ? -hg[l] * J[(size_t)c * S + l] + one
                                                               : -hg[l] * J[(size_t)c * S + l];
                    }
                    if (band == 2)
                        continue;
                    double *restrict M = w->M + q;
                    for (int c = k; c < b; c++)
                        DS_LA_CHUNKS(c0, nl)
#pragma omp simd
                        DS_LA_LANE(l, c0)
                            M[(size_t)c * S + l] = -hg[l] * J[(size_t)c * S + l];
                }
        ds_btri_lead_factor(nblk, b, k, S, nl, w->M, w->M4, w->piv4, w->sing);
    } else {
        /* M = I - hg J, in whichever layout J has */
        for (size_t q = 0; q < w->nm; q += (size_t)S) {
            const double *restrict J = w->J + q;
            double *restrict M = w->M + q;
#pragma omp simd
            for (int l = 0; l < nl; l++)
                M[l] = -hg[l] * J[l];
        }
        if (b > 0) {
            const int nblk = nx / b;
            for (int i = 0; i < nblk; i++)
                for (int r = 0; r < b; r++) {
                    double *restrict M = w->M + ds_btri_at(nblk, b, S, 1, i, r, r);
                    for (int l = 0; l < nl; l++)
                        M[l] += 1.0;
                }
            ds_btri_factor(nblk, b, S, nl, w->M, w->piv, w->sing);
        } else {
            for (int r = 0; r < nx; r++) {
                double *restrict M = w->M + (size_t)(r * nx + r) * S;
                for (int l = 0; l < nl; l++)
                    M[l] += 1.0;
            }
            ds_lu_factor(nx, S, nl, w->M, w->piv, w->sing);
        }
    }
check:
    for (int l = 0; l < nl; l++)
        if (act[l] && w->sing[l]) {
            w->ok[l] = 0;
            w->jac_stale[l] = 1;
        }
    ds_ws_weights(w, w->x);
}

void ds_newton_msolve(const ds_step_ws *w, double *v)
{
    const int b = w->sys.block;
    if (b > 0 && w->lead > 0)
        ds_btri_lead_solve(w->nx / b, b, w->lead, w->stride, w->nl, w->M, w->M4, w->piv4, v);
    else if (b > 0)
        ds_btri_solve(w->nx / b, b, w->stride, w->nl, w->M, w->piv, v);
    else
        ds_lu_solve(w->nx, w->stride, w->nl, w->M, w->piv, v);
}

DS_HOT void ds_newton_solve(ds_step_ws *w, const double *ts, const double *a, const double *hg, double *z, double *fz,
                     const ds_flag *act)
{
    const double kappa = 0.03, tiny = 1e-16;
    const int nx = w->nx, S = w->stride, nl = w->nl;
    double *res = w->fnew, *norm = w->tmp, *last = w->errn; /* scratch; the weights are the step's (ds_newton_matrix) */
    for (int l = 0; l < nl; l++)
        w->iter[l] = act[l] && w->ok[l];
    for (int l = 0; l < nl; l++)
        last[l] = INFINITY;
    for (int it = 0; it < w->opt->newton_maxit; it++) {
        int any = 0;
        for (int l = 0; l < nl; l++)
            any |= w->iter[l];
        if (!any)
            break;
        w->newton_rounds++;
        ds_ws_rhs(w, ts, z, fz, w->iter);
        for (int i = 0; i < nx; i++)
#pragma omp simd
            for (int l = 0; l < nl; l++) {
                size_t q = (size_t)i * S + l;
                res[q] = a[q] + hg[l] * fz[q] - z[q];
            }
        ds_newton_msolve(w, res);
        ds_ws_wrms(w, res, norm);
        double upd[DS_MAX_LANES_UPD];
        for (int c0 = 0; c0 < nl; c0 += DS_MAX_LANES_UPD) {
            const int c1 = c0 + DS_MAX_LANES_UPD < nl ? c0 + DS_MAX_LANES_UPD : nl;
            const int span = (c1 - c0 + DS_LA_LANES - 1) / DS_LA_LANES * DS_LA_LANES;
            /* the first iteration's contraction estimate, from the last solve's, for whole
             * vectors of lanes at once (a power is most of the verdict's arithmetic) */
            double eta0[DS_MAX_LANES_UPD];
            if (it == 0)
#pragma omp simd
                for (int j = 0; j < span; j++) {
                    const double e = w->eta[c0 + j];
                    eta0[j] = ds_pow(e > tiny ? e : tiny, 0.8);
                }
            /* each lane's verdict on this update, and whether it takes it */
            for (int l = c0; l < c1; l++) {
                upd[l - c0] = 0.0;
                if (!w->iter[l])
                    continue;
                w->st.newton_iters[l]++;
                const double theta = it > 0 ? norm[l] / last[l] : 0.0;
                if (!w->ok[l] || !isfinite(norm[l]) || theta >= 1.0) {
                    w->ok[l] = 0; /* diverging or out of the model's domain */
                    w->iter[l] = 0;
                    w->st.newton_fails[l]++;
                    continue;
                }
                upd[l - c0] = 1.0;
                double eta = it > 0 ? theta / (1.0 - theta) : eta0[l - c0];
                w->eta[l] = eta; /* unmeasured, it creeps up to 1 and so forces a new measurement */
                if (eta * norm[l] <= kappa || norm[l] <= tiny)
                    w->iter[l] = 0; /* converged with this update */
                last[l] = norm[l];
            }
            /* z += dz where a lane takes it, in whole vectors of lanes (within the stride) */
            for (int l = c1; l < c0 + span; l++)
                upd[l - c0] = 0.0;
            for (int i = 0; i < nx; i++) {
                double *restrict zi = z + (size_t)i * S + c0;
                const double *restrict ri = res + (size_t)i * S + c0;
                for (int q = 0; q < span; q += DS_LA_LANES)
#pragma omp simd
                    for (int j = q; j < q + DS_LA_LANES; j++)
                        zi[j] = upd[j] != 0.0 ? zi[j] + ri[j] : zi[j];
            }
        }
    }
    for (int l = 0; l < nl; l++)
        if (w->iter[l]) { /* out of iterations */
            w->ok[l] = 0;
            w->iter[l] = 0;
            w->st.newton_fails[l]++;
        }
    /* f at the stage value, from the stage equation itself: no extra evaluation */
    for (int i = 0; i < nx; i++)
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            size_t q = (size_t)i * S + l;
            fz[q] = hg[l] > 0.0 ? (z[q] - a[q]) / hg[l] : fz[q];
        }
}
