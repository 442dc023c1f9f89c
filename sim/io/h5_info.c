/* `discsim info`: the human summary of an output file.
 *
 * Everything is read and checked first (the file is discsim's, each record stream's /time is
 * a time axis, every series of a stream is [subject][time] as long as its /time, attributes
 * that should be strings are, solver statistics are numeric vectors) and only then printed,
 * so a bad file gives one error message and no partial summary. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "discsim/study.h"
#include "discsim/table.h"
#include "h5_check.h"
#include "h5_common.h"

/* Columns are padded by displayed characters, not bytes: units such as "mm³/(MPa·s)" are
 * UTF-8 and printf's %-*s would misalign them. */
static size_t text_width(const char *restrict s)
{
    size_t w = 0;
    for (; *s; ++s)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Text from a file, as it reaches a terminal: control characters (escape sequences, line
 * breaks) become spaces, so a crafted name cannot move the cursor or forge lines. */
static void put_clean(FILE *restrict out, const char *restrict s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, out);
}

static void put_padded(FILE *restrict out, const char *restrict s, size_t width)
{
    put_clean(out, s);
    for (size_t w = text_width(s); w < width; ++w)
        fputc(' ', out);
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* ---- the datasets of a group ---------------------------------------------------------------- */

typedef struct info_row {
    char *path; /* relative to the group listed, with a leading '/' */
    char *shape;
    char *units;
    char *desc;
} info_row;

typedef struct row_list {
    info_row *rows;
    size_t n, cap;
    const char *file, *where; /* where: the group listed, "/" or e.g. "/meta/solver" */
    ds_status st;
    ds_error *err;
} row_list;

/* The dimensions' labels (H5DS's DIMENSION_LABELS attribute), read here rather than through
 * H5DSget_label so that a damaged file's attribute (another type, rank or length) is
 * ignored instead of trusted: NULL when there are none or they are not rank strings. */
static char **dim_labels(hid_t dset, int rank)
{
    if (rank < 1 || H5Aexists(dset, "DIMENSION_LABELS") <= 0)
        return NULL;
    hid_t attr = H5Aopen(dset, "DIMENSION_LABELS", H5P_DEFAULT);
    hid_t type = attr >= 0 ? H5Aget_type(attr) : H5I_INVALID_HID;
    hid_t space = attr >= 0 ? H5Aget_space(attr) : H5I_INVALID_HID;
    hid_t mem = H5I_INVALID_HID;
    hsize_t n = 0;
    char **label = NULL;
    if (type >= 0 && space >= 0 && H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0 &&
        H5Sget_simple_extent_ndims(space) == 1 && H5Sget_simple_extent_dims(space, &n, NULL) == 1 &&
        n == (hsize_t)rank && (mem = H5Tcopy(H5T_C_S1)) >= 0 && H5Tset_size(mem, H5T_VARIABLE) >= 0 &&
        (label = calloc((size_t)rank, sizeof *label)) && H5Aread(attr, mem, label) < 0) {
        free(label);
        label = NULL;
    }
    h5r_close(&mem);
    h5r_close(&space);
    h5r_close(&type);
    h5r_close(&attr);
    return label;
}

static void free_labels(char **label, int rank)
{
    for (int i = 0; label && i < rank; i++)
        H5free_memory(label[i]);
    free(label);
}

/* "2 x 10000", "10000" or "scalar", and the dimensions' names where the file gives them:
 * "1 x 1441 (subject, time)"; a swept key by its last part ("tone"), cut at 40 characters. */
static char *shape_text(hid_t dset)
{
    hid_t space = H5Dget_space(dset);
    H5S_class_t cls = space >= 0 ? H5Sget_simple_extent_type(space) : H5S_NO_CLASS;
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims[H5S_MAX_RANK];
    char *s = NULL;
    if (cls == H5S_NULL)
        s = strdup("null");
    else if (rank >= 0 && rank <= H5S_MAX_RANK && H5Sget_simple_extent_dims(space, dims, NULL) >= 0) {
        size_t cap = (size_t)rank * 24 + 16; /* 20 digits and " x " per dimension */
        s = malloc(cap);
        if (s) {
            size_t len = (size_t)snprintf(s, cap, "%s", rank == 0 ? "scalar" : "");
            for (int i = 0; i < rank; ++i)
                len += (size_t)snprintf(s + len, cap - len, "%s%llu", i ? " x " : "", (unsigned long long)dims[i]);
            char **label = dim_labels(dset, rank);
            char *t = label ? realloc(s, cap + (size_t)rank * 44 + 4) : NULL;
            if (t) {
                s = t;
                cap += (size_t)rank * 44 + 4;
                for (int i = 0; i < rank; ++i) {
                    const char *l = label[i] && *label[i] ? label[i] : "-", *dot = strrchr(l, '.');
                    len += (size_t)snprintf(s + len, cap - len, "%s%.40s", i ? ", " : " (", dot && dot[1] ? dot + 1 : l);
                }
                snprintf(s + len, cap - len, ")");
            }
            free_labels(label, rank);
        }
    }
    H5Eclear2(H5E_DEFAULT);
    h5r_close(&space);
    return s ? s : strdup("?");
}

/* A units or description attribute: "-" if absent, an error if not a string. */
static ds_status attr_or_dash(hid_t obj, const row_list *list, const char *full, const char *name, char **out)
{
    ds_status st = h5r_attr_string(obj, list->file, full, name, true, out, list->err);
    if (st == DS_OK && !*out)
        *out = strdup("-");
    return st;
}

static bool grow(row_list *list)
{
    if (list->n < list->cap)
        return true;
    size_t cap = list->cap ? 2 * list->cap : 16;
    info_row *rows = realloc(list->rows, cap * sizeof *rows);
    if (!rows)
        return false;
    list->rows = rows;
    list->cap = cap;
    return true;
}

static herr_t collect_cb(hid_t group, const char *name, const H5L_info_t *info, void *data)
{
    row_list *list = data;
    if (info->type != H5L_TYPE_HARD)
        return 0; /* soft and external links may dangle or lead out of the file: not listed */
    hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
    if (obj < 0 || H5Iget_type(obj) != H5I_DATASET) {
        h5r_close(&obj);
        return 0;
    }
    if (!grow(list)) {
        h5r_close(&obj);
        list->st = ds_fail(list->err, DS_ERR_NOMEM, "%s: out of memory listing the datasets", list->file);
        return 1;
    }
    info_row *r = &list->rows[list->n++];
    *r = (info_row){NULL, NULL, NULL, NULL};
    size_t len = strlen(name) + 2, flen = strlen(list->where) + len;
    char *full = malloc(flen);
    r->path = malloc(len);
    if (r->path && full) {
        snprintf(r->path, len, "/%s", name);
        snprintf(full, flen, "%s/%s", strcmp(list->where, "/") ? list->where : "", name);
        r->shape = shape_text(obj);
        list->st = attr_or_dash(obj, list, full, "units", &r->units);
        if (list->st == DS_OK)
            list->st = attr_or_dash(obj, list, full, "description", &r->desc);
    }
    free(full);
    h5r_close(&obj);
    if (list->st == DS_OK && (!r->path || !r->shape || !r->units || !r->desc))
        list->st = ds_fail(list->err, DS_ERR_NOMEM, "%s: out of memory listing the datasets", list->file);
    return list->st == DS_OK ? 0 : 1;
}

static void free_rows(row_list *list)
{
    for (size_t i = 0; i < list->n; ++i) {
        free(list->rows[i].path);
        free(list->rows[i].shape);
        free(list->rows[i].units);
        free(list->rows[i].desc);
    }
    free(list->rows);
    list->rows = NULL;
    list->n = list->cap = 0;
}

/* Every dataset below `group` (depth first, by name), as rows of path, shape, units and
 * description. */
static ds_status collect(hid_t group, const char *restrict file, const char *restrict where, row_list *list,
                         ds_error *err)
{
    *list = (row_list){NULL, 0, 0, file, where, DS_OK, err};
    herr_t rc = H5Lvisit(group, H5_INDEX_NAME, H5_ITER_INC, collect_cb, list);
    if (list->st != DS_OK)
        return list->st;
    if (rc < 0)
        return h5r_fail(err, file, "list the datasets under", where);
    return DS_OK;
}

/* ---- record streams ------------------------------------------------------------------------- */

/* The record streams a file declares: the root (a single run) and "/arms/<arm>" for each
 * arm /meta/arms lists, one per line (a '/' in a name nests groups, as the writer does). */
typedef struct streams {
    char *text;
    char **prefix;
    size_t n;
} streams;

static ds_status read_streams(hid_t fid, const char *file, streams *s, ds_error *err)
{
    *s = (streams){NULL, NULL, 0};
    hid_t dset;
    char *arms = NULL;
    ds_status st = h5r_open_object(fid, file, "/meta/arms", H5I_DATASET, true, &dset, err);
    if (st == DS_OK && dset >= 0)
        st = h5r_read_string(dset, false, file, "dataset '/meta/arms'", &arms, err);
    h5r_close(&dset);
    size_t lines = 1, len = arms ? strlen(arms) : 0;
    for (size_t i = 0; i < len; ++i)
        lines += arms[i] == '\n';
    /* each stream is matched against every dataset: bound them as a study does */
    if (st == DS_OK && lines > DS_MAX_VARIANTS + 2)
        st = ds_fail(err, DS_ERR_IO, "%s: dataset '/meta/arms' has %zu lines, more than the %d arms a study has", file,
                     lines, DS_MAX_VARIANTS);
    /* "/arms/" before each name and a terminator after it */
    if (st == DS_OK && (!(s->prefix = calloc(lines + 1, sizeof *s->prefix)) || !(s->text = malloc(7 * lines + len + 1))))
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
    if (st == DS_OK) {
        char *w = s->text, *save = NULL;
        s->prefix[s->n++] = strcpy(w, "");
        w += 1;
        for (char *tok = arms ? strtok_r(arms, "\n", &save) : NULL; tok; tok = strtok_r(NULL, "\n", &save)) {
            s->prefix[s->n++] = w;
            w += sprintf(w, "/arms/%s", tok) + 1;
        }
    }
    free(arms);
    return st;
}

static void free_streams(streams *s)
{
    free(s->text);
    free(s->prefix);
}

/* A series of the stream at prefix: below it, but not its axes (/time, /subject), provenance
 * or summaries. */
static bool stream_series(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0 || path[n] != '/')
        return false;
    const char *rest = path + n + 1;
    static const char *const not_series[] = {"meta/", "summary/", "sweep/", "arms/"};
    for (size_t k = 0; k < sizeof not_series / sizeof not_series[0]; ++k)
        if (!strncmp(rest, not_series[k], strlen(not_series[k])))
            return false;
    return strcmp(rest, "time") != 0 && strcmp(rest, "subject") != 0;
}

