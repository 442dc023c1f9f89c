/* The HDF5 writer's state and the helpers its two files share (private to io/). */
#ifndef DS_IO_H5_WRITER_IMPL_H
#define DS_IO_H5_WRITER_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <hdf5.h>

#include "discsim/output.h"

struct ds_h5_writer {
    hid_t file;
    hid_t time_dset;
    struct ds_h5_attach *attach; /* dimension-scale attachments, written at the end (h5_scales.c) */
    size_t nattach, capattach;
    struct {               /* the scales of recent attachments and their references: the same few
                              scales are named for every dataset (an empty path: none yet) */
        char path[256];
        hobj_ref_t ref;
    } scale_ref[4];
    int scale_next;        /* the entry the next new scale takes */
    char known_group[600]; /* the last group made or found on the way to a dataset: the next
                              dataset is mostly in the same one, and needs no look-ups */
    hid_t known_gid;       /* that group, open (> 0), so that datasets are made in it by
                              their own name instead of a walk from the root */
    struct ds_h5_open_at { /* datasets made to be written in pieces, kept open until the file
                              is closed: a cohort's parameters are some ninety datasets written
                              a thousand subjects at a time, and opening one again reads its
                              header back from the file */
        char *path;
        hid_t id;
    } *open_at;
    int nopen_at, capopen_at, last_at; /* last_at: the entry the last piece went to */
    hid_t *dsets;   /* (nseries) */
    char **paths;   /* (nseries) dataset paths, for error messages */
    int nsubj;
    int nseries;
    int deflate;     /* deflate level of the series (after the shuffle); 0: stored as they are */
    size_t chunk;    /* records per chunk and per buffer */
    size_t chunk_rows; /* subjects per chunk: nsubj, at most CHUNK_SUBJECTS (h5_writer.c) */
    unsigned char *zbuf; /* CHUNK_JOBS chunks' shuffled and deflated bytes, made once */
    struct z_stream_s *zs; /* (nzs) one deflate state a thread, made once and reset per chunk */
    int nzs;
    size_t nbuf;     /* records waiting in the buffer */
    size_t nflushed; /* records already in the file */
    bool broken;     /* a flush failed: the file no longer matches the count */
    bool created;    /* tmp_path exists on disk and is ours to remove */
    int tmp_slot;    /* tmp_path's entry in the signal cleanup registry (-1: none) */
    double *tbuf;    /* (chunk) */
    double *vbuf;    /* [chunk][series][subject]: the records as they came, one chunk length of them */
    char *final_path;
    char *tmp_path;
};

/* Writes the dimension-scale attributes of every attachment made so far (h5_scales.c). */
ds_status ds_h5_scales_flush(ds_h5_writer *w, ds_error *err);
ds_status ds_h5w_fail_h5(ds_error *err, const ds_h5_writer *w, const char *what, const char *path);
ds_status ds_h5w_make_groups(ds_h5_writer *restrict w, const char *restrict path, bool self, ds_error *err);
/* Where to create the object at path (after ds_h5w_make_groups): its parent group, open, and
 * the last component of path as *name; or the file and path itself. */
hid_t ds_h5w_parent(const ds_h5_writer *w, const char *path, const char **name);
/* Closes the open known group (before the file is closed). */
void ds_h5w_forget_group(ds_h5_writer *w);
/* Closes the datasets kept open for pieces (before the file is closed): DS_OK, or the first
 * close that failed. */
ds_status ds_h5w_close_open_at(ds_h5_writer *w, ds_error *err);
ds_status ds_h5w_describe(ds_h5_writer *restrict w, hid_t dset, const char *restrict path, const char *restrict units, const char *restrict description, ds_error *err);
hid_t ds_h5w_utf8_type(void);
herr_t ds_h5w_put_attr_string(hid_t obj, const char *name, const char *value);
herr_t ds_h5w_put_attr_scalar(hid_t obj, const char *restrict name, hid_t file_type, hid_t mem_type, const void *restrict value);
hid_t ds_h5w_make_lcpl(void);
bool ds_h5w_valid_path(const char *path);
bool ds_h5w_path_exists(hid_t file, const char *restrict path);
void ds_h5w_close_id(hid_t *id);
hid_t ds_h5w_no_times_plist(hid_t cls);

#endif
