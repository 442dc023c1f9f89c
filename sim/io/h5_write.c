/* The HDF5 writer's helpers: error messages, groups, attributes and descriptions shared with
 * the streams (h5_writer.c), and the generic arrays, text and attributes written beside
 * them (provenance, study results), each with `units` and `description`. */
#include "discsim/output.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "h5_common.h"
#include "h5_writer_impl.h"

/* ---- HDF5 error handling ------------------------------------------------------------- */

/* HDF5 prints its error stack to stderr by default; the library must not print, so each
 * public entry point silences it and restores the caller's handler on the way out. */

ds_status ds_h5w_fail_h5(ds_error *err, const ds_h5_writer *w, const char *what, const char *path)
{
    char reason[256];
    ds_h5_reason(reason, sizeof reason);
    return ds_fail(err, DS_ERR_IO, "%s: cannot %s '%s': %s", w->final_path, what, path, reason);
}

/* ---- small helpers ------------------------------------------------------------------- */

void ds_h5w_close_id(hid_t *id)
{
    if (*id >= 0)
        H5Idec_ref(*id);
    *id = H5I_INVALID_HID;
}

bool ds_h5w_valid_path(const char *path) { return path && path[0] == '/' && path[1] != '\0'; }

/* True if every component of an absolute path names an existing link. H5Lexists fails
 * rather than answering "no" when an intermediate group is missing, hence the walk. */
bool ds_h5w_path_exists(hid_t file, const char *restrict path)
{
    if (strcmp(path, "/") == 0)
        return true;
    char *p = strdup(path);
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

static bool is_group(hid_t file, const char *restrict path)
{
    hid_t obj = H5Oopen(file, path, H5P_DEFAULT);
    bool group = obj >= 0 && H5Iget_type(obj) == H5I_GROUP;
    ds_h5w_close_id(&obj);
    return group;
}

/* Creation property lists with time stamps off: HDF5 otherwise stores creation and
 * modification times in object headers and identical runs would differ byte for byte. */
hid_t ds_h5w_no_times_plist(hid_t cls)
{
    hid_t p = H5Pcreate(cls);
    if (p >= 0 && H5Pset_obj_track_times(p, 0) < 0)
        ds_h5w_close_id(&p);
    return p;
}

/* Creates every missing group on the way to (and, if `self`, including) path. Groups are
 * created one by one rather than through H5Pset_create_intermediate_group so that each
 * gets the time-stamp-free creation list. */
ds_status ds_h5w_make_groups(ds_h5_writer *restrict w, const char *restrict path, bool self, ds_error *err)
{
    /* the group that must exist: path itself, or its parent */
    const char *end = self ? path + strlen(path) : strrchr(path, '/');
    size_t glen = end ? (size_t)(end - path) : 0;
    if (glen > 0 && glen < sizeof w->known_group && !strncmp(w->known_group, path, glen) && !w->known_group[glen])
        return DS_OK;
    char *p = strdup(path);
    if (!p)
        return ds_fail(err, DS_ERR_NOMEM, "%s: out of memory creating groups for '%s'", w->final_path, path);
    hid_t gcpl = ds_h5w_no_times_plist(H5P_GROUP_CREATE);
    ds_status st = gcpl < 0 ? ds_h5w_fail_h5(err, w, "make a property list for", path) : DS_OK;
    /* the groups on the way to the known group (open, so a group) exist: a look-up walks the
     * path from the root (the next level's group shares all but its last name with the last) */
    const size_t klen = w->known_gid > 0 ? strlen(w->known_group) : 0;
    for (char *slash = strchr(p + 1, '/'); st == DS_OK; slash = strchr(slash + 1, '/')) {
        if (slash)
            *slash = '\0';
        else if (!self)
            break;
        const size_t plen = strlen(p);
        const int known = klen > 0 && plen <= klen && !strncmp(w->known_group, p, plen) &&
                          (w->known_group[plen] == '/' || w->known_group[plen] == '\0');
        htri_t exists = known ? 1 : H5Lexists(w->file, p, H5P_DEFAULT);
        if (exists < 0) {
            st = ds_h5w_fail_h5(err, w, "look up", p);
        } else if (!exists) {
            hid_t g = H5Gcreate2(w->file, p, H5P_DEFAULT, gcpl, H5P_DEFAULT);
            if (g < 0)
                st = ds_h5w_fail_h5(err, w, "create group", p);
            ds_h5w_close_id(&g);
        } else if (slash && !known && !is_group(w->file, p)) {
            st = ds_fail(err, DS_ERR_USAGE, "%s: cannot create '%s': '%s' is a dataset, not a group", w->final_path,
                         path, p);
        }
        if (!slash)
            break;
        *slash = '/';
    }
    ds_h5w_close_id(&gcpl);
    free(p);
    if (st == DS_OK && glen > 0 && glen < sizeof w->known_group) {
        ds_h5w_forget_group(w);
        snprintf(w->known_group, sizeof w->known_group, "%.*s", (int)glen, path);
        hid_t g = H5Gopen2(w->file, w->known_group, H5P_DEFAULT);
        w->known_gid = g > 0 ? g : 0; /* not open: objects are made from the root */
    }
    return st;
}

void ds_h5w_forget_group(ds_h5_writer *w)
{
    if (w->known_gid > 0)
        H5Gclose(w->known_gid);
    w->known_gid = 0;
    w->known_group[0] = '\0';
}

hid_t ds_h5w_parent(const ds_h5_writer *w, const char *path, const char **name)
{
    const char *slash = strrchr(path, '/');
    const size_t glen = slash ? (size_t)(slash - path) : 0;
    if (w->known_gid > 0 && glen > 0 && !strncmp(w->known_group, path, glen) && !w->known_group[glen]) {
        *name = slash + 1;
        return w->known_gid;
    }
    *name = path;
    return w->file;
}

/* Link creation list shared by every dataset: intermediate groups are made by make_groups
 * beforehand; the flag is a safety net for anything make_groups did not anticipate. */
hid_t ds_h5w_make_lcpl(void)
{
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    if (lcpl >= 0 && (H5Pset_create_intermediate_group(lcpl, 1) < 0 ||
                      H5Pset_char_encoding(lcpl, H5T_CSET_UTF8) < 0))
        ds_h5w_close_id(&lcpl);
    return lcpl;
}

/* Variable-length UTF-8: h5py returns str, h5dump and MATLAB read it, and long texts (the
 * scenario) need no length limit; attributes use the same type for consistency. */
hid_t ds_h5w_utf8_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0))
        ds_h5w_close_id(&t);
    return t;
}