/* The stream a dataset belongs to: the longest prefix it is a series of (-1: none). */
static long owner(const streams *s, const char *path)
{
    long best = -1;
    for (size_t k = 0; k < s->n; ++k)
        if (stream_series(path, s->prefix[k]) && (best < 0 || strlen(s->prefix[k]) > strlen(s->prefix[best])))
            best = (long)k;
    return best;
}

static ds_status check_series(hid_t fid, const char *file, const char *path, const char *prefix, size_t ntime,
                              ds_error *err)
{
    char layout[600];
    snprintf(layout, sizeof layout, "[subject][time] as long as '%s/time'", prefix);
    ds_h5_want want = {.rank = 2, .dims = {DS_H5_ANY, ntime}, .layout = layout};
    hid_t dset;
    h5r_shape s;
    ds_status st = h5r_open_object(fid, file, path, H5I_DATASET, false, &dset, err);
    if (st == DS_OK)
        st = h5r_numeric_shape(dset, file, path, &s, err);
    if (st == DS_OK)
        st = h5r_match(&s, &want, file, path, err);
    h5r_close(&dset);
    return st;
}

typedef struct time_span {
    bool present;
    size_t n;
    double t0, t1;
} time_span;

/* Checks every stream that has a /time: the time axis and the stream's series; the span of
 * the first stream that has one (the root's, or the first arm's) is returned, and in *arms the
 * arms' names (one per line, NULL: none) for the summary. */
