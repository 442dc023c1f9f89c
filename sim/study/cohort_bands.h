/* A cohort's quantile bands over time, as a sink in front of a stream's (private to the
 * study layer; see cohort_bands.c). */
#ifndef DS_COHORT_BANDS_H
#define DS_COHORT_BANDS_H

#include "discsim/run.h"

enum { DS_NBAND = 5 };

typedef struct ds_bands {
    const ds_record_sink *inner;
    char arm[64], level[8];
    int nsubj, nseries, nkey;
    int key[3];                 /* series index of each key series found */
    char path[3][96], units[3][16];
    size_t ntime, cap;
    double *band;               /* [time][key][DS_NBAND]: the times are the stream's /time */
    double *work;               /* [subject] */
} ds_bands;

/* The sink: every call passes on to inner; the bands go to /cohort/quantiles/<arm>/ when the
 * stream ends. level: the level whose pressure and height are banded. */
ds_record_sink ds_bands_sink(ds_bands *b, const ds_record_sink *inner, const char *arm, const char *level);
void ds_bands_free(ds_bands *b);

#endif
