/* Status codes and error messages shared by every public function that can fail.
 *
 * The library never aborts and never prints: a failing call returns a ds_status and fills a
 * ds_error whose message names what the caller needs to fix (file, line and key for input,
 * time, subject, level and variable for numerical trouble). */
#ifndef DISCSIM_STATUS_H
#define DISCSIM_STATUS_H

#include <stdarg.h>

/* Every status, once: X(name, value, meaning). The enum, the program's exit codes and their
 * help text all come from this list (1 is the program's own: a validation target missed). */
#define DS_STATUS_LIST(X)                                                                          \
    X(DS_OK, 0, "success")                                                                         \
    X(DS_ERR_USAGE, 2, "usage error (unknown command or option)")                                  \
    X(DS_ERR_INPUT, 3, "bad scenario or model file (the message names file, line and key)")        \
    X(DS_ERR_NUMERIC, 4,                                                                           \
      "a subject diverged (the message names time, subject, level and variable; if others\n"      \
      "     finished, the file lists the failed ones under <stream>/meta/failure)")                \
    X(DS_ERR_IO, 5,                                                                                \
      "a file could not be read or written, or -o names the scenario, its model, a folder or a\n" \
      "     file that is not HDF5 (refused before the run)")                                       \
    X(DS_ERR_NOMEM, 6, "out of memory")                                                            \
    X(DS_ERR_EXTERNAL, 7, "gnuplot (for figures) is missing or failed")

typedef enum ds_status {
#define DS_X_ENUM(name, value, text) name = value,
    DS_STATUS_LIST(DS_X_ENUM)
#undef DS_X_ENUM
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

/* For "did you mean": the candidate nearest to word (optimal string alignment distance: an
 * insertion, deletion, substitution or swap of neighbours counts one) if it is a likely typo,
 * at most 1 edit for words of up to 4 characters, 2 up to 8, 3 beyond; NULL if none is, or
 * if two are equally near. cands ends with NULL. */
const char *ds_suggest(const char *word, const char *const *cands);

#endif