static ds_status check_streams(hid_t fid, const char *file, const row_list *all, time_span *root, char **arms,
                               ds_error *err)
{
    *root = (time_span){false, 0, 0.0, 0.0};
    *arms = NULL;
    streams s;
    ds_status st = read_streams(fid, file, &s, err);
    for (size_t k = 0; k < s.n && st == DS_OK; ++k) {
        char path[600];
        snprintf(path, sizeof path, "%s/time", s.prefix[k]);
        ds_h5_want want = {.rank = 1, .dims = {DS_H5_ANY}, .optional = true, .check = DS_H5_TIMES,
                           .layout = "a time axis"};
        ds_h5_array t;
        if ((st = h5r_read_array(fid, file, path, &want, &t, err)) != DS_OK || !t.present)
            continue;
        if (!root->present)
            *root = (time_span){true, t.count, t.count ? t.data[0] : 0.0, t.count ? t.data[t.count - 1] : 0.0};
        for (size_t j = 0; j < all->n && st == DS_OK; ++j)
            if (owner(&s, all->rows[j].path) == (long)k)
                st = check_series(fid, file, all->rows[j].path, s.prefix[k], t.count, err);
        ds_h5_array_free(&t);
    }
    size_t len = 0;
    for (size_t k = 1; k < s.n; ++k)
        len += strlen(s.prefix[k]) + 2;
    if (st == DS_OK && s.n > 1 && (*arms = malloc(len + 1))) {
        char *w = *arms;
        for (size_t k = 1; k < s.n; ++k)
            w += sprintf(w, "%s%s", k > 1 ? ", " : "", s.prefix[k] + strlen("/arms/"));
    }
    free_streams(&s);
    return st;
}

