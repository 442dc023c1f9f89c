/* Version of the library and the git commit it was built from. */
#ifndef DISCSIM_VERSION_H
#define DISCSIM_VERSION_H

const char *ds_version(void);    /* e.g. "0.1.0" */
const char *ds_git_commit(void); /* commit the library was built from, or "unknown" */
/* The build of the hot kernels this machine runs, e.g. "x86-64-v4 (AVX-512, 8 lanes a
 * vector)": results are the same bits with any of them. */
const char *ds_vector_isa(void);

#endif
