// Adam's update, eight elements at a time: see include/CKernels.h.
//
// The same operations in the same order as the engine's plain loop (Optimizers.swift,
// `Adam.updateReference`): separate multiplies and adds (never fused), IEEE square root and
// division, which are correctly rounded at any vector width, so every result is the same
// bits. Swift spells a vector square root as eight calls of the scalar one; here it is one
// `vsqrtps` (AVX, chosen at run time) or two `sqrtps` (SSE2, any x86-64 CPU).

#include "CKernels.h"

#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

static void adam_scalar(float *m, float *v, float *w, const float *g, size_t i, size_t n,
                        float c1, float c2, float alpha, float eps) {
    for (; i < n; i++) {
        m[i] = m[i] + (g[i] - m[i]) * c1;
        v[i] = v[i] + (g[i] * g[i] - v[i]) * c2;
        w[i] = w[i] - alpha * m[i] / (sqrtf(v[i]) + eps);
    }
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx")))
static size_t adam_avx(float *m, float *v, float *w, const float *g, size_t n,
                       float c1, float c2, float alpha, float eps) {
    const __m256 k1 = _mm256_set1_ps(c1), k2 = _mm256_set1_ps(c2);
    const __m256 a = _mm256_set1_ps(alpha), e = _mm256_set1_ps(eps);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 gv = _mm256_loadu_ps(g + i);
        __m256 mv = _mm256_loadu_ps(m + i), vv = _mm256_loadu_ps(v + i), wv = _mm256_loadu_ps(w + i);
        mv = _mm256_add_ps(mv, _mm256_mul_ps(_mm256_sub_ps(gv, mv), k1));
        vv = _mm256_add_ps(vv, _mm256_mul_ps(_mm256_sub_ps(_mm256_mul_ps(gv, gv), vv), k2));
        wv = _mm256_sub_ps(wv, _mm256_div_ps(_mm256_mul_ps(a, mv), _mm256_add_ps(_mm256_sqrt_ps(vv), e)));
        _mm256_storeu_ps(m + i, mv);
        _mm256_storeu_ps(v + i, vv);
        _mm256_storeu_ps(w + i, wv);
    }
    return i;
}

static size_t adam_sse2(float *m, float *v, float *w, const float *g, size_t n,
                        float c1, float c2, float alpha, float eps) {
    const __m128 k1 = _mm_set1_ps(c1), k2 = _mm_set1_ps(c2), a = _mm_set1_ps(alpha), e = _mm_set1_ps(eps);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m128 gv = _mm_loadu_ps(g + i);
        __m128 mv = _mm_loadu_ps(m + i), vv = _mm_loadu_ps(v + i), wv = _mm_loadu_ps(w + i);
        mv = _mm_add_ps(mv, _mm_mul_ps(_mm_sub_ps(gv, mv), k1));
        vv = _mm_add_ps(vv, _mm_mul_ps(_mm_sub_ps(_mm_mul_ps(gv, gv), vv), k2));
        wv = _mm_sub_ps(wv, _mm_div_ps(_mm_mul_ps(a, mv), _mm_add_ps(_mm_sqrt_ps(vv), e)));
        _mm_storeu_ps(m + i, mv);
        _mm_storeu_ps(v + i, vv);
        _mm_storeu_ps(w + i, wv);
    }
    return i;
}
#endif

void cnn_adam_update(float *m, float *v, float *w, const float *g, size_t n,
                     float c1, float c2, float alpha, float eps) {
    size_t i = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    i = __builtin_cpu_supports("avx") ? adam_avx(m, v, w, g, n, c1, c2, alpha, eps) : adam_sse2(m, v, w, g, n, c1, c2, alpha, eps);
#endif
    adam_scalar(m, v, w, g, i, n, c1, c2, alpha, eps);
}
