// Direct convolution for thin inputs: see include/CKernels.h.
//
// With K = KH*KW*C small (27 for a 3x3 kernel on RGB), im2col + sgemm spends more time packing
// and storing than multiplying. Here each output row reads its windows in place from a copy of
// the KH input rows under it, zero-padded (or, with a dilated x axis, from windows packed in a
// buffer that stays in L1/L2), and a register-blocked AVX2 kernel multiplies them: the forward
// pass keeps 2 pixels x 32 filters of sums in registers, the kernel gradient 3 window cells x
// 32 filters (12 of the 16 AVX registers: enough independent sums to hide the latency of a
// fused multiply-add, with each gradient vector loaded once for the three).
// Every function that uses AVX2 carries a target attribute, and the engine calls them only
// after `cnn_direct_conv_available()`, so the library runs on any x86-64 CPU.

#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define AVX2_FMA __attribute__((target("avx2,fma")))
#define INLINE_AVX2_FMA static inline __attribute__((always_inline, target("avx2,fma")))

int cnn_direct_conv_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/// The KH padded input rows one output row reads: (OW-1)*SX + KW columns of C floats each.
static size_t row_span(const cnn_conv_geometry *g) {
    return ((size_t)(g->out_width - 1) * g->stride_x + g->kernel_width) * g->channels;
}

size_t cnn_direct_conv_scratch(const cnn_conv_geometry *g) {
    const size_t k = (size_t)(g->kernel_height * g->kernel_width * g->channels);
    return (size_t)g->out_width * k + (size_t)g->kernel_height * row_span(g);
}

/// Where one output row's windows are: cell t of pixel p's window is base[p * step + off[t]].
typedef struct {
    const float *base;
    size_t step;
} windows;

/// Whether windows are read in place from padded input rows (dilation 1 along x) rather than
/// packed one by one.
static int in_place(const cnn_conv_geometry *g) { return g->dilation_x == 1; }

/// The offsets of the K window cells (ky, kx, c) from a pixel's base.
static void window_offsets(const cnn_conv_geometry *g, int *off) {
    const int c = g->channels, kw = g->kernel_width, k = g->kernel_height * kw * c;
    const size_t span = row_span(g);
    for (int t = 0; t < k; t++) off[t] = in_place(g) ? (int)((size_t)(t / (kw * c)) * span) + t % (kw * c) : t;
}

/// Output row (n, oy)'s windows in `scratch`. In place: the KH input rows it reads, each with
/// its zero padding, one after another, and a pixel's window starts SX*C floats after its left
/// neighbour's. Otherwise every window packed as OW rows of K floats in (ky, kx, c) order.
static windows row_windows(const cnn_conv_geometry *g, const float *x, int n, int oy, float *scratch) {
    const int c = g->channels, kh = g->kernel_height, kw = g->kernel_width;
    const int h = g->height, w = g->width;
    if (in_place(g)) {
        const size_t span = row_span(g);
        const int cols = (int)(span / (size_t)c);
        // Input columns [lo, hi) of the padded row are inside the image.
        const int lo = g->pad_left < cols ? g->pad_left : cols;
        const int hi = g->pad_left + w < cols ? g->pad_left + w : cols;
        for (int ky = 0; ky < kh; ky++) {
            float *dst = scratch + (size_t)ky * span;
            const int iy = oy * g->stride_y + ky * g->dilation_y - g->pad_top;
            if (iy < 0 || iy >= h || hi <= lo) {
                memset(dst, 0, sizeof(float) * span);
                continue;
            }
            memset(dst, 0, sizeof(float) * (size_t)lo * c);
            memcpy(dst + (size_t)lo * c, x + (((size_t)n * h + iy) * w + (size_t)(lo - g->pad_left)) * c,
                   sizeof(float) * (size_t)(hi - lo) * c);
            memset(dst + (size_t)hi * c, 0, sizeof(float) * (size_t)(cols - hi) * c);
        }
        return (windows){scratch, (size_t)g->stride_x * c};
    }
    float *dst = scratch;
    for (int ox = 0; ox < g->out_width; ox++) {
        const int x0 = ox * g->stride_x - g->pad_left;
        for (int ky = 0; ky < kh; ky++) {
            const int iy = oy * g->stride_y + ky * g->dilation_y - g->pad_top;
            // (Rows outside the image are never read: point at row 0 rather than past x.)
            const float *row = x + ((size_t)n * h + (iy < 0 || iy >= h ? 0 : iy)) * (size_t)w * c;
            for (int kx = 0; kx < kw; kx++) {
                const int ix = x0 + kx * g->dilation_x;
                const int out = iy < 0 || iy >= h || ix < 0 || ix >= w;
                for (int ch = 0; ch < c; ch++) dst[ch] = out ? 0.0f : row[(size_t)ix * c + ch];
                dst += c;
            }
        }
    }
    return (windows){scratch, (size_t)(kh * kw * c)};
}

