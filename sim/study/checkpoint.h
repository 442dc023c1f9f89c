/* Checkpoints of cohort and arms studies, block by block (private to the study layer; see
 * checkpoint.c). */
#ifndef DS_CHECKPOINT_H
#define DS_CHECKPOINT_H

#include <stdint.h>
#include <sys/types.h>

#include "discsim/study.h"

/* What the file holds of one block. */
typedef struct ds_checkpoint_block {
    off_t done;      /* offset of its results' record, -1 if none */
    off_t *chunk;    /* series: offsets of its chunks, in order of their records */
    int nchunk, cap;
    long records;    /* series records in its chunks */
    int per_chunk;   /* records in each chunk but the last */
    int n, nseries;  /* subjects and series of its chunks */
} ds_checkpoint_block;

typedef struct ds_checkpoint {
    int fd;        /* -1: none */
    off_t end;     /* where the next record goes */
    char path[4200];
    uint64_t tag;
    int nvariant, nsubj, block, nblock, series;
    ds_checkpoint_block *blk; /* [variant][block] */
    int restored;  /* records found on resume */
    double synced; /* s (monotonic clock): when the file was last forced to the disc */
} ds_checkpoint;

typedef struct ds_checkpoint_variant {
    ds_checkpoint *c;
    int variant;
    const ds_block_hooks *split; /* the blocks' split over processes (NULL: all here) */
} ds_checkpoint_variant;

/* Opens (resume: reads, and checks it is of this study) or creates the checkpoint at path;
 * series: the study's series are kept too (its blocks then run whole, see ds_block_hooks). */
ds_status ds_checkpoint_open(ds_checkpoint *c, const char *path, const ds_study *st, int block, int series,
                             int resume, ds_error *err);
/* Closes it; a completed study's checkpoint is removed. */
void ds_checkpoint_close(ds_checkpoint *c, int completed);
/* The block hooks of one variant (cv must outlive the run); split: the blocks' split over
 * processes (NULL: none), whose blocks run elsewhere are not run here, whose results come in
 * as it gathers them, and whose records, with series, come in as it syncs them. */
ds_block_hooks ds_checkpoint_hooks(ds_checkpoint_variant *cv, ds_checkpoint *c, int variant,
                                   const ds_block_hooks *split);

#endif
