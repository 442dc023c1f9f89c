/* HDF5 output writer: streams /time and the [subject][time] series into a temporary file,
 * writes provenance through generic helpers, and renames the file into place on success.
 *
 * Records are buffered one chunk-length at a time so every flush writes exactly one whole
 * chunk of every dataset (HDF5 then never reads a chunk back to merge a partial write), and
 * memory stays constant however long the run. Everything the file holds is a function of the
 * data alone: object time stamps are switched off so two identical runs give identical bytes. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* fsync, getpid */
#endif

#include "discsim/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <omp.h>
#include <zlib.h>

#include "io/cleanup.h"
#include "h5_common.h"
#include "h5_writer_impl.h"

/* A chunk of a series is [at most CHUNK_SUBJECTS subjects][chunk records] doubles, at most
 * 64 KiB: big enough for deflate to work well and for reads of one subject's history to touch
 * few chunks, small enough that the write buffer (chunk records of every series) stays modest with
 * dozens of series. The record floor keeps chunks from degenerating to a handful of records;
 * a stream known to be shorter than a chunk (ds_h5_set_records) gets chunks of its length,
 * which are then neither padded nor deflated beyond its records.
 * Deflate at level 1 after the shuffle:
 * scenarios/massage_herniation.yaml's file is 2 % larger than at level 4 (4.93 MB against
 * 4.83 MB; 28 MB unpacked) and the run takes 22 % fewer instructions (valgrind --tool=callgrind:
 * 2.41 against 3.09 billion; deflate 0.78 against 1.46). */
enum { CHUNK_TARGET_BYTES = 64 * 1024, CHUNK_MIN_RECORDS = 64, DEFLATE_LEVEL = 1 };

static const unsigned char HDF5_SIGNATURE[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

static const char TIME_PATH[] = "/time";
static const char TIME_UNITS[] = "s";
static const char TIME_DESCRIPTION[] = "time since the start of the scenario";


/* ---- streaming datasets -------------------------------------------------------------- */

/* A chunk holds at most this many subjects: a large cohort's series are cut across subjects
 * too, so that reading one subject's history reads nsubj / CHUNK_SUBJECTS fewer bytes (1,000
 * subjects over a day: 1.5 MB instead of 11.5 MB), and reading every subject at one time
 * reads one chunk per CHUNK_SUBJECTS subjects. A flush still writes [nsubj][chunk] records:
 * whole chunks, side by side. */
enum { CHUNK_SUBJECTS = 128 };

static size_t chunk_records(size_t rows)
{
    size_t c = CHUNK_TARGET_BYTES / (sizeof(double) * rows);
    return c < CHUNK_MIN_RECORDS ? CHUNK_MIN_RECORDS : c;
}

/* An empty extendible dataset, rank 1 (/time: nsubj == 0) or 2 ([nsubj][time]). */
static ds_status create_stream(ds_h5_writer *restrict w, const char *restrict path, int nsubj,
                               const char *restrict units, const char *restrict description, hid_t *out,
                               ds_error *err)
{
    int rank = nsubj > 0 ? 2 : 1;
    hsize_t dims[2] = {(hsize_t)nsubj, 0};
    hsize_t maxdims[2] = {(hsize_t)nsubj, H5S_UNLIMITED};
    hsize_t chunk[2] = {(hsize_t)w->chunk_rows, w->chunk};
    if (rank == 1) {
        dims[0] = 0;
        maxdims[0] = H5S_UNLIMITED;
        chunk[0] = w->chunk;
    }
    ds_status st = ds_h5w_make_groups(w, path, false, err);
    if (st != DS_OK)
        return st;

    hid_t space = H5Screate_simple(rank, dims, maxdims);
    hid_t dcpl = ds_h5w_no_times_plist(H5P_DATASET_CREATE);
    hid_t lcpl = ds_h5w_make_lcpl();
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    hid_t dset = H5I_INVALID_HID;
    /* Every chunk is written once, whole, and never revisited, so HDF5's chunk cache (up to
     * 1 MiB per dataset by default) would only duplicate our buffer: with a zero-byte cache
     * each chunk is compressed and written as soon as it is flushed. */
    if (space >= 0 && dcpl >= 0 && lcpl >= 0 && dapl >= 0 && H5Pset_chunk(dcpl, rank, chunk) >= 0 &&
        (w->deflate == 0 || (H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, (unsigned)w->deflate) >= 0)) &&
        H5Pset_chunk_cache(dapl, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, 1.0) >= 0) {
        const char *name;
        const hid_t parent = ds_h5w_parent(w, path, &name);
        dset = H5Dcreate2(parent, name, H5T_IEEE_F64LE, space, lcpl, dcpl, dapl);
    }
    if (dset < 0)
        st = ds_h5w_fail_h5(err, w, "create dataset", path);
    ds_h5w_close_id(&dapl);
    ds_h5w_close_id(&lcpl);
    ds_h5w_close_id(&dcpl);
    ds_h5w_close_id(&space);
    if (st == DS_OK)
        st = ds_h5w_describe(w, dset, path, units, description, err);
    if (st != DS_OK)
        ds_h5w_close_id(&dset);
    *out = dset;
    return st;
}

