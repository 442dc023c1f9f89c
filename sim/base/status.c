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
        /* One line whatever the text quoted (names and values from files may hold line
         * breaks or terminal controls). */
        for (unsigned char *p = (unsigned char *)err->msg; *p; ++p)
            if (*p < 0x20 || *p == 0x7f)
                *p = ' ';
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
