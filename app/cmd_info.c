/* discsim info: what an output file holds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage_info(FILE *out)
{
    fprintf(out,
            "Usage: discsim info OUT.h5\n\n"
            "Shows what an output file holds: scenario, datasets with units, time span, solver statistics.\n\n%s",
            ds_cli_exit_codes);
}

int ds_cmd_info(int argc, char **argv)
{
    if (argc >= 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))) {
        usage_info(stdout);
        return 0;
    }
    if (argc < 1)
        return ds_cli_usage_error("info", NULL, NULL, "no output file given");
    if (argv[0][0] == '-')
        return ds_cli_usage_error("info", NULL, NULL, "unknown option '%s'", argv[0]);
    if (argc > 1)
        return ds_cli_usage_error("info", NULL, NULL, "unexpected argument '%s' (one file at a time)", argv[1]);
    ds_error err = {0};
    if (ds_h5_info(argv[0], stdout, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    return 0;
}
