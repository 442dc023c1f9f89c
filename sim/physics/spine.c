/* Lumbar motion segments: poro-osmotic nucleus, annulus, vertebral inertia (DESIGN §3.1-3.2).
 *
 * Per disc i (between vertebra i above and i+1 below, the lowest one fixed):
 *   h = h0 + u_i - u_(i+1)                     height
 *   P = (V - A_n h) / C_b                      nucleus pressure (fluid incompressible, annulus bulges)
 *   N = P A_p + k_a (h0 - h) + k_v (h_v - h) - c dh/dt   axial force, compression positive
 *   dV/dt = -K(V) (P - pi(V)),  K = K0 (V/V0)^2,  pi = pi0 (V0/V)^n
 *   dh_v/dt = (h - h_v) / tau_v                fast creep of annulus and matrix (minutes)
 * The viscoelastic element (DESIGN §3.2, revision 2026-11-25) gives creep its fast phase
 * besides the slow one of fluid flow; drained and at rest it carries no force.
 * The damping enters with a minus sign: N pushes the vertebrae apart and a damper resists
 * the rate of shortening (DESIGN writes +c dh/dt, which would feed energy in).
 *
 * Inertial variant, vertebra j: m_j dw_j/dt = N_j - N_(j-1) - (L_j - L_(j-1)), with L_i the
 * compressive load carried at level i (N_(-1) = L_(-1) = 0). Muscle activations are states
 * that follow the excitation u of the static load model (loads.c),
 *   da/dt = (u - a)(u/tau_act + (1 - u)/tau_deact),
 * and the load is the static one plus the force of the activation lag:
 *   L_i = L_i(u) + sum_g G_gi cos_gi (a_gi - u_gi),  G = sigma PCSA f_l.
 * Quasi-static variant (m -> 0): N_i = L_i, and without the damper (which only matters on
 * the millisecond scale of the inertial modes) the force balance is linear in h:
 *   h = (V A_p / C_b + k_a h0 + k_v h_v - L) / (k_u + k_v),  k_u = k_a + A_p A_n / C_b,
 * leaving two ODEs per level, for V and h_v. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/dmath.h"
#include "discsim/constants.h"
#include "base/roots.h"
#include "spine.h"
#include "base/isa.h"

#define PAR(i, k) (m->par[DS_PAR_##k] + (size_t)(i) * S)
#define DER(i, k) (m->der[DS_DER_##k] + (size_t)(i) * S)

/* Quasi-static disc i of lane l under load L: height from the force balance, pressure,
 * conductance and osmotic pressure at fluid volume v (> 0) and creep state hv. */
typedef struct {
    double h, P, K, pi;
} qs_state;

/* Height from the force balance at fluid volume v, creep state hv and load L, and the nucleus
 * pressure at height h, from a lane's numbers of the level: one formula for qs_disc, the
 * right-hand side and the summaries' observation (numbers, not the model, so that the lane
 * loops that inline them vectorize). */
static inline double qs_height(double v, double hv, double L, double Ap, double iCb, double ka, double h0, double kv,
                               double ikuv)
{
    return (v * Ap * iCb + ka * h0 + kv * hv - L) * ikuv;
}

static inline double qs_pressure(double v, double h, double An, double iCb) { return (v - An * h) * iCb; }

/* (V0/V)^n of the swelling pressure, r = V0/V: for the exponent 2 (the model's at every
 * level) the product r r, rounded once, rather than the power's e^(n log r), some forty
 * dependent operations and within a few ulp; any other exponent by ds_pow. Chosen by the
 * lane's own exponent, so that a lane's numbers do not depend on its companions. */
static inline double osm_power(double r, double n) { return n == 2.0 ? r * r : ds_pow(r, n); }

/* Its inverse, (pi0/P)^(1/n) for the drained equilibrium: sqrt for the exponent 2. */
static inline double osm_root(double q, double n) { return n == 2.0 ? sqrt(q) : ds_pow(q, 1.0 / n); }

/* The swelling pressures pi0 (V0/V)^n of every level and lane into pw[level * S + lane], the
 * fluid volume state at row v_row of each level's block of b rows (a lane with no fluid left
 * on V0: flagged by the right-hand side). In a loop of their own: the power is a long chain
 * of dependent operations, and a loop of little else lets the core overlap those of several
 * levels and vectors. When every level's lanes have the exponent 2 no power is computed at
 * all; otherwise both for every lane, and each lane takes its own (what osm_power gives:
 * the same bits either way). Whether another exponent is anywhere (other) is found once per
 * block (ds_data.osm_other). */
DS_HOT static void swelling_pressures(const ds_model *m, const double *restrict x, int b, int v_row, int other,
                                      double *restrict pw_all)
{
    const int S = m->stride, nl = m->nsubj;
    for (int i = 0; i < m->nlevel; i++) {
        const double *restrict V = x + (size_t)(b * i + v_row) * S;
        const double *restrict pi0 = PAR(i, pi0), *restrict nosm = PAR(i, n_osm), *restrict V0 = DER(i, V0);
        double *restrict pw = pw_all + (size_t)i * S;
        if (!other) {
            for (int l = 0; l < nl; l++) {
                const double vl = V[l], v0 = V0[l];
                const double r = v0 / (vl > 0.0 ? vl : v0);
                pw[l] = pi0[l] * (r * r);
            }
        } else {
            for (int l = 0; l < nl; l++) {
                const double vl = V[l], v0 = V0[l];
                const double r = v0 / (vl > 0.0 ? vl : v0), sq = r * r, g = ds_pow(r, nosm[l]);
                pw[l] = pi0[l] * (nosm[l] == 2.0 ? sq : g);
            }
        }
    }
}

/* Height and pressure of level i, lane l (qs_disc's). */
static inline void qs_height_pressure(const ds_model *m, int i, int l, double v, double hv, double L, double *h,
                                      double *P)
{
    const int S = m->stride;
    *h = qs_height(v, hv, L, PAR(i, A_p)[l], DER(i, inv_Cb)[l], PAR(i, k_a)[l], PAR(i, h0)[l], PAR(i, k_v)[l],
                   DER(i, inv_kuv)[l]);
    *P = qs_pressure(v, *h, PAR(i, A_n)[l], DER(i, inv_Cb)[l]);
}

/* The segment's ramp fraction at each lane's time (ds_seg_frac, as selects: the lane loop
 * vectorizes), into w[0 .. nl - 1]. */
