/// The fast Float convolution kernels: im2col packing plus `cblas_sgemm`, chunked over the
/// batch so the column buffer stays small.
///
/// Shapes: input x (N,H,W,C), kernel (KH,KW,C,F), output y (N,OH,OW,F). With M = OH*OW rows
/// per image and KK = KH*KW*C:
/// - forward:          y[chunk] = cols[chunk] (M,KK) * K (KK,F)
/// - input gradient:   dx += col2im(dy[chunk] (M,F) * K^T (F,KK))   (also conv2dTranspose)
/// - kernel gradient:  dK = sum over chunks cols[chunk]^T (KK,M) * dy[chunk] (M,F)
/// Chunks run in order and OpenBLAS never splits the summed dimension across threads, so
/// every result is reproducible bit for bit. Tested against the plain loops in
/// `conv2dReference`, `conv2dTransposeReference` and `conv2dKernelGradientReference`.
enum Conv2DKernels {
    /// input (N,H,W,C), kernel (KH,KW,C,F), bias (F) or nil -> (N,OH,OW,F).
    static func forward(_ x: Tensor<Float>, _ k: Tensor<Float>, bias: Tensor<Float>?, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, c, f) = (x.shape[0], x.shape[3], k.shape[3])
        let m = g.outputHeight * g.outputWidth
        let kk = g.kernelHeight * g.kernelWidth * c
        var out = LargeArray.uninitializedFloats(n * m * f)  // sgemm (beta 0) writes every element
        let chunk = Im2Col.imagesPerChunk(g, channels: c, batch: n)
        var cols = LargeArray.uninitializedFloats(chunk * m * kk)  // scratch, written before read
        x.scalars.withUnsafeBufferPointer { px in
            k.scalars.withUnsafeBufferPointer { pk in
                cols.withUnsafeMutableBufferPointer { pc in
                    out.withUnsafeMutableBufferPointer { po in
                        guard let xp = px.baseAddress, let kp = pk.baseAddress, let cp = pc.baseAddress,
                              let op = po.baseAddress else { return }
                        var n0 = 0
                        while n0 < n {
                            let n1 = Swift.min(n, n0 + chunk)
                            Im2Col.pack(xp, channels: c, g, images: n0, n1, into: cp)
                            GEMM.sgemm(m: (n1 - n0) * m, n: f, k: kk, cp, kp, op + n0 * m * f)
                            n0 = n1
                        }
                        if let bias {
                            bias.scalars.withUnsafeBufferPointer { pb in
                                Parallel.forRanges(n * m, minimumChunk: 256) { rows in
                                    for r in rows { for j in 0..<f { op[r * f + j] += pb[j] } }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, g.outputHeight, g.outputWidth, f], scalars: out)
    }

    /// The adjoint of `forward` in x: dy (N,OH,OW,F), kernel (KH,KW,C,F) -> dx (N,H,W,C).
    static func inputGradient(_ dy: Tensor<Float>, _ k: Tensor<Float>, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, c, f) = (dy.shape[0], k.shape[2], k.shape[3])
        let m = g.outputHeight * g.outputWidth
        let kk = g.kernelHeight * g.kernelWidth * c
        var dx = LargeArray.zeros(n * g.inputHeight * g.inputWidth * c)
        let chunk = Im2Col.imagesPerChunk(g, channels: c, batch: n)
        var cols = LargeArray.uninitializedFloats(chunk * m * kk)  // scratch, written before read
        dy.scalars.withUnsafeBufferPointer { pdy in
            k.scalars.withUnsafeBufferPointer { pk in
                cols.withUnsafeMutableBufferPointer { pc in
                    dx.withUnsafeMutableBufferPointer { pdx in
                        guard let dyp = pdy.baseAddress, let kp = pk.baseAddress, let cp = pc.baseAddress,
                              let dxp = pdx.baseAddress else { return }
                        var n0 = 0
                        while n0 < n {
                            let n1 = Swift.min(n, n0 + chunk)
                            GEMM.sgemm(m: (n1 - n0) * m, n: kk, k: f, dyp + n0 * m * f, kp, transposeB: true, cp)
                            Im2Col.unpack(cp, channels: c, g, images: n0, n1, into: dxp)
                            n0 = n1
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, g.inputHeight, g.inputWidth, c], scalars: dx)
    }

    /// The gradient in the kernel: x (N,H,W,C), dy (N,OH,OW,F) -> dK (KH,KW,C,F).
    static func kernelGradient(_ x: Tensor<Float>, _ dy: Tensor<Float>, _ g: WindowGeometry) -> Tensor<Float> {
        let (n, c, f) = (x.shape[0], x.shape[3], dy.shape[3])
        let m = g.outputHeight * g.outputWidth
        let kk = g.kernelHeight * g.kernelWidth * c
        var dk = [Float](repeating: 0, count: kk * f)
        let chunk = Im2Col.imagesPerChunk(g, channels: c, batch: n)
        var cols = LargeArray.uninitializedFloats(chunk * m * kk)  // scratch, written before read
        x.scalars.withUnsafeBufferPointer { px in
            dy.scalars.withUnsafeBufferPointer { pdy in
                cols.withUnsafeMutableBufferPointer { pc in
                    dk.withUnsafeMutableBufferPointer { pdk in
                        guard let xp = px.baseAddress, let dyp = pdy.baseAddress, let cp = pc.baseAddress,
                              let dkp = pdk.baseAddress else { return }
                        var n0 = 0
                        while n0 < n {
                            let n1 = Swift.min(n, n0 + chunk)
                            Im2Col.pack(xp, channels: c, g, images: n0, n1, into: cp)
                            GEMM.sgemm(m: kk, n: f, k: (n1 - n0) * m, cp, transposeA: true, dyp + n0 * m * f, dkp,
                                       beta: n0 == 0 ? 0 : 1)
                            n0 = n1
                        }
                    }
                }
            }
        }
        return Tensor(shape: [g.kernelHeight, g.kernelWidth, c, f], scalars: dk)
    }

    /// The gradient in the bias: dy (N,OH,OW,F) -> (F). Rows are summed in Double in 8 fixed
    /// blocks (concurrently), then the blocks in order, so the result does not depend on cores.
    static func biasGradient(_ dy: Tensor<Float>) -> Tensor<Float> {
        let f = Swift.max(dy.shape.last ?? 1, 1)
        let rows = dy.count / f
        let blocks = 8
        var partial = [Double](repeating: 0, count: blocks * f)
        dy.scalars.withUnsafeBufferPointer { p in
            partial.withUnsafeMutableBufferPointer { q in
                let box = UncheckedSendableBox(value: (p, q))
                Parallel.forEach(blocks) { blk in
                    let (p, q) = box.value
                    for r in (rows * blk / blocks)..<(rows * (blk + 1) / blocks) {
                        for j in 0..<f { q[blk * f + j] += Double(p[r * f + j]) }
                    }
                }
            }
        }
        var db = [Double](repeating: 0, count: f)
        for blk in 0..<blocks { for j in 0..<f { db[j] += partial[blk * f + j] } }
        return Tensor(shape: [f], scalars: db.map { Float($0) })
    }
}
