/// The plain Float convolution loops: what runs below `Conv2DKernels.smallWork` and in
/// `Engine.portable` mode (lessons that train). Each output element is summed in exactly the
/// order of the generic reference loops (`conv2dReference`, `conv2dTransposeReference`,
/// `conv2dKernelGradientReference`), so the results are the same bits as theirs (tested), but
/// the loops run over the channel axis innermost, which is contiguous and independent from
/// element to element, so the compiler vectorises them without changing any sum. Plain IEEE
/// multiplies and adds in a fixed order: the same bits on every x86-64 CPU.
///
/// Shapes as `Conv2DKernels`: x (N,H,W,C), kernel (KH,KW,C,F), y (N,OH,OW,F).
enum PlainConv {
    /// y = conv(x, k) (+ bias): per output, the products in (ky, kx, c) order from 0, then the bias.
    static func forward(_ x: Tensor<Float>, _ k: Tensor<Float>, bias: Tensor<Float>?, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let f = k.shape[3]
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        var out = [Float](repeating: 0, count: n * oh * ow * f)
        x.scalars.withUnsafeBufferPointer { px in
            k.scalars.withUnsafeBufferPointer { pk in
                out.withUnsafeMutableBufferPointer { po in
                    let box = UncheckedSendableBox(value: (px, pk, po))
                    // Images are independent: each is summed by one thread, in the same order.
                    Parallel.forEach(n, work: n * oh * ow * f * g.kernelHeight * g.kernelWidth * c) { b in
                        let (px, pk, po) = box.value
                        guard let xs = px.baseAddress, let ks = pk.baseAddress, let ys = po.baseAddress else { return }
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                let o = ys + ((b * oh + oy) * ow + ox) * f
                                for ky in 0..<g.kernelHeight {
                                    let iy = g.inputRow(oy, ky)
                                    if iy < 0 || iy >= h { continue }
                                    for kx in 0..<g.kernelWidth {
                                        let ix = g.inputColumn(ox, kx)
                                        if ix < 0 || ix >= w { continue }
                                        let xv = xs + ((b * h + iy) * w + ix) * c
                                        let kv = ks + (ky * g.kernelWidth + kx) * c * f
                                        for ch in 0..<c {
                                            let a = xv[ch]
                                            let row = kv + ch * f
                                            for j in 0..<f { o[j] += a * row[j] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if let bias {
            for i in stride(from: 0, to: out.count, by: f) {
                for j in 0..<f { out[i + j] += bias.scalars[j] }
            }
        }
        return Tensor(shape: [n, oh, ow, f], scalars: out)
    }

    /// dx = conv^T(dy, k): per input element, the products in (oy, ox, f, ky, kx) order.
    static func inputGradient(_ dy: Tensor<Float>, _ k: Tensor<Float>, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, oh, ow, f) = (dy.shape[0], dy.shape[1], dy.shape[2], dy.shape[3])
        let (kh, kw, c) = (k.shape[0], k.shape[1], k.shape[2])
        let (h, w) = (g.inputHeight, g.inputWidth)
        // The kernel as (KH,KW,F,C), so that the channel loop reads it contiguously.
        var kt = [Float](repeating: 0, count: k.count)
        for cell in 0..<(kh * kw) { for ch in 0..<c { for fi in 0..<f {
            kt[(cell * f + fi) * c + ch] = k.scalars[(cell * c + ch) * f + fi]
        } } }
        var out = [Float](repeating: 0, count: n * h * w * c)
        dy.scalars.withUnsafeBufferPointer { pdy in
            kt.withUnsafeBufferPointer { pk in
                out.withUnsafeMutableBufferPointer { po in
                    let box = UncheckedSendableBox(value: (pdy, pk, po))
                    Parallel.forEach(n, work: n * oh * ow * f * kh * kw * c) { b in
                        let (pdy, pk, po) = box.value
                        guard let ys = pdy.baseAddress, let ks = pk.baseAddress, let xs = po.baseAddress else { return }
                        for oy in 0..<oh { for ox in 0..<ow {
                            let yv = ys + ((b * oh + oy) * ow + ox) * f
                            for fi in 0..<f {
                                let v = yv[fi]
                                for ky in 0..<kh {
                                    let iy = g.inputRow(oy, ky)
                                    if iy < 0 || iy >= h { continue }
                                    for kx in 0..<kw {
                                        let ix = g.inputColumn(ox, kx)
                                        if ix < 0 || ix >= w { continue }
                                        let o = xs + ((b * h + iy) * w + ix) * c
                                        let row = ks + ((ky * kw + kx) * f + fi) * c
                                        for ch in 0..<c { o[ch] += v * row[ch] }
                                    }
                                }
                            }
                        } }
                    }
                }
            }
        }
        return Tensor(shape: [n, h, w, c], scalars: out)
    }

    /// dK = sum over (n, oy, ox) of x * dy: per kernel element, the products in that order.
    static func kernelGradient(_ x: Tensor<Float>, _ dy: Tensor<Float>, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow, f) = (dy.shape[1], dy.shape[2], dy.shape[3])
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        var out = [Float](repeating: 0, count: kh * kw * c * f)
        x.scalars.withUnsafeBufferPointer { px in
            dy.scalars.withUnsafeBufferPointer { pdy in
                out.withUnsafeMutableBufferPointer { po in
                    guard let xs = px.baseAddress, let ys = pdy.baseAddress, let ks = po.baseAddress else { return }
                    for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow {
                        let yv = ys + ((b * oh + oy) * ow + ox) * f
                        for ky in 0..<kh {
                            let iy = g.inputRow(oy, ky)
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<kw {
                                let ix = g.inputColumn(ox, kx)
                                if ix < 0 || ix >= w { continue }
                                let xv = xs + ((b * h + iy) * w + ix) * c
                                let kv = ks + (ky * kw + kx) * c * f
                                for ch in 0..<c {
                                    let a = xv[ch]
                                    let row = kv + ch * f
                                    for j in 0..<f { row[j] += a * yv[j] }
                                }
                            }
                        }
                    } } }
                }
            }
        }
        return Tensor(shape: [kh, kw, c, f], scalars: out)
    }
}
