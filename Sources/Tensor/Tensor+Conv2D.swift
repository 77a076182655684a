/// 2-D convolution as deep-learning libraries define it (cross-correlation: the kernel is not flipped).
extension Tensor {
    /// Convolution of one plane: input (H,W), kernel (KH,KW) -> (OH,OW).
    ///
    /// The exact reference: direct loops with checked arithmetic, so an `Int` result is exact
    /// or an overflow error.
    public func conv2d(_ kernel: Tensor, stride: (Int, Int) = (1, 1), padding: Padding = .valid,
                       dilation: (Int, Int) = (1, 1)) throws(TensorError) -> Tensor {
        guard rank == 2, kernel.rank == 2 else {
            throw .shapeMismatch("conv2d of a plane needs input (H,W) and kernel (KH,KW), got \(formatShape(shape)) and \(formatShape(kernel.shape))")
        }
        let x = try reshaped([1, shape[0], shape[1], 1])
        let k = try kernel.reshaped([kernel.shape[0], kernel.shape[1], 1, 1])
        let y = try x.conv2dReference(k, bias: nil, stride: stride, padding: padding, dilation: dilation)
        return try y.reshaped([y.shape[1], y.shape[2]])
    }

    /// Reference convolution by direct loops: input (N,H,W,CIN), kernel (KH,KW,CIN,COUT),
    /// optional bias (COUT) -> (N,OH,OW,COUT). Padded cells count as zero.
    ///
    /// Sums run over (ky, kx, c) in that order, then the bias is added, so `Int` results are
    /// exact and `Float` results are reproducible.
    public func conv2dReference(_ kernel: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                                padding: Padding = .valid, dilation: (Int, Int) = (1, 1)) throws(TensorError) -> Tensor {
        guard rank == 4, kernel.rank == 4, kernel.shape[2] == shape[3] else {
            throw .shapeMismatch("conv2d needs input (N,H,W,C) and kernel (KH,KW,C,F) with the same C, got \(formatShape(shape)) and \(formatShape(kernel.shape))")
        }
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let (kh, kw, f) = (kernel.shape[0], kernel.shape[1], kernel.shape[3])
        if let bias, bias.shape != [f] {
            throw .shapeMismatch("conv2d bias must have shape \(f) (one per filter), got \(formatShape(bias.shape))")
        }
        let g = try WindowGeometry(inputHeight: h, inputWidth: w, kernelHeight: kh, kernelWidth: kw,
                                   stride: stride, dilation: dilation, padding: padding)
        var out = [Scalar](repeating: .zero, count: n * g.outputHeight * g.outputWidth * f)
        var o = 0
        for b in 0..<n {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    for filter in 0..<f {
                        var acc = Scalar.zero
                        for ky in 0..<kh {
                            let iy = g.inputRow(oy, ky)
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<kw {
                                let ix = g.inputColumn(ox, kx)
                                if ix < 0 || ix >= w { continue }
                                let xBase = ((b * h + iy) * w + ix) * c
                                let kBase = (ky * kw + kx) * c * f + filter
                                for ch in 0..<c {
                                    let p = try Scalar.checkedMultiply(scalars[xBase + ch], kernel.scalars[kBase + ch * f])
                                    acc = try Scalar.checkedAdd(acc, p)
                                }
                            }
                        }
                        if let bias { acc = try Scalar.checkedAdd(acc, bias.scalars[filter]) }
                        out[o] = acc
                        o += 1
                    }
                }
            }
        }
        return Tensor(shape: [n, g.outputHeight, g.outputWidth, f], scalars: out)
    }
}
