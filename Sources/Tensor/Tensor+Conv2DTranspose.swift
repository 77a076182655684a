/// Transposed convolution: the exact adjoint of `conv2d` in its input.
///
/// For every x and y of matching shapes, <conv2d(x, K), y> == <x, conv2dTranspose(y, K)>
/// (exactly, for `Int`). The kernel is the convolution's own (KH,KW,C,F).
extension Tensor {
    /// y (OH,OW) + kernel (KH,KW) -> (H,W); (OH,OW,F) + (KH,KW,C,F) -> (H,W,C);
    /// (N,OH,OW,F) + (KH,KW,C,F) -> (N,H,W,C).
    ///
    /// H = (OH-1)*strideY + (KH-1)*dilationY + 1 - top - bottom for `.valid` and `.explicit`
    /// padding; for `.same`, H = OH*strideY (Keras), with the padding `conv2d` would use on H.
    /// Likewise for W. `Int` is exact (overflow throws); `Float` uses oneDNN's backward data.
    @_specialize(exported: true, where Scalar == Float)
    public func conv2dTranspose(_ kernel: Tensor, stride: (Int, Int) = (1, 1), padding: Padding = .valid,
                                dilation: (Int, Int) = (1, 1)) throws(TensorError) -> Tensor {
        let y: Tensor, k: Tensor
        switch (rank, kernel.rank) {
        case (2, 2):
            y = try reshaped([1, shape[0], shape[1], 1])
            k = try kernel.reshaped([kernel.shape[0], kernel.shape[1], 1, 1])
        case (3, 4) where kernel.shape[3] == shape[2]:
            y = try reshaped([1] + shape); k = kernel
        case (4, 4) where kernel.shape[3] == shape[3]:
            y = self; k = kernel
        default:
            throw .shapeMismatch("conv2dTranspose needs y (OH,OW) with kernel (KH,KW), or (OH,OW,F) or (N,OH,OW,F) with kernel (KH,KW,C,F) and the same F; got \(formatShape(shape)) and \(formatShape(kernel.shape))")
        }
        let g = try Tensor.transposeGeometry(outputHeight: y.shape[1], outputWidth: y.shape[2], kernelHeight: k.shape[0],
                                             kernelWidth: k.shape[1], stride: stride, padding: padding, dilation: dilation)
        _ = try ShapeCheck.budgeted([y.shape[0], g.inputHeight, g.inputWidth, k.shape[2]], Scalar.self, "the conv2dTranspose output")
        let x = try Scalar.convolveTransposed(y, k, g)
        switch rank {
        case 2: return try x.reshaped([x.shape[1], x.shape[2]])
        case 3: return try x.reshaped(Array(x.shape.dropFirst()))
        default: return x
        }
    }

    /// The geometry of the convolution whose adjoint maps (OH,OW) back to its input plane.
    static func transposeGeometry(outputHeight oh: Int, outputWidth ow: Int, kernelHeight kh: Int, kernelWidth kw: Int,
                                  stride: (Int, Int), padding: Padding, dilation: (Int, Int)) throws(TensorError) -> WindowGeometry {
        guard stride.0 >= 1, stride.1 >= 1, dilation.0 >= 1, dilation.1 >= 1, kh >= 1, kw >= 1 else {
            throw .invalidArgument("conv2dTranspose needs stride, dilation and kernel of at least 1, got stride [\(stride.0), \(stride.1)], dilation [\(dilation.0), \(dilation.1)], kernel \(kh)x\(kw)")
        }
        let effH = (kh - 1) * dilation.0 + 1, effW = (kw - 1) * dilation.1 + 1
        let h: Int, w: Int
        switch padding {
        case .valid: (h, w) = ((oh - 1) * stride.0 + effH, (ow - 1) * stride.1 + effW)
        case .same: (h, w) = (oh * stride.0, ow * stride.1)
        case let .explicit(t, b, l, r):
            (h, w) = ((oh - 1) * stride.0 + effH - t - b, (ow - 1) * stride.1 + effW - l - r)
        }
        guard oh >= 1, ow >= 1, h >= 1, w >= 1 else {
            throw .shapeMismatch("conv2dTranspose of \(oh)x\(ow) with a \(kh)x\(kw) kernel and padding \(padding) gives no output (\(h)x\(w))")
        }
        let g = try WindowGeometry(inputHeight: h, inputWidth: w, kernelHeight: kh, kernelWidth: kw,
                                   stride: stride, dilation: dilation, padding: padding)
        guard g.outputHeight == oh, g.outputWidth == ow else {
            throw .shapeMismatch("conv2dTranspose: padding \(padding) leaves no \(h)x\(w) input whose convolution is \(oh)x\(ow)")
        }
        return g
    }

