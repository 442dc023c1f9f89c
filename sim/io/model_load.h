/* Reading a model file into a ds_model (private to the library: the document type is
 * libyaml's, which the public headers do not show). */
#ifndef DS_IO_MODEL_LOAD_H
#define DS_IO_MODEL_LOAD_H

#include "discsim/model.h"
#include "io/ydoc.h"

/* Compiles the model held in a parsed YAML document for the given levels, variant and
 * number of subjects, with the scenario's herniation placed (site may be NULL: none; its gap
 * NaN: the model's default; its degeneration is applied to its level). Errors name the file,
 * line and key. Afterwards the model is read-only. */
ds_status ds_model_compile(const ds_ydoc *doc, int nlevel, const int *level_id, ds_variant variant,
                           int nsubj, const ds_herniation_site *site, ds_model *m, ds_error *err);

#endif
