/* Version of the library and the git commit it was built from. */
#ifndef DISCSIM_VERSION_H
#define DISCSIM_VERSION_H

const char *ds_version(void);    /* e.g. "0.1.0" */
const char *ds_git_commit(void); /* commit the library was built from, or "unknown" */

#endif
