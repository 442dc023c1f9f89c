/* The output path is never an input: a run refuses to replace its scenario or its model. */
#include "discsim/scenario.h"

#include <stdbool.h>
#include <sys/stat.h>

/* True if both paths name one existing file, however spelled (./, symlinks, hard links). */
static bool same_file(const struct stat *a, const char *path)
{
    struct stat b;
    return path[0] && stat(path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

ds_status ds_scenario_check_output(const ds_scenario *sc, const char *out_path, ds_error *err)
{
    struct stat o;
    if (!out_path || stat(out_path, &o) != 0)
        return DS_OK; /* nothing there yet: it cannot be an input */
    if (same_file(&o, sc->path))
        return ds_fail(err, DS_ERR_IO,
                       "output '%s' is the scenario file '%s': the run would replace it; choose another output name",
                       out_path, sc->path);
    if (same_file(&o, sc->model_path))
        return ds_fail(err, DS_ERR_IO,
                       "output '%s' is the model file '%s' of scenario '%s': the run would replace it; choose another "
                       "output name",
                       out_path, sc->model_path, sc->path);
    return DS_OK;
}
