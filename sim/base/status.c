#include "discsim/status.h"

#include <stdio.h>
#include <string.h>

ds_status ds_fail(ds_error *err, ds_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

void ds_error_clear(ds_error *err)
{
    if (err) {
        err->status = DS_OK;
        err->msg[0] = '\0';
    }
}
