/* A program outside discsim that uses the installed library (tests/install.sh builds it
 * through pkg-config and through find_package): loads a scenario, which finds its model in the
 * installed data, runs it into an HDF5 file and reads one dataset back. */
#include <stdio.h>
#include <stdlib.h>

#include <discsim/discsim.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: consumer SCENARIO OUT.h5\n");
        return 2;
    }
    const char *set[] = {"timeline.repeat=1"};
    ds_study st;
    ds_error err = {0};
    ds_study_opts o = {0};
    if (ds_study_load(argv[1], 1, set, &st, &err) || ds_study_run(&st, argv[2], &o, &err)) {
        fprintf(stderr, "consumer: %s\n", err.msg);
        return err.status;
    }
    ds_study_free(&st);
    double *t = NULL;
    size_t n = 0;
    if (ds_h5_read_flat(argv[2], "/time", &n, &t, &err)) {
        fprintf(stderr, "consumer: %s\n", err.msg);
        return err.status;
    }
    printf("discsim %s: %zu records to t = %g s\n", ds_version(), n, n ? t[n - 1] : 0.0);
    free(t);
    return n > 1 ? 0 : 1;
}
