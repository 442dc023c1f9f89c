/* discsim command line (DESIGN §7): the commands, one file each (cmd_*.c).
 *
 * Exit codes: 0 success; 2 usage error; 3 bad scenario or model (the message names file,
 * line and key); 4 the simulation diverged (time, subject, level, variable); 5 a file could
 * not be read or written, or -o would replace an input or a file that is not an output; 6 out
 * of memory. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* From the one list of statuses (discsim/status.h); 1 is the program's own. */
#define DS_X_TEXT(name, value, text) "  " #value "  " text "\n"
const char *const ds_cli_exit_codes = "Exit codes:\n" DS_STATUS_LIST(DS_X_TEXT) "  1  validate: at least one target was missed\n";
#undef DS_X_TEXT

const char *ds_cli_command_line = NULL;

/* argv as one line a shell would read back: arguments with anything but [A-Za-z0-9_./=:,+-]
 * in single quotes */
static char *join_command_line(int argc, char **argv)
{
    size_t cap = 1;
    for (int i = 0; i < argc; i++)
        cap += 4 * strlen(argv[i]) + 3;
    char *s = malloc(cap), *o = s;
    if (!s)
        return NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int plain = *a != 0;
        for (const char *p = a; *p && plain; p++)
            plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-", *p) != NULL;
        if (i)
            *o++ = ' ';
        if (plain) {
            o += sprintf(o, "%s", a);
            continue;
        }
        *o++ = '\'';
        for (const char *p = a; *p; p++)
            o += *p == '\'' ? sprintf(o, "'\\''") : sprintf(o, "%c", *p);
        *o++ = '\'';
    }
    *o = 0;
    return s;
}

static const char *const commands[] = {"run", "check", "info", "validate", "plot", "bench", "help", "--help", "--version", NULL};

