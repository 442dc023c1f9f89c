/* Nothing is left behind, through the command line a user runs: SIGINT, SIGTERM, SIGHUP and
 * SIGPIPE during a run remove the temporary output and end the program by that signal. */
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

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ds_safety_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(dir);
}

int main(void)
{
    ds_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signals_remove_the_temporary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
