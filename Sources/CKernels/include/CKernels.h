// Kernels in C, for the few loops Swift cannot write well on a baseline x86-64 build: Adam's
// vector square roots, and the FMA loop that measures the machine's peak for `cnnlearn bench`.
// Both choose their instructions at run time (per-function target attributes and
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

/// Runs `iterations` rounds of 16 independent single-precision fused multiply-add chains on
/// the widest vector unit (`cnn_fma_width`) and returns the FLOPs done (2 per lane per FMA);
/// the sum of the chains goes to `sink` so the work cannot be dropped. 0 when there is no FMA.
double cnn_fma_loop(long iterations, float *sink);

#endif
