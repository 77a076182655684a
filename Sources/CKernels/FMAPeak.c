// The machine's single-precision FMA peak, measured: independent chains of fused multiply-adds
// (enough to cover the FMA latency on both ports of current cores: 4-5 cycles, 2 per cycle) on
// the widest vector unit this CPU has, every chain and both constants in registers: 16 chains in
// AVX-512's 32 registers, 12 in AVX2's 16 (16 there made the compiler spill two chains to the
// stack every iteration, which cost a third of the peak on an AMD EPYC (Zen 1) and showed
// conv layers "above" it). `cnnlearn bench` runs it on every core at once and reports
// conv layers' GFLOP/s as a share of it.

#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

int cnn_fma_width(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 256;
    return 0;
}

#define CHAINS 16
#define CHAINS_256 12

__attribute__((target("avx512f")))
static double fma_512(long iterations, float *sink) {
    __m512 acc[CHAINS];
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long it = 0; it < iterations; it++) {
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 s = acc[0];
    for (int i = 1; i < CHAINS; i++) s = _mm512_add_ps(s, acc[i]);
    *sink = _mm512_reduce_add_ps(s);
    return 2.0 * 16 * CHAINS * (double)iterations;
}

__attribute__((target("avx2,fma")))
static double fma_256(long iterations, float *sink) {
    __m256 acc[CHAINS_256];
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS_256; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long it = 0; it < iterations; it++) {
        for (int i = 0; i < CHAINS_256; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    __m256 s = acc[0];
    for (int i = 1; i < CHAINS_256; i++) s = _mm256_add_ps(s, acc[i]);
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    float total = 0;
    for (int i = 0; i < 8; i++) total += lanes[i];
    *sink = total;
    return 2.0 * 8 * CHAINS_256 * (double)iterations;
}

double cnn_fma_loop(long iterations, float *sink) {
    switch (cnn_fma_width()) {
    case 512: return fma_512(iterations, sink);
    case 256: return fma_256(iterations, sink);
    default: *sink = 0; return 0;
    }
}
#else
int cnn_fma_width(void) { return 0; }
double cnn_fma_loop(long iterations, float *sink) { (void)iterations; *sink = 0; return 0; }
#endif
