/* The process's heap policy (see discsim/cleanup.h). */
#include "discsim/cleanup.h"

#include <stdlib.h> /* defines __GLIBC__ where it is glibc */
#ifdef __GLIBC__
#include <malloc.h>
#endif

void ds_process_heap_setup(void)
{
#ifdef __GLIBC__
    /* a fixed threshold also turns off glibc's raising of it (mallopt(3)), which raised it
     * to the largest buffer freed and kept a cohort's arrays in the heap; 1 MiB, above a
     * block's own allocations (an integrator of 32 quasi-static lanes takes more than
     * 128 KiB, and each block mapped it anew and faulted its pages in: 20,300 page faults
     * for 16,000 subjects, 3,600 with 1 MiB, the peak memory the same) */
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024); /* blocks take again what the last freed */
#endif
}
