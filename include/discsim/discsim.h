/* discsim: lumbar spine biomechanics, public API umbrella and the scenario runner. */
#ifndef DISCSIM_H
#define DISCSIM_H

#include "discsim/cleanup.h"
#include "discsim/data.h"
#include "discsim/model.h"
#include "discsim/output.h"
#include "discsim/plot.h"
#include "discsim/scenario.h"
#include "discsim/solver.h"
#include "discsim/status.h"
#include "discsim/study.h"
#include "discsim/summary.h"
#include "discsim/validate.h"

const char *ds_version(void);    /* e.g. "0.1.0" */
const char *ds_git_commit(void); /* commit the library was built from, or "unknown" */

/* Call once at start-up: turns GSL's abort-on-error handler off. */
void ds_init(void);

typedef struct ds_run_opts {
    const char *out_path; /* HDF5 file to write; NULL: run without writing (benchmarks) */
    int progress;         /* print a progress line on stderr */
} ds_run_opts;

typedef struct ds_run_result {
    double wall_time;     /* s */
    size_t nrecords;
    int64_t steps, rejected, rhs_evals, jac_evals, newton_iters, newton_fails; /* summed over subjects */
    double h_min;         /* smallest step over subjects, s */
} ds_run_result;

/* Runs a compiled scenario and writes its HDF5 file (to a temporary name, renamed on
 * success; nothing is left behind on failure). A diverging run fails with DS_ERR_NUMERIC
 * and a message naming time, subject, level and variable. */
ds_status ds_run(const ds_scenario *sc, const ds_run_opts *opts, ds_run_result *res, ds_error *err);

/* The same into an open writer as a stream under prefix ("" or "/arms/<name>"; w may be
 * NULL), accumulating the summary metrics into sum (may be NULL; ds_summary_free it). */
ds_status ds_run_stream(const ds_scenario *sc, ds_h5_writer *w, const char *prefix, const ds_run_opts *opts,
                        ds_run_result *res, ds_summary *sum, ds_error *err);

#endif
