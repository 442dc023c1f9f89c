/* This machine's measured peak of double-precision arithmetic, for the benchmarks' "fraction
 * of peak": independent chains of fused multiply-adds at the widest vector the processor
 * has (AVX-512: 8 doubles, AVX2: 4), sixteen chains so that neither the unit's latency nor
 * a dependency limits it, on 1 thread and on a given number of threads together. A fused
 * multiply-add counts as 2 operations, the usual convention for a peak.
 *
 * discsim's own kernels do not fuse (-ffp-contract=off: the same bits at every vector
 * width, sim/base/isa.h), so a multiply and an add are two instructions where the peak
 * counts one: the kernels' ceiling is half of this peak. */
#ifndef DS_BENCH_FMA_PEAK_H
#define DS_BENCH_FMA_PEAK_H

#include <immintrin.h>
#include <stdio.h>

#include "discsim/clock.h"

typedef struct {
    const char *isa;  /* the widest vector measured: "avx512", "avx2" or "sse2" (no FMA) */
    double gflops_1;  /* GFLOP/s on one thread */
    double gflops_n;  /* GFLOP/s on `threads` threads together */
    int threads;
} fma_peak;

/* Each kernel runs iters rounds of 16 independent chains and returns a sum of their results
 * (kept, so that nothing is optimised away). The multiplier is just below 1 and the addend
 * small, so the values stay finite and normal for any number of rounds. */
#define FMA_PEAK_CHAINS(T, SET1, FMA, ADD, STORE, W)                                            \
    T a = SET1(0.999999999), b = SET1(1e-9);                                                  \
    T c0 = SET1(1.0), c1 = SET1(1.1), c2 = SET1(1.2), c3 = SET1(1.3), c4 = SET1(1.4);         \
    T c5 = SET1(1.5), c6 = SET1(1.6), c7 = SET1(1.7), c8 = SET1(1.8), c9 = SET1(1.9);         \
    T c10 = SET1(2.0), c11 = SET1(2.1), c12 = SET1(2.2), c13 = SET1(2.3), c14 = SET1(2.4);    \
    T c15 = SET1(2.5);                                                                        \
    for (long i = 0; i < iters; i++) {                                                        \
        c0 = FMA(c0, a, b), c1 = FMA(c1, a, b), c2 = FMA(c2, a, b), c3 = FMA(c3, a, b);       \
        c4 = FMA(c4, a, b), c5 = FMA(c5, a, b), c6 = FMA(c6, a, b), c7 = FMA(c7, a, b);       \
        c8 = FMA(c8, a, b), c9 = FMA(c9, a, b), c10 = FMA(c10, a, b), c11 = FMA(c11, a, b);   \
        c12 = FMA(c12, a, b), c13 = FMA(c13, a, b), c14 = FMA(c14, a, b);                     \
        c15 = FMA(c15, a, b);                                                                 \
    }                                                                                         \
    T s = ADD(ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7))),              \
              ADD(ADD(ADD(c8, c9), ADD(c10, c11)), ADD(ADD(c12, c13), ADD(c14, c15))));       \
    double out[W];                                                                            \
    STORE(out, s);                                                                            \
    double r = 0.0;                                                                           \
    for (int k = 0; k < W; k++)                                                               \
        r += out[k];                                                                          \
    return r;

__attribute__((target("avx512f,fma"), noinline)) static double fma_peak_avx512(long iters)
{
    FMA_PEAK_CHAINS(__m512d, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_add_pd, _mm512_storeu_pd, 8)
}

__attribute__((target("avx2,fma"), noinline)) static double fma_peak_avx2(long iters)
{
    FMA_PEAK_CHAINS(__m256d, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_add_pd, _mm256_storeu_pd, 4)
}

/* SSE2 has no fused multiply-add: a multiply and an add, 2 operations as an FMA counts. */
static inline __m128d fma_peak_sse2_madd(__m128d c, __m128d a, __m128d b)
{
    return _mm_add_pd(_mm_mul_pd(c, a), b);
}

__attribute__((noinline)) static double fma_peak_sse2(long iters)
{
    FMA_PEAK_CHAINS(__m128d, _mm_set1_pd, fma_peak_sse2_madd, _mm_add_pd, _mm_storeu_pd, 2)
}

/* Runs the widest kernel for about `seconds` on each of `threads` threads and
 * returns GFLOP/s; *sink keeps the results alive. */
static double fma_peak_run(int width, int threads, double seconds, double *sink)
{
    long iters = 1L << 16;
    double (*kernel)(long) = width == 8 ? fma_peak_avx512 : width == 4 ? fma_peak_avx2 : fma_peak_sse2;
    for (;;) { /* calibrate on one thread: a round long enough to time */
        double t0 = ds_seconds();
        *sink += kernel(iters);
        if (ds_seconds() - t0 > seconds / 4.0 || iters > (1L << 40))
            break;
        iters *= 2;
    }
    double best = 0.0;
    for (int rep = 0; rep < 3; rep++) { /* best of three: the machine's peak, not its noise */
        double t0 = ds_seconds(), s = 0.0;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) reduction(+ : s)
#endif
        s += kernel(iters);
        double dt = ds_seconds() - t0;
        *sink += s;
        double g = (double)threads * (double)iters * 16.0 * (double)width * 2.0 / dt * 1e-9;
        if (g > best)
            best = g;
    }
    return best;
}

/* Measures this machine's peak on 1 and on `threads` threads: about a second in all. */
static fma_peak fma_peak_measure(int threads)
{
    fma_peak p = {"sse2", 0.0, 0.0, threads};
    int width = 2;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma"))
        p.isa = "avx512", width = 8;
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        p.isa = "avx2", width = 4;
    double sink = 0.0;
    p.gflops_1 = fma_peak_run(width, 1, 0.2, &sink);
    p.gflops_n = p.threads > 1 ? fma_peak_run(width, p.threads, 0.2, &sink) : p.gflops_1;
    if (sink == 42.0) /* never: the results are used */
        printf(" ");
    return p;
}

#endif
