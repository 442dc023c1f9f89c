/* The process's heap policy (see discsim/cleanup.h). */
#include "discsim/cleanup.h"

#include <stdlib.h> /* defines __GLIBC__ where it is glibc */
#ifdef __GLIBC__
#include <malloc.h>
#endif

void ds_process_heap_setup(void)
{
#ifdef __GLIBC__
    /* a fixed threshold also turns off glibc's raising of it (mallopt(3)) */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024); /* blocks take again what the last freed */
#endif
}
