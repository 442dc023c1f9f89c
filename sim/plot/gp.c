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

#include "io/cleanup.h"
#include "plot_style.h" /* generated from plots/style.gp at build time */

extern char **environ;

/* The folder's name is known only once mkdtemp has created it: signals wait meanwhile, so
 * that it is never there unregistered. */
static ds_status make_dir(gp_session *g, ds_error *err)
{
    snprintf(g->dir, sizeof g->dir, "/tmp/discsim-plot-XXXXXX");
    sigset_t old;
    ds_cleanup_block(&old);
    ds_status st = DS_OK;
    if (!mkdtemp(g->dir))
        st = ds_fail(err, DS_ERR_IO, "cannot create a temporary folder for gnuplot: %s", strerror(errno));
    else if ((st = ds_cleanup_track(g->dir, true, &g->dir_slot, err)))
        rmdir(g->dir);
    ds_cleanup_unblock(&old);
    if (st)
        g->dir[0] = '\0';
    return st;
}

ds_status gp_open(gp_session *g, const ds_plot_opts *opts, bool dry, ds_error *err)
{
    memset(g, 0, sizeof *g);
    g->opts = opts;
    g->dry = dry;
    g->dir_slot = g->script_slot = g->out_slot = -1;
    for (int k = 0; k < 64; k++)
        g->file_slot[k] = -1;
    if (dry) { /* checks the data and writes the script nowhere: no folder, no gnuplot */
        g->script = fopen("/dev/null", "w");
        return g->script ? DS_OK : ds_fail(err, DS_ERR_IO, "cannot write /dev/null: %s", strerror(errno));
    }
    ds_status st = make_dir(g, err);
    if (st)
        return st;
    snprintf(g->script_path, sizeof g->script_path, "%s/figure.gp", g->dir);
    if ((st = ds_cleanup_track(g->script_path, false, &g->script_slot, err)) == DS_OK) {
        g->script = fopen(g->script_path, "w");
        if (!g->script)
            st = ds_fail(err, DS_ERR_IO, "cannot write %s: %s", g->script_path, strerror(errno));
    }
    if (st)
        gp_close(g);
    return st;
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
    int *slot = &g->file_slot[g->nfile];
    FILE *f = ds_cleanup_track(full, false, slot, NULL) == DS_OK ? fopen(full, "w") : NULL;
    if (f) {
        snprintf(path, n, "%s", g->file[g->nfile]);
        g->nfile++;
    } else
        ds_cleanup_forget(slot);
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
    snprintf(g->out, sizeof g->out, "%s", out);
    snprintf(g->out_tmp, sizeof g->out_tmp, "%s.tmp-%ld", out, (long)getpid());
    FILE *f = g->script;
    /* type that reads at the same size relative to the figure: 16 pt at 1200 x 800 px, less
     * for a figure flatter than that (a 16:9 slide) so that stacked panels keep their room */
    int pt = w / 75 < h / 50 ? w / 75 : h / 50;
    pt = pt < 9 ? 9 : pt > 20 ? 20 : pt;
    double scale = o->font_scale > 0.0 ? o->font_scale : 1.0;
    pt = (int)(pt * scale + 0.5);
    int pdf_pt = (int)(11 * scale + 0.5), gif_pt = (int)(12 * scale + 0.5);
    fprintf(f, "reset session\n");
    if (!strcmp(fmt, "svg"))
        fprintf(f, "set terminal svg size %d,%d dynamic noenhanced font 'DejaVu Sans,%d' background rgb 'white'\n", w, h,
                pt);
    else if (!strcmp(fmt, "pdf"))
        fprintf(f, "set terminal pdfcairo size %.3fin,%.3fin noenhanced font 'DejaVu Sans,%d'\n", w / 150.0, h / 150.0,
                pdf_pt);
    else if (!strcmp(fmt, "gif"))
        fprintf(f, "set terminal gif animate delay 12 loop 0 size %d,%d font 'DejaVu Sans,%d' background rgb 'white'\n",
                w, h, gif_pt);
    else
        fprintf(f, "set terminal pngcairo size %d,%d noenhanced font 'DejaVu Sans,%d' background rgb 'white'\n", w, h,
                pt);
    fprintf(f, "set output ");
    gp_str(f, g->out_tmp);
    fprintf(f, "\n%s\nset datafile separator '\\t'\n", ds_plot_style);
    /* the same plot area in every panel and figure, keys to the right of it */
    fprintf(f, "set lmargin at screen %.3f\nset rmargin at screen %.3f\nset key outside right top maxcols 1\n",
            0.11 + 0.03 * (scale - 1.0), 0.74 - 0.05 * (scale - 1.0));
}