/* Writes (replacing any previous value) a scalar string attribute on an open object. */
herr_t ds_h5w_put_attr_string(hid_t obj, const char *name, const char *value)
{
    hid_t type = ds_h5w_utf8_type();
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5I_INVALID_HID;
    herr_t rc = -1;
    if (type >= 0 && space >= 0) {
        htri_t exists = H5Aexists(obj, name);
        if (exists == 0 || (exists > 0 && H5Adelete(obj, name) >= 0))
            attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0)
            rc = H5Awrite(attr, type, &value);
    }
    ds_h5w_close_id(&attr);
    ds_h5w_close_id(&space);
    ds_h5w_close_id(&type);
    return rc;
}

herr_t ds_h5w_put_attr_scalar(hid_t obj, const char *restrict name, hid_t file_type, hid_t mem_type,
                              const void *restrict value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5I_INVALID_HID;
    herr_t rc = -1;
    if (space >= 0) {
        htri_t exists = H5Aexists(obj, name);
        if (exists == 0 || (exists > 0 && H5Adelete(obj, name) >= 0))
            attr = H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0)
            rc = H5Awrite(attr, mem_type, value);
    }
    ds_h5w_close_id(&attr);
    ds_h5w_close_id(&space);
    return rc;
}

/* units / description on a freshly created dataset; NULL means "omit". */
ds_status ds_h5w_describe(ds_h5_writer *restrict w, hid_t dset, const char *restrict path,
                          const char *restrict units, const char *restrict description, ds_error *err)
{
    if (units && ds_h5w_put_attr_string(dset, "units", units) < 0)
        return ds_h5w_fail_h5(err, w, "write attribute 'units' of", path);
    if (description && ds_h5w_put_attr_string(dset, "description", description) < 0)
        return ds_h5w_fail_h5(err, w, "write attribute 'description' of", path);
    return DS_OK;
}