/* Extends /time to first + nbuf records and writes the first nbuf of t at `first`. */
static herr_t write_times(hid_t dset, size_t first, size_t nbuf, const double *restrict t)
{
    hsize_t total = first + nbuf, fstart = first, count = nbuf;
    if (H5Dset_extent(dset, &total) < 0)
        return -1;
    hid_t fspace = H5Dget_space(dset);
    hid_t mspace = H5Screate_simple(1, &count, NULL);
    herr_t rc = -1;
    if (fspace >= 0 && mspace >= 0 && H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &fstart, NULL, &count, NULL) >= 0)
        rc = H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, t);
    ds_h5w_close_id(&mspace);
    ds_h5w_close_id(&fspace);
    return rc;
}

/* ---- compressed chunks, in parallel --------------------------------------------------- */

/* One chunk of a series: subjects r0 .. r0 + CHUNK_SUBJECTS - 1 (or fewer) of the buffered
 * records, made into the bytes HDF5 would store (after its shuffle and deflate filters when
 * the series are compressed), by one thread. */
typedef struct {
    int series;
    size_t r0;
    unsigned char *raw, *out; /* [chunk bytes], [chunk bytes]: the shuffled and the deflated */
    size_t nout;
    uint32_t mask;            /* filters skipped: deflate (filter 1) where it would not shrink */
} chunk_job;

enum { CHUNK_JOBS = 16 }; /* chunks compressed in one parallel round: bounds the memory */

static void compress_chunk(const ds_h5_writer *w, chunk_job *j, z_stream *zs)
{
    const size_t rows = w->chunk_rows, n = rows * w->chunk, bytes = n * sizeof(double);
    const size_t chunk = w->chunk, nbuf = w->nbuf, nsubj = (size_t)w->nsubj, per = (size_t)w->nseries * nsubj;
    const size_t nr = nsubj - j->r0 < rows ? nsubj - j->r0 : rows;
    const double *src = w->vbuf + (size_t)j->series * nsubj + j->r0;
    /* the chunk's values [subject][record] in out (as scratch), gathered from the buffered
     * records ([record][series][subject]: each record's subjects side by side, so the reads
     * run along them and the writes stay in the chunk); unwritten cells (past the last
     * subject or record) are the fill value, 0, as HDF5 would store them */
    double *restrict v = (double *)(void *)j->out;
    if (nr < rows || nbuf < chunk)
        memset(v, 0, bytes);
    for (size_t c = 0; c < nbuf; c++)
        for (size_t r = 0; r < nr; r++)
            v[r * chunk + c] = src[c * per + r];
    if (w->deflate == 0) { /* stored as they are */
        j->nout = bytes;
        j->mask = 0;
        return;
    }
    /* the shuffle: byte k of every element, then byte k + 1 */
    const unsigned char *restrict in = (const unsigned char *)v;
    unsigned char *restrict raw = j->raw;
    for (size_t k = 0; k < sizeof(double); k++)
        for (size_t i = 0; i < n; i++)
            raw[k * n + i] = in[i * sizeof(double) + k];
    /* deflate as HDF5's filter does (one deflate to the finish, at the dataset's level), in
     * this thread's state reset rather than made anew for every chunk (its quarter megabyte
     * allocated, zeroed and freed was a third of the writing);
     * a chunk that would not shrink is stored shuffled only, its filter mask saying that
     * deflate was skipped (the filter is optional, so readers then skip it too) */
    zs->next_in = j->raw;
    zs->avail_in = (uInt)bytes;
    zs->next_out = j->out;
    zs->avail_out = (uInt)bytes;
    if (deflateReset(zs) == Z_OK && deflate(zs, Z_FINISH) == Z_STREAM_END) {
        j->nout = (size_t)zs->total_out;
        j->mask = 0;
    } else {
        memcpy(j->out, j->raw, bytes);
        j->nout = bytes;
        j->mask = 1u << 1;
    }
}

