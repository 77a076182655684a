// The transforms of Winograd's F(4x4, 3x3) convolution on channels-last tensors, eight
// channels at a time in 256-bit vectors: see include/CKernels.h for the layouts. The
// products between transforms (36 matrix products per pass) are oneDNN's; this file only
// moves each 6x6 input tile, 3x3 kernel and 4x4 output tile into and out of the transformed
// domain, for the forward pass and for its two gradients.
//
// Why here and not oneDNN: oneDNN 2.6.3 has Winograd convolutions for AVX-512 only
// (`jit_wino_4x3`); on an AVX2 CPU it offers direct convolution alone, which does 2.25 times
// the multiplications F(4x4, 3x3) does.
//
// The matrices (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015),
// for correlation y[i] = sum_k d[i + k] g[k], interpolation points 0, 1, -1, 2, -2 and infinity:
//
//   B^T = [ 4  0 -5  0  1  0 ]    G = [  1/4     0     0  ]    A^T = [ 1  1  1  1  1  0 ]
//         [ 0 -4 -4  1  1  0 ]        [ -1/6  -1/6  -1/6  ]          [ 0  1 -1  2 -2  0 ]
//         [ 0  4 -4 -1  1  0 ]        [ -1/6   1/6  -1/6  ]          [ 0  1  1  4  4  0 ]
//         [ 0 -2 -1  2  1  0 ]        [ 1/24  1/12   1/6  ]          [ 0  1 -1  8 -8  1 ]
//         [ 0  2 -1 -2  1  0 ]        [ 1/24 -1/12   1/6  ]
//         [ 0  4  0 -5  0  1 ]        [   0     0     1   ]
//
//   Y = A^T [ (G g G^T) (.) (B^T d B) ] A
//
// and the gradients are the adjoints of each step: dM = A dY A^T, dd = B dV B^T,
// dg = G^T dU G. Every sum is in an order fixed by the shapes, so results are the same bits
// run after run and whichever thread runs a tile row.

#include "CKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

typedef __m256 v8;

#define AVX2 __attribute__((target("avx2,fma")))

// Lanes [0, n) of eight, as a mask for maskload/maskstore.
AVX2 static inline __m256i lanes(int n) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), index);
}

AVX2 static inline v8 load(const float *p, int n, __m256i mask) {
    return n == 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask);
}

AVX2 static inline void store(float *p, v8 v, int n, __m256i mask) {
    if (n == 8) _mm256_storeu_ps(p, v); else _mm256_maskstore_ps(p, mask, v);
}

#define ADD _mm256_add_ps
#define SUB _mm256_sub_ps
#define MUL _mm256_mul_ps
#define SET _mm256_set1_ps

// v = B^T d for six values at stride `s` (in vectors) into six at stride `t`.
AVX2 static inline void input_1d(const v8 *d, int s, v8 *v, int t) {
    v8 d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s];
    v8 four = SET(4), five = SET(5), two = SET(2);
    v8 a = SUB(d4, MUL(four, d2));   // d4 - 4 d2
    v8 b = SUB(d3, MUL(four, d1));   // d3 - 4 d1
    v8 c = SUB(d4, d2);              // d4 - d2
    v8 e = MUL(two, SUB(d3, d1));    // 2 (d3 - d1)
    v[0] = ADD(SUB(MUL(four, d0), MUL(five, d2)), d4);
    v[t] = ADD(a, b);
    v[2 * t] = SUB(a, b);
    v[3 * t] = ADD(c, e);
    v[4 * t] = SUB(c, e);
    v[5 * t] = ADD(SUB(MUL(four, d1), MUL(five, d3)), d5);
}

// y = A^T m: six values at stride `s` into four at stride `t`.
AVX2 static inline void output_1d(const v8 *m, int s, v8 *y, int t) {
    v8 m0 = m[0], m1 = m[s], m2 = m[2 * s], m3 = m[3 * s], m4 = m[4 * s], m5 = m[5 * s];
    v8 p12 = ADD(m1, m2), n12 = SUB(m1, m2), p34 = ADD(m3, m4), n34 = SUB(m3, m4);
    y[0] = ADD(ADD(m0, p12), p34);
    y[t] = ADD(n12, MUL(SET(2), n34));
    y[2 * t] = ADD(p12, MUL(SET(4), p34));
    y[3 * t] = ADD(ADD(n12, MUL(SET(8), n34)), m5);
}

