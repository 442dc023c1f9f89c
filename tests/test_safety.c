/* Nothing is left behind and nothing is clobbered, through the command line a user runs:
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE during a run remove the temporary output and end the
 * program by that signal; a signal during `discsim plot` also ends gnuplot and leaves no
 * figure; -o naming the scenario, its model, a text file or a folder is refused and leaves
 * them as they were; re-running over an earlier output still works. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testkit.h"

static char dir[128];
static pid_t running = -1, helper = -1; /* killed by teardown if a test fails on the way */

/* Bounds for every wait: generous for the sanitizer build, short for a whole test. */
static const double START_TIMEOUT = 8.0, END_TIMEOUT = 8.0;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, f);
    b[*n] = '\0';
    fclose(f);
    return b;
}

/* Starts the discsim binary (tk_start_cli) and remembers it, so that a failing test kills it. */
static pid_t start_cli(const char *const *argv, const char *log)
{
    return running = tk_start_cli(argv, log);
}

/* Waits for pid at most `timeout` seconds; on timeout kills it (SIGKILL) and fails. */
static int finish_cli(pid_t pid, double timeout, const char *what)
{
    int status = 0;
    for (double t0 = now(); waitpid(pid, &status, WNOHANG) == 0; pause_ms(10))
        if (now() - t0 > timeout) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fail_msg("%s: discsim did not end within %g s", what, timeout);
        }
    running = -1;
    return status;
}

/* Runs discsim to the end; returns its exit code and its output in *out (malloc'ed). */
static int run_cli(const char *const *argv, char **out)
{
    char log[300];
    snprintf(log, sizeof log, "%s/cli.log", dir);
    int status = finish_cli(start_cli(argv, log), 60.0, argv[1]);
    size_t n = 0;
    *out = slurp(log, &n);
    assert_non_null(*out);
    unlink(log);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Number of entries in folder, and whether one holds `needle` in its name. */
static int entries(const char *folder, const char *needle, int *found)
{
    DIR *d = opendir(folder);
    assert_non_null(d);
    int n = 0;
    *found = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        n++;
        if (needle && strstr(e->d_name, needle))
            *found = 1;
    }
    closedir(d);
    return n;
}

static void wait_for_file(const char *folder, const char *needle, pid_t pid, const char *what)
{
    int found = 0;
    for (double t0 = now(); entries(folder, needle, &found), !found; pause_ms(10)) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            fail_msg("%s: discsim ended (status %d) before '%s' appeared", what, status, needle);
        if (now() - t0 > START_TIMEOUT) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fail_msg("%s: no '%s' in %s within %g s", what, needle, folder, START_TIMEOUT);
        }
    }
}

static void assert_ended_by(int status, int sig, const char *what)
{
    int by = WIFSIGNALED(status) ? WTERMSIG(status) : WIFEXITED(status) ? WEXITSTATUS(status) - 128 : -1;
    printf("%s: ended by signal %d (%s)\n", what, by, WIFSIGNALED(status) ? "signalled" : "exit 128+N");
    assert_int_equal(by, sig);
}

/* A long study (massage_herniation over 1000 days, three arms) is interrupted as soon as
 * its temporary output appears: the folder must hold nothing afterwards but the study's
 * checkpoint, kept for --resume. */
static void interrupt_run(int sig, const char *what)
{
    char folder[200], out[260], log[260];
    snprintf(folder, sizeof folder, "%s/sig%d", dir, sig);
    snprintf(out, sizeof out, "%s/out.h5", folder);
    snprintf(log, sizeof log, "%s/sig%d.log", dir, sig);
    assert_int_equal(mkdir(folder, 0755), 0);
    const char *argv[] = {"discsim", "run", DS_SOURCE_DIR "/scenarios/massage_herniation.yaml", "-o", out, "--quiet",
                          "--set", "timeline.repeat=1000", NULL};
    pid_t pid = start_cli(argv, log);
    wait_for_file(folder, ".tmp-", pid, what);
    assert_int_equal(kill(pid, sig), 0);
    assert_ended_by(finish_cli(pid, END_TIMEOUT, what), sig, what);
    int found;
    int n = entries(folder, "out.h5.resume", &found);
    if (n != found)
        fail_msg("%s: %d file(s) left in the output folder besides the checkpoint", what, n - found);
    char ckpt[300];
    snprintf(ckpt, sizeof ckpt, "%s.resume", out);
    unlink(ckpt);
    rmdir(folder);
    unlink(log);
}

