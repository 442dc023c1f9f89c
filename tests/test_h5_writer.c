/* Tests of the HDF5 output writer and reader: round trip across several chunk flushes, the
 * temporary-file protocol (finish renames, abort and failures leave nothing), error
 * messages that name the path, byte-identical files for identical data, and the summary. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* mkdtemp, nanosleep, open_memstream, lstat */
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "discsim/output.h"

enum { NSUBJ = 2, NSERIES = 3, NREC = 10000 };

static const ds_series_desc SERIES[NSERIES] = {
    {"/levels/L4L5/pressure", "MPa", "nucleus pressure"},
    {"/levels/L4L5/height", "mm", "disc height"},
    {"/root/contact_pressure", "mmHg", "contact pressure on the nerve root"},
};

typedef struct fixture {
    char dir[64];
} fixture;

/* Distinct per series, subject and record, and not all exactly representable, so a
 * transposition or off-by-one in the buffering shows up. */
static double value(int s, int j, size_t r) { return 1000.0 * s + 100.0 * j + 0.1 * (double)r; }
static double time_of(size_t r) { return 0.5 * (double)r; }

static void path_in(const fixture *f, const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", f->dir, name);
}

static int count_entries(const fixture *f, const char *needle)
{
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && (!needle || strstr(e->d_name, needle)))
            ++n;
    closedir(d);
    return n;
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            remove_tree(p);
        else
            remove(p);
    }
    closedir(d);
    rmdir(dir);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/discsim-h5-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove_tree(f->dir);
    free(f);
    return 0;
}

/* Creates a writer and appends nrec records plus a little provenance; the caller finishes
 * or aborts. */
static ds_h5_writer *write_records(const char *path, size_t nrec)
{
    ds_error err = {0};
    ds_h5_writer *w = NULL;
    assert_int_equal(ds_h5_create(path, NSUBJ, NSERIES, SERIES, &w, &err), DS_OK);
    assert_non_null(w);
    double v[NSERIES * NSUBJ];
    for (size_t r = 0; r < nrec; ++r) {
        for (int s = 0; s < NSERIES; ++s)
            for (int j = 0; j < NSUBJ; ++j)
                v[s * NSUBJ + j] = value(s, j, r);
        ds_status st = ds_h5_append(w, time_of(r), v, &err);
        if (st != DS_OK)
            fail_msg("append %zu: %s", r, err.msg);
        assert_int_equal(ds_h5_count(w), r + 1);
    }
    const int64_t steps[NSUBJ] = {1234, 5678};
    const double hmin[NSUBJ] = {1e-5, 2.5e-6};
    const size_t dims[1] = {NSUBJ};
    assert_int_equal(ds_h5_write_int64s(w, "/meta/solver/steps", 1, dims, steps, NULL, "accepted steps", &err), DS_OK);
    assert_int_equal(ds_h5_write_doubles(w, "/meta/solver/h_min", 1, dims, hmin, "s", "smallest step", &err), DS_OK);
    assert_int_equal(ds_h5_write_text(w, "/meta/scenario", "name: test\nphases: []\n", "scenario as given", &err),
                     DS_OK);
    assert_int_equal(ds_h5_attr_string(w, "/meta", "scenario_name", "unit test", &err), DS_OK);
    assert_int_equal(ds_h5_attr_int64(w, "/meta", "seed", 42, &err), DS_OK);
    assert_int_equal(ds_h5_attr_double(w, "/meta/run", "wall_time", 0.0, &err), DS_OK);
    return w;
}

static void write_file(const char *path, size_t nrec)
{
    ds_error err = {0};
    ds_h5_writer *w = write_records(path, nrec);
    if (ds_h5_finish(w, &err) != DS_OK)
        fail_msg("finish: %s", err.msg);
}

