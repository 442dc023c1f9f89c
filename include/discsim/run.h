/* Running a compiled scenario (DESIGN §4, §6): the driver walks the timeline, advances every
 * subject with its own steps, records by dense output and hands the records to a sink.
 *
 * Sinks keep the driver free of file formats: the memory sink (driver) keeps the records in
 * memory, for tests, validation and the browser; the HDF5 sink (io, ds_h5_sink) streams them
 * into a file. A subject that fails (NaN, a state outside the model, step underflow) is
 * marked with time, variable and reason; the others go on, and the sink is told which
 * failed. */
#ifndef DISCSIM_RUN_H
#define DISCSIM_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "discsim/scenario.h"
#include "discsim/summary.h"

typedef struct ds_series_desc {
    const char *path;        /* absolute dataset path, e.g. "/levels/L4L5/pressure" */
    const char *units;       /* e.g. "MPa" */
    const char *description; /* one sentence for a reader of the file */
} ds_series_desc;

enum { DS_FAILURE_TEXT = 200 };

/* What a finished run hands its sink: the scenario, per-subject solver statistics and
 * failures, the summary metrics (NULL if none were kept) and the wall time. */
typedef struct ds_run_report {
    const ds_scenario *sc;
    const ds_lane_stats *stats;            /* arrays of nsubj */
    const ds_summary *sum;
    int nfailed;
    const unsigned char *failed;           /* [subject] 1 if the subject failed */
    const double *fail_time;               /* [subject] s, NaN where it did not */
    const char (*fail_what)[DS_FAILURE_TEXT]; /* [subject] "L4L5 fluid_volume: reason (phase, posture)" */
    double wall_time;                      /* s */
    double write_time;                     /* s of it in the sink: the stream's start and records */
    int ahead;                             /* 1: the sink's ahead was called and succeeded */
} ds_run_report;

/* Where records go. Every callback returns a status; any may be NULL (nothing to do). */
typedef struct ds_record_sink {
    void *ctx;
    /* A new stream of records under prefix ("" or "/arms/<name>"). */
    ds_status (*begin)(void *ctx, const char *prefix, int nsubj, int nseries, const ds_series_desc *series,
                       ds_error *err);
    /* One record at time t: values laid out [series][subject]. */
    ds_status (*record)(void *ctx, double t, const double *values, ds_error *err);
    /* What end would write that depends on the scenario alone (for a file: the subjects'
     * parameters and the timeline), written ahead: at most once a stream, after begin and
     * before any record, from one of the run's threads while the others run blocks (when each
     * block runs the whole timeline, and nothing else uses the sink meanwhile); end is then
     * told (ds_run_report.ahead) and leaves it out. */
    ds_status (*ahead)(void *ctx, const char *prefix, const ds_scenario *sc, ds_error *err);
    /* The stream is complete: provenance, statistics, failures and summary metrics. */
    ds_status (*end)(void *ctx, const char *prefix, const ds_run_report *rep, ds_error *err);
    /* Study results beside the streams (arm effects, sweep summaries, study provenance):
     * an array of doubles with units and description, a text, a string attribute. */
    ds_status (*put_doubles)(void *ctx, const char *path, int rank, const size_t *dims, const double *data,
                             const char *units, const char *description, ds_error *err);
    ds_status (*put_text)(void *ctx, const char *path, const char *text, const char *description, ds_error *err);
    ds_status (*put_attr)(void *ctx, const char *obj_path, const char *name, const char *value, ds_error *err);
    /* Dimension dim of the array at path is the axis whose coordinates are the array at
     * scale_path, named `name` (NULL: the sink keeps no axes). */
    ds_status (*put_scale)(void *ctx, const char *path, int dim, const char *scale_path, const char *name,
                           ds_error *err);
    /* A list, given as lines of text each ended by a newline (NULL: put_text is used). */
    ds_status (*put_lines)(void *ctx, const char *path, const char *lines, const char *description, ds_error *err);
} ds_record_sink;

/* A run's per-subject results, as views of its arrays over all subjects: what a block of
 * subjects contributes, for checkpoints (ds_block_hooks). */
typedef struct ds_block_results {
    int nsubj, nmetric;
    double *metric[DS_MAX_METRICS];       /* [subject] each, the summary's metrics in order */
    unsigned char *failed;                /* [subject] */
    double *fail_time;                    /* [subject] */
    char (*fail_what)[DS_FAILURE_TEXT];   /* [subject] */
    ds_lane_stats *stats;                 /* [subject] arrays */
} ds_block_results;

/* Checkpoints of a run, block by block, and the split of its blocks over processes (see
 * ds_run_opts.hooks). */
