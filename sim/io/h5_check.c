/* Checked reading of HDF5 files, shared by the public readers (h5_read.c) and `discsim info`
 * (h5_info.c): the class, shape and size of everything read is checked against what the
 * caller expects before memory is allocated for it or an index computed from it. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* access */
#endif

#include "h5_check.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5_common.h"

/* deflate, the one compressing filter discsim uses, packs at most 1032 bytes into one: a
 * filtered dataset holding far more values than its stored bytes can encode is a crafted
 * shape over missing chunks (which HDF5 would fill in, up to gigabytes). */
enum { MAX_FILTER_RATIO = 1100 };

/* A chunked dataset with a fill value of its own may leave chunks unwritten (discsim writes
 * a cohort's parameters so: a piece equal to the fill takes no room), up to this many bytes
 * of values; beyond it, it must store them, so that a small file cannot make a reader
 * allocate gigabytes. */
enum { MAX_FILLED_BYTES = 64 << 20 };

/* ---- small helpers ----------------------------------------------------------------------- */

void h5r_close(hid_t *id)
{
    if (*id >= 0)
        H5Idec_ref(*id);
    *id = H5I_INVALID_HID;
}

ds_status h5r_fail(ds_error *err, const char *file, const char *what, const char *path)
{
    char reason[256];
    ds_h5_reason(reason, sizeof reason);
    return ds_fail(err, DS_ERR_IO, "%s: cannot %s '%s': %s", file, what, path, reason);
}

/* "4 x 3 x 1", "scalar"; `*` for a dimension of any length. Long shapes are cut. */
static const char *shape_text(int rank, const hsize_t *dims, char *buf, size_t n)
{
    size_t len = (size_t)snprintf(buf, n, "%s", rank == 0 ? "scalar" : "");
    for (int k = 0; k < rank && len < n; ++k) {
        if (dims[k] == (hsize_t)DS_H5_ANY)
            len += (size_t)snprintf(buf + len, n - len, "%s*", k ? " x " : "");
        else
            len += (size_t)snprintf(buf + len, n - len, "%s%llu", k ? " x " : "", (unsigned long long)dims[k]);
    }
    return buf;
}

/* What a dataset or attribute holds when it is not what was wanted. */
static const char *class_text(H5T_class_t c)
{
    switch (c) {
    case H5T_INTEGER:
    case H5T_FLOAT:
        return "numbers";
    case H5T_STRING:
        return "strings";
    case H5T_COMPOUND:
        return "compound records";
    case H5T_ENUM:
        return "enumerated values";
    case H5T_ARRAY:
        return "arrays";
    case H5T_VLEN:
        return "variable-length sequences";
    case H5T_REFERENCE:
        return "references";
    default:
        return "values of an unsupported type";
    }
}

static H5T_class_t class_of_type(hid_t type) { return type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS; }

/* ---- files and paths ---------------------------------------------------------------------- */

ds_status h5r_open_file(const char *file, hid_t *out, ds_error *err)
{
    *out = H5I_INVALID_HID;
    if (!file || !*file)
        return ds_fail(err, DS_ERR_USAGE, "no HDF5 file name given");
    struct stat sb;
    if (stat(file, &sb) != 0 || access(file, R_OK) != 0)
        return ds_fail(err, DS_ERR_IO, "cannot read '%s': %s", file, strerror(errno));
    /* A pipe or a device could block the read forever. */
    if (!S_ISREG(sb.st_mode))
        return ds_fail(err, DS_ERR_IO, "%s: not a regular file, so not an HDF5 output file", file);
    if (sb.st_size == 0)
        return ds_fail(err, DS_ERR_IO, "%s: the file is empty, not an HDF5 file", file);
#if H5_VERSION_GE(1, 12, 0)
    htri_t is_hdf5 = H5Fis_accessible(file, H5P_DEFAULT);
#else
    htri_t is_hdf5 = H5Fis_hdf5(file);
#endif
    if (is_hdf5 <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return ds_fail(err, DS_ERR_IO, "%s: not an HDF5 file", file);
    }
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0)
        *out = H5Fopen(file, H5F_ACC_RDONLY, fapl);
    char reason[256];
    if (*out < 0)
        ds_h5_reason(reason, sizeof reason); /* before the next call clears HDF5's error stack */
    h5r_close(&fapl);
    if (*out < 0)
        return ds_fail(err, DS_ERR_IO, "%s: cannot open the HDF5 file: %s", file, reason);
    return DS_OK;
}

