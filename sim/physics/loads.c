/* The static load model: what a posture puts on each lumbar level (DESIGN §3.3, §3.6).
 *
 * Per level i (disc between vertebra i and i+1), with the posture's support s, trunk
 * inclination phi, lumbar flexion theta shared over the levels (theta_j = share_j theta):
 *   rotation of the body above disc i from upright   rho_i = phi - theta * (share of the levels above i)
 *   inclination of the disc's axis                   psi_i = rho_i + lordosis_i
 *   weight above          W_i = (1 - s) g M f_i
 *   external moment       M_i = W_i (e_i cos rho_i + c_i k sin rho_i) + g m_h d_h     (flexion > 0,
 *                         c_i scaled by k = stature / reference stature)
 *   muscle g              F = sigma PCSA (a f_l(l~) + s_p f_pe(l~)),  l~ = 1 + sum_j r_gj theta_j / l_opt
 *   ligaments             M_lig,i = M_full,i (e^(b x) - 1)/(e^b - 1), x = theta_i / (share_i theta_full) >= 0
 *                         (the osteoligamentous segment: capsules, flavum, inter- and supraspinous
 *                         ligaments, annulus; little in the first half of flexion, rising steeply
 *                         towards full flexion; none in extension)
 *   balance               sum_g F_g r_gi = M_i - M_lig,i
 *   compression           L_i = P0_i + (W_i + g m_h) cos psi_i + sum_g F_g cos_gi + M_lig,i / r_lig,i
 *                         (P0: passive preload at rest)
 * Near full flexion the ligaments and the stretched muscles' passive force carry the moment,
 * and the active muscles fall to their floor: flexion-relaxation emerges, it is not imposed.
 * Curves (Thelen 2003): f_l = exp(-(l~ - 1)^2 / 0.45), f_pe = (exp(4 (l~ - 1)/0.6) - 1)/(e^4 - 1)
 * for l~ > 1. Slow postures: f_v = 1.
 *
 * Static optimisation per level: minimise sum_g PCSA_g a_g^2 subject to the moment balance
 * and tone_g <= a_g <= 1 (the tone is the floor of activation). Its KKT conditions give
 * a_g(lambda) = clamp(lambda c_g / (2 PCSA_g), tone_g, 1), c_g = sigma PCSA f_l r, and the
 * muscle moment sum_g c_g a_g(lambda) is piecewise linear and non-decreasing in lambda: the
 * balance is solved exactly on the segment between sorted breakpoints, not iteratively.
 * The result is the excitation u that holds the posture; the inertial variant lets the
 * activation a follow it with first-order dynamics (spine.c), the quasi-static one takes
 * a = u. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/dmath.h"
#include "base/isa.h"
#include "balance.h"
#include "discsim/data.h"

double ds_route_effect(double start, double duration, double onset_, double decay, double t, double time_scale)
{
    if (t <= start)
        return 0.0;
    double end = start + duration, onset = onset_ * time_scale;
    if (t <= end)
        return 1.0 - ds_exp(-(t - start) / onset);
    double e_end = 1.0 - ds_exp(-duration / onset);
    double x = (t - end) / (decay * time_scale);
    return x > 40.0 ? 0.0 : e_end * ds_exp(-x); /* beyond e^-40 the effect is nil, exactly */
}

double ds_session_reach(const ds_session *s, double time_scale)
{
    double tau = s->p.decay > s->p.passive_decay ? s->p.decay : s->p.passive_decay;
    if (s->p.carry_over > 0 && s->p.carry_recovery > tau)
        tau = s->p.carry_recovery;
    return s->start + s->duration + 40.0 * tau * time_scale;
}

/* The carry-over hypothesis: 0 before the session, rising in proportion over it, then
 * recovering exponentially (exactly nil 40 time constants after). */
static double carry_effect(const ds_session *s, double t, double time_scale)
{
    if (!(s->p.carry_over > 0) || t <= s->start)
        return 0.0;
    double end = s->start + s->duration;
    if (t <= end)
        return (t - s->start) / s->duration;
    double x = (t - end) / (s->p.carry_recovery * time_scale);
    return x > 40.0 ? 0.0 : ds_exp(-x);
}

