/* discsim command line (DESIGN §7): the commands, one file each (cmd_*.c).
 *
 * Exit codes: 0 success; 2 usage error; 3 bad scenario or model (the message names file,
 * line and key); 4 the simulation diverged (time, subject, level, variable); 5 a file could
 * not be read or written, or -o would replace an input or a file that is not an output; 6 out
 * of memory. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* From the one list of statuses (discsim/status.h); 1 is the program's own. */
#define DS_X_TEXT(name, value, text) "  " #value "  " text "\n"
const char *const ds_cli_exit_codes = "Exit codes:\n" DS_STATUS_LIST(DS_X_TEXT) "  1  validate: at least one target was missed\n";
#undef DS_X_TEXT

static void usage_main(FILE *out)
{
    fprintf(out,
            "discsim %s: lumbar disc and muscle biomechanics simulator\n\n"
            "Usage: discsim run SCENARIO [-o OUT.h5] [--set key=value]... [--quiet] [--plot [DIR]] [--threads N]"
            " [--record summary [--resume]] [--block N]\n"
            "  or:  discsim check SCENARIO [--set key=value]...\n"
            "  or:  discsim info OUT.h5\n"
            "  or:  discsim validate [CHECKS.yaml] [--plot [DIR]]\n"
            "  or:  discsim plot OUT.h5 [-o DIR] [--format png|svg|pdf] [--figure NAME]... [--size WxH]\n"
            "  or:  discsim bench NAME [OPTIONS]   (NAME: precision, cohort, integrators, levels)\n"
            "  or:  discsim --version\n\n"
            "Run 'discsim COMMAND --help' for a command's options.\n\n%s",
            ds_version(), ds_cli_exit_codes);
}

int main(int argc, char **argv)
{
    /* Ctrl-C, a hang-up or a kill must not leave a temporary output or a gnuplot behind */
    ds_error err = {0};
    ds_process_heap_setup();
    if (ds_install_signal_cleanup(&err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    if (argc < 2) {
        usage_main(stderr);
        return DS_ERR_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage_main(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("discsim %s (%s)\nkernels: %s\n", ds_version(), ds_git_commit(), ds_vector_isa());
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return ds_cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "check"))
        return ds_cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "info"))
        return ds_cmd_info(argc - 2, argv + 2);
    if (!strcmp(cmd, "validate"))
        return ds_cmd_validate(argc - 2, argv + 2);
    if (!strcmp(cmd, "plot"))
        return ds_cmd_plot(argc - 2, argv + 2);
    if (!strcmp(cmd, "bench"))
        return ds_cmd_bench(argc - 2, argv + 2);
    fprintf(stderr, "discsim: unknown command '%s'\n\n", cmd);
    usage_main(stderr);
    return DS_ERR_USAGE;
}



/* Parses options shared by run and check; returns 0, or an exit code. */
int ds_cli_parse(int argc, char **argv, ds_cli_args *a, int allow_out, void (*help)(FILE *))
{
    a->set = calloc((size_t)argc, sizeof *a->set);
    if (!a->set)
        return DS_ERR_NOMEM;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            help(stdout);
            exit(0);
        } else if (!strcmp(s, "--set") && i + 1 < argc) {
            a->set[a->nset++] = argv[++i];
        } else if (!strncmp(s, "--set=", 6)) {
            a->set[a->nset++] = s + 6;
        } else if (allow_out && (!strcmp(s, "-o") || !strcmp(s, "--output")) && i + 1 < argc) {
            a->out = argv[++i];
        } else if (allow_out && (!strcmp(s, "-q") || !strcmp(s, "--quiet"))) {
            a->quiet = 1;
        } else if (allow_out && (!strcmp(s, "--threads") || !strcmp(s, "--block")) && i + 1 < argc) {
            char *end;
            long t = strtol(argv[++i], &end, 10), hi = s[2] == 't' ? 1024 : 1000000;
            int v = *end || t < 1 || t > hi ? 0 : (int)t; /* "4x" or "" is not a number */
            if (v < 1) {
                fprintf(stderr, "discsim: %s expects a whole number from 1 to %ld\n", s, hi);
                return DS_ERR_USAGE;
            }
            *(s[2] == 't' ? &a->threads : &a->block) = v;
        } else if (allow_out && (!strcmp(s, "--record") || !strncmp(s, "--record=", 9))) {
            const char *v = s[8] == '=' ? s + 9 : i + 1 < argc ? argv[++i] : "";
            if (strcmp(v, "summary") && strcmp(v, "series")) {
                fprintf(stderr, "discsim: --record expects summary (per-subject summaries only) or series (the default)\n");
                return DS_ERR_USAGE;
            }
            a->summary_only = !strcmp(v, "summary");
        } else if (allow_out && !strcmp(s, "--resume")) {
            a->resume = 1;
        } else if (allow_out && !strcmp(s, "--plot")) {
            a->plot = i + 1 < argc && argv[i + 1][0] != '-' && a->scenario ? argv[++i] : "figures";
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "discsim: unknown or incomplete option '%s'\n\n", s);
            help(stderr);
            return DS_ERR_USAGE;
        } else if (!a->scenario) {
            a->scenario = s;
        } else {
            fprintf(stderr, "discsim: unexpected argument '%s'\n\n", s);
            help(stderr);
            return DS_ERR_USAGE;
        }
    }
    if (!a->scenario) {
        fprintf(stderr, "discsim: no scenario file given\n\n");
        help(stderr);
        return DS_ERR_USAGE;
    }
    return 0;
}

int ds_cli_load(int argc, char **argv, ds_cli_args *a, int allow_out, void (*help)(FILE *), ds_study *study)
{
    int rc = ds_cli_parse(argc, argv, a, allow_out, help);
    ds_error err = {0};
    if (!rc && ds_study_load(a->scenario, a->nset, a->set, study, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        rc = err.status;
    }
    if (rc)
        free(a->set);
    return rc;
}