static void test_signals_remove_the_temporary(void **state)
{
    (void)state;
    interrupt_run(SIGINT, "SIGINT");
    interrupt_run(SIGTERM, "SIGTERM");
    interrupt_run(SIGHUP, "SIGHUP");
    interrupt_run(SIGPIPE, "SIGPIPE");
}

/* A stand-in for gnuplot that starts the figure, says who it is and where its script is,
 * then hangs: the signal arrives while the figure is half-written. */
static const char fake_gnuplot[] =
    "#!/bin/sh\n"
    "out=$(sed -n \"s/^set output '\\(.*\\)'$/\\1/p\" \"$1\")\n"
    "printf 'half a figure' > \"$out\"\n"
    "printf '%s\\n%s\\n' $$ \"$(dirname \"$1\")\" > \"$0.part\" && mv \"$0.part\" \"$0.who\"\n"
    "exec sleep 30\n";

static void test_signal_ends_gnuplot(void **state)
{
    (void)state;
    char h5[260], figs[260], fake[260], who[280], log[260];
    snprintf(h5, sizeof h5, "%s/plain.h5", dir);
    snprintf(figs, sizeof figs, "%s/figs", dir);
    snprintf(fake, sizeof fake, "%s/fake_gnuplot", dir);
    snprintf(who, sizeof who, "%s.who", fake);
    snprintf(log, sizeof log, "%s/plot.log", dir);
    static const char *const set[] = {"timeline.repeat=1"};
    tk_run_study(DS_SOURCE_DIR "/scenarios/diurnal_l4l5.yaml", 1, set, h5);
    tk_write_text(fake, fake_gnuplot);
    assert_int_equal(chmod(fake, 0755), 0);

    const char *argv[] = {"discsim", "plot", h5, "-o", figs, "--figure", "day", "--gnuplot", fake, NULL};
    pid_t pid = start_cli(argv, log);
    wait_for_file(dir, "fake_gnuplot.who", pid, "plot");
    size_t n = 0;
    char *text = slurp(who, &n);
    assert_non_null(text);
    pid_t gp = (pid_t)atol(text);
    char *session = strchr(text, '\n');
    assert_non_null(session);
    *strchr(++session, '\n') = '\0';
    assert_true(gp > 0);
    helper = gp;

    assert_int_equal(kill(pid, SIGTERM), 0);
    assert_ended_by(finish_cli(pid, END_TIMEOUT, "plot"), SIGTERM, "plot");
    int gone = 0;
    for (double t0 = now(); !(gone = kill(gp, 0) != 0 && errno == ESRCH) && now() - t0 < END_TIMEOUT;)
        pause_ms(10);
    assert_true(gone);
    helper = -1;
    int found;
    int left = entries(figs, NULL, &found);
    if (left)
        fail_msg("plot: %d file(s) left in the figure folder", left);
    struct stat sb;
    printf("plot: gnuplot %d ended, no figure left, session folder %s removed\n", (int)gp, session);
    assert_int_equal(stat(session, &sb), -1);
    free(text);
    rmdir(figs);
    unlink(who);
    unlink(fake);
    unlink(h5);
    unlink(log);
}

/* ---- -o never names an input --------------------------------------------------------- */