/* The buffered records of every series as whole chunks, made (and compressed) on the threads
 * OpenMP has (each chunk by one thread; the bytes do not depend on which) and written in
 * order. */
static int write_chunks(ds_h5_writer *restrict w)
{
    const size_t rows = w->chunk_rows;
    const size_t bytes = rows * w->chunk * sizeof(double), per = ((size_t)w->nsubj + rows - 1) / rows;
    const size_t njob = (size_t)w->nseries * per;
    hsize_t total[2] = {(hsize_t)w->nsubj, w->nflushed + w->nbuf};
    for (int s = 0; s < w->nseries; ++s)
        if (H5Dset_extent(w->dsets[s], total) < 0)
            return -1;
    chunk_job job[CHUNK_JOBS];
    if (!w->zbuf && !(w->zbuf = malloc((size_t)CHUNK_JOBS * 2 * bytes))) /* once per file, not per flush */
        return -1;
    if (!w->zs && w->deflate > 0) {
        /* At level 1 (--compression fast), deflate looks for runs of one byte only (Z_RLE):
         * the shuffled high bytes of a series are long runs, and a search for longer matches
         * cost a quarter of the time for 3 % of the size (a 1,000-subject cohort's series
         * over a day: 294 MB against 285, 4.8-5.7 s against 6.2-7.7). Any inflate reads it. */
        const int nt = omp_get_max_threads(), strategy = w->deflate == 1 ? Z_RLE : Z_DEFAULT_STRATEGY;
        if (!(w->zs = calloc((size_t)nt, sizeof *w->zs)))
            return -1;
        for (; w->nzs < nt; w->nzs++)
            if (deflateInit2(&w->zs[w->nzs], w->deflate, Z_DEFLATED, MAX_WBITS, 8, strategy) != Z_OK)
                return -1;
    }
    unsigned char *mem = w->zbuf;
    int rc = 0;
    for (size_t j0 = 0; j0 < njob && rc == 0; j0 += CHUNK_JOBS) {
        const int nj = (int)(njob - j0 < CHUNK_JOBS ? njob - j0 : CHUNK_JOBS);
        for (int k = 0; k < nj; k++)
            job[k] = (chunk_job){.series = (int)((j0 + k) / per), .r0 = (j0 + k) % per * rows,
                                 .raw = mem + (size_t)k * 2 * bytes, .out = mem + ((size_t)k * 2 + 1) * bytes};
#pragma omp parallel for schedule(dynamic, 1) if (nj > 1) num_threads(w->nzs > 0 ? w->nzs : omp_get_max_threads())
        for (int k = 0; k < nj; k++)
            compress_chunk(w, &job[k], w->zs ? &w->zs[omp_get_thread_num()] : NULL);
        for (int k = 0; k < nj && rc == 0; k++) {
            hsize_t off[2] = {job[k].r0, w->nflushed};
            rc = H5Dwrite_chunk(w->dsets[job[k].series], H5P_DEFAULT, job[k].mask, off, job[k].nout, job[k].out) < 0;
        }
    }
    return rc ? -1 : 0;
}

