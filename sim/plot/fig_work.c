/* The work-precision figure from bench_precision's CSV (--csv): for each solver, its runs at
 * each tolerance as error over the whole trajectory against simulation time per subject-day,
 * both on log scales, so that solvers compare at equal accuracy, not at equal rtol.
 *
 * The CSV is read by its header's column names; a file without the columns it needs, a row
 * whose fields do not match the header, or a number that is not one is an error naming the
 * file, the line and the column. Runs that failed (failed = 1) or have no error are left out
 * and counted in the log. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fig.h"

enum { WP_MAX_FIELDS = 40, WP_MAX_SOLVERS = 32, WP_MAX_ROWS = 4096, WP_LINE = 4096 };

typedef struct {
    char solver[64];
    double err, time;
} wp_row;

/* Splits line at commas in place (its line break removed); the number of fields. */
static int split(char *line, char **field)
{
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    for (char *p = line;; n++) {
        if (n < WP_MAX_FIELDS)
            field[n] = p;
        char *c = strchr(p, ',');
        if (!c)
            return n + 1;
        *c = '\0';
        p = c + 1;
    }
}

static int column(char **head, int nh, const char *name)
{
    for (int k = 0; k < nh; k++)
        if (!strcmp(head[k], name))
            return k;
    return -1;
}

static ds_status number(const char *csv, int line, const char *name, const char *s, double *v, ds_error *err)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE)
        return ds_fail(err, DS_ERR_INPUT, "%s: line %d: column '%s' holds '%s', not a number", csv, line, name, s);
    return DS_OK;
}

/* Reads the rows (*rows grown as needed; the caller frees it), the title's scenario, variant
 * and subjects. */
static ds_status read_csv(const char *csv, wp_row **rows, int *nrows, int *nskip, char *title, size_t tn, ds_error *err)
{
    int cap = 0;
    *rows = NULL;
    FILE *in = fopen(csv, "r");
    if (!in)
        return ds_fail(err, DS_ERR_IO, "%s: cannot read: %s", csv, strerror(errno));
    char hline[WP_LINE], line[WP_LINE], *head[WP_MAX_FIELDS], *f[WP_MAX_FIELDS];
    ds_status st = DS_OK;
    int nh = fgets(hline, sizeof hline, in) ? split(hline, head) : 0;
    static const char *const need[] = {"solver", "error", "sim_s", "failed", "scenario", "variant", "subjects"};
    int col[7];
    for (int k = 0; k < 7 && !st; k++)
        if ((col[k] = nh <= WP_MAX_FIELDS ? column(head, nh, need[k]) : -1) < 0)
            st = ds_fail(err, DS_ERR_INPUT, "%s: line 1: no column '%s' (expected the CSV of bench_precision --csv)", csv,
                         need[k]);
    *nrows = *nskip = 0;
    for (int ln = 2; !st && fgets(line, sizeof line, in); ln++) {
        if (!strchr(line, '\n') && !feof(in)) {
            st = ds_fail(err, DS_ERR_INPUT, "%s: line %d: longer than %d characters", csv, ln, WP_LINE - 1);
            break;
        }
        if (line[strspn(line, " \t\r\n")] == '\0')
            continue;
        int n = split(line, f);
        if (n != nh) {
            st = ds_fail(err, DS_ERR_INPUT, "%s: line %d: %d fields where the header has %d", csv, ln, n, nh);
            break;
        }
        double e, t, failed;
        if ((st = number(csv, ln, "failed", f[col[3]], &failed, err)))
            break;
        if (failed == 0.0 && (st = number(csv, ln, "sim_s", f[col[2]], &t, err)))
            break;
        /* a failed or refused run's numbers are empty or nan: left out, not drawn (and its
         * unreadable error no message for the caller) */
        ds_error skip;
        if (failed != 0.0 || number(csv, ln, "error", f[col[1]], &e, &skip) || !(e > 0.0) || !isfinite(e) ||
            !(t > 0.0)) {
            (*nskip)++;
            continue;
        }
        if (*nrows >= WP_MAX_ROWS) {
            st = ds_fail(err, DS_ERR_INPUT, "%s: more than %d runs", csv, WP_MAX_ROWS);
            break;
        }
        if (*nrows == cap) {
            cap = cap ? 2 * cap : 32;
            wp_row *g = realloc(*rows, (size_t)cap * sizeof *g);
            if (!g) {
                st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
                break;
            }
            *rows = g;
        }
        wp_row *r = &(*rows)[(*nrows)++];
        snprintf(r->solver, sizeof r->solver, "%s", f[col[0]]);
        r->err = e;
        r->time = t;
        if (*nrows == 1)
            snprintf(title, tn, "%s, %s, %s subject%s", f[col[4]], f[col[5]], f[col[6]], strcmp(f[col[6]], "1") ? "s" : "");
    }
    if (!st && ferror(in))
        st = ds_fail(err, DS_ERR_IO, "%s: read error", csv);
    if (!st && *nrows == 0)
        st = ds_fail(err, DS_ERR_INPUT, "%s: no run to draw (every row failed or the file has none)", csv);
    fclose(in);
    return st;
}

