/* The library's version and the commit it was built from (recorded in every output file). */
#include "discsim/version.h"

#ifndef DS_VERSION
#define DS_VERSION "0.0.0"
#endif
#include "ds_git_commit.h" /* generated at build time */

const char *ds_version(void) { return DS_VERSION; }
const char *ds_git_commit(void) { return DS_GIT_COMMIT; }