/* Writes the buffered records. Series go first and /time last, so that a reader of a
 * file that was never finished (it keeps its .tmp name) sees at most the times of data
 * that was written. Series are written as whole chunks made here (the buffer holds one chunk
 * length of records; the last flush, fewer, padded with the fill value). */
static ds_status flush(ds_h5_writer *restrict w, ds_error *err)
{
    if (w->nbuf == 0)
        return DS_OK;
    if (w->nseries > 0 && write_chunks(w) < 0) {
        w->broken = true;
        return ds_h5w_fail_h5(err, w, "write records to", w->paths[0]);
    }
    if (write_times(w->time_dset, w->nflushed, w->nbuf, w->tbuf) < 0) {
        w->broken = true;
        return ds_h5w_fail_h5(err, w, "write records to", TIME_PATH);
    }
    w->nflushed += w->nbuf;
    w->nbuf = 0;
    return DS_OK;
}

/* ---- life cycle ---------------------------------------------------------------------- */

/* Releases HDF5 handles and memory, removing the temporary file unless it was renamed. */
static void destroy(ds_h5_writer *w, bool remove_tmp)
{
    for (int s = 0; w->dsets && s < w->nseries; ++s)
        ds_h5w_close_id(&w->dsets[s]);
    ds_h5w_close_id(&w->time_dset);
    ds_h5w_forget_group(w);
    ds_h5w_close_open_at(w, NULL);
    if (w->file >= 0)
        H5Fclose(w->file);
    w->file = H5I_INVALID_HID;
    if (remove_tmp && w->created)
        remove(w->tmp_path);
    /* after the rename or removal: a signal before it still removes the temporary */
    ds_cleanup_forget(&w->tmp_slot);
    for (int s = 0; w->paths && s < w->nseries; ++s)
        free(w->paths[s]);
    free(w->paths);
    free(w->attach);
    free(w->zbuf);
    for (int k = 0; k < w->nzs; k++)
        deflateEnd(&w->zs[k]);
    free(w->zs);
    free(w->dsets);
    free(w->tbuf);
    free(w->vbuf);
    free(w->final_path);
    free(w->tmp_path);
    free(w);
}

static ds_status check_create_args(const char *final_path, int nsubj, int nseries, const ds_series_desc *series,
                                   ds_h5_writer **out, ds_error *err)
{
    if (!out)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_create: no place to return the writer (out is NULL)");
    if (!final_path || !*final_path)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_create: empty output file name");
    if (nsubj < 1)
        return ds_fail(err, DS_ERR_USAGE, "%s: need at least one subject, got %d", final_path, nsubj);
    if (nseries < 0 || (nseries > 0 && !series))
        return ds_fail(err, DS_ERR_USAGE, "%s: invalid series list (%d series)", final_path, nseries);
    for (int s = 0; s < nseries; ++s) {
        if (!ds_h5w_valid_path(series[s].path))
            return ds_fail(err, DS_ERR_USAGE, "%s: series %d has path '%s'; it must be absolute, e.g. '/levels/L4L5/pressure'",
                           final_path, s, series[s].path ? series[s].path : "(null)");
        if (strcmp(series[s].path, TIME_PATH) == 0)
            return ds_fail(err, DS_ERR_USAGE, "%s: series %d uses the reserved path '%s'", final_path, s, TIME_PATH);
        for (int k = 0; k < s; ++k)
            if (strcmp(series[k].path, series[s].path) == 0)
                return ds_fail(err, DS_ERR_USAGE, "%s: series %d and %d both use the path '%s'", final_path, k, s,
                               series[s].path);
    }
    return DS_OK;
}

/* The final name is replaced when the run succeeds, so whatever it names now must be
 * nothing a user could lose: absent, empty, or an HDF5 file (an earlier output; discsim
 * writes no user block, so the signature is at offset 0). A folder, a device, a scenario or
 * any other file is refused before anything runs. */