/// max(v, 0) as the engine's ReLU: cells <= 0 become +0, NaN stays (an ordered compare is false).
INLINE_AVX2_FMA __m256 relu8(__m256 v) {
    return _mm256_andnot_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LE_OQ), v);
}

/// One bit per lane: 1 where ReLU keeps the lane (not v <= 0; NaN is kept), lane 0 lowest.
INLINE_AVX2_FMA int kept8(__m256 v) {
    return _mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_NLE_UQ));
}

/// The 8 lanes of a byte of `kept8` bits as a mask (all ones where kept).
INLINE_AVX2_FMA __m256 keep_mask8(unsigned char bits) {
    const __m256i lanes = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    const __m256i b = _mm256_and_si256(_mm256_set1_epi32(bits), lanes);
    return _mm256_castsi256_ps(_mm256_cmpeq_epi32(b, lanes));
}

/// Stores 8 floats at p (16-byte aligned when streaming). Streaming (non-temporal) stores skip
/// reading the destination's cache lines first: for an output far larger than the caches that
/// halves the memory traffic of the forward pass.
INLINE_AVX2_FMA void store8(float *p, __m256 v, int stream) {
    if (stream) {
        _mm_stream_ps(p, _mm256_castps256_ps128(v));
        _mm_stream_ps(p + 4, _mm256_extractf128_ps(v, 1));
    } else {
        _mm256_storeu_ps(p, v);
    }
}

/// NP (1 or 2) pixels, the first at `a` and the second `step` floats on, times NV*8 filters
/// of `kernel` (stride f), plus `bias`, into y (stride f).
INLINE_AVX2_FMA void forward_tile(const int np, const int nv, int k, int f, const float *a, size_t step,
                                  const int *off, const float *kernel, const float *bias, int relu, float *y,
                                  unsigned char *keep, int stream) {
    __m256 s0[4], s1[4];
    for (int v = 0; v < nv; v++) {
        s0[v] = bias ? _mm256_loadu_ps(bias + 8 * v) : _mm256_setzero_ps();
        s1[v] = s0[v];
    }
    const float *a1 = a + (np == 2 ? step : 0);
    for (int t = 0; t < k; t++) {
        const __m256 b0 = _mm256_broadcast_ss(a + off[t]);
        const __m256 b1 = _mm256_broadcast_ss(a1 + off[t]);
        for (int v = 0; v < nv; v++) {
            const __m256 kv = _mm256_loadu_ps(kernel + (size_t)t * f + 8 * v);
            s0[v] = _mm256_fmadd_ps(b0, kv, s0[v]);
            if (np == 2) s1[v] = _mm256_fmadd_ps(b1, kv, s1[v]);
        }
    }
    for (int v = 0; v < nv; v++) {
        store8(y + 8 * v, relu ? relu8(s0[v]) : s0[v], stream);
        if (np == 2) store8(y + f + 8 * v, relu ? relu8(s1[v]) : s1[v], stream);
        if (keep) {
            keep[v] = (unsigned char)kept8(s0[v]);
            if (np == 2) keep[f / 8 + v] = (unsigned char)kept8(s1[v]);
        }
    }
}

#define FORWARD_COLUMNS(NV)                                                                    \
    for (; ox + 2 <= ow; ox += 2)                                                              \
        forward_tile(2, NV, k, f, win.base + ox * win.step, win.step, off, kc, bc, relu,       \
                     yr + ox * f, kr ? kr + ox * f / 8 : NULL, stream);                        \
    if (ox < ow)                                                                               \
        forward_tile(1, NV, k, f, win.base + ox * win.step, win.step, off, kc, bc, relu,       \
                     yr + ox * f, kr ? kr + ox * f / 8 : NULL, stream);

