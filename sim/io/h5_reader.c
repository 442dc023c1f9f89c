/* HDF5 output reader: whole-dataset and string-attribute reads for tests and plotting, and
 * the human summary printed by `discsim info`.
 *
 * The reader accepts any file with the expected paths, not only ours: string attributes may
 * be fixed- or variable-length, integer datasets are converted to double on reading. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* access */
#endif

#include "discsim/output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "h5_common.h"

/* ---- HDF5 error handling (as in h5_writer.c) ----------------------------------------- */

/* HDF5 prints its error stack to stderr by default; the library must not print, so each
 * public entry point silences it and restores the caller's handler on the way out. */

static ds_status fail_h5(ds_error *err, const char *file, const char *what, const char *path)
{
    char reason[256];
    ds_h5_reason(reason, sizeof reason);
    return ds_fail(err, DS_ERR_IO, "%s: cannot %s '%s': %s", file, what, path, reason);
}

/* ---- small helpers ------------------------------------------------------------------- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void close_id(hid_t *id)
{
    if (*id >= 0)
        H5Idec_ref(*id);
    *id = H5I_INVALID_HID;
}

/* H5Lexists fails rather than answering "no" when an intermediate group is missing, so
 * each component is checked in turn. */
static bool path_exists(hid_t file, const char *restrict path)
{
    if (strcmp(path, "/") == 0)
        return true;
    char *p = dup_str(path);
    if (!p)
        return false;
    bool ok = true;
    for (char *slash = strchr(p + 1, '/');; slash = strchr(slash + 1, '/')) {
        if (slash)
            *slash = '\0';
        ok = H5Lexists(file, p, H5P_DEFAULT) > 0;
        if (!ok || !slash)
            break;
        *slash = '/';
    }
    free(p);
    return ok;
}

/* Opens file read-only, telling a missing file apart from one that is not HDF5. */
static ds_status open_ro(const char *restrict file, hid_t *out, ds_error *err)
{
    *out = H5I_INVALID_HID;
    if (!file || !*file)
        return ds_fail(err, DS_ERR_USAGE, "no HDF5 file name given");
    if (access(file, R_OK) != 0)
        return ds_fail(err, DS_ERR_IO, "cannot read '%s': %s", file, strerror(errno));
#if H5_VERSION_GE(1, 12, 0)
    htri_t is_hdf5 = H5Fis_accessible(file, H5P_DEFAULT);
#else
    htri_t is_hdf5 = H5Fis_hdf5(file);
#endif
    if (is_hdf5 <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return ds_fail(err, DS_ERR_IO, "'%s' is not an HDF5 file", file);
    }
    *out = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    return *out < 0 ? fail_h5(err, file, "open", file) : DS_OK;
}

/* Opens the dataset at path, with messages that say which of file or path is wrong. */
static ds_status open_dataset(hid_t fid, const char *restrict file, const char *restrict path, hid_t *out,
                              ds_error *err)
{
    *out = H5I_INVALID_HID;
    if (!path || path[0] != '/')
        return ds_fail(err, DS_ERR_USAGE, "%s: dataset path '%s' must be absolute", file, path ? path : "(null)");
    if (!path_exists(fid, path))
        return ds_fail(err, DS_ERR_IO, "%s: no dataset '%s' in the file", file, path);
    hid_t obj = H5Oopen(fid, path, H5P_DEFAULT);
    if (obj < 0)
        return fail_h5(err, file, "open", path);
    if (H5Iget_type(obj) != H5I_DATASET) {
        close_id(&obj);
        return ds_fail(err, DS_ERR_IO, "%s: '%s' is a group, not a dataset", file, path);
    }
    *out = obj;
    return DS_OK;
}

static bool is_numeric(hid_t dset)
{
    hid_t t = H5Dget_type(dset);
    H5T_class_t c = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    close_id(&t);
    return c == H5T_FLOAT || c == H5T_INTEGER;
}

/* Reads a scalar string attribute of an open object into a malloc'ed string. Returns 1 if
 * read, 0 if there is no such attribute, -1 on error (including a non-string attribute). */
