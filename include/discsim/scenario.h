/* Scenarios: what to simulate (DESIGN §6). A scenario file names a model, the levels, the
 * subjects, a timeline of postures, what to record and how to integrate; it is compiled,
 * together with its model and any `--set key=value` overrides, into a ds_scenario. */
#ifndef DISCSIM_SCENARIO_H
#define DISCSIM_SCENARIO_H

#include <stdint.h>

#include "discsim/cohort.h"
#include "discsim/data.h"
#include "discsim/model.h"
#include "discsim/solver.h"

/* DS_MAX_RECORDS: records per subject, so that a typo in record.interval cannot fill a disc. */
enum { DS_MAX_PHASES = 256, DS_MAX_SESSIONS = 512, DS_MAX_RECORDS = 10000000 };

typedef struct ds_phase {
    int posture;          /* index into model.posture */
    ds_posture_params p;  /* the posture's parameters with the phase's overrides */
    double duration;      /* s */
    char label[64];       /* optional name for validation checks and plots ("" if none) */
} ds_phase;

typedef struct ds_scenario {
    char name[128];
    char path[4096];        /* scenario file as given */
    char model_path[4096];  /* the model file found (beside the scenario or in the data directory) */
    char *text;             /* the scenario file's text, as given */
    char *overrides;        /* the --set assignments, one per line ("" if none) */

    int nlevel;
    int level_id[DS_MAX_LEVELS];
    ds_variant variant;
    int nsubj;
    uint64_t seed;
    ds_cohort cohort;       /* enabled: the subjects' parameters are drawn (cohort:) */

    int nphase;
    ds_phase phase[DS_MAX_PHASES];
    int repeat;             /* times the timeline is run */
    double ramp;            /* s, load transition at the start of each phase (>= 0.5) */
    int initial_posture;    /* the run starts from drained equilibrium in this posture */
    ds_posture_params initial;

    double record_interval; /* s */
    int nrecord;            /* recorded per-level outputs */
    int record[DS_NLEVEL_OUTPUTS];
    int record_muscles;     /* record /muscles/<group>/<level>/{activation,force} */

    double summary_from, summary_to; /* window of the summary metrics, s (to < 0: the end) */
    double clock_start;               /* wall-clock time of day at t = 0, s after midnight (figures) */

    int nsession;                     /* massage sessions, in time order */
    ds_session session[DS_MAX_SESSIONS];

    ds_solver_opts solver;
    ds_model model;         /* a cohort's: one subject, the template its draws are written
                               into; otherwise all nsubj subjects. ds_scenario_lanes makes
                               the lanes of any subjects */
} ds_scenario;

/* Loads and compiles a scenario and its model; nset overrides "key=value" are applied to
 * the scenario document before it is read. Errors name file, line and key. */
ds_status ds_scenario_load(const char *path, int nset, const char *const *set, ds_scenario *sc, ds_error *err);
void ds_scenario_free(ds_scenario *sc);

/* Refuses (DS_ERR_IO) an output path that names the scenario file or its model, however
 * spelled: a run must never replace its own input. */
ds_status ds_scenario_check_output(const ds_scenario *sc, const char *out_path, ds_error *err);

/* A model of subjects l0 .. l0 + n - 1 (ds_model_free it): their lanes of the model, or for
 * a cohort the template subject with each one's drawn values. */
ds_status ds_scenario_lanes(const ds_scenario *sc, int l0, int n, ds_model *out, ds_error *err);

/* Total simulated time, s. */
double ds_scenario_duration(const ds_scenario *sc);

#endif