static ds_status check_target(const char *final_path, ds_error *err)
{
    struct stat sb;
    if (stat(final_path, &sb) != 0)
        return DS_OK; /* absent, or unreachable: creating the temporary file will say why */
    if (S_ISDIR(sb.st_mode))
        return ds_fail(err, DS_ERR_IO, "output '%s' is a folder: give a file name, e.g. '%s/out.h5'", final_path,
                       final_path);
    if (!S_ISREG(sb.st_mode))
        return ds_fail(err, DS_ERR_IO, "output '%s' exists and is not a regular file: it is left alone; choose another "
                       "output name", final_path);
    if (sb.st_size == 0)
        return DS_OK;
    unsigned char head[sizeof HDF5_SIGNATURE];
    int fd = open(final_path, O_RDONLY);
    if (fd < 0)
        return ds_fail(err, DS_ERR_IO, "output '%s' exists and cannot be read to check that it is an HDF5 file: %s",
                       final_path, strerror(errno));
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    if (n != (ssize_t)sizeof head || memcmp(head, HDF5_SIGNATURE, sizeof head) != 0)
        return ds_fail(err, DS_ERR_IO, "output '%s' exists and is not an HDF5 file: discsim replaces only its own "
                       "outputs; remove it or choose another output name", final_path);
    return DS_OK;
}

/* Allocates the writer with every buffer it will ever need; append never allocates. */
static ds_status alloc_writer(const char *final_path, int nsubj, int nseries, ds_h5_writer **out, ds_error *err)
{
    ds_h5_writer *w = calloc(1, sizeof *w);
    if (!w)
        return ds_fail(err, DS_ERR_NOMEM, "%s: out of memory for the output writer", final_path);
    w->file = w->time_dset = H5I_INVALID_HID;
    w->tmp_slot = -1;
    w->nsubj = nsubj;
    w->nseries = nseries;
    w->chunk_rows = (size_t)(nsubj < CHUNK_SUBJECTS ? nsubj : CHUNK_SUBJECTS);
    w->chunk = chunk_records(w->chunk_rows);
    w->deflate = DEFLATE_LEVEL;
    *out = w;

    size_t per_series = (size_t)nsubj * w->chunk;
    bool overflow = nseries > 0 && per_series > SIZE_MAX / sizeof(double) / (size_t)nseries;
    size_t tmp_len = strlen(final_path) + 32; /* ".tmp-" and a pid */
    w->final_path = strdup(final_path);
    w->tmp_path = malloc(tmp_len);
    w->tbuf = malloc(w->chunk * sizeof *w->tbuf);
    w->vbuf = overflow ? NULL : malloc((nseries > 0 ? (size_t)nseries * per_series : 1) * sizeof *w->vbuf);
    w->dsets = malloc((nseries > 0 ? (size_t)nseries : 1) * sizeof *w->dsets);
    w->paths = calloc(nseries > 0 ? (size_t)nseries : 1, sizeof *w->paths);
    if (!w->final_path || !w->tmp_path || !w->tbuf || !w->vbuf || !w->dsets || !w->paths)
        return ds_fail(err, DS_ERR_NOMEM, "%s: out of memory for the output buffers (%d series x %d subjects x %zu records)",
                       final_path, nseries, nsubj, w->chunk);
    for (int s = 0; s < nseries; ++s)
        w->dsets[s] = H5I_INVALID_HID;
    snprintf(w->tmp_path, tmp_len, "%s.tmp-%ld", final_path, (long)getpid());
    return DS_OK;
}

/* Creates the temporary file. open(2) first, so a missing directory or a permission
 * problem is reported with the system's own words rather than HDF5's stack. */