    /// Reference transposed convolution by direct scatter loops: y (N,OH,OW,F), kernel
    /// (KH,KW,C,F) -> (N,H,W,C), summing over (oy, ox, f, ky, kx) in that order; checked for `Int`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Int)
    func conv2dTransposeReference(_ k: Tensor, _ g: WindowGeometry) throws(TensorError) -> Tensor {
        let (n, oh, ow, f) = (shape[0], shape[1], shape[2], shape[3])
        let (kh, kw, c) = (k.shape[0], k.shape[1], k.shape[2])
        let (h, w) = (g.inputHeight, g.inputWidth)
        var out = [Scalar](repeating: .zero, count: n * h * w * c)
        for b in 0..<n { for oy in 0..<oh { try WorkLimit.check(); for ox in 0..<ow { for fi in 0..<f {
            let v = scalars[((b * oh + oy) * ow + ox) * f + fi]
            for ky in 0..<kh {
                let iy = g.inputRow(oy, ky)
                if iy < 0 || iy >= h { continue }
                for kx in 0..<kw {
                    let ix = g.inputColumn(ox, kx)
                    if ix < 0 || ix >= w { continue }
                    for ch in 0..<c {
                        let o = ((b * h + iy) * w + ix) * c + ch
                        out[o] = try Scalar.checkedAdd(out[o], Scalar.checkedMultiply(v, k.scalars[((ky * kw + kx) * c + ch) * f + fi]))
                    }
                }
            }
        } } } }
        return Tensor(shape: [n, h, w, c], scalars: out)
    }

    /// Reference kernel gradient by direct loops: x (N,H,W,C), dy (N,OH,OW,F) -> (KH,KW,C,F),
    /// dK[ky,kx,c,f] = sum over (n, oy, ox) of x[n, iy, ix, c] * dy[n, oy, ox, f].
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Int)
    func conv2dKernelGradientReference(_ dy: Tensor, _ g: WindowGeometry) throws(TensorError) -> Tensor {
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let (oh, ow, f) = (dy.shape[1], dy.shape[2], dy.shape[3])
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        var out = [Scalar](repeating: .zero, count: kh * kw * c * f)
        for ky in 0..<kh { for kx in 0..<kw { try WorkLimit.check(); for ch in 0..<c { for fi in 0..<f {
            var acc = Scalar.zero
            for b in 0..<n { for oy in 0..<oh {
                let iy = g.inputRow(oy, ky)
                if iy < 0 || iy >= h { continue }
                for ox in 0..<ow {
                    let ix = g.inputColumn(ox, kx)
                    if ix < 0 || ix >= w { continue }
                    acc = try Scalar.checkedAdd(acc, Scalar.checkedMultiply(scalars[((b * h + iy) * w + ix) * c + ch],
                                                                            dy.scalars[((b * oh + oy) * ow + ox) * f + fi]))
                }
            } }
            out[((ky * kw + kx) * c + ch) * f + fi] = acc
        } } } }
        return Tensor(shape: [kh, kw, c, f], scalars: out)
    }
}