ds_status ds_plot_work_precision_check(const char *csv, int *nruns, ds_error *err)
{
    *nruns = 0;
    wp_row *rows = NULL;
    int nskip = 0;
    char title[512];
    ds_status st = read_csv(csv, &rows, nruns, &nskip, title, sizeof title, err);
    free(rows);
    return st;
}

ds_status ds_plot_work_precision(const char *csv, const ds_plot_opts *opts, int *nwritten, ds_error *err)
{
    *nwritten = 0;
    wp_row *rows = NULL;
    int nrows = 0, nskip = 0;
    char title[512] = "";
    ds_status st = read_csv(csv, &rows, &nrows, &nskip, title, sizeof title, err);
    const char *dir = opts->out_dir && *opts->out_dir ? opts->out_dir : ".";
    struct stat sb;
    if (!st && stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0)
        st = ds_fail(err, DS_ERR_IO, "cannot create the figure folder '%s'", dir);
    gp_session g;
    if (st || (st = gp_open(&g, opts, false, err))) {
        free(rows);
        return st;
    }
    /* one data block per solver, in the order they first appear */
    char dat[160], out[512], name[WP_MAX_SOLVERS][64];
    int ns = 0;
    FILE *df = gp_data(&g, "work_precision.tsv", dat, sizeof dat);
    for (int i = 0; df && i < nrows; i++) {
        int k = 0;
        while (k < ns && strcmp(name[k], rows[i].solver))
            k++;
        if (k < ns)
            continue;
        if (ns == WP_MAX_SOLVERS) { /* more curves than a key can tell apart: refused, not cut */
            fclose(df);
            df = NULL;
            gp_close(&g);
            free(rows);
            return ds_fail(err, DS_ERR_INPUT, "%s: more than %d solvers", csv, WP_MAX_SOLVERS);
        }
        snprintf(name[ns++], sizeof name[0], "%s", rows[i].solver);
        if (ns > 1)
            fprintf(df, "\n\n");
        for (int j = i; j < nrows; j++)
            if (!strcmp(rows[j].solver, rows[i].solver))
                fprintf(df, "%.6g\t%.6g\n", rows[j].err, rows[j].time);
    }
    if (df)
        fclose(df);
    gp_begin_figure(&g, "work_precision", opts->width, opts->height, out, sizeof out);
    FILE *f = g.script;
    fprintf(f, "set title ");
    char t2[600];
    snprintf(t2, sizeof t2, "work against precision: %s", title);
    gp_str(f, t2);
    fprintf(f, "\nset xlabel 'error over the whole trajectory (largest difference of the nucleus pressures, relative)'\n"
               "set ylabel 'simulation per subject-day (s)'\nset logscale xy\nset format x '1e%%L'\n"
               "set format y '1e%%L'\nset key outside right\nset grid\n");
    fprintf(f, "plot ");
    for (int k = 0; k < ns; k++) {
        gp_str(f, dat);
        fprintf(f, " index %d using 1:2 with linespoints lw 2 pt %d ps 1.3 title ", k, 5 + 2 * (k % 4));
        gp_str(f, name[k]);
        fprintf(f, "%s", k + 1 < ns ? ", " : "\n");
    }
    st = df ? gp_run(&g, err) : ds_fail(err, DS_ERR_IO, "cannot write the figure's data");
    gp_close(&g);
    free(rows);
    if (!st) {
        *nwritten = 1;
        if (opts->log) {
            fprintf(opts->log, "wrote   %s\n", out);
            if (nskip)
                fprintf(opts->log, "left out %d failed run%s\n", nskip, nskip == 1 ? "" : "s");
        }
    }
    return st;
}