static const char scenario_text[] =
    "name: safety\n"
    "model: model.yaml\n"
    "levels: [L4L5]\n"
    "timeline:\n"
    "  phases:\n"
    "    - {posture: standing, duration: 2h}\n"
    "    - {posture: lying, duration: 1h}\n"
    "record: {interval: 10min}\n";

static void copy_file(const char *from, const char *to)
{
    size_t n = 0;
    char *b = slurp(from, &n);
    assert_non_null(b);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
    free(b);
}

typedef struct {
    const char *what, *scenario, *out; /* names inside the folder */
    const char *guarded;               /* the file that must stay as it was */
    const char *words;                 /* the message must say this */
} refusal;

static void check_refusal(const char *folder, const refusal *c)
{
    char scen[300], out[300], guarded[300];
    snprintf(scen, sizeof scen, "%s/%s", folder, c->scenario);
    snprintf(out, sizeof out, "%s/%s", folder, c->out);
    snprintf(guarded, sizeof guarded, "%s/%s", folder, c->guarded);
    struct stat before, after;
    assert_int_equal(lstat(out, &before), 0);
    size_t n0 = 0, n1 = 0;
    char *b0 = S_ISREG(before.st_mode) || S_ISLNK(before.st_mode) ? slurp(guarded, &n0) : NULL;
    const char *argv[] = {"discsim", "run", scen, "-o", out, "--quiet", NULL};
    char *msg;
    int rc = run_cli(argv, &msg);
    printf("%-28s exit %d: %s", c->what, rc, msg);
    assert_int_equal(rc, DS_ERR_IO);
    assert_non_null(strstr(msg, c->words));
    assert_non_null(strstr(msg, out));
    free(msg);
    /* the same kind of thing, byte for byte the same */
    assert_int_equal(lstat(out, &after), 0);
    assert_int_equal(before.st_mode, after.st_mode);
    assert_true(before.st_ino == after.st_ino);
    if (b0) {
        char *b1 = slurp(guarded, &n1);
        assert_non_null(b1);
        assert_int_equal(n0, n1);
        assert_memory_equal(b0, b1, n0);
        free(b1);
    }
    free(b0);
    int tmp;
    entries(folder, ".tmp-", &tmp);
    assert_false(tmp);
}