static inline void seg_fracs(const ds_load_segment *seg, const double *restrict t, int nl, double *restrict w)
{
    const double t0 = seg->t0, span = seg->t1 - seg->t0, sp = span > 0.0 ? span : 1.0;
    if (!(span > 0.0)) { /* no ramp (most of a day): 1 at every lane, without a division each */
        for (int l = 0; l < nl; l++)
            w[l] = 1.0;
        return;
    }
    for (int l = 0; l < nl; l++) {
        double sr = (t[l] - t0) / sp;
        sr = sr < 0.0 ? 0.0 : sr > 1.0 ? 1.0 : sr;
        const double ramp = sr * sr * sr * (10.0 + sr * (-15.0 + 6.0 * sr));
        w[l] = span > 0.0 ? ramp : 1.0;
    }
}

/* Flags the lanes with no fluid left at some level (ok 0: the product of the levels' 1s and
 * 0s, kept in a row of doubles so that the levels' lane loops vectorize; a lane by lane test
 * of the bytes after each level kept a scalar loop per level). */
static inline void flag_dry(const double *restrict ok, int nl, signed char *restrict flag)
{
    for (int l = 0; l < nl; l++)
        if (ok[l] == 0.0)
            flag[l] = 1;
}

/* A dynamic segment's loads at each lane's own time (see ds_data.t_lanes). */
static void refresh_loads(ds_data *d, const double *t)
{
    for (int l = 0; l < d->m->nsubj; l++)
        d->t_lanes[l] = t[l];
    ds_segment_refresh_all(d, d->t_lanes, 1, 0);
}

static inline qs_state qs_disc(const ds_model *m, int i, int l, double v, double hv, double L)
{
    const int S = m->stride;
    qs_state q;
    qs_height_pressure(m, i, l, v, hv, L, &q.h, &q.P);
    double r = v * DER(i, inv_V0)[l];
    q.K = PAR(i, K0)[l] * r * r;
    q.pi = PAR(i, pi0)[l] * osm_power(DER(i, V0)[l] / v, PAR(i, n_osm)[l]);
    return q;
}

DS_HOT void ds_spine_rhs_qs(void *ctx, const double *restrict t, const double *restrict x, double *restrict f,
                   signed char *restrict flag)
{
    ds_data *d = ctx; /* the data are the mutable side: the load segment is refreshed per lane */
    const ds_model *m = d->m;
    if (d->seg.dynamic) /* a massage acts: loads follow the tone at each lane's own time */
        refresh_loads(d, t);
    const int S = m->stride, nl = m->nsubj;
    double *restrict ramp_w = d->scratch; /* the ramp's fraction per lane, once for every level */
    double *restrict okall = d->scratch + (size_t)DS_SCRATCH_OK * S;
    seg_fracs(&d->seg, t, nl, ramp_w);
    for (int l = 0; l < nl; l++)
        okall[l] = 1.0;
    swelling_pressures(m, x, DS_QS_NSTATE, DS_QS_V, d->osm_other, d->lv_scratch);
    for (int i = 0; i < m->nlevel; i++) {
        const double *restrict V = x + (size_t)(DS_QS_NSTATE * i + DS_QS_V) * S;
        const double *restrict Hv = x + (size_t)(DS_QS_NSTATE * i + DS_QS_HV) * S;
        double *restrict dV = f + (size_t)(DS_QS_NSTATE * i + DS_QS_V) * S;
        double *restrict dHv = f + (size_t)(DS_QS_NSTATE * i + DS_QS_HV) * S;
        /* the level's parameters and loads as restrict pointers and the ramp's clock as
         * numbers, and selects rather than branches, so that the loop over lanes vectorizes
         * (qs_height and qs_pressure inlined, as in qs_disc); a lane with no fluid left is
         * computed on a harmless volume and flagged below */
        const double *restrict Ap = PAR(i, A_p), *restrict An = PAR(i, A_n), *restrict h0 = PAR(i, h0);
        const double *restrict ka = PAR(i, k_a), *restrict kv = PAR(i, k_v), *restrict K0 = PAR(i, K0);
        const double *restrict V0 = DER(i, V0), *restrict pw = d->lv_scratch + (size_t)i * S;
        const double *restrict iCb = DER(i, inv_Cb), *restrict ikuv = DER(i, inv_kuv), *restrict iV0 = DER(i, inv_V0);
        const double *restrict itv = DER(i, inv_tau_v);
        const double *restrict La = d->seg.from.load + (size_t)i * S, *restrict Lb = d->seg.to.load + (size_t)i * S;
        /* every operation is done on every lane and only the results selected: with IEEE
         * traps possible, the compiler speculates no arithmetic out of a branch; lanes are
         * independent (the many pointers would otherwise need more run-time alias checks than
         * the compiler makes) */
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            const double vl = V[l], v0 = V0[l]; /* both loaded: a load in a branch is not vectorized */
            const int ok = vl > 0.0;
            const double v = ok ? vl : v0;
            const double L = La[l] + (Lb[l] - La[l]) * ramp_w[l];
            const double h = qs_height(v, Hv[l], L, Ap[l], iCb[l], ka[l], h0[l], kv[l], ikuv[l]);
            const double P = qs_pressure(v, h, An[l], iCb[l]);
            const double r = v * iV0[l];
            const double pi = pw[l];
            const double dv = -(K0[l] * r * r) * (P - pi), dhv = (h - Hv[l]) * itv[l];
            const double okf = ok ? 1.0 : 0.0; /* a product, not a select of the results: GCC keeps that a branch */
            dV[l] = dv * okf;
            dHv[l] = dhv * okf;
            okall[l] *= okf;
        }
    }
    flag_dry(okall, nl, flag);
}

/* Block-tridiagonal with 2 x 2 blocks (V, h_v): the quasi-static levels do not couple. */
DS_HOT void ds_spine_jac_qs(void *ctx, const double *restrict t, const double *restrict x, double *restrict J)
{
    ds_data *d = ctx; /* the data are the mutable side: the load segment is refreshed per lane */
    const ds_model *m = d->m;
    if (d->seg.dynamic)
        refresh_loads(d, t);
    const int S = m->stride, nl = m->nsubj, nb = m->nlevel, b = DS_QS_NSTATE;
    memset(J, 0, (size_t)3 * nb * b * b * S * sizeof(double));
    for (int i = 0; i < m->nlevel; i++) {
#define JQ(r, c) J[ds_btri_at(nb, b, S, 1, i, DS_QS_##r, DS_QS_##c) + l]
        for (int l = 0; l < nl; l++) {
            double v = x[(size_t)(b * i + DS_QS_V) * S + l], hv = x[(size_t)(b * i + DS_QS_HV) * S + l];
            double itv = DER(i, inv_tau_v)[l];
            /* height at fixed load: dh/dV and dh/dh_v */
            double dh_dV = PAR(i, A_p)[l] * DER(i, inv_Cb)[l] * DER(i, inv_kuv)[l];
            double dh_dH = PAR(i, k_v)[l] * DER(i, inv_kuv)[l];
            JQ(HV, V) = dh_dV * itv;
            JQ(HV, HV) = (dh_dH - 1.0) * itv;
            if (!(v > 0.0))
                continue;
            qs_state q = qs_disc(m, i, l, v, hv, ds_load_at(d, i, l, t[l]));
            double iCb = DER(i, inv_Cb)[l], An = PAR(i, A_n)[l];
            double dP_dV = (1.0 - An * dh_dV) * iCb, dP_dH = -An * dh_dH * iCb;
            double dpi = -PAR(i, n_osm)[l] * q.pi / v;
            JQ(V, V) = -(2.0 * q.K / v) * (q.P - q.pi) - q.K * (dP_dV - dpi);
            JQ(V, HV) = -q.K * dP_dH;
        }
#undef JQ
    }
}