static ds_status check_helper_args(const ds_h5_writer *w, const char *path, const char *fn, ds_error *err)
{
    if (!w)
        return ds_fail(err, DS_ERR_USAGE, "%s: no writer", fn);
    if (!ds_h5w_valid_path(path))
        return ds_fail(err, DS_ERR_USAGE, "%s: %s: path '%s' must be absolute, e.g. '/meta/seed'", w->final_path, fn,
                       path ? path : "(null)");
    return DS_OK;
}

/* Keeps *dset (open, at path) among the writer's datasets for pieces and takes it over
 * (*dset becomes invalid); without memory for it, leaves it to the caller. */
static void keep_open(ds_h5_writer *w, const char *path, hid_t *dset)
{
    if (w->nopen_at == w->capopen_at) {
        const int cap = w->capopen_at ? 2 * w->capopen_at : 64;
        struct ds_h5_open_at *grown = realloc(w->open_at, (size_t)cap * sizeof *grown);
        if (!grown)
            return;
        w->open_at = grown;
        w->capopen_at = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return;
    w->open_at[w->nopen_at++] = (struct ds_h5_open_at){copy, *dset};
    *dset = H5I_INVALID_HID;
}

/* The dataset at path kept open for pieces, or H5I_INVALID_HID. The pieces go to the
 * datasets in turn, so the search starts after the last one found. */
static hid_t open_at(ds_h5_writer *w, const char *path)
{
    for (int k = 0; k < w->nopen_at; k++) {
        const int e = (w->last_at + 1 + k) % w->nopen_at;
        if (strcmp(w->open_at[e].path, path) == 0) {
            w->last_at = e;
            return w->open_at[e].id;
        }
    }
    return H5I_INVALID_HID;
}

ds_status ds_h5w_close_open_at(ds_h5_writer *w, ds_error *err)
{
    ds_status st = DS_OK;
    for (int k = 0; k < w->nopen_at; k++) {
        if (H5Dclose(w->open_at[k].id) < 0 && st == DS_OK)
            st = err ? ds_h5w_fail_h5(err, w, "close dataset", w->open_at[k].path) : DS_ERR_IO;
        free(w->open_at[k].path);
    }
    free(w->open_at);
    w->open_at = NULL;
    w->nopen_at = w->capopen_at = w->last_at = 0;
    return st;
}

/* Creates a contiguous, uncompressed dataset at path (which must not exist yet) and writes
 * data, converting from mem_type to file_type. rank 0 is a scalar. With data NULL (rank 1
 * only) the dataset is left for ds_h5_write_doubles_at to fill in pieces; with fill too
 * (doubles), it is stored in chunks of `chunk` elements, and what is not written reads *fill. */
static ds_status write_array_filled(ds_h5_writer *restrict w, const char *restrict path, int rank,
                                    const size_t *dims, hid_t file_type, hid_t mem_type, const void *data,
                                    const double *fill, size_t chunk, const char *units, const char *description,
                                    ds_error *err)
{
    if (rank < 0 || rank > H5S_MAX_RANK || (rank > 0 && !dims) || (!data && rank != 1))
        return ds_fail(err, DS_ERR_USAGE, "%s: dataset '%s': invalid rank %d or missing dims/data", w->final_path, path,
                       rank);
    hsize_t hdims[H5S_MAX_RANK];
    for (int i = 0; i < rank; ++i)
        hdims[i] = dims[i];

    ds_h5_quiet q = ds_h5_quiet_begin();
    ds_status st = ds_h5w_make_groups(w, path, false, err);
    hid_t dset = H5I_INVALID_HID;
    if (st == DS_OK) {
        hid_t space = rank > 0 ? H5Screate_simple(rank, hdims, NULL) : H5Screate(H5S_SCALAR);
        hid_t dcpl = ds_h5w_no_times_plist(H5P_DATASET_CREATE);
        /* written whole below: no fill value first (HDF5 would write one through a buffer
         * of the dataset's size, a peak of memory with a cohort's per-subject arrays; it
         * refuses this for strings of variable length) */
        if (data && dcpl >= 0 && H5Tis_variable_str(file_type) == 0 &&
            H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0)
            ds_h5w_close_id(&dcpl);
        const hsize_t whole = rank == 1 && hdims[0] > 0 ? hdims[0] : 1;
        const hsize_t ch[1] = {rank == 1 && chunk > 0 && chunk < whole ? chunk : whole};
        if (!data && fill && dcpl >= 0 &&
            (H5Pset_chunk(dcpl, 1, ch) < 0 || H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, fill) < 0))
            ds_h5w_close_id(&dcpl);
        hid_t lcpl = ds_h5w_make_lcpl();
        const char *name;
        const hid_t parent = ds_h5w_parent(w, path, &name);
        /* chunks written whole, a piece each: no chunk cache (HDF5's 1 MiB per dataset would
         * hold a cohort's pieces in memory while the dataset stays open for them) */
        hid_t dapl = !data && fill ? H5Pcreate(H5P_DATASET_ACCESS) : H5P_DEFAULT;
        if (dapl != H5P_DEFAULT && (dapl < 0 || H5Pset_chunk_cache(dapl, 0, 0, H5D_CHUNK_CACHE_W0_DEFAULT) < 0))
            ds_h5w_close_id(&dcpl);
        if (space >= 0 && dcpl >= 0 && lcpl >= 0)
            dset = H5Dcreate2(parent, name, file_type, space, lcpl, dcpl, dapl);
        if (dapl != H5P_DEFAULT)
            ds_h5w_close_id(&dapl);
        /* a name already taken is looked up only then (a look-up walks every group of the
         * path, as many as a hundredth of a run's instructions when done for every dataset) */
        if (dset < 0 && ds_h5w_path_exists(w->file, path))
            st = ds_fail(err, DS_ERR_USAGE, "%s: dataset '%s' is written twice", w->final_path, path);
        else if (dset < 0)
            st = ds_h5w_fail_h5(err, w, "create dataset", path);
        else if (data) {
            /* a conversion's buffer about the array's size: HDF5's default, 1 MiB zeroed per
             * write, was a sixth of a one-level run's instructions (its string lists); a
             * variable-length string takes 16 bytes on its way to the file, and 4 KiB keeps
             * the smallest writes whole. At most 256 KiB: HDF5 converts a larger array in
             * strips, and a buffer (with its background buffer) of a cohort's size was the
             * run's peak of memory */
            size_t n = 1, esize = H5Tget_size(mem_type) > H5Tget_size(file_type) ? H5Tget_size(mem_type)
                                                                                 : H5Tget_size(file_type);
            for (int i = 0; i < rank; ++i)
                n *= dims[i];
            size_t bytes = n * (esize > 16 ? esize : 16);
            bytes = bytes < 4096 ? 4096 : bytes > 262144 ? 262144 : bytes;
            hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
            if (dxpl < 0 || H5Pset_buffer(dxpl, bytes, NULL, NULL) < 0 ||
                H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, dxpl, data) < 0)
                st = ds_h5w_fail_h5(err, w, "write dataset", path);
            ds_h5w_close_id(&dxpl);
        }
        ds_h5w_close_id(&lcpl);
        ds_h5w_close_id(&dcpl);
        ds_h5w_close_id(&space);
    }
    if (st == DS_OK)
        st = ds_h5w_describe(w, dset, path, units, description, err);
    if (st == DS_OK && !data) /* to be written in pieces: kept open for them, if it can be */
        keep_open(w, path, &dset);
    ds_h5w_close_id(&dset);
    ds_h5_quiet_end(q);
    return st;
}