/* ---- solver statistics ------------------------------------------------------------------------ */

/* One /meta/solver dataset: a vector, int64 read exactly, doubles. */
typedef struct solver_stat {
    bool integer;
    size_t n;
    void *v;
} solver_stat;

static ds_status read_stat(hid_t fid, const char *file, const char *rel, solver_stat *s, ds_error *err)
{
    char path[600];
    snprintf(path, sizeof path, "/meta/solver%s", rel);
    ds_h5_want want = {.rank = 1, .dims = {DS_H5_ANY}, .layout = "one value per subject"};
    hid_t dset;
    h5r_shape sh = {0};
    ds_status st = h5r_open_object(fid, file, path, H5I_DATASET, false, &dset, err);
    if (st == DS_OK)
        st = h5r_numeric_shape(dset, file, path, &sh, err);
    if (st == DS_OK)
        st = h5r_match(&sh, &want, file, path, err);
    if (st == DS_OK)
        st = h5r_read_values(dset, sh.integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, &sh, file, path, &s->v, err);
    h5r_close(&dset);
    s->integer = sh.integer;
    s->n = st == DS_OK ? sh.count : 0;
    return st;
}

static const char *stat_text(const solver_stat *s, size_t k, char *buf, size_t n)
{
    if (s->integer)
        snprintf(buf, n, "%" PRId64, ((const int64_t *)s->v)[k]);
    else
        snprintf(buf, n, "%.6g", ((const double *)s->v)[k]);
    return buf;
}

