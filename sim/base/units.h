/* Units of measure: parsing a unit such as "mm^3/(MPa*s)" into its dimension and its factor
 * to discsim's internal units (mm, N, s, MPa, tonne, rad; DESIGN §2), and reading a number
 * written with its unit ("0.25 mm^3/(MPa*s)", "85kg", "30deg") into a chosen unit.
 *
 * Why a parser rather than a table of allowed spellings: scenario values override model
 * parameters of any unit, and the only honest check is dimensional: a value is accepted in
 * any unit of the same dimension and converted, never taken as a bare number (DESIGN §6). */
#ifndef DS_UNITS_H
#define DS_UNITS_H

#include <stddef.h>

/* Base dimensions: length, mass, time, angle (kept apart so that deg and rad are checked). */
enum { DS_DIM_L, DS_DIM_M, DS_DIM_T, DS_DIM_A, DS_NDIM };

typedef struct ds_unit {
    double factor;          /* value in internal units = value in this unit * factor */
    signed char dim[DS_NDIM];
} ds_unit;

/* Parses a unit expression: names joined by '*' and '/', powers '^n' (n an integer, may be
 * negative), parentheses; "1" is dimensionless and "%" is 0.01. Returns 0, or -1 with a reason
 * in `why`. */
int ds_unit_parse(const char *text, ds_unit *out, char *why, size_t nwhy);

/* Reads "number unit" (spaces optional) into `unit`. A bare number is accepted only when
 * `unit` is dimensionless or the number is zero; anything else is refused with a reason that
 * names the unit expected. Returns 0 or -1. */
int ds_quantity_parse(const char *text, const char *unit, double *out, char *why, size_t nwhy);

/* 1 if `unit` parses as dimensionless. */
int ds_unit_dimensionless(const char *unit);

/* A clock time "day N HH:MM" (day 1 the first) as s from the start of a run that begins at
 * clock_start s after midnight of day 1: 0, or -1 if text is not such a time (the result may
 * be negative: before the start). Scenarios' `at:` and plot's --window read it. */
int ds_clock_time_parse(const char *text, double clock_start, double *t);

#endif
