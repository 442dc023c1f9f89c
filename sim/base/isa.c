/* Which of the kernels' builds this machine runs (see isa.h): the loader's choice follows
 * the same CPU features as this test. */
#include "base/isa.h"
#include "discsim/version.h"

const char *ds_vector_isa(void)
{
#if DS_HOT_CLONES
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return "x86-64-v4 (AVX-512, 8 lanes a vector)";
    if (__builtin_cpu_supports("x86-64-v3"))
        return "x86-64-v3 (AVX2, 4 lanes a vector)";
    return "x86-64 baseline (SSE2, 2 lanes a vector)";
#else
    return "the target's baseline (one build of the kernels)";
#endif
}
