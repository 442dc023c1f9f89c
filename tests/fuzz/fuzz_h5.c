/* libFuzzer target over the HDF5 reader behind `discsim info` and `discsim plot`.
 *
 * Each input is written to a file (HDF5 reads files), summarised as `discsim info` does (to
 * /dev/null), then loaded and checked figure by figure as `discsim plot` does, with the
 * gnuplot input written to /dev/null and gnuplot never run (ds_plot_dry_run). Besides
 * crashes and sanitizer reports, the target stops on an answer other than DS_OK, DS_ERR_IO
 * or DS_ERR_NOMEM, and on a DS_ERR_IO message that does not name the file or spans lines.
 *
 *   CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo
 *   cmake --build build-fuzz -j2 --target discsim fuzz_h5
 *   tests/fuzz/make_h5_corpus.sh build-fuzz/discsim build-fuzz/h5_seeds
 *   mkdir -p build-fuzz/h5_corpus
 *   build-fuzz/tests/fuzz/fuzz_h5 -max_total_time=600 -timeout=20 -rss_limit_mb=2560 \
 *       build-fuzz/h5_corpus build-fuzz/h5_seeds
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discsim/discsim.h"
#include "plot/fig.h"

static char path[4200];
static FILE *devnull;

static void remove_input(void) { unlink(path); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* a crashed run leaves its file behind: fuzz_run.sh points TMPDIR at its own folder */
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/discsim-fuzz-h5-%d.h5", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    atexit(remove_input);
    return 0;
}

/* What every reader of a bad file must answer: DS_ERR_IO with one line naming the file. */
static void check_answer(const char *who, ds_status st, const ds_error *err)
{
    if (st == DS_OK || st == DS_ERR_NOMEM)
        return;
    if (st != DS_ERR_IO || !strstr(err->msg, path) || strchr(err->msg, '\n')) {
        fprintf(stderr, "%s answered %d: %s\n", who, (int)st, err->msg);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    ds_error err = {0};
    check_answer("info", ds_h5_info(path, devnull, &err), &err);
    ds_error_clear(&err);
    check_answer("plot", ds_plot_dry_run(path, &err), &err);
    return 0;
}
