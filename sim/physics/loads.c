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

/* Muscle moment at multiplier lam. */
static double moment_at(int n, const double *c, const double *w, const double *lo, double lam)
{
    double sum = 0.0;
    for (int g = 0; g < n; g++) {
        double a = w[g] > 0.0 ? lam * c[g] / (2.0 * w[g]) : lo[g];
        a = a < lo[g] ? lo[g] : a > 1.0 ? 1.0 : a;
        sum += c[g] * a;
    }
    return sum;
}

/* Activations a[g] with sum c a = target, or saturated if out of reach; returns the
 * residual sum c a - target. */
static double balance(int n, const double *c, const double *w, const double *lo, double target, double *a)
{
    double bp[2 * DS_MAX_GROUPS + 1];
    int nb = 0;
    bp[nb++] = 0.0;
    for (int g = 0; g < n; g++)
        if (c[g] != 0.0 && w[g] > 0.0) {
            bp[nb++] = 2.0 * w[g] * lo[g] / c[g];
            bp[nb++] = 2.0 * w[g] / c[g];
        }
    for (int k = 1; k < nb; k++) { /* insertion sort: a dozen values, no library call */
        double v = bp[k];
        int j = k - 1;
        for (; j >= 0 && bp[j] > v; j--)
            bp[j + 1] = bp[j];
        bp[j + 1] = v;
    }
    double lam;
    double m_lo = moment_at(n, c, w, lo, bp[0]), m_hi = moment_at(n, c, w, lo, bp[nb - 1]);
    if (target <= m_lo)
        lam = bp[0];
    else if (target >= m_hi)
        lam = bp[nb - 1];
    else {
        /* the first breakpoint whose moment reaches the target, by bisection: the moment
         * does not decrease with lam, term by term and in floating point too (each term is
         * c[g] times a clamped, correctly rounded multiple of lam, of the sign that makes it
         * grow, and the sum's order is fixed), so this is the breakpoint a scan from the
         * left finds, in 4 evaluations rather than up to 12 */
        int lo_k = 0, hi_k = nb - 1; /* moment(bp[lo_k]) < target <= moment(bp[hi_k]) */
        double m_hi_k = m_hi;
        while (hi_k - lo_k > 1) {
            int mid = (lo_k + hi_k) / 2;
            double mm = moment_at(n, c, w, lo, bp[mid]);
            if (mm >= target)
                hi_k = mid, m_hi_k = mm;
            else
                lo_k = mid;
        }
        const int k = hi_k;
        const double mk = m_hi_k, m_prev = k - 1 == 0 ? m_lo : moment_at(n, c, w, lo, bp[k - 1]);
        /* linear on [bp[k-1], bp[k]] */
        lam = mk > m_prev ? bp[k - 1] + (bp[k] - bp[k - 1]) * (target - m_prev) / (mk - m_prev) : bp[k];
    }
    double sum = 0.0;
    for (int g = 0; g < n; g++) {
        double v = w[g] > 0.0 ? lam * c[g] / (2.0 * w[g]) : lo[g];
        a[g] = v < lo[g] ? lo[g] : v > 1.0 ? 1.0 : v;
        sum += c[g] * a[g];
    }
    return sum - target;
}

void ds_posture_loads(const ds_model *m, const ds_posture_params *p, ds_posture_load *out)
{
    for (int l = 0; l < m->nsubj; l++)
        ds_posture_loads_lane(m, p, NULL, l, out);
    /* the padding lanes would be computed from lane 0's parameters, to lane 0's values:
     * copied, the same bits, rather than computed again (a block of one subject has seven) */
    ds_posture_load_pad(m, out);
}

/* A subject's muscle strength and geometry (model arrays by group, level id and lane). */
#define SIGMA(k) m->sigma[(size_t)(k) * S + lane]
#define PCSA(k, id) m->pcsa[((size_t)(k) * DS_MAX_LEVELS + (id)) * S + lane]
#define ARM(k, id) m->arm[((size_t)(k) * DS_MAX_LEVELS + (id)) * S + lane]

