/* The monotonic clock in seconds, for wall times and throttles (not for anything a result
 * depends on). */
#ifndef DISCSIM_CLOCK_H
#define DISCSIM_CLOCK_H

#include <time.h>

static inline double ds_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