static void test_round_trip(void **state)
{
    const fixture *f = *state;
    char path[512];
    path_in(f, "out.h5", path, sizeof path);
    write_file(path, NREC);

    assert_true(file_exists(path));
    assert_int_equal(count_entries(f, ".tmp-"), 0);

    ds_error err = {0};
    int rank = -1;
    size_t dims[2] = {0, 0};
    double *data = NULL;
    for (int s = 0; s < NSERIES; ++s) {
        assert_int_equal(ds_h5_read_doubles(path, SERIES[s].path, &rank, dims, &data, &err), DS_OK);
        assert_int_equal(rank, 2);
        assert_int_equal(dims[0], NSUBJ);
        assert_int_equal(dims[1], NREC);
        for (int j = 0; j < NSUBJ; ++j)
            for (size_t r = 0; r < NREC; ++r)
                if (data[(size_t)j * NREC + r] != value(s, j, r))
                    fail_msg("%s[%d][%zu] = %.17g, wrote %.17g", SERIES[s].path, j, r, data[(size_t)j * NREC + r],
                             value(s, j, r));
        free(data);

        char *units = NULL;
        assert_int_equal(ds_h5_read_attr_string(path, SERIES[s].path, "units", &units, &err), DS_OK);
        assert_string_equal(units, SERIES[s].units);
        free(units);
    }

    assert_int_equal(ds_h5_read_doubles(path, "/time", &rank, dims, &data, &err), DS_OK);
    assert_int_equal(rank, 1);
    assert_int_equal(dims[0], NREC);
    assert_int_equal(dims[1], 1);
    for (size_t r = 0; r < NREC; ++r)
        if (data[r] != time_of(r))
            fail_msg("/time[%zu] = %.17g, wrote %.17g", r, data[r], time_of(r));
    free(data);

    char *s = NULL;
    assert_int_equal(ds_h5_read_attr_string(path, "/time", "units", &s, &err), DS_OK);
    assert_string_equal(s, "s");
    free(s);
    assert_int_equal(ds_h5_read_attr_string(path, "/meta", "scenario_name", &s, &err), DS_OK);
    assert_string_equal(s, "unit test");
    free(s);

    /* int64 provenance converts on reading */
    assert_int_equal(ds_h5_read_doubles(path, "/meta/solver/steps", &rank, dims, &data, &err), DS_OK);
    assert_int_equal(dims[0], NSUBJ);
    assert_true(data[0] == 1234.0 && data[1] == 5678.0);
    free(data);
}

/* A sparse list of strings reads as the whole list: the given strings at their places, ""
 * elsewhere, across chunks, and an empty list; indices out of order are refused. */
static void test_sparse_strings(void **state)
{
    const fixture *f = *state;
    char path[512];
    path_in(f, "sparse.h5", path, sizeof path);
    enum { N = 10000 };
    const size_t at[3] = {0, 4097, N - 1};
    const char *const text[3] = {"first", "L4L5 V: not finite", "last"};
    ds_h5_writer *w = NULL;
    ds_error err = {0};
    assert_int_equal(ds_h5_open(path, 1, &w, &err), DS_OK);
    assert_int_equal(ds_h5_write_strings_sparse(w, "/a/what", N, 3, at, text, "sparse", &err), DS_OK);
    assert_int_equal(ds_h5_write_strings_sparse(w, "/a/none", 3, 0, NULL, NULL, "all empty", &err), DS_OK);
    assert_int_equal(ds_h5_write_strings_sparse(w, "/a/zero", 0, 0, NULL, NULL, "no strings", &err), DS_OK);
    const size_t back[2] = {5, 4};
    assert_int_equal(ds_h5_write_strings_sparse(w, "/a/bad", 10, 2, back, text, "out of order", &err), DS_ERR_USAGE);
    assert_int_equal(ds_h5_write_strings_sparse(w, "/a/bad", 10, 2, NULL, text, "no places", &err), DS_ERR_USAGE);
    assert_int_equal(ds_h5_write_strings_sparse(w, "/a/bad", 10, 1, at + 1, text, "out of range", &err), DS_ERR_USAGE);
    assert_int_equal(ds_h5_finish(w, &err), DS_OK);

    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char **got = calloc(N, sizeof *got);
    hid_t d = H5Dopen2(file, "/a/what", H5P_DEFAULT);
    assert_true(d >= 0 && H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0);
    for (size_t i = 0, k = 0; i < N; i++) {
        const char *want = k < 3 && at[k] == i ? text[k++] : "";
        if (!got[i] || strcmp(got[i], want))
            fail_msg("what[%zu] = \"%s\", wrote \"%s\"", i, got[i] ? got[i] : "(null)", want);
    }
    hid_t space = H5Dget_space(d);
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, got);
    H5Sclose(space);
    H5Dclose(d);
    d = H5Dopen2(file, "/a/none", H5P_DEFAULT);
    assert_true(d >= 0 && H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0);
    for (int i = 0; i < 3; i++)
        assert_string_equal(got[i] ? got[i] : "(null)", "");
    space = H5Dget_space(d);
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, got);
    H5Sclose(space);
    H5Dclose(d);
    d = H5Dopen2(file, "/a/zero", H5P_DEFAULT);
    space = H5Dget_space(d);
    assert_true(d >= 0 && H5Sget_simple_extent_npoints(space) == 0);
    H5Sclose(space);
    H5Dclose(d);
    free(got);
    H5Tclose(type);
    H5Fclose(file);
}

