// Direct convolution for thin inputs: see include/CConvKernels.h.
//
// With K = KH*KW*C small (27 for a 3x3 kernel on RGB), im2col + sgemm spends more time packing
// and storing than multiplying. Here each output row's windows are packed into a buffer that
// stays in L1/L2, and a register-blocked AVX2 kernel multiplies them: the forward pass keeps
// 2 pixels x 32 filters of sums in registers, the kernel gradient 2 window cells x 32 filters.
// Every function that uses AVX2 carries a target attribute, and the engine calls them only
// after `cnn_direct_conv_available()`, so the library runs on any x86-64 CPU.

#include "CConvKernels.h"

#include <immintrin.h>
#include <string.h>

#define AVX2_FMA __attribute__((target("avx2,fma")))
#define INLINE_AVX2_FMA static inline __attribute__((always_inline, target("avx2,fma")))

int cnn_direct_conv_available(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

size_t cnn_direct_conv_scratch(const cnn_conv_geometry *g) {
    return (size_t)g->out_width * (size_t)(g->kernel_height * g->kernel_width * g->channels);
}

/// Output row (n, oy)'s windows as OW rows of K floats, in (ky, kx, c) order; padding is 0.
static void pack_row(const cnn_conv_geometry *g, const float *x, int n, int oy, float *cols) {
    const int c = g->channels, kh = g->kernel_height, kw = g->kernel_width;
    const int h = g->height, w = g->width;
    float *dst = cols;
    for (int ox = 0; ox < g->out_width; ox++) {
        const int x0 = ox * g->stride_x - g->pad_left;
        const int inside = g->dilation_x == 1 && x0 >= 0 && x0 + kw <= w;
        for (int ky = 0; ky < kh; ky++) {
            const int iy = oy * g->stride_y + ky * g->dilation_y - g->pad_top;
            if (iy < 0 || iy >= h) {
                memset(dst, 0, sizeof(float) * (size_t)(kw * c));
                dst += kw * c;
                continue;
            }
            const float *row = x + ((size_t)n * h + iy) * (size_t)w * c;
            if (inside) {
                memcpy(dst, row + (size_t)x0 * c, sizeof(float) * (size_t)(kw * c));
                dst += kw * c;
                continue;
            }
            for (int kx = 0; kx < kw; kx++) {
                const int ix = x0 + kx * g->dilation_x;
                for (int ch = 0; ch < c; ch++) dst[ch] = (ix < 0 || ix >= w) ? 0.0f : row[(size_t)ix * c + ch];
                dst += c;
            }
        }
    }
}

/// max(v, 0) as the engine's ReLU: cells <= 0 become +0, NaN stays (an ordered compare is false).
INLINE_AVX2_FMA __m256 relu8(__m256 v) {
    return _mm256_andnot_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LE_OQ), v);
}

/// NP (1 or 2) pixels' windows `a` (stride k) times NV*8 filters of `kernel` (stride f),
/// plus `bias`, into y (stride f).
INLINE_AVX2_FMA void forward_tile(const int np, const int nv, int k, int f, const float *a,
                                  const float *kernel, const float *bias, int relu, float *y) {
    __m256 s0[4], s1[4];
    for (int v = 0; v < nv; v++) {
        s0[v] = bias ? _mm256_loadu_ps(bias + 8 * v) : _mm256_setzero_ps();
        s1[v] = s0[v];
    }
    for (int t = 0; t < k; t++) {
        const __m256 b0 = _mm256_broadcast_ss(a + t);
        const __m256 b1 = _mm256_broadcast_ss(a + (np == 2 ? k : 0) + t);
        for (int v = 0; v < nv; v++) {
            const __m256 kv = _mm256_loadu_ps(kernel + (size_t)t * f + 8 * v);
            s0[v] = _mm256_fmadd_ps(b0, kv, s0[v]);
            if (np == 2) s1[v] = _mm256_fmadd_ps(b1, kv, s1[v]);
        }
    }
    for (int v = 0; v < nv; v++) {
        _mm256_storeu_ps(y + 8 * v, relu ? relu8(s0[v]) : s0[v]);
        if (np == 2) _mm256_storeu_ps(y + f + 8 * v, relu ? relu8(s1[v]) : s1[v]);
    }
}

#define FORWARD_COLUMNS(NV)                                                                   \
    for (; ox + 2 <= ow; ox += 2)                                                             \
        forward_tile(2, NV, k, f, cols + (size_t)ox * k, kc, bc, relu, yr + (size_t)ox * f);  \
    if (ox < ow) forward_tile(1, NV, k, f, cols + (size_t)ox * k, kc, bc, relu, yr + (size_t)ox * f);

AVX2_FMA void cnn_direct_conv_forward(const cnn_conv_geometry *g, const float *x, const float *kernel,
                                      const float *bias, int relu, int row0, int row1,
                                      float *y, float *scratch) {
    const int k = g->kernel_height * g->kernel_width * g->channels, f = g->filters, ow = g->out_width;
    for (int r = row0; r < row1; r++) {
        float *cols = scratch;
        pack_row(g, x, r / g->out_height, r % g->out_height, cols);
        for (int cb = 0; cb < f; cb += 32) {
            const float *kc = kernel + cb, *bc = bias ? bias + cb : NULL;
            float *yr = y + (size_t)r * ow * f + cb;
            int ox = 0;
            switch (f - cb >= 32 ? 4 : (f - cb) / 8) {
            case 4: FORWARD_COLUMNS(4) break;
            case 3: FORWARD_COLUMNS(3) break;
            case 2: FORWARD_COLUMNS(2) break;
            default: FORWARD_COLUMNS(1) break;
            }
        }
    }
}

