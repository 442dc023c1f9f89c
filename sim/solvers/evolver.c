/* The evolver: per-lane step control, landing on hard stops, dense output, statistics.
 *
 * Controller (Hairer, Norsett & Wanner I, II.4): a lane's step is accepted when the
 * weighted RMS error norm err <= 1, with weights atol*scale_i + rtol*max(|x_i|, |xnew_i|);
 * the next step is h * clamp(0.9 err^(-1/(q+1)), 0.2, 5), q the order of the embedded
 * lower method, and never grows right after a rejection. A step shortened to land on a
 * hard stop does not shrink the proposal for the step after it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evolver_impl.h"

static void *take(char **cur, size_t bytes)
{
    void *p = *cur;
    *cur += (bytes + 63) / 64 * 64;
    return p;
}

ds_status ds_evolver_create(const ds_system *sys, const ds_solver_opts *opts, ds_evolver **out, ds_error *err)
{
    *out = NULL;
    const ds_method *meth = ds_method_get(opts->method);
    if (!meth)
        return ds_fail(err, DS_ERR_INPUT, "unknown integration method id %d", (int)opts->method);
    if (sys->nx < 1 || sys->nx > DS_MAX_NX)
        return ds_fail(err, DS_ERR_INPUT, "system has %d states per lane (1..%d supported)", sys->nx, DS_MAX_NX);
    if (meth->implicit && !sys->jac)
        return ds_fail(err, DS_ERR_INPUT, "method %s needs an analytic Jacobian", meth->name);
    if (!meth->adaptive && !(opts->h_fixed > 0))
        return ds_fail(err, DS_ERR_INPUT, "method %s has a fixed step: give a step size > 0", meth->name);

    const int nx = sys->nx, S = sys->stride;
    if (sys->block > 0 && nx % sys->block)
        return ds_fail(err, DS_ERR_INPUT, "system block size %d does not divide its %d states", sys->block, nx);
    const size_t nv = (size_t)nx * S;
    const size_t nm = sys->block > 0 ? (size_t)3 * (nx / sys->block) * sys->block * sys->block * S : (size_t)nx * nx * S;
    const size_t A = 64;
#define R(bytes) (((bytes) + A - 1) / A * A)
    size_t bytes = R(sizeof(ds_evolver));
    bytes += 12 * R(S * sizeof(double));                    /* per-lane doubles */
    bytes += (8 + DS_MAX_STAGES + 3) * R(nv * sizeof(double)); /* state-shaped */
    bytes += 2 * R(nm * sizeof(double)) + R(nv * sizeof(int));
    bytes += 8 * R((size_t)S) + 6 * R(S * sizeof(int64_t)) + 2 * R(S * sizeof(double));
#undef R
    void *mem = NULL;
    if (posix_memalign(&mem, A, bytes) != 0)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the integrator (%zu bytes)", bytes);
    memset(mem, 0, bytes);
    char *cur = mem;
    ds_evolver *ev = take(&cur, sizeof *ev);
    ev->mem = mem;
    ev->sys = *sys;
    ev->opt = *opts;
    ev->meth = meth;
    ev->nx = nx;
    ev->stride = S;
    ev->nl = sys->nlanes;
    ev->nv = nv;
    ev->nm = nm;
    double **lane_d[] = {&ev->t, &ev->h, &ev->t_prev, &ev->h_prev, &ev->hs, &ev->ts,
                         &ev->hg, &ev->tmp, &ev->errn, &ev->st.h_min, &ev->st.h_last, NULL};
    for (int i = 0; lane_d[i]; i++)
        *lane_d[i] = take(&cur, S * sizeof(double));
    (void)take(&cur, S * sizeof(double));
    double **state_d[] = {&ev->x, &ev->f, &ev->x_prev, &ev->f_prev, &ev->xnew, &ev->fnew, &ev->ev, &ev->wt,
                          &ev->z, &ev->a, NULL};
    for (int i = 0; state_d[i]; i++)
        *state_d[i] = take(&cur, nv * sizeof(double));
    for (int j = 0; j < DS_MAX_STAGES; j++)
        ev->k[j] = take(&cur, nv * sizeof(double));
    ev->J = take(&cur, nm * sizeof(double));
    ev->M = take(&cur, nm * sizeof(double));
    ev->piv = take(&cur, nv * sizeof(int));
    ev->flag = take(&cur, S);
    unsigned char **lane_u[] = {&ev->active, &ev->ok, &ev->landing, &ev->sing,
                                &ev->iter, &ev->status, &ev->rejected_last, NULL};
    for (int i = 0; lane_u[i]; i++)
        *lane_u[i] = take(&cur, S);
