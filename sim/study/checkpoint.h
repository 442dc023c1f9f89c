/* Checkpoints of summaries-only studies, block by block (private to the study layer; see
 * checkpoint.c). */
#ifndef DS_CHECKPOINT_H
#define DS_CHECKPOINT_H

#include <stdint.h>
#include <stdio.h>

#include "discsim/study.h"

typedef struct ds_checkpoint {
    FILE *f;
    char path[4200];
    uint64_t tag;
    int nvariant, nsubj, block, nblock;
    long *index;   /* [variant][block]: offset of its record, -1 if none */
    int restored;  /* records found on resume */
    double synced; /* s (monotonic clock): when the file was last forced to the disc */
} ds_checkpoint;

typedef struct ds_checkpoint_variant {
    ds_checkpoint *c;
    int variant;
} ds_checkpoint_variant;

/* Opens (resume: reads, and checks it is of this study) or creates the checkpoint at path. */
ds_status ds_checkpoint_open(ds_checkpoint *c, const char *path, const ds_study *st, int block, int resume,
                             ds_error *err);
/* Closes it; a completed study's checkpoint is removed. */
void ds_checkpoint_close(ds_checkpoint *c, int completed);
/* The block hooks of one variant (cv must outlive the run). */
ds_block_hooks ds_checkpoint_hooks(ds_checkpoint_variant *cv, ds_checkpoint *c, int variant);

#endif