/* One line per statistic, values right-aligned in columns and wrapped for large cohorts. */
static void print_solver(FILE *restrict out, const row_list *list, const solver_stat *stats)
{
    char buf[64];
    size_t wn = 0, wv = 1;
    for (size_t i = 0; i < list->n; ++i) {
        wn = max_size(wn, text_width(list->rows[i].path + 1));
        for (size_t k = 0; k < stats[i].n; ++k)
            wv = max_size(wv, strlen(stat_text(&stats[i], k, buf, sizeof buf)));
    }
    size_t per_line = wn + 4 < 100 ? (100 - wn - 4) / (wv + 2) : 1;
    per_line = per_line ? per_line : 1;
    fputs("\nsolver statistics per subject (/meta/solver)\n", out);
    for (size_t i = 0; i < list->n; ++i) {
        fputs("  ", out);
        put_padded(out, list->rows[i].path + 1, wn);
        for (size_t k = 0; k < stats[i].n; ++k) {
            if (k > 0 && k % per_line == 0)
                fprintf(out, "\n  %*s", (int)wn, "");
            fprintf(out, "  %*s", (int)wv, stat_text(&stats[i], k, buf, sizeof buf));
        }
        fputc('\n', out);
    }
}

/* The solver statistics, if /meta/solver is a group. */
static ds_status read_solver(hid_t fid, const char *file, row_list *list, solver_stat **stats, ds_error *err)
{
    *stats = NULL;
    hid_t solver = H5I_INVALID_HID;
    bool found;
    ds_status st = h5r_find(fid, file, "/meta/solver", &found, err);
    if (st == DS_OK && found && (solver = H5Oopen(fid, "/meta/solver", H5P_DEFAULT)) >= 0 &&
        H5Iget_type(solver) == H5I_GROUP)
        st = collect(solver, file, "/meta/solver", list, err);
    h5r_close(&solver);
    H5Eclear2(H5E_DEFAULT);
    if (st == DS_OK && list->n > 0 && !(*stats = calloc(list->n, sizeof **stats)))
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == DS_OK && i < list->n; ++i)
        st = read_stat(fid, file, list->rows[i].path, &(*stats)[i], err);
    return st;
}

/* ---- the summary -------------------------------------------------------------------------------- */

static void print_time(FILE *restrict out, const time_span *t, bool per_arm)
{
    fputs(per_arm ? "time       per arm: " : "time       ", out);
    if (!t->present)
        fputs("(no /time dataset)\n", out);
    else if (t->n == 0)
        fputs("0 records (summaries only)\n", out);
    else
        fprintf(out, "%zu record%s, %g s to %g s (%.4g h to %.4g h, span %.4g h)\n", t->n, t->n == 1 ? "" : "s",
                t->t0, t->t1, t->t0 / 3600.0, t->t1 / 3600.0, (t->t1 - t->t0) / 3600.0);
}

/* path is where or below it (where "/" or NULL: everything) */
static bool within(const char *path, const char *where)
{
    if (!where || !strcmp(where, "/"))
        return true;
    size_t n = strlen(where);
    while (n > 1 && where[n - 1] == '/')
        n--;
    return !strncmp(path, where, n) && (path[n] == '\0' || path[n] == '/');
}

static void print_datasets(FILE *restrict out, const row_list *list, const char *where)
{
    size_t wp = strlen("path"), ws = strlen("shape"), wu = strlen("units"), n = 0;
    for (size_t i = 0; i < list->n; ++i) {
        if (!within(list->rows[i].path, where))
            continue;
        n++;
        wp = max_size(wp, text_width(list->rows[i].path));
        ws = max_size(ws, text_width(list->rows[i].shape));
        wu = max_size(wu, text_width(list->rows[i].units));
    }
    fprintf(out, "\ndatasets (%zu%s%s)\n  ", n, where ? " under " : "", where ? where : "");
    put_padded(out, "path", wp + 2);
    put_padded(out, "shape", ws + 2);
    put_padded(out, "units", wu + 2);
    fputs("description\n", out);
    for (size_t i = 0; i < list->n; ++i) {
        const info_row *r = &list->rows[i];
        if (!within(r->path, where))
            continue;
        fputs("  ", out);
        put_padded(out, r->path, wp + 2);
        put_padded(out, r->shape, ws + 2);
        put_padded(out, r->units, wu + 2);
        put_clean(out, r->desc);
        fputc('\n', out);
    }
}