#define DS_X_TAKE(f, u, d) ev->st.f = take(&cur, S * sizeof(int64_t));
    DS_STATS_FIELDS(DS_X_TAKE)
#undef DS_X_TAKE
    if ((size_t)(cur - (char *)mem) > bytes) { /* a layout mistake, not a user error */
        free(mem);
        return ds_fail(err, DS_ERR_NOMEM, "internal: evolver layout overflow");
    }
    *out = ev;
    return DS_OK;
}

void ds_evolver_free(ds_evolver *ev)
{
    if (ev)
        free(ev->mem);
}

void ds_ev_rhs(ds_evolver *ev, const double *tv, const double *x, double *f, const unsigned char *count)
{
    memset(ev->flag, 0, (size_t)ev->stride);
    ev->sys.rhs(ev->sys.ctx, tv, x, f, ev->flag);
    for (int l = 0; l < ev->nl; l++) {
        if (count && count[l])
            ev->st.rhs_evals[l]++;
        if (ev->flag[l] > 0)
            ev->ok[l] = 0;
        else if (ev->flag[l] < 0 && count && count[l])
            ev->status[l] = DS_LANE_FATAL;
    }
}

void ds_ev_newton_matrix(ds_evolver *ev, const double *hg, const unsigned char *act)
{
    const int nx = ev->nx, S = ev->stride, nl = ev->nl, b = ev->sys.block;
    ev->sys.jac(ev->sys.ctx, ev->t, ev->x, ev->J);
    for (int l = 0; l < nl; l++)
        if (act[l])
            ev->st.jac_evals[l]++;
    /* M = I - hg J, in whichever layout J has */
    for (size_t q = 0; q < ev->nm; q += (size_t)S) {
        const double *restrict J = ev->J + q;
        double *restrict M = ev->M + q;
#pragma omp simd
        for (int l = 0; l < nl; l++)
            M[l] = -hg[l] * J[l];
    }
    if (b > 0) {
        const int nblk = nx / b;
        for (int i = 0; i < nblk; i++)
            for (int r = 0; r < b; r++) {
                double *restrict M = ev->M + ds_btri_at(nblk, b, S, 1, i, r, r);
                for (int l = 0; l < nl; l++)
                    M[l] += 1.0;
            }
        ds_btri_factor(nblk, b, S, nl, ev->M, ev->piv, ev->sing);
    } else {
        for (int r = 0; r < nx; r++) {
            double *restrict M = ev->M + (size_t)(r * nx + r) * S;
            for (int l = 0; l < nl; l++)
                M[l] += 1.0;
        }
        ds_lu_factor(nx, S, nl, ev->M, ev->piv, ev->sing);
    }
    for (int l = 0; l < nl; l++)
        if (act[l] && ev->sing[l])
            ev->ok[l] = 0;
}

void ds_ev_msolve(const ds_evolver *ev, double *v)
{
    const int b = ev->sys.block;
    if (b > 0)
        ds_btri_solve(ev->nx / b, b, ev->stride, ev->nl, ev->M, ev->piv, v);
    else
        ds_lu_solve(ev->nx, ev->stride, ev->nl, ev->M, ev->piv, v);
}

/* Weighted RMS norm of v per lane with weights ev->wt. */
static void wrms(const ds_evolver *ev, const double *v, double *out)
{
    const int S = ev->stride, nl = ev->nl;
    for (int l = 0; l < nl; l++)
        out[l] = 0.0;
    for (int i = 0; i < ev->nx; i++)
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            double s = v[(size_t)i * S + l] * ev->wt[(size_t)i * S + l];
            out[l] += s * s;
        }
    for (int l = 0; l < nl; l++)
        out[l] = sqrt(out[l] / ev->nx);
}

static void set_weights(ds_evolver *ev, const double *x)
{
    const int S = ev->stride, nl = ev->nl;
    for (int i = 0; i < ev->nx; i++) {
        const double at = ev->opt.atol * ev->sys.scale[i];
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            double ax = fabs(x[(size_t)i * S + l]);
            ev->wt[(size_t)i * S + l] = 1.0 / (at + ev->opt.rtol * ax);
        }
    }
}

