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
            "Usage: discsim info OUT.h5 [GROUP] [--json | --table text|csv|json]\n\n"
            "Shows what an output file holds: how and when it was made, the study (arms or sweep), the time\n"
            "span, the datasets with their shape, dimension names, units and description, and the solver\n"
            "statistics. A file of many datasets (arms, cohorts) shows its groups; GROUP (e.g. /arms/claim or\n"
            "/arms/claim/summary) lists the datasets at or under it. --json (or --table json) prints the same\n"
            "for programs: a table 'file' (provenance, study, time span) and a table 'datasets' (path, shape,\n"
            "dimensions, units, description), every dataset at or under GROUP; --table csv prints them as CSV.\n\n%s",
            ds_cli_exit_codes);
}

int ds_cmd_info(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    ds_table_format fmt = DS_TABLE_TEXT;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage_info(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--json")) {
            fmt = DS_TABLE_JSON;
        } else if (!strcmp(argv[i], "--table") && i + 1 < argc) {
            if (ds_table_format_parse(argv[++i], &fmt))
                return ds_cli_usage_error("info", NULL, NULL, "--table expects text, csv or json, got '%s'", argv[i]);
        } else if (argv[i][0] == '-') {
            static const char *const opts[] = {"--json", "--table", "--help", NULL};
            return ds_cli_usage_error("info", argv[i], opts, "unknown option '%s' (or it needs a value)", argv[i]);
        } else if (npos < 2) {
            pos[npos++] = argv[i];
        } else {
            return ds_cli_usage_error("info", NULL, NULL, "unexpected argument '%s' (a file and at most one group)",
                                      argv[i]);
        }
    }
    if (!pos[0])
        return ds_cli_usage_error("info", NULL, NULL, "no output file given");
    ds_error err = {0};
    if (ds_h5_info_at(pos[0], pos[1], fmt, stdout, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    return 0;
}
