/* The order in which a run's subjects fill its blocks: see subject_order.h. */
#include <stdlib.h>
#include <string.h>

#include "subject_order.h"

/* A key's place in the order as an unsigned integer: larger keys smaller, so that an
 * ascending sort puts the heaviest first (the bits of a finite double, made monotone: the
 * sign bit flipped for positives, all bits for negatives; -0 as 0, the two being equal). */
static uint64_t rank_of(double key)
{
    uint64_t u;
    key = key == 0.0 ? 0.0 : key;
    memcpy(&u, &key, sizeof u);
    u = (u >> 63) ? ~u : u | (1ull << 63);
    return ~u;
}

ds_status ds_subject_order(const ds_scenario *sc, int **order, ds_error *err)
{
    *order = NULL;
    const ds_cohort *c = &sc->cohort;
    const int N = sc->nsubj;
    if (!c->enabled || N < 2 || !c->value || c->n != N)
        return DS_OK;
    int k = -1;
    for (int q = 0; q < c->nvary && k < 0; q++)
        if (c->vary[q].target == DS_VARY_LANE && c->vary[q].index == DS_LP_body_mass)
            k = q;
    if (k < 0)
        return DS_OK;
    uint64_t *key = malloc(2 * (size_t)N * sizeof *key);
    int *o = malloc(2 * (size_t)N * sizeof *o);
    if (!key || !o) {
        free(key);
        free(o);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the order of the subjects");
    }
    const double *mass = c->value + (size_t)k * N;
    for (int s = 0; s < N; s++)
        key[s] = rank_of(mass[s]), o[s] = s;
    /* by key, then by subject: a least-significant-digit radix sort, 8 bits a pass, keeps
     * equal keys in the subjects' order (a total order, so the blocks are the same on every
     * machine; qsort's comparisons were a millisecond of 16,000 subjects' serial start) */
    uint64_t *ka = key, *kb = key + N;
    int *oa = o, *ob = o + N;
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (int s = 0; s < N; s++)
            count[((ka[s] >> shift) & 0xFF) + 1]++;
        if (count[((ka[0] >> shift) & 0xFF) + 1] == (size_t)N)
            continue; /* every key has this digit: nothing moves */
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (int s = 0; s < N; s++) {
            const size_t at = count[(ka[s] >> shift) & 0xFF]++;
            kb[at] = ka[s], ob[at] = oa[s];
        }
        uint64_t *kt = ka;
        int *ot = oa;
        ka = kb, kb = kt, oa = ob, ob = ot;
    }
    int same = 1;
    for (int p = 0; p < N; p++)
        same &= oa[p] == p;
    int *out = same ? NULL : malloc((size_t)N * sizeof *out);
    if (!same && !out) {
        free(key);
        free(o);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the order of the subjects");
    }
    if (out)
        memcpy(out, oa, (size_t)N * sizeof *out);
    free(key);
    free(o);
    *order = out;
    return DS_OK;
}

void ds_order_doubles(const int *order, int n, double *v, double *tmp)
{
    for (int p = 0; p < n; p++)
        tmp[order[p]] = v[p];
    memcpy(v, tmp, (size_t)n * sizeof *v);
}

void ds_order_int64s(const int *order, int n, int64_t *v, int64_t *tmp)
{
    for (int p = 0; p < n; p++)
        tmp[order[p]] = v[p];
    memcpy(v, tmp, (size_t)n * sizeof *v);
}

void ds_order_record(const int *order, int n, int nseries, const double *in, double *out)
{
    for (int s = 0; s < nseries; s++) {
        const double *src = in + (size_t)s * n;
        double *dst = out + (size_t)s * n;
        for (int p = 0; p < n; p++)
            dst[order[p]] = src[p];
    }
}
