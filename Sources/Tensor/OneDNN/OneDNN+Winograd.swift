import CDNNL

/// Winograd convolution F(4x4, 3x3) through oneDNN (`jit_wino_4x3`, AVX-512 only) for the 3x3
/// layers where it pays: it computes each 4x4 block of outputs from a 6x6 block of inputs
/// with 36 products per channel pair instead of 144, forward, backward data and backward
/// weights alike.
///
/// Its primitives want blocked activations (`nChw16c`), so each call reorders its inputs from
/// channels-last and its outputs back; `convolutionBackward` reorders the output gradient
/// once for both gradients. Measured on an Intel Xeon (family 6 model 207, AVX-512, quiet) at
/// the tutorial's batch 32, forward + backward data + backward weights with those reorders
/// counted: conv_2 (75x75, 32 -> 64) 52 ms against 113 for oneDNN's direct kernels on
/// `nhwc`, conv_3 (37x37, 64 -> 128) 61 against 104, conv_4 (18x18, 128 -> 128) 22 against
/// 42. Below 16x16 outputs the reorders and the tile padding eat the gain (`suitsWinograd`).
///
/// Accuracy: the transforms' constants (up to 5.25 in F(4x4, 3x3)) make its rounding error
/// larger than a direct sum's; `winogradTolerance` names the bound the tests hold it to
/// against the Double reference. Lessons never see it: they run the plain loops.
///
/// Where oneDNN has no Winograd implementation (a CPU without AVX-512, ONEDNN_MAX_CPU_ISA=AVX2)
/// the primitive is declined once, and the engine's own Winograd (`Winograd4x3`: AVX2 tile
/// transforms around oneDNN's matrix products) runs where it applies, else the direct kernels.
extension OneDNN {
    /// The error bound the tests hold Winograd results to, per unit of the inputs' magnitude
    /// times the number of terms summed (the direct kernels are held to 1e-5).
    public static let winogradTolerance = 1e-4

    /// The numbers of a Winograd primitive's key: the direct key and a marker.
    static func winogradKey(_ conv: Convolution) -> [Int] { conv.key + [4, 3] }