static ds_status open_file(ds_h5_writer *restrict w, ds_error *err)
{
    /* registered before it exists, so a signal at any moment after this removes it */
    ds_status st = ds_cleanup_track(w->tmp_path, false, &w->tmp_slot, err);
    if (st != DS_OK)
        return st;
    int fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        return ds_fail(err, DS_ERR_IO, "cannot create output file '%s' (as temporary '%s'): %s", w->final_path,
                       w->tmp_path, strerror(errno));
    close(fd);
    w->created = true;

    /* The root group is created with the file: its time stamps are set through the file
     * creation list, which inherits the object creation properties. */
    hid_t fcpl = ds_h5w_no_times_plist(H5P_FILE_CREATE);
    /* no sieve buffer: a dataset written in pieces keeps one of up to 64 KiB while it is
     * open, and the cohort's ninety parameter datasets stay open for their pieces (4 MB of
     * the peak for 100,000 subjects); the pieces are large enough to be written as they are */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fcpl >= 0 && fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0 &&
        H5Pset_sieve_buf_size(fapl, 0) >= 0)
        w->file = H5Fcreate(w->tmp_path, H5F_ACC_TRUNC, fcpl, fapl);
    ds_h5w_close_id(&fapl);
    ds_h5w_close_id(&fcpl);
    if (w->file < 0)
        return ds_h5w_fail_h5(err, w, "create HDF5 file", w->tmp_path);
    return DS_OK;
}

/* Closes the current stream's datasets after writing what is buffered. */
static ds_status end_stream(ds_h5_writer *w, ds_error *err)
{
    ds_status st = w->broken ? ds_fail(err, DS_ERR_IO, "%s: an earlier write failed", w->final_path) : flush(w, err);
    for (int s = 0; w->dsets && s < w->nseries; ++s) {
        ds_h5w_close_id(&w->dsets[s]);
        free(w->paths[s]);
        w->paths[s] = NULL;
    }
    ds_h5w_close_id(&w->time_dset);
    return st;
}

/* The stream's axes: <prefix>/subject (0 .. nsubj - 1) and <prefix>/time, attached to every
 * series as its dimensions 0 and 1. */
static ds_status stream_axes(ds_h5_writer *w, const char *pre, ds_error *err)
{
    char subj[600], time[600];
    snprintf(subj, sizeof subj, "%s/subject", pre);
    snprintf(time, sizeof time, "%s%s", pre, TIME_PATH);
    int64_t *idx = malloc((size_t)w->nsubj * sizeof *idx);
    if (!idx)
        return ds_fail(err, DS_ERR_NOMEM, "%s: out of memory", w->final_path);
    for (int l = 0; l < w->nsubj; l++)
        idx[l] = l;
    size_t dims[1] = {(size_t)w->nsubj};
    ds_status st = ds_h5_write_int64s(w, subj, 1, dims, idx, "1", "subject index (the cohort's order)", err);
    free(idx);
    for (int s = 0; st == DS_OK && s < w->nseries; ++s)
        if (!(st = ds_h5_attach_scale(w, w->paths[s], 0, subj, "subject", err)))
            st = ds_h5_attach_scale(w, w->paths[s], 1, time, "time", err);
    return st;
}

ds_status ds_h5_stream(ds_h5_writer *w, const char *prefix, int nseries, const ds_series_desc *series, ds_error *err)
{
    if (!w)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_stream: no writer");
    if (nseries < 0 || (nseries > 0 && !series))
        return ds_fail(err, DS_ERR_USAGE, "%s: invalid series list (%d series)", w->final_path, nseries);
    ds_h5_quiet q = ds_h5_quiet_begin();
    ds_status st = end_stream(w, err);
    ds_h5_quiet_end(q);
    if (st != DS_OK)
        return st;
    /* buffers for the new stream's series */
    size_t per_series = (size_t)w->nsubj * w->chunk;
    double *vbuf = realloc(w->vbuf, (nseries > 0 ? (size_t)nseries * per_series : 1) * sizeof *vbuf);
    hid_t *dsets = realloc(w->dsets, (nseries > 0 ? (size_t)nseries : 1) * sizeof *dsets);
    if (vbuf)
        w->vbuf = vbuf;
    if (dsets)
        w->dsets = dsets;
    char **paths = calloc(nseries > 0 ? (size_t)nseries : 1, sizeof *paths);
    if (!vbuf || !dsets || !paths) {
        free(paths);
        return ds_fail(err, DS_ERR_NOMEM, "%s: out of memory for the output buffers", w->final_path);
    }
    free(w->paths);
    w->paths = paths;
    w->nseries = nseries;
    w->nbuf = w->nflushed = 0;
    for (int s = 0; s < nseries; ++s)
        w->dsets[s] = H5I_INVALID_HID;
    const char *pre = prefix ? prefix : "";
    size_t plen = strlen(pre);
    char *tpath = malloc(plen + sizeof TIME_PATH);
    if (!tpath)
        return ds_fail(err, DS_ERR_NOMEM, "%s: out of memory", w->final_path);
    snprintf(tpath, plen + sizeof TIME_PATH, "%s%s", pre, TIME_PATH);
    q = ds_h5_quiet_begin();
    st = create_stream(w, tpath, 0, TIME_UNITS, TIME_DESCRIPTION, &w->time_dset, err);
    free(tpath);
    for (int s = 0; st == DS_OK && s < nseries; ++s) {
        size_t n = plen + strlen(series[s].path) + 1;
        w->paths[s] = malloc(n);
        if (!w->paths[s])
            st = ds_fail(err, DS_ERR_NOMEM, "%s: out of memory", w->final_path);
        else {
            snprintf(w->paths[s], n, "%s%s", pre, series[s].path);
            st = create_stream(w, w->paths[s], w->nsubj, series[s].units, series[s].description, &w->dsets[s], err);
        }
    }
    ds_h5_quiet_end(q);
    if (st == DS_OK)
        st = stream_axes(w, pre, err);
    if (st != DS_OK)
        w->broken = true;
    return st;
}

