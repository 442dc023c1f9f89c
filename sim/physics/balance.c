/* The balance of the static optimisation for a vector of lanes: see balance.h. The KKT
 * conditions give a_g(lam) = clamp(lam c_g / (2 w_g), lo_g, 1); the muscle moment
 * sum_g c_g a_g(lam) is piecewise linear and non-decreasing in lam, with breakpoints where a
 * group leaves its floor (lam = 2 w lo / c) or reaches 1 (lam = 2 w / c), so the balance is
 * exact on the piece that holds the target. */
#include <math.h>
#include <stddef.h>

#include "balance.h"
#include "base/isa.h"

/* Adds group g's term of the moment at lam (per lane) to sum: the clamp(a, lo, 1) of a lane
 * alone, its floor applied first; lam c / (2 w) as lam times r = c / (2 w), found once per
 * group (6 divisions for a level's balance rather than one per group at every breakpoint,
 * 84: this machine's divisions of a vector are slow). */
static inline void moment_add(const double *restrict c, const double *restrict r, const double *restrict w,
                              const double *restrict lo, const double *restrict lam, double *restrict sum,
                              double *restrict a)
{
#pragma omp simd
    for (int k = 0; k < DS_BAL_LANES; k++) {
        const double u = w[k] > 0.0 ? lam[k] * r[k] : lo[k];
        const double u1 = u > 1.0 ? 1.0 : u;
        const double v = u < lo[k] ? lo[k] : u1;
        if (a)
            a[k] = v;
        sum[k] += c[k] * v;
    }
}

