/* A block's per-subject results as bytes, for checkpoints and for ranks (private to the
 * study layer and the layers above it). */
#ifndef DS_BLOCK_PACK_H
#define DS_BLOCK_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "discsim/run.h"

/* Bytes of one subject: its metrics, failure flag, time and text, solver statistics. */
size_t ds_block_lane_bytes(int nmetric);
/* Subjects l0 .. l0 + n - 1 of r to and from n ds_block_lane_bytes(r->nmetric) bytes. */
void ds_block_pack(const ds_block_results *r, int l0, int n, unsigned char *p);
void ds_block_unpack(const ds_block_results *r, int l0, int n, const unsigned char *p);

#endif