static int get_attr_string(hid_t obj, const char *restrict name, char **restrict value)
{
    *value = NULL;
    htri_t exists = H5Aexists(obj, name);
    if (exists <= 0)
        return exists < 0 ? -1 : 0;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t ftype = attr >= 0 ? H5Aget_type(attr) : H5I_INVALID_HID;
    hid_t space = attr >= 0 ? H5Aget_space(attr) : H5I_INVALID_HID;
    hid_t mtype = H5I_INVALID_HID;
    int rc = -1;
    /* Only a single string fits the buffers below; other writers may store arrays. */
    bool single = space >= 0 && H5Sget_simple_extent_npoints(space) == 1;
    close_id(&space);
    if (single && ftype >= 0 && H5Tget_class(ftype) == H5T_STRING && (mtype = H5Tcopy(H5T_C_S1)) >= 0 &&
        H5Tset_cset(mtype, H5Tget_cset(ftype)) >= 0) {
        htri_t var = H5Tis_variable_str(ftype);
        if (var > 0 && H5Tset_size(mtype, H5T_VARIABLE) >= 0) {
            char *s = NULL;
            if (H5Aread(attr, mtype, &s) >= 0) {
                *value = dup_str(s ? s : "");
                rc = *value ? 1 : -1;
                H5free_memory(s);
            }
        } else if (var == 0) {
            /* One byte more than the file's size so a string that fills its slot still
             * gets a terminator. */
            size_t n = H5Tget_size(ftype);
            char *s = calloc(n + 1, 1);
            if (s && H5Tset_size(mtype, n + 1) >= 0 && H5Tset_strpad(mtype, H5T_STR_NULLTERM) >= 0 &&
                H5Aread(attr, mtype, s) >= 0) {
                if (H5Tget_strpad(ftype) == H5T_STR_SPACEPAD)
                    for (size_t k = strlen(s); k > 0 && s[k - 1] == ' '; --k)
                        s[k - 1] = '\0';
                *value = s;
                s = NULL;
                rc = 1;
            }
            free(s);
        }
    }
    close_id(&mtype);
    close_id(&ftype);
    close_id(&attr);
    return rc;
}

/* ---- public readers ------------------------------------------------------------------ */