    /// The Winograd forward primitive (with the fused bias and ReLU), or nil where oneDNN has
    /// none for this shape or CPU.
    static func winogradForward(_ ctx: Context, _ conv: Convolution, bias hasBias: Bool, relu: Bool) -> Primitive? {
        optionalPrimitive(ctx, Key(kind: .convForward(bias: hasBias, relu: relu), numbers: winogradKey(conv))) {
            let any = md([conv.n, conv.c, conv.g.inputHeight, conv.g.inputWidth], dnnl_format_tag_any)
            let anyDst = md([conv.n, conv.f, conv.g.outputHeight, conv.g.outputWidth], dnnl_format_tag_any)
            var (s, w, d, b) = (any, conv.anyWeights, anyDst, conv.bias)
            var desc = dnnl_convolution_desc_t()
            let status = withUnsafePointer(to: &b) { bp in
                dnnl_convolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_convolution_winograd, &s, &w,
                                                   hasBias ? bp : nil, &d, conv.strides, conv.padBefore, conv.padAfter)
            }
            guard status == dnnl_success else { return nil }
            var attr: dnnl_primitive_attr_t?
            check(dnnl_primitive_attr_create(&attr), "making attributes")
            defer { dnnl_primitive_attr_destroy(attr) }
            if relu {
                var ops: dnnl_post_ops_t?
                check(dnnl_post_ops_create(&ops), "making post-ops")
                defer { dnnl_post_ops_destroy(ops) }
                check(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0), "appending ReLU")
                check(dnnl_primitive_attr_set_post_ops(attr, ops), "setting post-ops")
            }
            return describeIfSupported(ctx, &desc, attr: attr)
        }
    }

    /// y = conv(x, k) + bias (then ReLU) by Winograd; false (nothing written) where oneDNN
    /// has no Winograd primitive for it.
    static func winogradConvolutionForward(_ conv: Convolution, x: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
                                           bias: UnsafePointer<Float>?, relu: Bool, y: UnsafeMutablePointer<Float>) -> Bool {
        withContext(work: conv.work) { ctx in
            guard let p = winogradForward(ctx, conv, bias: bias != nil, relu: relu) else { return false }
            let (srcMD, dstMD, wMD) = (p.md(dnnl_query_src_md), p.md(dnnl_query_dst_md), p.md(dnnl_query_weights_md))
            withLayout(ctx, x, conv.src, srcMD) { xs in
                withLayout(ctx, kernel, conv.userWeights, wMD) { w in
                    withScratch(dstMD) { ys in
                        var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer?)] = [
                            (CNN_DNNL_ARG_SRC, srcMD, xs), (CNN_DNNL_ARG_WEIGHTS, wMD, w), (CNN_DNNL_ARG_DST, dstMD, ys),
                        ]
                        if let bias { args.append((CNN_DNNL_ARG_BIAS, conv.bias, UnsafeMutableRawPointer(mutating: bias))) }
                        execute(ctx, p, args)
                        reorder(ctx, dstMD, ys, conv.dst, UnsafeMutableRawPointer(y))
                    }
                }
            }
            return true
        }
    }

    /// The gradients of a convolution by Winograd, from one reorder of dy: dx when `dx` is
    /// given, dK when `dk` is, dbias when `db` is. False (nothing written) where oneDNN has no
    /// Winograd primitives for it.
    static func winogradConvolutionBackward(_ conv: Convolution, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                            kernel: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                                            dk: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?) -> Bool {
        withContext(work: conv.work) { ctx in
            let hasBias = db != nil
            guard let hint = winogradForward(ctx, conv, bias: hasBias, relu: false) else { return false }
            let (srcMD, dstMD) = (hint.md(dnnl_query_src_md), hint.md(dnnl_query_dst_md))
            let numbers = winogradKey(conv)
            let data: Primitive? = dx == nil ? nil : optionalPrimitive(ctx, Key(kind: .convBackwardData, numbers: numbers)) {
                var (s, w, d) = (srcMD, conv.anyWeights, dstMD)
                var desc = dnnl_convolution_desc_t()
                guard dnnl_convolution_backward_data_desc_init(&desc, dnnl_convolution_winograd, &s, &w, &d, conv.strides,
                                                               conv.padBefore, conv.padAfter) == dnnl_success else { return nil }
                return describeIfSupported(ctx, &desc, hint: hint.pd)
            }
            let weights: Primitive? = dk == nil && db == nil ? nil
                : optionalPrimitive(ctx, Key(kind: .convBackwardWeights(bias: hasBias), numbers: numbers)) {
                var (s, w, d, b) = (srcMD, conv.anyWeights, dstMD, conv.bias)
                var desc = dnnl_convolution_desc_t()
                let status = withUnsafePointer(to: &b) { bp in
                    dnnl_convolution_backward_weights_desc_init(&desc, dnnl_convolution_winograd, &s, &w, hasBias ? bp : nil, &d,
                                                                conv.strides, conv.padBefore, conv.padAfter)
                }
                guard status == dnnl_success else { return nil }
                return describeIfSupported(ctx, &desc, hint: hint.pd)
            }
            guard (dx == nil || data != nil), (dk == nil && db == nil) || weights != nil else { return false }
            withLayout(ctx, dy, conv.dst, dstMD) { dys in
                if let dx, let data {
                    let wMD = data.md(dnnl_query_weights_md)
                    withLayout(ctx, kernel, conv.userWeights, wMD) { w in
                        withScratch(srcMD) { dxs in
                            execute(ctx, data, [(CNN_DNNL_ARG_DIFF_DST, dstMD, dys), (CNN_DNNL_ARG_WEIGHTS, wMD, w),
                                                (CNN_DNNL_ARG_DIFF_SRC, srcMD, dxs)])
                            reorder(ctx, srcMD, dxs, conv.src, UnsafeMutableRawPointer(dx))
                        }
                    }
                }
                if let weights {
                    let dwMD = weights.md(dnnl_query_diff_weights_md)
                    withLayout(ctx, x, conv.src, srcMD) { xs in
                        withScratch(dwMD) { dws in
                            // A kernel gradient nobody asked for still needs somewhere to go.
                            var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer?)] = [
                                (CNN_DNNL_ARG_SRC, srcMD, xs), (CNN_DNNL_ARG_DIFF_DST, dstMD, dys),
                                (CNN_DNNL_ARG_DIFF_WEIGHTS, dwMD, dws),
                            ]
                            if let db { args.append((CNN_DNNL_ARG_DIFF_BIAS, conv.bias, UnsafeMutableRawPointer(db))) }
                            execute(ctx, weights, args)
                            if let dk { reorder(ctx, dwMD, dws, conv.userWeights, UnsafeMutableRawPointer(dk)) }
                        }
                    }
                }
            }
            return true
        }
    }
}

extension OneDNN.Convolution {
    /// Whether Winograd is worth trying: a 3x3 kernel at stride 1 without dilation, padding at
    /// most 1, channels and filters in whole 16-lane blocks (at least 32 of each), and outputs
    /// of at least 16x16 (see above).
    var suitsWinograd: Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideY == 1 && g.strideX == 1
            && g.dilationY == 1 && g.dilationX == 1
            && [g.padTop, g.padBottom, g.padLeft, g.padRight].allSatisfy { $0 <= 1 }
            && c >= 32 && f >= 32 && c % 16 == 0 && f % 16 == 0
            && g.outputHeight >= 16 && g.outputWidth >= 16
    }
}
