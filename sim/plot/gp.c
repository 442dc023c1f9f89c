/* The gnuplot session: temporary files, escaping, terminal and style, running gnuplot. */
#include "gp.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot_style.h" /* generated from plots/style.gp at build time */

extern char **environ;

ds_status gp_open(gp_session *g, const ds_plot_opts *opts, bool dry, ds_error *err)
{
    memset(g, 0, sizeof *g);
    g->opts = opts;
    g->dry = dry;
    if (dry) {
        g->script = fopen("/dev/null", "w");
        return g->script ? DS_OK : ds_fail(err, DS_ERR_IO, "cannot write /dev/null: %s", strerror(errno));
    }
    snprintf(g->dir, sizeof g->dir, "/tmp/discsim-plot-XXXXXX");
    if (!mkdtemp(g->dir))
        return ds_fail(err, DS_ERR_IO, "cannot create a temporary folder for gnuplot: %s", strerror(errno));
    snprintf(g->script_path, sizeof g->script_path, "%s/figure.gp", g->dir);
    g->script = fopen(g->script_path, "w");
    if (!g->script) {
        rmdir(g->dir);
        return ds_fail(err, DS_ERR_IO, "cannot write %s: %s", g->script_path, strerror(errno));
    }
    return DS_OK;
}

FILE *gp_data(gp_session *g, const char *name, char *path, size_t n)
{
    if (g->dry) {
        snprintf(path, n, "/dev/null/%s", name);
        return fopen("/dev/null", "w");
    }
    if (g->nfile >= 64)
        return NULL;
    char full[sizeof g->file[0]];
    snprintf(full, sizeof full, "%s/%s", g->dir, name);
    memcpy(g->file[g->nfile], full, sizeof full);
    FILE *f = fopen(g->file[g->nfile], "w");
    if (f) {
        snprintf(path, n, "%s", g->file[g->nfile]);
        g->nfile++;
    }
    return f;
}

void gp_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '\'')
            fputs("''", f);
        else if (*p < 0x20 || *p == 0x7f)
            fputc(' ', f);
        else
            fputc(*p, f);
    }
    fputc('\'', f);
}

void gp_field(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
}

static const char *ext_of(const char *format) { return format && *format ? format : "png"; }

void gp_begin_figure(gp_session *g, const char *name, int width, int height, char *out, size_t n)
{
    const ds_plot_opts *o = g->opts;
    const char *fmt = ext_of(o->format);
    int w = width > 0 ? width : 1200, h = height > 0 ? height : 800;
    snprintf(out, n, "%s/%s.%s", o->out_dir && *o->out_dir ? o->out_dir : ".", name, fmt);
    FILE *f = g->script;
    /* type that reads at the same size relative to the figure: 16 pt at 1200 px wide */
    int pt = w / 75;
    pt = pt < 9 ? 9 : pt > 20 ? 20 : pt;
    fprintf(f, "reset session\n");
    if (!strcmp(fmt, "svg"))
        fprintf(f, "set terminal svg size %d,%d dynamic noenhanced font 'DejaVu Sans,%d' background rgb 'white'\n", w, h,
                pt);
    else if (!strcmp(fmt, "pdf"))
        fprintf(f, "set terminal pdfcairo size %.3fin,%.3fin noenhanced font 'DejaVu Sans,11'\n", w / 150.0, h / 150.0);
    else if (!strcmp(fmt, "gif"))
        fprintf(f, "set terminal gif animate delay 12 loop 0 size %d,%d font 'DejaVu Sans,12' background rgb 'white'\n",
                w, h);
    else
        fprintf(f, "set terminal pngcairo size %d,%d noenhanced font 'DejaVu Sans,%d' background rgb 'white'\n", w, h,
                pt);
    fprintf(f, "set output ");
    gp_str(f, out);
    fprintf(f, "\n%s\nset datafile separator '\\t'\n", ds_plot_style);
    /* the same plot area in every panel and figure, keys to the right of it */
    fprintf(f, "set lmargin at screen 0.11\nset rmargin at screen 0.74\nset key outside right top\n");
}

ds_status gp_run(gp_session *g, ds_error *err)
{
    fprintf(g->script, "unset output\n");
    if (fclose(g->script) != 0) {
        g->script = NULL;
        return ds_fail(err, DS_ERR_IO, "cannot write the gnuplot script");
    }
    g->script = NULL;
    if (g->dry)
        return DS_OK;
    const char *prog = g->opts->gnuplot && *g->opts->gnuplot ? g->opts->gnuplot : "gnuplot";
    char errpath[160];
    snprintf(errpath, sizeof errpath, "%s/gnuplot.err", g->dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    char *argv[] = {(char *)prog, g->script_path, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (g->nfile < 64)
        snprintf(g->file[g->nfile++], sizeof g->file[0], "%s", errpath);
    if (rc != 0)
        return ds_fail(err, DS_ERR_EXTERNAL,
                       "cannot run '%s' (%s): gnuplot is needed for figures; scripts/setup.sh installs it "
                       "(Debian package gnuplot-nox)",
                       prog, strerror(rc));
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return ds_fail(err, DS_ERR_EXTERNAL, "waiting for gnuplot failed: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return ds_fail(err, DS_ERR_EXTERNAL,
                       "'%s' was not found: gnuplot is needed for figures; scripts/setup.sh installs it", prog);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char msg[400] = "";
        FILE *e = fopen(errpath, "r");
        if (e) {
            size_t k = fread(msg, 1, sizeof msg - 1, e);
            msg[k] = '\0';
            fclose(e);
            for (char *p = msg; *p; p++)
                if (*p == '\n')
                    *p = ' ';
        }
        return ds_fail(err, DS_ERR_EXTERNAL, "gnuplot failed (status %d): %s", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                       msg);
    }
    return DS_OK;
}

void gp_close(gp_session *g)
{
    if (g->script)
        fclose(g->script);
    g->script = NULL;
    for (int k = 0; k < g->nfile; k++)
        unlink(g->file[k]);
    if (g->script_path[0])
        unlink(g->script_path);
    if (g->dir[0])
        rmdir(g->dir);
    g->dir[0] = '\0';
}
