/* Where discsim finds its data (models/, scenarios/, plots/, tests/validation/), so that a
 * scenario copied anywhere still finds its model and `discsim validate` runs from any
 * directory. */
#ifndef DISCSIM_DATADIR_H
#define DISCSIM_DATADIR_H

#include <stddef.h>

#include "discsim/status.h"

/* The data directory, first of:
 *   $DISCSIM_DATA_DIR (when set it is the only place looked in);
 *   <the running program's directory>/../share/discsim, where `cmake --install` puts it;
 *   the source tree the library was built from (a program run from its build tree).
 * DS_ERR_IO, naming the places looked in, when none holds models/. */
ds_status ds_data_dir(char *out, size_t n, ds_error *err);

/* The directory of the running program (from /proc/self/exe), without a trailing '/'. */
ds_status ds_program_dir(char *out, size_t n, ds_error *err);

/* out = <data directory>/rel when that file exists; DS_ERR_IO naming it otherwise. */
ds_status ds_data_file(const char *rel, char *out, size_t n, ds_error *err);

#endif
