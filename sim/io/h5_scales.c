/* Dimension scales: the axes of discsim's arrays, named and with their coordinates (subject,
 * time, a sweep's values), in HDF5's dimension-scale convention (the attributes CLASS, NAME
 * and REFERENCE_LIST on a scale, DIMENSION_LIST and DIMENSION_LABELS on a dataset), which
 * h5py and xarray read (tests/h5_conventions.py).
 *
 * Written here rather than through the high-level library's H5DSattach_scale, which for every
 * attachment reads, deletes and writes again the scale's whole REFERENCE_LIST and the
 * dataset's DIMENSION_LIST: that was 16 % of the instructions of a run of
 * scenarios/massage_herniation.yaml. Attachments are collected as object references and
 * every attribute is written once, when the file is finished (ds_h5_scales_flush). */
#include <stdlib.h>
#include <string.h>

#include "h5_common.h"
#include "h5_writer_impl.h"

/* One attachment: dimension dim of a dataset, the scale, and the dimension's name. */
struct ds_h5_attach {
    hobj_ref_t dset, scale;
    int dim;
    char name[64];
};

/* The type of REFERENCE_LIST's elements, as the convention has it (a reference and an int). */
typedef struct {
    hobj_ref_t ref;
    int dim;
} reflist_t;

static ds_status queue(ds_h5_writer *w, const char *path, int dim, const char *scale_path, const char *name,
                       ds_error *err)
{
    if (w->nattach == w->capattach) {
        size_t cap = w->capattach ? 2 * w->capattach : 256;
        struct ds_h5_attach *a = realloc(w->attach, cap * sizeof *a);
        if (!a)
            return ds_fail(err, DS_ERR_NOMEM, "%s: out of memory for the dimension scales", w->final_path);
        w->attach = a;
        w->capattach = cap;
    }
    struct ds_h5_attach *a = &w->attach[w->nattach];
    a->dim = dim;
    snprintf(a->name, sizeof a->name, "%s", name);
    if (H5Rcreate(&a->dset, w->file, path, H5R_OBJECT, -1) < 0)
        return ds_h5w_fail_h5(err, w, "refer to", path);
    /* a reference costs a look-up in the file (some 25,000 instructions): a scale's is kept for
     * its next attachments */
    const int nkeep = (int)(sizeof w->scale_ref / sizeof w->scale_ref[0]);
    int k = 0;
    while (k < nkeep && strcmp(w->scale_ref[k].path, scale_path))
        k++;
    if (k < nkeep) {
        a->scale = w->scale_ref[k].ref;
    } else {
        if (H5Rcreate(&a->scale, w->file, scale_path, H5R_OBJECT, -1) < 0)
            return ds_h5w_fail_h5(err, w, "refer to dimension scale", scale_path);
        if (strlen(scale_path) < sizeof w->scale_ref[0].path) {
            k = w->scale_next;
            w->scale_next = (k + 1) % nkeep;
            memcpy(w->scale_ref[k].path, scale_path, strlen(scale_path) + 1);
            w->scale_ref[k].ref = a->scale;
        }
    }
    w->nattach++;
    return DS_OK;
}

ds_status ds_h5_attach_scale(ds_h5_writer *w, const char *path, int dim, const char *scale_path, const char *name,
                             ds_error *err)
{
    if (!w || !path || !scale_path || !scale_path[0] || !name || dim < 0 || dim >= H5S_MAX_RANK)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_attach_scale: missing argument");
    ds_h5_quiet q = ds_h5_quiet_begin();
    ds_status st = queue(w, path, dim, scale_path, name, err);
    ds_h5_quiet_end(q);
    return st;
}

static int by_dset(const void *a, const void *b)
{
    const struct ds_h5_attach *x = a, *y = b;
    return x->dset < y->dset ? -1 : x->dset > y->dset ? 1 : x->dim - y->dim;
}

static int by_scale(const void *a, const void *b)
{
    const struct ds_h5_attach *x = a, *y = b;
    if (x->scale != y->scale)
        return x->scale < y->scale ? -1 : 1;
    return x->dset < y->dset ? -1 : x->dset > y->dset ? 1 : x->dim - y->dim;
}

/* A fixed-length string attribute, as the convention writes CLASS and NAME. */
static herr_t put_fixed_string(hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR), a = -1;
    herr_t rc = -1;
    if (t >= 0 && s >= 0 && H5Tset_size(t, strlen(value) + 1) >= 0 && H5Tset_strpad(t, H5T_STR_NULLTERM) >= 0 &&
        (a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT)) >= 0)
        rc = H5Awrite(a, t, value);
    ds_h5w_close_id(&a);
    ds_h5w_close_id(&s);
    ds_h5w_close_id(&t);
    return rc;
}

