// Kernels in C, for the few loops Swift cannot write well on a baseline x86-64 build: Adam's
// vector square roots, the FMA loop that measures the machine's peak for `cnnlearn bench`,
// the kernel gradient of a thin-input convolution (where oneDNN idles most lanes), and the
// tile transforms of Winograd's F(4x4, 3x3) on AVX2 (where oneDNN has no Winograd).
// All choose their instructions at run time (per-function target attributes and
// __builtin_cpu_supports), so the rest of the build stays baseline x86-64.
#ifndef CNN_KERNELS_H
#define CNN_KERNELS_H

#include <stddef.h>

/// Adam's update of elements [0, n) (Keras' rule, as the engine's plain loop, the same bits):
/// m += (g - m) * c1; v += (g*g - v) * c2; w -= alpha * m / (sqrt(v) + eps),
/// with c1 = 1 - beta1, c2 = 1 - beta2 and alpha the bias-corrected learning rate.
void cnn_adam_update(float *m, float *v, float *w, const float *g, size_t n,
                     float c1, float c2, float alpha, float eps);

/// The widest vector unit the FMA peak loop uses on this CPU: 512 (AVX-512F), 256 (AVX2 +
/// FMA) or 0 (neither: no FMA loop).
int cnn_fma_width(void);

/// Runs `iterations` rounds of independent single-precision fused multiply-add chains (16 at 512 bits, 12 at 256) on
/// the widest vector unit (`cnn_fma_width`) and returns the FLOPs done (2 per lane per FMA);
/// the sum of the chains goes to `sink` so the work cannot be dropped. 0 when there is no FMA.
double cnn_fma_loop(long iterations, float *sink);

/// The vector width the thin-input kernel gradient runs at: 512 (AVX-512F) or 256 (AVX2 +
/// FMA), at most `wanted`; 0 when the CPU has neither.
int cnn_thin_kernel_gradient_width(int wanted);

/// The kernel and bias gradients of one image's stride-1, undilated convolution:
/// x (h, w, c), dy (oh, ow, f) -> dk (kh, kw, c, f), db (f), both overwritten. With `relu_y`
/// (the fused ReLU's output, laid out as dy; or NULL) dy counts only where relu_y > 0 (or is
/// NaN), the engine's ReLU gradient, applied as dy is read. Made for thin
/// inputs (few channels: every window value is broadcast against the filters' gradients);
/// `f` must be a multiple of 32. Returns 1 when done,
/// 0 when the width or `f` does not fit (nothing written), -1 when memory ran out.
int cnn_thin_kernel_gradient(int width, const float *x, const float *dy, const float *relu_y, int h, int w,
                             int c, int kh, int kw, int f, int pad_top, int pad_left, int oh, int ow,
                             float *dk, float *db);

/// Winograd F(4x4, 3x3) transforms (Winograd.c), for a 3x3 convolution at stride 1 without
/// dilation on channels-last tensors. Output tiles are 4x4: th = ceil(oh / 4) rows of
/// tw = ceil(ow / 4) per image, tile t = (image * th + ty) * tw + tx, and "tile row" r =
/// image * th + ty; each call does tile rows [r0, r1), so callers split rows over threads.
/// Transformed inputs v, outputs and output gradients m: point k (= 6i + j) of tile t at
/// t * ts + k * ps (then the channel), so (tiles, 36, c) has ts = 36c, ps = c, and
/// (36, tiles, c) ts = c, ps = tiles * c. Transformed kernel u: (36, c, f).
/// Whether the CPU has the AVX2 + FMA the tile transforms need.
int cnn_winograd_available(void);

/// v = B^T d B of each 6x6 input tile of x (n, h, w, c), zero outside the image: tile (ty, tx)
/// reads rows 4ty - pad_top .. +5 and columns 4tx - pad_left .. +5.
void cnn_winograd_input(const float *x, int h, int w, int c, int pad_top, int pad_left,
                        int th, int tw, int r0, int r1, size_t ts, size_t ps, float *v);

/// y (n, oh, ow, f) = A^T m A (+ bias, then max(., 0) when relu) for each tile, cut at the
/// output's edge.
void cnn_winograd_output(const float *m, const float *bias, int relu, int oh, int ow, int f,
                         int th, int tw, int r0, int r1, size_t ts, size_t ps, float *y);

/// m = A dY A^T of each 4x4 tile of dy (n, oh, ow, f), zero beyond the output's edge; with
/// relu_y (the fused ReLU's output, as dy; or NULL) dy counts only where relu_y > 0 or is NaN.
/// With db_rows, each tile row's sum of (masked) dy goes to db_rows[r * f ...].
void cnn_winograd_output_gradient(const float *dy, const float *relu_y, int oh, int ow, int f,
                                  int th, int tw, int r0, int r1, size_t ts, size_t ps, float *dm, float *db_rows);

/// dx (n, h, w, c) += B dv B^T of each tile in the tile rows of [r0, r1) whose ty % 2 is
/// `parity` (rows of one parity never overlap, so they can run at once).
void cnn_winograd_input_gradient(const float *dv, int h, int w, int c, int pad_top, int pad_left,
                                 int th, int tw, int r0, int r1, size_t ts, size_t ps, int parity, float *dx);

/// u = G g G^T for every channel pair of the kernel g (3, 3, c, f).
void cnn_winograd_kernel(const float *g, int c, int f, float *u);

/// dg (3, 3, c, f) = G^T du G: the kernel gradient from the transformed one.
void cnn_winograd_kernel_gradient(const float *du, int c, int f, float *dg);

#endif