// dm = A dy: four values at stride `s` into six at stride `t` (the adjoint of output_1d).
AVX2 static inline void output_gradient_1d(const v8 *y, int s, v8 *m, int t) {
    v8 y0 = y[0], y1 = y[s], y2 = y[2 * s], y3 = y[3 * s];
    v8 p02 = ADD(y0, y2), p13 = ADD(y1, y3);
    v8 q02 = ADD(y0, MUL(SET(4), y2)), q13 = ADD(MUL(SET(2), y1), MUL(SET(8), y3));
    m[0] = y0;
    m[t] = ADD(p02, p13);
    m[2 * t] = SUB(p02, p13);
    m[3 * t] = ADD(q02, q13);
    m[4 * t] = SUB(q02, q13);
    m[5 * t] = y3;
}

// dd = B dv: six values at stride `s` into six at stride `t` (the adjoint of input_1d).
AVX2 static inline void input_gradient_1d(const v8 *v, int s, v8 *d, int t) {
    v8 v0 = v[0], v1 = v[s], v2 = v[2 * s], v3 = v[3 * s], v4 = v[4 * s], v5 = v[5 * s];
    v8 four = SET(4), five = SET(5), two = SET(2);
    v8 p12 = ADD(v1, v2), n21 = SUB(v2, v1), p34 = ADD(v3, v4), n43 = SUB(v4, v3);
    d[0] = MUL(four, v0);
    d[t] = ADD(ADD(MUL(four, n21), MUL(two, n43)), MUL(four, v5));
    d[2 * t] = SUB(SUB(SUB(SET(0), MUL(five, v0)), MUL(four, p12)), p34);
    d[3 * t] = SUB(SUB(SUB(SET(0), n21), MUL(two, n43)), MUL(five, v5));
    d[4 * t] = ADD(ADD(v0, p12), p34);
    d[5 * t] = v5;
}

int cnn_winograd_available(void) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// Where tile row r (of n * th) starts: its image and its first output row.
#define TILE_ROW(r) int img = (r) / th, ty = (r) % th

AVX2 void cnn_winograd_input(const float *x, int h, int w, int c, int pad_top, int pad_left,
                             int th, int tw, int r0, int r1, size_t ts, size_t ps, float *v) {
    for (int r = r0; r < r1; r++) {
        TILE_ROW(r);
        const float *image = x + (size_t)img * h * w * c;
        for (int tx = 0; tx < tw; tx++) {
            float *out = v + ((size_t)r * tw + tx) * ts;
            int y0 = 4 * ty - pad_top, x0 = 4 * tx - pad_left;
            for (int cb = 0; cb < c; cb += 8) {
                int n = c - cb < 8 ? c - cb : 8;
                __m256i mask = lanes(n);
                v8 d[36], t[36];
                for (int i = 0; i < 6; i++) {
                    int iy = y0 + i;
                    for (int j = 0; j < 6; j++) {
                        int ix = x0 + j;
                        d[i * 6 + j] = (iy >= 0 && iy < h && ix >= 0 && ix < w)
                            ? load(image + ((size_t)iy * w + ix) * c + cb, n, mask) : _mm256_setzero_ps();
                    }
                }
                for (int j = 0; j < 6; j++) input_1d(d + j, 6, t + j, 6);      // columns: B^T d
                for (int i = 0; i < 6; i++) input_1d(t + i * 6, 1, d + i * 6, 1); // rows: (B^T d) B
                for (int k = 0; k < 36; k++) store(out + (size_t)k * ps + cb, d[k], n, mask);
            }
        }
    }
}