/* Starts prog on the script. Signals wait while it starts and is registered, so a signal
 * never finds it running unregistered; it gets the caller's signal mask back. */
static ds_status spawn(gp_session *g, const char *prog, const char *errpath, int cslot, pid_t *pid, ds_error *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    char *argv[] = {(char *)prog, g->script_path, NULL};
    sigset_t old;
    ds_cleanup_block(&old);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    posix_spawnattr_setsigmask(&at, &old);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
    int rc = posix_spawnp(pid, prog, &fa, &at, argv, environ);
    if (rc == 0)
        ds_cleanup_set_child(cslot, *pid);
    ds_cleanup_unblock(&old);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return ds_fail(err, DS_ERR_EXTERNAL,
                       "cannot run '%s' (%s): gnuplot is needed for figures; scripts/setup.sh installs it "
                       "(Debian package gnuplot-nox)",
                       prog, strerror(rc));
    return DS_OK;
}

/* Waits for the child to end; *code is its exit status, or -1 if a signal ended it. The
 * child stays unreaped (WNOWAIT) until it is out of the registry, so that a signal handler
 * can never kill another process that took over its pid. */
static ds_status wait_child(pid_t pid, int *cslot, int *code, ds_error *err)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int rc;
    while ((rc = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT)) < 0 && errno == EINTR)
        ;
    int werr = errno;
    if (ds_cleanup_forget_child(cslot))
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    if (rc < 0)
        return ds_fail(err, DS_ERR_EXTERNAL, "waiting for gnuplot failed: %s", strerror(werr));
    *code = info.si_code == CLD_EXITED ? info.si_status : -1;
    return DS_OK;
}

static ds_status report_failure(const char *prog, const char *errpath, int code, ds_error *err)
{
    if (code == 127)
        return ds_fail(err, DS_ERR_EXTERNAL,
                       "'%s' was not found: gnuplot is needed for figures; scripts/setup.sh installs it", prog);
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
    return ds_fail(err, DS_ERR_EXTERNAL, "gnuplot failed (status %d): %s", code, msg);
}

/* Copies src to dst, replacing every occurrence of each from[k] by to[k] (k < nrep). */
static ds_status copy_replacing(const char *src, const char *dst, int nrep, const char *const *from,
                                const char *const *to, ds_error *err)
{
    FILE *in = fopen(src, "r"), *out = in ? fopen(dst, "w") : NULL;
    if (!in || !out) {
        if (in)
            fclose(in);
        return ds_fail(err, DS_ERR_IO, "cannot copy %s to %s: %s", src, dst, strerror(errno));
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, in)) > 0) {
        for (char *p = line; *p;) {
            int k = 0;
            while (k < nrep && strncmp(p, from[k], strlen(from[k])))
                k++;
            if (k < nrep) {
                fputs(to[k], out);
                p += strlen(from[k]);
            } else
                fputc(*p++, out);
        }
    }
    free(line);
    fclose(in);
    return fclose(out) ? ds_fail(err, DS_ERR_IO, "cannot write %s", dst) : DS_OK;
}