/* Disc quantities of level i for the inertial variant. */
typedef struct {
    double h, hd, hv, P, N, K, pi;
} disc_state;

/* Dynamic load on level i of lane l: static load plus the force of the activation lag. */
static inline double load_in(const ds_data *d, int i, int l, double t, const double *x)
{
    const ds_model *m = d->m;
    const int S = m->stride, B = ds_level_block(m), n = m->nlevel;
    const double w = ds_seg_frac(&d->seg, t);
    const ds_posture_load *A = &d->seg.from, *Bq = &d->seg.to;
    double L = ds_load_at(d, i, l, t);
    for (int g = 0; g < m->ngroup; g++) {
        size_t q = ((size_t)g * n + i) * S + l;
        double u = A->act[q] + (Bq->act[q] - A->act[q]) * w;
        double G = A->gain[q] + (Bq->gain[q] - A->gain[q]) * w;
        double a = x[(size_t)(B * i + DS_IN_A0 + g) * S + l];
        L += G * m->group[g].cosine[m->level_id[i]] * (a - u);
    }
    return L;
}

/* Height and nucleus pressure of inertial level i, lane l: from its displacement and fluid
 * volume and the displacement of the level below (none below the last). */
static inline void in_height_pressure(const ds_model *m, int i, int l, const double *x, double *h, double *P)
{
    const int S = m->stride, B = ds_level_block(m);
    const double *xi = x + (size_t)(B * i) * S;
    const double ub = i + 1 < m->nlevel ? x[(size_t)(B * (i + 1) + DS_IN_U) * S + l] : 0.0;
    *h = PAR(i, h0)[l] + xi[(size_t)DS_IN_U * S + l] - ub;
    *P = (xi[(size_t)DS_IN_V * S + l] - PAR(i, A_n)[l] * *h) * DER(i, inv_Cb)[l];
}

static inline disc_state disc_in(const ds_model *m, int i, int l, const double *x)
{
    const int S = m->stride, n = m->nlevel, B = ds_level_block(m);
    const double *xi = x + (size_t)(B * i) * S;
    const double w = xi[(size_t)DS_IN_W * S + l], v = xi[(size_t)DS_IN_V * S + l];
    const double wb = i + 1 < n ? x[(size_t)(B * (i + 1) + DS_IN_W) * S + l] : 0.0;
    disc_state s;
    double h0 = PAR(i, h0)[l];
    in_height_pressure(m, i, l, x, &s.h, &s.P);
    s.hd = w - wb;
    s.hv = xi[(size_t)DS_IN_HV * S + l];
    s.N = s.P * PAR(i, A_p)[l] + PAR(i, k_a)[l] * (h0 - s.h) + PAR(i, k_v)[l] * (s.hv - s.h) - PAR(i, c)[l] * s.hd;
    double r = v * DER(i, inv_V0)[l];
    s.K = PAR(i, K0)[l] * r * r;
    s.pi = v > 0.0 ? PAR(i, pi0)[l] * osm_power(DER(i, V0)[l] / v, PAR(i, n_osm)[l]) : INFINITY;
    return s;
}