/* Datasets written in pieces (ds_h5_create_doubles, ds_h5_write_doubles_at), as a cohort's
 * parameters are: the pieces go to the datasets in turn, a piece may go to a dataset that
 * was written whole, and a piece outside its dataset is refused. A dataset with a fill value
 * (in chunks of 4, a last one short) reads it where no piece was written, -0 and the pieces'
 * own values elsewhere, and one never written reads it everywhere. */
static void test_pieces(void **state)
{
    const fixture *f = *state;
    char path[512];
    path_in(f, "pieces.h5", path, sizeof path);
    enum { N = 10, NSET = 3 };
    const char *const name[NSET] = {"/p/a", "/p/b", "/q/c"};
    double v[NSET][N], whole[4] = {9, 9, 9, 9};
    for (int d = 0; d < NSET; d++)
        for (int i = 0; i < N; i++)
            v[d][i] = 100.0 * d + i;
    ds_h5_writer *w = NULL;
    ds_error err = {0};
    assert_int_equal(ds_h5_open(path, 1, &w, &err), DS_OK);
    for (int d = 0; d < NSET; d++)
        assert_int_equal(ds_h5_create_doubles(w, name[d], N, NULL, 0, "mm", "in pieces", &err), DS_OK);
    const size_t wz[1] = {4};
    assert_int_equal(ds_h5_write_doubles(w, "/p/whole", 1, wz, whole, "1", "written whole", &err), DS_OK);
    for (int first = 0; first < N; first += 4) /* pieces of 4, 4 and 2, each to every dataset */
        for (int d = 0; d < NSET; d++) {
            const int n = N - first < 4 ? N - first : 4;
            assert_int_equal(ds_h5_write_doubles_at(w, name[(d + first) % NSET], (size_t)first, (size_t)n,
                                                    v[(d + first) % NSET] + first, &err),
                             DS_OK);
        }
    const double two[2] = {7, 8};
    assert_int_equal(ds_h5_write_doubles_at(w, "/p/whole", 1, 2, two, &err), DS_OK);
    assert_int_equal(ds_h5_write_doubles_at(w, "/p/a", 9, 2, two, &err), DS_ERR_USAGE);
    assert_non_null(strstr(err.msg, "outside"));
    assert_int_equal(ds_h5_write_doubles_at(w, "/p/none", 0, 2, two, &err), DS_ERR_IO);
    assert_int_equal(ds_h5_create_doubles(w, "/p/a", N, NULL, 0, "mm", "again", &err), DS_ERR_USAGE);
    const double fill = 2.5, mz[2] = {-0.0, 1.25};
    assert_int_equal(ds_h5_create_doubles(w, "/f/some", N, &fill, 4, "mm", "filled", &err), DS_OK);
    assert_int_equal(ds_h5_create_doubles(w, "/f/none", N, &fill, 4, "mm", "filled", &err), DS_OK);
    assert_int_equal(ds_h5_write_doubles_at(w, "/f/some", 4, 2, mz, &err), DS_OK);
    assert_int_equal(ds_h5_write_doubles_at(w, "/f/some", 9, 1, mz + 1, &err), DS_OK);
    assert_int_equal(ds_h5_finish(w, &err), DS_OK);
    size_t count;
    double *got;
    const double some[N] = {2.5, 2.5, 2.5, 2.5, -0.0, 1.25, 2.5, 2.5, 2.5, 1.25};
    assert_int_equal(ds_h5_read_flat(path, "/f/some", &count, &got, &err), DS_OK);
    assert_int_equal(count, N);
    assert_memory_equal(got, some, sizeof some);
    free(got);
    assert_int_equal(ds_h5_read_flat(path, "/f/none", &count, &got, &err), DS_OK);
    for (int i = 0; i < N; i++)
        assert_true(count == N && got[i] == fill);
    free(got);
    for (int d = 0; d < NSET; d++) {
        assert_int_equal(ds_h5_read_flat(path, name[d], &count, &got, &err), DS_OK);
        assert_int_equal(count, N);
        assert_memory_equal(got, v[d], N * sizeof *got);
        free(got);
    }
    assert_int_equal(ds_h5_read_flat(path, "/p/whole", &count, &got, &err), DS_OK);
    assert_true(count == 4 && got[0] == 9 && got[1] == 7 && got[2] == 8 && got[3] == 9);
    free(got);
}