void ds_muscle_mod_at(const ds_session *s, int n, int ngroup, double t, double size, double time_scale,
                      ds_muscle_mod *mod)
{
    for (int g = 0; g < ngroup; g++)
        mod->tone[g] = mod->passive[g] = 1.0;
    for (int k = 0; k < n; k++) {
        const ds_massage_defaults *p = &s[k].p;
        double en = ds_route_effect(s[k].start, s[k].duration, p->onset, p->decay, t, time_scale);
        double em = ds_route_effect(s[k].start, s[k].duration, p->passive_onset, p->passive_decay, t, time_scale);
        double ec = carry_effect(&s[k], t, time_scale);
        if (en == 0.0 && em == 0.0 && ec == 0.0)
            continue;
        /* a reduction beyond the whole tone is no reduction a subject can have: at most 1 */
        double rt = p->tone_reduction * size, rp = p->passive_reduction * size, rc = p->carry_over * size;
        rt = rt < 1.0 ? rt : 1.0;
        rp = rp < 1.0 ? rp : 1.0;
        rc = rc < 1.0 ? rc : 1.0;
        for (int g = 0; g < ngroup; g++)
            if (s[k].groups & (1u << g)) {
                mod->tone[g] *= (1.0 - rt * en) * (1.0 - rc * ec);
                mod->passive[g] *= 1.0 - rp * em;
            }
    }
}

static double f_l(double lt) { return ds_exp(-(lt - 1.0) * (lt - 1.0) / 0.45); }

static double f_pe(double lt)
{
    static const double den = 53.598150033144236; /* e^4 - 1 */
    return lt > 1.0 ? (ds_exp(4.0 * (lt - 1.0) / 0.6) - 1.0) / den : 0.0;
}

/* The subjects' muscle strength and geometry (model arrays by group, level id and lane) from
 * lane l0 on: group k's specific tension, and its PCSA or moment arm at level id. */
#define SIGMA_ROW(k) (m->sigma + (size_t)(k) * S + l0)
#define LEVEL_ROW(arr, k, id) (m->arr + ((size_t)(k) * DS_MAX_LEVELS + (id)) * S + l0)

/* What a posture makes of each level (by level id) that no lane's numbers enter: the
 * flexion, the lever of the weight above, the cosine of the disc's inclination and the
 * ligaments' moment. Found once for all the chunks of lanes (each chunk of 8 found them
 * again: a block of 32 took its cosines and sines four times, 0.9 % of its day). */
typedef struct {
    double theta[DS_MAX_LEVELS], lever[DS_MAX_LEVELS], cos_psi[DS_MAX_LEVELS], Mlig[DS_MAX_LEVELS];
    int lig[DS_MAX_LEVELS];
} posture_geom;

static void posture_geometry(const ds_model *m, const ds_posture_params *p, posture_geom *pg)
{
    const ds_body *b = &m->body;
    double above[DS_MAX_LEVELS];
    double cum = 0.0;
    for (int id = 0; id < DS_MAX_LEVELS; id++) {
        pg->theta[id] = p->flexion * b->flexion_share[id];
        above[id] = cum;
        cum += b->flexion_share[id];
    }
    for (int i = 0; i < m->nlevel; i++) {
        const int id = m->level_id[i];
        const double rho = p->inclination - p->flexion * above[id], psi = rho + b->lordosis[id];
        const double cos_rho = cos(rho), sin_rho = sin(rho);
        pg->cos_psi[id] = cos(psi);
        pg->lever[id] = b->com_offset[id] * cos_rho + b->com_distance[id] * b->height_scale * sin_rho;
        /* x = theta_i / (share_i theta_full) = flexion / theta_full, the same at every level */
        const int lig = b->ligament_moment[id] > 0.0 && b->full_flexion > 0.0 && p->flexion > 0.0;
        const double xl = lig ? p->flexion / b->full_flexion : 0.0;
        pg->lig[id] = lig;
        pg->Mlig[id] = lig ? b->ligament_moment[id] * (ds_exp(b->ligament_shape * xl) - 1.0) / b->ligament_den : 0.0;
    }
}

/* The loads of lanes l0 .. l0 + nk - 1 (nk <= DS_BAL_LANES), lane l0 + k's muscles scaled by
 * mod[k] (mod NULL: unchanged): each lane's moments and muscle coefficients as one lane
 * alone computes them, the balances for all of them at once (ds_balance_lanes; the vector's
 * other lanes repeat the first), then each lane's outputs. */