typedef struct ds_block_hooks {
    void *ctx;
    /* Fills subjects l0 .. l0 + n - 1 of r from an earlier run's checkpoint and returns 1, or
     * returns 0 if it holds none for them (the block then runs). */
    int (*restore)(void *ctx, int l0, int n, const ds_block_results *r);
    /* Subjects l0 .. l0 + n - 1 are done; called from the threads that run blocks. */
    ds_status (*done)(void *ctx, int l0, int n, const ds_block_results *r, ds_error *err);
    /* Every block has run or been restored, before the stream ends: where blocks ran
     * elsewhere (other ranks), their results are brought into r here. */
    ds_status (*gather)(void *ctx, const ds_block_results *r, int block, ds_error *err);
    /* Series runs split over processes (NULL: none; with it, put_records and get_record
     * too). 1 when subjects l0 .. l0 + n - 1 run in another process: their records are not
     * asked back here. */
    int (*elsewhere)(void *ctx, int l0, int n);
    /* Called by every process at the same points of the run, with its status st: at each
     * record, with the record of all subjects ([series][nsubj]), whose columns that ran
     * elsewhere are brought in here (where the file is written); otherwise with rec NULL.
     * Returns the worst status over the processes (with a message where it is not this
     * one's), so that all stop together. */
    ds_status (*sync)(void *ctx, double *rec, int nseries, int nsubj, ds_status st, ds_error *err);
    /* Series kept block by block (both NULL: a series run's blocks wait for each other at every
     * record, which goes to the sink as it is made). Otherwise each block runs the whole
     * timeline on its own, as with summaries only, handing over its records rec0 .. rec0 +
     * nrec - 1 of subjects l0 .. l0 + n - 1, each [series][n], from the threads that run
     * blocks; once every block is done (or restored), the records go to the sink in order,
     * each block's part of record irec asked back with get_record, from one thread (split
     * over processes: the blocks run here; the others' parts come in through sync). */
    ds_status (*put_records)(void *ctx, int l0, int n, long rec0, int nrec, int nseries, const double *x,
                             ds_error *err);
    ds_status (*get_record)(void *ctx, int l0, int n, long irec, int nseries, double *x, ds_error *err);
} ds_block_hooks;

/* How the series are stored: the default (fast), stored as they are, or deflated at level 1
 * (fast, looking for runs of one byte only) or 6 (small) after a shuffle; the datasets are
 * the same. */
typedef enum { DS_COMPRESSION_DEFAULT, DS_COMPRESSION_NONE, DS_COMPRESSION_FAST, DS_COMPRESSION_SMALL } ds_compression;

typedef struct ds_run_opts {
    int progress;     /* print a progress line on stderr */
    int summary_only; /* no time series: the sink's stream has no series and gets no records */
    int block;        /* subjects per block of lanes (0: one block of all) */
    /* Runs fn(arg, i) for every i in 0..n-1, in any order and on any threads (NULL: in
     * order, on this thread); the blocks of a step are independent. The core has no
     * threads of its own: the edge layers give them. */
    void (*parallel)(void *ctx, int n, void (*fn)(void *arg, int i), void *arg);
    void *parallel_ctx;
    const ds_block_hooks *hooks; /* checkpoints block by block, or the split of the blocks over
                                    processes (NULL: none) */
    const char *command_line;    /* recorded at the output's root (NULL: none) */
    ds_compression compression;  /* of the output's series */
} ds_run_opts;

typedef struct ds_run_result {
    double wall_time;     /* s */
    double write_time;    /* s of it spent in the sink (the stream's start and its records); the
                             rest is simulation. The stream's end (provenance, summaries) follows. */
    size_t nrecords;
    int64_t steps, rejected, rhs_evals, jac_evals, factorizations, newton_iters, newton_fails; /* summed over subjects */
    double h_min;         /* smallest step over subjects, s */
    /* over the blocks that ran here (not restored from a checkpoint, nor run by another
     * process): their subjects' attempted steps, and their rounds times their subjects; the
     * ratio is how busy the lanes were (1: no lane waited for its block). And their rounds, and
     * the attempts of each one's busiest lane: the ratio of these is how busy that lane was,
     * below 1 only by what it waited at hard stops and records for its companions; the rest of
     * the lanes' idle share is that they need fewer steps than their block's busiest. */
    int64_t lane_attempts, lane_slots, lane_rounds, lane_most;
    /* the same blocks' Newton iterations (implicit methods), summed over their subjects, and
     * their Newton rounds times their subjects: a lane that converged, or that does not step
     * in this round, waits for the others' iterations */
    int64_t lane_newton_iters, lane_newton_slots;
    int nfailed;          /* subjects that failed (the others finished) */
    char failure[DS_ERROR_MSG_LEN]; /* the first failure, as a message ("" if none) */
} ds_run_result;

/* Records a run of sc takes: one every record interval from 0 to the end (the driver's clock). */
size_t ds_run_records(const ds_scenario *sc);

/* Runs a compiled scenario into a sink under prefix (sink may be NULL), accumulating the
 * summary metrics into sum (may be NULL; ds_summary_free it). Subjects that fail are counted
 * in res->nfailed and described in res->failure; the run itself then still returns DS_OK and
 * the sink has been told, unless every subject failed: that returns DS_ERR_NUMERIC and the
 * sink's stream is incomplete. */
ds_status ds_run_stream(const ds_scenario *sc, const ds_record_sink *sink, const char *prefix, const ds_run_opts *opts,
                        ds_run_result *res, ds_summary *sum, ds_error *err);

/* The memory sink: every record of one stream kept in memory. */
typedef struct ds_memory_record {
    int nsubj, nseries;
    size_t ntime, cap;
    double *time;            /* [ntime] s */
    double *values;          /* [ntime][series][subject] */
    ds_series_desc *series;  /* copies of the descriptions (paths owned here) */
    char (*paths)[128];
    int nfailed;
    unsigned char *failed;   /* [subject] */
} ds_memory_record;

/* A sink that fills mr (zeroed by the caller; ds_memory_record_free it). */
ds_record_sink ds_memory_sink(ds_memory_record *mr);
void ds_memory_record_free(ds_memory_record *mr);

/* Index of the series at `path`, -1 if none; value of series s, subject l at record k. */
int ds_memory_series(const ds_memory_record *mr, const char *path);
static inline double ds_memory_at(const ds_memory_record *mr, size_t k, int s, int l)
{
    return mr->values[(k * (size_t)mr->nseries + (size_t)s) * (size_t)mr->nsubj + (size_t)l];
}

#endif
