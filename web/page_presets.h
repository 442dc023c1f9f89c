/* The teaching page's presets (web/presets/) compiled into C at build time by
 * web/page_gen.c, so that the page runs the core with no YAML, HDF5 or GSL: each preset is
 * the scenario the command line compiles from its file, without a herniation (the page places
 * one, with ds_model_place_site, as the command line does).
 *
 * The model's and the scenario's parts without pointers are kept as their bytes: they hold
 * only doubles, ints and chars, laid out alike on x86-64 and wasm32 (the generated file
 * checks every size at compile time); the per-lane arrays are kept as one subject's value
 * of each row (ds_model_rows). */
#ifndef DS_PAGE_PRESETS_H
#define DS_PAGE_PRESETS_H

#include <stddef.h>

#include "discsim/scenario.h"

typedef struct page_preset {
    const char *key;   /* file name without .yaml: office, standing, bedrest */
    const char *yaml;  /* the file's text: what "copy as scenario" starts from */
    /* the scenario's scalars and its parts, as ds_scenario_load leaves them */
    const char *name;
    int nlevel, level_id[DS_MAX_LEVELS], variant, nsubj, nphase, repeat, initial_posture, nrecord,
        record[DS_NLEVEL_OUTPUTS], record_muscles;
    unsigned long long seed;
    double ramp, record_interval, summary_from, summary_to, clock_start;
    const unsigned char *phase, *initial, *solver; /* nphase ds_phase, ds_posture_params, ds_solver_opts */
    /* the model's scalars and parts */
    const char *model_name;
    int nposture, ngroup, nthreshold;
    const unsigned char *posture, *body, *group, *hern, *site, *threshold, *massage;
    size_t nrows;
    const double *rows; /* one subject's value of each row of the per-lane arrays */
} page_preset;

extern const page_preset page_presets[];
extern const int page_npresets;

/* Preset k as the scenario its file compiles to, for one subject (ds_model_free its model). */
ds_status page_preset_scenario(int k, ds_scenario *sc, ds_error *err);

#endif
