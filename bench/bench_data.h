/* Where a benchmark finds its scenario and the program: as given or in the current directory
 * (the repository's root), else in discsim's data directory, so that `discsim bench` runs the
 * installed benchmarks from any directory. */
#ifndef DS_BENCH_DATA_H
#define DS_BENCH_DATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "discsim/discsim.h"
#include "discsim/datadir.h"

/* rel itself if readable, else the data directory's rel (in a static buffer of slot k < 4) */
static inline const char *bench_data(const char *rel, int k)
{
    static char found[4][4300];
    ds_error err = {0};
    if (!access(rel, R_OK))
        return rel;
    if (ds_data_file(rel, found[k], sizeof found[k], &err)) {
        fprintf(stderr, "%s: no such file here; %s\n", rel, err.msg);
        exit(5);
    }
    return found[k];
}

/* the discsim program beside this one (build tree) or in ../../bin (installed in libexec/discsim) */
static inline void bench_program(char *bin, size_t n)
{
    char dir[4096] = ".";
    ds_program_dir(dir, sizeof dir, NULL);
    snprintf(bin, n, "%s/discsim", dir);
    if (access(bin, X_OK))
        snprintf(bin, n, "%s/../../bin/discsim", dir);
}

/* An argument the benchmark does not take: with -h or --help, the usage on stdout and 0;
 * otherwise the argument named and the usage on stderr, and 2 (a usage error). */
static inline int bench_usage(const char *arg, const char *usage)
{
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
        fputs(usage, stdout);
        return 0;
    }
    fprintf(stderr, "unknown or incomplete argument '%s'\n%s", arg, usage);
    return 2;
}

/* The machine and build a measurement was made on, as the first CSV columns (commas in the
 * CPU's name become semicolons): commit, date, cpu, os, compiler, isa. */
static inline void bench_machine_tag(char *tag, size_t n)
{
    char cpu[256] = "unknown", date[32], isa[128], line[256];
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
            snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
            cpu[strcspn(cpu, "\n")] = '\0';
            break;
        }
    if (f)
        fclose(f);
    struct utsname u;
    uname(&u);
    time_t tt = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&tt));
    snprintf(isa, sizeof isa, "%s", ds_vector_isa()); /* the kernels' build run here */
    for (char *c = cpu; *c; c++)
        *c = *c == ',' ? ';' : *c;
    for (char *c = isa; *c; c++)
        *c = *c == ',' ? ';' : *c;
    snprintf(tag, n, "%s,%s,%s,%s %s,gcc %s,%s", ds_git_commit(), date, cpu, u.sysname, u.machine, __VERSION__, isa);
}

#endif
