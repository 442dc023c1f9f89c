/* Tables for programs as well as people: the same rows printed as aligned text, as CSV
 * (RFC 4180) or as JSON (an object of tables, each an array of objects keyed by column). */
#ifndef DISCSIM_TABLE_H
#define DISCSIM_TABLE_H

#include <stdio.h>

#include "discsim/status.h"

typedef enum { DS_TABLE_TEXT, DS_TABLE_CSV, DS_TABLE_JSON } ds_table_format;

/* Cells are numbers (NaN: no value) or text; every row has every column. */
typedef struct ds_table {
    char name[64];
    int ncol, nrow, cap;
    char **col;   /* [ncol] column names */
    char **text;  /* [nrow * ncol]: NULL where the cell is a number */
    double *num;  /* [nrow * ncol] */
    int broken;   /* out of memory on the way: printing reports it */
} ds_table;

/* "text", "csv" or "json" into *fmt; -1 for anything else. */
int ds_table_format_parse(const char *s, ds_table_format *fmt);

ds_status ds_table_init(ds_table *t, const char *name, int ncol, const char *const *cols, ds_error *err);
/* One more column, its name printf-style (before the first row; t->broken if out of memory or
 * after it). */
void ds_table_column(ds_table *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A new row of empty (NaN) cells; returns its index, or -1 (and t->broken) out of memory. */
int ds_table_row(ds_table *t);
void ds_table_num(ds_table *t, int row, int col, double v);
void ds_table_text(ds_table *t, int row, int col, const char *s);
void ds_table_free(ds_table *t);

/* Prints n tables. Text: each under its name, columns as wide as their widest cell. CSV: one
 * table is plain CSV; several are each preceded by a line "# name" and followed by an empty
 * line. JSON: {"name": [{"column": value, ...}, ...], ...}, numbers as numbers, NaN as null.
 * DS_ERR_NOMEM if a table was left incomplete. */
ds_status ds_table_print(FILE *out, const ds_table *t, int n, ds_table_format fmt, ds_error *err);

#endif
