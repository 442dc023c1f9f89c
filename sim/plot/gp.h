/* A gnuplot session (private): a temporary folder for the script and data files, string
 * literals escaped so that no text from a file can run as a command, and gnuplot run
 * without a shell. */
#ifndef DS_GP_H
#define DS_GP_H

#include <stdbool.h>
#include <stdio.h>

#include "discsim/plot.h"

/* Every file and the folder are registered for removal on a signal (io/cleanup.h). A
 * session draws one figure: gnuplot writes it under a temporary name beside the final one,
 * and gp_run renames it only when gnuplot succeeded, so a figure is never half-written. */
typedef struct gp_session {
    char dir[64];
    char script_path[128];
    FILE *script;
    int nfile;
    char file[64][160];
    int dir_slot, script_slot, file_slot[64]; /* cleanup registry entries (-1: none) */
    char out[512], out_tmp[560];              /* the figure: final name, name gnuplot writes */
    int out_slot;
    const ds_plot_opts *opts;
    bool dry; /* no files, no gnuplot: script and data go to /dev/null */
} gp_session;

/* A session in a fresh temporary folder; a dry one (for checking a file's data without
 * drawing) writes everything to /dev/null and never runs gnuplot. */
ds_status gp_open(gp_session *g, const ds_plot_opts *opts, bool dry, ds_error *err);

/* Creates a data file in the session folder (tab-separated; see gp_field); its path is
 * written into path. Returns NULL on failure. */
FILE *gp_data(gp_session *g, const char *name, char *path, size_t n);

/* Writes s as a gnuplot single-quoted string literal: quotes doubled, line breaks and
 * control characters turned into spaces. Inside single quotes gnuplot does no backquote,
 * macro or backslash processing, so the text is drawn as written. */
void gp_str(FILE *f, const char *s);

/* Writes s as one tab-separated data field (tabs, line breaks and control characters become
 * spaces), for labels read with stringcolumn() or columnheader. */
void gp_field(FILE *f, const char *s);

/* Writes the terminal and output lines for figure `name` (extension from the format) and
 * the house style; out receives the output path. Once per session. */
void gp_begin_figure(gp_session *g, const char *name, int width, int height, char *out, size_t n);

/* Runs gnuplot on the script written so far and renames the figure into place; a signal
 * meanwhile kills gnuplot. Removes nothing else; gp_close cleans up. */
ds_status gp_run(gp_session *g, ds_error *err);

/* Removes the session's files and folder. */
void gp_close(gp_session *g);

#endif
