/* Shared helpers for the unit tests: a single-level simulation driven directly through the
 * library's layers (model, data, system, evolver), without a scenario file. */
#ifndef DS_TESTKIT_H
#define DS_TESTKIT_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <unistd.h>

#include "discsim/discsim.h"
#include "io/model_load.h"
#include "io/ydoc.h"
#include "physics/spine.h"

#define TK_MODEL DS_SOURCE_DIR "/models/lumbar_adult.yaml"
#define TK_L4L5 3

typedef struct tk_sim {
    ds_model m;
    ds_data d;
    ds_system sys;
    ds_evolver *ev;
    ds_solver_opts opt;
} tk_sim;

/* Compiles models/lumbar_adult.yaml for L4L5 with model-document overrides such as
 * "levels.L4L5.osmotic_exponent.value=0" (NULL-terminated list, may be NULL). */
static inline void tk_model(ds_model *m, ds_variant v, int nsubj, const char *const *set)
{
    ds_ydoc *doc;
    ds_error err = {0};
    int lev = TK_L4L5;
    assert_int_equal(ds_ydoc_load(TK_MODEL, &doc, &err), DS_OK);
    for (int i = 0; set && set[i]; i++)
        assert_int_equal(ds_yset(doc, set[i], &err), DS_OK);
    ds_status st = ds_model_compile(doc, 1, &lev, v, nsubj, NULL, m, &err);
    if (st)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, DS_OK);
    ds_ydoc_free(doc);
}

/* A simulation at drained equilibrium under load0 (N) at t = 0. */
static inline void tk_init(tk_sim *s, ds_variant v, ds_solver_opts opt, double load0, const char *const *set)
{
    ds_error err = {0};
    memset(s, 0, sizeof *s);
    tk_model(&s->m, v, 1, set);
    assert_int_equal(ds_data_create(&s->m, &s->d, &err), DS_OK);
    ds_spine_system(&s->m, &s->d, &s->sys);
    s->opt = opt;
    assert_int_equal(ds_evolver_create(&s->sys, &opt, &s->ev, &err), DS_OK);
    ds_segment_set(&s->d, 0.0, 0.0, &load0, &load0);
    assert_int_equal(ds_spine_equilibrium(&s->m, s->d.seg.to.load, s->d.seg.to.act, s->d.x, &err), DS_OK);
    ds_evolver_reset(s->ev, 0.0, s->d.x);
}

static inline void tk_free(tk_sim *s)
{
    ds_evolver_free(s->ev);
    ds_data_free(&s->d);
    ds_model_free(&s->m);
}

/* Load moves from `from` to `to` over [t0, t1] (t1 == t0: a constant load `to`). */
static inline void tk_segment(tk_sim *s, double t0, double t1, double from, double to)
{
    ds_segment_set(&s->d, t0, t1, &from, &to);
}

static inline void tk_advance(tk_sim *s, double t)
{
    ds_error err = {0};
    ds_status st = ds_evolver_advance(s->ev, t, t, &err);
    if (st)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, DS_OK);
}

/* Output k of lane 0 at the current time (which every lane has reached). */
static inline double tk_out(tk_sim *s, int k)
{
    ds_spine_observe(&s->m, &s->d, ds_evolver_time(s->ev)[0], ds_evolver_state(s->ev));
    return s->d.out[(size_t)k * s->m.stride];
}

static inline double tk_par(const ds_model *m, int k) { return m->par[k][0]; }

static inline ds_solver_opts tk_opts(ds_method_id id, double rtol, double h_fixed)
{
    ds_solver_opts o = ds_solver_defaults();
    o.method = id;
    o.rtol = rtol;
    o.atol = rtol;
    o.h_fixed = h_fixed;
    return o;
}

/* Loads and runs a scenario file (arms, sweep or single) into out (may be NULL). */
static inline void tk_run_study(const char *scenario, int nset, const char *const *set, const char *out)
{
    ds_study st;
    ds_error err = {0};
    ds_status s = ds_study_load(scenario, nset, set, &st, &err);
    if (s)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(s, DS_OK);
    ds_study_opts o = {0};
    s = ds_study_run(&st, out, &o, &err);
    if (s)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(s, DS_OK);
    ds_study_free(&st);
}

#ifdef DS_BINARY
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

/* Starts the discsim program with argv (NULL-terminated), its stdout and stderr into the
 * file log, and returns its pid. The child gets the default action for every signal a test
 * sends: a test run in the background (SIGINT ignored) or under a harness that blocks
 * signals must not change what discsim does. */
static inline pid_t tk_start_cli(const char *const *argv, const char *log)
{
    fflush(stdout); /* or the child would print what the parent has buffered */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM};
        for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
            signal(sigs[k], SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
            _exit(126);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
        execv(DS_BINARY, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Runs the discsim program to its end (see tk_start_cli); returns its exit code (128 + the
 * signal if one ended it) and, if out is not NULL, what it wrote (malloc'ed, NUL-terminated). */
static inline int tk_run_cli(const char *const *argv, const char *log, char **out)
{
    pid_t pid = tk_start_cli(argv, log);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (out) {
        FILE *f = fopen(log, "rb");
        assert_non_null(f);
        size_t cap = 4096, n = 0;
        char *b = malloc(cap);
        for (size_t k; (k = fread(b + n, 1, cap - n - 1, f)) > 0;)
            if ((n += k) + 1 == cap)
                b = realloc(b, cap *= 2);
        b[n] = '\0';
        fclose(f);
        *out = b;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
#endif

/* Writes text to a new file at path (a test's scenario). */
static inline void tk_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Removes a file or a folder with everything in it (the tests' temporary folders). */
static inline int tk_rm_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return unlink(path);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[4096 + 256 + 2]; /* a path and a name */
        snprintf(p, sizeof p, "%.4096s/%.255s", path, e->d_name);
        tk_rm_tree(p);
    }
    closedir(d);
    return rmdir(path);
}

#endif