static const char *link_text(H5L_type_t t)
{
    return t == H5L_TYPE_SOFT ? "soft" : t == H5L_TYPE_EXTERNAL ? "external" : "user-defined";
}

/* H5Lexists fails rather than answering "no" when an intermediate group is missing, and
 * follows links on the way, so each component is looked up, and its link checked, in turn. */
ds_status h5r_find(hid_t fid, const char *file, const char *path, bool *found, ds_error *err)
{
    *found = false;
    if (!path || path[0] != '/')
        return ds_fail(err, DS_ERR_USAGE, "%s: object path '%s' must be absolute", file, path ? path : "(null)");
    if (strcmp(path, "/") == 0) {
        *found = true;
        return DS_OK;
    }
    char *p = strdup(path);
    if (!p)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    ds_status st = DS_OK;
    bool ok = true;
    for (char *slash = strchr(p + 1, '/'); ok; slash = strchr(slash + 1, '/')) {
        if (slash)
            *slash = '\0';
        H5L_info_t li;
        /* an empty component ("//", a trailing '/') names nothing */
        ok = p[strlen(p) - 1] != '/' && H5Lexists(fid, p, H5P_DEFAULT) > 0;
        if (ok && H5Lget_info(fid, p, &li, H5P_DEFAULT) < 0)
            st = h5r_fail(err, file, "look up", p);
        else if (ok && li.type != H5L_TYPE_HARD)
            st = ds_fail(err, DS_ERR_IO, "%s: '%s' is a %s link; discsim reads only objects stored in the file", file,
                         p, link_text(li.type));
        if (st != DS_OK || !slash)
            break;
        *slash = '/';
    }
    H5Eclear2(H5E_DEFAULT);
    free(p);
    *found = st == DS_OK && ok;
    return st;
}

static const char *type_text(H5I_type_t t)
{
    return t == H5I_DATASET ? "dataset" : t == H5I_GROUP ? "group" : t == H5I_DATATYPE ? "named datatype" : "object";
}

ds_status h5r_open_object(hid_t fid, const char *file, const char *path, H5I_type_t type, bool optional,
                          hid_t *out, ds_error *err)
{
    *out = H5I_INVALID_HID;
    bool found;
    ds_status st = h5r_find(fid, file, path, &found, err);
    if (st != DS_OK)
        return st;
    if (!found)
        return optional ? DS_OK : ds_fail(err, DS_ERR_IO, "%s: no %s '%s' in the file", file, type_text(type), path);
    hid_t obj = H5Oopen(fid, path, H5P_DEFAULT);
    if (obj < 0)
        return h5r_fail(err, file, "open", path);
    H5I_type_t got = H5Iget_type(obj);
    if (got != type) {
        h5r_close(&obj);
        return ds_fail(err, DS_ERR_IO, "%s: '%s' is a %s, not a %s", file, path, type_text(got), type_text(type));
    }
    *out = obj;
    return DS_OK;
}

/* ---- numeric datasets --------------------------------------------------------------------- */

/* The extent of a dataspace with an overflow-checked count; `what` names its owner. */
static ds_status extent(hid_t space, const char *file, const char *what, h5r_shape *s, ds_error *err)
{
    H5S_class_t c = space >= 0 ? H5Sget_simple_extent_type(space) : H5S_NO_CLASS;
    s->rank = 0;
    s->count = 1;
    if (c == H5S_NULL)
        return ds_fail(err, DS_ERR_IO, "%s: %s holds no values (null dataspace)", file, what);
    if (c == H5S_SCALAR)
        return DS_OK;
    int r = c == H5S_SIMPLE ? H5Sget_simple_extent_ndims(space) : -1;
    if (r < 0 || r > H5S_MAX_RANK || H5Sget_simple_extent_dims(space, s->dims, NULL) < 0)
        return ds_fail(err, DS_ERR_IO, "%s: cannot read the shape of %s", file, what);
    s->rank = r;
    /* Each dimension is bounded first, so no product below can wrap. */
    bool too_many = false;
    for (int k = 0; k < r; ++k) {
        if (s->dims[k] > DS_H5_MAX_VALUES)
            too_many = true;
        else if (!too_many && s->dims[k] > 0 && s->count > DS_H5_MAX_VALUES / (size_t)s->dims[k])
            too_many = true;
        else if (!too_many)
            s->count *= (size_t)s->dims[k];
    }
    if (too_many) {
        char sh[200];
        return ds_fail(err, DS_ERR_IO, "%s: %s has shape %s: more than 2^28 values, the most discsim reads", file,
                       what, shape_text(r, s->dims, sh, sizeof sh));
    }
    return DS_OK;
}

