/* HDF5 output: a self-describing file written as the run goes.
 *
 * Layout (DESIGN §6): /time (s) of length ntime; one dataset per recorded series, shaped
 * [subject][time], chunked and deflate-compressed, each with string attributes `units` and
 * `description`; /meta holds provenance written by the caller through the generic helpers.
 *
 * The writer creates "<final>.tmp-<pid>" and renames it to the final name only in
 * ds_h5_finish, so a failed or interrupted run never leaves a half-written file under the
 * name the user asked for. Memory does not grow with run length: records are buffered one
 * chunk at a time and flushed. */
#ifndef DISCSIM_OUTPUT_H
#define DISCSIM_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "discsim/table.h"
#include "discsim/run.h"
#include "discsim/study.h"
#include "discsim/status.h"


typedef struct ds_h5_writer ds_h5_writer;

/* Opens the temporary file and creates /time and every series dataset (intermediate groups
 * are created as needed). nsubj >= 1, nseries >= 0. */
ds_status ds_h5_create(const char *final_path, int nsubj, int nseries, const ds_series_desc *series,
                       ds_h5_writer **out, ds_error *err);

/* Opens the temporary file with no stream yet (ds_h5_stream adds them). */
ds_status ds_h5_open(const char *final_path, int nsubj, ds_h5_writer **out, ds_error *err);
/* The deflate level of the series streamed from now on: 0 stores them as they are (3 to 5
 * times larger), 1 the default (runs of one byte only), up to 9. */
ds_status ds_h5_set_compression(ds_h5_writer *w, int level, ds_error *err);
/* The streams from now on will hold about n records each: their chunks are made no longer
 * (a run shorter than a chunk is then stored, and deflated, without padding). The datasets
 * are the same; only their chunks' shape changes. */
ds_status ds_h5_set_records(ds_h5_writer *w, size_t n, ds_error *err);

/* Starts a new stream of records in the same file: what the current stream has buffered is
 * written and its datasets closed, then <prefix>/time and <prefix><series path> are created
 * (prefix "" or e.g. "/arms/massage"). Appends go to the newest stream. */
ds_status ds_h5_stream(ds_h5_writer *w, const char *prefix, int nseries, const ds_series_desc *series,
                       ds_error *err);

/* Appends one record: time t (s) and values laid out [series][subject] (nseries*nsubj). */
ds_status ds_h5_append(ds_h5_writer *w, double t, const double *values, ds_error *err);

/* Number of records appended so far. */
size_t ds_h5_count(const ds_h5_writer *w);

/* Generic provenance helpers; `path` is absolute, groups are created as needed.
 * Arrays are written contiguous, uncompressed, with `units` and `description` attributes
 * (either may be NULL and is then omitted). */
ds_status ds_h5_write_doubles(ds_h5_writer *w, const char *path, int rank, const size_t *dims,
                              const double *data, const char *units, const char *description,
                              ds_error *err);
ds_status ds_h5_write_int64s(ds_h5_writer *w, const char *path, int rank, const size_t *dims,
                             const int64_t *data, const char *units, const char *description,
                             ds_error *err);
/* A one-dimensional dataset of n doubles written in pieces: created here, its elements
 * first .. first + count - 1 written by ds_h5_write_doubles_at (so that a long per-subject
 * array need not be held whole). With fill not NULL, every element not written reads *fill
 * (stored in chunks of `chunk` elements, and only those written take room): a piece equal to
 * it everywhere need not be written. */
ds_status ds_h5_create_doubles(ds_h5_writer *w, const char *path, size_t n, const double *fill, size_t chunk,
                               const char *units, const char *description, ds_error *err);
ds_status ds_h5_write_doubles_at(ds_h5_writer *w, const char *path, size_t first, size_t count,
                                 const double *data, ds_error *err);
/* A scalar variable-length UTF-8 string dataset (for long text such as the scenario). */
ds_status ds_h5_write_text(ds_h5_writer *w, const char *path, const char *text, const char *description,
                           ds_error *err);