int ds_cli_usage_error(const char *cmd, const char *word, const char *const *known, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "discsim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    const char *near = word ? ds_suggest(word, known) : NULL;
    if (near)
        fprintf(stderr, "; did you mean '%s'?", near);
    fprintf(stderr, "\nTry 'discsim%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
    return DS_ERR_USAGE;
}

char **ds_cli_split_equals(int argc, char **argv, int *nargc)
{
    char **out = calloc((size_t)argc * 2 + 1, sizeof *out);
    if (!out)
        return NULL;
    int n = 0;
    for (int i = 0; i < argc; i++) {
        /* --plot's value is optional: --plot=DIR stays whole, for the command to read */
        char *eq = argv[i][0] == '-' && argv[i][1] == '-' && strncmp(argv[i], "--plot=", 7) ? strchr(argv[i], '=') : NULL;
        if (eq && eq > argv[i] + 2) {
            *eq = 0; /* argv's strings are the program's to change */
            out[n++] = argv[i];
            out[n++] = eq + 1;
        } else {
            out[n++] = argv[i];
        }
    }
    *nargc = n;
    return out;
}

static void usage_main(FILE *out)
{
    fprintf(out,
            "discsim %s: lumbar disc and muscle biomechanics simulator\n\n"
            "Usage: discsim run SCENARIO [-o OUT.h5] [--set key=value]... [--quiet] [--plot [DIR]] [--threads N]"
            " [--record summary [--resume]] [--block N]"
            " [--table FORMAT] [--compression C]\n"
            "  or:  discsim check SCENARIO [--set key=value]...\n"
            "  or:  discsim info OUT.h5 [GROUP]\n"
            "  or:  discsim validate [CHECKS.yaml] [--plot [DIR]]\n"
            "  or:  discsim plot OUT.h5 [-o DIR] [--format png|svg|pdf] [--figure NAME]... [--size WxH]\n"
            "  or:  discsim bench NAME [OPTIONS]   (NAME: precision, cohort, integrators, levels, h5_floor)\n"
            "  or:  discsim --version\n\n"
            "Run 'discsim COMMAND --help' for a command's options. An option's value may follow it\n"
            "(--threads 2) or be joined to it by '=' (--threads=2).\n\n%s",
            ds_version(), ds_cli_exit_codes);
}

static int dispatch(int argc, char **argv);

int main(int argc, char **argv)
{
    /* Ctrl-C, a hang-up or a kill must not leave a temporary output or a gnuplot behind */
    ds_error err = {0};
    ds_process_heap_setup();
    if (ds_install_signal_cleanup(&err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    if (argc < 2)
        return ds_cli_usage_error(NULL, NULL, NULL, "no command (run, check, info, validate, plot or bench)");
    int nargc;
    char *line = join_command_line(argc, argv); /* before the split changes argv's strings */
    char **args = line ? ds_cli_split_equals(argc, argv, &nargc) : NULL;
    if (!args) {
        free(line);
        fprintf(stderr, "discsim: out of memory\n");
        return DS_ERR_NOMEM;
    }
    ds_cli_command_line = line;
    int rc = dispatch(nargc, args);
    free(args);
    free(line);
    return rc;
}

/* (main's argv after --name=value is split) */
static int dispatch(int argc, char **argv)
{
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
    return ds_cli_usage_error(NULL, cmd, commands, "unknown command '%s'", cmd);
}



/* Parses options shared by run and check; returns 0, or an exit code. */
int ds_cli_parse(int argc, char **argv, ds_cli_args *a, int allow_out, void (*help)(FILE *))
{
    static const char *const run_opts[] = {"--set", "-o", "--output", "-q", "--quiet", "--threads", "--block", "--record",
                                           "--resume", "--plot", "--table", "--compression", "--help", NULL};
    static const char *const check_opts[] = {"--set", "--help", NULL};
    const char *cmd = allow_out ? "run" : "check";
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
            if (v < 1)
                return ds_cli_usage_error(cmd, NULL, NULL, "%s expects a whole number from 1 to %ld, got '%s'", s, hi,
                                          argv[i]);
            *(s[2] == 't' ? &a->threads : &a->block) = v;
        } else if (allow_out && (!strcmp(s, "--record") || !strncmp(s, "--record=", 9))) {
            const char *v = s[8] == '=' ? s + 9 : i + 1 < argc ? argv[++i] : "";
            if (strcmp(v, "summary") && strcmp(v, "series"))
                return ds_cli_usage_error(cmd, NULL, NULL,
                                          "--record expects summary (per-subject summaries only) or series (the "
                                          "default), got '%s'", v);
            a->summary_only = !strcmp(v, "summary");
        } else if (allow_out && !strcmp(s, "--table") && i + 1 < argc) {
            if (ds_table_format_parse(argv[++i], &a->table))
                return ds_cli_usage_error(cmd, NULL, NULL, "--table expects text, csv or json, got '%s'", argv[i]);
        } else if (allow_out && !strcmp(s, "--compression") && i + 1 < argc) {
            static const char *const name[] = {[DS_COMPRESSION_NONE] = "none", [DS_COMPRESSION_FAST] = "fast",
                                               [DS_COMPRESSION_SMALL] = "small"};
            const char *v = argv[++i];
            a->compression = DS_COMPRESSION_DEFAULT;
            for (int k = DS_COMPRESSION_NONE; k <= DS_COMPRESSION_SMALL; k++)
                if (!strcmp(v, name[k]))
                    a->compression = (ds_compression)k;
            if (a->compression == DS_COMPRESSION_DEFAULT)
                return ds_cli_usage_error(cmd, NULL, NULL,
                                          "--compression expects none, fast (the default) or small, got '%s'", v);
        } else if (allow_out && !strcmp(s, "--resume")) {
            a->resume = 1;
        } else if (allow_out && !strncmp(s, "--plot=", 7) && s[7]) {
            a->plot = s + 7;
        } else if (allow_out && !strcmp(s, "--plot")) {
            a->plot = i + 1 < argc && argv[i + 1][0] != '-' && a->scenario ? argv[++i] : "figures";
        } else if (s[0] == '-' && s[1]) {
            int known = 0;
            for (const char *const *o = allow_out ? run_opts : check_opts; *o && !known; o++)
                known = !strcmp(s, *o);
            return known ? ds_cli_usage_error(cmd, NULL, NULL, "option '%s' needs a value", s)
                         : ds_cli_usage_error(cmd, s, allow_out ? run_opts : check_opts, "unknown option '%s'", s);
        } else if (!a->scenario) {
            a->scenario = s;
        } else {
            return ds_cli_usage_error(cmd, NULL, NULL, "unexpected argument '%s' (one scenario file at a time)", s);
        }
    }
    if (!a->scenario)
        return ds_cli_usage_error(cmd, NULL, NULL, "no scenario file given");
    return 0;
}

int ds_cli_load(int argc, char **argv, ds_cli_args *a, int allow_out, void (*help)(FILE *), ds_study *study)
{
    int rc = ds_cli_parse(argc, argv, a, allow_out, help);
    ds_error err = {0};
    if (!rc) /* --threads N holds from the cohort's draws to the file's compression */
        ds_threads_default(a->threads);
    if (!rc && ds_study_load(a->scenario, a->nset, a->set, study, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        rc = err.status;
    }
    if (rc)
        free(a->set);
    return rc;
}