/// dk rows t (and t+1 when NT is 2), NV*8 filters, += the row's windows column t (t+1) times
/// dy, pixel by pixel.
INLINE_AVX2_FMA void gradient_tile(const int nt, const int nv, int ow, int k, int f, const float *cols,
                                   const float *dy, float *dk) {
    __m256 s0[4], s1[4];
    for (int v = 0; v < nv; v++) {
        s0[v] = _mm256_loadu_ps(dk + 8 * v);
        s1[v] = nt == 2 ? _mm256_loadu_ps(dk + f + 8 * v) : s0[v];
    }
    for (int p = 0; p < ow; p++) {
        const __m256 b0 = _mm256_broadcast_ss(cols + (size_t)p * k);
        const __m256 b1 = _mm256_broadcast_ss(cols + (size_t)p * k + (nt == 2 ? 1 : 0));
        for (int v = 0; v < nv; v++) {
            const __m256 gv = _mm256_loadu_ps(dy + (size_t)p * f + 8 * v);
            s0[v] = _mm256_fmadd_ps(b0, gv, s0[v]);
            if (nt == 2) s1[v] = _mm256_fmadd_ps(b1, gv, s1[v]);
        }
    }
    for (int v = 0; v < nv; v++) {
        _mm256_storeu_ps(dk + 8 * v, s0[v]);
        if (nt == 2) _mm256_storeu_ps(dk + f + 8 * v, s1[v]);
    }
}

#define GRADIENT_ROWS(NV)                                                                             \
    for (; t + 2 <= k; t += 2) gradient_tile(2, NV, np, k, f, cb0 + t, gr, dk + (size_t)t * f + cb); \
    if (t < k) gradient_tile(1, NV, np, k, f, cb0 + t, gr, dk + (size_t)t * f + cb);

/// Pixels the kernel gradient takes at a time: their windows and gradients stay in L1 while
/// every tile of dk passes over them.
enum { GRADIENT_BLOCK = 32 };

/// dk += the windows `cols` (OW, K) transposed times one row of gradients `dy` (OW, F), in
/// blocks of pixels (each dk element still adds its products in pixel order).
INLINE_AVX2_FMA void gradient_row(int ow, int k, int f, const float *cols, const float *dy, float *dk) {
    for (int p0 = 0; p0 < ow; p0 += GRADIENT_BLOCK) {
        const int np = ow - p0 < GRADIENT_BLOCK ? ow - p0 : GRADIENT_BLOCK;
        const float *cb0 = cols + (size_t)p0 * k, *dy0 = dy + (size_t)p0 * f;
        for (int cb = 0; cb < f; cb += 32) {
            const float *gr = dy0 + cb;
            int t = 0;
            switch (f - cb >= 32 ? 4 : (f - cb) / 8) {
            case 4: GRADIENT_ROWS(4) break;
            case 3: GRADIENT_ROWS(3) break;
            case 2: GRADIENT_ROWS(2) break;
            default: GRADIENT_ROWS(1) break;
            }
        }
    }
}

AVX2_FMA void cnn_direct_conv_kernel_gradient(const cnn_conv_geometry *g, const float *x, const float *dy,
                                              int row0, int row1, float *dk, float *scratch) {
    const int k = g->kernel_height * g->kernel_width * g->channels, f = g->filters, ow = g->out_width;
    for (int r = row0; r < row1; r++) {
        pack_row(g, x, r / g->out_height, r % g->out_height, scratch);
        gradient_row(ow, k, f, scratch, dy + (size_t)r * ow * f, dk);
    }
}

size_t cnn_direct_conv_backward_scratch(const cnn_conv_geometry *g) {
    return cnn_direct_conv_scratch(g) + (size_t)g->out_width * (size_t)g->filters;
}

AVX2_FMA void cnn_direct_conv_backward(const cnn_conv_geometry *g, const float *x, const float *dy,
                                       const float *relu_output, int row0, int row1,
                                       float *dk, double *db, float *scratch) {
    const int k = g->kernel_height * g->kernel_width * g->channels, f = g->filters, ow = g->out_width;
    float *cols = scratch, *masked = scratch + cnn_direct_conv_scratch(g);
    for (int r = row0; r < row1; r++) {
        const size_t base = (size_t)r * ow * f;
        const float *gr = dy + base;
        if (relu_output) {
            const float *yr = relu_output + base;
            for (size_t i = 0; i + 8 <= (size_t)ow * f; i += 8) {
                const __m256 drop = _mm256_cmp_ps(_mm256_loadu_ps(yr + i), _mm256_setzero_ps(), _CMP_LE_OQ);
                _mm256_storeu_ps(masked + i, _mm256_andnot_ps(drop, _mm256_loadu_ps(gr + i)));
            }
            gr = masked;
        }
        if (db) {
            for (int j = 0; j < f; j += 8) {
                __m256 s = _mm256_setzero_ps();
                for (int p = 0; p < ow; p++) s = _mm256_add_ps(s, _mm256_loadu_ps(gr + (size_t)p * f + j));
                float lanes[8];
                _mm256_storeu_ps(lanes, s);
                for (int e = 0; e < 8; e++) db[j + e] += (double)lanes[e];
            }
        }
        pack_row(g, x, r / g->out_height, r % g->out_height, cols);
        gradient_row(ow, k, f, cols, gr, dk);
    }
}
