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
    /* the time shown, "A..B", each a time from the start ("50h") or a clock time ("day 3
     * 10:00", from the scenario's clock); NULL: the last day */
    const char *window;
    const char *arm;       /* the arm drawn by one-arm figures (day, muscles, schematic) and the
                              only one beside the reference in root and effect (NULL: the first
                              arm after the reference, and all of them in root and effect) */
    const char *title;     /* replaces the figures' titles (NULL: scenario name and what is shown) */
    double font_scale;     /* type size factor (0: 1) */
    int keep_script;       /* keep each figure's gnuplot script and data beside it, runnable as
                              cd DIR && gnuplot NAME.gp */
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
