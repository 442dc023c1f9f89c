/* The data directory (see discsim/datadir.h). The program's own directory comes from
 * /proc/self/exe, so an installed tree can be moved as a whole (no install prefix is compiled
 * in); the source tree's path is compiled in only as the last place, for programs run where
 * they were built. */
#include "discsim/datadir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DS_SOURCE_DATA_DIR
#define DS_SOURCE_DATA_DIR ""
#endif

static int is_dir(const char *p)
{
    struct stat s;
    return p[0] && stat(p, &s) == 0 && S_ISDIR(s.st_mode);
}

/* dir holds the data when it has models/ */
static int holds_data(const char *dir)
{
    char p[4200];
    return (size_t)snprintf(p, sizeof p, "%s/models", dir) < sizeof p && is_dir(p);
}

ds_status ds_program_dir(char *out, size_t n, ds_error *err)
{
    ssize_t len = readlink("/proc/self/exe", out, n - 1);
    if (len <= 0)
        return ds_fail(err, DS_ERR_IO, "cannot find the running program (/proc/self/exe): %s", strerror(errno));
    out[len] = 0;
    char *slash = strrchr(out, '/');
    if (!slash || (size_t)len >= n - 1)
        return ds_fail(err, DS_ERR_IO, "the running program's path is too long or not absolute");
    *slash = 0;
    return DS_OK;
}

/* <directory of the running program>/../share/discsim, or "" */
static void installed_dir(char *out, size_t n)
{
    char exe[4096];
    out[0] = 0;
    if (!ds_program_dir(exe, sizeof exe, NULL) && (size_t)snprintf(out, n, "%s/../share/discsim", exe) >= n)
        out[0] = 0;
}

ds_status ds_data_dir(char *out, size_t n, ds_error *err)
{
    const char *env = getenv("DISCSIM_DATA_DIR");
    if (env && *env) {
        if (!holds_data(env))
            return ds_fail(err, DS_ERR_IO, "DISCSIM_DATA_DIR=%s: no models/ there (unset it to use the installed data)",
                           env);
        if ((size_t)snprintf(out, n, "%s", env) >= n)
            return ds_fail(err, DS_ERR_IO, "DISCSIM_DATA_DIR: path too long");
        return DS_OK;
    }
    char inst[4200];
    installed_dir(inst, sizeof inst);
    const char *found = holds_data(inst) ? inst : holds_data(DS_SOURCE_DATA_DIR) ? DS_SOURCE_DATA_DIR : NULL;
    if (!found)
        return ds_fail(err, DS_ERR_IO,
                       "discsim's data (models/, scenarios/) not found: looked in %s and %s; set DISCSIM_DATA_DIR",
                       inst[0] ? inst : "<program>/../share/discsim", DS_SOURCE_DATA_DIR[0] ? DS_SOURCE_DATA_DIR : "-");
    if ((size_t)snprintf(out, n, "%s", found) >= n)
        return ds_fail(err, DS_ERR_IO, "the data directory's path is too long");
    return DS_OK;
}

ds_status ds_data_file(const char *rel, char *out, size_t n, ds_error *err)
{
    char dir[4200];
    ds_status st = ds_data_dir(dir, sizeof dir, err);
    if (st)
        return st;
    if ((size_t)snprintf(out, n, "%s/%s", dir, rel) >= n)
        return ds_fail(err, DS_ERR_IO, "%s/%s: path too long", dir, rel);
    if (access(out, R_OK))
        return ds_fail(err, DS_ERR_IO, "%s: not found in discsim's data directory %s", rel, dir);
    return DS_OK;
}
