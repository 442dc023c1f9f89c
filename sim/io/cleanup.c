/* The cleanup registry and the signal handler that empties it (see io/cleanup.h).
 *
 * A handler may run in any thread, at any moment, while other threads go on registering
 * and forgetting. So everything it reads is in static storage, each slot changes hands
 * through a lock-free atomic state, and the handler calls only async-signal-safe functions
 * (kill, waitpid, unlink, rmdir, getpid, sigaction, raise, pthread_sigmask, _exit). A slot
 * the handler is working on is marked CLEANING, so it cannot be refilled under it. */
#include "io/cleanup.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may use only lock-free atomics");
_Static_assert(sizeof(pid_t) <= sizeof(int), "a pid is kept in an atomic int");

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* One output, one figure and a gnuplot session (script, error log, data files, folder) at
 * a time need about 70 slots. Untouched slots cost no memory (zero pages). */
enum { MAX_PATHS = 96, MAX_CHILDREN = 8 };

enum { SLOT_FREE, SLOT_FILLING, SLOT_FILE, SLOT_DIR, SLOT_CLEANING };

/* Child slots: 0 free, CHILD_RESERVED before the pid is known, CHILD_TAKEN while a handler
 * kills it, else the pid. */
enum { CHILD_RESERVED = -1, CHILD_TAKEN = -2 };

/* A handler that finds another thread's handler mid-way waits this many polls at most (a
 * fraction of a second), so the process does not end before that thread's files are gone. */
static const long SPIN_LIMIT = 100000000L;

typedef struct path_slot {
    atomic_int state;
    pid_t owner; /* the process that registered it: a forked child must not remove it */
    char path[PATH_MAX];
} path_slot;

static path_slot paths[MAX_PATHS];
static atomic_int children[MAX_CHILDREN];

static const int handled_signals[] = {
    SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM,
#ifdef SIGXCPU
    SIGXCPU,
#endif
#ifdef SIGXFSZ
    SIGXFSZ,
#endif
};
enum { NHANDLED = sizeof handled_signals / sizeof handled_signals[0] };

/* Prepared by ds_install_signal_cleanup so the handler only has to pass it to sigaction. */
static struct sigaction default_action;

/* ---- registering --------------------------------------------------------------------- */

ds_status ds_cleanup_track(const char *path, bool is_dir, int *slot, ds_error *err)
{
    *slot = -1;
    size_t n = strlen(path);
    if (n >= PATH_MAX)
        return ds_fail(err, DS_ERR_IO, "path too long (%zu bytes): '%.200s...'", n, path);
    for (int k = 0; k < MAX_PATHS; k++) {
        int expect = SLOT_FREE;
        if (!atomic_compare_exchange_strong(&paths[k].state, &expect, SLOT_FILLING))
            continue;
        memcpy(paths[k].path, path, n + 1);
        paths[k].owner = getpid();
        atomic_store(&paths[k].state, is_dir ? SLOT_DIR : SLOT_FILE);
        *slot = k;
        return DS_OK;
    }
    return ds_fail(err, DS_ERR_IO, "cannot register '%s' for removal on a signal: %d temporary files are open already",
                   path, MAX_PATHS);
}

void ds_cleanup_forget(int *slot)
{
    if (*slot < 0 || *slot >= MAX_PATHS)
        return;
    atomic_int *state = &paths[*slot].state;
    int s = atomic_load(state);
    /* a handler at work on the slot (CLEANING) frees it itself */
    if (s == SLOT_FILE || s == SLOT_DIR)
        atomic_compare_exchange_strong(state, &s, SLOT_FREE);
    *slot = -1;
}

ds_status ds_cleanup_reserve_child(int *slot, ds_error *err)
{
    for (int k = 0; k < MAX_CHILDREN; k++) {
        int expect = 0;
        if (atomic_compare_exchange_strong(&children[k], &expect, CHILD_RESERVED)) {
            *slot = k;
            return DS_OK;
        }
    }
    *slot = -1;
    return ds_fail(err, DS_ERR_EXTERNAL, "cannot start another program: %d are running already", MAX_CHILDREN);
}

void ds_cleanup_set_child(int slot, pid_t pid)
{
    if (slot >= 0 && slot < MAX_CHILDREN && pid > 0)
        atomic_store(&children[slot], (int)pid);
}

