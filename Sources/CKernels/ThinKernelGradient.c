// The kernel gradient of a convolution whose input has few channels (the tutorial model's
// first layer: 3 channels, 32 filters), for one image: see include/CKernels.h.
//
// Why not oneDNN: its backward-weights kernels (2.6.3, `jit:avx512_core` on nhwc) spread the
// work over input-channel blocks of 16, and with 3 channels most lanes idle: at the
// tutorial's 32x150x150x3 -> 32 it took 37-45 ms on an Intel Xeon (family 6 model 207), a
// sixth of the time of its forward pass' rate per multiply-add.
//
// Here the sum is a thin matrix product done as it streams: for each output pixel, the
// KH*KW*C window values (27 here) each multiply the pixel's F gradients (32 here: two
// 512-bit or four 256-bit vectors), accumulated in registers along one output row, then added
// to the image's partial sums. The window rows come from a zero-padded copy of the KH input
// rows the output row reads, so the inner loop has no bounds test. Every sum is in an order
// fixed by the shapes and the vector width, so one image's result is the same bits run after
// run; the caller gives each thread whole images and adds their sums in image order.

#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

// Rows of the window per register block: 8 rows x 2 vectors of accumulators + the bias.
#define BLOCK 8

__attribute__((target("avx512f")))
static void row_avx512(const float *pad, const int *offsets, int rows, int ow, int c, int f,
                       const float *dy, const float *y, float *dk, float *db) {
    for (int fc = 0; fc < f; fc += 32) {
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            __m512 a0[BLOCK], a1[BLOCK];
            for (int j = 0; j < BLOCK; j++) { a0[j] = _mm512_setzero_ps(); a1[j] = _mm512_setzero_ps(); }
            __m512 b0 = _mm512_setzero_ps(), b1 = _mm512_setzero_ps();
            const int *off = offsets + r0;
            for (int x = 0; x < ow; x++) {
                const float *g = dy + (size_t)x * f + fc;
                __m512 d0 = _mm512_loadu_ps(g), d1 = _mm512_loadu_ps(g + 16);
                if (y) {
                    // The fused ReLU's gradient: dy where y > 0 (or NaN), else 0.
                    const float *o = y + (size_t)x * f + fc;
                    d0 = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(_mm512_loadu_ps(o), _mm512_setzero_ps(), _CMP_NLE_UQ), d0);
                    d1 = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(_mm512_loadu_ps(o + 16), _mm512_setzero_ps(), _CMP_NLE_UQ), d1);
                }
                const float *p = pad + (size_t)x * c;
                for (int j = 0; j < BLOCK; j++) {
                    __m512 v = _mm512_set1_ps(p[off[j]]);
                    a0[j] = _mm512_fmadd_ps(d0, v, a0[j]);
                    a1[j] = _mm512_fmadd_ps(d1, v, a1[j]);
                }
                if (r0 == 0) { b0 = _mm512_add_ps(b0, d0); b1 = _mm512_add_ps(b1, d1); }
            }
            for (int j = 0; j < BLOCK && r0 + j < rows; j++) {
                float *o = dk + (size_t)(r0 + j) * f + fc;
                _mm512_storeu_ps(o, _mm512_add_ps(_mm512_loadu_ps(o), a0[j]));
                _mm512_storeu_ps(o + 16, _mm512_add_ps(_mm512_loadu_ps(o + 16), a1[j]));
            }
            if (r0 == 0) {
                _mm512_storeu_ps(db + fc, _mm512_add_ps(_mm512_loadu_ps(db + fc), b0));
                _mm512_storeu_ps(db + fc + 16, _mm512_add_ps(_mm512_loadu_ps(db + fc + 16), b1));
            }
        }
    }
}

// AVX2: 16 registers, so 4 window rows x 2 vectors of 8 filters (16 filters per pass).
#define BLOCK2 4