/* Values kept in external files or other datasets are not read, and a filtered dataset must
 * store enough bytes for the values it claims (see MAX_FILTER_RATIO). */
static ds_status check_storage(hid_t dset, size_t count, size_t esize, const char *file, const char *path,
                               ds_error *err)
{
    hid_t dcpl = H5Dget_create_plist(dset);
    H5D_layout_t layout = dcpl >= 0 ? H5Pget_layout(dcpl) : H5D_LAYOUT_ERROR;
    int nexternal = dcpl >= 0 ? H5Pget_external_count(dcpl) : -1;
    int nfilter = dcpl >= 0 ? H5Pget_nfilters(dcpl) : -1;
    H5D_fill_value_t fill = H5D_FILL_VALUE_ERROR;
    if (dcpl >= 0 && H5Pfill_value_defined(dcpl, &fill) < 0)
        fill = H5D_FILL_VALUE_ERROR;
    h5r_close(&dcpl);
    if (layout < 0 || nexternal < 0 || nfilter < 0)
        return h5r_fail(err, file, "read the storage properties of", path);
    if (layout == H5D_VIRTUAL || nexternal > 0)
        return ds_fail(err, DS_ERR_IO, "%s: dataset '%s' keeps its values outside the file (%s storage)", file, path,
                       layout == H5D_VIRTUAL ? "virtual" : "external");
    if (count == 0)
        return DS_OK;
    hsize_t stored = H5Dget_storage_size(dset);
    hsize_t need = (hsize_t)count * esize; /* count <= 2^28, esize <= 16 */
    hsize_t ratio = nfilter > 0 ? MAX_FILTER_RATIO : 1;
    if (layout == H5D_CHUNKED && nfilter == 0 && fill == H5D_FILL_VALUE_USER_DEFINED && need <= MAX_FILLED_BYTES)
        return DS_OK; /* the chunks not stored read as the fill value */
    if (stored < need && stored <= (need - 1) / ratio) /* stored * ratio < need, without overflow */
        return ds_fail(err, DS_ERR_IO, "%s: dataset '%s' claims %zu values (%llu bytes) but stores only %llu bytes",
                       file, path, count, (unsigned long long)need, (unsigned long long)stored);
    return DS_OK;
}

ds_status h5r_numeric_shape(hid_t dset, const char *file, const char *path, h5r_shape *s, ds_error *err)
{
    char what[600];
    snprintf(what, sizeof what, "dataset '%s'", path);
    hid_t type = H5Dget_type(dset);
    H5T_class_t c = class_of_type(type);
    size_t esize = type >= 0 ? H5Tget_size(type) : 0;
    h5r_close(&type);
    if (c == H5T_NO_CLASS)
        return h5r_fail(err, file, "read the type of", path);
    if (c != H5T_INTEGER && c != H5T_FLOAT)
        return ds_fail(err, DS_ERR_IO, "%s: %s holds %s, not numbers", file, what, class_text(c));
    if (esize == 0 || esize > 16)
        return ds_fail(err, DS_ERR_IO, "%s: %s holds numbers of %zu bytes; at most 16 are read", file, what, esize);
    s->integer = c == H5T_INTEGER;
    hid_t space = H5Dget_space(dset);
    ds_status st = extent(space, file, what, s, err);
    h5r_close(&space);
    return st == DS_OK ? check_storage(dset, s->count, esize, file, path, err) : st;
}