DS_HOT void ds_spine_rhs_in(void *ctx, const double *restrict t, const double *restrict x, double *restrict f,
                   signed char *restrict flag)
{
    ds_data *d = ctx; /* the data are the mutable side: the load segment is refreshed per lane */
    const ds_model *m = d->m;
    if (d->seg.dynamic) /* a massage acts: loads follow the tone at each lane's own time */
        refresh_loads(d, t);
    const int S = m->stride, nl = m->nsubj, n = m->nlevel, B = ds_level_block(m), ng = m->ngroup;
    /* levels outside, lanes inside, so that the lane loops vectorize (as ds_spine_rhs_qs): the ramp's
     * fraction per lane, and the level above's force and load carried down in scratch */
    double *restrict wr = d->scratch, *restrict Nab = d->scratch + S, *restrict Lab = d->scratch + 2 * (size_t)S;
    double *restrict okall = d->scratch + (size_t)DS_SCRATCH_OK * S;
    seg_fracs(&d->seg, t, nl, wr);
    for (int l = 0; l < nl; l++)
        Nab[l] = Lab[l] = 0.0, okall[l] = 1.0;
    swelling_pressures(m, x, B, DS_IN_V, d->osm_other, d->lv_scratch);
    for (int i = 0; i < n; i++) {
        const double *restrict xi = x + (size_t)(B * i) * S;
        double *restrict fi = f + (size_t)(B * i) * S;
        const double *restrict Vi = xi + (size_t)DS_IN_V * S;
        /* the activations: da/dt = (u - a)(u/tau_act + (1 - u)/tau_deact), u the excitation */
        for (int g = 0; g < ng; g++) {
            const double *restrict ua = d->seg.from.act + ((size_t)g * n + i) * S;
            const double *restrict ub = d->seg.to.act + ((size_t)g * n + i) * S;
            const double *restrict a = xi + (size_t)(DS_IN_A0 + g) * S;
            double *restrict fa = fi + (size_t)(DS_IN_A0 + g) * S;
            const double ta = m->group[g].tau_act, td = m->group[g].tau_deact;
#pragma omp simd
            for (int l = 0; l < nl; l++) {
                const double u = ua[l] + (ub[l] - ua[l]) * wr[l];
                fa[l] = (u - a[l]) * (u / ta + (1.0 - u) / td);
            }
        }
        /* the load: the posture's, plus what the activations add beyond the excitation */
        double *restrict Li = d->scratch + 3 * (size_t)S;
        const double *restrict La = d->seg.from.load + (size_t)i * S, *restrict Lb = d->seg.to.load + (size_t)i * S;
#pragma omp simd
        for (int l = 0; l < nl; l++)
            Li[l] = La[l] + (Lb[l] - La[l]) * wr[l];
        for (int g = 0; g < ng; g++) {
            const size_t q = ((size_t)g * n + i) * S;
            const double *restrict ua = d->seg.from.act + q, *restrict ub = d->seg.to.act + q;
            const double *restrict Ga = d->seg.from.gain + q, *restrict Gb = d->seg.to.gain + q;
            const double *restrict a = xi + (size_t)(DS_IN_A0 + g) * S;
            const double cg = m->group[g].cosine[m->level_id[i]];
#pragma omp simd
            for (int l = 0; l < nl; l++) {
                const double u = ua[l] + (ub[l] - ua[l]) * wr[l], G = Ga[l] + (Gb[l] - Ga[l]) * wr[l];
                Li[l] += G * cg * (a[l] - u);
            }
        }
        /* the disc and the vertebra above it (disc_in's arithmetic, written out) */
        /* the vertebra below: the next level's, or none (a row of zeros, not a branch) */
        const double *restrict zero = d->scratch + (size_t)DS_SCRATCH_ZERO * S;
        const double *restrict ub_ = i + 1 < n ? x + ((size_t)(B * (i + 1)) + DS_IN_U) * S : zero;
        const double *restrict wb_ = i + 1 < n ? x + ((size_t)(B * (i + 1)) + DS_IN_W) * S : zero;
        const double *restrict h0 = PAR(i, h0), *restrict An = PAR(i, A_n), *restrict Ap = PAR(i, A_p);
        const double *restrict ka = PAR(i, k_a), *restrict kv = PAR(i, k_v), *restrict cc = PAR(i, c);
        const double *restrict K0 = PAR(i, K0), *restrict pw = d->lv_scratch + (size_t)i * S;
        const double *restrict iCb = DER(i, inv_Cb), *restrict iV0 = DER(i, inv_V0), *restrict V0 = DER(i, V0);
        const double *restrict im = DER(i, inv_m), *restrict itv = DER(i, inv_tau_v);
        const double *restrict U = xi + (size_t)DS_IN_U * S, *restrict W = xi + (size_t)DS_IN_W * S;
        const double *restrict Hv = xi + (size_t)DS_IN_HV * S;
        double *restrict fU = fi + (size_t)DS_IN_U * S, *restrict fW = fi + (size_t)DS_IN_W * S;
        double *restrict fV = fi + (size_t)DS_IN_V * S, *restrict fH = fi + (size_t)DS_IN_HV * S;
        const double *restrict Vl = Vi, *restrict Ll = Li;
        /* lanes are independent: no lane reads what another writes (the many pointers would
         * otherwise need more run-time alias checks than the compiler makes) */
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            const double vl = Vl[l], v0 = V0[l], ubl = ub_[l], wbl = wb_[l];
            const double v = vl > 0.0 ? vl : v0; /* a lane with no fluid left: computed on a harmless volume, flagged below */
            const double okf = vl > 0.0 ? 1.0 : 0.0; /* a product, not a select of the results: GCC keeps that a branch */
            const double h = h0[l] + U[l] - ubl, hd = W[l] - wbl, hv = Hv[l];
            const double P = (v - An[l] * h) * iCb[l];
            const double N = P * Ap[l] + ka[l] * (h0[l] - h) + kv[l] * (hv - h) - cc[l] * hd;
            const double r = v * iV0[l];
            const double pi = pw[l];
            const double fu = W[l], fw = (N - Nab[l] - (Ll[l] - Lab[l])) * im[l];
            const double fv = -(K0[l] * r * r) * (P - pi), fh = (h - hv) * itv[l];
            fU[l] = fu * okf;
            fW[l] = fw * okf;
            fV[l] = fv * okf;
            fH[l] = fh * okf;
            /* a lane that failed at this level leaves the levels below as they would be with
             * nothing above; its results are flagged and discarded anyway */
            Nab[l] = N * okf;
            Lab[l] = Ll[l] * okf;
            okall[l] *= okf;
        }
    }
    flag_dry(okall, nl, flag);
}

/* Block-tridiagonal with blocks (u, w, V, h_v, a_1 .. a_G) per level: disc i couples vertebra i
 * and the one below it, i+1, and the activation of level i loads both. */
DS_HOT void ds_spine_jac_in(void *ctx, const double *restrict t, const double *restrict x, double *restrict J)
{
    ds_data *d = ctx; /* the data are the mutable side: the load segment is refreshed per lane */
    const ds_model *m = d->m;
    if (d->seg.dynamic) /* a massage acts: loads follow the tone at each lane's own time */
        refresh_loads(d, t);
    const int S = m->stride, nl = m->nsubj, n = m->nlevel, b = ds_level_block(m);
    memset(J, 0, (size_t)3 * n * b * b * S * sizeof(double));
    /* JE(row level, row var, column level, column var) */
#define JE(ri, rv, ci, cv) J[ds_btri_at(n, b, S, 1 + (ci) - (ri), ri, rv, cv) + l]
    for (int l = 0; l < nl; l++) {
        const double w = ds_seg_frac(&d->seg, t[l]);
        for (int i = 0; i < n; i++) {
            const int has_below = i + 1 < n;
            double im = DER(i, inv_m)[l];
            for (int g = 0; g < m->ngroup; g++) {
                size_t q = ((size_t)g * n + i) * S + l;
                double u = d->seg.from.act[q] + (d->seg.to.act[q] - d->seg.from.act[q]) * w;
                double G = d->seg.from.gain[q] + (d->seg.to.gain[q] - d->seg.from.gain[q]) * w;
                double dL_da = G * m->group[g].cosine[m->level_id[i]];
                JE(i, DS_IN_A0 + g, i, DS_IN_A0 + g) = -(u / m->group[g].tau_act + (1.0 - u) / m->group[g].tau_deact);
                /* the load of level i pushes vertebra i down and the one below up */
                JE(i, DS_IN_W, i, DS_IN_A0 + g) -= dL_da * im;
                if (has_below)
                    JE(i + 1, DS_IN_W, i, DS_IN_A0 + g) += dL_da * DER(i + 1, inv_m)[l];
            }
            double v = x[(size_t)(b * i + DS_IN_V) * S + l];
            JE(i, DS_IN_U, i, DS_IN_W) = 1.0;
            /* creep element: dh_v/dt = (h - h_v) / tau_v, h = h0 + u_i - u_(i+1) */
            double itv = DER(i, inv_tau_v)[l];
            JE(i, DS_IN_HV, i, DS_IN_U) = itv;
            if (has_below)
                JE(i, DS_IN_HV, i + 1, DS_IN_U) = -itv;
            JE(i, DS_IN_HV, i, DS_IN_HV) = -itv;
            if (!(v > 0.0))
                continue;
            disc_state s = disc_in(m, i, l, x);
            double Ap = PAR(i, A_p)[l], An = PAR(i, A_n)[l], iCb = DER(i, inv_Cb)[l], c = PAR(i, c)[l];
            double ku = DER(i, k_u)[l], kv = PAR(i, k_v)[l];
            /* partial derivatives of N_i in u_i, w_i, V_i, h_v,i (and -1 times them in u_(i+1), w_(i+1)) */
            double dN_du = -ku - kv, dN_dw = -c, dN_dV = Ap * iCb, dN_dH = kv;
            /* vertebra i: +N_i */
            JE(i, DS_IN_W, i, DS_IN_U) += dN_du * im;
            JE(i, DS_IN_W, i, DS_IN_W) += dN_dw * im;
            JE(i, DS_IN_W, i, DS_IN_V) += dN_dV * im;
            JE(i, DS_IN_W, i, DS_IN_HV) += dN_dH * im;
            if (has_below) {
                JE(i, DS_IN_W, i + 1, DS_IN_U) += -dN_du * im;
                JE(i, DS_IN_W, i + 1, DS_IN_W) += -dN_dw * im;
                /* vertebra i+1: -N_i */
                double imb = DER(i + 1, inv_m)[l];
                JE(i + 1, DS_IN_W, i, DS_IN_U) -= dN_du * imb;
                JE(i + 1, DS_IN_W, i, DS_IN_W) -= dN_dw * imb;
                JE(i + 1, DS_IN_W, i, DS_IN_V) -= dN_dV * imb;
                JE(i + 1, DS_IN_W, i, DS_IN_HV) -= dN_dH * imb;
                JE(i + 1, DS_IN_W, i + 1, DS_IN_U) -= -dN_du * imb;
                JE(i + 1, DS_IN_W, i + 1, DS_IN_W) -= -dN_dw * imb;
            }
            /* fluid: dV/dt = -K (P - pi) */
            double dpi = -PAR(i, n_osm)[l] * s.pi / v;
            JE(i, DS_IN_V, i, DS_IN_U) = s.K * An * iCb;
            if (has_below)
                JE(i, DS_IN_V, i + 1, DS_IN_U) = -s.K * An * iCb;
            JE(i, DS_IN_V, i, DS_IN_V) = -(2.0 * s.K / v) * (s.P - s.pi) - s.K * (iCb - dpi);
        }
    }
#undef JE
}