ds_status ds_h5_set_records(ds_h5_writer *w, size_t n, ds_error *err)
{
    if (!w || n < 1)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_set_records: %zu records", n);
    const size_t c = chunk_records(w->chunk_rows);
    w->chunk = n < c ? n : c;
    return DS_OK;
}

ds_status ds_h5_set_compression(ds_h5_writer *w, int level, ds_error *err)
{
    if (!w || level < 0 || level > 9)
        return ds_fail(err, DS_ERR_USAGE, "deflate level %d: 0 (none) to 9", level);
    w->deflate = level;
    return DS_OK;
}

ds_status ds_h5_open(const char *final_path, int nsubj, ds_h5_writer **out, ds_error *err)
{
    ds_status st = check_create_args(final_path, nsubj, 0, NULL, out, err);
    if (st == DS_OK)
        st = check_target(final_path, err);
    if (st != DS_OK)
        return st;
    *out = NULL;
    ds_h5_writer *w = NULL;
    st = alloc_writer(final_path, nsubj, 0, &w, err);
    if (st == DS_OK) {
        ds_h5_quiet q = ds_h5_quiet_begin();
        st = open_file(w, err);
        ds_h5_quiet_end(q);
    }
    if (st != DS_OK) {
        ds_h5_abort(w);
        return st;
    }
    *out = w;
    return DS_OK;
}

ds_status ds_h5_create(const char *final_path, int nsubj, int nseries, const ds_series_desc *series,
                       ds_h5_writer **out, ds_error *err)
{
    ds_status st = check_create_args(final_path, nsubj, nseries, series, out, err);
    if (st == DS_OK)
        st = check_target(final_path, err);
    if (st != DS_OK)
        return st;
    *out = NULL;
    ds_h5_writer *w = NULL;
    st = alloc_writer(final_path, nsubj, 0, &w, err);
    if (st != DS_OK) {
        ds_h5_abort(w);
        return st;
    }
    ds_h5_quiet q = ds_h5_quiet_begin();
    st = open_file(w, err);
    ds_h5_quiet_end(q);
    if (st == DS_OK)
        st = ds_h5_stream(w, "", nseries, series, err);
    if (st != DS_OK) {
        ds_h5_abort(w);
        return st;
    }
    *out = w;
    return DS_OK;
}

