import CKernels

/// The kernel gradient of a convolution on a thin input (at most 4 channels, stride 1, no
/// dilation: the tutorial model's first layer) by the engine's own C kernel
/// (`cnn_thin_kernel_gradient`, CKernels/ThinKernelGradient.c) instead of oneDNN, whose
/// backward-weights kernels leave most vector lanes idle on 3 channels.
///
/// Images are spread over the engine's threads whole, each into its own partial sums, which
/// are then added in image order: the same bits at any thread count. The vector width follows
/// oneDNN's (so `ONEDNN_MAX_CPU_ISA=AVX2` restricts this kernel too, as a laptop-class CPU).
enum ThinKernelGradient {
    /// 512 or 256 (bits), or 0 where neither AVX-512F nor AVX2 + FMA is allowed.
    static let width: Int = {
        let isa = OneDNN.effectiveISA
        let wanted = isa.hasPrefix("AVX-512") ? 512 : isa.hasPrefix("AVX2") ? 256 : 0
        return Int(cnn_thin_kernel_gradient_width(Int32(wanted)))
    }()

    static func applies(channels c: Int, filters f: Int, _ g: WindowGeometry) -> Bool {
        width > 0 && c <= 4 && f % 32 == 0
            && g.strideY == 1 && g.strideX == 1 && g.dilationY == 1 && g.dilationX == 1
    }

    /// x (N,H,W,C), dy (N,OH,OW,F) -> dK (KH,KW,C,F) and db (F); with `reluOutput` (the
    /// fused ReLU's output y, shaped as dy) the ReLU's gradient is applied to dy as it is read,
    /// with the bits of `LargeArray.reluGradient` first. Nil when the kernel declines (a width
    /// or filter count it was not made for, or no memory for its buffers).
    static func compute(_ x: Tensor<Float>, _ dy: Tensor<Float>, _ g: WindowGeometry,
                        reluOutput: Tensor<Float>? = nil) -> (kernel: Tensor<Float>, bias: Tensor<Float>)? {
        let (n, h, w, c, f) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], dy.shape[3])
        let rows = g.kernelHeight * g.kernelWidth * c
        let stride = rows * f + f
        var partials = [Float](repeating: 0, count: n * stride)
        var status = [Int32](repeating: 1, count: n)
        let (ih, oh, ow) = (g.inputHeight, g.outputHeight, g.outputWidth)
        let relu = reluOutput?.scalars ?? []
        x.scalars.withUnsafeBufferPointer { px in
            dy.scalars.withUnsafeBufferPointer { pdy in
              relu.withUnsafeBufferPointer { py in
                partials.withUnsafeMutableBufferPointer { pp in
                    status.withUnsafeMutableBufferPointer { ps in
                        // (An empty array's buffer may still have an address: say nil.)
                        let ry = reluOutput == nil ? nil : py.baseAddress
                        let box = UncheckedSendableBox(value: (px.baseAddress!, pdy.baseAddress!, ry, pp.baseAddress!, ps.baseAddress!))
                        Parallel.forEach(n) { i in
                            let (px, pdy, py, pp, ps) = box.value
                            let out = pp + i * stride
                            ps[i] = cnn_thin_kernel_gradient(
                                Int32(width), px + i * h * w * c, pdy + i * oh * ow * f, py.map { $0 + i * oh * ow * f },
                                Int32(ih), Int32(w), Int32(c),
                                Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(f), Int32(g.padTop), Int32(g.padLeft),
                                Int32(oh), Int32(ow), out, out + rows * f)
                        }
                    }
                }
              }
            }
        }
        guard status.allSatisfy({ $0 == 1 }) else { return nil }
        var sum = Array(partials[0..<stride])
        for i in 1..<Swift.max(n, 1) {
            let base = i * stride
            for j in 0..<stride { sum[j] += partials[base + j] }
        }
        return (Tensor(shape: [g.kernelHeight, g.kernelWidth, c, f], scalars: Array(sum[0..<(rows * f)])),
                Tensor(shape: [f], scalars: Array(sum[(rows * f)...])))
    }
}