ds_status h5r_match(const h5r_shape *s, const ds_h5_want *want, const char *file, const char *path,
                    ds_error *err)
{
    char got[200], exp[200], layout[300] = "";
    if (want->layout)
        snprintf(layout, sizeof layout, " (%s)", want->layout);
    if (s->rank != want->rank)
        return ds_fail(err, DS_ERR_IO, "%s: dataset '%s' has %d dimension%s, expected %d%s", file, path, s->rank,
                       s->rank == 1 ? "" : "s", want->rank, layout);
    hsize_t wd[DS_H5_MAX_RANK];
    bool same = true, empty = false;
    for (int k = 0; k < s->rank; ++k) {
        wd[k] = (hsize_t)want->dims[k];
        same = same && (want->dims[k] == DS_H5_ANY || s->dims[k] == wd[k]);
        empty = empty || s->dims[k] == 0;
    }
    if (!same)
        return ds_fail(err, DS_ERR_IO, "%s: dataset '%s' has shape %s, expected %s%s", file, path,
                       shape_text(s->rank, s->dims, got, sizeof got), shape_text(s->rank, wd, exp, sizeof exp), layout);
    if (want->nonempty && empty)
        return ds_fail(err, DS_ERR_IO, "%s: dataset '%s' has shape %s: no values, expected at least one%s", file, path,
                       shape_text(s->rank, s->dims, got, sizeof got), layout);
    return DS_OK;
}

ds_status h5r_read_values(hid_t dset, hid_t mtype, const h5r_shape *s, const char *file, const char *path,
                          void **out, ds_error *err)
{
    *out = NULL;
    if (s->count == 0)
        return DS_OK;
    void *buf = malloc(s->count * 8); /* count <= 2^28: cannot wrap */
    if (!buf)
        return ds_fail(err, DS_ERR_NOMEM, "%s: out of memory reading '%s' (%zu values)", file, path, s->count);
    if (H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        free(buf);
        return h5r_fail(err, file, "read", path);
    }
    *out = buf;
    return DS_OK;
}

static ds_status check_values(const double *v, size_t n, int check, const char *file, const char *path,
                              ds_error *err)
{
    for (size_t i = 0; check && i < n; ++i) {
        if (!isfinite(v[i]))
            return ds_fail(err, DS_ERR_IO, "%s: dataset '%s' holds %s at index %zu", file, path,
                           isnan(v[i]) ? "NaN" : "an infinity", i);
        if (check == DS_H5_TIMES && v[i] < 0.0)
            return ds_fail(err, DS_ERR_IO, "%s: dataset '%s' holds a negative time (%g s) at index %zu", file, path,
                           v[i], i);
        if (check == DS_H5_TIMES && i > 0 && v[i] < v[i - 1])
            return ds_fail(err, DS_ERR_IO, "%s: dataset '%s' goes back in time at index %zu (%g s after %g s)", file,
                           path, i, v[i], v[i - 1]);
    }
    return DS_OK;
}

ds_status h5r_read_array(hid_t fid, const char *file, const char *path, const ds_h5_want *want,
                         ds_h5_array *out, ds_error *err)
{
    memset(out, 0, sizeof *out);
    if (!want || want->rank < 0 || want->rank > DS_H5_MAX_RANK)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_read_array: '%s': rank must be 0 to %d", path, DS_H5_MAX_RANK);
    hid_t dset;
    ds_status st = h5r_open_object(fid, file, path, H5I_DATASET, want->optional, &dset, err);
    if (st != DS_OK || dset < 0)
        return st;
    h5r_shape s;
    void *data = NULL;
    st = h5r_numeric_shape(dset, file, path, &s, err);
    if (st == DS_OK)
        st = h5r_match(&s, want, file, path, err);
    if (st == DS_OK)
        st = h5r_read_values(dset, H5T_NATIVE_DOUBLE, &s, file, path, &data, err);
    if (st == DS_OK)
        st = check_values(data, s.count, want->check, file, path, err);
    h5r_close(&dset);
    if (st != DS_OK) {
        free(data);
        return st;
    }
    out->present = true;
    out->rank = s.rank;
    for (int k = 0; k < DS_H5_MAX_RANK; ++k)
        out->dims[k] = k < s.rank ? (size_t)s.dims[k] : 1;
    out->count = s.count;
    out->data = data;
    return DS_OK;
}

/* ---- strings ------------------------------------------------------------------------------ */