DS_HOT void ds_balance_lanes(int n, const double (*c)[DS_BAL_LANES], const double (*w)[DS_BAL_LANES],
                             const double (*lo)[DS_BAL_LANES], const double *target, double (*a)[DS_BAL_LANES],
                             double *res)
{
    const int nbp = 2 * n + 1;
    /* the breakpoints in the groups' order (0 first) and whether each is one (1 or 0) */
    double bp[DS_BAL_BP][DS_BAL_LANES], in[DS_BAL_BP][DS_BAL_LANES], mo[DS_BAL_BP][DS_BAL_LANES] = {{0}};
    double r[DS_MAX_GROUPS][DS_BAL_LANES]; /* c / (2 w), where w > 0 */
#pragma omp simd
    for (int k = 0; k < DS_BAL_LANES; k++)
        bp[0][k] = 0.0, in[0][k] = 1.0;
    for (int g = 0; g < n; g++)
#pragma omp simd
        for (int k = 0; k < DS_BAL_LANES; k++) {
            const double ok = (c[g][k] != 0.0 ? 1.0 : 0.0) * (w[g][k] > 0.0 ? 1.0 : 0.0);
            const double lo_bp = 2.0 * w[g][k] * lo[g][k] / c[g][k], hi_bp = 2.0 * w[g][k] / c[g][k];
            bp[1 + 2 * g][k] = ok != 0.0 ? lo_bp : 0.0;
            bp[2 + 2 * g][k] = ok != 0.0 ? hi_bp : 0.0;
            in[1 + 2 * g][k] = in[2 + 2 * g][k] = ok;
            r[g][k] = c[g][k] / (w[g][k] > 0.0 ? 2.0 * w[g][k] : 1.0);
        }
    /* the moment at each breakpoint, group by group: the groups outer, so that the
     * breakpoints' sums are independent chains the core overlaps (each sum still adds the
     * groups in their order) */
    for (int g = 0; g < n; g++)
        for (int i = 0; i < nbp; i++)
            moment_add(c[g], r[g], w[g], lo[g], bp[i], mo[i], NULL);
    /* first and last sorted (vmin, vmax), first reached (vk) and the one before it (vk1) */
    double vmin[DS_BAL_LANES], mmin[DS_BAL_LANES], vmax[DS_BAL_LANES], mmax[DS_BAL_LANES];
    double vk[DS_BAL_LANES], mk[DS_BAL_LANES], fk[DS_BAL_LANES];
    double vk1[DS_BAL_LANES], mk1[DS_BAL_LANES], fk1[DS_BAL_LANES];
#pragma omp simd
    for (int k = 0; k < DS_BAL_LANES; k++) {
        vmin[k] = vmax[k] = bp[0][k], mmin[k] = mmax[k] = mo[0][k];
        vk[k] = vk1[k] = mk[k] = mk1[k] = fk[k] = fk1[k] = 0.0;
    }
    for (int i = 0; i < nbp; i++)
#pragma omp simd
        for (int k = 0; k < DS_BAL_LANES; k++) {
            const double v = bp[i][k], m = mo[i][k], tg = target[k], is = in[i][k];
            const double lower = is * (v < vmin[k] ? 1.0 : 0.0), upper = is * (i > 0 && v >= vmax[k] ? 1.0 : 0.0);
            vmin[k] = lower != 0.0 ? v : vmin[k], mmin[k] = lower != 0.0 ? m : mmin[k];
            vmax[k] = upper != 0.0 ? v : vmax[k], mmax[k] = upper != 0.0 ? m : mmax[k];
            const double reach = is * (m >= tg ? 1.0 : 0.0) * (fk[k] == 0.0 || v < vk[k] ? 1.0 : 0.0);
            const double short_ = is * (m < tg ? 1.0 : 0.0) * (fk1[k] == 0.0 || v >= vk1[k] ? 1.0 : 0.0);
            vk[k] = reach != 0.0 ? v : vk[k], mk[k] = reach != 0.0 ? m : mk[k];
            fk[k] = reach != 0.0 ? 1.0 : fk[k];
            vk1[k] = short_ != 0.0 ? v : vk1[k], mk1[k] = short_ != 0.0 ? m : mk1[k];
            fk1[k] = short_ != 0.0 ? 1.0 : fk1[k];
        }
    /* none reached: the moment of the breakpoint sorted before the last */
    double twice[DS_BAL_LANES], below[DS_BAL_LANES];
#pragma omp simd
    for (int k = 0; k < DS_BAL_LANES; k++)
        twice[k] = 0.0, below[k] = -INFINITY;
    for (int i = 0; i < nbp; i++)
#pragma omp simd
        for (int k = 0; k < DS_BAL_LANES; k++) {
            const double v = bp[i][k], m = mo[i][k], is = in[i][k];
            twice[k] += is * (v == vmax[k] ? 1.0 : 0.0);
            below[k] = is != 0.0 && v < vmax[k] && m > below[k] ? m : below[k];
        }
    double lam[DS_BAL_LANES], sum[DS_BAL_LANES];
#pragma omp simd
    for (int k = 0; k < DS_BAL_LANES; k++) {
        const double tg = target[k];
        const double m_pre = twice[k] > 1.0 || below[k] == -INFINITY ? mmax[k] : below[k];
        const double bk = fk[k] != 0.0 ? vk[k] : vmax[k], m_k = fk[k] != 0.0 ? mk[k] : mmax[k];
        const double bk1 = fk[k] != 0.0 ? vk1[k] : vmax[k], m_k1 = fk[k] != 0.0 ? mk1[k] : m_pre;
        /* linear between them (the other side of the select may divide by zero) */
        double l = m_k > m_k1 ? bk1 + (bk - bk1) * (tg - m_k1) / (m_k - m_k1) : bk;
        l = tg >= mmax[k] ? vmax[k] : l;
        lam[k] = tg <= mmin[k] ? vmin[k] : l;
        sum[k] = 0.0;
    }
    for (int g = 0; g < n; g++)
        moment_add(c[g], r[g], w[g], lo[g], lam, sum, a[g]);
#pragma omp simd
    for (int k = 0; k < DS_BAL_LANES; k++)
        res[k] = sum[k] - target[k];
}

