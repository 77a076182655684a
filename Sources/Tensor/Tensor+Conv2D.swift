/// 2-D convolution as deep-learning libraries define it (cross-correlation: the kernel is not flipped).
extension Tensor {
    /// 2-D convolution of a plane, an image or a batch, with optional bias (F).
    ///
    /// input (H,W) + kernel (KH,KW) -> (OH,OW); (H,W,C) + (KH,KW,C,F) -> (OH,OW,F);
    /// (N,H,W,C) + (KH,KW,C,F) -> (N,OH,OW,F). A plane takes a bias of shape (1).
    /// `Int` runs the exact reference loops (overflow throws); `Float` runs oneDNN (or the
    /// same loops for small work), within 1e-5 * sqrt(KH*KW*C) * max|x|*max|k| of a Double reference.
    @_specialize(exported: true, where Scalar == Float)
    public func conv2d(_ kernel: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: Padding = .valid,
                       dilation: (Int, Int) = (1, 1)) throws(TensorError) -> Tensor {
        let (x, k, restore) = try batchedForConv(kernel, "conv2d")
        try checkConvBias(bias, filters: k.shape[3])
        let g = try WindowGeometry(inputHeight: x.shape[1], inputWidth: x.shape[2], kernelHeight: k.shape[0],
                                   kernelWidth: k.shape[1], stride: stride, dilation: dilation, padding: padding)
        _ = try ShapeCheck.budgeted([x.shape[0], g.outputHeight, g.outputWidth, k.shape[3]], Scalar.self, "the conv2d output")
        return try restore(Scalar.convolve(x, k, bias: bias, g))
    }

    /// Brings a conv input and kernel to (N,H,W,C) and (KH,KW,C,F), and gives back the
    /// function that brings a (N,OH,OW,F) result to the input's rank.
    func batchedForConv(_ kernel: Tensor, _ op: String) throws(TensorError)
        -> (Tensor, Tensor, (Tensor) throws(TensorError) -> Tensor) {
        switch (rank, kernel.rank) {
        case (2, 2):
            let x = try reshaped([1, shape[0], shape[1], 1])
            let k = try kernel.reshaped([kernel.shape[0], kernel.shape[1], 1, 1])
            return (x, k, { (y) throws(TensorError) in try y.reshaped([y.shape[1], y.shape[2]]) })
        case (3, 4) where kernel.shape[2] == shape[2]:
            let x = try reshaped([1] + shape)
            return (x, kernel, { (y) throws(TensorError) in try y.reshaped(Array(y.shape.dropFirst())) })
        case (4, 4) where kernel.shape[2] == shape[3]:
            return (self, kernel, { (y) throws(TensorError) in y })
        default:
            throw .shapeMismatch("\(op) needs input (H,W) with kernel (KH,KW), or (H,W,C) or (N,H,W,C) with kernel (KH,KW,C,F) and the same C; got \(formatShape(shape)) and \(formatShape(kernel.shape))")
        }
    }

    /// Reference convolution by direct loops: input (N,H,W,CIN), kernel (KH,KW,CIN,COUT),
    /// optional bias (COUT) -> (N,OH,OW,COUT). Padded cells count as zero.
    ///
    /// Sums run over (ky, kx, c) in that order, then the bias is added, so `Int` results are
    /// exact and `Float` results are reproducible.
    @_specialize(exported: true, where Scalar == Float)
    public func conv2dReference(_ kernel: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                                padding: Padding = .valid, dilation: (Int, Int) = (1, 1)) throws(TensorError) -> Tensor {
        guard rank == 4, kernel.rank == 4, kernel.shape[2] == shape[3] else {
            throw .shapeMismatch("conv2d needs input (N,H,W,C) and kernel (KH,KW,C,F) with the same C, got \(formatShape(shape)) and \(formatShape(kernel.shape))")
        }
        try checkConvBias(bias, filters: kernel.shape[3])
        let g = try WindowGeometry(inputHeight: shape[1], inputWidth: shape[2], kernelHeight: kernel.shape[0],
                                   kernelWidth: kernel.shape[1], stride: stride, dilation: dilation, padding: padding)
        return try conv2dReference(kernel, bias: bias, g)
    }

    /// `conv2dReference` under a worked-out geometry (shapes checked by the caller).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Int)
    func conv2dReference(_ kernel: Tensor, bias: Tensor?, _ g: WindowGeometry) throws(TensorError) -> Tensor {
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let (kh, kw, f) = (kernel.shape[0], kernel.shape[1], kernel.shape[3])
        var out = [Scalar](repeating: .zero, count: n * g.outputHeight * g.outputWidth * f)
        var o = 0
        for b in 0..<n {
            for oy in 0..<g.outputHeight {
                try WorkLimit.check()  // a row at a time: a time limit or Ctrl-C stops here
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

    /// A convolution's bias, when given, has one value per filter (checked here for every path).
    func checkConvBias(_ bias: Tensor?, filters f: Int) throws(TensorError) {
        if let bias, bias.shape != [f] {
            throw .shapeMismatch("conv2d bias must have shape \(f) (one per filter), got \(formatShape(bias.shape))")
        }
    }
}