static void test_abort_leaves_nothing(void **state)
{
    const fixture *f = *state;
    char path[512];
    path_in(f, "aborted.h5", path, sizeof path);
    ds_h5_writer *w = write_records(path, 5000); /* crosses a flush: data is on disk */
    assert_int_equal(count_entries(f, ".tmp-"), 1);
    ds_h5_abort(w);
    ds_h5_abort(NULL);
    assert_false(file_exists(path));
    assert_int_equal(count_entries(f, NULL), 0);
}

static void test_missing_directory(void **state)
{
    const fixture *f = *state;
    char path[512];
    path_in(f, "no/such/dir/out.h5", path, sizeof path);
    ds_error err = {0};
    ds_h5_writer *w = NULL;
    assert_int_equal(ds_h5_create(path, NSUBJ, NSERIES, SERIES, &w, &err), DS_ERR_IO);
    assert_null(w);
    assert_int_equal(err.status, DS_ERR_IO);
    assert_non_null(strstr(err.msg, path));
    assert_int_equal(count_entries(f, NULL), 0);
}

static void test_failed_finish_removes_temp(void **state)
{
    const fixture *f = *state;
    char path[512];
    path_in(f, "taken", path, sizeof path);
    ds_h5_writer *w = write_records(path, 100);
    /* a folder appearing under the final name during the run: the rename onto it fails (one
     * there from the start is refused by ds_h5_create) */
    assert_int_equal(mkdir(path, 0700), 0);
    ds_error err = {0};
    assert_int_equal(ds_h5_finish(w, &err), DS_ERR_IO);
    assert_non_null(strstr(err.msg, path));
    assert_int_equal(count_entries(f, ".tmp-"), 0);
}

static void test_read_errors_name_the_path(void **state)
{
    const fixture *f = *state;
    char path[512];
    path_in(f, "small.h5", path, sizeof path);
    write_file(path, 10);
    ds_error err = {0};
    int rank;
    size_t dims[2];
    double *data = NULL;
    assert_int_equal(ds_h5_read_doubles(path, "/levels/L9L9/pressure", &rank, dims, &data, &err), DS_ERR_IO);
    assert_null(data);
    assert_non_null(strstr(err.msg, "/levels/L9L9/pressure"));
    assert_non_null(strstr(err.msg, path));

    char missing[512];
    path_in(f, "missing.h5", missing, sizeof missing);
    assert_int_equal(ds_h5_read_doubles(missing, "/time", &rank, dims, &data, &err), DS_ERR_IO);
    assert_non_null(strstr(err.msg, missing));

    char *s = NULL;
    assert_int_equal(ds_h5_read_attr_string(path, "/time", "nope", &s, &err), DS_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(err.msg, "nope"));
}

