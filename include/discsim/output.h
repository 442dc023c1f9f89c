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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
/* A scalar variable-length UTF-8 string dataset (for long text such as the scenario). */
ds_status ds_h5_write_text(ds_h5_writer *w, const char *path, const char *text, const char *description,
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

/* Reading back (tests, `discsim info`, plotting). */

/* Reads a whole double dataset; *data is malloc'ed (caller frees); dims[] receives up to 2
 * dimensions (rank returned in *rank; a 1-D dataset has dims[1] = 1). */
ds_status ds_h5_read_doubles(const char *file, const char *path, int *rank, size_t dims[2], double **data,
                             ds_error *err);

/* Reads a string attribute of an object; *value is malloc'ed (caller frees). */
ds_status ds_h5_read_attr_string(const char *file, const char *obj_path, const char *name, char **value,
                                 ds_error *err);

/* Reads a double dataset of any rank as a flat array in C order; *data is malloc'ed. */
ds_status ds_h5_read_flat(const char *file, const char *path, size_t *count, double **data, ds_error *err);

/* Reads a numeric scalar attribute. */
ds_status ds_h5_read_attr_double(const char *file, const char *obj_path, const char *name, double *value,
                                 ds_error *err);

/* Reads a scalar text dataset written by ds_h5_write_text; *text is malloc'ed. */
ds_status ds_h5_read_text(const char *file, const char *path, char **text, ds_error *err);

/* 1 if an object (group or dataset) exists at path, else 0 (also when the file cannot be read). */
int ds_h5_exists(const char *file, const char *path);

/* Prints a human summary of an output file to out: scenario name, every dataset with its
 * shape, units and description, the time span and the solver statistics found under
 * /meta/solver. */
ds_status ds_h5_info(const char *file, FILE *out, ds_error *err);

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

#endif