/* A group's place in the overview: /arms/<arm>/<first part>, or the first part otherwise. */
static size_t group_key(const char *path)
{
    const char *p = path + 1;
    int parts = strncmp(path, "/arms/", 6) ? 1 : 3;
    for (const char *q = p; *q; q++)
        if (*q == '/' && --parts == 0)
            return (size_t)(q - path);
    return 0; /* a dataset at the top (e.g. /time): listed as itself */
}

/* Files with many datasets (arms, cohorts): their groups, how many datasets each holds. */
static void print_groups(FILE *restrict out, const row_list *list)
{
    fputs("\ngroups (discsim info FILE GROUP lists a group's datasets)\n", out);
    size_t i = 0;
    while (i < list->n) {
        size_t k = group_key(list->rows[i].path), j = i + 1;
        if (k == 0) {
            fputs("  ", out);
            put_padded(out, list->rows[i].path, 40);
            fprintf(out, "%s\n", list->rows[i].shape);
            i++;
            continue;
        }
        while (j < list->n && group_key(list->rows[j].path) == k && !strncmp(list->rows[j].path, list->rows[i].path, k))
            j++;
        fprintf(out, "  %.*s", (int)k, list->rows[i].path);
        for (size_t w = text_width(list->rows[i].path) - (strlen(list->rows[i].path) - k); w < 38; w++)
            fputc(' ', out);
        fprintf(out, "%zu dataset%s\n", j - i, j - i == 1 ? "" : "s");
        i = j;
    }
}