static ds_status write_array(ds_h5_writer *restrict w, const char *restrict path, int rank, const size_t *dims,
                             hid_t file_type, hid_t mem_type, const void *data, const char *units,
                             const char *description, ds_error *err)
{
    return write_array_filled(w, path, rank, dims, file_type, mem_type, data, NULL, 0, units, description, err);
}

ds_status ds_h5_write_doubles(ds_h5_writer *w, const char *path, int rank, const size_t *dims, const double *data,
                              const char *units, const char *description, ds_error *err)
{
    ds_status st = check_helper_args(w, path, "ds_h5_write_doubles", err);
    if (st != DS_OK)
        return st;
    return write_array(w, path, rank, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, units, description, err);
}

ds_status ds_h5_create_doubles(ds_h5_writer *w, const char *path, size_t n, const double *fill, size_t chunk,
                               const char *units, const char *description, ds_error *err)
{
    ds_status st = check_helper_args(w, path, "ds_h5_create_doubles", err);
    if (st != DS_OK)
        return st;
    return write_array_filled(w, path, 1, &n, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, NULL, fill, chunk, units,
                              description, err);
}

ds_status ds_h5_write_doubles_at(ds_h5_writer *w, const char *path, size_t first, size_t count, const double *data,
                                 ds_error *err)
{
    ds_status st = check_helper_args(w, path, "ds_h5_write_doubles_at", err);
    if (st != DS_OK || count == 0)
        return st;
    if (!data)
        return ds_fail(err, DS_ERR_USAGE, "%s: dataset '%s': no data", w->final_path, path);
    ds_h5_quiet q = ds_h5_quiet_begin();
    const hid_t kept = open_at(w, path);
    hid_t dset = kept >= 0 ? kept : H5Dopen2(w->file, path, H5P_DEFAULT);
    hid_t fspace = dset >= 0 ? H5Dget_space(dset) : H5I_INVALID_HID;
    hsize_t off[1] = {first}, cnt[1] = {count}, have[1] = {0};
    hid_t mspace = H5Screate_simple(1, cnt, NULL);
    if (fspace >= 0 && (H5Sget_simple_extent_ndims(fspace) != 1 || H5Sget_simple_extent_dims(fspace, have, NULL) < 0 ||
                        first + count > have[0]))
        st = ds_fail(err, DS_ERR_USAGE, "%s: dataset '%s': elements %zu to %zu are outside it", w->final_path, path,
                     first, first + count - 1);
    else if (dset < 0 || fspace < 0 || mspace < 0 ||
             H5Sselect_hyperslab(fspace, H5S_SELECT_SET, off, NULL, cnt, NULL) < 0 ||
             H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, data) < 0)
        st = ds_h5w_fail_h5(err, w, "write part of dataset", path);
    ds_h5w_close_id(&mspace);
    ds_h5w_close_id(&fspace);
    if (kept < 0)
        ds_h5w_close_id(&dset);
    ds_h5_quiet_end(q);
    return st;
}

