/* The figure set (issue: figures for a lecture or a paper), each chosen from what an output
 * file holds: day overview, root contact, massage effect, dose-response, muscles, and a
 * sagittal teaching schematic (panels and an animated GIF). Validation has its own entry.
 *
 * The driver: it checks the request, reads what every figure needs (fig_data.c) and runs
 * the figures (fig_day.c, fig_root.c, fig_study.c) one gnuplot session each. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fig.h"

const char *const ds_figure_names[] = {"day", "root", "effect", "dose", "cohort", "cohort_day", "muscles", "schematic", NULL};

static int wanted(const ds_plot_opts *o, const char *name)
{
    if (o->nfigure == 0)
        return 1;
    for (int k = 0; k < o->nfigure; k++)
        if (!strcmp(o->figure[k], name))
            return 1;
    return 0;
}

static ds_status check_request(const ds_plot_opts *opts, ds_error *err)
{
    for (int k = 0; k < opts->nfigure; k++) {
        int known = 0;
        for (int j = 0; ds_figure_names[j]; j++)
            known |= !strcmp(opts->figure[k], ds_figure_names[j]);
        if (!known)
            return ds_fail(err, DS_ERR_USAGE,
                           "unknown figure '%s' (known: day, root, effect, dose, cohort, cohort_day, muscles, schematic; validation comes "
                           "from discsim validate --plot)",
                           opts->figure[k]);
    }
    const char *fmt = opts->format && *opts->format ? opts->format : "png";
    if (strcmp(fmt, "png") && strcmp(fmt, "svg") && strcmp(fmt, "pdf"))
        return ds_fail(err, DS_ERR_USAGE, "unknown format '%s' (png, svg or pdf)", fmt);
    return DS_OK;
}

/* dry: gnuplot is not run and its input goes to /dev/null (ds_plot_dry_run). */
static ds_status plot_file(const char *h5, const ds_plot_opts *opts, bool dry, int *nwritten, ds_error *err)
{
    *nwritten = 0;
    ds_status st = check_request(opts, err);
    fctx c;
    if (st != DS_OK || (st = fig_context(h5, opts, &c, err)) != DS_OK)
        return st;
    const char *dir = opts->out_dir && *opts->out_dir ? opts->out_dir : ".";
    struct stat sb;
    if (!dry && stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0) {
        fig_context_free(&c);
        return ds_fail(err, DS_ERR_IO, "cannot create the figure folder '%s'", dir);
    }
    static const fig_fn fns[] = {fig_day, fig_root, fig_effect, fig_dose, fig_cohort, fig_cohort_day, fig_muscles, fig_schematic};
    for (int k = 0; ds_figure_names[k] && st == DS_OK; k++) {
        if (!wanted(opts, ds_figure_names[k]))
            continue;
        gp_session g;
        if ((st = gp_open(&g, opts, dry, err)) != DS_OK)
            break;
        int drawn = 0;
        st = fns[k](&c, &g, &drawn, err);
        gp_close(&g);
        *nwritten += drawn;
    }
    fig_context_free(&c);
    return st;
}

ds_status ds_plot_file(const char *h5, const ds_plot_opts *opts, int *nwritten, ds_error *err)
{
    return plot_file(h5, opts, false, nwritten, err);
}

ds_status ds_plot_dry_run(const char *h5, ds_error *err)
{
    ds_plot_opts o = {.format = "png"};
    int nwritten;
    return plot_file(h5, &o, true, &nwritten, err);
}

/* ---- validation ------------------------------------------------------------------------------- */
ds_status ds_plot_validation(const ds_validation_row *rows, int nrows, const ds_plot_opts *opts, int *nwritten,
                             ds_error *err)
{
    *nwritten = 0;
    const char *dir = opts->out_dir && *opts->out_dir ? opts->out_dir : ".";
    struct stat sb;
    if (stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0)
        return ds_fail(err, DS_ERR_IO, "cannot create the figure folder '%s'", dir);
    gp_session g;
    ds_status st = gp_open(&g, opts, false, err);
    if (st)
        return st;
    char dat[160], out[512];
    FILE *df = gp_data(&g, "validation.tsv", dat, sizeof dat);
    int k = 0;
    for (int i = 0; df && i < nrows; i++) {
        const ds_validation_row *r = &rows[i];
        if (strcmp(r->unit, "MPa"))
            continue; /* pressures on one axis; ratios and percentages are in the table */
        fprintf(df, "%d\t%.6g\t%.6g\t%.6g\t%.6g\t", k++, r->model, r->target, r->low, r->high);
        gp_field(df, r->id);
        fputc('\t', df);
        gp_field(df, r->condition);
        if (strcmp(r->quantity, "nucleus pressure")) { /* a rise or a difference, not a pressure */
            fputs(" (", df);
            gp_field(df, r->quantity);
            fputc(')', df);
        }
        fputc('\n', df);
    }
    if (df)
        fclose(df);
    gp_begin_figure(&g, "validation", opts->width, opts->height, out, sizeof out);
    FILE *f = g.script;
    fprintf(f, "set title 'nucleus pressure at L4-L5: model and published in-vivo values (Wilke et al. 1999)'\n");
    fprintf(f, "set ylabel 'nucleus pressure (MPa)'\nset logscale y\nset yrange [0.05:4]\nset xrange [-0.7:%d.7]\n"
               "set bmargin 9\nset xtics rotate by -35 font ',10'\n",
            k - 1);
    fprintf(f, "plot ");
    gp_str(f, dat);
    fprintf(f, " using 1:3:4:5:xtic(stringcolumn(6).'  '.stringcolumn(7)) with yerrorbars lt 8 pt 6 ps 1.5 lw 2 "
               "title 'published value and range', ");
    gp_str(f, dat);
    fprintf(f, " using 1:2 with points lt 2 pt 7 ps 1.6 title 'model'\n");
    st = gp_run(&g, err);
    gp_close(&g);
    if (!st) {
        *nwritten = 1;
        if (opts->log)
            fprintf(opts->log, "wrote   %s\n", out);
    }
    return st;
}
