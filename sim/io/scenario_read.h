/* The parts of a scenario file, read one key at a time (private to io/). Each names file,
 * line and dotted key in its errors. */
#ifndef DS_IO_SCENARIO_READ_H
#define DS_IO_SCENARIO_READ_H

#include "discsim/scenario.h"
#include "io/ydoc.h"

ds_status ds_sc_read_levels(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err);
ds_status ds_sc_read_timeline(const ds_ydoc *d, int node, ds_scenario *sc, const ds_model *m, ds_error *err);
/* The run must end and what it writes must fit (after the timeline and record are read). */
ds_status ds_sc_check_extent(const ds_ydoc *d, int root, const ds_scenario *sc, ds_error *err);
ds_status ds_sc_read_record(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err);
ds_status ds_sc_read_solver(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err);
ds_status ds_sc_read_herniation_site(const ds_ydoc *d, int node, const ds_scenario *sc, ds_herniation_site *hs,
                                     ds_error *err);
/* cohort: its size, seed and design before the model is compiled (sets sc->nsubj), then the
 * varied parameters, drawn and written into the compiled model. */
ds_status ds_sc_read_cohort_shape(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err);
ds_status ds_sc_read_cohort(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err);
ds_status ds_sc_read_interventions(const ds_ydoc *d, int node, ds_scenario *sc, ds_error *err);

/* Writes each leaf of the scenario's `parameters` mapping (node of sd) into the model
 * document md, converted into the model's units; path (cap bytes) holds the dotted key. */
ds_status ds_sc_apply_parameters(const ds_ydoc *sd, int node, char *path, size_t cap, size_t plen, ds_ydoc *md,
                                 int mnode, ds_error *err);

#endif