static ds_status read_doubles_open(hid_t fid, const char *restrict file, const char *restrict path, int *rank,
                                   size_t dims[2], double **data, ds_error *err)
{
    hid_t dset;
    ds_status st = open_dataset(fid, file, path, &dset, err);
    if (st != DS_OK)
        return st;
    hid_t space = H5Dget_space(dset);
    int r = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t hd[2] = {1, 1};
    double *buf = NULL;
    if (r < 0)
        st = fail_h5(err, file, "read the shape of", path);
    else if (r > 2)
        st = ds_fail(err, DS_ERR_IO, "%s: dataset '%s' has %d dimensions; at most 2 can be read", file, path, r);
    else if (!is_numeric(dset))
        st = ds_fail(err, DS_ERR_IO, "%s: dataset '%s' does not hold numbers", file, path);
    else if (H5Sget_simple_extent_dims(space, hd, NULL) < 0)
        st = fail_h5(err, file, "read the shape of", path);
    if (st == DS_OK) {
        size_t n = (size_t)hd[0] * (size_t)hd[1];
        buf = malloc((n > 0 ? n : 1) * sizeof *buf);
        if (!buf)
            st = ds_fail(err, DS_ERR_NOMEM, "%s: out of memory reading '%s' (%zu values)", file, path, n);
        else if (n > 0 && H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
            st = fail_h5(err, file, "read", path);
    }
    close_id(&space);
    close_id(&dset);
    if (st != DS_OK) {
        free(buf);
        return st;
    }
    *rank = r;
    dims[0] = (size_t)hd[0];
    dims[1] = (size_t)hd[1];
    *data = buf;
    return DS_OK;
}

ds_status ds_h5_read_doubles(const char *file, const char *path, int *rank, size_t dims[2], double **data,
                             ds_error *err)
{
    if (!rank || !dims || !data)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_read_doubles: NULL output argument");
    *data = NULL;
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid;
    ds_status st = open_ro(file, &fid, err);
    if (st == DS_OK)
        st = read_doubles_open(fid, file, path, rank, dims, data, err);
    close_id(&fid);
    ds_h5_quiet_end(q);
    return st;
}

ds_status ds_h5_read_attr_string(const char *file, const char *obj_path, const char *name, char **value,
                                 ds_error *err)
{
    if (!value || !name)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_read_attr_string: NULL argument");
    *value = NULL;
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid, obj = H5I_INVALID_HID;
    ds_status st = open_ro(file, &fid, err);
    if (st == DS_OK && (!obj_path || obj_path[0] != '/'))
        st = ds_fail(err, DS_ERR_USAGE, "%s: object path '%s' must be absolute", file, obj_path ? obj_path : "(null)");
    else if (st == DS_OK && !path_exists(fid, obj_path))
        st = ds_fail(err, DS_ERR_IO, "%s: no object '%s' in the file", file, obj_path);
    if (st == DS_OK && (obj = H5Oopen(fid, obj_path, H5P_DEFAULT)) < 0)
        st = fail_h5(err, file, "open", obj_path);
    if (st == DS_OK) {
        int rc = get_attr_string(obj, name, value);
        if (rc == 0)
            st = ds_fail(err, DS_ERR_IO, "%s: '%s' has no attribute '%s'", file, obj_path, name);
        else if (rc < 0)
            st = ds_fail(err, DS_ERR_IO, "%s: attribute '%s' of '%s' is not a readable string", file, name, obj_path);
        H5Eclear2(H5E_DEFAULT);
    }
    close_id(&obj);
    close_id(&fid);
    ds_h5_quiet_end(q);
    return st;
}

/* ---- `discsim info` ------------------------------------------------------------------ */

/* Columns are padded by displayed characters, not bytes: units such as "mm³/(MPa·s)" are
 * UTF-8 and printf's %-*s would misalign them. */
static size_t text_width(const char *restrict s)
{
    size_t w = 0;
    for (; *s; ++s)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void put_padded(FILE *restrict out, const char *restrict s, size_t width)
{
    fputs(s, out);
    for (size_t w = text_width(s); w < width; ++w)
        fputc(' ', out);
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

typedef struct info_row {
    char *path;
    char *shape;
    char *units;
    char *desc;
} info_row;

typedef struct row_list {
    info_row *rows;
    size_t n, cap;
    bool nomem;
} row_list;

/* "2 x 10000", "10000" or "scalar". */
static char *shape_text(hid_t dset)
{
    hid_t space = H5Dget_space(dset);
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims[H5S_MAX_RANK];
    char *s = NULL;
    if (rank >= 0 && H5Sget_simple_extent_dims(space, dims, NULL) >= 0) {
        size_t cap = (size_t)rank * 24 + 16; /* 20 digits and " x " per dimension */
        s = malloc(cap);
        if (s) {
            size_t len = (size_t)snprintf(s, cap, "%s", rank == 0 ? "scalar" : "");
            for (int i = 0; i < rank; ++i)
                len += (size_t)snprintf(s + len, cap - len, "%s%llu", i ? " x " : "", (unsigned long long)dims[i]);
        }
    }
    close_id(&space);
    return s ? s : dup_str("?");
}

static char *attr_or_dash(hid_t obj, const char *name)
{
    char *v = NULL;
    if (get_attr_string(obj, name, &v) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return dup_str("-");
    }
    return v;
}

static herr_t collect_cb(hid_t group, const char *name, const H5L_info_t *info, void *data)
{
    row_list *list = data;
    if (info->type != H5L_TYPE_HARD)
        return 0; /* soft and external links may dangle; their targets are listed anyway */
    hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
    if (obj < 0 || H5Iget_type(obj) != H5I_DATASET) {
        close_id(&obj);
        return 0;
    }
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 16;
        info_row *rows = realloc(list->rows, cap * sizeof *rows);
        if (!rows) {
            list->nomem = true;
            close_id(&obj);
            return 1;
        }
        list->rows = rows;
        list->cap = cap;
    }
    info_row *r = &list->rows[list->n++];
    size_t len = strlen(name) + 2;
    r->path = malloc(len);
    if (r->path)
        snprintf(r->path, len, "/%s", name);
    r->shape = shape_text(obj);
    r->units = attr_or_dash(obj, "units");
    r->desc = attr_or_dash(obj, "description");
    close_id(&obj);
    if (!r->path || !r->shape || !r->units || !r->desc) {
        list->nomem = true;
        return 1;
    }
    return 0;
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
}

/* Every dataset below `group` (depth first, by name), as rows of path, shape, units and
 * description. Paths are relative to `group`, with a leading '/'. */
static ds_status collect(hid_t group, const char *restrict file, const char *restrict where, row_list *list,
                         ds_error *err)
{
    *list = (row_list){NULL, 0, 0, false};
    herr_t rc = H5Lvisit(group, H5_INDEX_NAME, H5_ITER_INC, collect_cb, list);
    if (list->nomem)
        return ds_fail(err, DS_ERR_NOMEM, "%s: out of memory listing the datasets under '%s'", file, where);
    if (rc < 0)
        return fail_h5(err, file, "list the datasets under", where);
    return DS_OK;
}

static herr_t read_time_at(hid_t dset, hsize_t i, double *restrict t)
{
    hid_t fspace = H5Dget_space(dset);
    hid_t mspace = H5Screate(H5S_SCALAR);
    hsize_t one = 1;
    herr_t rc = -1;
    if (fspace >= 0 && mspace >= 0 && H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &i, NULL, &one, NULL) >= 0)
        rc = H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, t);
    close_id(&mspace);
    close_id(&fspace);
    return rc;
}

