/* Studies: one scenario file run as several variants in one invocation and one HDF5 file.
 *
 * Arms (`arms:` in the scenario) differ only in what each overrides; the first arm is the
 * reference, and /summary/effect/<arm>/<metric> holds the paired difference arm minus
 * reference for every summary metric. A sweep (`sweep:` with one or two parameters and
 * their values) runs every combination and stores the summary metrics under /sweep with the
 * swept values. A scenario with neither is a study of one variant. */
#ifndef DISCSIM_STUDY_H
#define DISCSIM_STUDY_H

#include <stdio.h>

#include "discsim/table.h"
#include "discsim/run.h"
#include "discsim/scenario.h"
#include "discsim/summary.h"

enum { DS_STUDY_SINGLE = 0, DS_STUDY_ARMS = 1, DS_STUDY_SWEEP = 2, DS_MAX_VARIANTS = 256 };

typedef struct ds_study {
    int kind;
    int nvariant;
    char name[DS_MAX_VARIANTS][64];  /* arm names, or sweep point labels */
    ds_scenario *variant;            /* [nvariant] */
    /* sweep */
    int nparam;
    char param[2][256];
    int nval[2];
    double val[2][64];               /* numbers as written (units stripped) */
    char unit[2][16];
} ds_study;

typedef struct ds_study_opts {
    int progress;
    FILE *table;           /* where to print the arms or sweep table (NULL: nowhere) */
    ds_table_format table_format; /* as text (the default), CSV or JSON */
    int threads;           /* sweep points run on this many threads (0 or 1: one); the output is the same */
    int summary_only;      /* keep only the summaries (see ds_run_opts) */
    int block;             /* subjects per block of lanes (0: DS_LANE_ALIGN); the output is the same */
    const char *checkpoint; /* the checkpoint file, block by block (NULL: none); with series, a
                               series run's blocks run whole and its file is written from it */
    const ds_block_hooks *hooks; /* the blocks' split over processes (NULL: all here) */
    int resume;            /* go on from the checkpoint's blocks */
    const char *command_line; /* recorded at the output's root (NULL: none) */
    ds_compression compression; /* of the output's series */
} ds_study_opts;

/* The options of one run of the model's variant v: its subjects in blocks of o->block lanes
 * (default: one vector of lanes for the inertial variant, two for the quasi-static), on
 * OpenMP threads when threads > 1 (a sweep's points run on the threads instead). */
ds_run_opts ds_run_opts_for(const ds_study_opts *o, ds_variant v);

/* The threads (N > 0; otherwise left as they are) of the work outside the blocks of lanes: a
 * cohort's draws and the output's compression (OpenMP's default team; the program's
 * --threads N). The results do not change. */
void ds_threads_default(int threads);

ds_status ds_study_load(const char *path, int nset, const char *const *set, ds_study *st, ds_error *err);
/* What a study's runs left undone: subjects that failed (over all variants) and the first
 * failure as a message. */
typedef struct ds_study_outcome {
    int nfailed;
    char failure[DS_ERROR_MSG_LEN];
    int checkpointed; /* opts->checkpoint was opened (a sweep keeps none): the caller removes
                         it once the output is complete */
    double simulating; /* s of wall time the runs spent simulating: not loading, nor writing
                          their records or the file (a benchmark's measure of the lanes; what
                          a sink writes ahead, beside the blocks, is in it: ds_record_sink) */
} ds_study_outcome;

/* Runs every variant into a sink (NULL: summaries and table only): arms as streams under
 * /arms/<name>, a sweep's summaries under /sweep, effects under /summary/effect. Failed
 * subjects do not stop the study; *out counts them. */
ds_status ds_study_run_sink(const ds_study *st, const ds_record_sink *sink, const ds_study_opts *opts,
                            ds_study_outcome *out, ds_error *err);
void ds_study_free(ds_study *st);

#endif