ds_status ds_h5_write_int64s(ds_h5_writer *w, const char *path, int rank, const size_t *dims, const int64_t *data,
                             const char *units, const char *description, ds_error *err)
{
    ds_status st = check_helper_args(w, path, "ds_h5_write_int64s", err);
    if (st != DS_OK)
        return st;
    return write_array(w, path, rank, dims, H5T_STD_I64LE, H5T_NATIVE_INT64, data, units, description, err);
}

ds_status ds_h5_write_text(ds_h5_writer *w, const char *path, const char *text, const char *description,
                           ds_error *err)
{
    ds_status st = check_helper_args(w, path, "ds_h5_write_text", err);
    if (st != DS_OK)
        return st;
    if (!text)
        return ds_fail(err, DS_ERR_USAGE, "%s: text for '%s' is NULL", w->final_path, path);
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t type = ds_h5w_utf8_type();
    ds_h5_quiet_end(q);
    if (type < 0)
        return ds_fail(err, DS_ERR_IO, "%s: cannot make a string type for '%s'", w->final_path, path);
    /* HDF5 reads variable-length strings from an array of char pointers. */
    st = write_array(w, path, 0, NULL, type, type, &text, NULL, description, err);
    q = ds_h5_quiet_begin();
    ds_h5w_close_id(&type);
    ds_h5_quiet_end(q);
    return st;
}