void ds_ev_newton(ds_evolver *ev, const double *ts, const double *a, const double *hg, double *z, double *fz,
                  const unsigned char *act)
{
    /* Converged when the weighted update is small against the error tolerance, as in
     * Hairer & Wanner II, IV.8 (kappa ~ 0.01..0.1); a lane is frozen once it converges so
     * that its result does not depend on how long the other lanes need. */
    const double kappa = 0.03;
    const int nx = ev->nx, S = ev->stride, nl = ev->nl;
    double *res = ev->fnew, *norm = ev->tmp;
    set_weights(ev, ev->x);
    for (int l = 0; l < nl; l++)
        ev->iter[l] = act[l] && ev->ok[l];
    double *last = ev->errn; /* scratch: previous update norm per lane */
    for (int l = 0; l < nl; l++)
        last[l] = INFINITY;
    for (int it = 0; it < ev->opt.newton_maxit; it++) {
        int any = 0;
        for (int l = 0; l < nl; l++)
            any |= ev->iter[l];
        if (!any)
            break;
        ds_ev_rhs(ev, ts, z, fz, ev->iter);
        for (int i = 0; i < nx; i++)
#pragma omp simd
            for (int l = 0; l < nl; l++) {
                size_t q = (size_t)i * S + l;
                res[q] = a[q] + hg[l] * fz[q] - z[q];
            }
        ds_ev_msolve(ev, res);
        wrms(ev, res, norm);
        for (int l = 0; l < nl; l++) {
            if (!ev->iter[l])
                continue;
            ev->st.newton_iters[l]++;
            if (!ev->ok[l] || !isfinite(norm[l]) || (it >= 2 && norm[l] > 0.9 * last[l])) {
                ev->ok[l] = 0; /* diverging or out of the model's domain */
                ev->iter[l] = 0;
                ev->st.newton_fails[l]++;
                continue;
            }
            for (int i = 0; i < nx; i++)
                z[(size_t)i * S + l] += res[(size_t)i * S + l];
            if (norm[l] <= kappa)
                ev->iter[l] = 0;
            last[l] = norm[l];
        }
    }
    for (int l = 0; l < nl; l++)
        if (ev->iter[l]) { /* out of iterations */
            ev->ok[l] = 0;
            ev->iter[l] = 0;
            ev->st.newton_fails[l]++;
        }
    /* f at the stage value, from the stage equation itself: no extra evaluation */
    for (int i = 0; i < nx; i++)
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            size_t q = (size_t)i * S + l;
            fz[q] = hg[l] > 0.0 ? (z[q] - a[q]) / hg[l] : fz[q];
        }
}

void ds_evolver_reset(ds_evolver *ev, double t0, const double *x0)
{
    const int S = ev->stride;
    memcpy(ev->x, x0, ev->nv * sizeof(double));
    memcpy(ev->x_prev, x0, ev->nv * sizeof(double));
    for (int l = 0; l < S; l++) {
        ev->t[l] = ev->t_prev[l] = t0;
        ev->h_prev[l] = 0.0;
        ev->h[l] = ev->opt.h_fixed > 0 ? ev->opt.h_fixed : ev->opt.h_init;
        ev->status[l] = DS_LANE_OK;
        ev->ok[l] = 1;
        ev->rejected_last[l] = 0;
        ev->st.h_min[l] = INFINITY;
        ev->st.h_last[l] = ev->h[l];
#define DS_X_ZERO(f, u, d) ev->st.f[l] = 0;
        DS_STATS_FIELDS(DS_X_ZERO)
#undef DS_X_ZERO
        ev->active[l] = l < ev->nl;
    }
    ds_ev_rhs(ev, ev->t, ev->x, ev->f, ev->active);
    memcpy(ev->f_prev, ev->f, ev->nv * sizeof(double));
    ev->fail_lane = -1;
}

static void lane_fail(ds_evolver *ev, int l, ds_lane_status why)
{
    ev->status[l] = (unsigned char)why;
    ev->active[l] = 0;
    if (ev->fail_lane < 0) {
        ev->fail_lane = l;
        ev->fail_t = ev->t[l];
        /* the variable with the largest weighted error or the first non-finite one */
        int worst = 0;
        double wv = -1.0;
        for (int i = 0; i < ev->nx; i++) {
            double v = ev->xnew[(size_t)i * ev->stride + l];
            double e = !isfinite(v) ? INFINITY : fabs(ev->ev[(size_t)i * ev->stride + l]);
            if (v <= 0.0 && ev->sys.scale[i] > 999.0) /* a volume gone non-positive */
                e = INFINITY;
            if (e > wv) {
                wv = e;
                worst = i;
            }
        }
        ev->fail_var = worst;
    }
}

