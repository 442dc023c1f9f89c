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
            "Usage: discsim info OUT.h5 [GROUP]\n\n"
            "Shows what an output file holds: how and when it was made, the study (arms or sweep), the time\n"
            "span, the datasets with their shape, dimension names, units and description, and the solver\n"
            "statistics. A file of many datasets (arms, cohorts) shows its groups; GROUP (e.g. /arms/claim or\n"
            "/arms/claim/summary) lists the datasets at or under it.\n\n%s",
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
    if (argc > 2)
        return ds_cli_usage_error("info", NULL, NULL, "unexpected argument '%s' (a file and at most one group)",
                                  argv[2]);
    ds_error err = {0};
    if (ds_h5_info_at(argv[0], argc > 1 ? argv[1] : NULL, stdout, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    return 0;
}