static void test_output_never_clobbers_an_input(void **state)
{
    (void)state;
    char folder[200], p[300], q[300];
    snprintf(folder, sizeof folder, "%s/inputs", dir);
    assert_int_equal(mkdir(folder, 0755), 0);
    snprintf(p, sizeof p, "%s/model.yaml", folder);
    copy_file(DS_SOURCE_DIR "/models/lumbar_adult.yaml", p);
    snprintf(p, sizeof p, "%s/s.yaml", folder);
    tk_write_text(p, scenario_text);
    /* the same with arms, one of them empty: it goes through the study runner */
    snprintf(p, sizeof p, "%s/arms.yaml", folder);
    char arms[sizeof scenario_text + 200];
    snprintf(arms, sizeof arms, "%sarms:\n  control:\n  tense:\n    parameters: {muscles: {erector_spinae: {tone: 0.1}}}\n",
             scenario_text);
    tk_write_text(p, arms);
    snprintf(p, sizeof p, "%s/link.h5", folder);
    assert_int_equal(symlink("arms.yaml", p), 0);
    snprintf(p, sizeof p, "%s/model.yaml", folder);
    snprintf(q, sizeof q, "%s/hard.h5", folder);
    assert_int_equal(link(p, q), 0);
    snprintf(p, sizeof p, "%s/notes.txt", folder);
    tk_write_text(p, "not a discsim output\n");
    snprintf(p, sizeof p, "%s/results.h5", folder);
    assert_int_equal(mkdir(p, 0755), 0);

    static const refusal cases[] = {
        {"the scenario itself", "s.yaml", "./s.yaml", "s.yaml", "is the scenario file"},
        {"the scenario via a symlink", "arms.yaml", "link.h5", "arms.yaml", "is the scenario file"},
        {"a hard link to the model", "arms.yaml", "hard.h5", "model.yaml", "is the model file"},
        {"the model of a single run", "s.yaml", "model.yaml", "model.yaml", "is the model file"},
        {"a text file", "s.yaml", "notes.txt", "notes.txt", "not an HDF5 file"},
        {"a folder", "arms.yaml", "results.h5", "results.h5", "is a folder"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        check_refusal(folder, &cases[k]);
    /* a study's checkpoint (OUT.h5.resume) replaces only an earlier checkpoint or an empty
     * file: not a text file, nor what a symbolic link of that name points to */
    static const char *const ck_cases[][3] = {{"ck_text.h5", "ck_text.h5.resume", "not a discsim checkpoint"},
                                              {"ck_link.h5", "arms.yaml", "symbolic link"}};
    snprintf(p, sizeof p, "%s/ck_text.h5.resume", folder);
    tk_write_text(p, "not a discsim checkpoint either\n");
    snprintf(p, sizeof p, "%s/ck_link.h5.resume", folder);
    assert_int_equal(symlink("arms.yaml", p), 0);
    for (size_t k = 0; k < 2; k++) {
        char out[280], guarded[300], scen[300], *msg;
        snprintf(out, sizeof out, "%s/%s", folder, ck_cases[k][0]);
        snprintf(guarded, sizeof guarded, "%s/%s", folder, ck_cases[k][1]);
        snprintf(scen, sizeof scen, "%s/arms.yaml", folder);
        size_t n0 = 0, n1 = 0;
        char *b0 = slurp(guarded, &n0);
        const char *argv[] = {"discsim", "run", scen, "-o", out, "--quiet", NULL};
        int rc = run_cli(argv, &msg);
        printf("checkpoint over %-12s exit %d: %s", ck_cases[k][1], rc, msg);
        assert_int_equal(rc, DS_ERR_IO);
        assert_non_null(strstr(msg, ck_cases[k][2]));
        free(msg);
        char *b1 = slurp(guarded, &n1);
        assert_non_null(b0);
        assert_non_null(b1);
        assert_int_equal(n0, n1);
        assert_memory_equal(b0, b1, n0);
        free(b0), free(b1);
        struct stat sb;
        assert_int_equal(stat(out, &sb), -1); /* no output */
        snprintf(p, sizeof p, "%s.resume", out);
        assert_int_equal(unlink(p), 0);
    }
    /* a sweep keeps no checkpoint, and leaves a file of that name as it was */
    {
        char out[280], *msg;
        snprintf(out, sizeof out, "%s/sweep.h5", folder);
        snprintf(p, sizeof p, "%s.resume", out);
        tk_write_text(p, "not the sweep's\n");
        const char *argv[] = {"discsim", "run", DS_SOURCE_DIR "/scenarios/tone_sweep.yaml", "-o", out, "--quiet", NULL};
        assert_int_equal(run_cli(argv, &msg), 0);
        free(msg);
        size_t n = 0;
        char *left = slurp(p, &n);
        assert_non_null(left);
        assert_int_equal(n, strlen("not the sweep's\n"));
        free(left);
        assert_int_equal(unlink(p), 0);
        assert_int_equal(unlink(out), 0);
    }
    int found;
    snprintf(p, sizeof p, "%s/results.h5", folder);
    assert_int_equal(entries(p, NULL, &found), 0);
    rmdir(p);
    static const char *const names[] = {"s.yaml", "arms.yaml", "link.h5", "hard.h5", "model.yaml", "notes.txt"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        snprintf(p, sizeof p, "%s/%s", folder, names[k]);
        unlink(p);
    }
    assert_int_equal(rmdir(folder), 0);
}

/* A re-run over an earlier output (and over an empty placeholder) is the normal case. */
static void test_rerun_overwrites_an_output(void **state)
{
    (void)state;
    char scen[300], model[300], out[300], empty[300];
    snprintf(scen, sizeof scen, "%s/rerun.yaml", dir);
    snprintf(model, sizeof model, "%s/model.yaml", dir);
    snprintf(out, sizeof out, "%s/rerun.h5", dir);
    snprintf(empty, sizeof empty, "%s/empty.h5", dir);
    copy_file(DS_SOURCE_DIR "/models/lumbar_adult.yaml", model);
    tk_write_text(scen, scenario_text);
    tk_write_text(empty, "");
    const char *first[] = {"discsim", "run", scen, "-o", out, "--quiet", NULL};
    const char *second[] = {"discsim", "run", scen, "-o", out, "--quiet", "--set", "record.interval=20min", NULL};
    const char *third[] = {"discsim", "run", scen, "-o", empty, "--quiet", NULL};
    char *msg;
    assert_int_equal(run_cli(first, &msg), 0);
    free(msg);
    int rc = run_cli(second, &msg);
    printf("re-run over an output: exit %d %s\n", rc, msg);
    assert_int_equal(rc, 0);
    free(msg);
    rc = run_cli(third, &msg);
    printf("run over an empty file: exit %d %s\n", rc, msg);
    assert_int_equal(rc, 0);
    free(msg);
    /* the second run's records: 3 h every 20 min */
    size_t count;
    double *t;
    ds_error err;
    assert_int_equal(ds_h5_read_flat(out, "/time", &count, &t, &err), DS_OK);
    assert_int_equal(count, 10);
    free(t);
    assert_int_equal(ds_h5_exists(empty, "/time"), 1);
    int tmp;
    entries(dir, ".tmp-", &tmp);
    assert_false(tmp);
    unlink(scen);
    unlink(model);
    unlink(out);
    unlink(empty);
}

/* A study whose second arm diverges fails and leaves nothing, though the first arm's records
 * were already written: no output, and no checkpoint (resuming would diverge again). */
static void test_failed_arm_leaves_nothing(void **state)
{
    (void)state;
    char scen[300], model[300], out[300];
    snprintf(scen, sizeof scen, "%s/fails.yaml", dir);
    snprintf(model, sizeof model, "%s/model.yaml", dir);
    snprintf(out, sizeof out, "%s/fails.h5", dir);
    copy_file(DS_SOURCE_DIR "/models/lumbar_adult.yaml", model);
    char text[sizeof scenario_text + 200];
    /* explicit Euler at 10 ms is unstable for the inertial disc's vertebral mode */
    snprintf(text, sizeof text, "%sarms:\n  control:\n  unstable:\n    variant: inertial\n"
                                "    solver: {method: euler, step: 10ms}\n", scenario_text);
    tk_write_text(scen, text);
    const char *argv[] = {"discsim", "run", scen, "-o", out, "--quiet", NULL};
    char *msg;
    int rc = run_cli(argv, &msg);
    printf("failing arm: exit %d: %s", rc, msg);
    assert_int_equal(rc, DS_ERR_NUMERIC);
    free(msg);
    int tmp;
    entries(dir, ".tmp-", &tmp);
    assert_false(tmp);
    struct stat sb;
    assert_int_equal(stat(out, &sb), -1);
    char ckpt[320];
    snprintf(ckpt, sizeof ckpt, "%s.resume", out);
    assert_int_equal(stat(ckpt, &sb), -1);
    unlink(scen);
    unlink(model);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ds_safety_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (running > 0 && kill(running, SIGKILL) == 0)
        waitpid(running, NULL, 0);
    if (helper > 0)
        kill(helper, SIGKILL);
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signals_remove_the_temporary),
        cmocka_unit_test(test_signal_ends_gnuplot),
        cmocka_unit_test(test_output_never_clobbers_an_input),
        cmocka_unit_test(test_rerun_overwrites_an_output),
        cmocka_unit_test(test_failed_arm_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