static const char *const qs_names[DS_MAX_LEVELS][DS_QS_NSTATE] = {
    {"L1L2 fluid_volume", "L1L2 creep_height"}, {"L2L3 fluid_volume", "L2L3 creep_height"},
    {"L3L4 fluid_volume", "L3L4 creep_height"}, {"L4L5 fluid_volume", "L4L5 creep_height"},
    {"L5S1 fluid_volume", "L5S1 creep_height"}};
static const char *const in_names[DS_MAX_LEVELS][DS_IN_NSTATE] = {
    {"L1 axial displacement", "L1 axial velocity", "L1L2 fluid_volume", "L1L2 creep_height"},
    {"L2 axial displacement", "L2 axial velocity", "L2L3 fluid_volume", "L2L3 creep_height"},
    {"L3 axial displacement", "L3 axial velocity", "L3L4 fluid_volume", "L3L4 creep_height"},
    {"L4 axial displacement", "L4 axial velocity", "L4L5 fluid_volume", "L4L5 creep_height"},
    {"L5 axial displacement", "L5 axial velocity", "L5S1 fluid_volume", "L5S1 creep_height"}};

/* GCC 12 mistakes the address of a multiversioned function (isa.h) for a local's when it is
 * stored through a pointer (-Wdangling-pointer); it is a function's address all the same. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
void ds_spine_system(const ds_model *m, ds_data *d, ds_system *sys)
{
    memset(sys, 0, sizeof *sys);
    sys->nlanes = m->nsubj;
    sys->stride = m->stride;
    sys->ctx = d;
    const int B = ds_level_block(m);
    sys->nx = B * m->nlevel;
    sys->block = B;
    /* the inertial blocks end in the groups' activations: da/dt depends on a alone, and a
     * acts on its own level's and the next vertebra's equations (ds_spine_jac_in) */
    sys->lead = m->variant == DS_INERTIAL && m->ngroup > 0 ? DS_IN_NSTATE : 0;
    if (m->variant == DS_QUASI_STATIC) {
        sys->rhs = ds_spine_rhs_qs;
        sys->jac = ds_spine_jac_qs;
        for (int i = 0; i < m->nlevel; i++) {
            sys->scale[B * i + DS_QS_V] = 1000.0; /* mm^3: a nucleus holds ~8000 */
            sys->scale[B * i + DS_QS_HV] = 1.0;   /* mm */
            for (int k = 0; k < DS_QS_NSTATE; k++)
                sys->var_name[B * i + k] = qs_names[m->level_id[i]][k];
        }
    } else {
        sys->rhs = ds_spine_rhs_in;
        sys->jac = ds_spine_jac_in;
        for (int i = 0; i < m->nlevel; i++) {
            sys->scale[B * i + DS_IN_U] = 1.0;    /* mm */
            sys->scale[B * i + DS_IN_W] = 10.0;   /* mm/s */
            sys->scale[B * i + DS_IN_V] = 1000.0; /* mm^3 */
            sys->scale[B * i + DS_IN_HV] = 1.0;   /* mm */
            for (int k = 0; k < DS_IN_NSTATE; k++)
                sys->var_name[B * i + k] = in_names[m->level_id[i]][k];
            for (int g = 0; g < m->ngroup; g++) {
                sys->scale[B * i + DS_IN_A0 + g] = 1.0; /* activation, 0..1 */
                sys->var_name[B * i + DS_IN_A0 + g] = m->group[g].name;
            }
        }
    }
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif

/* The herniation and its nerve root at the observed state (DESIGN §3.4): protrusion from
 * size, pressure, flexion and height loss, the gap (a foraminal one narrows with height
 * loss), and the contact pressure of the C1 ramp. Each subject's own parameters. */
