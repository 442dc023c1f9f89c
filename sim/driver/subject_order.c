/* The order in which a run's subjects fill its blocks: see subject_order.h. */
#include <stdlib.h>
#include <string.h>

#include "subject_order.h"

typedef struct {
    double key;
    int subj;
} keyed;

/* By key, the largest first, then by subject: a total order, so that the blocks are the same
 * on every machine. */
static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return (x->subj > y->subj) - (x->subj < y->subj);
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
    keyed *kv = malloc((size_t)N * sizeof *kv);
    int *o = malloc((size_t)N * sizeof *o);
    if (!kv || !o) {
        free(kv);
        free(o);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the order of the subjects");
    }
    const double *mass = c->value + (size_t)k * N;
    for (int s = 0; s < N; s++)
        kv[s] = (keyed){mass[s], s};
    qsort(kv, (size_t)N, sizeof *kv, cmp_keyed);
    int same = 1;
    for (int p = 0; p < N; p++) {
        o[p] = kv[p].subj;
        same &= o[p] == p;
    }
    free(kv);
    if (same)
        free(o);
    else
        *order = o;
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