/* An attribute of n elements of type t from buf. */
static herr_t put_array(hid_t obj, const char *name, hid_t t, hsize_t n, const void *buf)
{
    hid_t s = H5Screate_simple(1, &n, NULL), a = s >= 0 ? H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT) : -1;
    herr_t rc = a >= 0 ? H5Awrite(a, t, buf) : -1;
    ds_h5w_close_id(&a);
    ds_h5w_close_id(&s);
    return rc;
}

/* Dataset side: DIMENSION_LIST (each dimension's scales) and DIMENSION_LABELS (its name),
 * for the attachments a[0..n) of one dataset, sorted by dimension. */
static herr_t dataset_side(hid_t file, const struct ds_h5_attach *a, size_t n)
{
    hid_t d = H5Rdereference2(file, H5P_DEFAULT, H5R_OBJECT, &a[0].dset);
    hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
    int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    ds_h5w_close_id(&sp);
    herr_t rc = -1;
    hid_t vt = H5Tvlen_create(H5T_STD_REF_OBJ), st = H5Tcopy(H5T_C_S1);
    if (d >= 0 && rank >= 1 && rank <= H5S_MAX_RANK && vt >= 0 && st >= 0 && H5Tset_size(st, H5T_VARIABLE) >= 0) {
        hvl_t list[H5S_MAX_RANK];
        hobj_ref_t refs[H5S_MAX_RANK][4];
        const char *label[H5S_MAX_RANK];
        for (int k = 0; k < rank; k++) {
            list[k] = (hvl_t){0, refs[k]};
            label[k] = "";
        }
        for (size_t i = 0; i < n; i++)
            if (a[i].dim < rank && list[a[i].dim].len < 4) {
                refs[a[i].dim][list[a[i].dim].len++] = a[i].scale;
                label[a[i].dim] = a[i].name;
            }
        for (int k = 0; k < rank; k++)
            if (!list[k].len)
                list[k].p = NULL;
        rc = put_array(d, "DIMENSION_LIST", vt, (hsize_t)rank, list) < 0 ||
                     put_array(d, "DIMENSION_LABELS", st, (hsize_t)rank, label) < 0
                 ? -1
                 : 0;
    }
    ds_h5w_close_id(&vt);
    ds_h5w_close_id(&st);
    ds_h5w_close_id(&d);
    return rc;
}

/* Scale side: CLASS, NAME and REFERENCE_LIST (every dataset dimension it is the axis of), for
 * the attachments a[0..n) of one scale. */
static herr_t scale_side(hid_t file, const struct ds_h5_attach *a, size_t n)
{
    hid_t s = H5Rdereference2(file, H5P_DEFAULT, H5R_OBJECT, &a[0].scale);
    reflist_t *list = malloc(n * sizeof *list);
    hid_t ct = H5Tcreate(H5T_COMPOUND, sizeof(reflist_t));
    herr_t rc = -1;
    if (s >= 0 && list && ct >= 0 && H5Tinsert(ct, "dataset", HOFFSET(reflist_t, ref), H5T_STD_REF_OBJ) >= 0 &&
        H5Tinsert(ct, "dimension", HOFFSET(reflist_t, dim), H5T_NATIVE_INT) >= 0) {
        for (size_t i = 0; i < n; i++)
            list[i] = (reflist_t){a[i].dset, a[i].dim};
        rc = put_fixed_string(s, "CLASS", "DIMENSION_SCALE") < 0 || put_fixed_string(s, "NAME", a[0].name) < 0 ||
                     put_array(s, "REFERENCE_LIST", ct, (hsize_t)n, list) < 0
                 ? -1
                 : 0;
    }
    ds_h5w_close_id(&ct);
    free(list);
    ds_h5w_close_id(&s);
    return rc;
}

ds_status ds_h5_scales_flush(ds_h5_writer *w, ds_error *err)
{
    ds_status st = DS_OK;
    const size_t n = w->nattach;
    if (n == 0) /* a file without scales (qsort of no array is undefined) */
        return DS_OK;
    ds_h5_quiet q = ds_h5_quiet_begin();
    qsort(w->attach, n, sizeof *w->attach, by_dset);
    for (size_t i = 0, j; i < n && st == DS_OK; i = j) {
        for (j = i + 1; j < n && w->attach[j].dset == w->attach[i].dset; j++)
            ;
        if (dataset_side(w->file, &w->attach[i], j - i) < 0)
            st = ds_h5w_fail_h5(err, w, "write the dimensions of a dataset", "(dimension list)");
    }
    qsort(w->attach, n, sizeof *w->attach, by_scale);
    for (size_t i = 0, j; i < n && st == DS_OK; i = j) {
        for (j = i + 1; j < n && w->attach[j].scale == w->attach[i].scale; j++)
            ;
        if (scale_side(w->file, &w->attach[i], j - i) < 0)
            st = ds_h5w_fail_h5(err, w, "write a dimension scale", "(reference list)");
    }
    ds_h5_quiet_end(q);
    w->nattach = 0;
    return st;
}