static void observe_root(const ds_model *m, ds_data *d, double w)
{
    const int S = m->stride, nl = m->nsubj;
    const ds_posture_load *A = &d->seg.from, *B = &d->seg.to;
#define BLEND(arr, q) (A->arr[q] + (B->arr[q] - A->arr[q]) * w)
    {
        const int i = m->site.level, foraminal = m->site.type == DS_FORAMINAL;
        const double *o = d->out + (size_t)i * DS_NLEVEL_OUTPUTS * S;
#define LP(k) m->lane[DS_LP_##k][l]
        for (int l = 0; l < nl; l++) {
            double P = o[(size_t)DS_OUT_pressure * S + l], h = o[(size_t)DS_OUT_height * S + l];
            double theta = BLEND(theta, (size_t)i * S + l);
            double loss = LP(hern_h_ref) - h;
            double delta = LP(hern_size) + LP(pressure_gain) * P + LP(flexion_gain) * theta + LP(height_gain) * loss;
            /* the exiting root's foramen narrows with height lost against the healthy disc (so
             * degeneration narrows it) and with extension, and opens with flexion */
            double gap = foraminal ? LP(hern_gap) - LP(foraminal_narrowing) * (LP(hern_h_healthy) - h) +
                                         LP(foraminal_opening) * theta
                                   : LP(hern_gap);
            /* a fragment that reaches past the root's resting position has displaced it: the root
             * lies stretched over the fragment and presses on it by its tension, even unloaded;
             * what the load adds beyond that compresses it (DESIGN §3.4) */
            double disp = ds_contact_ramp(LP(hern_size) - gap, LP(root_smoothing));
            double pen = delta - (gap + disp);
            double kPa = 1000.0 * (LP(root_tension) * disp +
                                   LP(root_modulus) * ds_contact_ramp(pen, LP(root_smoothing)) / LP(root_diameter));
#undef LP
#define ROOT(k) d->root[(size_t)DS_ROOT_##k * S + l]
            ROOT(protrusion) = delta;
            ROOT(gap) = gap;
            ROOT(displacement) = disp;
            ROOT(penetration) = pen;
            ROOT(contact_pressure) = kPa;
            ROOT(contact_pressure_mmHg) = kPa / DS_KPA_PER_MMHG;
#undef ROOT
        }
    }
#undef BLEND
}

/* Inertial variant: activations are states, so the muscle outputs add the force and moment
 * of their lag behind the static answer. */
static void observe_activation_lag(const ds_model *m, ds_data *d, double w, const double *x)
{
    const int S = m->stride, nl = m->nsubj, nb = ds_level_block(m);
    const ds_posture_load *A = &d->seg.from, *B = &d->seg.to;
    for (int g = 0; g < m->ngroup; g++)
        for (int i = 0; i < m->nlevel; i++) {
            const int id = m->level_id[i];
            for (int l = 0; l < nl; l++) {
                size_t q = ((size_t)g * m->nlevel + i) * S + l;
                double a = x[(size_t)(nb * i + DS_IN_A0 + g) * S + l], u = d->mact[q];
                double dF = (A->gain[q] + (B->gain[q] - A->gain[q]) * w) * (a - u);
                d->mact[q] = a;
                d->mforce[q] += dF;
                double *o = d->out + (size_t)i * DS_NLEVEL_OUTPUTS * S;
                o[(size_t)DS_OUT_muscle_compression * S + l] += dF * m->group[g].cosine[id];
                o[(size_t)DS_OUT_moment_residual * S + l] += dF * m->arm[((size_t)g * DS_MAX_LEVELS + id) * S + l];
            }
        }
}

/* The outputs of level i for every lane at t (segment fraction w). */
static void observe_level(const ds_model *m, ds_data *d, double t, const double *x, int i, double w)
{
    const int S = m->stride, nl = m->nsubj;
    const ds_posture_load *A = &d->seg.from, *B = &d->seg.to;
#define BLEND(arr, q) (A->arr[q] + (B->arr[q] - A->arr[q]) * w)
    double *o = d->out + (size_t)i * DS_NLEVEL_OUTPUTS * S;
#define OUT(k) o[(size_t)DS_OUT_##k * S + l]
    for (int l = 0; l < nl; l++) {
        size_t q = (size_t)i * S + l;
        double L = BLEND(load, q);
        double v, h, hv, P, N;
        if (m->variant == DS_QUASI_STATIC) {
            v = x[(size_t)(DS_QS_NSTATE * i + DS_QS_V) * S + l];
            hv = x[(size_t)(DS_QS_NSTATE * i + DS_QS_HV) * S + l];
            qs_state qq = qs_disc(m, i, l, v > 0.0 ? v : 1e-300, hv, L);
            h = qq.h;
            P = qq.P;
            /* = L: the balance, checked */
            N = P * PAR(i, A_p)[l] + PAR(i, k_a)[l] * (PAR(i, h0)[l] - h) + PAR(i, k_v)[l] * (hv - h);
        } else {
            disc_state ds = disc_in(m, i, l, x);
            v = x[(size_t)(ds_level_block(m) * i + DS_IN_V) * S + l];
            h = ds.h;
            hv = ds.hv;
            P = ds.P;
            N = ds.N;
            L = load_in(d, i, l, t, x);
        }
        double r = v * DER(i, inv_V0)[l];
        double pi = v > 0.0 ? PAR(i, pi0)[l] * osm_power(DER(i, V0)[l] / v, PAR(i, n_osm)[l]) : NAN;
        OUT(height) = h;
        OUT(pressure) = P;
        OUT(fluid_volume) = v;
        OUT(creep_force) = PAR(i, k_v)[l] * (hv - h);
        OUT(osmotic_pressure) = pi;
        OUT(axial_force) = N;
        OUT(axial_load) = L;
        OUT(muscle_compression) = BLEND(muscle_comp, q);
        OUT(cocontraction) = BLEND(cocontraction, q);
        OUT(external_moment) = BLEND(moment, q);
        OUT(moment_residual) = BLEND(residual, q);
        OUT(fluid_flux) = -PAR(i, K0)[l] * r * r * (P - pi);
        OUT(flexion) = BLEND(theta, q) * DS_DEG_PER_RAD;
    }
#undef OUT
#undef BLEND
}

/* Height and pressure of quasi-static level i only, what the summaries read: qs_height and
 * qs_pressure over the lanes, with restrict pointers and a select, so that the loop
 * vectorizes (the same bits as observe_level's). */
DS_HOT static void observe_level_lean(const ds_model *m, ds_data *d, const double *x, int i, double w)
{
    const int S = m->stride, nl = m->nsubj;
    const double *restrict V = x + (size_t)(DS_QS_NSTATE * i + DS_QS_V) * S;
    const double *restrict Hv = x + (size_t)(DS_QS_NSTATE * i + DS_QS_HV) * S;
    const double *restrict La = d->seg.from.load + (size_t)i * S, *restrict Lb = d->seg.to.load + (size_t)i * S;
    const double *restrict Ap = PAR(i, A_p), *restrict An = PAR(i, A_n), *restrict h0 = PAR(i, h0);
    const double *restrict ka = PAR(i, k_a), *restrict kv = PAR(i, k_v);
    const double *restrict iCb = DER(i, inv_Cb), *restrict ikuv = DER(i, inv_kuv);
    double *restrict H = d->out + ((size_t)i * DS_NLEVEL_OUTPUTS + DS_OUT_height) * S;
    double *restrict P = d->out + ((size_t)i * DS_NLEVEL_OUTPUTS + DS_OUT_pressure) * S;
#pragma omp simd
    for (int l = 0; l < nl; l++) {
        const double vl = V[l];
        const double v = vl > 0.0 ? vl : 1e-300, L = La[l] + (Lb[l] - La[l]) * w;
        const double h = qs_height(v, Hv[l], L, Ap[l], iCb[l], ka[l], h0[l], kv[l], ikuv[l]);
        H[l] = h;
        P[l] = qs_pressure(v, h, An[l], iCb[l]);
    }
}