DS_HOT static void posture_loads_chunk(const ds_model *m, const ds_posture_params *p, const posture_geom *pg,
                                       const ds_muscle_mod *mod, int l0, int nk, int cocontraction,
                                       ds_posture_load *out)
{
    const int S = m->stride, nlev = m->nlevel, ng = m->ngroup;
    const ds_body *b = &m->body;
    const double g = b->gravity;
    const double *theta = pg->theta;
    /* the massage's factors on tone and passive force, a row of lanes per group (1 without) */
    double mtone[DS_MAX_GROUPS][DS_BAL_LANES], mpass[DS_MAX_GROUPS][DS_BAL_LANES];
    for (int gi = 0; gi < ng; gi++)
        for (int k = 0; k < DS_BAL_LANES; k++) {
            mtone[gi][k] = mod && k < nk ? mod[k].tone[gi] : 1.0;
            mpass[gi][k] = mod && k < nk ? mod[k].passive[gi] : 1.0;
        }
    /* force-length factors, once per group and lane, from the fibre stretch of each group
     * (the flexion of every level it crosses); a vector's lanes past nk on a stretch of 1 */
    double fl[DS_MAX_GROUPS][DS_BAL_LANES], fpe[DS_MAX_GROUPS][DS_BAL_LANES];
    for (int gi = 0; gi < ng; gi++) {
        double lt[DS_BAL_LANES], dl[DS_BAL_LANES] = {0};
        for (int id = 0; id < DS_MAX_LEVELS; id++) /* each lane's sum over the levels in order */
            if (m->group[gi].crosses[id]) {
                const double *restrict arm = LEVEL_ROW(arm, gi, id);
#pragma omp simd
                for (int k = 0; k < DS_BAL_LANES; k++)
                    dl[k] += arm[k] * theta[id];
            }
#pragma omp simd
        for (int k = 0; k < DS_BAL_LANES; k++)
            lt[k] = k < nk ? 1.0 + dl[k] / m->group[gi].l_opt : 1.0;
#pragma omp simd
        for (int k = 0; k < DS_BAL_LANES; k++)
            fl[gi][k] = f_l(lt[k]), fpe[gi][k] = f_pe(lt[k]);
    }
    for (int i = 0; i < nlev; i++) {
        const int id = m->level_id[i];
        double c[DS_MAX_GROUPS][DS_BAL_LANES], w[DS_MAX_GROUPS][DS_BAL_LANES], lo[DS_MAX_GROUPS][DS_BAL_LANES];
        double zero[DS_MAX_GROUPS][DS_BAL_LANES] = {{0}}, a[DS_MAX_GROUPS][DS_BAL_LANES], a0[DS_MAX_GROUPS][DS_BAL_LANES];
        double Fp[DS_MAX_GROUPS][DS_BAL_LANES], target[DS_BAL_LANES], res[DS_BAL_LANES], res0[DS_BAL_LANES];
        double W[DS_BAL_LANES], M[DS_BAL_LANES], Ml[DS_BAL_LANES], Mp[DS_BAL_LANES], comp[DS_BAL_LANES];
        const double Wh = g * p->hand_load, cos_psi = pg->cos_psi[id], lever = pg->lever[id];
        /* the lanes inner, each lane's numbers in the order a lane alone took them */
        /* every lane of the vector (a fixed count, so that the loops vectorize; the lanes from
         * nk on, read within the stride, are not written out) */
#pragma omp simd
        for (int k = 0; k < DS_BAL_LANES; k++) {
            const int lane = l0 + k;
            W[k] = (1.0 - p->support) * g * m->body_mass[lane] * b->mass_above[id];
            M[k] = W[k] * lever + Wh * p->hand_distance;
            Mp[k] = 0.0;
        }
        for (int gi = 0; gi < ng; gi++) {
            const ds_muscle_group *mg = &m->group[gi];
            const int cr = mg->crosses[id];
            const double *restrict sig = SIGMA_ROW(gi), *restrict pcsa = LEVEL_ROW(pcsa, gi, id);
            const double *restrict arm = LEVEL_ROW(arm, gi, id);
            const double *restrict tone = m->tone + (size_t)gi * S + l0;
#pragma omp simd
            for (int k = 0; k < DS_BAL_LANES; k++) {
                const double Fmax = cr ? sig[k] * pcsa[k] : 0.0;
                c[gi][k] = Fmax * fl[gi][k] * arm[k];
                w[gi][k] = cr ? pcsa[k] : 0.0;
                lo[gi][k] = cr ? tone[k] * p->tone * mtone[gi][k] : 0.0;
                Fp[gi][k] = Fmax * mg->passive * mpass[gi][k] * fpe[gi][k];
                Mp[k] += Fp[gi][k] * arm[k];
            }
        }
        const int lig = pg->lig[id];
        const double Mlig = pg->Mlig[id];
#pragma omp simd
        for (int k = 0; k < DS_BAL_LANES; k++) {
            /* the posture is prescribed: the ligaments carry the moment up to their capacity
             * at this flexion, never more than is left after the muscles' passive force (a
             * little less flexion would settle them there; more would need the abdominals) */
            const double Mleft = M[k] - Mp[k] > 0.0 ? M[k] - Mp[k] : 0.0;
            Ml[k] = lig ? (Mlig < Mleft ? Mlig : Mleft) : 0.0;
            target[k] = M[k] - Mp[k] - Ml[k];
        }
        for (int r = nk; r < DS_BAL_LANES; r++) { /* the vector's other lanes: the first lane's problem again */
            for (int gi = 0; gi < ng; gi++)
                c[gi][r] = c[gi][0], w[gi][r] = w[gi][0], lo[gi][r] = lo[gi][0];
            target[r] = target[0];
        }
        ds_balance_lanes(ng, (const double(*)[DS_BAL_LANES])c, (const double(*)[DS_BAL_LANES])w,
                         (const double(*)[DS_BAL_LANES])lo, target, a, res);
        /* what the tone floor adds: the same balance without it (the task alone), for the
         * output only (half the balancing a massage's right-hand sides did) */
        if (cocontraction)
            ds_balance_lanes(ng, (const double(*)[DS_BAL_LANES])c, (const double(*)[DS_BAL_LANES])w,
                             (const double(*)[DS_BAL_LANES])zero, target, a0, res0);
        /* the outputs for the whole vector (the lanes from nk on are the first lane's problem),
         * then the nk lanes' copied out: computed lane by lane up to nk, they stayed scalar */
        for (int k = 0; k < DS_BAL_LANES; k++)
            comp[k] = 0.0;
        for (int gi = 0; gi < ng; gi++) {
            const ds_muscle_group *mg = &m->group[gi];
            const int cr = mg->crosses[id];
            const double cosine = mg->cosine[id];
            const double *restrict sig = SIGMA_ROW(gi), *restrict pcsa = LEVEL_ROW(pcsa, gi, id);
            const size_t qm = ((size_t)gi * nlev + i) * S + l0;
            double *restrict act = out->act + qm, *restrict force = out->force + qm, *restrict gain = out->gain + qm;
            double av[DS_BAL_LANES], Fv[DS_BAL_LANES], gv[DS_BAL_LANES];
#pragma omp simd
            for (int k = 0; k < DS_BAL_LANES; k++) {
                const double F = cr ? sig[k] * pcsa[k] * a[gi][k] * fl[gi][k] + Fp[gi][k] : 0.0;
                av[k] = cr ? a[gi][k] : 0.0;
                Fv[k] = F;
                gv[k] = cr ? sig[k] * pcsa[k] * fl[gi][k] : 0.0;
                comp[k] += F * cosine;
            }
            for (int k = 0; k < nk; k++)
                act[k] = av[k], force[k] = Fv[k], gain[k] = gv[k];
        }
        const size_t q0 = (size_t)i * S + l0;
        if (cocontraction) {
            double comp0[DS_BAL_LANES];
            for (int k = 0; k < nk; k++)
                comp0[k] = 0.0;
            for (int gi = 0; gi < ng; gi++) {
                const ds_muscle_group *mg = &m->group[gi];
                if (!mg->crosses[id])
                    continue;
                const double *restrict sig = SIGMA_ROW(gi), *restrict pcsa = LEVEL_ROW(pcsa, gi, id);
                for (int k = 0; k < nk; k++)
                    comp0[k] += (sig[k] * pcsa[k] * a0[gi][k] * fl[gi][k] + Fp[gi][k]) * mg->cosine[id];
            }
            for (int k = 0; k < nk; k++)
                out->cocontraction[q0 + k] = comp[k] - comp0[k];
        }
        const double lig_arm = b->ligament_arm[id];
        double ld[DS_BAL_LANES];
#pragma omp simd
        for (int k = 0; k < DS_BAL_LANES; k++)
            ld[k] = b->preload[id] + (W[k] + Wh) * cos_psi + comp[k] + (Ml[k] > 0.0 ? Ml[k] / lig_arm : 0.0);
        for (int k = 0; k < nk; k++) {
            const size_t q = q0 + k;
            out->load[q] = ld[k];
            out->theta[q] = theta[id];
            out->muscle_comp[q] = comp[k];
            out->moment[q] = M[k];
            out->residual[q] = res[k];
        }
    }
}

#undef SIGMA_ROW
#undef LEVEL_ROW

void ds_posture_loads_lanes(const ds_model *m, const ds_posture_params *p, const ds_muscle_mod *mod, int l0, int n,
                            int cocontraction, ds_posture_load *out)
{
    posture_geom pg;
    posture_geometry(m, p, &pg);
    for (int k = 0; k < n; k += DS_BAL_LANES)
        posture_loads_chunk(m, p, &pg, mod ? mod + k : NULL, l0 + k, n - k < DS_BAL_LANES ? n - k : DS_BAL_LANES,
                            cocontraction, out);
}

void ds_posture_loads(const ds_model *m, const ds_posture_params *p, int cocontraction, ds_posture_load *out)
{
    ds_posture_loads_lanes(m, p, NULL, 0, m->nsubj, cocontraction, out);
    /* the padding lanes would be computed from lane 0's parameters, to lane 0's values:
     * copied, the same bits, rather than computed again (a block of one subject has seven) */
    ds_posture_load_pad(m, out);
}
