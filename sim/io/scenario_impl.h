/* Private hook of the scenario loader used by studies (arms and sweeps). */
#ifndef DS_SCENARIO_IMPL_H
#define DS_SCENARIO_IMPL_H

#include "discsim/scenario.h"
#include "io/ydoc.h"

/* Edits the parsed scenario document after --set and before it is compiled; may record
 * what it did in sc->overrides (already holds the --set lines). */
typedef ds_status (*ds_doc_edit)(ds_ydoc *d, void *ctx, ds_scenario *sc, ds_error *err);

ds_status ds_scenario_load_edit(const char *path, int nset, const char *const *set, ds_doc_edit edit, void *ctx,
                                ds_scenario *sc, ds_error *err);

#endif