static herr_t read_raw(hid_t obj, bool attr, hid_t mtype, void *buf)
{
    return attr ? H5Aread(obj, mtype, buf) : H5Dread(obj, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

/* A variable-length string: HDF5 allocates it, we copy it. */
static ds_status read_var_string(hid_t obj, bool attr, hid_t mtype, const char *file, const char *what,
                                 char **value, ds_error *err)
{
    char *s = NULL;
    if (H5Tset_size(mtype, H5T_VARIABLE) < 0 || read_raw(obj, attr, mtype, &s) < 0) {
        char reason[256];
        ds_h5_reason(reason, sizeof reason);
        return ds_fail(err, DS_ERR_IO, "%s: cannot read %s: %s", file, what, reason);
    }
    *value = strdup(s ? s : "");
    H5free_memory(s);
    return *value ? DS_OK : ds_fail(err, DS_ERR_NOMEM, "out of memory");
}

/* A fixed-length string: one byte more than the file's size so that a string that fills
 * its slot still gets a terminator; space padding is removed. */
static ds_status read_fixed_string(hid_t obj, bool attr, hid_t ftype, hid_t mtype, const char *file,
                                   const char *what, char **value, ds_error *err)
{
    size_t n = H5Tget_size(ftype);
    if (n == 0 || n > H5R_MAX_TEXT)
        return ds_fail(err, DS_ERR_IO, "%s: %s is a string of %zu bytes; discsim reads 1 to %d", file, what, n,
                       H5R_MAX_TEXT);
    char *s = calloc(n + 1, 1);
    if (!s)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    if (H5Tset_size(mtype, n + 1) < 0 || H5Tset_strpad(mtype, H5T_STR_NULLTERM) < 0 ||
        read_raw(obj, attr, mtype, s) < 0) {
        free(s);
        char reason[256];
        ds_h5_reason(reason, sizeof reason);
        return ds_fail(err, DS_ERR_IO, "%s: cannot read %s: %s", file, what, reason);
    }
    if (H5Tget_strpad(ftype) == H5T_STR_SPACEPAD)
        for (size_t k = strlen(s); k > 0 && s[k - 1] == ' '; --k)
            s[k - 1] = '\0';
    *value = s;
    return DS_OK;
}

/* A dataset that is a list of n variable-length strings (discsim writes lists so), as one
 * text of n lines, each ended by a newline. */
static ds_status read_var_lines(hid_t obj, hid_t mtype, size_t n, const char *file, const char *what, char **value,
                                ds_error *err)
{
    char **s = calloc(n, sizeof *s);
    if (!s)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    ds_status st = DS_OK;
    if (H5Tset_size(mtype, H5T_VARIABLE) < 0 || H5Dread(obj, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) < 0) {
        char reason[256];
        ds_h5_reason(reason, sizeof reason);
        st = ds_fail(err, DS_ERR_IO, "%s: cannot read %s: %s", file, what, reason);
    }
    size_t len = 1;
    for (size_t i = 0; !st && i < n; i++)
        len += (s[i] ? strlen(s[i]) : 0) + 1;
    char *out = st ? NULL : malloc(len);
    if (!st && !out)
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (size_t i = 0, o = 0; out && i < n; i++) {
        size_t k = s[i] ? strlen(s[i]) : 0;
        memcpy(out + o, s[i] ? s[i] : "", k);
        o += k;
        out[o++] = '\n';
        out[o] = '\0';
    }
    if (out && n == 0)
        out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        H5free_memory(s[i]);
    free(s);
    *value = out;
    return st;
}

ds_status h5r_read_string(hid_t obj, bool attr, const char *file, const char *what, char **value, ds_error *err)
{
    *value = NULL;
    hid_t ftype = attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t space = attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hid_t mtype = H5I_INVALID_HID;
    H5T_class_t c = class_of_type(ftype);
    h5r_shape s;
    ds_status st = DS_OK;
    if (c == H5T_NO_CLASS)
        st = ds_fail(err, DS_ERR_IO, "%s: cannot read the type of %s", file, what);
    else if (c != H5T_STRING)
        st = ds_fail(err, DS_ERR_IO, "%s: %s holds %s, not a string", file, what, class_text(c));
    else if ((st = extent(space, file, what, &s, err)) == DS_OK && s.count != 1 && (attr || s.rank != 1))
        st = ds_fail(err, DS_ERR_IO, "%s: %s holds %zu strings, expected one or a list", file, what, s.count);
    htri_t var = st == DS_OK ? H5Tis_variable_str(ftype) : -1;
    if (st == DS_OK && !attr && s.rank == 1 && var <= 0)
        st = ds_fail(err, DS_ERR_IO, "%s: %s is a list of fixed-length strings; discsim reads lists of "
                     "variable-length ones", file, what);
    if (st == DS_OK && (var < 0 || (mtype = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_cset(mtype, H5Tget_cset(ftype)) < 0))
        st = ds_fail(err, DS_ERR_IO, "%s: cannot read the string type of %s", file, what);
    if (st == DS_OK && !attr && s.rank == 1)
        st = read_var_lines(obj, mtype, s.count, file, what, value, err);
    else if (st == DS_OK)
        st = var > 0 ? read_var_string(obj, attr, mtype, file, what, value, err)
                     : read_fixed_string(obj, attr, ftype, mtype, file, what, value, err);
    h5r_close(&mtype);
    h5r_close(&space);
    h5r_close(&ftype);
    H5Eclear2(H5E_DEFAULT);
    return st;
}

/* Opens attribute name of obj; absent: an error, or with optional DS_OK and *attr < 0. */
static ds_status open_attr(hid_t obj, const char *file, const char *obj_path, const char *name, bool optional,
                           hid_t *attr, ds_error *err)
{
    *attr = H5I_INVALID_HID;
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0)
        return h5r_fail(err, file, "look for an attribute of", obj_path);
    if (exists == 0)
        return optional ? DS_OK : ds_fail(err, DS_ERR_IO, "%s: '%s' has no attribute '%s'", file, obj_path, name);
    *attr = H5Aopen(obj, name, H5P_DEFAULT);
    return *attr < 0 ? h5r_fail(err, file, "open an attribute of", obj_path) : DS_OK;
}

ds_status h5r_attr_string(hid_t obj, const char *file, const char *obj_path, const char *name, bool optional,
                          char **value, ds_error *err)
{
    *value = NULL;
    hid_t attr;
    ds_status st = open_attr(obj, file, obj_path, name, optional, &attr, err);
    if (st == DS_OK && attr >= 0) {
        char what[600];
        snprintf(what, sizeof what, "attribute '%s' of '%s'", name, obj_path);
        st = h5r_read_string(attr, true, file, what, value, err);
    }
    h5r_close(&attr);
    return st;
}

ds_status h5r_attr_double(hid_t obj, const char *file, const char *obj_path, const char *name, double *value,
                          ds_error *err)
{
    hid_t attr;
    ds_status st = open_attr(obj, file, obj_path, name, false, &attr, err);
    if (st != DS_OK)
        return st;
    char what[600];
    snprintf(what, sizeof what, "attribute '%s' of '%s'", name, obj_path);
    hid_t type = H5Aget_type(attr), space = H5Aget_space(attr);
    H5T_class_t c = class_of_type(type);
    h5r_shape s;
    double v = 0.0;
    if (c != H5T_INTEGER && c != H5T_FLOAT)
        st = ds_fail(err, DS_ERR_IO, "%s: %s holds %s, not a number", file, what, class_text(c));
    else if ((st = extent(space, file, what, &s, err)) == DS_OK && s.count != 1)
        st = ds_fail(err, DS_ERR_IO, "%s: %s holds %zu values, expected one", file, what, s.count);
    /* one value, so H5Aread writes exactly one double */
    if (st == DS_OK && H5Aread(attr, H5T_NATIVE_DOUBLE, &v) < 0)
        st = h5r_fail(err, file, "read attribute", name);
    if (st == DS_OK && !isfinite(v))
        st = ds_fail(err, DS_ERR_IO, "%s: %s is %s, expected a finite number", file, what, isnan(v) ? "NaN" : "infinite");
    if (st == DS_OK)
        *value = v;
    h5r_close(&space);
    h5r_close(&type);
    h5r_close(&attr);
    return st;
}

ds_status h5r_check_output(hid_t fid, const char *file, char **name, ds_error *err)
{
    bool found;
    ds_status st = h5r_find(fid, file, "/meta", &found, err);
    if (st != DS_OK)
        return st;
    if (!found)
        return ds_fail(err, DS_ERR_IO, "%s: not a discsim output file (no /meta group)", file);
    hid_t meta;
    if ((st = h5r_open_object(fid, file, "/meta", H5I_GROUP, false, &meta, err)) != DS_OK)
        return st;
    char *value = NULL;
    st = h5r_attr_string(meta, file, "/meta", "scenario_name", true, &value, err);
    if (st == DS_OK && !value)
        st = ds_fail(err, DS_ERR_IO, "%s: not a discsim output file (/meta has no attribute 'scenario_name')", file);
    h5r_close(&meta);
    if (st == DS_OK && name)
        *name = value;
    else
        free(value);
    return st;
}