/* A list of n strings: a one-dimensional dataset of variable-length UTF-8 strings. */
ds_status ds_h5_write_strings(ds_h5_writer *w, const char *path, size_t n, const char *const *strings,
                              const char *description, ds_error *err);
/* A list of n strings, all empty but the k given, strings[i] at index[i] (increasing): the
 * same list to a reader, stored without the empty ones (a cohort's failure messages). */
ds_status ds_h5_write_strings_sparse(ds_h5_writer *w, const char *path, size_t n, size_t k, const size_t *index,
                                     const char *const *strings, const char *description, ds_error *err);
/* Dimension dim of the dataset at path gets the dimension scale at scale_path (made a scale
 * named `name` if it is not one yet) and the label `name`, so that h5py and xarray see named
 * axes with coordinates. The attributes are written when the file is finished. */
ds_status ds_h5_attach_scale(ds_h5_writer *w, const char *path, int dim, const char *scale_path, const char *name,
                             ds_error *err);
/* String / double / int64 attribute on an existing object (group or dataset) at obj_path;
 * a group named obj_path is created if nothing is there. */
ds_status ds_h5_attr_string(ds_h5_writer *w, const char *obj_path, const char *name, const char *value,
                            ds_error *err);
ds_status ds_h5_attr_double(ds_h5_writer *w, const char *obj_path, const char *name, double value,
                            ds_error *err);
ds_status ds_h5_attr_int64(ds_h5_writer *w, const char *obj_path, const char *name, int64_t value,
                           ds_error *err);

/* Flushes, closes and renames the temporary file to the final name. Frees w in every case. */
ds_status ds_h5_finish(ds_h5_writer *w, ds_error *err);

/* Closes and removes the temporary file; frees w. Safe with w == NULL. */
void ds_h5_abort(ds_h5_writer *w);

/* Reading back (tests, `discsim info`, plotting).
 *
 * Nothing read from a file is trusted: every reader checks the element class (numbers or
 * text), the rank and shape its caller expects, and the number of values, before anything is
 * allocated or indexed, and fails with DS_ERR_IO and a one-line message naming the file, the
 * dataset or attribute and what is wrong. Only objects reached through hard links are read
 * (soft and external links, external and virtual storage could point outside the file). */

enum { DS_H5_MAX_RANK = 4 };

/* The most values a dataset may hold to be read: 2^28 (2 GiB as doubles). Far more than any
 * file discsim writes (subjects x records), and small enough that sizes computed from a
 * file's shape (values x 8 bytes) cannot wrap: a file claiming more is refused before
 * anything is allocated. */
#define DS_H5_MAX_VALUES ((size_t)1 << 28)

/* In ds_h5_want.dims: any length in that dimension. */
#define DS_H5_ANY ((size_t)-1)

/* Checks of the values, for ds_h5_want.check. */
enum {
    DS_H5_FINITE = 1, /* no NaN or infinity */
    DS_H5_TIMES = 2   /* a time axis: finite, not negative, never decreasing */
};

/* What the caller of ds_h5_read_array expects of a numeric dataset. */
typedef struct ds_h5_want {
    int rank;                    /* 0 (a scalar) .. DS_H5_MAX_RANK */
    size_t dims[DS_H5_MAX_RANK]; /* exact length of each dimension, or DS_H5_ANY */
    bool nonempty;               /* every dimension holds at least one value */
    bool optional;               /* nothing at the path is not an error (present = false) */
    int check;                   /* DS_H5_FINITE, DS_H5_TIMES or 0 */
    const char *layout;          /* for messages, e.g. "[subject][time]"; may be NULL */
} ds_h5_want;

typedef struct ds_h5_array {
    bool present;                /* false: optional and absent (nothing else set) */
    int rank;
    size_t dims[DS_H5_MAX_RANK]; /* 1 beyond rank */
    size_t count;                /* product of dims, at most DS_H5_MAX_VALUES */
    double *data;                /* count values in C order, malloc'ed (NULL if count is 0) */
} ds_h5_array;

/* The checked reader: a numeric dataset (integers are converted) of the shape `want`
 * describes, its values checked as asked. On failure *out is empty. */
