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

// AVX2: 16 registers. The row's gradient is masked (fused ReLU) and summed for the bias once,
// beforehand (`mask_row_avx2`), so a pass reads only the gradient: 2 window rows x 4 vectors
// of 8 filters (8 accumulators, 4 gradient vectors, a broadcast), 14 passes for 27 rows and 32
// filters. One broadcast feeds four FMAs. On an AMD EPYC (Zen 1, family 23 model 1), for the
// tutorial's 32x150x150x3 -> 32 on 2 threads: 32.5 ms; 6 rows x 2 vectors (a broadcast per two
// FMAs, prefetching as here) 35 ms; the first version (4 rows x 2 vectors, masking in every
// pass with the bias in the first, no prefetch) 38 ms.
#define BLOCK2 2

// The passes over a row are compute-bound and the row's gradient is already in cache; the
// next row's gradient and ReLU output (`next`, `count` cache lines in up to two regions) are
// fetched into L2 meanwhile, one line every other column, spread over the passes, so that the
// next row's mask pass does not wait on memory.
typedef struct { const char *region[2]; size_t lines[2]; } prefetch_plan;

static inline void prefetch_line(const prefetch_plan *plan, size_t line) {
    if (line < plan->lines[0]) _mm_prefetch(plan->region[0] + line * 64, _MM_HINT_T1);
    else if (line - plan->lines[0] < plan->lines[1]) _mm_prefetch(plan->region[1] + (line - plan->lines[0]) * 64, _MM_HINT_T1);
}

__attribute__((target("avx2,fma")))
static void row_avx2(const float *pad, const int *offsets, int rows, int ow, int c, int f,
                     const float *dy, float *dk, const prefetch_plan *plan) {
    const int passes = (f / 32) * ((rows + BLOCK2 - 1) / BLOCK2);
    const size_t total = plan->lines[0] + plan->lines[1];
    const size_t per_pass = (total + (size_t)passes - 1) / (size_t)passes;
    size_t line = 0;
    for (int fc = 0; fc < f; fc += 32) {
        for (int r0 = 0; r0 < rows; r0 += BLOCK2) {
            __m256 a[BLOCK2][4];
            for (int j = 0; j < BLOCK2; j++) for (int k = 0; k < 4; k++) a[j][k] = _mm256_setzero_ps();
            const int *off = offsets + r0;
            const size_t pass_end = line + per_pass < total ? line + per_pass : total;
            for (int x = 0; x < ow; x++) {
                if (!(x & 1) && line < pass_end) prefetch_line(plan, line++);
                const float *g = dy + (size_t)x * f + fc;
                __m256 d0 = _mm256_loadu_ps(g), d1 = _mm256_loadu_ps(g + 8), d2 = _mm256_loadu_ps(g + 16), d3 = _mm256_loadu_ps(g + 24);
                const float *p = pad + (size_t)x * c;
                for (int j = 0; j < BLOCK2; j++) {
                    __m256 v = _mm256_broadcast_ss(p + off[j]);
                    a[j][0] = _mm256_fmadd_ps(d0, v, a[j][0]);
                    a[j][1] = _mm256_fmadd_ps(d1, v, a[j][1]);
                    a[j][2] = _mm256_fmadd_ps(d2, v, a[j][2]);
                    a[j][3] = _mm256_fmadd_ps(d3, v, a[j][3]);
                }
            }
            for (int j = 0; j < BLOCK2 && r0 + j < rows; j++) {
                float *o = dk + (size_t)(r0 + j) * f + fc;
                for (int k = 0; k < 4; k++) _mm256_storeu_ps(o + 8 * k, _mm256_add_ps(_mm256_loadu_ps(o + 8 * k), a[j][k]));
            }
        }
    }
}

// One output row's gradient, masked by the fused ReLU (dy where y > 0 or NaN, else 0; the bits
// of masking first) into `out` when y is given, and added per filter along the row into the
// bias: the row's sum in column order, then added to db, as the 512-bit path sums.
__attribute__((target("avx2,fma")))
static const float *mask_row_avx2(const float *dy, const float *y, int ow, int f, float *out, float *db) {
    const float *g = y ? out : dy;
    for (int fc = 0; fc < f; fc += 8) {
        __m256 b = _mm256_setzero_ps();
        for (int x = 0; x < ow; x++) {
            size_t i = (size_t)x * f + fc;
            __m256 d = _mm256_loadu_ps(dy + i);
            if (y) {
                d = _mm256_and_ps(d, _mm256_cmp_ps(_mm256_loadu_ps(y + i), _mm256_setzero_ps(), _CMP_NLE_UQ));
                _mm256_storeu_ps(out + i, d);
            }
            b = _mm256_add_ps(b, d);
        }
        _mm256_storeu_ps(db + fc, _mm256_add_ps(_mm256_loadu_ps(db + fc), b));
    }
    return g;
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
    if ((width != 512 && width != 256) || f % 32 != 0) return 0;
    const int block = width == 512 ? BLOCK : BLOCK2;
    const int rows = kh * kw * c;
    const int padded_rows = (rows + block - 1) / block * block;
    // Padded width: every window an output column reads, plus nothing beyond.
    const int pw = ow + kw - 1;
    const size_t row_len = (size_t)pw * c;
    // kh input rows, then one row of zeros that the block's spare rows read.
    float *pad = calloc((size_t)(kh + 1) * row_len, sizeof(float));
    int *offsets = malloc(sizeof(int) * (size_t)padded_rows);
    // The 256-bit path's masked gradient of one output row.
    float *masked = width == 256 && relu_y ? malloc(sizeof(float) * (size_t)ow * f) : NULL;
    if (!pad || !offsets || (width == 256 && relu_y && !masked)) { free(pad); free(offsets); free(masked); return -1; }
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
        else {
            prefetch_plan plan = {{NULL, NULL}, {0, 0}};
            if (oy + 1 < oh) {
                const size_t row_lines = (size_t)ow * f * sizeof(float) / 64;
                plan.region[0] = (const char *)(g + (size_t)ow * f);
                plan.lines[0] = row_lines;
                if (y) { plan.region[1] = (const char *)(y + (size_t)ow * f); plan.lines[1] = row_lines; }
            }
            row_avx2(pad, offsets, rows, ow, c, f, mask_row_avx2(g, y, ow, f, masked, db), dk, &plan);
        }
    }
    free(pad);
    free(offsets);
    free(masked);
    return 1;
#else
    (void)width; (void)x; (void)dy; (void)relu_y; (void)h; (void)w; (void)c; (void)kh; (void)kw; (void)f;
    (void)pad_top; (void)pad_left; (void)oh; (void)ow; (void)dk; (void)db;
    return 0;
#endif
}
