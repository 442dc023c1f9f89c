/* Figures through gnuplot (found at run time): one consistent, print-quality style, chosen
 * from what an output file holds. Text from files reaches gnuplot only as data (escaped
 * single-quoted string literals or data-file columns), never as commands. */
#ifndef DISCSIM_PLOT_H
#define DISCSIM_PLOT_H

#include <stdio.h>

#include "discsim/status.h"
#include "discsim/validate.h"

enum { DS_PLOT_MAX_FIGURES = 16 };

typedef struct ds_plot_opts {
    const char *out_dir;   /* folder for the figures (created if missing); "." if NULL */
    const char *format;    /* png (default), svg or pdf */
    int width, height;     /* pixels (pdf: at 150 dpi); 0: 1200 x 800 */
    int nfigure;           /* 0: every figure the file supports */
    const char *figure[DS_PLOT_MAX_FIGURES];
    const char *gnuplot;   /* program to run; NULL: "gnuplot" from PATH */
    FILE *log;             /* one line per figure written or skipped (may be NULL) */
} ds_plot_opts;

/* The figure names, in the order they are drawn. */
extern const char *const ds_figure_names[];

/* Draws the figures an output file supports; *nwritten counts the files written. A figure
 * whose data the file lacks is skipped with a one-line explanation, not an error. */
ds_status ds_plot_file(const char *h5, const ds_plot_opts *opts, int *nwritten, ds_error *err);

/* The work-precision figure of a bench_precision CSV (--csv): error against simulation time
 * per subject-day for each solver, log-log (figure work_precision). */
ds_status ds_plot_work_precision(const char *csv, const ds_plot_opts *opts, int *nwritten, ds_error *err);
/* Reads and checks such a CSV without drawing: *nruns the runs it would draw. */
ds_status ds_plot_work_precision_check(const char *csv, int *nruns, ds_error *err);

/* The validation figure: model against published values with their ranges. */
ds_status ds_plot_validation(const ds_validation_row *rows, int nrows, const ds_plot_opts *opts, int *nwritten,
                             ds_error *err);

#endif
