/* Validation against published targets: runs the scenarios named by a checks file, reads
 * the checked quantities from their output and compares them with the target table. */
#ifndef DISCSIM_VALIDATE_H
#define DISCSIM_VALIDATE_H

#include <stdio.h>

#include "discsim/status.h"

typedef struct ds_validation_row {
    char id[16];
    char quantity[128], condition[128], unit[16], source[64], how[160];
    double target, low, high, model;
    int pass;
} ds_validation_row;

/* A row of a published-targets table (CSV: id, quantity, condition, level, value, low,
 * high, unit, source_key; see tests/validation/targets.csv). */
typedef struct ds_target {
    char id[16], quantity[128], condition[128], unit[16], source[64];
    double value, low, high; /* NaN where the table gives no range */
} ds_target;

/* Finds target `id` in a targets CSV: 1 found, 0 absent, -1 the file cannot be read, -2 its
 * value, low or high is not a number. */
int ds_target_find(const char *csv, const char *id, ds_target *t);

/* The citation of a source key from a sources CSV (key, citation, doi) into buf; 1 found. */
int ds_source_find(const char *csv, const char *key, char *buf, size_t n);

/* Runs every check of `checks_path` (YAML; see scenarios/validation/checks.yaml), fills
 * rows (malloc'ed, *nrows of them) and prints the table to out (may be NULL). Returns
 * DS_OK when all checks could be evaluated, whether they pass or not; *nfail counts the
 * failures. */
ds_status ds_validate(const char *checks_path, FILE *out, ds_validation_row **rows, int *nrows, int *nfail,
                      ds_error *err);

#endif
