/* Status codes and error messages shared by every public function that can fail.
 *
 * The library never aborts and never prints: a failing call returns a ds_status and fills a
 * ds_error whose message names what the caller needs to fix (file, line and key for input,
 * time, subject, level and variable for numerical trouble). */
#ifndef DISCSIM_STATUS_H
#define DISCSIM_STATUS_H

#include <stdarg.h>

typedef enum ds_status {
    DS_OK = 0,
    DS_ERR_USAGE = 2,   /* command line misuse */
    DS_ERR_INPUT = 3,   /* scenario or model file: syntax, key, type, value */
    DS_ERR_NUMERIC = 4, /* the simulation diverged or a step size underflowed */
    DS_ERR_IO = 5,      /* a file could not be read or written */
    DS_ERR_NOMEM = 6,
    DS_ERR_EXTERNAL = 7 /* a program discsim drives (gnuplot) is missing or failed */
} ds_status;

enum { DS_ERROR_MSG_LEN = 1024 };

typedef struct ds_error {
    ds_status status;
    char msg[DS_ERROR_MSG_LEN];
} ds_error;

/* Records status and a printf-style message into err (which may be NULL); returns status.
 * The message is one line: control characters (from quoted text) become spaces. */
ds_status ds_fail(ds_error *err, ds_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

void ds_error_clear(ds_error *err);

#endif
