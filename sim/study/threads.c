/* Threads for the core's blocks of lanes (ds_run_opts.parallel): the core has none of its
 * own, so that it builds with libc and libm alone; the study layer lends it OpenMP's. */
#include <stdint.h>

#include "discsim/study.h"

static void omp_blocks(void *ctx, int n, void (*fn)(void *arg, int i), void *arg)
{
    const int threads = (int)(intptr_t)ctx;
    /* blocks differ in cost (a subject's steps are its own): hand them out one by one */
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int i = 0; i < n; i++)
        fn(arg, i);
}

ds_run_opts ds_run_opts_for(const ds_study_opts *o, int nsubj)
{
    ds_run_opts r = {.progress = o->progress, .summary_only = o->summary_only, .block = o->block};
    const int threads = o->threads > 1 ? o->threads : 1;
    if (threads > 1) {
        r.parallel = omp_blocks;
        r.parallel_ctx = (void *)(intptr_t)threads;
        if (r.block <= 0) /* a few blocks a thread, whole vectors of lanes each */
            r.block = ds_pad_lanes((nsubj + 4 * threads - 1) / (4 * threads));
    }
    return r;
}
