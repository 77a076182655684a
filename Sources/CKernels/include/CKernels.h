// Kernels in C, for the few loops Swift cannot vectorise well on a baseline x86-64 build.
//
// Direct convolution kernels for thin inputs (few input channels, as a network's first layer),
// in AVX2 + FMA, chosen at run time: on a CPU without them `cnn_direct_conv_available` is 0
// and the engine keeps to im2col + OpenBLAS.
//
// Layout as the engine's: input x (N,H,W,C), kernel (KH,KW,C,F) read as a (KH*KW*C, F) matrix,
// output y (N,OH,OW,F), all row-major floats. An output row r is image r / OH, row r % OH.
#ifndef CNN_CONV_KERNELS_H
#define CNN_CONV_KERNELS_H

#include <stddef.h>

/// The geometry of one convolution (the engine's WindowGeometry, plus channel counts).
typedef struct {
    int height, width, channels;             // input H, W, C
    int kernel_height, kernel_width, filters; // KH, KW, F (F a multiple of 8)
    int out_height, out_width;               // OH, OW
    int stride_y, stride_x, dilation_y, dilation_x;
    int pad_top, pad_left;                   // cells of padding before row 0 / column 0
} cnn_conv_geometry;

/// Largest window (KH*KW*C) the kernels take; larger ones return without computing.
#define CNN_DIRECT_CONV_MAX_WINDOW 64

/// 1 when this CPU has AVX2 and FMA (the kernels below may run), else 0.
int cnn_direct_conv_available(void);

/// Floats of scratch one forward call needs: room for one output row's windows, packed
/// (OW * KH*KW*C) or as KH padded input rows.
size_t cnn_direct_conv_scratch(const cnn_conv_geometry *g);

/// y rows [row0, row1) = bias + windows * kernel, then max(., 0) when `relu` (NaN stays NaN,
/// -0 becomes +0). Each output is bias (or 0) plus its KH*KW*C products, added in window
/// order (ky, kx, c) by fused multiply-adds. `bias` may be NULL. `y` points at row 0.
/// When `keep` is not NULL, bit e % 8 of keep[e / 8] is set where output e is kept by ReLU
/// (its sum is not <= 0): the ReLU gradient mask, 32 times smaller than y. With `stream`, y is
/// written with non-temporal stores (for outputs far larger than the caches; same values).
void cnn_direct_conv_forward(const cnn_conv_geometry *g, const float *x, const float *kernel,
                             const float *bias, int relu, int row0, int row1,
                             float *y, unsigned char *keep, int stream, float *scratch);

/// Floats of scratch `cnn_direct_conv_backward` needs: `cnn_direct_conv_scratch` and one output
/// row of gradients (OW * F).
size_t cnn_direct_conv_backward_scratch(const cnn_conv_geometry *g);

/// The kernel and bias gradients over output rows [row0, row1) in one pass over dy (`dy`
/// points at row 0). Each row's dy is first masked by the fused ReLU's `keep` bits from the
/// forward pass when not NULL (dy becomes +0 where ReLU dropped the output: the engine's ReLU
/// gradient); then dk (KH*KW*C, F) += windows^T * dy, each element adding its products pixel
/// by pixel in row order by fused multiply-adds, and, when `db` is not NULL,
/// db[j] += (the row's F-channel sums, added pixel by pixel in float), in double.
void cnn_direct_conv_backward(const cnn_conv_geometry *g, const float *x, const float *dy,
                              const unsigned char *keep, int row0, int row1,
                              float *dk, double *db, float *scratch);

/// Adam's update of elements [0, n) (Keras' rule, as the engine's plain loop, the same bits):
/// m += (g - m) * c1; v += (g*g - v) * c2; w -= alpha * m / (sqrt(v) + eps),
/// with c1 = 1 - beta1, c2 = 1 - beta2 and alpha the bias-corrected learning rate.
void cnn_adam_update(float *m, float *v, float *w, const float *g, size_t n,
                     float c1, float c2, float alpha, float eps);

#endif