/* Only the first and last records are read: /time may be long. */
static void print_time(FILE *restrict out, hid_t fid)
{
    fputs("time       ", out);
    hid_t dset = H5I_INVALID_HID;
    if (!path_exists(fid, "/time") || (dset = H5Dopen2(fid, "/time", H5P_DEFAULT)) < 0) {
        fputs("(no /time dataset)\n", out);
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    hid_t space = H5Dget_space(dset);
    hsize_t n = 0;
    double t0 = 0, t1 = 0;
    if (space < 0 || H5Sget_simple_extent_ndims(space) != 1 || H5Sget_simple_extent_dims(space, &n, NULL) < 0)
        fputs("(/time is not one-dimensional)\n", out);
    else if (n == 0)
        fputs("0 records\n", out);
    else if (read_time_at(dset, 0, &t0) < 0 || read_time_at(dset, n - 1, &t1) < 0)
        fputs("(/time cannot be read)\n", out);
    else
        fprintf(out, "%llu record%s, %g s to %g s (%.4g h to %.4g h, span %.4g h)\n", (unsigned long long)n,
                n == 1 ? "" : "s", t0, t1, t0 / 3600.0, t1 / 3600.0, (t1 - t0) / 3600.0);
    H5Eclear2(H5E_DEFAULT);
    close_id(&space);
    close_id(&dset);
}

static void print_datasets(FILE *restrict out, const row_list *list)
{
    size_t wp = strlen("path"), ws = strlen("shape"), wu = strlen("units");
    for (size_t i = 0; i < list->n; ++i) {
        wp = max_size(wp, text_width(list->rows[i].path));
        ws = max_size(ws, text_width(list->rows[i].shape));
        wu = max_size(wu, text_width(list->rows[i].units));
    }
    fprintf(out, "\ndatasets (%zu)\n  ", list->n);
    put_padded(out, "path", wp + 2);
    put_padded(out, "shape", ws + 2);
    put_padded(out, "units", wu + 2);
    fputs("description\n", out);
    for (size_t i = 0; i < list->n; ++i) {
        const info_row *r = &list->rows[i];
        fputs("  ", out);
        put_padded(out, r->path, wp + 2);
        put_padded(out, r->shape, ws + 2);
        put_padded(out, r->units, wu + 2);
        fprintf(out, "%s\n", r->desc);
    }
}

/* Values of one /meta/solver dataset as text: int64 exactly, doubles with 6 digits. */
static char **format_values(hid_t dset, size_t *count)
{
    *count = 0;
    hid_t space = H5Dget_space(dset);
    hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    close_id(&space);
    hid_t type = H5Dget_type(dset);
    H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    close_id(&type);
    if (n <= 0 || (cls != H5T_INTEGER && cls != H5T_FLOAT))
        return NULL;

    size_t m = (size_t)n;
    char **text = calloc(m, sizeof *text);
    void *raw = malloc(m * 8); /* int64_t or double */
    bool ok = text && raw &&
              H5Dread(dset, cls == H5T_INTEGER ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                      H5P_DEFAULT, raw) >= 0;
    for (size_t i = 0; ok && i < m; ++i) {
        char buf[64];
        if (cls == H5T_INTEGER)
            snprintf(buf, sizeof buf, "%" PRId64, ((const int64_t *)raw)[i]);
        else
            snprintf(buf, sizeof buf, "%.6g", ((const double *)raw)[i]);
        ok = (text[i] = dup_str(buf)) != NULL;
    }
    free(raw);
    if (!ok) {
        for (size_t i = 0; text && i < m; ++i)
            free(text[i]);
        free(text);
        return NULL;
    }
    *count = m;
    return text;
}

/* One line per statistic, values right-aligned in columns and wrapped for large cohorts. */
static void print_solver(FILE *restrict out, hid_t fid, const row_list *list)
{
    size_t wn = 0;
    char ***vals = calloc(list->n ? list->n : 1, sizeof *vals);
    size_t *counts = calloc(list->n ? list->n : 1, sizeof *counts);
    if (!vals || !counts) {
        free(vals);
        free(counts);
        fputs("\nsolver statistics: (out of memory)\n", out);
        return;
    }
    size_t wv = 1;
    for (size_t i = 0; i < list->n; ++i) {
        size_t len = strlen(list->rows[i].path) + sizeof "/meta/solver";
        char *full = malloc(len);
        hid_t dset = H5I_INVALID_HID;
        if (full) {
            snprintf(full, len, "/meta/solver%s", list->rows[i].path);
            dset = H5Dopen2(fid, full, H5P_DEFAULT);
        }
        if (dset >= 0)
            vals[i] = format_values(dset, &counts[i]);
        close_id(&dset);
        free(full);
        wn = max_size(wn, text_width(list->rows[i].path + 1));
        for (size_t k = 0; k < counts[i]; ++k)
            wv = max_size(wv, strlen(vals[i][k]));
    }
    H5Eclear2(H5E_DEFAULT);

    size_t per_line = wn + 4 < 100 ? (100 - wn - 4) / (wv + 2) : 1;
    per_line = per_line ? per_line : 1;
    fputs("\nsolver statistics per subject (/meta/solver)\n", out);
    for (size_t i = 0; i < list->n; ++i) {
        fputs("  ", out);
        put_padded(out, list->rows[i].path + 1, wn);
        if (!vals[i])
            fputs("  (not a numeric array)", out);
        for (size_t k = 0; k < counts[i]; ++k) {
            if (k > 0 && k % per_line == 0)
                fprintf(out, "\n  %*s", (int)wn, "");
            fprintf(out, "  %*s", (int)wv, vals[i][k]);
            free(vals[i][k]);
        }
        fputc('\n', out);
        free(vals[i]);
    }
    free(vals);
    free(counts);
}

static ds_status info_open(FILE *restrict out, hid_t fid, const char *restrict file, ds_error *err)
{
    fprintf(out, "file       %s\n", file);
    if (path_exists(fid, "/meta")) {
        hid_t meta = H5Oopen(fid, "/meta", H5P_DEFAULT);
        char *name = NULL;
        if (meta >= 0 && get_attr_string(meta, "scenario_name", &name) > 0)
            fprintf(out, "scenario   %s\n", name);
        free(name);
        close_id(&meta);
        H5Eclear2(H5E_DEFAULT);
    }
    print_time(out, fid);

    row_list all;
    ds_status st = collect(fid, file, "/", &all, err);
    if (st == DS_OK)
        print_datasets(out, &all);
    free_rows(&all);
    if (st != DS_OK)
        return st;

    hid_t solver = H5I_INVALID_HID;
    if (path_exists(fid, "/meta/solver") && (solver = H5Oopen(fid, "/meta/solver", H5P_DEFAULT)) >= 0 &&
        H5Iget_type(solver) == H5I_GROUP) {
        row_list stats;
        st = collect(solver, file, "/meta/solver", &stats, err);
        if (st == DS_OK && stats.n > 0)
            print_solver(out, fid, &stats);
        free_rows(&stats);
    }
    close_id(&solver);
    H5Eclear2(H5E_DEFAULT);
    return st;
}

ds_status ds_h5_info(const char *file, FILE *out, ds_error *err)
{
    if (!out)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_info: no output stream");
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid;
    ds_status st = open_ro(file, &fid, err);
    if (st == DS_OK)
        st = info_open(out, fid, file, err);
    close_id(&fid);
    ds_h5_quiet_end(q);
    if (st == DS_OK && (fflush(out) != 0 || ferror(out)))
        st = ds_fail(err, DS_ERR_IO, "%s: cannot write the summary: %s", file, strerror(errno));
    return st;
}

ds_status ds_h5_read_text(const char *file, const char *path, char **text, ds_error *err)
{
    *text = NULL;
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid, dset = H5I_INVALID_HID, mtype = H5I_INVALID_HID;
    ds_status st = open_ro(file, &fid, err);
    if (st == DS_OK)
        st = open_dataset(fid, file, path, &dset, err);
    if (st == DS_OK) {
        mtype = H5Tcopy(H5T_C_S1);
        char *buf = NULL;
        if (mtype < 0 || H5Tset_size(mtype, H5T_VARIABLE) < 0 || H5Tset_cset(mtype, H5T_CSET_UTF8) < 0 ||
            H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, &buf) < 0)
            st = fail_h5(err, file, "read text", path);
        else {
            *text = dup_str(buf ? buf : "");
            H5free_memory(buf);
            if (!*text)
                st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
        }
    }
    close_id(&mtype);
    close_id(&dset);
    if (fid >= 0)
        H5Fclose(fid);
    ds_h5_quiet_end(q);
    return st;
}

