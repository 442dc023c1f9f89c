/* Nothing is left behind, through the command line a user runs: SIGINT, SIGTERM, SIGHUP and
 * SIGPIPE during a run remove the temporary output and end the program by that signal; a
 * signal during `discsim plot` also ends gnuplot and leaves no figure. */
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

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
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

/* Starts the discsim binary with argv, output into log. The child gets the default action
 * for every signal the test sends: a test run in the background (SIGINT ignored) or under
 * a harness that blocks signals must not change what discsim does. */
static pid_t start_cli(const char *const *argv, const char *log)
{
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
    running = pid;
    return pid;
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
 * its temporary output appears: the folder must be empty afterwards. */
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
    int n = entries(folder, NULL, &found);
    if (n)
        fail_msg("%s: %d file(s) left in the output folder", what, n);
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
    write_text(fake, fake_gnuplot);
    assert_int_equal(chmod(fake, 0755), 0);

    const char *argv[] = {"discsim", "plot", h5, "-o", figs, "--figure", "day", "--gnuplot", fake, NULL};
    pid_t pid = start_cli(argv, log);
    wait_for_file(dir, "fake_gnuplot.who", pid, "plot");
    size_t n;
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
    ds_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signals_remove_the_temporary),
        cmocka_unit_test(test_signal_ends_gnuplot),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
