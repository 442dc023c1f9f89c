/* discsim validate: the published targets against the model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage_validate(FILE *out)
{
    fprintf(out,
            "Usage: discsim validate [CHECKS.yaml] [--plot [DIR]]\n\n"
            "Runs the validation scenarios named by a checks file (default: scenarios/validation/checks.yaml\n"
            "in discsim's data directory, so it runs from any directory; DISCSIM_DATA_DIR overrides),\n"
            "compares the model with the published targets it names and prints a table: quantity, condition,\n"
            "target range, model value, pass or fail. Exits with 1 if any target is missed.\n\n%s",
            ds_cli_exit_codes);
}

int ds_cmd_validate(int argc, char **argv)
{
    const char *checks = NULL, *plot = NULL;
    char found[4300];
    int have = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage_validate(stdout);
            return 0;
        }
        if (!strncmp(argv[i], "--plot=", 7) && argv[i][7]) {
            plot = argv[i] + 7;
            continue;
        }
        if (!strcmp(argv[i], "--plot")) {
            plot = i + 1 < argc && argv[i + 1][0] != '-' ? argv[++i] : "figures";
            continue;
        }
        if (argv[i][0] == '-') {
            static const char *const opts[] = {"--plot", "--help", NULL};
            return ds_cli_usage_error("validate", argv[i], opts, "unknown option '%s'", argv[i]);
        }
        if (have)
            return ds_cli_usage_error("validate", NULL, NULL, "unexpected argument '%s' (one checks file)", argv[i]);
        checks = argv[i];
        have = 1;
    }
    ds_validation_row *rows;
    int n, nfail;
    ds_error err = {0};
    if (!checks && ds_data_file("scenarios/validation/checks.yaml", found, sizeof found, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    if (!checks)
        checks = found;
    if (ds_validate(checks, stdout, &rows, &n, &nfail, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    if (plot) {
        ds_plot_opts po = {.out_dir = plot, .log = stdout};
        int nw;
        if (ds_plot_validation(rows, n, &po, &nw, &err)) {
            fprintf(stderr, "discsim: %s\n", err.msg);
            free(rows);
            return err.status;
        }
    }
    free(rows);
    return nfail ? 1 : 0;
}