ds_status ds_h5_read_array(const char *file, const char *path, const ds_h5_want *want, ds_h5_array *out,
                           ds_error *err);
void ds_h5_array_free(ds_h5_array *a);

/* Checks that file is an output discsim wrote: an HDF5 file whose /meta group carries the
 * string attribute scenario_name, which is returned (malloc'ed) if name is not NULL. */
ds_status ds_h5_check_output(const char *file, char **name, ds_error *err);

/* Reads a whole numeric dataset of rank 0, 1 or 2; *data is malloc'ed (caller frees); dims[]
 * receives the dimensions (rank in *rank; a 1-D dataset has dims[1] = 1, a scalar {1, 1}). */
ds_status ds_h5_read_doubles(const char *file, const char *path, int *rank, size_t dims[2], double **data,
                             ds_error *err);

/* Reads a numeric dataset of any rank as a flat array in C order; *data is malloc'ed. */
ds_status ds_h5_read_flat(const char *file, const char *path, size_t *count, double **data, ds_error *err);

/* Reads a single string attribute of an object; *value is malloc'ed (caller frees). */
ds_status ds_h5_read_attr_string(const char *file, const char *obj_path, const char *name, char **value,
                                 ds_error *err);

/* Reads a single numeric attribute, which must be finite (no attribute discsim writes holds
 * NaN or infinity). */
ds_status ds_h5_read_attr_double(const char *file, const char *obj_path, const char *name, double *value,
                                 ds_error *err);

/* Reads a text dataset holding one string (as ds_h5_write_text writes); *text is malloc'ed. */
ds_status ds_h5_read_text(const char *file, const char *path, char **text, ds_error *err);

/* 1 if an object (group or dataset) exists at path, else 0 (also when the file cannot be
 * read). A path that passes through a soft or external link counts as existing, so that the
 * read that follows reports it. */
int ds_h5_exists(const char *file, const char *path);

/* Prints a human summary of an output file to out: scenario name, every dataset with its
 * shape, units and description, the time span and the solver statistics found under
 * /meta/solver. The file is checked first (see ds_h5_check_output; each record stream's
 * /time is a time axis and every series in the stream [subject][time] as long as it), and
 * nothing is printed if it fails. */
ds_status ds_h5_info(const char *file, FILE *out, ds_error *err);
/* The same for the datasets at or under `where` ("/arms/claim/summary"; NULL: all, or, as
 * text, the groups alone when there are many), as text or, for programs, as two tables
 * (file: provenance, study and time span; datasets: every one under `where`) in CSV or JSON. */
ds_status ds_h5_info_at(const char *file, const char *where, ds_table_format fmt, FILE *out, ds_error *err);

/* A record sink that streams a run into w (see discsim/run.h); at the end of each stream it
 * writes <prefix>/meta (provenance, solver statistics, compiled parameters, timeline,
 * <prefix>/meta/failure) and <prefix>/summary. */
ds_record_sink ds_h5_sink(ds_h5_writer *w);

/* Runs a compiled scenario into the HDF5 file out_path (to a temporary name, renamed when
 * complete; NULL: run without writing). If every subject fails, nothing is left behind and
 * the result is DS_ERR_NUMERIC with time, subject, level and variable. If some fail, the file
 * is written, lists them under /meta/failure, and the result is DS_ERR_NUMERIC too. */
ds_status ds_run(const ds_scenario *sc, const char *out_path, const ds_run_opts *opts, ds_run_result *res,
                 ds_error *err);

/* Runs a study into the HDF5 file out_path (NULL: no file), the same way. */
ds_status ds_study_run(const ds_study *st, const char *out_path, const ds_study_opts *opts, ds_error *err);
/* The same, and what its runs left undone and how long they simulated into *outcome (zeroed
 * first, then filled as far as the study got; NULL: not wanted). */
ds_status ds_study_run_outcome(const ds_study *st, const char *out_path, const ds_study_opts *opts,
                               ds_study_outcome *outcome, ds_error *err);

#endif
