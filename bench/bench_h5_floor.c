/* HDF5's own cost of a file's layout: the floor under any writer of it.
 *
 * Reads an HDF5 file (a discsim output), and writes its datasets again, the same names,
 * shapes and element sizes, each with two short string attributes (discsim's units and
 * description), contiguous and uncompressed, with no dimension scales and no other
 * metadata, through HDF5's C API alone: the least that storing that layout can cost. It
 * prints the count of datasets and bytes, and the best of N writes of the copy, against which
 * `discsim run`'s writing time (its `time` line, or each arm's) can be set.
 *
 * Usage: bench_h5_floor FILE.h5 [--reps N] (the copy is written beside FILE as FILE.floor-<pid>
 * and removed) */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char path[512];
    int rank;
    hsize_t dims[H5S_MAX_RANK];
    size_t esize; /* 8 for doubles and integers; strings are written as 16-byte elements */
} item;

typedef struct {
    item *it;
    size_t n, cap;
    double bytes;
} layout;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static herr_t visit(hid_t obj, const char *name, const H5O_info_t *info, void *data)
{
    layout *L = data;
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    if (L->n == L->cap) {
        size_t cap = L->cap ? 2 * L->cap : 256;
        item *p = realloc(L->it, cap * sizeof *p);
        if (!p)
            return -1;
        L->it = p, L->cap = cap;
    }
    item *it = &L->it[L->n];
    hid_t d = H5Dopen2(obj, name, H5P_DEFAULT), s = H5Dget_space(d), t = H5Dget_type(d);
    snprintf(it->path, sizeof it->path, "/%s", name);
    it->rank = H5Sget_simple_extent_ndims(s);
    H5Sget_simple_extent_dims(s, it->dims, NULL);
    it->esize = H5Tget_class(t) == H5T_STRING ? 16 : 8;
    double n = 1;
    for (int k = 0; k < it->rank; k++)
        n *= (double)it->dims[k];
    L->bytes += n * (double)it->esize;
    H5Tclose(t);
    H5Sclose(s);
    H5Dclose(d);
    L->n++;
    return 0;
}

static void attr(hid_t o, const char *name, const char *v)
{
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR);
    H5Tset_size(t, strlen(v) + 1);
    hid_t a = H5Acreate2(o, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, v);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
}

/* The copy of the layout, written once; its time. The datasets' groups are made on the way
 * (intermediate groups), as any writer must. */
static double write_copy(const char *out, const layout *L, const void *zeros)
{
    const double t0 = now();
    hid_t f = H5Fcreate(out, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE), lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t f64 = H5T_IEEE_F64LE, s16 = H5Tcopy(H5T_STD_U8LE);
    hid_t blob = H5Tarray_create2(s16, 1, (hsize_t[]){16});
    for (size_t i = 0; i < L->n; i++) {
        const item *it = &L->it[i];
        hid_t s = it->rank ? H5Screate_simple(it->rank, it->dims, NULL) : H5Screate(H5S_SCALAR);
        hid_t type = it->esize == 8 ? f64 : blob;
        hid_t d = H5Dcreate2(f, it->path, type, s, lcpl, dcpl, H5P_DEFAULT);
        if (d >= 0) {
            H5Dwrite(d, type == f64 ? H5T_NATIVE_DOUBLE : blob, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros);
            attr(d, "units", "MPa");
            attr(d, "description", "nucleus pressure of the level, as discsim describes it");
            H5Dclose(d);
        }
        H5Sclose(s);
    }
    H5Tclose(blob);
    H5Tclose(s16);
    H5Pclose(lcpl);
    H5Pclose(dcpl);
    H5Fclose(f);
    return now() - t0;
}

int main(int argc, char **argv)
{
    const char *file = NULL;
    int reps = 5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: bench_h5_floor FILE.h5 [--reps N]\n\n"
                   "Writes FILE's datasets again through HDF5 alone (the same names, shapes and element sizes,\n"
                   "two short attributes each, contiguous, uncompressed, no dimension scales) N times (5),\n"
                   "beside FILE, and prints the best time: the least that storing FILE's layout costs.\n");
            return 0;
        }
        if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else {
            fprintf(stderr, "usage: bench_h5_floor FILE.h5 [--reps N]\n");
            return 2;
        }
    }
    if (!file || reps < 1) {
        fprintf(stderr, "usage: bench_h5_floor FILE.h5 [--reps N]\n");
        return 2;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        fprintf(stderr, "bench_h5_floor: %s: not an HDF5 file that can be read\n", file);
        return 5;
    }
    layout L = {0};
    herr_t rc = H5Ovisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, visit, &L);
    H5Fclose(f);
    double largest = 0;
    for (size_t i = 0; i < L.n; i++) {
        double n = (double)L.it[i].esize;
        for (int k = 0; k < L.it[i].rank; k++)
            n *= (double)L.it[i].dims[k];
        largest = n > largest ? n : largest;
    }
    void *zeros = calloc((size_t)largest + 16, 1);
    if (rc < 0 || !zeros) {
        fprintf(stderr, "bench_h5_floor: %s: its datasets could not be listed\n", file);
        return 5;
    }
    char out[600];
    snprintf(out, sizeof out, "%s.floor-%d", file, (int)getpid());
    double best = 1e300;
    for (int r = 0; r < reps; r++) {
        double t = write_copy(out, &L, zeros);
        best = t < best ? t : best;
    }
    unlink(out);
    printf("%s: %zu datasets, %.1f MB; written again by HDF5 alone (contiguous, uncompressed, two attributes "
           "each, no scales): best of %d %.4f s\n",
           file, L.n, L.bytes / 1e6, reps, best);
    free(zeros);
    free(L.it);
    return 0;
}