/* The number of elements of the dataset at path (0: none there). */
static hssize_t count_at(hid_t fid, const char *path)
{
    hid_t d = H5Lexists(fid, path, H5P_DEFAULT) > 0 ? H5Dopen2(fid, path, H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t sp = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : 0;
    h5r_close(&sp);
    h5r_close(&d);
    return n > 0 ? n : 0;
}

/* "label      value" on a line of its own, the value as it reaches a terminal (nothing if NULL) */
static void put_line(FILE *restrict out, const char *label, const char *value)
{
    if (!value)
        return;
    fprintf(out, "%-11s", label);
    put_clean(out, value);
    fputc('\n', out);
}

/* The root's provenance (files before it have none) and the kind of study. */
static ds_status print_head(FILE *restrict out, hid_t fid, const char *file, const char *name, const char *arms,
                            const time_span *span, ds_table *tab, ds_error *err)
{
    static const char *const keys[] = {"program_version", "git_commit", "created", "command_line"};
    char *v[4] = {NULL, NULL, NULL, NULL}, *study = NULL, *param[2] = {NULL, NULL};
    ds_status st = DS_OK;
    hid_t root = H5Oopen(fid, "/", H5P_DEFAULT), meta = H5I_INVALID_HID;
    for (int k = 0; k < 4 && st == DS_OK && root >= 0; k++)
        st = h5r_attr_string(root, file, "/", keys[k], true, &v[k], err);
    bool found = false;
    if (st == DS_OK)
        st = h5r_find(fid, file, "/meta", &found, err);
    if (st == DS_OK && found && (meta = H5Oopen(fid, "/meta", H5P_DEFAULT)) >= 0)
        st = h5r_attr_string(meta, file, "/meta", "study", true, &study, err);
    for (int k = 0; k < 2 && st == DS_OK && study && !strcmp(study, "sweep"); k++) {
        char path[64];
        snprintf(path, sizeof path, "/sweep/values_%d", k + 1);
        hid_t d = H5I_INVALID_HID;
        if ((st = h5r_find(fid, file, path, &found, err)) == DS_OK && found &&
            (d = H5Oopen(fid, path, H5P_DEFAULT)) >= 0) {
            char *p = NULL;
            st = h5r_attr_string(d, file, path, "parameter", true, &p, err);
            if (st == DS_OK && p && (param[k] = malloc(strlen(p) + 32)))
                sprintf(param[k], "%s (%lld values)", p, (long long)count_at(fid, path));
            free(p);
        }
        h5r_close(&d);
    }
    /* a cohort: its design and seed, and its subjects (the study's axis) */
    char *design = NULL, *seed = NULL, cohort[200] = "";
    hid_t co = H5I_INVALID_HID;
    if (st == DS_OK && (st = h5r_find(fid, file, "/cohort", &found, err)) == DS_OK && found &&
        (co = H5Oopen(fid, "/cohort", H5P_DEFAULT)) >= 0 &&
        (st = h5r_attr_string(co, file, "/cohort", "design", true, &design, err)) == DS_OK)
        st = h5r_attr_string(co, file, "/cohort", "seed", true, &seed, err);
    if (st == DS_OK && co >= 0) /* its subjects: the study's axis */
        snprintf(cohort, sizeof cohort, "%lld subjects, %.40s design, seed %.40s", (long long)count_at(fid, "/subject"),
                 design ? design : "?", seed ? seed : "?");
    h5r_close(&co);
    free(design);
    free(seed);
    h5r_close(&meta);
    h5r_close(&root);
    H5Eclear2(H5E_DEFAULT);
    if (st == DS_OK && tab) { /* for programs: one row */
        static const char *const cols[] = {"file",    "scenario", "program_version", "git_commit", "created",
                                           "command_line", "study", "arms", "sweep_1", "sweep_2", "records",
                                           "time_start_s", "time_end_s", "cohort"};
        if ((st = ds_table_init(tab, "file", 14, cols, err)) == DS_OK) {
            int r = ds_table_row(tab);
            const char *txt[] = {file, name, v[0], v[1], v[2], v[3], study ? study : "single", arms, param[0], param[1]};
            for (int c = 0; c < 10; c++)
                if (txt[c])
                    ds_table_text(tab, r, c, txt[c]);
            if (cohort[0])
                ds_table_text(tab, r, 13, cohort);
            if (span->present) {
                ds_table_num(tab, r, 10, (double)span->n);
                ds_table_num(tab, r, 11, span->n ? span->t0 : NAN);
                ds_table_num(tab, r, 12, span->n ? span->t1 : NAN);
            }
        }
    } else if (st == DS_OK) {
        char made[600], study_line[1200];
        snprintf(made, sizeof made, "discsim %.60s (%.60s)%s%.60s", v[0] ? v[0] : "", v[1] ? v[1] : "?",
                 v[2] ? ", " : "", v[2] ? v[2] : "");
        if (arms)
            snprintf(study_line, sizeof study_line, "arms: %.1000s (the first is the reference)", arms);
        else if (param[0])
            snprintf(study_line, sizeof study_line, "sweep over %.500s%s%.500s", param[0], param[1] ? " x " : "",
                     param[1] ? param[1] : "");
        put_line(out, "file", file);
        put_line(out, "scenario", name);
        put_line(out, "made by", v[0] ? made : NULL);
        put_line(out, "command", v[3]);
        put_line(out, "study", arms || param[0] ? study_line : NULL);
        put_line(out, "cohort", cohort[0] ? cohort : NULL);
        print_time(out, span, arms != NULL);
    }
    for (int k = 0; k < 4; k++)
        free(v[k]);
    free(study);
    free(param[0]);
    free(param[1]);
    return st;
}

/* A listing longer than this shows groups unless a group is asked for. */
enum { INFO_MAX_ROWS = 120 };

/* The datasets at or under where, for programs: path, shape, dimension names, units,
 * description. */
static ds_status dataset_table(ds_table *t, const row_list *list, const char *where, ds_error *err)
{
    static const char *const cols[] = {"path", "shape", "dimensions", "units", "description"};
    ds_status st = ds_table_init(t, "datasets", 5, cols, err);
    for (size_t i = 0; st == DS_OK && i < list->n; ++i) {
        const info_row *row = &list->rows[i];
        if (!within(row->path, where))
            continue;
        int r = ds_table_row(t);
        char shape[256];
        snprintf(shape, sizeof shape, "%s", row->shape);
        char *dims = strstr(shape, " (");
        if (dims) { /* "1 x 1441 (subject, time)": the names apart */
            *dims = '\0';
            dims += 2;
            dims[strcspn(dims, ")")] = '\0';
            ds_table_text(t, r, 2, dims);
        }
        ds_table_text(t, r, 0, row->path);
        ds_table_text(t, r, 1, shape);
        ds_table_text(t, r, 3, row->units);
        ds_table_text(t, r, 4, row->desc);
    }
    return st;
}

static ds_status info_open(FILE *restrict out, hid_t fid, const char *restrict file, const char *where,
                           ds_table_format fmt, ds_error *err)
{
    char *name = NULL, *arms = NULL;
    row_list all = {0}, stats_list = {0};
    solver_stat *stats = NULL;
    time_span span;
    ds_status st = h5r_check_output(fid, file, &name, err);
    if (st == DS_OK)
        st = collect(fid, file, "/", &all, err);
    if (st == DS_OK)
        st = check_streams(fid, file, &all, &span, &arms, err);
    if (st == DS_OK)
        st = read_solver(fid, file, &stats_list, &stats, err);
    size_t shown = 0;
    for (size_t i = 0; st == DS_OK && i < all.n; ++i)
        shown += within(all.rows[i].path, where);
    if (st == DS_OK && where && shown == 0)
        st = ds_fail(err, DS_ERR_USAGE, "%s: nothing under '%s' (discsim info %s lists the groups)", file, where, file);
    ds_table tab[2];
    int ntab = 0;
    if (st == DS_OK && fmt != DS_TABLE_TEXT) {
        if ((st = print_head(out, fid, file, name, arms, &span, &tab[0], err)) == DS_OK)
            ntab = 1;
        if (st == DS_OK && (st = dataset_table(&tab[1], &all, where, err)) == DS_OK)
            ntab = 2;
        if (st == DS_OK)
            st = ds_table_print(out, tab, ntab, fmt, err);
    }
    for (int k = 0; k < ntab; k++)
        ds_table_free(&tab[k]);
    if (st == DS_OK && fmt == DS_TABLE_TEXT)
        st = print_head(out, fid, file, name, arms, &span, NULL, err);
    if (st == DS_OK && fmt == DS_TABLE_TEXT) {
        if (!where && all.n > INFO_MAX_ROWS)
            print_groups(out, &all);
        else
            print_datasets(out, &all, where);
        if (stats_list.n > 0 && (within("/meta/solver", where) || (where && within(where, "/meta/solver"))))
            print_solver(out, &stats_list, stats);
    }
    for (size_t i = 0; stats && i < stats_list.n; ++i)
        free(stats[i].v);
    free(stats);
    free_rows(&stats_list);
    free_rows(&all);
    free(name);
    free(arms);
    return st;
}

ds_status ds_h5_info_at(const char *file, const char *where, ds_table_format fmt, FILE *out, ds_error *err)
{
    if (!out)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_info: no output stream");
    if (where && where[0] != '/')
        return ds_fail(err, DS_ERR_USAGE, "discsim info: a group is written from the root, e.g. /arms/%s", where);
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid;
    ds_status st = h5r_open_file(file, &fid, err);
    if (st == DS_OK)
        st = info_open(out, fid, file, where, fmt, err);
    h5r_close(&fid);
    ds_h5_quiet_end(q);
    if (st == DS_OK && (fflush(out) != 0 || ferror(out)))
        st = ds_fail(err, DS_ERR_IO, "%s: cannot write the summary: %s", file, strerror(errno));
    return st;
}

ds_status ds_h5_info(const char *file, FILE *out, ds_error *err)
{
    return ds_h5_info_at(file, NULL, DS_TABLE_TEXT, out, err);
}
