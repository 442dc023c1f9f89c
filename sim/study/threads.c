/* Threads for the core's blocks of lanes (ds_run_opts.parallel): the core has none of its
 * own, so that it builds with libc and libm alone; the study layer lends it OpenMP's. */
#include <stdint.h>

#include "discsim/study.h"

static void omp_blocks(void *ctx, int n, void (*fn)(void *arg, int i), void *arg)
{
    const int threads = (int)(intptr_t)ctx;
    /* blocks differ in cost (a subject's steps are its own): hand them out a few at a time,
     * one at a time when they are few (13 blocks in chunks of 4 leave one thread 8 and the
     * other 5: at most 1.6x on 2 threads; bench_cohort's 100 inertial subjects are 13) */
    int chunk = n / (8 * threads);
    chunk = chunk < 1 ? 1 : chunk > 4 ? 4 : chunk;
#pragma omp parallel for schedule(dynamic, chunk) num_threads(threads)
    for (int i = 0; i < n; i++)
        fn(arg, i);
}

ds_run_opts ds_run_opts_for(const ds_study_opts *o, int nsubj)
{
    /* one vector of lanes a block: heterogeneous subjects take different steps, and a wide
     * block steps until its slowest lane is done (measured with bench_cohort: 1,000
     * quasi-static subjects 2.1 s in blocks of 8, 2.8 s in blocks of 64 or one block) */
    ds_run_opts r = {.progress = o->progress, .summary_only = o->summary_only,
                     .block = o->block > 0 ? o->block : DS_LANE_ALIGN, .command_line = o->command_line,
                     .compression = o->compression};
    (void)nsubj;
    if (o->threads > 1) {
        r.parallel = omp_blocks;
        r.parallel_ctx = (void *)(intptr_t)o->threads;
    }
    return r;
}
