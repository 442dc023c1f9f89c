/* Checkpoints of a summaries-only study (--record summary): every block of subjects that
 * finishes is appended to a file beside the output, so that a run that is killed can go on
 * with --resume from the blocks it finished, and end with the same datasets as a run that
 * was never stopped. The file is removed when the study completes.
 *
 * Layout: a header (magic, a tag that fingerprints the study, variants, subjects, block),
 * then one record a block: variant, first subject, subjects, metrics, and per subject its
 * metrics, failure flag, time and text, and solver statistics. A record is written whole and
 * handed to the system before the next, so a killed run loses none it wrote; a record cut short
 * is ignored on resume. The file is forced to the disc (fsync) at most once a second: what a
 * crash of the machine itself may lose, and no more often, since a forced write per block
 * cost a 30,000-subject run a tenth of its time (README, cohort benchmark). */
#include "study/checkpoint.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "study/block_pack.h"
#include "discsim/clock.h"

static const char magic[8] = {'D', 'S', 'C', 'K', 'P', 'T', '1', '\n'};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

/* What must match for a checkpoint to continue a study: the scenario and every variant's
 * overrides, the subjects and the block size. */
static uint64_t study_tag(const ds_study *st, int block)
{
    uint64_t h = 1469598103934665603ULL;
    const ds_scenario *s0 = &st->variant[0];
    h = fnv(h, s0->text, strlen(s0->text));
    for (int v = 0; v < st->nvariant; v++)
        h = fnv(h, st->variant[v].overrides, strlen(st->variant[v].overrides) + 1);
    int32_t shape[3] = {st->nvariant, s0->nsubj, block};
    return fnv(h, shape, sizeof shape);
}

typedef struct {
    int32_t variant, l0, n, nmetric;
} rec_head;

static ds_status write_header(ds_checkpoint *c, ds_error *err)
{
    int32_t shape[3] = {c->nvariant, c->nsubj, c->block};
    if (fwrite(magic, 1, sizeof magic, c->f) != sizeof magic || fwrite(&c->tag, sizeof c->tag, 1, c->f) != 1 ||
        fwrite(shape, sizeof shape, 1, c->f) != 1 || fflush(c->f) || fsync(fileno(c->f)))
        return ds_fail(err, DS_ERR_IO, "%s: cannot write the checkpoint", c->path);
    return DS_OK;
}

/* Reads an earlier checkpoint of the same study: the offset of every complete record. */
static ds_status read_index(ds_checkpoint *c, ds_error *err)
{
    char mg[sizeof magic];
    uint64_t tag;
    int32_t shape[3];
    if (fread(mg, 1, sizeof mg, c->f) != sizeof mg || memcmp(mg, magic, sizeof mg) || fread(&tag, sizeof tag, 1, c->f) != 1 ||
        fread(shape, sizeof shape, 1, c->f) != 1)
        return ds_fail(err, DS_ERR_IO, "%s: not a discsim checkpoint (run without --resume to start again)", c->path);
    if (tag != c->tag || shape[0] != c->nvariant || shape[1] != c->nsubj || shape[2] != c->block)
        return ds_fail(err, DS_ERR_INPUT,
                       "%s: the checkpoint is of another study (scenario, --set, subjects or --block differ); run "
                       "without --resume to start again",
                       c->path);
    long start = ftell(c->f);
    fseek(c->f, 0, SEEK_END);
    const long size = ftell(c->f);
    fseek(c->f, start, SEEK_SET);
    for (;;) {
        long at = ftell(c->f);
        rec_head rh;
        if (fread(&rh, sizeof rh, 1, c->f) != 1)
            break;
        if (rh.variant < 0 || rh.variant >= c->nvariant || rh.l0 < 0 || rh.n < 1 || rh.l0 + rh.n > c->nsubj ||
            rh.l0 % c->block || rh.nmetric < 0 || rh.nmetric > DS_MAX_METRICS)
            break;
        long body = (long)((size_t)rh.n * ds_block_lane_bytes(rh.nmetric));
        if (at + (long)sizeof rh + body > size) /* cut short by a kill: ignored */
            break;
        fseek(c->f, body, SEEK_CUR);
        c->index[(size_t)rh.variant * c->nblock + rh.l0 / c->block] = at;
        c->restored++;
    }
    return DS_OK;
}