static bool same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    while (same) {
        int ca = getc(fa), cb = getc(fb);
        same = ca == cb;
        if (ca == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

static void test_identical_bytes(void **state)
{
    const fixture *f = *state;
    char a[512], b[512];
    path_in(f, "a.h5", a, sizeof a);
    path_in(f, "b.h5", b, sizeof b);
    write_file(a, NREC);
    /* HDF5 time stamps have one-second resolution: without the pause a stray time stamp
     * would go unnoticed. */
    struct timespec pause = {1, 100000000};
    nanosleep(&pause, NULL);
    write_file(b, NREC);
    assert_true(same_bytes(a, b));
}

/* The series' compression is the user's choice (run --compression): stored as they are, or
 * deflated at any level, they read back the same, and storing them as they are costs space. */
static void test_compression(void **state)
{
    const fixture *f = *state;
    long size[2];
    for (int k = 0; k < 2; k++) {
        char path[512];
        path_in(f, k ? "deflated.h5" : "stored.h5", path, sizeof path);
        ds_error err = {0};
        ds_h5_writer *w = NULL;
        assert_int_equal(ds_h5_open(path, NSUBJ, &w, &err), DS_OK);
        assert_int_equal(ds_h5_set_compression(w, 10, &err), DS_ERR_USAGE);
        assert_int_equal(ds_h5_set_compression(w, k ? 6 : 0, &err), DS_OK);
        assert_int_equal(ds_h5_stream(w, "", NSERIES, SERIES, &err), DS_OK);
        double v[NSERIES * NSUBJ];
        for (size_t r = 0; r < NREC; ++r) {
            for (int s = 0; s < NSERIES; ++s)
                for (int j = 0; j < NSUBJ; ++j)
                    v[s * NSUBJ + j] = value(s, j, r);
            assert_int_equal(ds_h5_append(w, time_of(r), v, &err), DS_OK);
        }
        assert_int_equal(ds_h5_finish(w, &err), DS_OK);
        int rank;
        size_t dims[2];
        double *data = NULL;
        for (int s = 0; s < NSERIES; ++s) {
            assert_int_equal(ds_h5_read_doubles(path, SERIES[s].path, &rank, dims, &data, &err), DS_OK);
            for (int j = 0; j < NSUBJ; ++j)
                for (size_t r = 0; r < NREC; ++r)
                    assert_true(data[(size_t)j * NREC + r] == value(s, j, r));
            free(data);
        }
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        size[k] = (long)sb.st_size;
    }
    printf("compression: %ld bytes stored, %ld deflated\n", size[0], size[1]);
    assert_true(size[0] > size[1]);
    /* doubles of random bits do not deflate: those chunks are stored shuffled only, and read
     * back all the same */
    char path[512];
    path_in(f, "random.h5", path, sizeof path);
    ds_error err = {0};
    ds_h5_writer *w = NULL;
    assert_int_equal(ds_h5_create(path, NSUBJ, NSERIES, SERIES, &w, &err), DS_OK);
    uint64_t x = 88172645463325252ull;
    double *want = malloc((size_t)NREC * NSERIES * NSUBJ * sizeof *want);
    for (size_t r = 0; r < NREC; ++r) {
        for (int k = 0; k < NSERIES * NSUBJ; ++k) {
            double v;
            do { /* xorshift64: bits of every kind, but no NaN (a NaN is not equal to itself) */
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                memcpy(&v, &x, sizeof v);
            } while (v != v);
            want[r * NSERIES * NSUBJ + k] = v;
        }
        assert_int_equal(ds_h5_append(w, time_of(r), &want[r * NSERIES * NSUBJ], &err), DS_OK);
    }
    assert_int_equal(ds_h5_finish(w, &err), DS_OK);
    for (int s = 0; s < NSERIES; ++s) {
        int rank;
        size_t dims[2];
        double *data = NULL;
        assert_int_equal(ds_h5_read_doubles(path, SERIES[s].path, &rank, dims, &data, &err), DS_OK);
        for (int j = 0; j < NSUBJ; ++j)
            for (size_t r = 0; r < NREC; ++r)
                assert_memory_equal(&data[(size_t)j * NREC + r], &want[r * NSERIES * NSUBJ + s * NSUBJ + j],
                                    sizeof(double));
        free(data);
    }
    free(want);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    printf("random bits: %ld bytes for %ld bytes of doubles\n", (long)sb.st_size, (long)(NREC * NSERIES * NSUBJ * 8));
    assert_true(sb.st_size > (long)(NREC * NSERIES * NSUBJ * 8)); /* stored, not deflated */
    /* the first chunk says deflate (filter 1) was skipped; the smooth file's, that it was not */
    for (int k = 0; k < 2; k++) {
        char p2[512];
        if (k)
            path_in(f, "deflated.h5", p2, sizeof p2);
        hid_t file = H5Fopen(k ? p2 : path, H5F_ACC_RDONLY, H5P_DEFAULT);
        hid_t d = H5Dopen2(file, SERIES[0].path, H5P_DEFAULT);
        hsize_t off[2] = {0, 0};
        unsigned mask = 99;
        haddr_t addr;
        hsize_t csize;
        assert_true(H5Dget_chunk_info_by_coord(d, off, &mask, &addr, &csize) >= 0);
        assert_int_equal(mask, k ? 0u : 2u);
        H5Dclose(d);
        H5Fclose(file);
    }
}

static void test_info(void **state)
{
    const fixture *f = *state;
    char path[512];
    path_in(f, "info.h5", path, sizeof path);
    write_file(path, NREC);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    ds_error err = {0};
    assert_int_equal(ds_h5_info(path, out, &err), DS_OK);
    fclose(out);
    assert_non_null(strstr(text, "unit test"));
    assert_non_null(strstr(text, "10000 records"));
    assert_non_null(strstr(text, "/levels/L4L5/pressure"));
    assert_non_null(strstr(text, "nerve root"));
    assert_non_null(strstr(text, "5678"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sparse_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pieces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_finish_removes_temp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_errors_name_the_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identical_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compression, setup, teardown),
        cmocka_unit_test_setup_teardown(test_info, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
