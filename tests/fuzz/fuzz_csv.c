/* libFuzzer target: the reader of a benchmark's CSV behind `discsim plot BENCH.csv` (the
 * work-precision figure). An input is the file's text; it is read and checked, nothing is
 * drawn (ds_plot_work_precision_check). Besides sanitizer reports, the target stops on an
 * answer other than DS_OK, DS_ERR_INPUT, DS_ERR_IO or DS_ERR_NOMEM, and on a refusal whose
 * message does not name the file or spans lines.
 *
 * Build and run: scripts/fuzz.sh (see tests/fuzz/README.md). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discsim/discsim.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(path, sizeof path, "/tmp/fuzz_csv_%d.csv", (int)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    size_t w = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || w != size)
        return 0;
    int n = 0;
    ds_error err = {0};
    ds_status st = ds_plot_work_precision_check(path, &n, &err);
    unlink(path);
    if (st != DS_OK && st != DS_ERR_INPUT && st != DS_ERR_IO && st != DS_ERR_NOMEM)
        abort();
    if (st != DS_OK && st != DS_ERR_NOMEM && (!strstr(err.msg, path) || strchr(err.msg, '\n')))
        abort();
    return 0;
}