AVX2_FMA void cnn_direct_conv_forward(const cnn_conv_geometry *g, const float *x, const float *kernel,
                                      const float *bias, int relu, int row0, int row1,
                                      float *y, unsigned char *keep, int stream, float *scratch) {
    const int k = g->kernel_height * g->kernel_width * g->channels, f = g->filters, ow = g->out_width;
    if (k > CNN_DIRECT_CONV_MAX_WINDOW) return;
    stream = stream && ((uintptr_t)y % 16) == 0;
    int off[CNN_DIRECT_CONV_MAX_WINDOW];
    window_offsets(g, off);
    for (int r = row0; r < row1; r++) {
        const windows win = row_windows(g, x, r / g->out_height, r % g->out_height, scratch);
        for (int cb = 0; cb < f; cb += 32) {
            const float *kc = kernel + cb, *bc = bias ? bias + cb : NULL;
            float *yr = y + (size_t)r * ow * f + cb;
            unsigned char *kr = keep ? keep + ((size_t)r * ow * f + cb) / 8 : NULL;
            size_t ox = 0;
            switch (f - cb >= 32 ? 4 : (f - cb) / 8) {
            case 4: FORWARD_COLUMNS(4) break;
            case 3: FORWARD_COLUMNS(3) break;
            case 2: FORWARD_COLUMNS(2) break;
            default: FORWARD_COLUMNS(1) break;
            }
        }
    }
    if (stream) _mm_sfence();
}

/// dk rows t..t+NT-1 (NT 1 to 3), NV*8 filters, += window cells t.. (at a0, a1, a2) of each
/// of `np` pixels (`step` floats apart) times that pixel's dy, pixel by pixel.
INLINE_AVX2_FMA void gradient_tile(const int nt, const int nv, int np, size_t step, int f, const float *a0,
                                   const float *a1, const float *a2, const float *dy, float *dk) {
    __m256 s0[4], s1[4], s2[4];
    for (int v = 0; v < nv; v++) {
        s0[v] = _mm256_loadu_ps(dk + 8 * v);
        s1[v] = nt >= 2 ? _mm256_loadu_ps(dk + f + 8 * v) : s0[v];
        s2[v] = nt >= 3 ? _mm256_loadu_ps(dk + 2 * f + 8 * v) : s0[v];
    }
    for (int p = 0; p < np; p++) {
        const float *gp = dy + (size_t)p * f;
        const __m256 b0 = _mm256_broadcast_ss(a0 + p * step);
        const __m256 b1 = _mm256_broadcast_ss(a1 + p * step);
        const __m256 b2 = _mm256_broadcast_ss(a2 + p * step);
        for (int v = 0; v < nv; v++) {
            const __m256 gv = _mm256_loadu_ps(gp + 8 * v);
            s0[v] = _mm256_fmadd_ps(b0, gv, s0[v]);
            if (nt >= 2) s1[v] = _mm256_fmadd_ps(b1, gv, s1[v]);
            if (nt >= 3) s2[v] = _mm256_fmadd_ps(b2, gv, s2[v]);
        }
    }
    for (int v = 0; v < nv; v++) {
        _mm256_storeu_ps(dk + 8 * v, s0[v]);
        if (nt >= 2) _mm256_storeu_ps(dk + f + 8 * v, s1[v]);
        if (nt >= 3) _mm256_storeu_ps(dk + 2 * f + 8 * v, s2[v]);
    }
}

/// Pixels the kernel gradient takes at a time: their windows and gradients stay in L1 while
/// every tile of dk passes over them.
enum { GRADIENT_BLOCK = 32 };

#define GRADIENT_ROWS(NV)                                                                      \
    for (; t + 3 <= k; t += 3)                                                                 \
        gradient_tile(3, NV, np, win.step, f, a + off[t], a + off[t + 1], a + off[t + 2], gr, dk + (size_t)t * f + cb); \
    if (k - t == 2) gradient_tile(2, NV, np, win.step, f, a + off[t], a + off[t + 1], a + off[t], gr, dk + (size_t)t * f + cb); \
    else if (k - t == 1) gradient_tile(1, NV, np, win.step, f, a + off[t], a + off[t], a + off[t], gr, dk + (size_t)t * f + cb);

