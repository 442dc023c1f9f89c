/* Bounded string building. snprintf returns the length it would have written, not what it
 * wrote; adding that to an offset and passing `size - offset` on is how a long name turns
 * into a write past a buffer. ds_append keeps the offset inside the buffer and ends a
 * truncated text with "...". */
#ifndef DS_STRBUF_H
#define DS_STRBUF_H

#include <stddef.h>

/* Appends printf-style text at buf + *len (buf holds cap bytes, *len < cap, NUL-terminated);
 * *len becomes the new length. Returns 0, or -1 if the text was cut. */
int ds_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
