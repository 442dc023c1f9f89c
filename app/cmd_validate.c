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
            "Usage: discsim validate [CHECKS.yaml] [--plot [DIR]] [--table text|csv|json]\n\n"
            "Runs the validation scenarios named by a checks file (default: scenarios/validation/checks.yaml\n"
            "in discsim's data directory, so it runs from any directory; DISCSIM_DATA_DIR overrides),\n"
            "compares the model with the published targets it names and prints a table: quantity, condition,\n"
            "target range, model value, pass or fail. Exits with 1 if any target is missed.\n"
            "--table csv or json prints the table for programs instead (alone on stdout).\n\n%s",
            ds_cli_exit_codes);
}

/* The validation table for programs: a row per target. */
static ds_status print_table(const ds_validation_row *rows, int n, ds_table_format fmt, ds_error *err)
{
    static const char *const cols[] = {"id", "quantity", "condition", "unit", "target", "low", "high", "model",
                                       "pass", "source", "how"};
    ds_table t;
    ds_status st = ds_table_init(&t, "validation", 11, cols, err);
    for (int i = 0; !st && i < n; i++) {
        const ds_validation_row *r = &rows[i];
        int k = ds_table_row(&t);
        ds_table_text(&t, k, 0, r->id);
        ds_table_text(&t, k, 1, r->quantity);
        ds_table_text(&t, k, 2, r->condition);
        ds_table_text(&t, k, 3, r->unit);
        ds_table_num(&t, k, 4, r->target);
        ds_table_num(&t, k, 5, r->low);
        ds_table_num(&t, k, 6, r->high);
        ds_table_num(&t, k, 7, r->model);
        ds_table_num(&t, k, 8, r->pass);
        ds_table_text(&t, k, 9, r->source);
        ds_table_text(&t, k, 10, r->how);
    }
    if (!st)
        st = ds_table_print(stdout, &t, 1, fmt, err);
    ds_table_free(&t);
    return st;
}

int ds_cmd_validate(int argc, char **argv)
{
    const char *checks = NULL, *plot = NULL;
    ds_table_format fmt = DS_TABLE_TEXT;
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
        if (!strcmp(argv[i], "--table") && i + 1 < argc) {
            if (ds_table_format_parse(argv[++i], &fmt))
                return ds_cli_usage_error("validate", NULL, NULL, "--table expects text, csv or json, got '%s'", argv[i]);
            continue;
        }
        if (!strcmp(argv[i], "--plot")) {
            plot = i + 1 < argc && argv[i + 1][0] != '-' ? argv[++i] : "figures";
            continue;
        }
        if (argv[i][0] == '-') {
            static const char *const opts[] = {"--plot", "--table", "--help", NULL};
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
    if (ds_validate(checks, fmt == DS_TABLE_TEXT ? stdout : NULL, &rows, &n, &nfail, &err) ||
        (fmt != DS_TABLE_TEXT && print_table(rows, n, fmt, &err))) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    if (plot) {
        ds_plot_opts po = {.out_dir = plot, .log = fmt == DS_TABLE_TEXT ? stdout : stderr};
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