static const char *lane_status_text(int s)
{
    switch (s) {
    case DS_LANE_STEP_UNDERFLOW: return "step size fell below the smallest allowed step";
    case DS_LANE_DOMAIN: return "the state left the model's domain";
    case DS_LANE_FATAL: return "the model reported a fatal error";
    case DS_LANE_NONFINITE: return "the state became NaN or infinite";
    case DS_LANE_MAX_STEPS: return "too many steps";
    default: return "ok";
    }
}

ds_status ds_evolver_advance(ds_evolver *ev, double t_target, double t_hard, ds_error *err)
{
    const int nx = ev->nx, S = ev->stride, nl = ev->nl;
    const ds_method *m = ev->meth;
    const int adaptive = m->adaptive && !(ev->opt.h_fixed > 0);
    const double expo = m->err_order > 0 ? -1.0 / (m->err_order + 1) : 0.0;
    int64_t nsteps = 0;

    for (int l = 0; l < S; l++)
        ev->active[l] = l < nl && ev->status[l] == DS_LANE_OK && ev->t[l] < t_target;

    for (;;) {
        int any = 0;
        for (int l = 0; l < nl; l++)
            any |= ev->active[l];
        if (!any)
            break;
        if (ev->opt.max_steps > 0 && ++nsteps > ev->opt.max_steps) {
            for (int l = 0; l < nl; l++)
                if (ev->active[l])
                    lane_fail(ev, l, DS_LANE_MAX_STEPS);
            break;
        }
        for (int l = 0; l < nl; l++) {
            double h = adaptive ? ev->h[l] : ev->opt.h_fixed;
            if (ev->rejected_last[l] && !adaptive)
                h = ev->h[l]; /* a fixed-step method retrying a failed Newton solve */
            if (ev->opt.h_max > 0 && h > ev->opt.h_max)
                h = ev->opt.h_max;
            double left = t_hard - ev->t[l];
            ev->landing[l] = left <= h * (1.0 + 1e-6);
            ev->hs[l] = ev->landing[l] ? left : h;
            ev->ok[l] = 1;
        }
        switch (m->id) {
        case DS_EULER: ds_step_euler(ev); break;
        case DS_RK4: ds_step_rk4(ev); break;
        case DS_DOPRI5: ds_step_dopri5(ev); break;
        case DS_BEULER: ds_step_beuler(ev); break;
        case DS_TRBDF2: ds_step_trbdf2(ev); break;
        default: break;
        }
        if (!m->fsal) {
            /* slope at the candidate end point: it checks that the point is inside the
             * model's domain before it is accepted, and serves as the next step's first
             * stage and the dense output's end slope */
            for (int l = 0; l < nl; l++)
                ev->ts[l] = ev->landing[l] ? t_hard : ev->t[l] + ev->hs[l];
            for (int l = 0; l < nl; l++)
                ev->iter[l] = ev->active[l] && ev->ok[l];
            ds_ev_rhs(ev, ev->ts, ev->xnew, ev->fnew, ev->iter);
        }
        if (adaptive) {
            /* weights from the larger of the old and new magnitudes */
            for (int i = 0; i < nx; i++) {
                const double at = ev->opt.atol * ev->sys.scale[i];
#pragma omp simd
                for (int l = 0; l < nl; l++) {
                    size_t q = (size_t)i * S + l;
                    double a0 = fabs(ev->x[q]), a1 = fabs(ev->xnew[q]);
                    ev->wt[q] = 1.0 / (at + ev->opt.rtol * (a0 > a1 ? a0 : a1));
                }
            }
            wrms(ev, ev->ev, ev->errn);
        }
        for (int l = 0; l < nl; l++) {
            if (!ev->active[l])
                continue;
            if (ev->status[l] != DS_LANE_OK) {
                lane_fail(ev, l, (ds_lane_status)ev->status[l]);
                continue;
            }
            int finite = 1;
            for (int i = 0; i < nx; i++)
                finite &= isfinite(ev->xnew[(size_t)i * S + l]);
            double fac = 1.0;
            int reject = !ev->ok[l] || !finite;
            if (!reject && adaptive) {
                double e = ev->errn[l];
                fac = e > 0 ? 0.9 * pow(e, expo) : 5.0;
                fac = fac < 0.2 ? 0.2 : fac > 5.0 ? 5.0 : fac;
                if (e > 1.0 || !isfinite(e))
                    reject = 1;
                else if (ev->rejected_last[l] && fac > 1.0)
                    fac = 1.0;
            }
            if (reject) {
                ev->st.rejected[l]++;
                ev->rejected_last[l] = 1;
                double hn = ev->hs[l] * (ev->ok[l] && finite && adaptive ? fac : 0.25);
                ev->h[l] = hn;
                /* a fixed-step method may retry with smaller steps, but not indefinitely */
                if (hn < ev->opt.h_min || (!adaptive && hn < 1e-3 * ev->opt.h_fixed))
                    lane_fail(ev, l, !finite ? DS_LANE_NONFINITE : !ev->ok[l] ? DS_LANE_DOMAIN : DS_LANE_STEP_UNDERFLOW);
                continue;
            }
            /* accept */
            ev->st.steps[l]++;
            if (!ev->landing[l] && ev->hs[l] < ev->st.h_min[l])
                ev->st.h_min[l] = ev->hs[l];
            ev->t_prev[l] = ev->t[l];
            ev->h_prev[l] = ev->hs[l];
            for (int i = 0; i < nx; i++) {
                size_t q = (size_t)i * S + l;
                ev->x_prev[q] = ev->x[q];
                ev->f_prev[q] = ev->f[q];
                ev->x[q] = ev->xnew[q];
                ev->f[q] = ev->fnew[q];
            }
            ev->t[l] = ev->landing[l] ? t_hard : ev->t[l] + ev->hs[l];
            if (adaptive) {
                double hn = ev->hs[l] * fac;
                if (!ev->landing[l] || hn > ev->h[l])
                    ev->h[l] = hn;
            } else if (ev->rejected_last[l]) {
                ev->h[l] = ev->hs[l] * 2.0; /* fixed step recovering from a retry */
                if (ev->h[l] >= ev->opt.h_fixed)
                    ev->rejected_last[l] = 0;
            }
            if (adaptive)
                ev->rejected_last[l] = 0;
            ev->st.h_last[l] = ev->h[l];
            if (ev->t[l] >= t_target)
                ev->active[l] = 0;
        }
    }
    if (ev->fail_lane >= 0) {
        int l = ev->fail_lane;
        return ds_fail(err, DS_ERR_NUMERIC,
                       "simulation diverged at t = %.6g s (%.4f h), subject %d, variable %s: %s "
                       "(last step %.3g s)",
                       ev->fail_t, ev->fail_t / 3600.0, l, ev->sys.var_name[ev->fail_var] ? ev->sys.var_name[ev->fail_var] : "?",
                       lane_status_text(ev->status[l]), ev->hs[l]);
    }
    return DS_OK;
}