/* Opens the object at obj_path, creating a group (and its parents) if nothing is there. */
static ds_status open_or_make(ds_h5_writer *restrict w, const char *restrict obj_path, hid_t *obj, ds_error *err)
{
    *obj = H5I_INVALID_HID;
    if (!obj_path || obj_path[0] != '/')
        return ds_fail(err, DS_ERR_USAGE, "%s: attribute target '%s' must be an absolute path", w->final_path,
                       obj_path ? obj_path : "(null)");
    if (!ds_h5w_path_exists(w->file, obj_path)) {
        ds_status st = ds_h5w_make_groups(w, obj_path, true, err);
        if (st != DS_OK)
            return st;
    }
    *obj = H5Oopen(w->file, obj_path, H5P_DEFAULT);
    return *obj < 0 ? ds_h5w_fail_h5(err, w, "open", obj_path) : DS_OK;
}

/* Shared body of the three attribute setters; value is a char * for strings. */
static ds_status set_attr(ds_h5_writer *w, const char *obj_path, const char *name, hid_t file_type, hid_t mem_type,
                          const void *value, const char *fn, ds_error *err)
{
    if (!w)
        return ds_fail(err, DS_ERR_USAGE, "%s: no writer", fn);
    if (!name || !*name)
        return ds_fail(err, DS_ERR_USAGE, "%s: %s: empty attribute name on '%s'", w->final_path, fn,
                       obj_path ? obj_path : "(null)");
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t obj;
    ds_status st = open_or_make(w, obj_path, &obj, err);
    if (st == DS_OK) {
        herr_t rc = file_type < 0 ? ds_h5w_put_attr_string(obj, name, *(const char *const *)value)
                                  : ds_h5w_put_attr_scalar(obj, name, file_type, mem_type, value);
        if (rc < 0) {
            char what[64 + 256];
            snprintf(what, sizeof what, "write attribute '%s' of", name);
            st = ds_h5w_fail_h5(err, w, what, obj_path);
        }
    }
    ds_h5w_close_id(&obj);
    ds_h5_quiet_end(q);
    return st;
}

ds_status ds_h5_attr_string(ds_h5_writer *w, const char *obj_path, const char *name, const char *value,
                            ds_error *err)
{
    if (!value)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_attr_string: value of '%s' is NULL", name ? name : "(null)");
    return set_attr(w, obj_path, name, H5I_INVALID_HID, H5I_INVALID_HID, &value, "ds_h5_attr_string", err);
}

ds_status ds_h5_attr_double(ds_h5_writer *w, const char *obj_path, const char *name, double value, ds_error *err)
{
    return set_attr(w, obj_path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, "ds_h5_attr_double", err);
}

ds_status ds_h5_attr_int64(ds_h5_writer *w, const char *obj_path, const char *name, int64_t value, ds_error *err)
{
    return set_attr(w, obj_path, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, "ds_h5_attr_int64", err);
}

/* ---- finishing ----------------------------------------------------------------------- */


/* Chunks of the sparse list: a chunk no string of which is given is never stored. */
enum { SPARSE_CHUNK = 4096, SPARSE_POINTS = 512 /* written at a time */ };

