/* Checkpoints of a cohort or arms study: every block of subjects that finishes is appended
 * to a file beside the output, so that a run that is killed can go on with --resume from the
 * blocks it finished, and end with the same datasets as a run that was never stopped. The
 * file is removed when the study completes.
 *
 * Layout: a header (magic, a tag that fingerprints the study, variants, subjects, block,
 * whether series are kept), then records of two kinds, each with a head (kind, variant,
 * first run position, subjects and three numbers; a block's subjects are run positions, in
 * the order a cohort's subjects fill the blocks, which the scenario alone decides: the
 * format's version 3, since that order came):
 * - a block's series (series runs): records rec0 .. rec0 + nrec - 1 of its subjects, each
 *   [series][subjects], a chunk at a time as the block runs; the series run's file is then
 *   written from them, record by record, once every block is done;
 * - a block's results, once it is done: per subject its metrics, failure flag, time and text,
 *   and solver statistics; and, for series, how many records its chunks hold.
 * A record is written whole and handed to the system before the next, so a killed run loses
 * none it wrote; a record cut short is ignored on resume, and so is a block whose chunks do
 * not cover its records (a block that ran again starts its chunks anew).
 *
 * A summaries-only checkpoint is forced to the disc (fsync) at most once a second: what a
 * crash of the machine itself may lose, and no more often, since a forced write per block
 * cost a 30,000-subject run a tenth of its time (README, cohort benchmark). One with series
 * is not forced: it grows as fast as the series are made (1.6 GB for 2,000 subjects of
 * massage_cohort.yaml), and the run would wait for the disc. The system writes
 * it within its own delay (half a minute by default on Linux); the file only grows at its
 * end, and where the file system writes a file's data before its new length (ext4's
 * default), what a crash keeps is a beginning of it, which resume reads as such. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* pwritev */
#endif
#include "study/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "study/block_pack.h"
#include "discsim/clock.h"

static const char magic[8] = {'D', 'S', 'C', 'K', 'P', 'T', '3', '\n'};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

enum { REC_BLOCK = 1, REC_SERIES = 2 };

/* What must match for a checkpoint to continue a study: the scenario and every variant's
 * overrides, the subjects, the block size and whether series are kept. */
static uint64_t study_tag(const ds_study *st, int block, int series)
{
    uint64_t h = 1469598103934665603ULL;
    const ds_scenario *s0 = &st->variant[0];
    h = fnv(h, s0->text, strlen(s0->text));
    for (int v = 0; v < st->nvariant; v++)
        h = fnv(h, st->variant[v].overrides, strlen(st->variant[v].overrides) + 1);
    int32_t shape[4] = {st->nvariant, s0->nsubj, block, series};
    return fnv(h, shape, sizeof shape);
}

/* REC_BLOCK: a = metrics, b = series records in the block's chunks; REC_SERIES: a = rec0,
 * b = nrec, c = series. */
typedef struct {
    int32_t kind, variant, l0, n, a, b, c, pad;
} rec_head;

static size_t body_bytes(const rec_head *h)
{
    return h->kind == REC_BLOCK ? (size_t)h->n * ds_block_lane_bytes(h->a)
                                : (size_t)h->b * (size_t)h->c * (size_t)h->n * sizeof(double);
}

static ds_checkpoint_block *block_of(ds_checkpoint *c, int variant, int l0)
{
    return &c->blk[(size_t)variant * c->nblock + l0 / c->block];
}

