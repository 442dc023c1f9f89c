/* discsim bench: the benchmark programs, built and installed with discsim, run by name. They
 * are separate programs because SUNDIALS (their peers) is a dependency of the benchmarks
 * only; discsim finds them beside itself (a build tree) or in ../libexec/discsim (an install)
 * and replaces itself with the one asked for. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *const bench_names[][2] = {
    {"precision", "work against precision on the five-level chain with muscles: discsim's integrators,\n"
                  "               CVODE (BDF of order 2 and 5, with and without stability-limit detection) and\n"
                  "               ARKODE on the same right-hand side and Jacobian; a tolerance ladder\n"
                  "               (--ladder), a heterogeneous cohort (--subjects N), CSV (--csv FILE)"},
    {"cohort", "cohorts through the batched core: subject-days per second, threads, blocks, batching\n"
               "               gain, peak memory, the kernel's share of this machine's FMA peak"},
    {"integrators", "one day at L4-L5: discsim's integrators against GSL odeiv2's"},
    {"levels", "the cost of an implicit step against the number of levels"},
    {"h5_floor", "an output file's datasets written again through HDF5 alone: the least that\n"
                 "               storing its layout costs, to set a run's writing time against"},
};
enum { NBENCH = sizeof bench_names / sizeof bench_names[0] };

static void usage_bench(FILE *out)
{
    fprintf(out, "Usage: discsim bench NAME [OPTIONS]\n\nRuns one of discsim's benchmarks:\n");
    for (int i = 0; i < NBENCH; i++)
        fprintf(out, "  %-12s %s\n", bench_names[i][0], bench_names[i][1]);
    fprintf(out, "\n'discsim bench NAME --help' lists a benchmark's options. They report times, ratios and\n"
                 "counts measured in the same process; nothing is asserted about speed.\n");
}

/* dir/rel/bench_NAME when it is executable */
static int try_dir(char *path, size_t n, const char *dir, const char *rel, const char *name)
{
    return (size_t)snprintf(path, n, "%s%sbench_%s", dir, rel, name) < n && !access(path, X_OK);
}

int ds_cmd_bench(int argc, char **argv)
{
    if (argc < 1)
        return ds_cli_usage_error("bench", NULL, NULL,
                                  "no benchmark named (precision, cohort, integrators, levels or h5_floor)");
    if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
        usage_bench(stdout);
        return 0;
    }
    const char *names[NBENCH + 1] = {NULL};
    int known = 0;
    for (int i = 0; i < NBENCH; i++) {
        names[i] = bench_names[i][0];
        known |= !strcmp(argv[0], names[i]);
    }
    if (!known)
        return ds_cli_usage_error("bench", argv[0], names,
                                  "no benchmark '%s' (one of: precision, cohort, integrators, levels, h5_floor)",
                                  argv[0]);
    char exe[4096], path[4400];
    ds_error err = {0};
    if (ds_program_dir(exe, sizeof exe, &err)) {
        fprintf(stderr, "discsim bench: %s\n", err.msg);
        return err.status;
    }
    if (!try_dir(path, sizeof path, exe, "/", argv[0]) && !try_dir(path, sizeof path, exe, "/../libexec/discsim/", argv[0])) {
        fprintf(stderr,
                "discsim bench: bench_%s is neither beside %s/discsim nor in %s/../libexec/discsim "
                "(it is built with discsim: cmake --build, then cmake --install)\n",
                argv[0], exe, exe);
        return DS_ERR_IO;
    }
    argv[0] = path;
    execv(path, argv);
    fprintf(stderr, "discsim bench: cannot run %s: %s\n", path, strerror(errno));
    return DS_ERR_IO;
}
