/* Threads for the core's blocks of lanes (ds_run_opts.parallel): the core has none of its
 * own, so that it builds with libc and libm alone; the study layer lends it OpenMP's. */
#include <omp.h>
#include <stdint.h>

#include "discsim/study.h"

void ds_threads_default(int threads)
{
    if (threads > 0)
        omp_set_num_threads(threads);
}

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

ds_run_opts ds_run_opts_for(const ds_study_opts *o, ds_variant v)
{
    /* Few vectors of lanes a block: heterogeneous subjects take different steps, and a wide
     * block steps until its slowest lane is done (bench_cohort's 1,000 quasi-static subjects
     * once took 2.1 s in blocks of 8, 2.8 s in blocks of 64 or one block). The quasi-static
     * levels' right-hand side is a chain of dependent operations (the swelling pressure's
     * power) on one vector at a time; two vectors give the core two chains to overlap: its
     * one-day cohort of 4,000 on one thread took 0.36-0.43 s in blocks of 8 and 0.33-0.35 s
     * in blocks of 16 (three runs each, in turns). Since each lane chooses its dense
     * output's step alone, the per-call work of the right-hand sides and records weighs
     * more than a wide block's waiting: 8,000 on one thread, CPU time best 308 ms and mean
     * 356 ms in blocks of 16, 289 and 333 ms in blocks of 32, 293 and 328 ms in blocks of 64
     * (312 and 345 in blocks of 48); with TR-BDF2, 4,000 took 692 and 715 ms in blocks of
     * 16, 591 and 618 ms in blocks of 32 (runs of each in turns). The inertial blocks'
     * lanes wait for each other's Newton iterations, and 8 stays the fastest there (200 on
     * one thread: 491 and 530 ms in blocks of 8, 532 and 627 ms in blocks of 16). */
    const int lanes = v == DS_QUASI_STATIC ? 4 * DS_LANE_ALIGN : DS_LANE_ALIGN;
    ds_run_opts r = {.progress = o->progress, .summary_only = o->summary_only,
                     .block = o->block > 0 ? o->block : lanes, .command_line = o->command_line,
                     .compression = o->compression};
    if (o->threads > 1) {
        r.parallel = omp_blocks;
        r.parallel_ctx = (void *)(intptr_t)o->threads;
    }
    return r;
}
