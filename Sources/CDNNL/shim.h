/* oneDNN (Debian's libdnnl-dev, the OpenMP build): convolution, pooling and matrix products. */
#include <oneapi/dnnl/dnnl.h>

/* The execution-argument macros of dnnl_types.h as constants Swift can import. */
static const int CNN_DNNL_ARG_SRC = DNNL_ARG_SRC;
static const int CNN_DNNL_ARG_DST = DNNL_ARG_DST;
static const int CNN_DNNL_ARG_WEIGHTS = DNNL_ARG_WEIGHTS;
static const int CNN_DNNL_ARG_BIAS = DNNL_ARG_BIAS;
static const int CNN_DNNL_ARG_WORKSPACE = DNNL_ARG_WORKSPACE;
static const int CNN_DNNL_ARG_DIFF_SRC = DNNL_ARG_DIFF_SRC;
static const int CNN_DNNL_ARG_DIFF_DST = DNNL_ARG_DIFF_DST;
static const int CNN_DNNL_ARG_DIFF_WEIGHTS = DNNL_ARG_DIFF_WEIGHTS;
static const int CNN_DNNL_ARG_DIFF_BIAS = DNNL_ARG_DIFF_BIAS;
static const int CNN_DNNL_ARG_FROM = DNNL_ARG_FROM;
static const int CNN_DNNL_ARG_TO = DNNL_ARG_TO;
static const int CNN_DNNL_ARG_SCRATCHPAD = DNNL_ARG_SCRATCHPAD;