AVX2 void cnn_winograd_output(const float *m, const float *bias, int relu, int oh, int ow, int f,
                              int th, int tw, int r0, int r1, size_t ts, size_t ps, float *y) {
    for (int r = r0; r < r1; r++) {
        TILE_ROW(r);
        float *image = y + (size_t)img * oh * ow * f;
        for (int tx = 0; tx < tw; tx++) {
            const float *in = m + ((size_t)r * tw + tx) * ts;
            int y0 = 4 * ty, x0 = 4 * tx;
            for (int fb = 0; fb < f; fb += 8) {
                int n = f - fb < 8 ? f - fb : 8;
                __m256i mask = lanes(n);
                v8 a[36], t[24], o[16];
                for (int k = 0; k < 36; k++) a[k] = load(in + (size_t)k * ps + fb, n, mask);
                for (int j = 0; j < 6; j++) output_1d(a + j, 6, t + j, 6);      // columns: A^T M (4 x 6)
                for (int i = 0; i < 4; i++) output_1d(t + i * 6, 1, o + i * 4, 1); // rows: (A^T M) A
                v8 b = bias ? load(bias + fb, n, mask) : _mm256_setzero_ps();
                for (int i = 0; i < 4 && y0 + i < oh; i++) {
                    for (int j = 0; j < 4 && x0 + j < ow; j++) {
                        v8 value = ADD(o[i * 4 + j], b);
                        if (relu) value = _mm256_max_ps(value, _mm256_setzero_ps());
                        store(image + ((size_t)(y0 + i) * ow + x0 + j) * f + fb, value, n, mask);
                    }
                }
            }
        }
    }
}

AVX2 void cnn_winograd_output_gradient(const float *dy, const float *relu_y, int oh, int ow, int f,
                                       int th, int tw, int r0, int r1, size_t ts, size_t ps, float *dm, float *db_rows) {
    for (int r = r0; r < r1; r++) {
        TILE_ROW(r);
        size_t base = (size_t)img * oh * ow * f;
        for (int fb = 0; fb < f; fb += 8) {
            int n = f - fb < 8 ? f - fb : 8;
            __m256i mask = lanes(n);
            v8 sum = _mm256_setzero_ps();
            for (int tx = 0; tx < tw; tx++) {
                float *out = dm + ((size_t)r * tw + tx) * ts;
                int y0 = 4 * ty, x0 = 4 * tx;
                v8 g[16], t[24], a[36];
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        v8 value = _mm256_setzero_ps();
                        if (y0 + i < oh && x0 + j < ow) {
                            size_t at = base + ((size_t)(y0 + i) * ow + x0 + j) * f + fb;
                            value = load(dy + at, n, mask);
                            if (relu_y) {
                                // The engine's ReLU gradient: dy where y > 0 or y is NaN.
                                v8 keep = _mm256_cmp_ps(load(relu_y + at, n, mask), _mm256_setzero_ps(), _CMP_NLE_UQ);
                                value = _mm256_and_ps(value, keep);
                            }
                            sum = ADD(sum, value);
                        }
                        g[i * 4 + j] = value;
                    }
                }
                for (int j = 0; j < 4; j++) output_gradient_1d(g + j, 4, t + j, 4);   // columns: A dY (6 x 4)
                for (int i = 0; i < 6; i++) output_gradient_1d(t + i * 4, 1, a + i * 6, 1); // rows: (A dY) A^T
                for (int k = 0; k < 36; k++) store(out + (size_t)k * ps + fb, a[k], n, mask);
            }
            if (db_rows) store(db_rows + (size_t)r * f + fb, sum, n, mask);
        }
    }
}