bool ds_cleanup_forget_child(int *slot)
{
    if (*slot < 0 || *slot >= MAX_CHILDREN)
        return false;
    atomic_int *c = &children[*slot];
    *slot = -1;
    int v = atomic_load(c);
    if (v == CHILD_RESERVED) {
        atomic_store(c, 0);
        return false;
    }
    return v > 0 && atomic_compare_exchange_strong(c, &v, 0);
}

static void handled_set(sigset_t *set)
{
    sigemptyset(set);
    for (int k = 0; k < NHANDLED; k++)
        sigaddset(set, handled_signals[k]);
}

void ds_cleanup_block(sigset_t *old)
{
    sigset_t set;
    handled_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

void ds_cleanup_unblock(const sigset_t *old) { pthread_sigmask(SIG_SETMASK, old, NULL); }

/* ---- cleaning up (async-signal-safe from here on) ------------------------------------- */

/* Kills and reaps each registered child before its output is removed, so that it cannot
 * write or create anything afterwards. SIGKILL, not SIGTERM: the wait must end. */
static void end_children(void)
{
    for (int k = 0; k < MAX_CHILDREN; k++) {
        int pid = atomic_load(&children[k]);
        if (pid <= 0 || !atomic_compare_exchange_strong(&children[k], &pid, CHILD_TAKEN))
            continue;
        kill((pid_t)pid, SIGKILL);
        while (waitpid((pid_t)pid, NULL, 0) < 0 && errno == EINTR)
            ;
        atomic_store(&children[k], 0);
    }
}

static void remove_paths(int kind, pid_t self)
{
    for (int k = 0; k < MAX_PATHS; k++) {
        int s = kind;
        if (!atomic_compare_exchange_strong(&paths[k].state, &s, SLOT_CLEANING))
            continue;
        bool mine = paths[k].owner == self;
        if (mine && kind == SLOT_DIR)
            rmdir(paths[k].path);
        else if (mine)
            unlink(paths[k].path);
        atomic_store(&paths[k].state, mine ? SLOT_FREE : kind);
    }
}

static bool others_busy(void)
{
    for (int k = 0; k < MAX_PATHS; k++)
        if (atomic_load(&paths[k].state) == SLOT_CLEANING)
            return true;
    for (int k = 0; k < MAX_CHILDREN; k++)
        if (atomic_load(&children[k]) == CHILD_TAKEN)
            return true;
    return false;
}

void ds_cleanup_now(void)
{
    int saved = errno;
    pid_t self = getpid();
    end_children();
    remove_paths(SLOT_FILE, self);
    remove_paths(SLOT_DIR, self); /* folders last: they are empty only once their files are gone */
    /* Two signals at once (a second Ctrl-C, say) may run this in two threads: the second
     * must not end the process while the first is still removing a file it took. */
    for (long spin = 0; spin < SPIN_LIMIT && others_busy(); spin++)
        ;
    errno = saved;
}

/* Cleans up, then lets the signal do what it would have done: the process ends with the
 * signal's own status (and a core for SIGQUIT), as a shell or supervisor expects. */
static void on_signal(int sig)
{
    ds_cleanup_now();
    sigaction(sig, &default_action, NULL);
    raise(sig);
    /* the signal is blocked while its handler runs: unblocking it delivers it now */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    _exit(128 + sig);
}

ds_status ds_install_signal_cleanup(ds_error *err)
{
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    /* every handled signal waits while one is being handled in the same thread */
    handled_set(&sa.sa_mask);
    for (int k = 0; k < NHANDLED; k++) {
        struct sigaction old;
        if (sigaction(handled_signals[k], NULL, &old) != 0)
            return ds_fail(err, DS_ERR_USAGE, "cannot read the action of signal %d: %s", handled_signals[k],
                           strerror(errno));
        /* ignored (nohup, a background job) or the embedding program's own: leave it */
        if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
            continue;
        if (sigaction(handled_signals[k], &sa, NULL) != 0)
            return ds_fail(err, DS_ERR_USAGE, "cannot install a handler for signal %d: %s", handled_signals[k],
                           strerror(errno));
    }
    return DS_OK;
}
