/* The figures (private to sim/plot): what every figure knows of the output file, the checked
 * loaders through which figures read their data, the drawing pieces they share, and the
 * figures themselves.
 *
 * A figure whose data the file lacks is skipped; data that is there but malformed (wrong
 * class, rank or shape, a series not as long as its /time, bad times) is an error, DS_ERR_IO
 * with a message naming the dataset: loaders return NULL only for what is absent, and what
 * they return has the length they say, so the drawing code can index it. */
#ifndef DS_FIG_H
#define DS_FIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "discsim/discsim.h"
#include "discsim/plot.h"
#include "gp.h"

enum { MAX_ARMS = 16 };

typedef struct fctx {
    const char *file;
    const ds_plot_opts *o;
    char ref[96];               /* stream of the reference (or only) run: "" or "/arms/<name>" */
    int narm;
    char arm[MAX_ARMS][64];
    char pre[MAX_ARMS][96];
    double clock0, T, w0, w1;   /* clock at t = 0, run length, window shown */
    char level[8];              /* the level of interest: herniated, else L4L5, else the first */
    char show[96];              /* stream drawn by one-arm figures: the first arm after the
                                   reference (where the massage is), or --arm's */
    int show_arm;               /* its index among the arms (0 without arms) */
    char *name;                 /* scenario name (text from the file) */
} fctx;

/* ---- the file (fig_data.c) ---------------------------------------------------------------- */

/* Reads what every figure needs: the scenario name (the file must be discsim's), the arms,
 * the window and clock from the reference stream's /time, the level of interest. */
ds_status fig_context(const char *h5, const ds_plot_opts *o, fctx *c, ds_error *err);
void fig_context_free(fctx *c);

/* 1 if <prefix><rel> exists. */
int fig_has(const fctx *c, const char *prefix, const char *rel);

/* The /time of a stream: at least one record, finite, not negative, never decreasing.
 * *t is NULL (and *n 0) if the stream has none. */
ds_status fig_time(const fctx *c, const char *prefix, double **t, size_t *n, ds_error *err);

/* Row 0 (subject 0) of the series <prefix><rel>, which must be [subject][ntime]; *v is NULL
 * if there is no such dataset. */
ds_status fig_series(const fctx *c, const char *prefix, const char *rel, size_t ntime, double **v, ds_error *err);

/* A vector of len values (DS_H5_ANY: any number, at least one if nonempty), checked as
 * `check` asks (DS_H5_FINITE or 0); a->present is false if there is no such dataset. */
ds_status fig_vector(const fctx *c, const char *path, size_t len, bool nonempty, int check, ds_h5_array *a,
                     ds_error *err);

/* Start and end times, [n][2] and finite; *span is NULL (and *n 0) if absent. */
ds_status fig_spans(const fctx *c, const char *path, double **span, size_t *n, ds_error *err);

/* A text dataset (lines); *text is NULL if absent. */
ds_status fig_text(const fctx *c, const char *path, char **text, ds_error *err);

/* ---- shared drawing (fig_draw.c) ----------------------------------------------------------- */

void fig_skip(const fctx *c, const char *fig, const char *why);
void fig_wrote(const fctx *c, const char *path);
void fig_time_axis(FILE *f);
void fig_title(const fctx *c, FILE *f, const char *what);
/* A name from the file as figures show it: underscores as spaces ("sitting slouched"). */
void fig_words(const char *name, char *out, size_t n);
/* A dotted key as figures show it: its last two parts, in words
 * (parameters.muscles.erector_spinae.tone: "erector spinae tone"). */
void fig_key_words(const char *key, char *out, size_t n);
/* Whether arm a is drawn by the figures that draw several arms (all, or the reference and
 * --arm's). */
bool fig_arm_drawn(const fctx *c, int a);

/* Shades the phases (and labels them) and the massage sessions of stream prefix within the
 * window; writes a labels data file and returns its path in lab (empty if none). */
ds_status fig_shade(const fctx *c, gp_session *g, const char *prefix, int label, int all_arms, char *lab, size_t n,
                    ds_error *err);

/* The style of arm a's line, so that arms stay apart where they coincide and in grey print:
 * the reference a thick black line drawn first, the others coloured on top of it, each with
 * its own dashes and markers (every `every` rows). */
void fig_arm_style(FILE *f, int a, int every);
/* The zoom on the first massage session in the window of c (of any drawn arm): from 30 min
 * before it to 3 h after it ends, inside the run; 0 if no session lies in the window (or the
 * window was asked for with --window). */
int fig_session_zoom(const fctx *c, fctx *zoom, ds_error *err, ds_status *st);
/* Between the panels of a multiplot: shading, arrows and labels of the last panel cleared. */
void fig_next_panel(FILE *f);

/* Writes columns (clock time, v_1 .. v_k) for the window, decimated to at most ~2000 rows;
 * t and every v_j hold n values. Returns the rows written, -1 on failure. */
int fig_columns(const fctx *c, gp_session *g, const char *name, const double *t, size_t n,
                const double *const *v, int k, const char *const *header, char *path, size_t pn);

/* ---- the figures: each sets *drawn to the number of figures drawn (0: skipped) -------------- */

typedef ds_status (*fig_fn)(const fctx *c, gp_session *g, int *drawn, ds_error *err);

ds_status fig_day(const fctx *c, gp_session *g, int *drawn, ds_error *err);       /* fig_day.c */
ds_status fig_muscles(const fctx *c, gp_session *g, int *drawn, ds_error *err);   /* fig_day.c */
ds_status fig_root(const fctx *c, gp_session *g, int *drawn, ds_error *err);      /* fig_root.c */
ds_status fig_schematic(const fctx *c, gp_session *g, int *drawn, ds_error *err); /* fig_root.c */
ds_status fig_effect(const fctx *c, gp_session *g, int *drawn, ds_error *err);    /* fig_study.c */
ds_status fig_dose(const fctx *c, gp_session *g, int *drawn, ds_error *err);      /* fig_study.c */
ds_status fig_cohort(const fctx *c, gp_session *g, int *drawn, ds_error *err);    /* fig_cohort.c */
ds_status fig_cohort_day(const fctx *c, gp_session *g, int *drawn, ds_error *err); /* fig_cohort.c */

/* Everything ds_plot_file does but run gnuplot: each figure's data is read and checked and
 * its gnuplot script and data written to /dev/null. For the fuzz target. */
ds_status ds_plot_dry_run(const char *h5, ds_error *err);

#endif