/* Height and pressure of inertial level i only, what the summaries read (disc_in's: the
 * same bits as observe_level's). */
static void observe_level_lean_in(const ds_model *m, ds_data *d, const double *x, int i)
{
    const int S = m->stride, nl = m->nsubj;
    double *H = d->out + ((size_t)i * DS_NLEVEL_OUTPUTS + DS_OUT_height) * S;
    double *P = d->out + ((size_t)i * DS_NLEVEL_OUTPUTS + DS_OUT_pressure) * S;
    for (int l = 0; l < nl; l++)
        in_height_pressure(m, i, l, x, &H[l], &P[l]);
}

int ds_spine_summary_rows(const ds_model *m, int level, int *rows)
{
    const int B = ds_level_block(m);
    if (m->variant == DS_QUASI_STATIC) {
        rows[0] = B * level + DS_QS_V;
        rows[1] = B * level + DS_QS_HV;
        return 2;
    }
    rows[0] = B * level + DS_IN_U;
    rows[1] = B * level + DS_IN_V;
    rows[2] = B * (level + 1) + DS_IN_U;
    return level + 1 < m->nlevel ? 3 : 2;
}

static void observe(const ds_model *m, ds_data *d, double t, const double *x, int only)
{
    const int S = m->stride, nl = m->nsubj;
    ds_segment_refresh_all(d, &t, 0, only < 0); /* the summaries read no cocontraction */
    const double w = ds_seg_frac(&d->seg, t);
    if (only >= 0) {
        if (m->variant == DS_QUASI_STATIC)
            observe_level_lean(m, d, x, only, w);
        else
            observe_level_lean_in(m, d, x, only);
        if (m->site.enabled)
            observe_root(m, d, w);
        return;
    }
    for (int l = 0; l < nl; l++) {
        ds_muscle_mod mod;
        ds_muscle_mod_at(d->seg.sessions, d->seg.nsession, m->ngroup, t, m->lane[DS_LP_massage_size][l],
                         m->lane[DS_LP_massage_time][l], &mod);
        for (int g = 0; g < m->ngroup; g++)
            d->mtone[(size_t)g * S + l] = m->tone[(size_t)g * S + l] * mod.tone[g];
    }
    for (int i = 0; i < m->nlevel; i++)
        observe_level(m, d, t, x, i, w);
    const ds_posture_load *A = &d->seg.from, *B = &d->seg.to;
#define BLEND(arr, q) (A->arr[q] + (B->arr[q] - A->arr[q]) * w)
    const size_t nm = (size_t)m->ngroup * m->nlevel * S;
    for (size_t q = 0; q < nm; q++) {
        d->mact[q] = BLEND(act, q);
        d->mforce[q] = BLEND(force, q);
    }
#undef BLEND
    if (m->variant == DS_INERTIAL)
        observe_activation_lag(m, d, w, x);
    if (m->site.enabled)
        observe_root(m, d, w);
}

DS_HOT void ds_spine_observe(const ds_model *m, ds_data *d, double t, const double *x) { observe(m, d, t, x, -1); }

DS_HOT void ds_spine_observe_level(const ds_model *m, ds_data *d, double t, const double *x, int level)
{
    observe(m, d, t, x, level);
}

/* Drained equilibrium of one disc: find P with P = pi(V) and N = L, where
 * V(P) = V0 (pi0/P)^(1/n) and h(P) = (V - C_b P)/A_n; g(P) = P A_p + k_a (h0 - h) - L rises
 * with P, so a bracketing solver (Brent's, base/roots.c) is safe. Every lane of a level at
 * once: g is evaluated for all lanes in one loop (the power's chains vectorize), and each
 * lane takes the bracket and Brent's steps a lane alone takes (ds_brent_step): the same
 * bits. The level's parameters, a row of lanes each. */
typedef struct {
    double *Ap, *An, *h0, *ka, *Cb, *pi0, *n, *V0, *L;
} eq_lanes;

static inline double eq_volume(double V0, double pi0, double n, double P) { return V0 * osm_root(pi0 / P, n); }

/* g for every lane; other: whether any lane's exponent is not 2. When none is, no power is
 * computed (in vectors, both of osm_root's branches were, for every lane, where a lane alone
 * takes the square root only): the same bits either way. */
DS_HOT static void eq_g_lanes(const eq_lanes *q, int nl, int other, const double *restrict P, double *restrict g)
{
    const double *restrict Ap = q->Ap, *restrict An = q->An, *restrict h0 = q->h0, *restrict ka = q->ka;
    const double *restrict Cb = q->Cb, *restrict pi0 = q->pi0, *restrict n = q->n, *restrict V0 = q->V0;
    const double *restrict L = q->L;
    if (other)
        for (int l = 0; l < nl; l++) {
            const double V = eq_volume(V0[l], pi0[l], n[l], P[l]);
            const double h = (V - Cb[l] * P[l]) / An[l];
            g[l] = P[l] * Ap[l] + ka[l] * (h0[l] - h) - L[l];
        }
    else
        for (int l = 0; l < nl; l++) {
            const double V = V0[l] * sqrt(pi0[l] / P[l]);
            const double h = (V - Cb[l] * P[l]) / An[l];
            g[l] = P[l] * Ap[l] + ka[l] * (h0[l] - h) - L[l];
        }
}

/* Level i's pressures P[l] for lanes 0..nl-1 (q filled); ok[l] = 0 where none is found. The
 * lanes' flags are 64-bit and their Brent steps by vectors (ds_brent_step_lanes): lane by
 * lane, the steps were a third of the equilibrium's time and gained 2x from batching. */