void ds_posture_loads_lane(const ds_model *m, const ds_posture_params *p, const ds_muscle_mod *mod, int l,
                           ds_posture_load *out)
{
    const int S = m->stride, nlev = m->nlevel, ng = m->ngroup;
    const ds_body *b = &m->body;
    const double g = b->gravity;
    double theta[DS_MAX_LEVELS], above[DS_MAX_LEVELS];
    double cum = 0.0;
    for (int id = 0; id < DS_MAX_LEVELS; id++) {
        theta[id] = p->flexion * b->flexion_share[id];
        above[id] = cum;
        cum += b->flexion_share[id];
    }
    {
        const int lane = l < m->nsubj ? l : 0;
        /* fibre stretch of each group from the flexion of every level it crosses */
        double lt[DS_MAX_GROUPS];
        for (int k = 0; k < ng; k++) {
            double dl = 0.0;
            for (int id = 0; id < DS_MAX_LEVELS; id++)
                if (m->group[k].crosses[id])
                    dl += ARM(k, id) * theta[id];
            lt[k] = 1.0 + dl / m->group[k].l_opt;
        }
        double fl[DS_MAX_GROUPS], fpe[DS_MAX_GROUPS]; /* force-length factors, once per group */
        for (int k = 0; k < ng; k++)
            fl[k] = f_l(lt[k]), fpe[k] = f_pe(lt[k]);
        for (int i = 0; i < nlev; i++) {
            const int id = m->level_id[i];
            const size_t q = (size_t)i * S + l;
            double rho = p->inclination - p->flexion * above[id];
            double psi = rho + b->lordosis[id];
            double W = (1.0 - p->support) * g * m->body_mass[lane] * b->mass_above[id];
            double Wh = g * p->hand_load;
            double M = W * (b->com_offset[id] * cos(rho) + b->com_distance[id] * b->height_scale * sin(rho)) +
                       Wh * p->hand_distance;
            double c[DS_MAX_GROUPS], w[DS_MAX_GROUPS], lo[DS_MAX_GROUPS], a[DS_MAX_GROUPS], Fp[DS_MAX_GROUPS];
            double Mp = 0.0;
            for (int k = 0; k < ng; k++) {
                const ds_muscle_group *mg = &m->group[k];
                double Fmax = mg->crosses[id] ? SIGMA(k) * PCSA(k, id) : 0.0;
                c[k] = Fmax * fl[k] * ARM(k, id);
                w[k] = mg->crosses[id] ? PCSA(k, id) : 0.0;
                lo[k] = mg->crosses[id] ? m->tone[(size_t)k * S + lane] * p->tone * (mod ? mod->tone[k] : 1.0) : 0.0;
                Fp[k] = Fmax * mg->passive * (mod ? mod->passive[k] : 1.0) * fpe[k];
                Mp += Fp[k] * ARM(k, id);
            }
            /* x = theta_i / (share_i theta_full) = flexion / theta_full, the same at every level */
            double Ml = 0.0;
            if (b->ligament_moment[id] > 0.0 && b->full_flexion > 0.0 && p->flexion > 0.0) {
                double xl = p->flexion / b->full_flexion;
                Ml = b->ligament_moment[id] * (ds_exp(b->ligament_shape * xl) - 1.0) / b->ligament_den;
                /* the posture is prescribed: the ligaments carry the moment up to their capacity
                 * at this flexion, never more than is left after the muscles' passive force (a
                 * little less flexion would settle them there; more would need the abdominals) */
                double Mleft = M - Mp > 0.0 ? M - Mp : 0.0;
                Ml = Ml < Mleft ? Ml : Mleft;
            }
            double res = balance(ng, c, w, lo, M - Mp - Ml, a);
            double comp = 0.0;
            for (int k = 0; k < ng; k++) {
                const ds_muscle_group *mg = &m->group[k];
                double F = mg->crosses[id] ? SIGMA(k) * PCSA(k, id) * a[k] * fl[k] + Fp[k] : 0.0;
                size_t qm = ((size_t)k * nlev + i) * S + l;
                out->act[qm] = mg->crosses[id] ? a[k] : 0.0;
                out->force[qm] = F;
                out->gain[qm] = mg->crosses[id] ? SIGMA(k) * PCSA(k, id) * fl[k] : 0.0;
                comp += F * mg->cosine[id];
            }
            /* what the tone floor adds: the same balance without it (the task alone) */
            double zero[DS_MAX_GROUPS] = {0}, a0[DS_MAX_GROUPS], comp0 = 0.0;
            balance(ng, c, w, zero, M - Mp - Ml, a0);
            for (int k = 0; k < ng; k++) {
                const ds_muscle_group *mg = &m->group[k];
                if (mg->crosses[id])
                    comp0 += (SIGMA(k) * PCSA(k, id) * a0[k] * fl[k] + Fp[k]) * mg->cosine[id];
            }
            out->cocontraction[q] = comp - comp0;
            out->load[q] = b->preload[id] + (W + Wh) * cos(psi) + comp + (Ml > 0.0 ? Ml / b->ligament_arm[id] : 0.0);
            out->theta[q] = theta[id];
            out->muscle_comp[q] = comp;
            out->moment[q] = M;
            out->residual[q] = res;
        }
    }
}