ds_status ds_checkpoint_open(ds_checkpoint *c, const char *path, const ds_study *st, int block, int resume,
                             ds_error *err)
{
    memset(c, 0, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s", path);
    c->nvariant = st->nvariant;
    c->nsubj = st->variant[0].nsubj;
    c->block = block;
    c->nblock = (c->nsubj + block - 1) / block;
    c->tag = study_tag(st, block);
    c->index = malloc((size_t)c->nvariant * c->nblock * sizeof *c->index);
    if (!c->index)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for the checkpoint's index");
    for (size_t i = 0; i < (size_t)c->nvariant * c->nblock; i++)
        c->index[i] = -1;
    ds_status s = DS_OK;
    if (resume) {
        c->f = fopen(path, "r+b");
        if (!c->f)
            s = ds_fail(err, DS_ERR_IO, "%s: no checkpoint to resume from (run without --resume)", path);
        else if (!(s = read_index(c, err)))
            fseek(c->f, 0, SEEK_END);
    } else {
        c->f = fopen(path, "w+b");
        if (!c->f)
            s = ds_fail(err, DS_ERR_IO, "%s: cannot create the checkpoint", path);
        else
            s = write_header(c, err);
    }
    if (s)
        ds_checkpoint_close(c, 0);
    return s;
}

void ds_checkpoint_close(ds_checkpoint *c, int completed)
{
    if (c->f)
        fclose(c->f);
    if (completed && c->path[0])
        unlink(c->path);
    free(c->index);
    c->index = NULL;
    c->f = NULL;
}

/* The hooks of one variant. */
static int restore(void *ctx, int l0, int n, const ds_block_results *r)
{
    ds_checkpoint_variant *cv = ctx;
    ds_checkpoint *c = cv->c;
    long at = c->index[(size_t)cv->variant * c->nblock + l0 / c->block];
    if (at < 0)
        return 0;
    int ok = 0;
#pragma omp critical(ds_checkpoint)
    {
        rec_head rh;
        long end = ftell(c->f);
        size_t body = (size_t)n * ds_block_lane_bytes(r->nmetric);
        unsigned char *buf = malloc(body ? body : 1);
        if (buf && !fseek(c->f, at, SEEK_SET) && fread(&rh, sizeof rh, 1, c->f) == 1 && rh.l0 == l0 && rh.n == n &&
            rh.nmetric == r->nmetric && fread(buf, 1, body, c->f) == body) {
            ds_block_unpack(r, l0, n, buf);
            ok = 1;
        }
        free(buf);
        fseek(c->f, end, SEEK_SET);
    }
    return ok;
}

static ds_status done(void *ctx, int l0, int n, const ds_block_results *r, ds_error *err)
{
    ds_checkpoint_variant *cv = ctx;
    ds_checkpoint *c = cv->c;
    rec_head rh = {cv->variant, l0, n, r->nmetric};
    size_t bytes = sizeof rh + (size_t)n * ds_block_lane_bytes(r->nmetric);
    unsigned char *buf = malloc(bytes);
    if (!buf)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for a checkpoint record");
    memcpy(buf, &rh, sizeof rh);
    ds_block_pack(r, l0, n, buf + sizeof rh);
    int bad = 0;
#pragma omp critical(ds_checkpoint)
    {
        bad = fseek(c->f, 0, SEEK_END) || fwrite(buf, 1, bytes, c->f) != bytes || fflush(c->f);
        const double t = ds_seconds();
        if (!bad && t - c->synced >= 1.0) {
            bad = fsync(fileno(c->f)) != 0;
            c->synced = t;
        }
    }
    free(buf);
    return bad ? ds_fail(err, DS_ERR_IO, "%s: cannot write the checkpoint", c->path) : DS_OK;
}

ds_block_hooks ds_checkpoint_hooks(ds_checkpoint_variant *cv, ds_checkpoint *c, int variant)
{
    cv->c = c;
    cv->variant = variant;
    return (ds_block_hooks){.ctx = cv, .restore = restore, .done = done};
}
