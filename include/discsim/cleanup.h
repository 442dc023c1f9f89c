/* Leaving nothing behind when a signal ends the program.
 *
 * While discsim writes an output file or a figure it works on a temporary name, and while it
 * draws a figure a gnuplot process runs. The library records both as it goes; a signal
 * handler removes the temporaries and ends the children. The library installs no handler
 * by itself: a program calls ds_install_signal_cleanup once, or calls ds_cleanup_now from a
 * handler of its own. */
#ifndef DISCSIM_CLEANUP_H
#define DISCSIM_CLEANUP_H

#include "discsim/status.h"

/* Installs a handler for SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM (and SIGXCPU, SIGXFSZ)
 * that runs ds_cleanup_now, then restores the default action and raises the signal again,
 * so the process ends as the signal says (a shell sees 128 + N). A signal that is ignored
 * (nohup, a background job) or already has a handler is left as it is. */
ds_status ds_install_signal_cleanup(ds_error *err);

/* Kills (SIGKILL) and reaps the registered child processes, then removes the registered
 * temporary files and folders. Async-signal-safe; meant for a handler whose process is
 * about to end. */
void ds_cleanup_now(void);

/* Keeps the process's heap from holding on to what a run freed: with glibc, large buffers
 * (from 1 MiB, above a block of lanes' own allocations) always get pages of their own,
 * returned when freed. glibc otherwise raises that threshold to the largest buffer freed so
 * far, after which a cohort's per-subject arrays and HDF5's buffers come from the heap and
 * stay there: a run of 10,000 subjects peaked at 29.7 MB instead of 18.5 MB. The top of the
 * heap, on the other hand, is given back only past 64 MiB free there: each block of a cohort
 * frees its model, data and integrator before the next block allocates them again, and
 * giving back and taking the same pages each time cost a page fault per page (16,000
 * subjects on one thread: 26,700 page faults, 3,800 after; peaks unchanged). A program
 * calls it once at its start; elsewhere a no-op. */
void ds_process_heap_setup(void);

#endif
