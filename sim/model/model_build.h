/* Building a model: the steps a compilation takes before the model is read-only (private to
 * the library; io/model_load.c drives them from a model file, cohorts will from draws). */
#ifndef DS_MODEL_BUILD_H
#define DS_MODEL_BUILD_H

#include "discsim/model.h"

/* The one allocation behind the per-lane arrays, zeroed, for nsubj lanes padded to the
 * alignment. */
ds_status ds_model_alloc(ds_model *m, int nlevel, const int *level_id, ds_variant variant, int nsubj, ds_error *err);

/* The per-lane arrays are one allocation (mem_) of this many rows of stride lanes each:
 * value (row r, lane l) at ((const double *)m->mem_)[r * stride + l]. A model is its
 * scalars and these rows, so that one subject's model can be written out and made again
 * (the teaching page's, web/page_gen.c). */
size_t ds_model_rows(const ds_model *m);

/* Disc parameters v[DS_NDISC_PARAMS] of level index i for every lane, with derived values. */
void ds_model_set_level(ds_model *m, int i, const double *v);

/* Body mass (t) and the tone of each of the m->ngroup groups, for every lane. */
void ds_model_set_lanes(ds_model *m, double mass, const double *tones);

/* One subject's PCSA or moment arm of group g at level id, or its specific tension (id
 * ignored). */
typedef enum ds_muscle_field { DS_MUSCLE_PCSA, DS_MUSCLE_ARM, DS_MUSCLE_SIGMA } ds_muscle_field;
ds_status ds_model_set_muscle(ds_model *m, ds_muscle_field f, int g, int id, int lane, double v, ds_error *err);

/* One subject's resting tone of group g, a fraction of MVC from 0 to 1. */
ds_status ds_model_set_tone(ds_model *m, int g, int lane, double v, ds_error *err);

/* One subject's value of a per-subject scalar (DS_LP_*); the vertebral masses follow a new
 * body mass. */
ds_status ds_model_set_lane(ds_model *m, int k, int lane, double v, ds_error *err);

/* The mass each simulated vertebra moves, from the body: the top one carries everything
 * above its disc, each lower one the trunk slice between its disc and the one above. */
void ds_model_vertebral_masses(ds_model *m);

/* Places a herniation (see ds_model_compile). */
ds_status ds_model_place_site(ds_model *m, const ds_herniation_site *site, ds_error *err);

#endif
