/* What the discsim commands share: the exit codes' text, the options of run and check, and
 * one entry point per command (cmd_<name>.c). */
#ifndef DS_CLI_H
#define DS_CLI_H

#include <stdio.h>

#include "discsim/discsim.h"

extern const char *const ds_cli_exit_codes;

/* The command line as typed (arguments quoted for a POSIX shell where needed), for the
 * output's provenance. */
extern const char *ds_cli_command_line;

/* A usage error as one line of cause, "did you mean" when `word` (may be NULL) is near one of
 * `known` (NULL-terminated, may be NULL), and where the help is: "Try 'discsim CMD --help'."
 * (cmd NULL: the program's). Returns DS_ERR_USAGE. */
int ds_cli_usage_error(const char *cmd, const char *word, const char *const *known, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

typedef struct ds_cli_args {
    const char *scenario, *out, *plot;
    const char **set;
    int nset, quiet, threads;
    int summary_only;      /* --record summary */
    int block;             /* --block N */
    int resume;            /* --resume */
    ds_table_format table; /* --table text|csv|json */
    ds_compression compression; /* --compression */
} ds_cli_args;

/* Parses the options shared by run and check (allow_out: run's -o, -q, --plot, --threads);
 * returns 0, or an exit code after printing why. a->set is malloc'ed. */
int ds_cli_parse(int argc, char **argv, ds_cli_args *a, int allow_out, void (*help)(FILE *));

/* argv with every --name=value split into --name value (the forms GNU tools accept), in a
 * new array the caller frees; NULL when out of memory. */
char **ds_cli_split_equals(int argc, char **argv, int *nargc);

/* ds_cli_parse, then the scenario loaded as a study; returns 0, or an exit code after saying
 * why (a->set is then freed). */
int ds_cli_load(int argc, char **argv, ds_cli_args *a, int allow_out, void (*help)(FILE *), ds_study *study);

int ds_cmd_run(int argc, char **argv);
int ds_cmd_check(int argc, char **argv);
int ds_cmd_info(int argc, char **argv);
int ds_cmd_plot(int argc, char **argv);
int ds_cmd_validate(int argc, char **argv);
int ds_cmd_bench(int argc, char **argv);

#endif