int ds_h5_exists(const char *file, const char *path)
{
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid;
    ds_error err;
    int found = 0;
    if (open_ro(file, &fid, &err) == DS_OK) {
        found = path_exists(fid, path);
        H5Fclose(fid);
    }
    ds_h5_quiet_end(q);
    return found;
}

ds_status ds_h5_read_flat(const char *file, const char *path, size_t *count, double **data, ds_error *err)
{
    *count = 0;
    *data = NULL;
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid, dset = H5I_INVALID_HID, space = H5I_INVALID_HID;
    ds_status st = open_ro(file, &fid, err);
    if (st == DS_OK)
        st = open_dataset(fid, file, path, &dset, err);
    if (st == DS_OK) {
        space = H5Dget_space(dset);
        hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
        if (n < 0 || !is_numeric(dset))
            st = ds_fail(err, DS_ERR_IO, "%s: '%s' is not a numeric dataset", file, path);
        else {
            *data = malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
            if (!*data)
                st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
            else if (n > 0 && H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) < 0) {
                st = fail_h5(err, file, "read", path);
                free(*data);
                *data = NULL;
            } else
                *count = (size_t)n;
        }
    }
    close_id(&space);
    close_id(&dset);
    if (fid >= 0)
        H5Fclose(fid);
    ds_h5_quiet_end(q);
    return st;
}

ds_status ds_h5_read_attr_double(const char *file, const char *obj_path, const char *name, double *value,
                                 ds_error *err)
{
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid, obj = H5I_INVALID_HID, attr = H5I_INVALID_HID;
    ds_status st = open_ro(file, &fid, err);
    if (st == DS_OK) {
        if (!path_exists(fid, obj_path) || (obj = H5Oopen(fid, obj_path, H5P_DEFAULT)) < 0 ||
            H5Aexists(obj, name) <= 0)
            st = ds_fail(err, DS_ERR_IO, "%s: no attribute '%s' on '%s'", file, name, obj_path);
        else if ((attr = H5Aopen(obj, name, H5P_DEFAULT)) < 0 || H5Aread(attr, H5T_NATIVE_DOUBLE, value) < 0)
            st = fail_h5(err, file, "read attribute", name);
    }
    close_id(&attr);
    close_id(&obj);
    if (fid >= 0)
        H5Fclose(fid);
    ds_h5_quiet_end(q);
    return st;
}
