/* HDF5 error handling shared by the writer and the reader (private).
 *
 * HDF5 prints its error stack to stderr by default; the library must not print, so each
 * public entry point silences it and restores the caller's handler on the way out, and
 * reports the innermost HDF5 message through ds_error instead. */
#ifndef DS_H5_COMMON_H
#define DS_H5_COMMON_H

#include <hdf5.h>
#include <stdio.h>

typedef struct ds_h5_quiet {
    H5E_auto2_t func;
    void *data;
} ds_h5_quiet;

static inline ds_h5_quiet ds_h5_quiet_begin(void)
{
    ds_h5_quiet q = {NULL, NULL};
    H5Eget_auto2(H5E_DEFAULT, &q.func, &q.data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return q;
}

static inline void ds_h5_quiet_end(ds_h5_quiet q) { H5Eset_auto2(H5E_DEFAULT, q.func, q.data); }

typedef struct ds_h5_reason_buf {
    char *buf;
    size_t len;
} ds_h5_reason_buf;

static inline herr_t ds_h5_reason_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    ds_h5_reason_buf *r = data;
    if (n == 0 && e->desc)
        snprintf(r->buf, r->len, "%s", e->desc);
    return 0;
}

/* The innermost HDF5 message is the most specific thing we can tell a user. */
static inline const char *ds_h5_reason(char *restrict buf, size_t len)
{
    ds_h5_reason_buf r = {buf, len};
    snprintf(buf, len, "HDF5 error");
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, ds_h5_reason_cb, &r);
    H5Eclear2(H5E_DEFAULT);
    return buf;
}

#endif
