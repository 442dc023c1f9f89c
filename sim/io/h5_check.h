/* Checked reading of HDF5 files (private to sim/io): the pieces the public readers
 * (h5_read.c) and `discsim info` (h5_info.c) share, in h5_check.c.
 *
 * Every function takes the file name and the object's path only to name them in messages.
 * A failure is DS_ERR_IO (DS_ERR_NOMEM for memory) with a one-line message
 * "<file>: <dataset or attribute> <what is wrong>". */
#ifndef DS_H5_CHECK_H
#define DS_H5_CHECK_H

#include <hdf5.h>
#include <stdbool.h>

#include "discsim/output.h"

/* The longest string read: far beyond any scenario text, and a bound on what a fixed-length
 * string type in a crafted file can make us allocate. */
enum { H5R_MAX_TEXT = 1 << 24 };

void h5r_close(hid_t *id);

/* "<file>: cannot <what> '<path>': <innermost HDF5 message>"; clears HDF5's error stack. */
ds_status h5r_fail(ds_error *err, const char *file, const char *what, const char *path);

/* Opens a regular file read-only, with its own message for a missing, empty, non-HDF5 or
 * unopenable (truncated, corrupt) file. Objects left open close with the file. */
ds_status h5r_open_file(const char *file, hid_t *out, ds_error *err);

/* Looks path up one component at a time: *found is true if every component is a hard link,
 * false if one is missing; a soft, external or user-defined link is an error (it could lead
 * out of the file, or in circles). */
ds_status h5r_find(hid_t fid, const char *file, const char *path, bool *found, ds_error *err);

/* Opens the object at path, which must be of the given type (H5I_DATASET or H5I_GROUP).
 * Absent: an error, or with optional DS_OK and *out < 0. */
ds_status h5r_open_object(hid_t fid, const char *file, const char *path, H5I_type_t type, bool optional,
                          hid_t *out, ds_error *err);

/* The extent of a numeric dataset, checked: numbers (integer or floating point), a scalar or
 * simple dataspace, each dimension and the product of all at most DS_H5_MAX_VALUES, values
 * stored in the file (not in external files or other datasets) and in plausible quantity. */
typedef struct h5r_shape {
    int rank;
    hsize_t dims[H5S_MAX_RANK];
    size_t count;
    bool integer; /* read exactly as int64 where that matters */
} h5r_shape;

ds_status h5r_numeric_shape(hid_t dset, const char *file, const char *path, h5r_shape *s, ds_error *err);

/* Checks a shape against what the caller wants (rank, dims, nonempty). */
ds_status h5r_match(const h5r_shape *s, const ds_h5_want *want, const char *file, const char *path,
                    ds_error *err);

/* Reads all s->count values of dset as mtype (H5T_NATIVE_DOUBLE or H5T_NATIVE_INT64, 8 bytes
 * each) into *out (malloc'ed; NULL when there are none). */
ds_status h5r_read_values(hid_t dset, hid_t mtype, const h5r_shape *s, const char *file, const char *path,
                          void **out, ds_error *err);

/* The whole checked read of ds_h5_read_array on an open file. */
ds_status h5r_read_array(hid_t fid, const char *file, const char *path, const ds_h5_want *want,
                         ds_h5_array *out, ds_error *err);

/* The single string held by an attribute (attr) or a dataset (!attr) `obj`; `what` names it
 * in messages ("attribute 'units' of '/time'"). *value is malloc'ed. */
ds_status h5r_read_string(hid_t obj, bool attr, const char *file, const char *what, char **value, ds_error *err);

/* String attribute `name` of the object obj at obj_path. Absent: an error, or with optional
 * DS_OK and *value NULL. */
ds_status h5r_attr_string(hid_t obj, const char *file, const char *obj_path, const char *name, bool optional,
                          char **value, ds_error *err);

/* Numeric attribute `name` of obj: a single finite value. */
ds_status h5r_attr_double(hid_t obj, const char *file, const char *obj_path, const char *name, double *value,
                          ds_error *err);

/* /meta must carry the string attribute scenario_name (returned if name is not NULL). */
ds_status h5r_check_output(hid_t fid, const char *file, char **name, ds_error *err);

#endif