void ds_evolver_interp(const ds_evolver *ev, double t, double *xout)
{
    const int S = ev->stride;
    for (int l = 0; l < ev->nl; l++) {
        double h = ev->h_prev[l];
        if (t >= ev->t[l] || h <= 0.0) {
            for (int i = 0; i < ev->nx; i++)
                xout[(size_t)i * S + l] = ev->x[(size_t)i * S + l];
            continue;
        }
        double s = (t - ev->t_prev[l]) / h;
        double s2 = s * s, s3 = s2 * s;
        double h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2, h11 = s3 - s2;
        for (int i = 0; i < ev->nx; i++) {
            size_t q = (size_t)i * S + l;
            xout[q] = h00 * ev->x_prev[q] + h10 * h * ev->f_prev[q] + h01 * ev->x[q] + h11 * h * ev->f[q];
        }
    }
    for (int l = ev->nl; l < S; l++)
        for (int i = 0; i < ev->nx; i++)
            xout[(size_t)i * S + l] = ev->x[(size_t)i * S + l];
}

const double *ds_evolver_state(const ds_evolver *ev) { return ev->x; }
const double *ds_evolver_time(const ds_evolver *ev) { return ev->t; }
const ds_lane_stats *ds_evolver_stats(const ds_evolver *ev) { return &ev->st; }
const unsigned char *ds_evolver_lane_status(const ds_evolver *ev) { return ev->status; }
