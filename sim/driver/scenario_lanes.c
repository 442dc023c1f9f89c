/* A scenario's subjects as lanes of a model. A cohort's scenario holds its model for one
 * subject and the drawn values; a block's lanes are made from them when the block runs, so
 * memory does not grow with the cohort by a model's worth per subject. */
#include <stdio.h>
#include <string.h>

#include "discsim/scenario.h"
#include "model/model_build.h"
#include "subject_order.h"

/* Lane j of m takes the draws of subject order[l0 + j] (order NULL: l0 + j). */
static ds_status apply_lanes(const ds_cohort *c, const int *order, int l0, ds_model *m, ds_error *err)
{
    if (!c->enabled)
        return DS_OK;
    if (l0 < 0 || l0 + m->nsubj > c->n || (c->nvary && !c->value))
        return ds_fail(err, DS_ERR_USAGE, "ds_cohort_apply_lanes: subjects %d to %d of %d", l0, l0 + m->nsubj - 1, c->n);
    ds_status st = DS_OK;
    for (int k = 0; k < c->nvary && !st; k++) {
        const ds_vary *v = &c->vary[k];
        for (int j = 0; j < m->nsubj && !st; j++) {
            const int subj = order ? order[l0 + j] : l0 + j;
            double x = c->value[(size_t)k * c->n + subj];
            if (v->target == DS_VARY_LANE)
                st = ds_model_set_lane(m, v->index, j, x, err);
            else if (v->target == DS_VARY_TONE)
                st = ds_model_set_tone(m, v->index, j, x, err);
            else
                st = ds_model_set_disc(m, v->index, v->level, j, x, err);
            if (st) {
                char msg[DS_ERROR_MSG_LEN]; /* the setter's message, before ds_fail writes over it */
                snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
                st = ds_fail(err, st, "cohort.vary.%s: subject %d drew a value the model cannot take: %s "
                                      "(bound the distribution with min/max)", v->key, subj, msg);
            }
        }
    }
    return st;
}

ds_status ds_cohort_apply_lanes(const ds_cohort *c, int l0, ds_model *m, ds_error *err)
{
    return apply_lanes(c, NULL, l0, m, err);
}

ds_status ds_cohort_apply(const ds_cohort *c, ds_model *m, ds_error *err)
{
    if (c->enabled && m->nsubj != c->n)
        return ds_fail(err, DS_ERR_USAGE, "ds_cohort_apply: %d lanes for %d subjects", m->nsubj, c->n);
    return ds_cohort_apply_lanes(c, 0, m, err);
}

ds_status ds_cohort_check(const ds_cohort *c, const ds_model *tmpl, ds_error *err)
{
    if (!c->enabled)
        return DS_OK;
    ds_model one;
    one.mem_ = NULL;
    ds_status st = ds_model_repeat(tmpl, 0, 1, &one, err);
    /* every subject sets the same parameters, so one lane serves them all in turn */
    for (int l = 0; l < c->n && !st; l++)
        st = ds_cohort_apply_lanes(c, l, &one, err);
    if (one.mem_)
        ds_model_free(&one);
    return st;
}

ds_status ds_scenario_lanes(const ds_scenario *sc, int l0, int n, ds_model *out, ds_error *err)
{
    return ds_scenario_lanes_at(sc, NULL, l0, n, out, err);
}

ds_status ds_scenario_lanes_at(const ds_scenario *sc, const int *order, int l0, int n, ds_model *out, ds_error *err)
{
    if (l0 < 0 || n < 1 || l0 + n > sc->nsubj)
        return ds_fail(err, DS_ERR_USAGE, "ds_scenario_lanes: subjects %d to %d of %d", l0, l0 + n - 1, sc->nsubj);
    if (!sc->cohort.enabled) /* only a cohort's subjects are put in another order */
        return order ? ds_fail(err, DS_ERR_USAGE, "ds_scenario_lanes_at: an order without a cohort")
                     : ds_model_lanes(&sc->model, l0, n, out, err);
    ds_status st = ds_model_repeat(&sc->model, 0, n, out, err);
    /* padding lanes keep the template subject: valid values, never read back */
    if (!st && (st = apply_lanes(&sc->cohort, order, l0, out, err)))
        ds_model_free(out);
    return st;
}
