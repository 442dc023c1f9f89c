/* HDF5 output reader: whole datasets, strings and attributes for tests and plotting, each
 * call opening and closing the file (`discsim info` is in h5_info.c).
 *
 * The reader accepts any file with the expected paths, not only ours: string attributes may
 * be fixed- or variable-length, integer datasets are converted to double on reading. What it
 * does not do is trust the file (see h5_check.h). */
#include <stdlib.h>
#include <string.h>

#include "h5_check.h"
#include "h5_common.h"

/* ---- public readers: each opens the file, reads and closes it ------------------------------ */

ds_status ds_h5_read_array(const char *file, const char *path, const ds_h5_want *want, ds_h5_array *out,
                           ds_error *err)
{
    if (!out)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_read_array: NULL output argument");
    memset(out, 0, sizeof *out);
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid;
    ds_status st = h5r_open_file(file, &fid, err);
    if (st == DS_OK)
        st = h5r_read_array(fid, file, path, want, out, err);
    h5r_close(&fid);
    ds_h5_quiet_end(q);
    return st;
}

void ds_h5_array_free(ds_h5_array *a)
{
    if (!a)
        return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

ds_status ds_h5_check_output(const char *file, char **name, ds_error *err)
{
    if (name)
        *name = NULL;
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid;
    ds_status st = h5r_open_file(file, &fid, err);
    if (st == DS_OK)
        st = h5r_check_output(fid, file, name, err);
    h5r_close(&fid);
    ds_h5_quiet_end(q);
    return st;
}

/* A numeric dataset of any rank up to max_rank, read whole as doubles. */
static ds_status read_any(const char *file, const char *path, int max_rank, h5r_shape *s, double **data,
                          ds_error *err)
{
    *data = NULL;
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid, dset = H5I_INVALID_HID;
    ds_status st = h5r_open_file(file, &fid, err);
    if (st == DS_OK)
        st = h5r_open_object(fid, file, path, H5I_DATASET, false, &dset, err);
    if (st == DS_OK)
        st = h5r_numeric_shape(dset, file, path, s, err);
    if (st == DS_OK && s->rank > max_rank)
        st = ds_fail(err, DS_ERR_IO, "%s: dataset '%s' has %d dimensions; at most %d can be read", file, path, s->rank,
                     max_rank);
    if (st == DS_OK)
        st = h5r_read_values(dset, H5T_NATIVE_DOUBLE, s, file, path, (void **)data, err);
    /* callers index data[0] of a dataset with no values: give them a buffer */
    if (st == DS_OK && !*data && !(*data = calloc(1, sizeof **data)))
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
    h5r_close(&dset);
    h5r_close(&fid);
    ds_h5_quiet_end(q);
    return st;
}

ds_status ds_h5_read_doubles(const char *file, const char *path, int *rank, size_t dims[2], double **data,
                             ds_error *err)
{
    if (!rank || !dims || !data)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_read_doubles: NULL output argument");
    h5r_shape s;
    ds_status st = read_any(file, path, 2, &s, data, err);
    if (st != DS_OK)
        return st;
    *rank = s.rank;
    dims[0] = s.rank > 0 ? (size_t)s.dims[0] : 1;
    dims[1] = s.rank > 1 ? (size_t)s.dims[1] : 1;
    return DS_OK;
}

ds_status ds_h5_read_flat(const char *file, const char *path, size_t *count, double **data, ds_error *err)
{
    if (!count || !data)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_read_flat: NULL output argument");
    *count = 0;
    h5r_shape s;
    ds_status st = read_any(file, path, H5S_MAX_RANK, &s, data, err);
    if (st == DS_OK)
        *count = s.count;
    return st;
}

/* Opens the file and the object at obj_path (a group or a dataset) for its attributes. */
static ds_status open_for_attr(const char *file, const char *obj_path, hid_t *fid, hid_t *obj, ds_error *err)
{
    *obj = H5I_INVALID_HID;
    ds_status st = h5r_open_file(file, fid, err);
    bool found = false;
    if (st == DS_OK)
        st = h5r_find(*fid, file, obj_path, &found, err);
    if (st == DS_OK && !found)
        st = ds_fail(err, DS_ERR_IO, "%s: no object '%s' in the file", file, obj_path);
    if (st == DS_OK && (*obj = H5Oopen(*fid, obj_path, H5P_DEFAULT)) < 0)
        st = h5r_fail(err, file, "open", obj_path);
    return st;
}

ds_status ds_h5_read_attr_string(const char *file, const char *obj_path, const char *name, char **value,
                                 ds_error *err)
{
    if (!value || !name)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_read_attr_string: NULL argument");
    *value = NULL;
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid, obj;
    ds_status st = open_for_attr(file, obj_path, &fid, &obj, err);
    if (st == DS_OK)
        st = h5r_attr_string(obj, file, obj_path, name, false, value, err);
    h5r_close(&obj);
    h5r_close(&fid);
    ds_h5_quiet_end(q);
    return st;
}

ds_status ds_h5_read_attr_double(const char *file, const char *obj_path, const char *name, double *value,
                                 ds_error *err)
{
    if (!value || !name)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_read_attr_double: NULL argument");
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid, obj;
    ds_status st = open_for_attr(file, obj_path, &fid, &obj, err);
    if (st == DS_OK)
        st = h5r_attr_double(obj, file, obj_path, name, value, err);
    h5r_close(&obj);
    h5r_close(&fid);
    ds_h5_quiet_end(q);
    return st;
}

ds_status ds_h5_read_text(const char *file, const char *path, char **text, ds_error *err)
{
    if (!text)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_read_text: NULL output argument");
    *text = NULL;
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid, dset = H5I_INVALID_HID;
    ds_status st = h5r_open_file(file, &fid, err);
    if (st == DS_OK)
        st = h5r_open_object(fid, file, path, H5I_DATASET, false, &dset, err);
    if (st == DS_OK) {
        char what[600];
        snprintf(what, sizeof what, "dataset '%s'", path);
        st = h5r_read_string(dset, false, file, what, text, err);
    }
    h5r_close(&dset);
    h5r_close(&fid);
    ds_h5_quiet_end(q);
    return st;
}

int ds_h5_exists(const char *file, const char *path)
{
    ds_h5_quiet q = ds_h5_quiet_begin();
    hid_t fid;
    ds_error err;
    bool found = false;
    if (h5r_open_file(file, &fid, &err) == DS_OK) {
        ds_status st = h5r_find(fid, file, path, &found, &err);
        found = found || st == DS_ERR_IO; /* a link: the read that follows reports it */
    }
    h5r_close(&fid);
    ds_h5_quiet_end(q);
    return found;
}
