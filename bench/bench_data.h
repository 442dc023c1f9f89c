/* Where a benchmark finds its scenario and the program: as given or in the current directory
 * (the repository's root), else in discsim's data directory, so that `discsim bench` runs the
 * installed benchmarks from any directory. */
#ifndef DS_BENCH_DATA_H
#define DS_BENCH_DATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discsim/datadir.h"

/* rel itself if readable, else the data directory's rel (in a static buffer of slot k < 4) */
static inline const char *bench_data(const char *rel, int k)
{
    static char found[4][4300];
    ds_error err = {0};
    if (!access(rel, R_OK))
        return rel;
    if (ds_data_file(rel, found[k], sizeof found[k], &err)) {
        fprintf(stderr, "%s: no such file here; %s\n", rel, err.msg);
        exit(5);
    }
    return found[k];
}

/* the discsim program beside this one (build tree) or in ../../bin (installed in libexec/discsim) */
static inline void bench_program(const char *argv0, char *bin, size_t n)
{
    const char *slash = strrchr(argv0, '/');
    int dir = slash ? (int)(slash - argv0 + 1) : 0;
    snprintf(bin, n, "%.*sdiscsim", dir, argv0);
    if (access(bin, X_OK))
        snprintf(bin, n, "%.*s../../bin/discsim", dir, argv0);
}

#endif
