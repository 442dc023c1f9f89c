/* Dimension scales (HDF5's high-level H5DS): the axes of discsim's arrays, named and with
 * their coordinates (subject, time, a sweep's values), as netCDF-4 and xarray read them. */
#include <hdf5.h>
#include <hdf5_hl.h>

#include <string.h>

#include "h5_common.h"
#include "h5_writer_impl.h"

ds_status ds_h5_attach_scale(ds_h5_writer *w, const char *path, int dim, const char *scale_path, const char *name,
                             ds_error *err)
{
    if (!w || !path || !scale_path || !name || dim < 0)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_attach_scale: missing argument");
    ds_h5_quiet q = ds_h5_quiet_begin();
    ds_status st = DS_OK;
    /* the stream's subject axis is open already, and a scale (see stream_axes) */
    const bool subj = w->subj_scale >= 0 && !strcmp(scale_path, w->subj_path);
    hid_t dset = H5Dopen2(w->file, path, H5P_DEFAULT);
    hid_t scale = subj ? w->subj_scale : dset >= 0 ? H5Dopen2(w->file, scale_path, H5P_DEFAULT) : H5I_INVALID_HID;
    if (dset < 0)
        st = ds_h5w_fail_h5(err, w, "open dataset", path);
    else if (scale < 0)
        st = ds_h5w_fail_h5(err, w, "open dimension scale", scale_path);
    htri_t is = st ? -1 : subj ? 1 : H5DSis_scale(scale);
    if (!st && (is < 0 || (!is && H5DSset_scale(scale, name) < 0)))
        st = ds_h5w_fail_h5(err, w, "make a dimension scale of", scale_path);
    if (!st && (H5DSattach_scale(dset, scale, (unsigned)dim) < 0 || H5DSset_label(dset, (unsigned)dim, name) < 0))
        st = ds_h5w_fail_h5(err, w, "attach a dimension scale to", path);
    if (!subj)
        ds_h5w_close_id(&scale);
    ds_h5w_close_id(&dset);
    ds_h5_quiet_end(q);
    return st;
}