DS_HOT static void eq_solve_lanes(const eq_lanes *q, int nl, double *restrict P, int64_t *restrict ok,
                                  double *restrict hi, double *restrict g, const ds_brent_lanes *br,
                                  int64_t *restrict live)
{
    const double *restrict n = q->n;
    double *restrict B = br->b, *restrict FB = br->fb;
    const int other = ds_osm_any_other(n, (size_t)nl);
    for (int l = 0; l < nl; l++) {
        hi[l] = 1.0;
        live[l] = !(n[l] == 0.0); /* constant osmotic pressure: no root to find */
        ok[l] = 1;
        B[l] = 1.0; /* a lane without a root reads a harmless number */
    }
    for (int64_t any = 1; any;) { /* the bracket: hi doubles while g(hi) < 0 */
        eq_g_lanes(q, nl, other, hi, g);
        any = 0;
#pragma omp simd reduction(| : any)
        for (int l = 0; l < nl; l++) {
            const int64_t more = live[l] & (g[l] < 0.0) & (hi[l] < 1e6);
            hi[l] = more ? 2.0 * hi[l] : hi[l];
            live[l] = more;
            any |= more;
        }
    }
    for (int l = 0; l < nl; l++) {
        P[l] = 1e-9;
        live[l] = !(n[l] == 0.0);
    }
    eq_g_lanes(q, nl, other, P, g); /* g at the bracket's low end, then at its high one */
    for (int l = 0; l < nl; l++)
        P[l] = g[l];
    eq_g_lanes(q, nl, other, hi, g);
    for (int l = 0; l < nl; l++) {
        ok[l] = live[l] ^ 1; /* so far 1: a live lane's is whether it is bracketed */
        br->a[l] = 1e-9;     /* the bracket's low end, read where it is written */
    }
    ds_brent_start_lanes(br, nl, br->a, hi, P, g, live); /* no bracket: b stays 1 */
    for (int l = 0; l < nl; l++)
        ok[l] |= live[l];
    for (int it = 0; it < 200; it++) {
        ds_brent_step_lanes(br, nl, 0.0, live);
        int64_t any = 0;
#pragma omp simd reduction(| : any)
        for (int l = 0; l < nl; l++) {
            any |= live[l];
            P[l] = live[l] ? B[l] : 1.0; /* a lane done is evaluated somewhere harmless */
        }
        if (!any)
            break;
        eq_g_lanes(q, nl, other, P, g);
#pragma omp simd
        for (int l = 0; l < nl; l++) {
            const int64_t bad = live[l] & isnan(g[l]);
            FB[l] = live[l] ? g[l] : FB[l];
            ok[l] &= bad ^ 1;
            live[l] &= bad ^ 1;
        }
    }
    for (int l = 0; l < nl; l++) {
        ok[l] &= live[l] ^ 1; /* out of steps */
        P[l] = n[l] == 0.0 ? q->pi0[l] : B[l];
    }
}

ds_status ds_spine_equilibrium(const ds_model *m, const double *load, const double *act, double *x, ds_error *err)
{
    const int S = m->stride, B = ds_level_block(m), nl = m->nsubj;
    enum { NQ = 9, NW = 5 }; /* rows of lanes: the parameters; P, hi, g, u_below and a failure's load */
    enum { NB = 8, NF = 2 }; /* rows of lanes: Brent's state; the flags ok and live */
    double *mem = malloc(((size_t)NQ + NW + NB) * nl * sizeof(double) + (size_t)NF * nl * sizeof(int64_t) + (size_t)nl);
    if (!mem)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the drained equilibrium of %d subjects", nl);
    double *const rows[NQ] = {mem, mem + nl, mem + 2 * (size_t)nl, mem + 3 * (size_t)nl, mem + 4 * (size_t)nl,
                              mem + 5 * (size_t)nl, mem + 6 * (size_t)nl, mem + 7 * (size_t)nl, mem + 8 * (size_t)nl};
    eq_lanes q = {rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6], rows[7], rows[8]};
    double *P = mem + (size_t)NQ * nl, *hi = P + nl, *g = hi + nl, *u_below = g + nl, *fail_L = u_below + nl;
    double *bs = fail_L + nl;
    const ds_brent_lanes br = {bs, bs + nl, bs + 2 * (size_t)nl, bs + 3 * (size_t)nl, bs + 4 * (size_t)nl,
                               bs + 5 * (size_t)nl, bs + 6 * (size_t)nl, bs + 7 * (size_t)nl};
    int64_t *ok = (int64_t *)(bs + (size_t)NB * nl), *live = ok + nl;
    unsigned char *fail_id = (unsigned char *)(live + nl);
    for (int l = 0; l < nl; l++) {
        u_below[l] = 0.0;
        fail_id[l] = DS_MAX_LEVELS; /* none yet */
    }
    for (int i = m->nlevel - 1; i >= 0; i--) {
        for (int l = 0; l < nl; l++) {
            q.Ap[l] = PAR(i, A_p)[l], q.An[l] = PAR(i, A_n)[l], q.h0[l] = PAR(i, h0)[l], q.ka[l] = PAR(i, k_a)[l];
            q.Cb[l] = PAR(i, C_b)[l], q.pi0[l] = PAR(i, pi0)[l], q.n[l] = PAR(i, n_osm)[l];
            q.V0[l] = DER(i, V0)[l], q.L[l] = load[(size_t)i * S + l];
        }
        eq_solve_lanes(&q, nl, P, ok, hi, g, &br, live);
        for (int l = 0; l < nl; l++) {
            double V, h;
            if (q.n[l] == 0.0) { /* constant osmotic pressure: P = pi0 */
                h = q.h0[l] - (q.L[l] - P[l] * q.Ap[l]) / q.ka[l];
                V = q.An[l] * h + q.Cb[l] * P[l];
            } else {
                V = eq_volume(q.V0[l], q.pi0[l], q.n[l], P[l]);
                h = (V - q.Cb[l] * P[l]) / q.An[l];
            }
            if (!ok[l] && fail_id[l] == DS_MAX_LEVELS) { /* a lane alone stops at its first failure */
                fail_id[l] = (unsigned char)i;
                fail_L[l] = q.L[l];
            }
            if (m->variant == DS_QUASI_STATIC) { /* at rest the creep element carries nothing */
                x[(size_t)(B * i + DS_QS_V) * S + l] = V;
                x[(size_t)(B * i + DS_QS_HV) * S + l] = h;
            } else {
                double u = h - q.h0[l] + u_below[l];
                x[(size_t)(B * i + DS_IN_U) * S + l] = u;
                x[(size_t)(B * i + DS_IN_W) * S + l] = 0.0;
                x[(size_t)(B * i + DS_IN_V) * S + l] = V;
                x[(size_t)(B * i + DS_IN_HV) * S + l] = h;
                for (int gi = 0; gi < m->ngroup; gi++)
                    x[(size_t)(B * i + DS_IN_A0 + gi) * S + l] = act ? act[((size_t)gi * m->nlevel + i) * S + l] : 0.0;
                u_below[l] = u;
            }
        }
    }
    ds_status st = DS_OK;
    for (int l = 0; l < nl && st == DS_OK; l++) /* the first subject's failure, as one alone meets it */
        if (fail_id[l] != DS_MAX_LEVELS)
            st = ds_fail(err, DS_ERR_INPUT, "no drained equilibrium for level %s under a load of %g N",
                         ds_level_names[m->level_id[fail_id[l]]], fail_L[l]);
    free(mem);
    /* padding lanes mirror lane 0 so that they stay finite: its state copied (what solving
     * its problem again gave, the same bits, for a fraction of the work) */
    for (int r = 0; st == DS_OK && r < B * m->nlevel; r++)
        for (int l = m->nsubj; l < S; l++)
            x[(size_t)r * S + l] = x[(size_t)r * S];
    return st;
}