__attribute__((target("avx2,fma")))
static void row_avx2(const float *pad, const int *offsets, int rows, int ow, int c, int f,
                     const float *dy, const float *y, float *dk, float *db) {
    for (int fc = 0; fc < f; fc += 16) {
        for (int r0 = 0; r0 < rows; r0 += BLOCK2) {
            __m256 a0[BLOCK2], a1[BLOCK2];
            for (int j = 0; j < BLOCK2; j++) { a0[j] = _mm256_setzero_ps(); a1[j] = _mm256_setzero_ps(); }
            __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
            const int *off = offsets + r0;
            for (int x = 0; x < ow; x++) {
                const float *g = dy + (size_t)x * f + fc;
                __m256 d0 = _mm256_loadu_ps(g), d1 = _mm256_loadu_ps(g + 8);
                if (y) {
                    const float *o = y + (size_t)x * f + fc;
                    d0 = _mm256_and_ps(d0, _mm256_cmp_ps(_mm256_loadu_ps(o), _mm256_setzero_ps(), _CMP_NLE_UQ));
                    d1 = _mm256_and_ps(d1, _mm256_cmp_ps(_mm256_loadu_ps(o + 8), _mm256_setzero_ps(), _CMP_NLE_UQ));
                }
                const float *p = pad + (size_t)x * c;
                for (int j = 0; j < BLOCK2; j++) {
                    __m256 v = _mm256_broadcast_ss(p + off[j]);
                    a0[j] = _mm256_fmadd_ps(d0, v, a0[j]);
                    a1[j] = _mm256_fmadd_ps(d1, v, a1[j]);
                }
                if (r0 == 0) { b0 = _mm256_add_ps(b0, d0); b1 = _mm256_add_ps(b1, d1); }
            }
            for (int j = 0; j < BLOCK2 && r0 + j < rows; j++) {
                float *o = dk + (size_t)(r0 + j) * f + fc;
                _mm256_storeu_ps(o, _mm256_add_ps(_mm256_loadu_ps(o), a0[j]));
                _mm256_storeu_ps(o + 8, _mm256_add_ps(_mm256_loadu_ps(o + 8), a1[j]));
            }
            if (r0 == 0) {
                _mm256_storeu_ps(db + fc, _mm256_add_ps(_mm256_loadu_ps(db + fc), b0));
                _mm256_storeu_ps(db + fc + 8, _mm256_add_ps(_mm256_loadu_ps(db + fc + 8), b1));
            }
        }
    }
}
#endif

int cnn_thin_kernel_gradient_width(int wanted) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (wanted >= 512 && __builtin_cpu_supports("avx512f")) return 512;
    if (wanted >= 256 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 256;
#endif
    (void)wanted;
    return 0;
}

int cnn_thin_kernel_gradient(int width, const float *x, const float *dy, const float *relu_y, int h, int w,
                             int c, int kh, int kw, int f, int pad_top, int pad_left, int oh, int ow,
                             float *dk, float *db) {
#if defined(__x86_64__)
    if ((width != 512 && width != 256) || f % (width == 512 ? 32 : 16) != 0) return 0;
    const int block = width == 512 ? BLOCK : BLOCK2;
    const int rows = kh * kw * c;
    const int padded_rows = (rows + block - 1) / block * block;
    // Padded width: every window an output column reads, plus nothing beyond.
    const int pw = ow + kw - 1;
    const size_t row_len = (size_t)pw * c;
    // kh input rows, then one row of zeros that the block's spare rows read.
    float *pad = calloc((size_t)(kh + 1) * row_len, sizeof(float));
    int *offsets = malloc(sizeof(int) * (size_t)padded_rows);
    if (!pad || !offsets) { free(pad); free(offsets); return -1; }
    for (int r = 0; r < padded_rows; r++) {
        if (r < rows) {
            int ky = r / (kw * c), kx = (r / c) % kw, ch = r % c;
            offsets[r] = (int)((size_t)ky * row_len) + kx * c + ch;
        } else {
            offsets[r] = (int)((size_t)kh * row_len);
        }
    }
    memset(dk, 0, sizeof(float) * (size_t)rows * f);
    memset(db, 0, sizeof(float) * (size_t)f);
    for (int oy = 0; oy < oh; oy++) {
        for (int ky = 0; ky < kh; ky++) {
            float *row = pad + (size_t)ky * row_len;
            int iy = oy - pad_top + ky;
            memset(row, 0, sizeof(float) * row_len);
            if (iy < 0 || iy >= h) continue;
            // Padded column p reads input column p - pad_left.
            int first = -pad_left < 0 ? 0 : -pad_left;               // first input column used
            int last = pw - pad_left < w ? pw - pad_left : w;        // one past the last
            if (last > first)
                memcpy(row + (size_t)(first + pad_left) * c, x + ((size_t)iy * w + first) * c,
                       sizeof(float) * (size_t)(last - first) * c);
        }
        const float *g = dy + (size_t)oy * ow * f;
        const float *y = relu_y ? relu_y + (size_t)oy * ow * f : NULL;
        if (width == 512) row_avx512(pad, offsets, rows, ow, c, f, g, y, dk, db);
        else row_avx2(pad, offsets, rows, ow, c, f, g, y, dk, db);
    }
    free(pad);
    free(offsets);
    return 1;
#else
    (void)width; (void)x; (void)dy; (void)relu_y; (void)h; (void)w; (void)c; (void)kh; (void)kw; (void)f;
    (void)pad_top; (void)pad_left; (void)oh; (void)ow; (void)dk; (void)db;
    return 0;
#endif
}