/* A chunk of a block's series at offset at (rec0 = 0: the block runs anew). */
static int add_chunk(ds_checkpoint_block *b, const rec_head *h, off_t at)
{
    if (h->a == 0)
        b->nchunk = 0, b->records = 0, b->per_chunk = h->b, b->n = h->n, b->nseries = h->c;
    /* in order, the same shape, and only the last may be short */
    if (h->a != b->records || h->n != b->n || h->c != b->nseries ||
        (b->nchunk && (h->b > b->per_chunk || b->records % b->per_chunk)))
        return 0;
    if (b->nchunk == b->cap) {
        int cap = b->cap ? 2 * b->cap : 8;
        off_t *p = realloc(b->chunk, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        b->chunk = p, b->cap = cap;
    }
    b->chunk[b->nchunk++] = at;
    b->records += h->b;
    return 1;
}

/* All of the iov's bytes at offset at (a write to a file may be short): 0, or the error
 * number. */
static int write_at(int fd, struct iovec *iov, int n, off_t at)
{
    while (n > 0) {
        ssize_t k = pwritev(fd, iov, n, at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 && errno ? errno : EIO;
        at += k;
        for (; n > 0 && (size_t)k >= iov->iov_len; iov++, n--)
            k -= (ssize_t)iov->iov_len;
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + k;
            iov->iov_len -= (size_t)k;
        }
    }
    return 0;
}

/* bytes at offset at into buf: 1 if all were there. */
static int read_at(int fd, void *buf, size_t bytes, off_t at)
{
    for (size_t got = 0; got < bytes;) {
        ssize_t k = pread(fd, (char *)buf + got, bytes - got, at + (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return 0;
        got += (size_t)k;
    }
    return 1;
}

enum { HEADER_BYTES = sizeof magic + sizeof(uint64_t) + 4 * sizeof(int32_t) };

static ds_status write_header(ds_checkpoint *c, ds_error *err)
{
    int32_t shape[4] = {c->nvariant, c->nsubj, c->block, c->series};
    struct iovec iov[3] = {{(void *)magic, sizeof magic}, {&c->tag, sizeof c->tag}, {shape, sizeof shape}};
    int e = write_at(c->fd, iov, 3, 0);
    if (e || fsync(c->fd))
        return ds_fail(err, DS_ERR_IO, "%s: cannot write the checkpoint: %s", c->path, strerror(e ? e : errno));
    c->end = HEADER_BYTES;
    return DS_OK;
}

/* Reads an earlier checkpoint of the same study: the offset of every complete record; the
 * records go on after the last of them (a record cut short by a kill is written over). */
static ds_status read_index(ds_checkpoint *c, ds_error *err)
{
    char mg[sizeof magic];
    uint64_t tag;
    int32_t shape[4];
    if (!read_at(c->fd, mg, sizeof mg, 0) || memcmp(mg, magic, 6) ||
        !read_at(c->fd, &tag, sizeof tag, sizeof mg) || !read_at(c->fd, shape, sizeof shape, sizeof mg + sizeof tag))
        return ds_fail(err, DS_ERR_IO, "%s: not a discsim checkpoint (run without --resume to start again)", c->path);
    if (memcmp(mg, magic, sizeof mg)) /* an earlier format: its blocks may hold other subjects */
        return ds_fail(err, DS_ERR_INPUT,
                       "%s: a checkpoint of another version of discsim (format %c, this one's %c); run without "
                       "--resume to start again",
                       c->path, mg[6], magic[6]);
    if (tag != c->tag || shape[0] != c->nvariant || shape[1] != c->nsubj || shape[2] != c->block ||
        shape[3] != c->series)
        return ds_fail(err, DS_ERR_INPUT,
                       "%s: the checkpoint is of another study (scenario, --set, subjects, --block or --record "
                       "differ); run without --resume to start again",
                       c->path);
    struct stat sb;
    if (fstat(c->fd, &sb))
        return ds_fail(err, DS_ERR_IO, "%s: cannot read the checkpoint", c->path);
    const off_t size = sb.st_size;
    for (c->end = HEADER_BYTES;;) {
        const off_t at = c->end;
        rec_head rh;
        if (!read_at(c->fd, &rh, sizeof rh, at))
            break;
        if (rh.variant < 0 || rh.variant >= c->nvariant || rh.l0 < 0 || rh.n < 1 || rh.l0 + rh.n > c->nsubj ||
            rh.l0 % c->block || (rh.kind != REC_BLOCK && rh.kind != REC_SERIES) ||
            (rh.kind == REC_BLOCK && (rh.a < 0 || rh.a > DS_MAX_METRICS || rh.b < 0)) ||
            (rh.kind == REC_SERIES && (!c->series || rh.a < 0 || rh.b < 1 || rh.c < 1 || rh.c > 1 << 16)))
            break;
        const off_t body = (off_t)body_bytes(&rh);
        if (at + (off_t)sizeof rh + body > size) /* cut short by a kill: ignored */
            break;
        c->end = at + (off_t)sizeof rh + body;
        ds_checkpoint_block *b = block_of(c, rh.variant, rh.l0);
        if (rh.kind == REC_SERIES && add_chunk(b, &rh, at) < 0)
            return ds_fail(err, DS_ERR_NOMEM, "out of memory for the checkpoint's index");
        if (rh.kind == REC_BLOCK && b->done < 0 && rh.b == (c->series ? b->records : 0)) {
            b->done = at;
            c->restored++;
        }
    }
    return DS_OK;
}

/* A new checkpoint at path, not through a link, and not over a file that is not a checkpoint
 * (replaced only if it is empty or an earlier run's, as the output is). An earlier one is
 * removed, not truncated: a file truncated to nothing and written again is written to the
 * disc when it is closed (ext4's auto_da_alloc, against empty files after a crash): with
 * 1.6 GB of series, the close took half a second and the removal twice as long (README). */
static ds_status create_file(ds_checkpoint *c, const char *path, ds_error *err)
{
    struct stat sb;
    char mg[6];
    if (lstat(path, &sb) == 0) {
        if (S_ISLNK(sb.st_mode))
            return ds_fail(err, DS_ERR_IO, "%s: cannot create the checkpoint: it is a symbolic link", path);
        if (!S_ISREG(sb.st_mode))
            return ds_fail(err, DS_ERR_IO, "%s: the checkpoint's name is taken by something not a file", path);
        if (sb.st_size > 0) {
            const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
            const int ours = fd >= 0 && read_at(fd, mg, sizeof mg, 0) && !memcmp(mg, magic, sizeof mg);
            if (fd >= 0)
                close(fd);
            if (!ours)
                return ds_fail(err, DS_ERR_IO, "%s exists and is not a discsim checkpoint: discsim replaces only its "
                                               "own; remove it or choose another output name", path);
        }
        if (unlink(path))
            return ds_fail(err, DS_ERR_IO, "%s: cannot replace the checkpoint: %s", path, strerror(errno));
    } else if (errno != ENOENT) {
        return ds_fail(err, DS_ERR_IO, "%s: cannot create the checkpoint: %s", path, strerror(errno));
    }
    c->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (c->fd < 0)
        return ds_fail(err, DS_ERR_IO, "%s: cannot create the checkpoint: %s", path, strerror(errno));
    return write_header(c, err);
}

/* An earlier checkpoint at path, to resume from: its records are indexed, and one cut short
 * at its end is cut off, to be written over. */
static ds_status open_file(ds_checkpoint *c, const char *path, ds_error *err)
{
    struct stat sb;
    c->fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (c->fd < 0)
        return errno == ENOENT ? ds_fail(err, DS_ERR_IO, "%s: no checkpoint to resume from (run without --resume)", path)
                               : ds_fail(err, DS_ERR_IO, "%s: cannot open the checkpoint: %s", path,
                                         errno == ELOOP ? "it is a symbolic link" : strerror(errno));
    if (fstat(c->fd, &sb) || !S_ISREG(sb.st_mode))
        return ds_fail(err, DS_ERR_IO, "%s: the checkpoint's name is taken by something not a file", path);
    ds_status s = read_index(c, err);
    if (!s && c->end < sb.st_size && ftruncate(c->fd, c->end))
        s = ds_fail(err, DS_ERR_IO, "%s: cannot write the checkpoint: %s", path, strerror(errno));
    return s;
}

ds_status ds_checkpoint_open(ds_checkpoint *c, const char *path, const ds_study *st, int block, int series,
                             int resume, ds_error *err)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    snprintf(c->path, sizeof c->path, "%s", path);
    c->nvariant = st->nvariant;
    c->nsubj = st->variant[0].nsubj;
    c->block = block;
    c->nblock = (c->nsubj + block - 1) / block;
    c->series = series != 0;
    c->tag = study_tag(st, block, c->series);
    c->blk = calloc((size_t)c->nvariant * c->nblock, sizeof *c->blk);
    if (!c->blk)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the checkpoint's index");
    for (size_t i = 0; i < (size_t)c->nvariant * c->nblock; i++)
        c->blk[i].done = -1;
    ds_status s = resume ? open_file(c, path, err) : create_file(c, path, err);
    if (s)
        ds_checkpoint_close(c, 0);
    return s;
}

void ds_checkpoint_close(ds_checkpoint *c, int completed)
{
    if (c->fd >= 0)
        close(c->fd);
    if (completed && c->path[0])
        unlink(c->path);
    for (size_t i = 0; c->blk && i < (size_t)c->nvariant * c->nblock; i++)
        free(c->blk[i].chunk);
    free(c->blk);
    c->blk = NULL;
    c->fd = -1;
}

/* The hooks of one variant. */
static int restore(void *ctx, int l0, int n, const ds_block_results *r)
{
    ds_checkpoint_variant *cv = ctx;
    ds_checkpoint *c = cv->c;
    if (cv->split && cv->split->restore && cv->split->restore(cv->split->ctx, l0, n, r))
        return 1; /* another process runs it */
    const off_t at = block_of(c, cv->variant, l0)->done;
    if (at < 0)
        return 0;
    /* read where nothing is written (records are only appended), by offset: no lock */
    int ok = 0;
    rec_head rh;
    size_t body = (size_t)n * ds_block_lane_bytes(r->nmetric);
    unsigned char *buf = malloc(body ? body : 1);
    if (buf && read_at(c->fd, &rh, sizeof rh, at) && rh.l0 == l0 && rh.n == n && rh.a == r->nmetric &&
        read_at(c->fd, buf, body, at + (off_t)sizeof rh)) {
        ds_block_unpack(r, l0, n, buf);
        ok = 1;
    }
    free(buf);
    return ok;
}

/* Why a record could not be written (e: its error number), with what the file holds. */
static ds_status write_failed(const ds_checkpoint *c, int e, ds_error *err)
{
    return ds_fail(err, DS_ERR_IO, "%s: cannot write the checkpoint: %s%s", c->path, strerror(e),
                   c->series ? " (a series run keeps its series there until it ends, uncompressed; --record summary "
                               "keeps only the summaries)"
                             : "");
}

/* Appends a record (head, then body) with one system call and hands it to the system; a
 * series chunk enters its block's index. The records are written one at a time, in the
 * order of the file, so that what a kill leaves is a beginning of it (one system call each:
 * the lock is held for a copy into the system's cache, not for a buffered stream's seeks and
 * reads). A summaries-only checkpoint is forced to the disc at most once a second, outside
 * the lock. 0, or the error number. */
static int append(ds_checkpoint *c, const rec_head *rh, const void *body, size_t bytes)
{
    int bad = 0, sync = 0;
    struct iovec iov[2] = {{(void *)rh, sizeof *rh}, {(void *)body, bytes}};
#pragma omp critical(ds_checkpoint)
    {
        const off_t at = c->end;
        bad = write_at(c->fd, iov, 2, at);
        if (!bad)
            c->end = at + (off_t)(sizeof *rh + bytes);
        if (!bad && rh->kind == REC_SERIES && add_chunk(block_of(c, rh->variant, rh->l0), rh, at) != 1)
            bad = ENOMEM; /* the index could not grow (or its order broke, which the caller rules out) */
        const double t = ds_seconds();
        if (!bad && !c->series && t - c->synced >= 1.0) {
            sync = 1;
            c->synced = t;
        }
    }
    return bad ? bad : sync && fsync(c->fd) ? errno : 0;
}

static ds_status done(void *ctx, int l0, int n, const ds_block_results *r, ds_error *err)
{
    ds_checkpoint_variant *cv = ctx;
    ds_checkpoint *c = cv->c;
    /* the block's chunks are in (written by its own thread before this) */
    rec_head rh = {REC_BLOCK, cv->variant, l0, n, r->nmetric, c->series ? (int32_t)block_of(c, cv->variant, l0)->records : 0,
                   0, 0};
    size_t bytes = body_bytes(&rh);
    unsigned char *buf = malloc(bytes);
    if (!buf)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for a checkpoint record");
    ds_block_pack(r, l0, n, buf);
    int e = append(c, &rh, buf, bytes);
    free(buf);
    return e ? write_failed(c, e, err) : DS_OK;
}

static ds_status put_records(void *ctx, int l0, int n, long rec0, int nrec, int nseries, const double *x,
                             ds_error *err)
{
    ds_checkpoint_variant *cv = ctx;
    ds_checkpoint *c = cv->c;
    if (rec0 > INT32_MAX - nrec)
        return ds_fail(err, DS_ERR_INPUT, "%s: too many records for a checkpoint", c->path);
    rec_head rh = {REC_SERIES, cv->variant, l0, n, (int32_t)rec0, nrec, nseries, 0};
    const int e = append(c, &rh, x, body_bytes(&rh));
    return e ? write_failed(c, e, err) : DS_OK;
}

/* Called once every block is done, from one thread: the file is not written meanwhile. */
static ds_status get_record(void *ctx, int l0, int n, long irec, int nseries, double *x, ds_error *err)
{
    ds_checkpoint_variant *cv = ctx;
    ds_checkpoint *c = cv->c;
    const ds_checkpoint_block *b = block_of(c, cv->variant, l0);
    /* every chunk but the last holds per_chunk records (add_chunk checked their heads) */
    const long ci = b->per_chunk > 0 ? irec / b->per_chunk : -1;
    const size_t bytes = (size_t)nseries * (size_t)n * sizeof(double);
    if (ci < 0 || ci >= b->nchunk || irec >= b->records || b->n != n || b->nseries != nseries ||
        !read_at(c->fd, x, bytes, b->chunk[ci] + (off_t)sizeof(rec_head) + (off_t)(irec - ci * b->per_chunk) * (off_t)bytes))
        return ds_fail(err, DS_ERR_IO, "%s: record %ld of subjects %d to %d is not in the checkpoint", c->path, irec,
                       l0, l0 + n - 1);
    return DS_OK;
}

/* The split's own hooks, through the checkpoint's */
static ds_status gather(void *ctx, const ds_block_results *r, int block, ds_error *err)
{
    const ds_checkpoint_variant *cv = ctx;
    return cv->split->gather(cv->split->ctx, r, block, err);
}

static int elsewhere(void *ctx, int l0, int n)
{
    const ds_checkpoint_variant *cv = ctx;
    return cv->split->elsewhere(cv->split->ctx, l0, n);
}

static ds_status sync_split(void *ctx, double *rec, int nseries, int nsubj, ds_status st, ds_error *err)
{
    const ds_checkpoint_variant *cv = ctx;
    return cv->split->sync(cv->split->ctx, rec, nseries, nsubj, st, err);
}

ds_block_hooks ds_checkpoint_hooks(ds_checkpoint_variant *cv, ds_checkpoint *c, int variant,
                                   const ds_block_hooks *split)
{
    cv->c = c;
    cv->variant = variant;
    cv->split = split;
    ds_block_hooks h = {.ctx = cv, .restore = restore, .done = done};
    if (split && split->gather)
        h.gather = gather;
    if (split && split->elsewhere)
        h.elsewhere = elsewhere;
    if (split && split->sync)
        h.sync = sync_split;
    if (c->series) {
        h.put_records = put_records;
        h.get_record = get_record;
    }
    return h;
}