ds_status ds_h5_write_strings_sparse(ds_h5_writer *w, const char *path, size_t n, size_t k, const size_t *index,
                                     const char *const *strings, const char *description, ds_error *err)
{
    ds_status st = check_helper_args(w, path, "ds_h5_write_strings_sparse", err);
    if (st != DS_OK)
        return st;
    if (k > 0 && (!index || !strings))
        return ds_fail(err, DS_ERR_USAGE, "%s: '%s': %zu strings given without them or their places", w->final_path,
                       path, k);
    if (n == 0) /* HDF5 chunks no empty dataset: an empty list as ds_h5_write_strings writes it */
        return ds_h5_write_strings(w, path, 0, NULL, description, err);
    for (size_t i = 0; i < k; i++)
        if (!strings[i] || index[i] >= n || (i > 0 && index[i] <= index[i - 1]))
            return ds_fail(err, DS_ERR_USAGE, "%s: string %zu of '%s': NULL, or its index out of range or order",
                           w->final_path, i, path);
    ds_h5_quiet q = ds_h5_quiet_begin();
    if ((st = ds_h5w_make_groups(w, path, false, err))) {
        ds_h5_quiet_end(q);
        return st;
    }
    hsize_t dim[1] = {n}, chunk[1] = {n < SPARSE_CHUNK ? n : SPARSE_CHUNK};
    static const char *const empty = "";
    hid_t type = ds_h5w_utf8_type(), space = H5Screate_simple(1, dim, NULL);
    hid_t dcpl = ds_h5w_no_times_plist(H5P_DATASET_CREATE), lcpl = ds_h5w_make_lcpl();
    hid_t dset = H5I_INVALID_HID, sel = H5I_INVALID_HID, mem = H5I_INVALID_HID;
    const char *name;
    const hid_t parent = ds_h5w_parent(w, path, &name);
    /* the empty string as the fill value, chunks stored when written: a reader sees "" for
     * every string not given, and the file holds nothing for them (written one by one, a
     * cohort's empty strings were each an object of HDF5's global heap, the run's peak of
     * memory) */
    if (type < 0 || space < 0 || dcpl < 0 || lcpl < 0 || H5Pset_chunk(dcpl, 1, chunk) < 0 ||
        H5Pset_fill_value(dcpl, type, &empty) < 0 || H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_INCR) < 0 ||
        (dset = H5Dcreate2(parent, name, type, space, lcpl, dcpl, H5P_DEFAULT)) < 0)
        st = dset < 0 && type >= 0 && ds_h5w_path_exists(w->file, path)
                 ? ds_fail(err, DS_ERR_USAGE, "%s: dataset '%s' is written twice", w->final_path, path)
                 : ds_h5w_fail_h5(err, w, "create dataset", path);
    for (size_t i0 = 0; !st && i0 < k; i0 += SPARSE_POINTS) {
        const size_t m = k - i0 < SPARSE_POINTS ? k - i0 : SPARSE_POINTS;
        hsize_t pts[SPARSE_POINTS], mdim[1] = {m};
        for (size_t i = 0; i < m; i++)
            pts[i] = index[i0 + i];
        if ((sel = H5Dget_space(dset)) < 0 || H5Sselect_elements(sel, H5S_SELECT_SET, m, pts) < 0 ||
            (mem = H5Screate_simple(1, mdim, NULL)) < 0 ||
            H5Dwrite(dset, type, mem, sel, H5P_DEFAULT, strings + i0) < 0)
            st = ds_h5w_fail_h5(err, w, "write dataset", path);
        ds_h5w_close_id(&mem);
        ds_h5w_close_id(&sel);
    }
    if (!st)
        st = ds_h5w_describe(w, dset, path, NULL, description, err);
    ds_h5w_close_id(&dset);
    ds_h5w_close_id(&lcpl);
    ds_h5w_close_id(&dcpl);
    ds_h5w_close_id(&space);
    ds_h5w_close_id(&type);
    ds_h5_quiet_end(q);
    return st;
}

ds_status ds_h5_write_strings(ds_h5_writer *w, const char *path, size_t n, const char *const *strings,
                              const char *description, ds_error *err)
{
    ds_status st = check_helper_args(w, path, "ds_h5_write_strings", err);
    if (st != DS_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        if (!strings[i])
            return ds_fail(err, DS_ERR_USAGE, "%s: string %zu of '%s' is NULL", w->final_path, i, path);
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t type = ds_h5w_utf8_type();
    ds_h5_quiet_end(q);
    if (type < 0)
        return ds_fail(err, DS_ERR_IO, "%s: cannot make a string type for '%s'", w->final_path, path);
    static const char *const none[1] = {""};
    size_t dims[1] = {n};
    /* an empty list is a dataset of length 0; HDF5 still wants a buffer */
    st = write_array(w, path, 1, dims, type, type, n ? (const void *)strings : (const void *)none, NULL, description,
                     err);
    q = ds_h5_quiet_begin();
    ds_h5w_close_id(&type);
    ds_h5_quiet_end(q);
    return st;
}
