/* Bounded string building (see strbuf.h). */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ds_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (cap == 0 || *len >= cap)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (w >= 0 && (size_t)w < cap - *len) {
        *len += (size_t)w;
        return 0;
    }
    *len = cap - 1; /* cut: mark it so that a reader sees the list is longer */
    if (cap >= 4)
        memcpy(buf + cap - 4, "...", 4);
    return -1;
}