/// dk += one output row's windows transposed times its gradients `dy` (OW, F), in blocks of
/// pixels (each dk element still adds its products in pixel order).
INLINE_AVX2_FMA void gradient_row(int ow, int k, int f, windows win, const int *off, const float *dy, float *dk) {
    for (int p0 = 0; p0 < ow; p0 += GRADIENT_BLOCK) {
        const int np = ow - p0 < GRADIENT_BLOCK ? ow - p0 : GRADIENT_BLOCK;
        const float *a = win.base + p0 * win.step, *dy0 = dy + (size_t)p0 * f;
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

size_t cnn_direct_conv_backward_scratch(const cnn_conv_geometry *g) {
    return cnn_direct_conv_scratch(g) + (size_t)g->out_width * (size_t)g->filters;
}

AVX2_FMA void cnn_direct_conv_backward(const cnn_conv_geometry *g, const float *x, const float *dy,
                                       const unsigned char *keep, int row0, int row1,
                                       float *dk, double *db, float *scratch) {
    const int k = g->kernel_height * g->kernel_width * g->channels, f = g->filters, ow = g->out_width;
    if (k > CNN_DIRECT_CONV_MAX_WINDOW) return;
    int off[CNN_DIRECT_CONV_MAX_WINDOW];
    window_offsets(g, off);
    float *masked = scratch + cnn_direct_conv_scratch(g);
    for (int r = row0; r < row1; r++) {
        const size_t base = (size_t)r * ow * f;
        const float *gr = dy + base;
        const unsigned char *kr = keep ? keep + base / 8 : NULL;
        if (keep || db) {
            // One pass over the row: mask dy by the keep bits, and sum each channel over the
            // row's pixels in order (up to 8 vectors of channels side by side).
            for (int j0 = 0; j0 < f; j0 += 64) {
                const int nv = (f - j0) / 8 < 8 ? (f - j0) / 8 : 8;
                __m256 s[8];
                for (int v = 0; v < nv; v++) s[v] = _mm256_setzero_ps();
                for (int p = 0; p < ow; p++) {
                    const size_t i = (size_t)p * f + j0;
                    for (int v = 0; v < nv; v++) {
                        __m256 d = _mm256_loadu_ps(gr + i + 8 * v);
                        if (kr) {
                            d = _mm256_and_ps(keep_mask8(kr[i / 8 + v]), d);
                            _mm256_storeu_ps(masked + i + 8 * v, d);
                        }
                        s[v] = _mm256_add_ps(s[v], d);
                    }
                }
                if (db) {
                    for (int v = 0; v < nv; v++) {
                        float lanes[8];
                        _mm256_storeu_ps(lanes, s[v]);
                        for (int e = 0; e < 8; e++) db[j0 + 8 * v + e] += (double)lanes[e];
                    }
                }
            }
            if (kr) gr = masked;
        }
        const windows win = row_windows(g, x, r / g->out_height, r % g->out_height, scratch);
        gradient_row(ow, k, f, win, off, gr, dk);
    }
}

#else
// Other architectures: no AVX2, so `cnn_direct_conv_available` is 0 and the engine never calls
// the kernels below (it keeps to im2col + OpenBLAS); they exist only so the package links.
int cnn_direct_conv_available(void) { return 0; }
size_t cnn_direct_conv_scratch(const cnn_conv_geometry *g) { (void)g; return 0; }
size_t cnn_direct_conv_backward_scratch(const cnn_conv_geometry *g) { (void)g; return 0; }
void cnn_direct_conv_forward(const cnn_conv_geometry *g, const float *x, const float *kernel, const float *bias,
                             int relu, int row0, int row1, float *y, unsigned char *keep, int stream, float *scratch) {
    (void)g; (void)x; (void)kernel; (void)bias; (void)relu; (void)row0; (void)row1; (void)y; (void)keep;
    (void)stream; (void)scratch;
}
void cnn_direct_conv_backward(const cnn_conv_geometry *g, const float *x, const float *dy, const unsigned char *keep,
                              int row0, int row1, float *dk, double *db, float *scratch) {
    (void)g; (void)x; (void)dy; (void)keep; (void)row0; (void)row1; (void)dk; (void)db; (void)scratch;
}
#endif