ds_status ds_h5_append(ds_h5_writer *w, double t, const double *values, ds_error *err)
{
    if (!w)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_append: no writer");
    if (w->broken)
        return ds_fail(err, DS_ERR_IO, "%s: an earlier write failed; no further records can be added", w->final_path);
    if (w->nseries > 0 && !values)
        return ds_fail(err, DS_ERR_USAGE, "%s: record at t = %g s has no values", w->final_path, t);

    /* kept as it comes, [series][subject], after the records before it: the chunks are
     * gathered from these on the threads when the buffer is full (a transpose here, one
     * cache line written per value, was a fifth of a 1,000-subject cohort's run) */
    size_t chunk = w->chunk, col = w->nbuf;
    size_t n = (size_t)w->nseries * (size_t)w->nsubj;
    if (n > 0)
        memcpy(w->vbuf + col * n, values, n * sizeof *values);
    w->tbuf[col] = t;
    w->nbuf = col + 1;
    if (w->nbuf < chunk)
        return DS_OK;

    ds_h5_quiet q = ds_h5_quiet_begin();
    ds_status st = flush(w, err);
    ds_h5_quiet_end(q);
    return st;
}

size_t ds_h5_count(const ds_h5_writer *w) { return w ? w->nflushed + w->nbuf : 0; }

/* ---- generic provenance helpers ------------------------------------------------------ */

/* HDF5 does not sync on close; without this a crash just after the rename could leave an
 * empty or partial file under the final name, which the temporary name exists to prevent. */
static ds_status sync_file(const ds_h5_writer *w, ds_error *err)
{
    int fd = open(w->tmp_path, O_RDONLY);
    if (fd < 0 || fsync(fd) < 0) {
        ds_status st = ds_fail(err, DS_ERR_IO, "%s: cannot sync temporary file '%s': %s", w->final_path, w->tmp_path,
                               strerror(errno));
        if (fd >= 0)
            close(fd);
        return st;
    }
    close(fd);
    return DS_OK;
}

static ds_status close_all(ds_h5_writer *restrict w, ds_error *err)
{
    ds_status st = DS_OK;
    for (int s = 0; s < w->nseries; ++s) {
        if (w->dsets[s] >= 0 && H5Dclose(w->dsets[s]) < 0 && st == DS_OK)
            st = ds_h5w_fail_h5(err, w, "close dataset", w->paths[s]);
        w->dsets[s] = H5I_INVALID_HID;
    }
    /* a file of summaries only (a sweep) has no stream and no /time */
    if (w->time_dset >= 0 && H5Dclose(w->time_dset) < 0 && st == DS_OK)
        st = ds_h5w_fail_h5(err, w, "close dataset", TIME_PATH);
    w->time_dset = H5I_INVALID_HID;
    ds_h5w_forget_group(w);
    ds_status cs = ds_h5w_close_open_at(w, err);
    st = st == DS_OK ? cs : st;
    /* Closing the file is where cached chunks and metadata reach the disk: a full disk
     * shows up here. */
    if (H5Fclose(w->file) < 0 && st == DS_OK)
        st = ds_h5w_fail_h5(err, w, "close temporary file", w->tmp_path);
    w->file = H5I_INVALID_HID;
    return st;
}

ds_status ds_h5_finish(ds_h5_writer *w, ds_error *err)
{
    if (!w)
        return ds_fail(err, DS_ERR_USAGE, "ds_h5_finish: no writer");
    if (w->broken) {
        ds_status st = ds_fail(err, DS_ERR_IO, "%s: an earlier write failed; the output was discarded", w->final_path);
        ds_h5_abort(w);
        return st;
    }
    ds_h5_quiet q = ds_h5_quiet_begin();
    ds_status st = flush(w, err);
    if (st == DS_OK)
        st = ds_h5_scales_flush(w, err);
    if (st == DS_OK)
        st = close_all(w, err);
    ds_h5_quiet_end(q);
    if (st == DS_OK)
        st = sync_file(w, err);
    if (st == DS_OK && rename(w->tmp_path, w->final_path) != 0)
        st = ds_fail(err, DS_ERR_IO, "cannot rename temporary file '%s' to '%s': %s", w->tmp_path, w->final_path,
                     strerror(errno));
    q = ds_h5_quiet_begin();
    destroy(w, st != DS_OK);
    ds_h5_quiet_end(q);
    return st;
}

void ds_h5_abort(ds_h5_writer *w)
{
    if (!w)
        return;
    ds_h5_quiet q = ds_h5_quiet_begin();
    destroy(w, true);
    ds_h5_quiet_end(q);
}