/* --keep-script: the script as FIGURE.gp beside the figure (root.png.gp) and its data files
 * in FIGURE.data/, with the temporary paths replaced by those, so that
 * `cd DIR && gnuplot root.png.gp` draws the figure again (for restyling). */
static ds_status keep_script(gp_session *g, ds_error *err)
{
    /* named after the figure's file (root.png.gp), so that the PNG and GIF of one figure keep both */
    char gp[600], data[600], rel[600];
    const char *figname = strrchr(g->out, '/') ? strrchr(g->out, '/') + 1 : g->out;
    snprintf(gp, sizeof gp, "%s.gp", g->out);
    snprintf(data, sizeof data, "%s.data", g->out);
    snprintf(rel, sizeof rel, "%s.data/", figname);
    if (mkdir(data, 0777) != 0 && errno != EEXIST)
        return ds_fail(err, DS_ERR_IO, "cannot create %s: %s", data, strerror(errno));
    char dir_slash[80];
    snprintf(dir_slash, sizeof dir_slash, "%s/", g->dir);
    const char *from[] = {g->out_tmp, dir_slash}, *to[] = {figname, rel};
    ds_status st = copy_replacing(g->script_path, gp, 2, from, to, err);
    for (int k = 0; st == DS_OK && k < g->nfile; k++) {
        const char *leaf = strrchr(g->file[k], '/') + 1;
        if (!strcmp(leaf, "gnuplot.err"))
            continue;
        char dst[800];
        snprintf(dst, sizeof dst, "%s/%s", data, leaf);
        st = copy_replacing(g->file[k], dst, 0, NULL, NULL, err);
    }
    return st;
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
    if (g->nfile >= 64)
        return ds_fail(err, DS_ERR_IO, "too many files for one figure");
    snprintf(g->file[g->nfile], sizeof g->file[0], "%s", errpath);
    /* what gnuplot will create is registered before it starts */
    int cslot = -1;
    ds_status st = ds_cleanup_track(errpath, false, &g->file_slot[g->nfile], err);
    if (st == DS_OK) {
        g->nfile++;
        if (g->out[0] && g->out_slot < 0)
            st = ds_cleanup_track(g->out_tmp, false, &g->out_slot, err);
    }
    if (st == DS_OK)
        st = ds_cleanup_reserve_child(&cslot, err);
    pid_t pid = 0;
    if (st == DS_OK && (st = spawn(g, prog, errpath, cslot, &pid, err)) != DS_OK)
        ds_cleanup_forget_child(&cslot);
    int code = 0;
    if (st == DS_OK)
        st = wait_child(pid, &cslot, &code, err);
    if (st == DS_OK && code != 0)
        st = report_failure(prog, errpath, code, err);
    /* only a complete figure gets its name */
    if (st == DS_OK && g->out[0] && rename(g->out_tmp, g->out) != 0)
        st = ds_fail(err, DS_ERR_IO, "cannot rename figure '%s' to '%s': %s", g->out_tmp, g->out, strerror(errno));
    if (st == DS_OK)
        ds_cleanup_forget(&g->out_slot);
    if (st == DS_OK && g->opts->keep_script && g->out[0])
        st = keep_script(g, err);
    return st;
}

void gp_close(gp_session *g)
{
    if (g->script)
        fclose(g->script);
    g->script = NULL;
    for (int k = 0; k < g->nfile; k++) {
        unlink(g->file[k]);
        ds_cleanup_forget(&g->file_slot[k]);
    }
    if (g->out_slot >= 0) { /* a figure gnuplot did not finish */
        unlink(g->out_tmp);
        ds_cleanup_forget(&g->out_slot);
    }
    if (g->script_path[0])
        unlink(g->script_path);
    ds_cleanup_forget(&g->script_slot);
    if (g->dir[0])
        rmdir(g->dir);
    ds_cleanup_forget(&g->dir_slot);
    g->dir[0] = '\0';
}