AVX2 void cnn_winograd_input_gradient(const float *dv, int h, int w, int c, int pad_top, int pad_left,
                                      int th, int tw, int r0, int r1, size_t ts, size_t ps, int parity, float *dx) {
    for (int r = r0; r < r1; r++) {
        TILE_ROW(r);
        if (ty % 2 != parity) continue;
        float *image = dx + (size_t)img * h * w * c;
        for (int tx = 0; tx < tw; tx++) {
            const float *in = dv + ((size_t)r * tw + tx) * ts;
            int y0 = 4 * ty - pad_top, x0 = 4 * tx - pad_left;
            for (int cb = 0; cb < c; cb += 8) {
                int n = c - cb < 8 ? c - cb : 8;
                __m256i mask = lanes(n);
                v8 a[36], t[36];
                for (int k = 0; k < 36; k++) a[k] = load(in + (size_t)k * ps + cb, n, mask);
                for (int j = 0; j < 6; j++) input_gradient_1d(a + j, 6, t + j, 6);
                for (int i = 0; i < 6; i++) input_gradient_1d(t + i * 6, 1, a + i * 6, 1);
                for (int i = 0; i < 6; i++) {
                    int iy = y0 + i;
                    if (iy < 0 || iy >= h) continue;
                    for (int j = 0; j < 6; j++) {
                        int ix = x0 + j;
                        if (ix < 0 || ix >= w) continue;
                        float *p = image + ((size_t)iy * w + ix) * c + cb;
                        store(p, ADD(load(p, n, mask), a[i * 6 + j]), n, mask);
                    }
                }
            }
        }
    }
}

// u = G g: three values at stride `s` into six at stride `t`.
AVX2 static inline void kernel_1d(const v8 *g, int s, v8 *u, int t) {
    v8 g0 = g[0], g1 = g[s], g2 = g[2 * s];
    v8 p = ADD(g0, g2), q = ADD(MUL(SET(1.0f / 24), g0), MUL(SET(1.0f / 6), g2)), r = MUL(SET(1.0f / 12), g1);
    u[0] = MUL(SET(0.25f), g0);
    u[t] = MUL(SET(-1.0f / 6), ADD(p, g1));
    u[2 * t] = MUL(SET(-1.0f / 6), SUB(p, g1));
    u[3 * t] = ADD(q, r);
    u[4 * t] = SUB(q, r);
    u[5 * t] = g2;
}

// dg = G^T du: six values at stride `s` into three at stride `t` (the adjoint of kernel_1d).
AVX2 static inline void kernel_gradient_1d(const v8 *u, int s, v8 *g, int t) {
    v8 p12 = ADD(u[s], u[2 * s]), n21 = SUB(u[2 * s], u[s]), p34 = ADD(u[3 * s], u[4 * s]), n34 = SUB(u[3 * s], u[4 * s]);
    g[0] = ADD(SUB(MUL(SET(0.25f), u[0]), MUL(SET(1.0f / 6), p12)), MUL(SET(1.0f / 24), p34));
    g[t] = ADD(MUL(SET(1.0f / 6), n21), MUL(SET(1.0f / 12), n34));
    g[2 * t] = ADD(MUL(SET(1.0f / 6), SUB(p34, p12)), u[5 * s]);
}

typedef void (*transform_1d)(const v8 *, int, v8 *, int);

// A separable 2-D transform of every element of a plane of `plane` values, eight at a time:
// `in_n` x `in_n` points of `src` (point k at src + k * plane) through `pass` along columns,
// then rows, into `out_n` x `out_n` points of `dst`.
AVX2 __attribute__((always_inline)) static inline void plane_transform(const float *src, int in_n, float *dst, int out_n,
                                                                        size_t plane, transform_1d pass) {
    for (size_t e = 0; e < plane; e += 8) {
        int n = plane - e < 8 ? (int)(plane - e) : 8;
        __m256i mask = lanes(n);
        v8 a[36], t[36], o[36];
        for (int i = 0; i < in_n * in_n; i++) a[i] = load(src + (size_t)i * plane + e, n, mask);
        for (int j = 0; j < in_n; j++) pass(a + j, in_n, t + j, in_n);                // columns
        for (int i = 0; i < out_n; i++) pass(t + i * in_n, 1, o + i * out_n, 1);       // rows
        for (int i = 0; i < out_n * out_n; i++) store(dst + (size_t)i * plane + e, o[i], n, mask);
    }
}

AVX2 void cnn_winograd_kernel(const float *g, int c, int f, float *u) {
    plane_transform(g, 3, u, 6, (size_t)c * f, kernel_1d);                 // G g G^T
}

AVX2 void cnn_winograd_kernel_gradient(const float *du, int c, int f, float *dg) {
    plane_transform(du, 6, dg, 3, (size_t)c * f, kernel_gradient_1d);      // G^T dU G
}

#endif
