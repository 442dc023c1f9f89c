/* Hot kernels at the machine's vector width, the same bits at every width.
 *
 * DS_HOT marks a lane kernel that GCC builds three times (function multiversioning): for
 * x86-64-v4 (AVX-512, a block of 8 lanes in one vector), x86-64-v3 (AVX2, 4 lanes) and the
 * baseline (SSE2, 2 lanes); the loader picks one per function for the machine it runs on.
 * The arithmetic is the same in each: no fused multiply-add (-ffp-contract=off), no
 * reassociation, every lane's operations in the same order, only more lanes per
 * instruction; so a subject's numbers do not depend on the machine's width (the test
 * isa_same_bits compares this build with a baseline-only one).
 * Off (DS_VECTOR_CLONES=OFF, the sanitizer build) or on other compilers and targets, a
 * kernel is built once, for the target's baseline. */
#ifndef DS_ISA_H
#define DS_ISA_H

#if defined(DS_VECTOR_CLONES) && defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    defined(__linux__)
#define DS_HOT_CLONES 1
#define DS_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DS_HOT_CLONES 0
#define DS_HOT
#endif

#endif
