/* What a signal must undo (private): temporary files and folders to remove and child
 * processes to end if the program is killed before it can tidy up on its own.
 *
 * The registry lives in static storage filled before a signal can arrive, so that
 * ds_cleanup_now (include/discsim/cleanup.h) can act on it from a signal handler. Any thread
 * may register and forget; a file is registered *before* it is created and forgotten
 * *after* it is renamed or removed, so there is no moment when it exists unregistered. */
#ifndef DS_CORE_CLEANUP_H
#define DS_CORE_CLEANUP_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "discsim/cleanup.h"

/* Registers path, a file or (is_dir) a folder that is removed after every file, once empty.
 * *slot receives the handle for ds_cleanup_forget. Fails when the path is too long for a
 * slot or every slot is taken. */
ds_status ds_cleanup_track(const char *path, bool is_dir, int *slot, ds_error *err);

/* The path was renamed into place or removed: a signal no longer touches it. slot < 0 (never
 * registered) is ignored; *slot is set to -1. */
void ds_cleanup_forget(int *slot);

/* Reserves a slot for a child process about to be started (ds_cleanup_set_child fills it). */
ds_status ds_cleanup_reserve_child(int *slot, ds_error *err);

/* The child started as pid: a signal now kills it and waits for it to end. */
void ds_cleanup_set_child(int slot, pid_t pid);

/* The child has ended but is not reaped yet (waitid with WNOWAIT), so its pid cannot have been
 * reused. Releases the slot; true if the caller should reap the child, false if a signal
 * handler took it (and reaps it) first. *slot is set to -1. */
bool ds_cleanup_forget_child(int *slot);

/* Blocks, in the calling thread, the signals ds_install_signal_cleanup handles, so that a
 * child or folder can be created and registered with no signal in between; *old receives
 * the previous mask for ds_cleanup_unblock. */
void ds_cleanup_block(sigset_t *old);
void ds_cleanup_unblock(const sigset_t *old);

#endif
