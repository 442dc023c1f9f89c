/* Philox4x32-10 and the uniform draws built on it (see rng.h). */
#include <math.h>

#include "rng.h"

/* Random123's round multipliers and Weyl key increments */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void ds_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        if (r > 0) { /* the key is bumped between rounds, not before the first */
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0, p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0, hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}

double ds_rng_u01(uint64_t seed, uint64_t subject, uint32_t param, uint32_t draw)
{
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    const uint32_t ctr[4] = {(uint32_t)subject, (uint32_t)(subject >> 32), param, draw};
    uint32_t r[4];
    ds_philox4x32_10(ctr, key, r);
    uint64_t bits = (((uint64_t)r[0] << 32) | r[1]) >> 11; /* 53 bits */
    return ((double)bits + 0.5) * 0x1p-53;                  /* the centre of its cell: never 0 or 1 */
}

/* A keyed bijection of [0, 2^(2h)): four Feistel rounds on h-bit halves, Philox as the round
 * function. The fourth counter word marks these draws apart from ds_rng_u01's. */
static uint64_t feistel(uint64_t x, int h, uint64_t seed, uint32_t param)
{
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    const uint64_t mask = (1ull << h) - 1;
    uint64_t L = x >> h, R = x & mask;
    for (uint32_t r = 0; r < 4; r++) {
        const uint32_t ctr[4] = {(uint32_t)R, (uint32_t)(R >> 32), param, 0xFFFFFFF0u + r};
        uint32_t o[4];
        ds_philox4x32_10(ctr, key, o);
        uint64_t F = ((((uint64_t)o[0] << 32) | o[1])) & mask;
        uint64_t t = R;
        R = L ^ F;
        L = t;
    }
    return (L << h) | R;
}

double ds_rng_lhs(uint64_t seed, uint64_t n, uint64_t subject, uint32_t param)
{
    if (subject >= n || n > (1ull << 62))
        return (double)NAN;
    int h = 1;
    while ((1ull << (2 * h)) < n)
        h++;
    /* cycle walking: apply the bijection of the larger power of 4 until it lands below n,
     * which restricts it to a bijection of [0, n); the domain is under 4n, so few steps */
    uint64_t k = feistel(subject, h, seed, param);
    while (k >= n)
        k = feistel(k, h, seed, param);
    return ((double)k + ds_rng_u01(seed, subject, param, 0xFFFFFFFFu)) / (double)n;
}
